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

from . import audit, contact_facts
from .db import Identifier, identifier_list, quote_ident, run
from .mapping import (
    MappingError,
    explicit_pairs,
    header_signature,
    mapping_record,
    resolve_targets,
)
from .reader import StagedFile, stage_file
from .schema import KINDS, TABLES
from .textfile import FileFormatError

REJECTS_SHOWN = 20


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
    mapping_source: str = "names"  # given | remembered | names
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

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
    earlier = con.execute(
        "SELECT import_id FROM imports WHERE content_hash = $h AND kind = $k AND deleted_at IS NULL",
        {"h": content_hash, "k": kind},
    ).fetchone()
    if earlier:
        return ImportResult(None, kind, path.name, 0, 0, [], options.dry_run, already_imported=earlier[0])

    step("staging")
    with tempfile.TemporaryDirectory(prefix="cxmetrics-", dir=scratch) as workdir:
        try:
            staged = stage(con, path, options.encoding, Path(workdir))
        except FileFormatError as exc:
            raise ImportRefused(str(exc)) from exc
        except UnicodeError as exc:
            # A named codec can refuse the bytes in its own way (utf-16 without a BOM raises a
            # bare UnicodeError, not a decode error with a position).
            raise ImportRefused(f"the file is not valid text in the chosen encoding {options.encoding} ({exc})") from exc
    try:
        targets, source = _targets(con, kind, staged.columns, options)
    except MappingError as exc:
        raise ImportRefused(str(exc)) from exc
    step("validating")
    run_validation(con, kind, targets, options)
    rejected_lines = con.execute(
        "SELECT count(DISTINCT line) FROM (SELECT line FROM cx_stage_rejects UNION ALL SELECT line FROM cx_row_rejects)"
    ).fetchone()[0]
    rows_loaded = staged.rows - con.execute("SELECT count(DISTINCT line) FROM cx_row_rejects").fetchone()[0]
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
    )
    if rows_loaded == 0:
        return result
    step("writing")
    result.import_id = _write(con, kind, path, content_hash, targets, staged, options, result)
    if options.dry_run:
        result.import_id = None
    return result


def run_validation(con, kind: str, targets, options: ImportOptions) -> None:
    """Create the typed rows and their rejects from the staged file (no write to the store)."""
    from .validation import build_rejects, build_typed

    con.execute("DROP TABLE IF EXISTS cx_typed")
    con.execute("DROP TABLE IF EXISTS cx_row_rejects")
    build_typed(con, kind, targets, options.date_formats, options.nulls)
    build_rejects(con, kind, targets)


def delete_import(con: duckdb.DuckDBPyConnection, import_id: int, actor: str | None = None) -> int:
    """Return the number of rows removed after deleting every row of an import, in one transaction.

    The audit log names `actor` as the one who deleted it."""
    row = con.execute(
        "SELECT kind FROM imports WHERE import_id = $i AND deleted_at IS NULL", {"i": import_id}
    ).fetchone()
    if not row:
        raise ImportRefused(f"there is no import #{import_id} to delete")
    kind = row[0]
    con.execute("BEGIN TRANSACTION")
    try:
        if kind == "contacts":
            contact_facts.mark_affected_by_import(con, import_id)
        removed = run(con, "import/delete_rows", {"import_id": import_id}, table=quote_ident(kind)).fetchone()[0]
        con.execute("DELETE FROM import_rejects WHERE import_id = $i", {"i": import_id})
        con.execute(
            "UPDATE imports SET deleted_at = current_timestamp::TIMESTAMP WHERE import_id = $i", {"i": import_id}
        )
        audit.record(con, actor, "delete-import", import_id, {"kind": kind, "rows_deleted": removed})
        if kind == "contacts":
            contact_facts.refresh_affected(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return removed


def remembered_mapping(con, kind: str, columns: list[str]) -> list[tuple[str, str]] | None:
    """Return the mapping last used for a file of this kind with exactly this header, if any."""
    row = con.execute(
        "SELECT mapping FROM column_mappings WHERE kind = $k AND header_signature = $s",
        {"k": kind, "s": header_signature(columns)},
    ).fetchone()
    return [tuple(pair) for pair in json.loads(row[0])] if row else None


def _targets(con, kind: str, columns: list[str], options: ImportOptions):
    mapping, source = options.mapping, "given"
    if not mapping:
        remembered = remembered_mapping(con, kind, columns)
        mapping, source = (remembered, "remembered") if remembered else ([], "names")
    return resolve_targets(kind, columns, mapping, options.set_values), source


def _write(con, kind, path, content_hash, targets, staged, options, result) -> int:
    import_id = con.execute("SELECT nextval('import_id_seq')").fetchone()[0]
    con.execute("BEGIN TRANSACTION")
    try:
        existing = set(
            r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $t AND table_schema = 'main'",
                {"t": kind},
            ).fetchall()
        )
        for target in targets:
            if target.extra and target.column.name not in existing:
                con.execute(
                    "ALTER TABLE " + quote_ident(kind) + " ADD COLUMN " + quote_ident(target.column.name) + " VARCHAR"
                )
        columns = [t.column.name for t in targets]
        if kind == "contacts" and "customer_id" in columns:  # written with their derived facts
            contact_facts.insert_contacts(con, import_id, columns)
        else:
            values = Identifier(", ".join(f"t_{i}" for i in range(len(targets))))
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
        }
        con.execute(
            """
            INSERT INTO imports VALUES ($id, $kind, $file, $hash, $mapping, $options, $loaded, $rejected,
                current_timestamp::TIMESTAMP, NULL)
            """,
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
        con.execute("ROLLBACK" if options.dry_run else "COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return import_id


def _remember_mapping(con, kind, columns, targets, options: ImportOptions) -> None:
    pairs = explicit_pairs(targets)
    if not pairs:
        return
    con.execute(
        """
        INSERT OR REPLACE INTO column_mappings VALUES ($k, $s, $header, $mapping, $options,
            current_timestamp::TIMESTAMP)
        """,
        {
            "k": kind,
            "s": header_signature(columns),
            "header": json.dumps(columns, ensure_ascii=False),
            "mapping": json.dumps(pairs, ensure_ascii=False),
            "options": json.dumps({"date_formats": options.date_formats, "nulls": options.nulls}),
        },
    )


def _first_rejects(con) -> list[dict]:
    rows = con.execute(
        """
        SELECT line, column_name, value, reason FROM (
            SELECT * FROM cx_stage_rejects UNION ALL SELECT * FROM cx_row_rejects
        ) ORDER BY line LIMIT $n
        """,
        {"n": REJECTS_SHOWN},
    ).fetchall()
    return [{"line": r[0], "column": r[1], "value": r[2], "reason": r[3]} for r in rows]


def _check_date_formats(con, formats: list[str]) -> None:
    """Raise ImportRefused for a --date-format that strptime cannot use, before any work is done."""
    for fmt in formats:
        try:
            con.execute("SELECT try_strptime('2000-01-01', $f)", {"f": fmt}).fetchall()
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
