"""Reading a user's file into a staging table of text columns, with the rows it could not split.

CSV goes through DuckDB's own reader (dialect from its sniffer, strict mode so that a row with
more or fewer fields than the header is rejected, not padded or cut); Excel through openpyxl;
Parquet through DuckDB. Whatever the format, the result is the temp table `cx_stage`: one
VARCHAR column per source column plus `__line`, the row's number as a spreadsheet shows it
(header = line 1), and the temp table `cx_stage_rejects` (line, column_name, value, reason).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .db import Identifier, identifier_list, quote_ident, run
from .textfile import FileFormatError, detect_encoding, sniff_format, to_utf8

DELIMITERS = (",", ";", "\t", "|")
MAX_LINE_BYTES = 8 * 1024 * 1024  # a single quoted comment can be long; a whole file on one line is not
_CHUNK = 1 << 20

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


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, workdir: Path) -> StagedFile:
    """Return what was read after loading `path` into the temp tables `cx_stage` and `cx_stage_rejects`."""
    con.execute("DROP TABLE IF EXISTS cx_stage")
    con.execute("DROP TABLE IF EXISTS cx_stage_rejects")
    con.execute(
        "CREATE TEMP TABLE cx_stage_rejects (line BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)"
    )
    fmt = sniff_format(path)
    if fmt == "excel":
        return _stage_excel(con, path)
    if fmt == "parquet":
        return _stage_parquet(con, path)
    return _stage_csv(con, path, encoding, workdir)


def source_names(raw: list[str]) -> list[str]:
    """Return usable, unique column names: blanks become `column_N`, repeats get `_2`, `_3`…"""
    names: list[str] = []
    seen: set[str] = set()
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
    utf8 = to_utf8(path, text_encoding, workdir)
    delimiter, quote = _dialect(con, utf8)
    header = _header(utf8, delimiter, quote)
    if not header or header == [""]:
        raise FileFormatError("the file has no header row")
    columns = source_names(header)
    fixed = None
    try:
        _read_csv_into_stage(con, utf8, columns, delimiter, quote)
    except duckdb.InvalidInputException as exc:
        if "invalid state" not in str(exc).lower():
            raise FileFormatError(_first_line(exc)) from exc
        # A bare CR outside quotes (an old Mac line break inside an export) stops DuckDB's strict
        # parser. Make those CRs line breaks, as a spreadsheet would, and read again.
        fixed = _bare_cr_to_lf(utf8, workdir / "cx_cr_fixed.csv", quote)
        try:
            _read_csv_into_stage(con, fixed, columns, delimiter, quote)
        except duckdb.InvalidInputException as exc2:
            raise FileFormatError(_first_line(exc2)) from exc2
    rows, rejected = _number_lines(con, columns)
    if _has_line_breaks_in_records(con, columns):
        _use_physical_lines(con, fixed if fixed is not None else utf8, quote)
    return StagedFile("csv", columns, rows, rejected, text_encoding.name, delimiter)


def _read_csv_into_stage(con, path: Path, columns: list[str], delimiter: str, quote: str) -> None:
    con.execute("DROP TABLE IF EXISTS cx_stage_raw")
    con.execute("DROP TABLE IF EXISTS cx_csv_errors")
    con.execute("DROP TABLE IF EXISTS cx_csv_scans")
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


def _number_lines(con, columns: list[str]) -> tuple[int, int]:
    """Return (accepted, rejected) record counts after numbering the accepted records' lines."""
    run(con, "import/csv_rejects")
    for error_type, reason in _REJECT_REASONS.items():
        con.execute("UPDATE cx_stage_rejects SET reason = $r WHERE reason = $t", {"r": reason, "t": error_type})
    rows = con.execute("SELECT count(*) FROM cx_stage_raw").fetchone()[0]
    rejected = con.execute("SELECT count(*) FROM cx_stage_rejects").fetchone()[0]
    last = rows + rejected + 1 + _max_reject_gap(con, rows, rejected)
    run(con, "import/number_lines", {"last": last}, columns=identifier_list(columns))
    con.execute("DROP TABLE cx_stage_raw")
    return rows, rejected


def _max_reject_gap(con, rows: int, rejected: int) -> int:
    # DuckDB counts blank lines in its line numbers; leave room so the range reaches every row.
    top = con.execute("SELECT coalesce(max(line), 0) FROM cx_stage_rejects").fetchone()[0]
    return max(0, top - (rows + rejected + 1))


def _dialect(con, path: Path) -> tuple[str, str]:
    """Return (delimiter, quote): DuckDB's sniffer first, the header line's counts if it gives up."""
    try:
        row = con.execute(
            "SELECT Delimiter, Quote FROM sniff_csv($p, sample_size = 20480)", {"p": str(path)}
        ).fetchone()
        delimiter, quote = row
        if delimiter in DELIMITERS:
            return delimiter, quote if quote in ('"', "'") else '"'
    except duckdb.Error:
        pass
    with open(path, encoding="utf-8", newline="") as fh:
        first = fh.readline()
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return (best if counts[best] else ","), '"'


def _header(path: Path, delimiter: str, quote: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        head = fh.read(MAX_LINE_BYTES)
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, quotechar=quote)
    try:
        return next(reader)
    except (StopIteration, csv.Error):
        return []


def _bare_cr_to_lf(src: Path, dest: Path, quote: str) -> Path:
    """Return a copy of `src` where each CR that is outside quotes and not before LF is an LF."""
    q = quote.encode()
    inside = False  # a doubled quote toggles twice, so pairing quotes is all RFC 4180 needs
    pending_cr = False
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            out = bytearray()
            for piece in re.split(rb"(" + re.escape(q) + rb"|\r)", chunk):
                if pending_cr:
                    out += b"\r" if (inside or piece.startswith(b"\n")) else b"\n"
                    pending_cr = False
                if piece == q:
                    inside = not inside
                    out += piece
                elif piece == b"\r":
                    pending_cr = True
                else:
                    out += piece
            fout.write(out)
        if pending_cr:
            fout.write(b"\n")
    return dest


def _has_line_breaks_in_records(con, columns: list[str]) -> bool:
    """Return True when some record spans several lines of the file (a line break inside quotes)."""
    broken = Identifier(
        " OR ".join(f"regexp_matches({quote_ident(c)}, '[\\r\\n]')" for c in columns)
    )
    accepted = run(con, "import/records_with_line_breaks", {}, broken=broken).fetchone()[0]
    rejected = con.execute(
        "SELECT count(*) FROM cx_stage_rejects WHERE regexp_matches(ltrim(value, chr(10) || chr(13)), '[\\r\\n]')"
    ).fetchone()[0]
    return accepted + rejected > 0


def _use_physical_lines(con, path: Path, quote: str) -> None:
    """Renumber staged and rejected rows from record numbers to the file's physical line numbers."""
    import numpy as np  # deferred: only files with line breaks inside records need it
    import pandas as pd

    last = con.execute(
        "SELECT greatest((SELECT coalesce(max(__line), 1) FROM cx_stage), "
        "(SELECT coalesce(max(line), 1) FROM cx_stage_rejects))"
    ).fetchall()[0][0]  # fetchall: DuckDB refuses register() while a result is half-read
    starts = _record_start_lines(path, quote, last)
    mapping = pd.DataFrame({"record": np.arange(1, len(starts) + 1), "physical": starts})
    con.register("cx_line_map", mapping)
    try:
        run(con, "import/physical_lines_stage").fetchall()
        run(con, "import/physical_lines_rejects").fetchall()
    finally:
        con.unregister("cx_line_map")


def _record_start_lines(path: Path, quote: str, last_record: int):
    """Return, for records 1..last_record, the physical line each starts on (header = record 1)."""
    import numpy as np

    with open(path, "rb") as fh:
        probe = fh.read(_CHUNK)
    newline = b"\n" if b"\n" in probe or b"\r" not in probe else b"\r"
    q, nl = quote.encode()[0], newline[0]
    starts = [np.array([1], dtype=np.int64)]
    found, quotes_before, lines_before = 1, 0, 0
    with open(path, "rb") as fh:
        while found < last_record and (chunk := fh.read(16 * _CHUNK)):
            data = np.frombuffer(chunk, dtype=np.uint8)
            is_newline = data == nl
            inside = (quotes_before + np.cumsum(data == q)) % 2 == 1
            lines = lines_before + np.cumsum(is_newline)
            ends = np.flatnonzero(is_newline & ~inside)
            starts.append(lines[ends] + 1)
            found += len(ends)
            quotes_before += int(np.count_nonzero(data == q))
            lines_before = int(lines[-1])
    return np.concatenate(starts)[:last_record]


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return next((line for line in text if line.strip()), "the file could not be read as CSV")


# --- Excel and Parquet -----------------------------------------------------------------------


def _stage_excel(con, path: Path) -> StagedFile:
    import pandas as pd  # deferred: only Excel uploads pay for it

    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, header=0, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileFormatError(f"the Excel file could not be read: {exc}") from exc
    frame.columns = source_names([str(c) if not str(c).startswith("Unnamed:") else "" for c in frame.columns])
    frame = frame.astype(object).where(frame.notna(), None)
    frame.insert(0, "__line", range(2, len(frame) + 2))
    con.register("cx_excel_frame", frame)
    try:
        con.execute("CREATE TEMP TABLE cx_stage AS SELECT * FROM cx_excel_frame")
    finally:
        con.unregister("cx_excel_frame")
    return StagedFile("excel", list(frame.columns[1:]), len(frame), 0)


def _stage_parquet(con, path: Path) -> StagedFile:
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet($p)", {"p": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise FileFormatError(f"the Parquet file could not be read: {_first_line(exc)}") from exc
    raw = [row[0] for row in described]
    columns = source_names(raw)
    select = Identifier(
        ", ".join(f"CAST({quote_ident(src)} AS VARCHAR) AS {quote_ident(dst)}" for src, dst in zip(raw, columns))
    )
    run(con, "import/stage_parquet", {"path": str(path)}, select=select)
    rows = con.execute("SELECT count(*) FROM cx_stage").fetchone()[0]
    return StagedFile("parquet", columns, rows, 0)
