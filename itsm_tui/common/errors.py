"""Typed domain errors. Every front door turns them into one clear sentence for a person."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """A refusal the user can understand and act on (never a crash)."""

    kind = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"error": self.kind, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data


class NotFound(DomainError):
    """The thing named does not exist; ``suggestions`` lists the closest existing names."""

    kind = "not_found"

    def __init__(
        self, message: str, *, field: str | None = None, suggestions: Sequence[str] = ()
    ) -> None:
        if suggestions:
            message = f"{message} Did you mean: {', '.join(suggestions)}?"
        super().__init__(message, field=field)
        self.suggestions = list(suggestions)

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
