"""Loading a user's file into a canonical table, and deleting an import again.

`load_file` stages the file (reader), resolves the column mapping (mapping), types and checks
every row in SQL (validation), then writes the accepted rows, the rejects, the import record
and the derived contact facts in one transaction: all of it lands, or none of it does.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from ..store import audit, contact_facts
from ..core import guesses
from .. import rollups
from ..store.db import identifier_list, quote_ident, run
from ..core.mapping import (MappingError, Target, explicit_pairs, header_signature, mapping_record,
                            resolve_targets)
from .reader import StagedFile, stage_file
from ..core.schema import KINDS, TABLES
from ..core.textfile import FileFormatError

REJECTS_SHOWN = 20
SAMPLE_HEAD, SAMPLE_ROWS = 1000, 2000  # rows read for guessing: the first ones, then spread over the file


class ImportRefused(ValueError):
    """Nothing was loaded; the message is one line for the user."""


@dataclass
class ImportOptions:
    mapping: list[tuple[str, str]] = field(default_factory=list)
    set_values: list[tuple[str, str]] = field(default_factory=list)
    date_formats: list[str] = field(default_factory=list)
    nulls: list[str] = field(default_factory=list)
    encoding: str | None = None
    dry_run: bool = False
    actor: str | None = None  # who the audit log names (the app's user, the CLI's OS user)
    column_nulls: list[tuple[str, str]] = field(default_factory=list)  # (source column, marker)
    recode: list[tuple[str, str, str]] = field(default_factory=list)  # (source column, from, to)
    skip_if: list[tuple[str, str]] = field(default_factory=list)  # (source column, text): rows left out
    sheet: str | None = None  # a workbook's sheet, by name or 1-based number
    force: bool = False  # load even when the check asks first (most rows rejected, another kind)


@dataclass
class ImportResult:
    import_id: int | None
    kind: str
    file_name: str
    rows_loaded: int
    rows_rejected: int
    rejects: list[dict]
    dry_run: bool = False
    already_imported: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    mapping_source: str = "names"  # given | remembered | guessed | names
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int = 1  # the line (sheet row) of the header: a report's title rows above it are left out
    rows_skipped: int = 0  # rows left out on purpose (skip_if): neither loaded nor rejected
    reject_groups: list[dict] = field(default_factory=list)  # {"reason", "rows", "examples": first 3}
    guesses: dict = field(default_factory=dict)  # what was guessed and why (guesses.py)
    needs_confirmation: str | None = None  # why the load asks before writing (nothing written without force)

    def to_json(self) -> dict:
        """Return the result as the command line prints it."""
        return asdict(self)


STEPS = ("staging", "validating", "writing")


def load_file(
    con: duckdb.DuckDBPyConnection, kind: str, path: str | Path, options: ImportOptions,
    on_step: Callable[[str], None] | None = None, scratch: Path | None = None,
    stage: Callable[..., StagedFile] = stage_file,
) -> ImportResult:
    """Return what happened after loading `path` as `kind`; raise ImportRefused when nothing could be.

    `on_step`, if given, hears each of STEPS as it starts (for a progress display). Work files
    (a UTF-8 copy of the file) go to a temp directory under `scratch` (default: the system's).
    `stage` reads the file into the staging tables: reader.stage_file in this process, or the
    Data page's isolated_read.stage_file in a child process with memory and time limits."""
    step = on_step or (lambda _name: None)
    if kind not in KINDS:
        raise ImportRefused(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    path = Path(path)
    if not path.is_file():
        raise ImportRefused(f"no such file: {path}")
    _check_date_formats(con, options.date_formats)
    content_hash = sha256_of(path)
    earlier = run(con, "import/earlier_import", {"hash": content_hash, "kind": kind}).fetchone()
    if earlier:
        return ImportResult(None, kind, path.name, 0, 0, [], options.dry_run, already_imported=earlier[0])

    step("staging")
    with tempfile.TemporaryDirectory(prefix="cxmetrics-", dir=scratch) as workdir:
        try:
            staged = stage(con, path, options.encoding, Path(workdir), sheet=options.sheet)
        except FileFormatError as exc:
            raise ImportRefused(str(exc)) from exc
        except UnicodeError as exc:
            # A named codec can refuse the bytes in its own way (utf-16 without a BOM raises a
            # bare UnicodeError, not a decode error with a position).
            raise ImportRefused(f"the file is not valid text in the chosen encoding {options.encoding} ({exc})") from exc
    samples, labelled = guessing_samples(con, staged.columns, staged.rows)
    try:
        plan = plan_targets(con, kind, staged.columns, samples, content_hash, options, labelled)
    except MappingError as exc:
        raise ImportRefused(str(exc)) from exc
    targets, source, options = plan.targets, plan.source, plan.options
    step("validating")
    skipped = run_validation(con, kind, targets, options, labelled.rows)
    rejected_lines = run(con, "import/rejected_lines").fetchone()[0]
    rows_loaded = staged.rows - skipped - run(con, "import/row_rejected_lines").fetchone()[0]
    result = ImportResult(
        None,
        kind,
        path.name,
        rows_loaded,
        rejected_lines,
        _first_rejects(con),
        options.dry_run,
        mapping=mapping_record(targets),
        mapping_source=source,
        format=staged.format,
        encoding=staged.encoding,
        delimiter=staged.delimiter,
        header_line=staged.header_line,
        rows_skipped=skipped,
        reject_groups=reject_groups(con),
        guesses=plan.report,
        needs_confirmation=confirmation_needed(rows_loaded, rejected_lines, plan.wrong_kind),
    )
    if rows_loaded == 0 or (result.needs_confirmation and not options.force and not options.dry_run):
        return result
    step("writing")
    result.import_id = _write(con, kind, path, content_hash, targets, staged, options, result)
    if options.dry_run:
        result.import_id = None
    return result


def run_validation(con, kind: str, targets, options: ImportOptions, label_rows: int = 0) -> int:
    """Create the typed rows and their rejects from the staged file (no write to the store);
    return how many rows were skipped on purpose (the first `label_rows`, which describe the
    columns, and those options.skip_if names)."""
    from .validation import build_rejects, build_typed

    run(con, "import/drop_typed")
    run(con, "import/drop_row_rejects")
    skipped = build_typed(con, kind, targets, options.date_formats, options.nulls, options.skip_if, label_rows)
    build_rejects(con, kind, targets)
    return skipped


def confirmation_needed(rows_loaded: int, rows_rejected: int, wrong_kind: str | None) -> str | None:
    """Return why a load should ask before writing (more rows rejected than loaded, or a file that
    looks like another kind), in words for the page and the command line alike; None when not."""
    if rows_loaded and rows_rejected > rows_loaded:
        return f"more than half the rows would be rejected ({rows_rejected:,} of {rows_loaded + rows_rejected:,})"
    if rows_loaded and wrong_kind:
        return wrong_kind
    return None


def reject_groups(con) -> list[dict]:
    """Return the rejects of the file just checked grouped by reason: rows, first three examples."""
    rows = run(con, "import/reject_groups").fetchall()
    return [{"reason": r[0], "rows": r[1], "examples": list(r[2])} for r in rows]


def guessing_samples(con, columns: list[str], rows: int) -> tuple[dict[str, list[str | None]], guesses.LabelRows]:
    """Return the staged file's sampled values without the rows under its header that describe the
    columns (a survey tool's question texts and import ids), and those rows (guesses.label_rows).
    Both the command line and the Data page guess from these, so both leave out the same rows."""
    samples = sample_values(con, columns, rows)
    labelled = guesses.label_rows(columns, samples)
    return guesses.without_label_rows(samples, labelled), labelled


def sample_values(con, columns: list[str], rows: int) -> dict[str, list[str | None]]:
    """Return {source column: sampled values} of the staged file, for guessing."""
    step = max(1, (rows - SAMPLE_HEAD) // max(1, SAMPLE_ROWS - SAMPLE_HEAD))
    fetched = run(con, "import/sample_rows", {"head": SAMPLE_HEAD, "step": step}).fetchall()
    return {c: [row[i] for row in fetched] for i, c in enumerate(columns)}


def delete_import(con: duckdb.DuckDBPyConnection, import_id: int, actor: str | None = None) -> int:
    """Return the number of rows removed after deleting every row of an import, in one transaction.

    The audit log names `actor` as the one who deleted it."""
    row = run(con, "import/live_import_kind", {"import_id": import_id}).fetchone()
    if not row:
        raise ImportRefused(f"there is no import #{import_id} to delete")
    kind = row[0]
    con.execute("BEGIN TRANSACTION")
    try:
        change = rollups.begin_change(con, kind, import_id, removed=True)  # before its rows go
        if kind == "contacts":
            contact_facts.mark_affected_by_import(con, import_id)
        removed = run(con, "import/delete_rows", {"import_id": import_id}, table=quote_ident(kind)).fetchone()[0]
        run(con, "import/delete_import_rejects", {"import_id": import_id})
        run(con, "import/mark_deleted", {"import_id": import_id})
        audit.record(con, actor, "delete-import", import_id, {"kind": kind, "rows_deleted": removed})
        if kind == "contacts":
            contact_facts.refresh_affected(con)
        rollups.finish_change(con, change)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return removed


def remembered_mapping(con, kind: str, columns: list[str]) -> list[tuple[str, str]] | None:
    """Return the mapping last used for a file of this kind with exactly this header, if any."""
    row = run(con, "import/remembered_mapping", {"kind": kind, "signature": header_signature(columns)}).fetchone()
    return [tuple(pair) for pair in json.loads(row[0])] if row else None


def remembered_options(con, kind: str, columns: list[str]) -> dict:
    """Return the options remembered with the mapping for this header ({} when none)."""
    row = run(con, "import/remembered_options", {"kind": kind, "signature": header_signature(columns)}).fetchone()
    return json.loads(row[0]) if row else {}


@dataclass
class Plan:
    """The targets to load and how they were chosen: the mapping's origin, the options in force
    (the user's, or those remembered with the mapping), what was guessed, and a kind concern."""

    targets: list[Target]
    source: str
    options: ImportOptions
    report: dict
    wrong_kind: str | None


def plan_targets(con, kind: str, columns: list[str], samples: dict, content_hash: str,
                 options: ImportOptions, labelled: guesses.LabelRows | None = None) -> Plan:
    """Return the plan for loading a file with these columns as `kind` (MappingError when it cannot be).

    The mapping is the one given, else the one remembered for this header, else the guesses'
    (guesses.py); in every case a missing id is made from the file's hash and line, and each
    target's date formats, duration reading and missing-value markers are read from its values."""
    mapping, source = options.mapping, "given"
    if not mapping:
        remembered = remembered_mapping(con, kind, columns)
        if remembered:
            mapping, source = remembered, "remembered"
            options = _with_remembered(options, remembered_options(con, kind, columns))
    found = guesses.guess(kind, columns, samples, content_hash,
                          taken={t: s for s, t in mapping} if mapping else None, labelled=labelled)
    if not mapping:
        mapping = [("+".join(g.sources), g.target) for g in found.columns if g.sources]
        source = "guessed" if any(g.why != "name" for g in found.columns) else "names"
    generated = {}
    if found.generated_id and found.generated_id not in {t for _, t in mapping}:
        generated[found.generated_id] = guesses.generated_id_prefix(content_hash)
    targets = resolve_targets(kind, columns, mapping, options.set_values, generated)
    targets = [_read_as_guessed(t, samples, found, options) for t in targets]
    _check_option_columns(columns, options)
    return Plan(targets, source, options, _report(found, targets), found.wrong_kind)


def _with_remembered(options: ImportOptions, remembered: dict) -> ImportOptions:
    """Return `options` with each option the user left empty taken from those remembered."""
    from dataclasses import replace

    return replace(
        options,
        date_formats=options.date_formats or list(remembered.get("date_formats", [])),
        nulls=options.nulls or list(remembered.get("nulls", [])),
        column_nulls=options.column_nulls or [tuple(p) for p in remembered.get("column_nulls", [])],
        recode=options.recode or [tuple(r) for r in remembered.get("recode", [])],
        skip_if=options.skip_if or [tuple(p) for p in remembered.get("skip_if", [])],
    )


def _same(a: str, b: str) -> bool:
    return a == b or a.lower() == b.lower()


def _read_as_guessed(target: Target, samples: dict, found: guesses.Guesses, options: ImportOptions) -> Target:
    """Return `target` with its date formats, reading, markers and recodes filled in."""
    from dataclasses import replace

    if target.source is None:
        return target
    guessed = found.column(target.column.name)
    if guessed is not None and guessed.sources == target.sources and (guessed.date or guessed.reading):
        date, reading = guessed.date, guessed.reading or (guessed.date.reading if guessed.date else None)
    else:
        date, reading = guesses.reading_for(target.column.type, guesses.joined_values(samples, target.sources))
    markers = () if target.joined else guesses.column_markers(samples.get(target.source, []), target.column.type)
    markers += tuple(m for c, m in options.column_nulls if _same(c, target.source) and m not in markers)
    recode = tuple((old, new) for c, old, new in options.recode if _same(c, target.source))
    if not target.joined:
        # A scale's labels ("Very satisfied" -> 5) or an "Abandoned" column read as answered, after
        # the user's own recodes of the same texts; asked of every column, guessed or not, so that a
        # remembered mapping reads the next file of the same header the same way.
        value_reading, pairs = guesses.value_recode(target.column.name, target.source, samples.get(target.source, []))
        recode += tuple((old, new) for old, new in pairs if old not in {o for o, _ in recode})
        reading = reading or value_reading
    return replace(target, date_formats=tuple(date.formats) if date else (), reading=reading,
                   nulls=markers, recode=recode)


def _check_option_columns(columns: list[str], options: ImportOptions) -> None:
    """Raise MappingError for a per-column option naming a column the file does not have."""
    named = [c for c, _ in options.column_nulls] + [c for c, _, _ in options.recode] + [c for c, _ in options.skip_if]
    for column in named:
        if not any(_same(column, c) for c in columns):
            raise MappingError(f"the file has no column {column!r} (it has: {', '.join(columns)})")


def _report(found: guesses.Guesses, targets: list[Target]) -> dict:
    """Return what the import guessed and read, per target, for the command line and the page."""
    columns = {}
    for t in targets:
        if t.extra:
            continue
        guessed = found.column(t.column.name)
        as_guessed = guessed is not None and guessed.sources == t.sources
        why = "generated" if t.generated else guessed.why if as_guessed else "chosen"
        entry: dict = {"from": t.label if t.sources else None, "why": why}
        if t.date_formats:
            entry["date_formats"] = list(t.date_formats)
            if as_guessed and guessed.date:
                entry["order"], entry["note"] = guessed.date.order, guessed.date.note
        if t.reading:
            entry["reading"] = t.reading
        if t.reading in guesses.RECODE_READINGS:
            entry["recode"] = dict(t.recode)
        columns[t.column.name] = entry
    return {
        "suggested_kind": found.suggested_kind,
        "kind_note": found.kind_note,
        "wrong_kind": found.wrong_kind,
        "columns": columns,
        "nulls": {t.label: list(t.nulls) for t in targets if t.nulls},
        "generated_id": next((t.column.name for t in targets if t.generated), None),
        "label_rows": {"rows": found.label_rows.rows, "why": found.label_rows.why} if found.label_rows.rows else None,
    }


def _write(con, kind, path, content_hash, targets, staged, options, result) -> int:
    import_id = run(con, "import/next_import_id").fetchone()[0]
    con.execute("BEGIN TRANSACTION")
    try:
        # A dry run is rolled back: its rollups would be too.
        change = None if options.dry_run else rollups.begin_change(con, kind, import_id, removed=False)
        existing = set(r[0] for r in run(con, "import/table_columns", {"table": kind}).fetchall())
        for target in targets:
            if target.extra and target.column.name not in existing:
                run(con, "import/add_extra_column", table=quote_ident(kind), column=quote_ident(target.column.name))
        columns = [t.column.name for t in targets]
        if kind == "contacts" and "customer_id" in columns:  # written with their derived facts
            contact_facts.insert_contacts(con, import_id, columns)
        else:
            values = identifier_list(f"t_{i}" for i in range(len(targets)))
            run(con, "import/insert_rows", {"import_id": import_id}, table=quote_ident(kind),
                columns=identifier_list(columns), values=values)
        run(con, "import/insert_rejects", {"import_id": import_id})
        options_record = {
            "format": staged.format,
            "encoding": staged.encoding,
            "delimiter": staged.delimiter,
            "date_formats": options.date_formats,
            "nulls": options.nulls,
            "set": dict(options.set_values),
            "mapping_source": result.mapping_source,
            "column_nulls": options.column_nulls,
            "recode": options.recode,
            "skip_if": options.skip_if,
            "sheet": options.sheet,
            "rows_skipped": result.rows_skipped,
            "guesses": result.guesses,
        }
        run(
            con,
            "import/record_import",
            {
                "id": import_id,
                "kind": kind,
                "file": path.name,
                "hash": content_hash,
                "mapping": json.dumps(result.mapping, ensure_ascii=False),
                "options": json.dumps(options_record, ensure_ascii=False),
                "loaded": result.rows_loaded,
                "rejected": result.rows_rejected,
            },
        )
        _remember_mapping(con, kind, staged.columns, targets, options)
        audit.record(con, options.actor, "import", import_id, {
            "kind": kind, "file_name": path.name, "rows_loaded": result.rows_loaded, "rows_rejected": result.rows_rejected,
        })
        rollups.finish_change(con, change)  # after the imports row: the data version counts it
        con.execute("ROLLBACK" if options.dry_run else "COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return import_id


def _remember_mapping(con, kind, columns, targets, options: ImportOptions) -> None:
    pairs = explicit_pairs(targets)
    remembered = {"date_formats": options.date_formats, "nulls": options.nulls, "column_nulls": options.column_nulls,
                  "recode": options.recode, "skip_if": options.skip_if}
    if not pairs and not any(remembered[k] for k in ("column_nulls", "recode", "skip_if")):
        return
    run(
        con,
        "import/remember_mapping",
        {
            "kind": kind,
            "signature": header_signature(columns),
            "header": json.dumps(columns, ensure_ascii=False),
            "mapping": json.dumps(pairs, ensure_ascii=False),
            "options": json.dumps(remembered, ensure_ascii=False),
        },
    )


def _first_rejects(con) -> list[dict]:
    rows = run(con, "import/first_rejects", {"n": REJECTS_SHOWN}).fetchall()
    return [{"line": r[0], "column": r[1], "value": r[2], "reason": r[3]} for r in rows]


def _check_date_formats(con, formats: list[str]) -> None:
    """Raise ImportRefused for a --date-format that strptime cannot use, before any work is done."""
    for fmt in formats:
        try:
            run(con, "import/check_date_format", {"format": fmt}).fetchall()
        except duckdb.Error as exc:
            reason = str(exc).strip().splitlines()[0]
            raise ImportRefused(f"date format {fmt!r} is not a strptime format: {reason}") from exc


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes, read in 1 MB chunks (the content hash of an import or a backup file)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
