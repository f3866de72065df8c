"""What one ``itsm`` call imports: what its command needs, nothing more.

A script pays every call's imports again (``benchmarks/cli_start.py`` measures them); these
keep ``--help`` off the database code and pydantic, and a script's commands off Rich, Textual
and the parts of the workflow they do not call.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

#: Never needed to print help.
NOT_FOR_HELP = ("sqlalchemy", "sqlmodel", "pydantic", "rich", "itsm_tui.storage", "textual")
#: Never needed by a ticket or caller command with --json.
NOT_FOR_SCRIPTS = (
    "rich",
    "textual",
    "alembic",
    "apscheduler",
    "itsm_tui.console.app",
    "itsm_tui.workflow.cmdb",
    "itsm_tui.workflow.sla_scan",
    "itsm_tui.workflow.demo",
    "itsm_tui.cli.cmdb",
    "itsm_tui.cli.sla",
)


def loaded_after(
    args: list[str], names: tuple[str, ...], env: dict[str, str] | None = None
) -> list[str]:
    """Which of ``names`` a fresh ``itsm ARGS`` has imported when it is done."""
    script = (
        "import sys\n"
        f"sys.argv = ['itsm', *{args!r}]\n"
        "from itsm_tui.launch import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"sys.stderr.write(repr([m for m in {names!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    return ast.literal_eval(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--help"], ["ticket", "--help"], ["sla", "policy", "--help"]])
def test_help_loads_no_database_code(args: list[str]) -> None:
    assert loaded_after(args, NOT_FOR_HELP) == []


def test_script_commands_load_only_their_own_workflow(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'itsm.db'}"
    subprocess.run(
        [sys.executable, "-m", "itsm_tui", "--db", url, "init"], check=True, capture_output=True
    )
    for args in (
        ["ticket", "list", "--json"],
        ["ticket", "show", "INC1", "--json"],
        ["caller", "search", "王", "--json"],
    ):
        assert loaded_after(["--db", url, *args], NOT_FOR_SCRIPTS) == [], args
