"""Plain output as a person and a pipe read it: tables aligned in terminal cells, and a reader
that leaves early (``itsm … | head``) ends the command quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from itsm_tui.cli.output import print_table
from itsm_tui.common.config import Settings
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow import callers
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.staff import os_login, resolve_actor

ITSM = str(Path(sys.executable).parent / "itsm")


def test_columns_line_up_in_terminal_cells(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(
        ["id", "name", "department"],
        [["#1", "王小明", "办公室"], ["#22", "Li", "IT"], ["#333", "欧阳晓晓", None]],
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id    name      department")
    rows = zip(lines[1:], "办I", strict=False)
    # "department" begins 16 cells in, whatever the width of the names before it
    assert {cell_len(line[: line.index(word)]) for line, word in rows} == {16}
    assert lines[3] == "#333  欧阳晓晓"  # no trailing blanks for an empty last cell


def test_a_reader_that_leaves_early_ends_the_command_quietly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'itsm.db'}"
    engine = make_engine(url)
    site = Site(engine, settings=Settings(database_url=url))
    initialise(site, os_login())
    admin = resolve_actor(site)
    for i in range(200):  # ~110 KB of rows: more than a pipe buffer holds
        callers.add_caller(site, admin, f"王{i:03d}" + "明" * 80, department="财务处" * 33)
    engine.dispose()
    command = f"'{ITSM}' --db '{url}' caller search 王 --limit 200 | head -1"
    done = subprocess.run(
        ["bash", "-c", f"{command}; exit ${{PIPESTATUS[0]}}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.startswith("id")
    assert done.stderr == ""  # no "the command failed (BrokenPipeError …)", no traceback
    assert done.returncode == 141
