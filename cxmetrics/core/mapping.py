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
    """One column to load: where its text comes from (a source column or a --set value), and how
    it is read (the guesses and per-column options: see guesses.py and validation.py)."""

    column: Column
    source: str | None = None
    value: str | None = None
    extra: bool = False
    joined: tuple[str, ...] = ()  # more source columns joined after `source` with a space (date + time)
    generated: bool = False  # an id made from `value` (the file's hash) and the line
    date_formats: tuple[str, ...] = ()  # strptime formats for this column, before the import's own
    reading: str | None = None  # a named reading of guesses.py (duration, offset_hours)
    nulls: tuple[str, ...] = ()  # missing-value markers of this column, besides the import's own
    recode: tuple[tuple[str, str], ...] = ()  # (from, to) texts replaced before typing

    @property
    def sources(self) -> tuple[str, ...]:
        """Every file column this target reads."""
        return ((self.source,) if self.source is not None else ()) + self.joined

    @property
    def label(self) -> str:
        """How rejects name the column: as the file does (`Date+Time`), or the target's name."""
        return "+".join(self.sources) if self.sources else self.column.name


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
    kind: str, columns: list[str], mapping: list[tuple[str, str]], set_values: list[tuple[str, str]],
    generated: dict[str, str] | None = None,
) -> list[Target]:
    """Return the columns to load, in table order then extras, or raise MappingError.

    A mapping's source may be `A+B` (two columns joined with a space: a date and a time of day);
    `generated` maps a target to the prefix of the ids made for it (guesses.generated_id_prefix)."""
    table = TABLES[kind]
    by_lower = {c.lower(): c for c in columns}
    targets: dict[str, Target] = {}
    consumed: set[str] = set()

    def actual_columns(source: str) -> list[str]:
        whole = source if source in columns else by_lower.get(source.lower())
        if whole is not None:
            return [whole]
        parts = [p.strip() for p in source.split("+")] if "+" in source else []
        found = [p if p in columns else by_lower.get(p.lower()) for p in parts]
        if parts and all(found):
            return found
        raise MappingError(f"the file has no column {source!r} (it has: {', '.join(columns)})")

    def target_column(name: str) -> tuple[Column, bool]:
        known = table.column(name)
        if known:
            return known, False
        if not is_tidy_name(name) or name in SYSTEM_COLUMNS or name == "rowid":  # rowid: DuckDB's own row number
            raise MappingError(f"{name!r} cannot be a column name; use lower-case letters, digits and _")
        return Column(name, TEXT), True

    for source, target in mapping:
        actual = actual_columns(source)
        if target in targets:
            raise MappingError(f"two columns are mapped to {target!r}")
        column, extra = target_column(target)
        targets[target] = Target(column, source=actual[0], extra=extra, joined=tuple(actual[1:]))
        consumed.update(actual)

    for target, prefix in (generated or {}).items():
        if target not in targets:
            targets[target] = Target(target_column(target)[0], value=prefix, generated=True)

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
    """Return {target: source, 'A+B' for joined columns, '=value', or '(generated)'} for the import log."""
    def origin(t: Target) -> str:
        if t.generated:
            return f"(generated: {t.value}-LINE)"
        return t.label if t.source is not None else f"={t.value}"

    return {t.column.name: origin(t) for t in targets}


def explicit_pairs(targets: list[Target]) -> list[list[str]]:
    """Return the (source, target) pairs worth remembering: those not found by name alone."""
    return [
        [t.label, t.column.name]
        for t in targets
        if t.source is not None and (t.joined or column_key(t.source) != t.column.name)
    ]


def parse_column_values(items: list[str] | None, what: str) -> list[tuple[str, str]]:
    """Return [(column, text)] from "COLUMN=TEXT" strings, split at the first '=' (a marker may hold one)."""
    pairs = []
    for item in items or []:
        column, sep, text = item.partition("=")
        if not sep or not column.strip():
            raise MappingError(f"{what} {item!r} is not of the form COLUMN=TEXT")
        pairs.append((column.strip(), text.strip()))
    return pairs


def parse_recodes(items: list[str] | None) -> list[tuple[str, str, str]]:
    """Return [(column, from, to)] from "COLUMN:FROM=TO" strings (--recode)."""
    recodes = []
    for item in items or []:
        column, colon, rest = item.partition(":")
        old, equals, new = rest.partition("=")
        if not colon or not equals or not column.strip() or not old.strip():
            raise MappingError(f"--recode {item!r} is not of the form COLUMN:FROM=TO")
        recodes.append((column.strip(), old.strip(), new.strip()))
    return recodes
