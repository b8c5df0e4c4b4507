"""How big a file the importer agrees to read, and how much memory and time reading an upload may take.

Each limit has a default that holds on a laptop and an environment variable that changes it; a
file over a limit is refused before anything is staged, with one line naming the limit and the
variable. The checks themselves sit where the size becomes known (reader: a CSV's header, a
sheet's declared dimension and the rows streamed from it, a Parquet file's schema).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .textfile import FileFormatError

# A file's columns become columns of a DuckDB table, and DuckDB appends to every column of a row
# group at once: about 0.5 MB of buffers per column (a 256 KB block for the values and one for
# their validity), so 1,000 columns need about 500 MB while rows are written. 2,000 columns ran
# out of an 800 MB memory_limit; 5,000 needed 7.6 GB.
MAX_COLUMNS = 1_000
# A sheet is read by openpyxl in Python, about a million cells every few seconds: ten million
# cells (1,048,576 rows x 9 columns, Excel's own row limit) read in about a minute a pass.
MAX_SHEET_CELLS = 10_000_000
# An upload is read (format, encoding, delimiter, staging) in a child process with these limits
# on its address space and wall-clock time (see isolated_read).
READ_MEMORY_MB = 3_072
READ_SECONDS = 300


@dataclass(frozen=True)
class Setting:
    variable: str
    default: int
    unit: str  # how the value is counted, for the refusal's words


COLUMNS = Setting("CXMETRICS_MAX_COLUMNS", MAX_COLUMNS, "columns")
SHEET_CELLS = Setting("CXMETRICS_MAX_SHEET_CELLS", MAX_SHEET_CELLS, "cells")
READ_MEMORY = Setting("CXMETRICS_READ_MEMORY_MB", READ_MEMORY_MB, "MB")
READ_TIME = Setting("CXMETRICS_READ_SECONDS", READ_SECONDS, "s")


def value(setting: Setting) -> int:
    """Return the setting's positive whole number from the environment, else its default."""
    raw = os.environ.get(setting.variable, "").strip().replace("_", "").replace(",", "")
    if not raw:
        return setting.default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number <= 0:
        raise FileFormatError(f"{setting.variable}={os.environ[setting.variable]!r} is not a positive whole number")
    return number


def max_columns() -> int:
    return value(COLUMNS)


def max_sheet_cells() -> int:
    return value(SHEET_CELLS)


def read_memory_mb() -> int:
    return value(READ_MEMORY)


def read_seconds() -> int:
    return value(READ_TIME)


def check_columns(count: int, what: str = "the file") -> None:
    """Raise FileFormatError when `count` columns are more than the column limit."""
    limit = max_columns()
    if count > limit:
        raise FileFormatError(
            f"{what} has {count:,} columns, more than the limit of {limit:,} columns "
            f"(set {COLUMNS.variable} to change it)"
        )


def check_sheet(rows: int, columns: int, what: str) -> None:
    """Raise FileFormatError when a sheet of `rows` x `columns` is over the column or the cell limit."""
    check_columns(columns, what)
    limit = max_sheet_cells()
    if rows * columns > limit:
        raise FileFormatError(
            f"{what} has {rows:,} rows x {columns:,} columns = {rows * columns:,} cells, more than the limit of "
            f"{limit:,} cells (set {SHEET_CELLS.variable} to change it)"
        )


def over_memory() -> str:
    """Return the one-line refusal for an upload whose reading needed more memory than allowed."""
    return (
        f"reading the file needed more than the limit of {read_memory_mb():,} MB of memory "
        f"(set {READ_MEMORY.variable} to change it); nothing was loaded"
    )


def over_time() -> str:
    """Return the one-line refusal for an upload whose reading took longer than allowed."""
    return (
        f"reading the file took longer than the limit of {read_seconds():,} s "
        f"(set {READ_TIME.variable} to change it); nothing was loaded"
    )
