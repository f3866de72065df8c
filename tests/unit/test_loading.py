"""The console's database code is loaded once, by one thread, while the others wait: two
threads importing SQLAlchemy at once could each get the other's half-built modules."""

from __future__ import annotations

import threading
import time

import pytest

from itsm_tui.console import loading


def test_one_thread_imports_while_the_others_wait_then_nobody_imports_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loading, "_loaded", threading.Event())
    imported: list[tuple[str, str]] = []
    returned: dict[str, int] = {}

    def slow_import(name: str) -> None:
        time.sleep(0.002)
        imported.append((threading.current_thread().name, name))

    monkeypatch.setattr(loading.importlib, "import_module", slow_import)

    def caller() -> None:
        loading.load_database_code()
        returned[threading.current_thread().name] = len(imported)

    threads = [threading.Thread(target=caller, name=f"t{i}") for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [name for _, name in imported] == list(loading.LATER)  # once, in order
    assert len({who for who, _ in imported}) == 1  # by one thread
    assert set(returned.values()) == {len(loading.LATER)}  # nobody returned before it was done
    loading.load_database_code()
    assert len(imported) == len(loading.LATER)
