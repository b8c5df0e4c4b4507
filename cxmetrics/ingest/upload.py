"""The Data page's work, without Streamlit: keep an upload, suggest its mapping, check it, load it.

Checking runs the real importer in dry-run mode (`load_file` with `dry_run=True`), so the report
is exactly what a load would do; the full reject list and the typed preview are read from the
temp tables that run leaves on the connection. An uploaded file is written to a fresh temp
directory under a sanitised name with a suffix chosen from its detected format: the user's file
name is never a path, only the `file_name` the imports table records.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
import unicodedata
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import BinaryIO, Callable

import duckdb
import pandas as pd

from ..core import guesses
from .. import rollups
from ..store.db import DatabaseBusy, identifier_list, run, writing
from ..core.exports import safe_csv  # noqa: F401 - the page offers reject downloads through upload
from .importer import (ImportOptions, ImportRefused, ImportResult, delete_import, guessing_samples, load_file,
                       remembered_mapping, sha256_of)
from ..core.mapping import MappingError, column_key, resolve_targets
from .isolated_read import stage_file as stage_in_child
from .reader import workbook_sheets
from ..core.schema import BOOLEAN, INTEGER, MONTH, REAL, TABLES, TIMESTAMP, Column
from ..core.textfile import FileFormatError, sniff_format

PREVIEW_ROWS = 10
UPLOAD_CHUNK = 1 << 20  # bytes copied per step: an upload is streamed to disk, never held twice
STEPS = ("staging", "validating", "writing")
MAX_NAME_LENGTH = 100

KIND_DESCRIPTIONS = {
    "customers": "One row per customer: `customer_id` and any attribute that segments customers "
    "(tier, region, plan…). Every extra column becomes a segment to filter and split by.",
    "contacts": "One row per contact with the organisation (call, chat, e-mail, self-service): "
    "`contact_id` and `started_at`, with the customer, channel, reason, resolution, agent and team.",
    "responses": "One row per survey response: `response_id` with NPS (0–10), CSAT (1–5), CES (1–7), "
    "the \"resolved on first contact?\" answer and the comment.",
    "outcomes": "One row per customer and month: revenue, churned, orders or any other business measure.",
    "engagement": "One row per team and month: the employee engagement survey results.",
}

_TYPE_LABELS = {
    INTEGER: "whole number",
    REAL: "number",
    BOOLEAN: "yes/no",
    TIMESTAMP: "date/time",
    MONTH: "month",
}
_FORMAT_SUFFIX = {"excel": ".xlsx", "parquet": ".parquet"}
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.()\- ]+")  # \w keeps letters of any script
# Cells a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, tab and CR.


# --- the uploaded file on disk ----------------------------------------------------------------


class StoredUpload:
    """An uploaded file kept in its own temp directory until `cleanup()` (or garbage collection)."""

    def __init__(self, directory: Path, path: Path, original_name: str, format: str):
        self.directory = directory
        self.path = path
        self.original_name = original_name
        self.format = format
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(directory), True)

    @property
    def file_name(self) -> str:
        """The name the imports table records (sanitised; never used as a path by the caller)."""
        return self.path.name

    def cleanup(self) -> None:
        """Remove the temp directory and the file in it (safe to call twice)."""
        self._finalizer()

    def __enter__(self) -> StoredUpload:
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()


def safe_file_name(file_name: str | None, format: str) -> str:
    """Return a plain base name for an upload: no directory part, no `..`, a suffix fixed by its format."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", file_name or "")[-1])
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _UNSAFE_NAME_CHARS.sub("_", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip(" .")[:MAX_NAME_LENGTH].strip(" .") or "upload"
    if format == "csv":
        ending = f".{suffix.lower()}" if f".{suffix.lower()}" in _TEXT_SUFFIXES else ".csv"
    else:
        ending = _FORMAT_SUFFIX[format]
    return stem + ending


_root: Path | None = None
_root_lock = threading.Lock()


def upload_root() -> Path:
    """Return this process's private directory (mode 0700) that every upload and its work files go under.

    It is the only directory the dashboard's database may read files from (see db.lock_down)."""
    global _root
    with _root_lock:
        if _root is None or not _root.is_dir():
            _root = Path(tempfile.mkdtemp(prefix="cxmetrics-uploads-")).resolve()
            atexit.register(shutil.rmtree, str(_root), True)
        return _root


def too_large(max_bytes: int) -> str:
    """Return the one-line refusal for an upload over the limit, naming the limit and how to change it."""
    return (
        f"the file is larger than the upload limit of {max_bytes / (1 << 20):g} MB; load it with "
        "`python -m cxmetrics import`, or raise server.maxUploadSize in .streamlit/config.toml"
    )


def store_upload(data: bytes | BinaryIO, file_name: str | None, max_bytes: int | None = None) -> StoredUpload:
    """Return the upload written to a fresh directory under `upload_root()`; raise ImportRefused when it
    is no table file or is larger than `max_bytes`.

    A file object is copied in UPLOAD_CHUNK pieces, so a large upload is never held whole a second time."""
    if max_bytes is not None and isinstance(data, (bytes, bytearray, memoryview)) and len(data) > max_bytes:
        raise ImportRefused(too_large(max_bytes))
    with _refusals("the file could not be stored"):
        directory = Path(tempfile.mkdtemp(prefix="upload-", dir=upload_root()))
        try:
            raw = directory / "upload.bin"
            with open(raw, "wb") as out:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    out.write(data)
                else:
                    _copy_limited(data, out, max_bytes)
            fmt = sniff_format(raw)
            path = raw.rename(directory / safe_file_name(file_name, fmt))
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
    return StoredUpload(directory, path, file_name or "", fmt)


def _copy_limited(source: BinaryIO, out: BinaryIO, max_bytes: int | None) -> None:
    if hasattr(source, "seek"):
        source.seek(0)  # Streamlit's UploadedFile may have been read already
    written = 0
    while chunk := source.read(UPLOAD_CHUNK):
        written += len(chunk)
        if max_bytes is not None and written > max_bytes:
            raise ImportRefused(too_large(max_bytes))
        out.write(chunk)


# --- staging and the suggested mapping ----------------------------------------------------------


@dataclass(frozen=True)
class ColumnInfo:
    """A canonical column as the mapping editor shows it."""

    name: str
    type: str  # e.g. "whole number 0–10", "date/time", "text"
    required: bool


@dataclass
class UploadPreview:
    """What staging found: dialect, source columns, the suggested mapping and the first rows as text."""

    upload: StoredUpload
    kind: str
    format: str
    encoding: str | None
    delimiter: str | None
    columns: list[str]
    rows: int
    rejected_rows: int
    suggested: dict[str, str | None]  # canonical column -> source column, or "A+B" joined (None: not found)
    suggestion_source: str  # remembered | guessed | names
    extra_pairs: list[tuple[str, str]] = field(default_factory=list)  # remembered renames to other names
    first_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    guesses: guesses.Guesses | None = None  # what was guessed about the file (kind, columns, dates, markers, ids)
    sheets: list[str] = field(default_factory=list)  # a workbook's sheets, in order
    sheet: str | None = None  # the sheet read (None: the first)
    header_line: int = 1  # the sheet row of the header (a report's title rows above it are left out)

    @property
    def sources(self) -> list[str]:
        """Every source the mapping editor offers: the file's columns, then joined pairs guessed."""
        joined = [s for s in self.suggested.values() if s and s not in self.columns]
        return [*self.columns, *dict.fromkeys(joined)]


def canonical_columns(kind: str) -> list[ColumnInfo]:
    """Return the canonical columns of a kind, required ones first as the table lists them."""
    return [ColumnInfo(c.name, type_label(c), c.required) for c in _table(kind).columns]


def type_label(column: Column) -> str:
    """Return a column's type in words, with its valid range ("whole number 0–10", "number ≥ 0")."""
    label = _TYPE_LABELS.get(column.type, "text")
    if column.low is not None and column.high is not None:
        return f"{label} {column.low:g}–{column.high:g}"
    if column.low is not None:
        return f"{label} ≥ {column.low:g}"
    return label


def stage_upload(
    con, kind: str, data: bytes | BinaryIO, file_name: str | None, encoding: str | None = None,
    rows: int = PREVIEW_ROWS, sheet: str | None = None,
) -> UploadPreview:
    """Return the preview of an uploaded file (kept on disk in `.upload` until you clean it up)."""
    upload = store_upload(data, file_name)
    try:
        return preview_upload(con, kind, upload, encoding, rows, sheet)
    except BaseException:
        upload.cleanup()
        raise


def preview_upload(con, kind: str, upload: StoredUpload, encoding: str | None = None,
                   rows: int = PREVIEW_ROWS, sheet: str | None = None) -> UploadPreview:
    """Return what staging an already stored upload finds, with the mapping to suggest for `kind`:
    the one remembered for its header, else the importer's guesses (guesses.py)."""
    _table(kind)
    with tempfile.TemporaryDirectory(prefix="work-", dir=upload.directory) as workdir, _refusals():
        # The sheet names only (workbook.xml): the sheet itself is read in the child process.
        sheets = workbook_sheets(upload.path) if upload.format == "excel" else []
        staged = _stage(upload)(con, upload.path, encoding or None, Path(workdir), sheet=sheet or None)
        first = run(con, "upload/staged_rows", {"limit": rows}).df()
        samples, labelled = guessing_samples(con, staged.columns, staged.rows)
    suggested, source, extra = suggested_mapping(con, kind, staged.columns)
    taken = {t: s for t, s in suggested.items() if s} if source == "remembered" else None
    guessed = guesses.guess(kind, staged.columns, samples, sha256_of(upload.path), taken=taken, labelled=labelled)
    if source != "remembered":
        for g in guessed.columns:
            if g.sources:
                suggested[g.target] = "+".join(g.sources)
        source = "guessed" if any(g.why != "name" for g in guessed.columns) else "names"
    return UploadPreview(
        upload, kind, staged.format, staged.encoding, staged.delimiter, staged.columns, staged.rows,
        staged.rejected_rows, suggested, source, extra, first, guessed, sheets, sheet or None, staged.header_line,
    )


def suggested_mapping(con, kind: str, columns: list[str]) -> tuple[dict[str, str | None], str, list[tuple[str, str]]]:
    """Return (canonical column -> source, 'remembered' or 'names', remembered pairs to other names).

    The same rule the importer applies without `--map`: the mapping remembered for this header,
    then, for the canonical columns it leaves open, a file column whose tidy name matches.
    """
    table = _table(kind)
    suggested: dict[str, str | None] = {c.name: None for c in table.columns}
    consumed: set[str] = set()
    extra: list[tuple[str, str]] = []
    remembered = remembered_mapping(con, kind, columns)
    for source, target in remembered or []:
        if target in suggested:
            suggested[target] = source
        else:
            extra.append((source, target))
        consumed.add(source)
    for column in table.columns:
        if suggested[column.name] is None:
            match = next((c for c in columns if c not in consumed and column_key(c) == column.name), None)
            if match is not None:
                suggested[column.name] = match
                consumed.add(match)
    return suggested, ("remembered" if remembered else "names"), extra


def build_options(
    preview: UploadPreview,
    selected: dict[str, str | None],
    set_values: dict[str, str] | None = None,
    date_formats: list[str] | None = None,
    nulls: list[str] | None = None,
    encoding: str | None = None,
    column_nulls: list[tuple[str, str]] | None = None,
    recode: list[tuple[str, str, str]] | None = None,
    skip_if: list[tuple[str, str]] | None = None,
    force: bool = False,
) -> ImportOptions:
    """Return the import options for the editor's choices.

    An unchanged suggestion passes no mapping, so the importer applies its own rule and records
    the mapping as 'remembered' or 'names'; a changed one is passed whole, as `--map` would be.
    A value for every row (`--set`) counts only for a column no file column feeds.
    """
    chosen = {target: source for target, source in selected.items() if source}
    sets = [
        (target, value.strip())
        for target, value in (set_values or {}).items()
        if value and value.strip() and not chosen.get(target)
    ]
    mapping: list[tuple[str, str]] = []
    if chosen != {t: s for t, s in preview.suggested.items() if s}:
        mapping = [(source, target) for target, source in chosen.items()] + list(preview.extra_pairs)
    return ImportOptions(
        mapping=mapping,
        set_values=sets,
        date_formats=list(date_formats or []),
        nulls=list(nulls or []),
        encoding=encoding or None,
        column_nulls=list(column_nulls or []),
        recode=list(recode or []),
        skip_if=list(skip_if or []),
        sheet=preview.sheet,
        force=force,
    )


def missing_required(kind: str, selected: dict[str, str | None], set_values: dict[str, str] | None = None) -> list[str]:
    """Return the required canonical columns that neither a file column nor a value feeds (an id
    column left empty is not missing: its ids are made from the file and line)."""
    given = {t for t, v in (set_values or {}).items() if v and v.strip()}
    generated = guesses.ID_COLUMNS.get(kind)
    return [c.name for c in _table(kind).columns
            if c.required and not selected.get(c.name) and c.name not in given and c.name != generated]


def parse_column_lines(text: str | None, what: str) -> list[tuple[str, str]]:
    """Return [(column, text)] from a text box of "COLUMN=TEXT" lines (MappingError naming the bad line)."""
    pairs = []
    for line in parse_lines(text):
        column, sep, value = line.partition("=")
        if not sep or not column.strip():
            raise MappingError(f"{what}: {line!r} is not of the form column=text")
        pairs.append((column.strip(), value.strip()))
    return pairs


def parse_recode_lines(text: str | None) -> list[tuple[str, str, str]]:
    """Return [(column, from, to)] from a text box of "COLUMN:FROM=TO" lines."""
    recodes = []
    for line in parse_lines(text):
        column, colon, rest = line.partition(":")
        old, equals, new = rest.partition("=")
        if not colon or not equals or not column.strip() or not old.strip():
            raise MappingError(f"recoded values: {line!r} is not of the form column:from=to")
        recodes.append((column.strip(), old.strip(), new.strip()))
    return recodes


def planned_extras(con, kind: str, columns: list[str], options: ImportOptions,
                   suggested: dict[str, str | None] | None = None) -> list[tuple[str, str]]:
    """Return (file column, attribute name) for every file column kept as an extra attribute
    (`suggested`: the preview's guessed mapping, used when neither a mapping nor a remembered one is)."""
    mapping = options.mapping or remembered_mapping(con, kind, columns) or [
        (source, target) for target, source in (suggested or {}).items() if source]
    generated = {guesses.ID_COLUMNS[kind]: ""} if kind in guesses.ID_COLUMNS else {}
    with _refusals():
        targets = resolve_targets(kind, columns, mapping, options.set_values, generated)
    return [(t.source, t.column.name) for t in targets if t.extra and t.source is not None]


def parse_lines(text: str | None) -> list[str]:
    """Return the non-blank lines of a text box, trimmed (one date format or null marker a line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- checking and loading -----------------------------------------------------------------------


@dataclass
class ValidationReport:
    """What a load would do: the importer's dry-run result, every reject, and the typed first rows."""

    result: ImportResult
    rejects: pd.DataFrame  # line, column, value, reason
    preview: pd.DataFrame  # line, would_load, then one column per target, typed
    types: dict[str, str]  # target column -> type in words

    @property
    def rows_loaded(self) -> int:
        return self.result.rows_loaded

    @property
    def rows_rejected(self) -> int:
        return self.result.rows_rejected

    @property
    def already_imported(self) -> int | None:
        return self.result.already_imported


def validate_upload(con, kind: str, upload: StoredUpload | Path, options: ImportOptions,
                    rows: int = PREVIEW_ROWS, on_wait: Callable[[], None] | None = None) -> ValidationReport:
    """Return what loading the file would do, from a real dry run of the importer (nothing is written).

    The dry run writes and rolls back, so it waits for this process's write slot (see db.writing);
    `on_wait` is called when it has to wait for another upload."""
    with _refusals(), writing(on_wait):
        result = load_file(con, kind, _path_of(upload), replace(options, dry_run=True), scratch=_scratch(upload),
                           stage=_stage(upload))
        if result.already_imported:
            return ValidationReport(result, _empty_rejects(), pd.DataFrame(), {})
        # load_file returned after staging and checking: the temp tables are this file's.
        rejects = run(con, "upload/dry_run_rejects").df()
        columns = identifier_list(f"t_{i}" for i in range(len(result.mapping)))
        preview = run(con, "upload/typed_preview", {"limit": rows}, columns=columns).df()
        preview.columns = unique_names(["line", "would_load", *result.mapping])
    table = _table(kind)
    types = {
        name: type_label(table.column(name)) if table.column(name) else "text (extra attribute)"
        for name in result.mapping
    }
    return ValidationReport(result, rejects, preview, types)


def unique_names(names: list[str]) -> list[str]:
    """Return `names` with a repeat (ignoring case) suffixed _1, _2…, as DuckDB names a result's
    repeated column: a target called "line" next to the preview's own line column, say."""
    seen: set[str] = set()
    unique = []
    for name in names:
        candidate, n = name, 0
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate.lower())
        unique.append(candidate)
    return unique


def commit_upload(con, kind: str, upload: StoredUpload | Path, options: ImportOptions,
                  on_step: Callable[[str], None] | None = None, actor: str | None = None,
                  on_wait: Callable[[], None] | None = None) -> ImportResult:
    """Return the importer's result after loading the file for real; `on_step` hears each of STEPS.

    Loads queue behind each other in this process (db.writing): `on_wait` is called when this one
    has to wait for another session's upload to finish.

    The audit log names `actor` (the signed-in user) as the one who loaded it."""
    with _refusals("the file could not be loaded"), writing(on_wait):
        result = load_file(
            con, kind, _path_of(upload), replace(options, dry_run=False, actor=actor), on_step=on_step,
            scratch=_scratch(upload), stage=_stage(upload),
        )
        if result.rows_loaded:  # only a load changes what the rollups sum
            rollups.ensure_fresh(con)
        return result


# --- history ------------------------------------------------------------------------------------


def import_history(con) -> pd.DataFrame:
    """Return one row per import, newest first (id, kind, file, when, by whom, rows loaded/rejected, deleted, by whom)."""
    return run(con, "upload/import_history").df()


def import_rejects(con, import_id: int) -> pd.DataFrame:
    """Return every rejected row of one import: line, column, value, reason."""
    return run(con, "upload/import_rejects", {"import_id": int(import_id)}).df()


@dataclass(frozen=True)
class ImportRecord:
    """One import as the history picker shows it."""

    import_id: int
    kind: str
    file_name: str
    rows_loaded: int
    rows_rejected: int
    deleted: bool

    @property
    def label(self) -> str:
        return f"#{self.import_id} · {self.kind} · {self.file_name}" + (" (deleted)" if self.deleted else "")


def import_records(history: pd.DataFrame) -> dict[int, ImportRecord]:
    """Return {import id: ImportRecord} from `import_history`'s frame, in its order (newest first)."""
    return {
        int(row.import_id): ImportRecord(
            int(row.import_id), row.kind, row.file_name, int(row.rows_loaded), int(row.rows_rejected), bool(row.deleted)
        )
        for row in history.itertuples(index=False)
    }


def delete_upload(con, import_id: int, actor: str | None = None) -> int:
    """Return the number of rows removed by deleting an import (ImportRefused when it cannot be)."""
    with _refusals("the import could not be deleted"), writing():
        removed = delete_import(con, int(import_id), actor)
        rollups.ensure_fresh(con)
        return removed


# --- internals ----------------------------------------------------------------------------------


@contextmanager
def _refusals(what: str = "the file could not be checked"):
    """Turn every way a user's file can fail into ImportRefused with a one-line reason."""
    try:
        yield
    except ImportRefused:
        raise
    except DatabaseBusy as exc:
        raise ImportRefused(str(exc)) from exc
    except (FileFormatError, MappingError) as exc:
        raise ImportRefused(_one_line(exc)) from exc
    except UnicodeError as exc:
        raise ImportRefused(f"the file is not valid text in the chosen encoding ({_one_line(exc)})") from exc
    except duckdb.Error as exc:
        raise ImportRefused(f"{what}: {_one_line(exc)}") from exc
    except OSError as exc:
        raise ImportRefused(f"{what}: {exc.strerror or _one_line(exc)}") from exc


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({"line": pd.Series(dtype="int64"), "column": [], "value": [], "reason": []})


def _scratch(upload: StoredUpload | Path) -> Path | None:
    """Return where the importer may write work files: the upload's own directory (readable by the
    locked-down dashboard database), or the system temp directory for a plain path."""
    return upload.directory if isinstance(upload, StoredUpload) else None


def _stage(upload: StoredUpload | Path):
    """Return how an upload is staged: in a child process with memory and time limits (isolated_read),
    keeping what it staged in the upload's own directory so preview, check and load read it once."""
    if isinstance(upload, StoredUpload):
        return partial(stage_in_child, keep_in=upload.directory)
    return stage_in_child


def _path_of(upload: StoredUpload | Path) -> Path:
    return upload.path if isinstance(upload, StoredUpload) else Path(upload)


def _table(kind: str):
    if kind not in TABLES:
        raise ImportRefused(f"unknown kind {kind!r}: use one of {', '.join(TABLES)}")
    return TABLES[kind]


# --- the guesses in the page's words ------------------------------------------------------------

_WHY = {"name": "its name", "synonym": "a usual name for it", "question": "the question it answers",
        "values": "its values", "generated": "generated"}


def guess_notes(preview: UploadPreview) -> dict[str, str]:
    """Return {canonical column: what was guessed about it, in words} for the mapping editor."""
    found = preview.guesses
    if found is None:
        return {}
    notes = {}
    for g in found.columns:
        if g.why == "generated":
            continue
        parts = [f"found by {_WHY.get(g.why, g.why)}"]
        question = found.label_rows.labels.get(g.sources[0]) if g.why == "question" else None
        if question:
            parts[0] += f" (“{question}”)"
        if len(g.sources) > 1:
            parts.append(f"{' and '.join(g.sources)} joined into one date and time")
        if g.date and g.date.formats:
            parts.append(f"dates read as {g.date.formats[0]}")
        if g.date and g.date.order:
            parts.append(f"{g.date.order} ({g.date.note})")
        if g.reading == guesses.DURATION:
            parts.append("durations like 0:02:23 read as seconds")
        if g.reading == guesses.INVERTED_READING:
            parts.append("read the other way round: " + ", ".join(f"{old} = {new}" for old, new in g.recode))
        elif g.recode:
            parts.append("labels read as scores: " + ", ".join(f"{old} = {new}" for old, new in g.recode))
        notes[g.target] = "; ".join(parts)
    return notes


def generated_id_notice(preview: UploadPreview, selected: dict[str, str | None]) -> str | None:
    """Return the notice for an id column made from the file and line, when no file column feeds it."""
    column = guesses.ID_COLUMNS.get(preview.kind)
    if column is None or selected.get(column):
        return None
    prefix = guesses.generated_id_prefix(sha256_of(preview.upload.path))
    return (f"The file has no {column} column: each row's id is made from the file's fingerprint and its line "
            f"({prefix}-2, {prefix}-3, …), the same every time this file is loaded.")


def label_rows_notice(preview: UploadPreview) -> str | None:
    """Return the notice for rows under the header that describe the columns (left out), or None."""
    found = preview.guesses
    if found is None or not found.label_rows.rows:
        return None
    rows = found.label_rows.rows
    first = "The first row" if rows == 1 else f"The first {rows} rows"
    verb = "describes" if rows == 1 else "describe"
    return (f"{first} under the header {verb} the columns ({found.label_rows.why}): "
            f"left out, neither loaded nor rejected.")


def marker_notice(preview: UploadPreview) -> str | None:
    """Return which texts are read as missing values in which columns, or None."""
    found = preview.guesses
    if found is None or not found.nulls:
        return None
    listed = "; ".join(f"{', '.join(m)} in {c}" for c, m in found.nulls.items())
    return f"Read as missing values: {listed}."


def reject_groups_frame(result: ImportResult) -> pd.DataFrame:
    """Return the rejects grouped by reason: reason, rows, and three examples written out."""
    return pd.DataFrame(
        [
            {
                "reason": g["reason"],
                "rows": g["rows"],
                "examples": "; ".join(f"line {e['line']}: {e['column']} = {e['value']!r}" for e in g["examples"]),
            }
            for g in result.reject_groups
        ],
        columns=["reason", "rows", "examples"],
    )
