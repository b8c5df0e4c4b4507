"""Reading a user's file into a staging table of text columns, with the rows it could not split.

CSV goes through DuckDB's own reader (dialect from its sniffer, strict mode so that a row with
more or fewer fields than the header is rejected, not padded or cut); Excel through openpyxl;
Parquet through DuckDB. Whatever the format, the result is the temp table `cx_stage`: one
VARCHAR column per source column plus `__line`, the line of the file the row starts on
(header = line 1; see csv_lines), and the temp table `cx_stage_rejects` (line, column_name, value, reason).
For a CSV whose records are its lines and were all accepted, `cx_stage` is a view numbering the
rows as read (`cx_stage_raw`) instead of a copy.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import csv_lines, report_title
from .csv_lines import DELIMITERS, MAX_LINE_BYTES
from ..core import limits
from ..store.db import identifier_list, run
from ..core.textfile import FileFormatError, detect_encoding, sniff_format, to_utf8


_REJECT_REASONS = {
    "MISSING COLUMNS": "row has fewer fields than the header",
    "TOO MANY COLUMNS": "row has more fields than the header",
    "UNQUOTED VALUE": "a quote inside a field that is not quoted",
    "LINE SIZE OVER MAXIMUM": "row is longer than the largest row allowed",
    "INVALID ENCODING": "row is not valid text in the file's encoding",
    "INVALID STATE": "row cannot be split into fields",
}


@dataclass(frozen=True)
class StagedFile:
    """What was read: the format and dialect found, the source columns, and row counts."""

    format: str
    columns: list[str]
    rows: int  # rows that split into the right number of fields
    rejected_rows: int  # rows that did not
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int = 1  # the line (sheet row) of the header: a report's title rows are above it



def stage_file(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, workdir: Path,
               sheet: str | None = None) -> StagedFile:
    """Return what was read after loading `path` into the temp tables `cx_stage` and `cx_stage_rejects`.

    `sheet` chooses a workbook's sheet by name or 1-based number (default: the first)."""
    reset_stage(con)
    fmt = sniff_format(path)
    if fmt == "excel":
        return _stage_excel(con, path, sheet)
    if fmt == "parquet":
        return _stage_parquet(con, path)
    return _stage_csv(con, path, encoding, workdir)


def reset_stage(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what an earlier file staged on this connection and create an empty `cx_stage_rejects`."""
    try:
        run(con, "import/drop_stage_table")
    except duckdb.CatalogException:  # a plain CSV's cx_stage is a view (see number_lines_plain.sql)
        run(con, "import/drop_stage_view")
    run(con, "import/drop_stage_raw")
    run(con, "import/drop_stage_rejects")
    run(con, "import/create_stage_rejects")


# Names the staging tables use themselves: DuckDB's row number and the line of each row. A file's
# column of that name is read as a repeat of it (`rowid_2`, `__line_2`): as it was, the import
# failed with a Binder error.
RESERVED_NAMES = ("rowid", "__line")


def source_names(raw: list[str]) -> list[str]:
    """Return usable, unique column names: blanks become `column_N`, repeats (and RESERVED_NAMES) get `_2`, `_3`…"""
    names: list[str] = []
    seen: set[str] = set(RESERVED_NAMES)
    for i, name in enumerate(raw, start=1):
        name = (name or "").strip() or f"column_{i}"
        candidate, n = name, 2
        while candidate.lower() in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate.lower())
        names.append(candidate)
    return names


# --- CSV -------------------------------------------------------------------------------------


def _stage_csv(con, path: Path, encoding: str | None, workdir: Path) -> StagedFile:
    text_encoding = detect_encoding(path, encoding)
    source = to_utf8(path, text_encoding, workdir)
    csv_lines.refuse_nul_bytes(source)  # anywhere in the file, not only in the sniffed head
    title = report_title.title_lines(source)
    if title:  # read from the header on; every line number is counted in the file as given
        source = report_title.without_first_lines(source, title, workdir / "cx_from_header.csv")
    # Before DuckDB's sniffer sees the file: its work, and staging's, grow with the columns.
    limits.check_columns(len(_header(source, _header_delimiter(source), '"')))
    delimiter, quote = _dialect(con, source)
    header = _header(source, delimiter, quote)
    if not header or header == [""]:
        raise FileFormatError("the file has no header row")
    columns = source_names(header)
    csv_lines.refuse_unclosed_quote(source, quote, delimiter)
    try:
        read_csv_into_stage(con, source, columns, delimiter, quote)
    except duckdb.InvalidInputException as exc:
        if "invalid state" not in str(exc).lower():
            raise FileFormatError(_first_line(exc)) from exc
        # A bare CR outside quotes (an old Mac line break inside an export) stops DuckDB's strict
        # parser. Make those CRs line breaks, as a spreadsheet would, and read again.
        source = csv_lines.bare_cr_to_lf(source, workdir / "cx_cr_fixed.csv", quote)
        try:
            read_csv_into_stage(con, source, columns, delimiter, quote)
        except duckdb.InvalidInputException as exc2:
            raise FileFormatError(_first_line(exc2)) from exc2
    rows, rejected = _number_lines(con, source, columns, quote, delimiter, title)
    return StagedFile("csv", columns, rows, rejected, text_encoding.name, delimiter, header_line=title + 1)


def read_csv_into_stage(con, path: Path, columns: list[str], delimiter: str, quote: str) -> None:
    """Create `cx_stage_raw` (every field of `path` as text, rows as read) and DuckDB's reject tables."""
    run(con, "import/drop_stage_raw")
    run(con, "import/drop_csv_errors")
    run(con, "import/drop_csv_scans")
    run(
        con,
        "import/read_csv",
        {
            "path": str(path),
            "delim": delimiter,
            "quote": quote,
            "columns": {c: "VARCHAR" for c in columns},
            "max_line": MAX_LINE_BYTES,
        },
    )


def _number_lines(con, path: Path, columns: list[str], quote: str, delimiter: str,
                  offset: int = 0) -> tuple[int, int]:
    """Return (accepted, rejected) record counts after giving each staged and rejected row its line.

    The n-th accepted record is the n-th record DuckDB neither rejected nor skipped as blank;
    its line is the line of the file it starts on (see csv_lines), plus `offset`: the title lines
    above the header of the file as given, which `path` no longer holds.
    """
    run(con, "import/csv_rejects")
    for error_type, reason in _REJECT_REASONS.items():
        run(con, "import/name_reject_reason", {"reason": reason, "error_type": error_type})
    rows = run(con, "import/count_stage_raw").fetchall()[0][0]
    rejected = run(con, "import/count_stage_rejects").fetchall()[0][0]
    if csv_lines.needs_scan(path, quote, 1 + rows + rejected, lambda: _has_multiline_records(con)):
        line_map = csv_lines.record_map(path, quote, delimiter)
    elif not rejected and not offset:
        # Every record is a line and every one was accepted: the n-th row is on line n + 1, and
        # cx_stage is a view that says so over the rows as read. The general path joins a map of
        # every line and copies the rows, a fifth of a ten-million-row import. (A view takes no
        # $param: a file read below its title lines takes the general path, with its offset.)
        run(con, "import/number_lines_plain", {}, columns=identifier_list(columns))
        return rows, rejected
    else:
        top = run(con, "import/last_reject_line").fetchall()[0][0]
        line_map = csv_lines.identity_map(max(rows + rejected + 1, top))
    con.register("cx_line_map", line_map)
    try:
        run(con, "import/number_lines", {"offset": offset}, columns=identifier_list(columns))
        run(con, "import/physical_lines_rejects", {"offset": offset}).fetchall()
    finally:
        con.unregister("cx_line_map")
    run(con, "import/drop_stage_raw_table")
    return rows, rejected


def _has_multiline_records(con) -> bool:
    """Return True when some record, accepted or rejected, holds a line break inside quotes."""
    # contains() rather than a regular expression: this scans every value of the file.
    accepted = any(run(con, "import/records_with_line_breaks").fetchall()[0])
    rejected = run(con, "import/rejects_with_line_breaks").fetchall()[0][0]
    return accepted or rejected > 0


def _dialect(con, path: Path) -> tuple[str, str]:
    """Return (delimiter, quote): DuckDB's sniffer, checked against the header line.

    The sniffer judges the dialect by consistent field counts, so a file with ragged rows can
    fool it into "one column split by |"; the header line, which every export has, settles it.
    """
    from_header = _header_delimiter(path)
    try:
        delimiter, quote = run(con, "import/sniff_dialect", {"path": str(path)}).fetchall()[0]
    except duckdb.Error:
        delimiter, quote = None, None
    quote = quote if quote in ('"', "'") else '"'
    if delimiter in DELIMITERS and _header_line(path).count(delimiter) > 0:
        return delimiter, quote
    return from_header, quote


def _header_line(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.readline(MAX_LINE_BYTES)


def _header_delimiter(path: Path) -> str:
    """Return the delimiter the header line holds most of (a comma when it holds none)."""
    return csv_lines.line_delimiter(_header_line(path))


def _header(path: Path, delimiter: str, quote: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        head = fh.read(MAX_LINE_BYTES)
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, quotechar=quote)
    try:
        return next(reader)
    except (StopIteration, csv.Error):
        return []


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return next((line for line in text if line.strip()), "the file could not be read as CSV")


# --- Excel and Parquet -----------------------------------------------------------------------


EXCEL_BATCH_CELLS = 100_000  # cells handed to DuckDB at a time: a sheet is never held whole


def workbook_sheets(path: Path) -> list[str]:
    """Return the names of a workbook's sheets, in order (FileFormatError when it cannot be opened)."""
    import openpyxl  # deferred: only Excel files pay for it

    # A file object: openpyxl judges a path by its suffix, and the format was found from the content.
    with open(path, "rb") as fh:
        try:
            book = openpyxl.load_workbook(fh, read_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise FileFormatError(f"the Excel file could not be read: {_reason(exc)}") from exc
        try:
            return list(book.sheetnames)
        finally:
            book.close()


def sheet_index(sheets: list[str], sheet: str | None) -> int:
    """Return the 0-based position of `sheet` (a name, or a number counted from 1) among `sheets`."""
    if sheet is None or sheet == "":
        return 0
    if sheet in sheets:
        return sheets.index(sheet)
    if sheet.isdigit() and 1 <= int(sheet) <= len(sheets):
        return int(sheet) - 1
    raise FileFormatError(f"the workbook has no sheet {sheet!r} (it has: {', '.join(sheets)})")


def _stage_excel(con, path: Path, choice: str | None = None) -> StagedFile:
    """Stage the first sheet row by row (openpyxl's read-only mode), checking its size first.

    The sheet's declared dimension is checked before any row is read; the size its rows really
    have is checked by a first pass that keeps nothing, because the dimension can be missing or
    wrong. The second pass writes EXCEL_BATCH_CELLS cells at a time into `cx_stage`. Blank rows
    are skipped, as in a CSV; each row keeps its number in the sheet as its line."""
    try:
        with _open_first_sheet(path, choice) as sheet:
            what = f"the sheet {sheet.title!r}"
            if sheet.max_row and sheet.max_column:
                limits.check_sheet(sheet.max_row, sheet.max_column, f"{what} (by the size its file declares)")
            sheet.reset_dimensions()  # rows as they are in the file, not padded to the declared size
            rows, width = _sheet_extent(sheet, what)
            if not rows:
                raise FileFormatError(f"{what} is empty" if choice else "the first sheet is empty")
            limits.check_sheet(rows, width, what)
            header_line = report_title.header_row(sheet, width)
            columns = _stage_sheet_rows(con, sheet, width, header_line)
    except FileFormatError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileFormatError(f"the Excel file could not be read: {_reason(exc)}") from exc
    staged = run(con, "import/count_stage").fetchall()[0][0]
    return StagedFile("excel", columns, staged, 0, header_line=header_line)


class _open_first_sheet:
    """The workbook's first worksheet (or the one chosen: reader.sheet_index) in read-only mode,
    the workbook closed afterwards."""

    def __init__(self, path: Path, choice: str | None = None):
        import openpyxl  # deferred: only Excel files pay for it

        self.choice = choice
        # A file object, not the path: openpyxl refuses a path whose suffix is not .xlsx, and the
        # format was recognised from the content (an .xlsx uploaded as export.csv is still one).
        self.handle = open(path, "rb")
        try:
            self.book = openpyxl.load_workbook(self.handle, read_only=True, data_only=True)
        except BaseException:
            self.handle.close()
            raise

    def __enter__(self):
        if not self.book.worksheets:
            raise FileFormatError("the workbook has no worksheet")
        return self.book.worksheets[sheet_index(self.book.sheetnames, self.choice)]

    def __exit__(self, *exc) -> None:
        self.book.close()
        self.handle.close()


def _sheet_extent(sheet, what: str) -> tuple[int, int]:
    """Return (rows up to the last one holding a value, columns up to the last value of any row).

    Stops with FileFormatError as soon as either is over its limit, so a sheet whose rows claim
    to be a billion apart is refused after the limit, not after a billion empty rows."""
    most_columns, most_cells = limits.max_columns(), limits.max_sheet_cells()
    last_row = width = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        filled = _last_value_position(row)
        if filled:
            last_row, width = number, max(width, filled)
            if width > most_columns:
                limits.check_columns(width, f"{what} (a value in column {width:,})")
        if number * max(width, 1) > most_cells:
            limits.check_sheet(number, max(width, 1), f"{what} (rows read so far)")
    return last_row, width


def _last_value_position(row) -> int:
    for position in range(len(row), 0, -1):
        if row[position - 1] is not None and row[position - 1] != "":
            return position
    return 0


def _stage_sheet_rows(con, sheet, width: int, header_line: int = 1) -> list[str]:
    """Create `cx_stage` from the sheet's rows from row `header_line`, the header, on (rows above
    it, a report's title, are left out: report_title.header_row)."""
    import pyarrow as pa

    rows = sheet.iter_rows()
    header: list[str] | None = None
    batch: list[list] = []
    batch_rows = max(1, EXCEL_BATCH_CELLS // width)
    columns: list[str] = []
    for number, row in enumerate(rows, start=1):
        if number < header_line:
            continue
        values = [_cell_text(cell) for cell in row[:width]]
        if not any(v is not None for v in values):
            continue
        values += [None] * (width - len(values))
        if header is None:
            header = values
            columns = source_names(["" if v is None else v for v in values])
            create_stage(con, columns)
            continue
        batch.append([number, *values])
        if len(batch) >= batch_rows:
            _insert_batch(con, pa, columns, batch)
            batch = []
    if batch:
        _insert_batch(con, pa, columns, batch)
    return columns


def create_stage(con, columns: list[str]) -> None:
    """Create the empty staging table `cx_stage`: `__line`, then `columns` as text.

    Shaped by an empty Arrow table that carries the names, so no SQL is written around them."""
    import pyarrow as pa

    shape = pa.schema([("__line", pa.int64()), *((name, pa.string()) for name in columns)])
    con.register("cx_stage_columns", shape.empty_table())
    try:
        run(con, "import/create_stage")
    finally:
        con.unregister("cx_stage_columns")


def _insert_batch(con, pa, columns: list[str], batch: list[list]) -> None:
    names = ["__line", *columns]
    arrays = [pa.array([r[0] for r in batch], pa.int64())]
    arrays += [pa.array([r[i] for r in batch], pa.string()) for i in range(1, len(names))]
    table = pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(names))])  # positions, not names
    con.register("cx_excel_batch", table)
    try:
        run(con, "import/stage_excel_batch")
    finally:
        con.unregister("cx_excel_batch")


def _cell_text(cell) -> str | None:
    """Return a cell's value as the text a CSV export of it would hold (None when it is empty or an error)."""
    value = cell.value
    if value is None or getattr(cell, "data_type", None) == "e":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 12 as 12.0
    text = str(value)
    return text if text != "" else None


def _reason(exc: BaseException) -> str:
    """Return the first line of an exception's message, or its type's name when it has none."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _stage_parquet(con, path: Path) -> StagedFile:
    try:
        described = run(con, "import/parquet_columns", {"path": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise FileFormatError(f"the Parquet file could not be read: {_first_line(exc)}") from exc
    raw = [row[0] for row in described]
    limits.check_columns(len(raw))
    columns = source_names(raw)
    create_stage(con, columns)
    run(con, "import/stage_parquet", {"path": str(path)})
    rows = run(con, "import/count_stage").fetchall()[0][0]
    return StagedFile("parquet", columns, rows, 0)
