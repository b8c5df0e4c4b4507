"""A report's title above its header: rows a contact-centre or CRM report puts before the columns
("Call Detail Report", "Generated: 05/04/2024", "Filtered By: ..."), found so that the reader can
start at the header, in a workbook and in a CSV file alike (docs/importing.md, "What a file may be").

The rule is conservative: the first row must hold one text alone, the rows of the title fill at
most TITLE_CELLS cells and half the columns, and the row below them must be plainly a header. In
doubt the first row stays the header, as it always was.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..core import guesses
from .csv_lines import MAX_LINE_BYTES, line_delimiter

# A report exported to Excel often opens with a title block ("Call Detail Report", "Generated: ...")
# above its header. Of the first TITLE_ROWS_LOOKED_AT rows holding a value, those filling at most
# half the columns (and at most TITLE_CELLS) are a title when the row below them that fills more is
# plainly a header (_is_header); otherwise the first row stays the header. Excel and CSV alike.
TITLE_ROWS_LOOKED_AT = 10
TITLE_CELLS = 3
# The first line Excel writes (and reads) to name a CSV file's delimiter: "sep=;".
_SEPARATOR_HINT = re.compile(r"sep=[,;\t|]")


def title_lines(path: Path) -> int:
    """Return how many lines of a report's title stand above the CSV header (0 for none): the
    first lines, each filling at most TITLE_CELLS fields and half the header's, above a line that
    is plainly a header (_is_header, with the values of the lines under it as text)."""
    with open(path, encoding="utf-8", newline="") as fh:
        head = [fh.readline(MAX_LINE_BYTES) for _ in range(TITLE_ROWS_LOOKED_AT + _ROWS_BELOW + 1)]
    head = [line for line in head if line]
    if head and _SEPARATOR_HINT.fullmatch(head[0].rstrip("\r\n")):
        return 1  # Excel's "sep=;" line names the delimiter; the header is the line after it
    if not head or sum(bool(f.strip()) for f in _csv_fields(head[0], line_delimiter(head[0]))) != 1:
        return 0  # a title starts with one line of one text; a header (even of two columns) has more
    for j in range(1, min(TITLE_ROWS_LOOKED_AT, len(head) - 1) + 1):
        delimiter = line_delimiter(head[j])
        fields = _csv_fields(head[j], delimiter)
        most = _title_cells(len(fields))

        def filled(line: str) -> int:
            return sum(bool(f.strip()) for f in _csv_fields(line, delimiter))

        if len(fields) < 2 or filled(head[j]) <= most:
            continue  # a title line itself
        if any(filled(line) > most for line in head[:j]):
            return 0
        below = [_csv_fields(line, delimiter) for line in head[j + 1:j + 1 + _ROWS_BELOW]]
        # (a record broken over lines splits short: one line under it splitting as it does is enough)
        if any(len(row) == len(fields) for row in below) and _is_header(fields, below):
            return j
    return 0


def _csv_fields(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


def without_first_lines(path: Path, count: int, dest: Path) -> Path:
    """Return a copy of `path` (UTF-8) without its first `count` lines, as title_lines counted them
    (LF, CRLF or a bare CR ends a line); the bytes after them as they are."""
    with open(path, encoding="utf-8", newline="") as text:
        skipped = sum(len(text.readline(MAX_LINE_BYTES).encode("utf-8")) for _ in range(count))
    with open(path, "rb") as source, open(dest, "wb") as out:
        source.seek(skipped)
        while chunk := source.read(1 << 20):
            out.write(chunk)
    return dest


def header_row(sheet, width: int) -> int:
    """Return the sheet row of the header: the first row holding a value, unless it and the rows
    after it are a report's title block (TITLE_ROWS_LOOKED_AT rows at most, each filling at most
    TITLE_CELLS cells and half the columns) above a row that is plainly a header (_is_header);
    then that row. When in doubt the first row stays the header, as before."""
    most = _title_cells(width)
    rows: list[tuple[int, list]] = []  # the first rows holding a value, with their number
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = list(row[:width])
        if any(v is not None and v != "" for v in values):
            rows.append((number, values))
            if len(rows) >= TITLE_ROWS_LOOKED_AT + _ROWS_BELOW:
                break
    if not rows:
        return 1
    if sum(v is not None and v != "" for v in rows[0][1]) != 1:
        return rows[0][0]  # a title starts with one row of one text; a header (even of two columns) has more
    for i, (number, values) in enumerate(rows[:TITLE_ROWS_LOOKED_AT]):
        if sum(v is not None and v != "" for v in values) <= most:
            continue
        if i and _is_header(values, [below for _, below in rows[i + 1:i + 1 + _ROWS_BELOW]]):
            return number
        break
    return rows[0][0]


_ROWS_BELOW = 5  # rows under a candidate header read to see whether it is one


def _title_cells(width: int) -> int:
    """Return how many cells a title row may fill in a file of `width` columns."""
    return min(TITLE_CELLS, width // 2)


def _is_header(values: list, below: list[list]) -> bool:
    """Return True when a row is plainly a header: every value a distinct text that is no number or
    date, and either one of them a column name the importer knows (guesses.names_a_column) or
    numbers or dates under them (a sheet's typed cells, or a CSV's texts that read as such)."""
    texts = [v for v in values if v is not None and v != ""]
    if not all(isinstance(v, str) and not _typed(v) for v in texts) \
            or len({t.strip().casefold() for t in texts}) < len(texts):
        return False
    return any(_typed(v) for row in below for v in row) or any(guesses.names_a_column(t) for t in texts)


def _typed(value) -> bool:
    """Return True for a cell holding a number or a date: a sheet's typed value, or a text reading as one."""
    if value is None or value == "":
        return False
    if not isinstance(value, str):
        return True
    text = value.strip()
    return bool(text) and (guesses.reads_as(guesses.REAL, text) or guesses.detect_date_format([text]) is not None)
