"""The package build's one step beyond pyproject.toml: compile the message catalogues.

Why a build step: the compiled ``.mo`` files are derived from the ``.po`` sources, so they are
not committed; every build makes them — a wheel (they go into it as package data) and an
editable install (``pip install -e``, as the Makefile does: they are written beside their
``.po`` in the source tree, which is the installed package). Babel compiles them (a build
requirement in pyproject.toml); the installed console reads them with stdlib ``gettext``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
LOCALE = Path("itsm_tui") / "locale"


def compile_catalogues(root: Path = ROOT) -> list[Path]:
    """Compile every ``itsm_tui/locale/*/LC_MESSAGES/*.po`` under ``root`` into its ``.mo``
    (fuzzy entries left out, as gettext's msgfmt does); the ``.mo`` paths, relative to ``root``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    made = []
    for po in sorted((root / LOCALE).glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalogue)
        made.append(mo.relative_to(root))
    return made


class BuildWithCatalogues(build_py):
    """``build_py`` that compiles the catalogues first and copies them into the build (an
    editable build copies nothing: the source tree is the package)."""

    def run(self) -> None:
        made = compile_catalogues()
        super().run()
        if not self.editable_mode:
            for mo in made:
                target = Path(self.build_lib) / mo
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(ROOT / mo, target)


setup(cmdclass={"build_py": BuildWithCatalogues})
