"""The language people read: English, or Simplified Chinese (zh_CN), with stdlib ``gettext``.

Which language, the first that names one:

1. ``ITSM_LANG`` (this run, this shell);
2. ``language = "…"`` in the console's settings file (``~/.config/itsm-tui/config.toml``, see
   ``common.config``): this account on this machine;
3. the operator's preference in their staff record (``itsm staff set-language LOGIN zh_CN``):
   it follows the person to every machine, and an admin can set it for people who never edit
   a file. Read once the operator is known (:func:`prefer`): the command line applies it before
   it prints; a bare ``itsm`` reads it with the database driver alone before it imports any
   screen (``console.start``, ``storage.staff_language``) — see README, "Language";
4. the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set, as POSIX reads them),
   the machine's default;
5. else English.

When: :func:`install_configured` runs before any console module is imported (``launch`` and
``console.start``), because Textual evaluates ``BINDINGS`` and ``TITLE`` when their modules are
imported. Strings fixed at import time are still best marked with :func:`N_` (mark only) and
translated with :func:`_` where they are shown: then they follow the language in force, even
when it changes after the import (the tests switch languages in one process).

Cheap: ``gettext`` reads one compiled ``.mo`` file (built from the ``.po`` by the package build,
``setup.py``); no Babel at run time. A missing catalogue leaves the console in English and says
so (:data:`problem`), it never stops a start.

Adding a string: wrap it in ``_()`` (``ngettext()`` when it counts something), then
``make translations`` and fill in its ``msgstr`` in ``itsm_tui/locale/zh_CN/LC_MESSAGES/itsm.po``;
``tests/unit/test_i18n_catalogue.py`` fails while one is missing or fuzzy.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Mapping
from pathlib import Path

#: The gettext domain: ``itsm_tui/locale/<language>/LC_MESSAGES/itsm.mo``.
DOMAIN = "itsm"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
ENGLISH = "en"
CHINESE = "zh_CN"
#: The languages the console speaks (English is the source text: it needs no catalogue).
LANGUAGES = (ENGLISH, CHINESE)
#: The locale variables, in the order POSIX gives them precedence for messages.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH
#: Why the chosen language could not be installed (None: it was), for the console to tell.
problem: str | None = None
#: Whether :func:`install` has run in this process (the start runs it once, early).
installed = False
#: Whether ``ITSM_LANG`` or the settings file chose the language: then an operator's staff
#: record does not change it (:func:`prefer`).
decided = False


def _(message: str) -> str:
    """``message`` in the language in force."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for ``n`` ("1 ticket", "3 tickets"; Chinese has one form,
    "3 个工单"); format ``n`` into the result yourself (``.format(n=n)``)."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it: for text fixed at import
    time (a module constant, a class attribute), translated with :func:`_` where it is shown."""
    return message


def language() -> str:
    """The language in force: ``"en"`` or ``"zh_CN"``."""
    return _language


def normalise(value: str | None) -> str | None:
    """The supported language a setting or a locale names (``zh_CN.UTF-8``, ``zh-cn``, ``zh``,
    ``zh_Hans`` → ``zh_CN``; ``en_GB``, ``C``, ``POSIX`` → ``en``); None for anything else."""
    if not value:
        return None
    name = value.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if name in ("c", "posix") or name == "en" or name.startswith("en_"):
        return ENGLISH
    if name == "zh" or name in ("zh_cn", "zh_sg", "zh_hans") or name.startswith("zh_hans"):
        return CHINESE
    return None


def choose(environ: Mapping[str, str] | None = None, configured: str | None = None) -> str:
    """The language to use: ``ITSM_LANG``, then ``configured`` (the settings file's
    ``language``), then the locale, then English. A value naming no supported language at
    the first two steps is passed over (``ITSM_LANG=fr`` falls back to the file, the locale…);
    the locale is read as POSIX does: the first of ``LC_ALL``/``LC_MESSAGES``/``LANG`` set
    decides, even for a language the console does not speak (then English)."""
    env = os.environ if environ is None else environ
    for given in (env.get("ITSM_LANG"), configured):
        found = normalise(given)
        if found is not None:
            return found
    for variable in LOCALE_VARIABLES:
        if env.get(variable):
            return normalise(env[variable]) or ENGLISH
    return ENGLISH


def install(name: str) -> str:
    """Put ``name`` (a supported language) in force; the language that is in force after it
    (English when its catalogue is missing: :data:`problem` then says why)."""
    global _translation, _language, problem, installed
    found = normalise(name) or ENGLISH
    problem, installed = None, True
    if found == ENGLISH:
        _translation, _language = gettext.NullTranslations(), ENGLISH
        return _language
    try:
        with open(LOCALE_DIR / found / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as catalogue:
            _translation = gettext.GNUTranslations(catalogue)
    except OSError as exc:
        problem = (
            f"The {found} catalogue could not be read ({exc}); the console is in English. "
            "Reinstall the package (its build compiles the catalogue) or run `make translations`."
        )
        _translation, _language = gettext.NullTranslations(), ENGLISH
        return _language
    _language = found
    return _language


_catalogues: dict[str, gettext.NullTranslations] = {}


def translator(name: str | None) -> Callable[[str], str]:
    """``_`` for the language ``name`` (None, or one the console does not speak: the language
    in force), without putting it in force: for text written for someone who is not at this
    screen (an SLA e-mail in the site's language, while the console goes on in its own). A
    missing catalogue gives English."""
    found = normalise(name)
    if found is None:
        return _
    if found not in _catalogues:
        try:
            with open(LOCALE_DIR / found / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as catalogue:
                _catalogues[found] = gettext.GNUTranslations(catalogue)
        except OSError:
            _catalogues[found] = gettext.NullTranslations()
    return _catalogues[found].gettext


def install_configured(environ: Mapping[str, str] | None = None) -> str:
    """Choose the language (:func:`choose`, reading the settings file unless ``ITSM_LANG``
    decides) and install it; the language in force."""
    global decided
    env = os.environ if environ is None else environ
    configured = None
    if normalise(env.get("ITSM_LANG")) is None:
        from itsm_tui.common.config import read_console_file

        configured = read_console_file().language
    language = install(choose(env, configured))
    decided = normalise(env.get("ITSM_LANG")) is not None or normalise(configured) is not None
    return language


def prefer(preference: str | None) -> str:
    """The operator's own language (their staff record), once they are known: installed
    unless ``ITSM_LANG`` or the settings file decided (:data:`decided`) or it names no
    language; the language in force after it."""
    found = normalise(preference)
    if decided or found is None or found == _language:
        return _language
    return install(found)


class Phrase(str):
    """A fixed English phrase given to a message as an argument (an action such as "claim",
    "no role", a state's words): the English message (``DomainError.message``, logs,
    ``--json``) reads it as it is, the shown one (``DomainError.text``) in the language in
    force. Mark a literal one for the catalogue: ``Phrase(N_("no role"))``."""

    __slots__ = ()

    def text(self) -> str:
        return _(self)


class Phrases(tuple[str, ...]):
    """A list of codes or phrases given to a message as one argument (the roles that may do
    something): English joins them with ", ", the shown text translates each one and joins
    them the way the language does ("、" in Chinese)."""

    def __str__(self) -> str:
        return ", ".join(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def text(self) -> str:
        # TRANSLATORS: the separator between the items of a list in a sentence.
        return _(", ").join(_(item) for item in self)


#: The codes shown to people through :func:`status_text` (statuses, pending reasons, clock
#: states, channels, CI statuses, roles, ticket types), as ``common.domain.status_label``
#: words them. Stored values and ``--json`` keep the English codes.
CODE_WORDS = (
    N_("new"),
    N_("assigned"),
    N_("in progress"),
    N_("pending"),
    N_("resolved"),
    N_("closed"),
    N_("cancelled"),
    N_("customer"),
    N_("vendor"),
    N_("change"),
    N_("running"),
    N_("paused"),
    N_("stopped"),
    N_("none"),
    N_("phone"),
    N_("walk in"),
    N_("email"),
    N_("web"),
    N_("monitoring"),
    N_("in use"),
    N_("maintenance"),
    N_("retired"),
    N_("incident"),
    N_("request"),
    N_("agent"),
    N_("engineer"),
    N_("specialist"),
    N_("inspector"),
    N_("supervisor"),
    N_("admin"),
    N_("newest"),
    N_("oldest"),
    N_("priority"),
    N_("due"),
    # Problems, candidates, articles, surveys and report schedules, as their lists show them.
    N_("investigating"),
    N_("accepted"),
    N_("dismissed"),
    N_("reviewed"),
    N_("published"),
    N_("internal"),
    N_("self service"),
    N_("answered"),
    N_("expired"),
    N_("weekly"),
    N_("monthly"),
    N_("work note"),
    N_("public reply"),
)


def status_text(code: str) -> str:
    """A stored code as people read it in the language in force ("in_progress" → "in
    progress" → "处理中"); an unknown code reads as ``status_label`` words it."""
    from itsm_tui.common.domain import status_label

    return _(status_label(code))
