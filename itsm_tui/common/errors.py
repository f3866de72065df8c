"""Typed domain errors. Every front door turns them into one clear sentence for a person.

An error carries a message id and its arguments, not a finished sentence, so each front door
shows it in its reader's language: ``Invalid("Ticket {number} is closed.", number=n)``. The
message id is the English template (gettext's convention); ``make translations`` extracts the
first argument of every error class named in its ``--keyword`` list. :attr:`DomainError.message`
is the English sentence (logs, ``--json``: scripts read the same text in every language);
:meth:`DomainError.text` is the sentence in the language in force (the console, the CLI's
stderr).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """A refusal the user can understand and act on (never a crash)."""

    kind = "error"

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        self.template = message
        self.params: Mapping[str, object] = params
        self.message = _fill(message, params)
        super().__init__(self.message)
        self.field = field

    def text(self) -> str:
        """The sentence in the language in force (English when no catalogue is installed)."""
        from itsm_tui.common.i18n import _

        return _fill(_(self.template), _shown(self.params))

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"error": self.kind, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data


class NotFound(DomainError):
    """The thing named does not exist; ``suggestions`` lists the closest existing names."""

    kind = "not_found"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        suggestions: Sequence[str] = (),
        **params: object,
    ) -> None:
        super().__init__(message, field=field, **params)
        self.suggestions = list(suggestions)
        if self.suggestions:
            names = ", ".join(self.suggestions)
            self.message = f"{self.message} Did you mean: {names}?"
            self.args = (self.message,)

    def text(self) -> str:
        from itsm_tui.common.i18n import _

        if not self.suggestions:
            return super().text()
        names = ", ".join(self.suggestions)
        hint = _("Did you mean: {names}?").format(names=names)
        return f"{super().text()} {hint}"

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "suggestions": self.suggestions}


class Invalid(DomainError):
    """The input breaks a rule (too long, wrong state, missing reason …)."""

    kind = "invalid"


class Forbidden(DomainError):
    """The acting staff member's roles do not allow this."""

    kind = "forbidden"


class Conflict(DomainError):
    """Someone else changed the record first; nothing was overwritten."""

    kind = "conflict"


class UnknownOperator(DomainError):
    """The OS account running the tool has no staff record."""

    kind = "unknown_operator"


class DatabaseUnavailable(DomainError):
    """The database cannot be opened or written as asked: a missing folder, a file that is not
    a database, a read-only file, a server that does not answer. Nothing was changed."""

    kind = "database"


class SchemaMismatch(DomainError):
    """The database's schema is not the one this version of itsm works with: none yet, older
    (run ``itsm db upgrade``) or newer (upgrade itsm). Nothing was changed."""

    kind = "schema"


def _shown(params: Mapping[str, object]) -> Mapping[str, object]:
    """The arguments as shown: a :class:`~itsm_tui.common.i18n.Phrase` (or ``Phrases``) in the
    language in force, anything else (names, numbers, codes) as it is."""
    from itsm_tui.common.i18n import Phrase, Phrases

    return {
        key: value.text() if isinstance(value, (Phrase, Phrases)) else value
        for key, value in params.items()
    }


def _fill(template: str, params: Mapping[str, object]) -> str:
    """``template`` with its ``{name}`` fields filled in; a template without arguments is left
    as it is, so a literal brace in a sentence that takes none needs no escaping."""
    return template.format_map(params) if params else template
