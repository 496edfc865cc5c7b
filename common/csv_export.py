"""CSV that streams row by row and cannot smuggle a formula into a spreadsheet (SPEC §7)."""

import csv
from collections.abc import Generator, Iterable, Iterator

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text; a leading formula character is defused with a quote, as OWASP recommends."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def restore(text: str) -> str:
    """A cell read back from a CSV that `neutralise` wrote: its defusing quote taken off again, so an
    export edited in a spreadsheet imports back to the same values."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


class _Line:
    """csv.writer wants a file; this one hands each written line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The header, then one line per row, produced only as the response is sent.

    Closing the lines (the response ends, or the client goes away) closes `rows` at once, so a
    generator behind them finishes (its cursor, whatever it does at its end) then, not whenever
    it is garbage-collected.
    """
    writer = csv.writer(_Line())
    try:
        # A byte-order mark lets Excel read names in any script as UTF-8.
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])
    finally:
        if isinstance(rows, Generator):
            rows.close()
