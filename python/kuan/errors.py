"""Kuan's exceptions. Every error the library raises is a KuanError; str(e) is
"file:line:col: message" when the error has a position (a rule file, or a
line of a batch), else the message alone."""

from __future__ import annotations


class KuanError(Exception):
    """Base of Kuan's errors. `code` is the stable code `kuan eval --batch` writes
    for the same input (unknown_fact, bad_fact, missing_fact, evaluation_error,
    no_edition, …; docs/cli-json.md), the same in every host."""

    def __init__(self, message: str, *, code: str = "", file: str | None = None, line: int | None = None,
                 column: int | None = None, fact: str | None = None, missing: list[str] | None = None,
                 index: int | None = None) -> None:
        self.message = message
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.fact = fact
        self.missing = list(missing or [])
        self.index = index  # evaluate_many: the item that failed
        where = ":".join(str(x) for x in (file, line, column) if x) if file else ""
        super().__init__(f"{where}: {message}" if where else message)


class PolicyError(KuanError):
    """The rule files have errors. file/line/column/message are the first error's;
    `diagnostics` lists every error as a dict (file, line, column, message, rendered)."""

    diagnostics: list = []


class EditionError(KuanError, LookupError):
    """No edition of that name, or none in force on that day."""


class MeasureError(KuanError, LookupError):
    """The edition has no measure of that name."""


class FactError(KuanError, ValueError):
    """A fact is unknown, malformed or missing; `fact` names it."""


class EvaluationError(KuanError):
    """A language error at run time; file/line/column point into the rule file."""


class AllocationError(KuanError):
    """A row that refuses the whole year (kuan allocate's rule): line, column, field, id."""

    field: str = ""
    id: str | None = None
