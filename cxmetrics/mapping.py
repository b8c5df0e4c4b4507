"""Which source column feeds which canonical column: given, remembered, or matched by name.

A mapping is a list of (source column, target column) pairs; one source may feed two targets.
Columns whose names already match a canonical column are taken as they are; every other
column is kept as an extra attribute under a tidy snake_case name.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from .schema import SYSTEM_COLUMNS, TABLES, TEXT, Column

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class MappingError(ValueError):
    """A mapping that cannot be applied to this file, with a one-line reason."""


@dataclass(frozen=True)
class Target:
    """One column to load: where its text comes from (a source column or a --set value)."""

    column: Column
    source: str | None = None
    value: str | None = None
    extra: bool = False


def column_key(name: str) -> str:
    """Return `name` as a case-folded snake_case identifier ("Customer ID" -> "customer_id").

    NFKC first (full-width ＴＩＥＲ is TIER); accents on Latin letters are dropped, so Ümsatz and
    Umsatz are one name, as they always were; letters of other scripts are kept, case-folded
    ("Регион" -> "регион", "顧客区分" stays): they used to be dropped, leaving `column`, `column_2`.
    Anything that is not a letter or digit becomes `_`. A name mixing Latin with Cyrillic or Greek
    letters (a homoglyph: `tіer` with a Cyrillic і) gets `_mixed_script`, so it can never pass for
    the Latin name it imitates (`tier`) in a list of columns; it stays a column of its own.
    """
    letters = "".join(_latin_base(ch) for ch in unicodedata.normalize("NFKC", name))
    key = re.sub(r"[\W_]+", "_", letters.casefold()).strip("_")[:60].strip("_") or "column"
    if len(_SCRIPTS.intersection(_script(ch) for ch in key)) > 1 and not key.endswith(MIXED_SCRIPT):
        key = f"{key}{MIXED_SCRIPT}"
    return f"c_{key}" if key[0].isdigit() else key


MIXED_SCRIPT = "_mixed_script"
_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})  # alphabets with look-alike letters


def _latin_base(ch: str) -> str:
    """Return an accented Latin letter without its accent (é -> e); any other character as it is."""
    decomposed = unicodedata.normalize("NFKD", ch)
    base = decomposed[:1]
    if base.isascii() and all(unicodedata.combining(mark) for mark in decomposed[1:]):
        return base
    return ch


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ", 1)[0] if ch.isalpha() else ""


def is_tidy_name(name: str) -> bool:
    """Return True for a name the importer could have given a column: lower-case ASCII snake_case,
    or a tidy name in any script (its own column_key)."""
    return isinstance(name, str) and bool(_NAME.fullmatch(name) or column_key(name) == name)


def header_signature(columns: list[str]) -> str:
    """Return a stable fingerprint of a file's header (names and order)."""
    return hashlib.sha256(json.dumps(columns, ensure_ascii=False).encode()).hexdigest()


def parse_pairs(items: list[str] | None, what: str) -> list[tuple[str, str]]:
    """Return [(left, right)] from "LEFT=RIGHT" strings; the right side is split at the last '='."""
    pairs = []
    for item in items or []:
        left, sep, right = item.rpartition("=")
        if not sep or not left.strip() or not right.strip():
            raise MappingError(f"{what} {item!r} is not of the form NAME=VALUE")
        pairs.append((left.strip(), right.strip()))
    return pairs


def resolve_targets(
    kind: str, columns: list[str], mapping: list[tuple[str, str]], set_values: list[tuple[str, str]]
) -> list[Target]:
    """Return the columns to load, in table order then extras, or raise MappingError."""
    table = TABLES[kind]
    by_lower = {c.lower(): c for c in columns}
    targets: dict[str, Target] = {}
    consumed: set[str] = set()

    def target_column(name: str) -> tuple[Column, bool]:
        known = table.column(name)
        if known:
            return known, False
        if not is_tidy_name(name) or name in SYSTEM_COLUMNS or name == "rowid":  # rowid: DuckDB's own row number
            raise MappingError(f"{name!r} cannot be a column name; use lower-case letters, digits and _")
        return Column(name, TEXT), True

    for source, target in mapping:
        actual = source if source in columns else by_lower.get(source.lower())
        if actual is None:
            raise MappingError(f"the file has no column {source!r} (it has: {', '.join(columns)})")
        if target in targets:
            raise MappingError(f"two columns are mapped to {target!r}")
        column, extra = target_column(target)
        targets[target] = Target(column, source=actual, extra=extra)
        consumed.add(actual)

    for target, value in set_values:
        if target in targets:
            raise MappingError(f"{target!r} is both mapped and set")
        column, extra = target_column(target)
        targets[target] = Target(column, value=value, extra=extra)

    for column in table.columns:
        if column.name in targets:
            continue
        match = next((c for c in columns if c not in consumed and column_key(c) == column.name), None)
        if match is not None:
            targets[column.name] = Target(column, source=match)
            consumed.add(match)

    missing = [c.name for c in table.columns if c.required and c.name not in targets]
    if missing:
        need = ", ".join(missing)
        raise MappingError(
            f"{kind} need a column for {need}: map one with --map SOURCE={missing[0]} "
            f"(the file has: {', '.join(columns)})"
        )

    taken = set(targets) | set(SYSTEM_COLUMNS) | {"rowid"}
    for source in columns:
        if source in consumed:
            continue
        name, n = column_key(source), 2
        if name in taken or table.column(name):
            name = f"{column_key(source)}_extra"
        while name in taken:
            name, n = f"{column_key(source)}_{n}", n + 1
        taken.add(name)
        targets[name] = Target(Column(name, TEXT), source=source, extra=True)

    ordered = [targets[c.name] for c in table.columns if c.name in targets]
    return ordered + [t for t in targets.values() if t.extra]


def mapping_record(targets: list[Target]) -> dict[str, str]:
    """Return {target: source or '=value'} for the import log."""
    return {t.column.name: (t.source if t.source is not None else f"={t.value}") for t in targets}


def explicit_pairs(targets: list[Target]) -> list[list[str]]:
    """Return the (source, target) pairs worth remembering: those not found by name alone."""
    return [
        [t.source, t.column.name]
        for t in targets
        if t.source is not None and column_key(t.source) != t.column.name
    ]
