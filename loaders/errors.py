"""What goes wrong in a ledger: one ``Issue`` per problem, ``LedgerInvalid`` carries them all.

Every issue names where the user finds it (file or sheet, table, row as Excel shows it,
column) and what is wrong, so a district clerk can fix the ledger without reading code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Issue:
    """One error or warning about a ledger.

    ``row`` is the row number the user sees in Excel or a CSV viewer (the header is row 1,
    the first data row is 2); ``None`` when the issue is about a whole table or file.
    ``column`` is the English column key.
    """

    table: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    file: str | None = None
    sheet: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def where(self) -> str:
        """Where to look, e.g. ``ledger.xlsx [人] row 5, column place_id``."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"[{self.sheet}]")
        elif self.table:
            parts.append(f"[{self.table}]")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return " ".join(parts)

    def __str__(self) -> str:
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{self.where()}: {self.message}{value}"


class LedgerInvalid(Exception):
    """A ledger that cannot be loaded; ``errors`` lists every problem found."""

    def __init__(self, errors: list[Issue], warnings: list[Issue] | None = None) -> None:
        self.errors = list(errors)
        self.warnings = list(warnings or [])
        first = str(self.errors[0]) if self.errors else "invalid ledger"
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"台账有误 invalid ledger: {first}{more}")
