"""Where each CSV record sits in the file: line numbers an analyst can find in an editor.

DuckDB numbers records (header = 1, blank lines included) and returns no row for a blank line,
so record numbers drift from file lines when a quoted field holds a line break or the file has
blank lines. A vectorised, quote-aware scan of the bytes gives each record's first line and
whether it is blank. It is run only when one of those can happen, so ordinary files pay nothing.
Also here: two byte-level repairs and checks DuckDB's strict reader needs first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from ..core.textfile import FileFormatError

CHUNK = 16 << 20
# The delimiters a CSV file may have, and the longest line read: a single quoted comment can be
# long; a whole file on one line is not (reader, report_title).
DELIMITERS = (",", ";", "\t", "|")
MAX_LINE_BYTES = 8 * 1024 * 1024


def line_delimiter(line: str) -> str:
    """Return the delimiter `line` holds most of (a comma when it holds none)."""
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def needs_scan(path: Path, quote: str, records: int, has_multiline_records: Callable[[], bool]) -> bool:
    """Return True when record numbers and lines may differ: multi-line records or blank lines.

    `records` is how many records DuckDB read, header, accepted and rejected ones together. When
    every line ends in LF or CRLF (no bare CR, which DuckDB also takes as a line break), each
    record covers one line or more and a blank line covers one without a record, so a file with
    exactly as many lines as records has neither: one count of the line breaks settles it. Any
    other file gets the byte search below, and `has_multiline_records` (a scan of every staged
    value) is asked only when the file holds a quote at all."""
    lines, bare_cr = _line_count(path)
    if not bare_cr:
        return lines != records
    q = quote.encode()
    quoted = False
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            window = tail + chunk
            if b"\n\n" in window or b"\n\r\n" in window or b"\r\r" in window:
                return True
            quoted = quoted or q in chunk
            tail = window[-2:]
    return quoted and has_multiline_records()


def _line_count(path: Path) -> tuple[int, bool]:
    """Return (lines, whether a CR stands anywhere but right before an LF): the LFs, plus one
    for a last line that does not end in one."""
    lfs, bare_cr, pending, last = 0, False, b"", b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            lfs += chunk.count(b"\n")
            last = chunk[-1:]
            if bare_cr or (not pending and b"\r" not in chunk):
                continue
            window = pending + chunk  # a CR that ended the last chunk pairs with an LF opening this one
            pending = b"\r" if window.endswith(b"\r") else b""
            body = window[:-1] if pending else window
            bare_cr = body.count(b"\r") != body.count(b"\r\n")
    return lfs + (last != b"\n"), bare_cr or bool(pending)


def record_map(path: Path, quote: str, delimiter: str) -> pd.DataFrame:
    """Return (record, physical, blank) for every record: the line it starts on and whether it is empty."""
    nl = _newline(path)[0]
    # With an even number of quotes, every quote pairs up (doubled ones included): count them
    # all. An odd number means stray text quotes (27" monitor): count only those at field edges.
    structural_only = _quote_count(path, quote) % 2 == 1
    starts = [np.array([1], dtype=np.int64)]
    ends = []
    quotes_before, lines_before, offset = 0, 0, 0
    for data, quotes in _chunks_with_quotes(path, quote, delimiter, structural_only):
        is_newline = data == nl
        inside = (quotes_before + np.cumsum(quotes)) % 2 == 1
        lines = lines_before + np.cumsum(is_newline)
        terminators = np.flatnonzero(is_newline & ~inside)
        starts.append(lines[terminators] + 1)
        ends.append(terminators + offset)
        quotes_before += int(np.count_nonzero(quotes))
        lines_before = int(lines[-1]) if len(lines) else lines_before
        offset += len(data)
    start_lines = np.concatenate(starts)
    end_offsets = np.concatenate(ends) if ends else np.array([], dtype=np.int64)
    blank = _blank_records(path, end_offsets, len(start_lines))
    import pandas as pd  # deferred: an upload's reading process (isolated_read) starts faster without it

    return pd.DataFrame({"record": np.arange(1, len(start_lines) + 1), "physical": start_lines, "blank": blank})


def _quote_count(path: Path, quote: str) -> int:
    q = quote.encode()
    total = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            total += chunk.count(q)
    return total


def _chunks_with_quotes(path: Path, quote: str, delimiter: str, structural_only: bool = True):
    """Yield (bytes as uint8 array, mask of quotes) chunk by chunk: every quote, or with
    `structural_only` the quotes that can open or close a field.

    A quote opens a field only right after a delimiter or a line break and closes it only right
    before one; a quote elsewhere is text (27" monitor) or half of a doubled quote, and counting
    it would flip the inside/outside state for the rest of the file.
    """
    q = quote.encode()[0]
    edges = np.array([delimiter.encode()[0], ord("\n"), ord("\r")], dtype=np.uint8)
    previous_last = ord("\n")  # the file starts as if after a line break
    with open(path, "rb") as fh:
        chunk = fh.read(CHUNK)
        while chunk:
            following = fh.read(CHUNK)
            data = np.frombuffer(chunk, dtype=np.uint8)
            before = np.concatenate([[previous_last], data[:-1]]).astype(np.uint8)
            after_last = following[0] if following else ord("\n")  # the file ends as if before one
            after = np.concatenate([data[1:], [after_last]]).astype(np.uint8)
            quotes = data == q
            if structural_only:
                quotes &= np.isin(before, edges) | np.isin(after, edges)
            yield data, quotes
            previous_last = int(data[-1])
            chunk = following


def identity_map(last_record: int) -> pd.DataFrame:
    """Return the record map of a file whose records are its lines and that has no blank line."""
    numbers = np.arange(1, last_record + 1)
    import pandas as pd  # deferred, as in record_map

    return pd.DataFrame({"record": numbers, "physical": numbers, "blank": np.zeros(last_record, dtype=bool)})


def _newline(path: Path) -> bytes:
    with open(path, "rb") as fh:
        probe = fh.read(1 << 20)
    return b"\n" if b"\n" in probe or b"\r" not in probe else b"\r"


def _blank_records(path: Path, end_offsets: np.ndarray, records: int) -> np.ndarray:
    """Return, per record, whether nothing (or only a CR) stands between its start and its end."""
    previous_end = np.concatenate([[-1], end_offsets[:-1]])
    length = end_offsets - previous_end - 1  # bytes between the two terminators
    data = np.memmap(path, dtype=np.uint8, mode="r") if len(end_offsets) else np.zeros(0, dtype=np.uint8)
    only_cr = np.zeros(len(end_offsets), dtype=bool)
    one = np.flatnonzero(length == 1)
    if len(one):
        only_cr[one] = data[end_offsets[one] - 1] == ord("\r")
    closed = (length == 0) | only_cr
    closed[0] = False  # the header is never blank
    return np.concatenate([closed, np.zeros(max(0, records - len(closed)), dtype=bool)])[:records]


def refuse_nul_bytes(path: Path) -> None:
    """Raise FileFormatError when the text holds a NUL byte anywhere, naming its line.

    Text never holds one: it is binary data or a damaged export. The format sniffer refuses a
    file with a NUL in its first 64 KB as binary; one further on used to load silently, so the
    whole (UTF-8) file is searched, and the refusal is the same wherever the NUL is."""
    offset, at = 0, -1
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            at = chunk.find(b"\x00")
            if at >= 0:
                at += offset
                break
            offset += len(chunk)
    if at < 0:
        return
    line, counted = 1, 0
    with open(path, "rb") as fh:  # only a refused file pays for counting its lines
        while counted < at:
            chunk = fh.read(min(CHUNK, at - counted))
            line += chunk.count(b"\n")
            counted += len(chunk)
    raise FileFormatError(
        f"the file contains binary data, not text: a NUL byte on line {line:,}; it is not a CSV file "
        "(remove the NUL bytes or export the file again)"
    )


def refuse_unclosed_quote(path: Path, quote: str, delimiter: str) -> None:
    """Raise FileFormatError when a quoted field is opened and never closed: DuckDB would read it
    to the end of the file and silently drop every row after it.

    Both counts must be odd: all quotes (an even total pairs up, doubled quotes included) and
    the quotes at field edges (so a lone 27" monitor in a field is text, not an open quote)."""
    if _quote_count(path, quote) % 2 == 0:
        return
    count, line, last_line = 0, 1, None
    for data, quotes in _chunks_with_quotes(path, quote, delimiter):
        positions = np.flatnonzero(quotes)
        if len(positions):
            count += len(positions)
            last_line = line + int(np.count_nonzero(data[: positions[-1]] == ord("\n")))
        line += int(np.count_nonzero(data == ord("\n")))
    if count % 2:
        raise FileFormatError(
            f"a quoted field is never closed (the last opening or closing {quote} is on line {last_line}): "
            "close or remove the stray quote and import again"
        )


def bare_cr_to_lf(src: Path, dest: Path, quote: str) -> Path:
    """Return a copy of `src` where each CR that is outside quotes and not before LF is an LF."""
    q = quote.encode()
    inside = False  # a doubled quote toggles twice, so pairing quotes is all RFC 4180 needs
    pending_cr = False
    splitter = re.compile(rb"(" + re.escape(q) + rb"|\r)")
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while chunk := fin.read(CHUNK):
            out = bytearray()
            for piece in splitter.split(chunk):
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
