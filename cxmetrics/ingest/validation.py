"""Typing and checking staged rows in SQL: the typed table and one reject per failed check.

Builds four statements over the staging table `cx_stage`: `cx_typed` (the typed value `t_N` of
every target column and the cleaned text `r_N` of those that are parsed), `cx_key_repeats` (each
key on more than one row, with its first line), `cx_key_loaded` (each key the table already
holds, with the import that loaded it) and `cx_row_rejects` (line, column, value, reason).
Every value, reason and column label travels as a `$param`; the only identifiers are source
columns (checked against the staged table and quoted) and schema names.

Width is what costs at ten million rows under a memory limit: a text column's cleaned text is
its value, so it is kept once (as t_N), and repeated keys are found by grouping the key columns
alone rather than by a window over every column (a window of 10 M wide rows spilled for minutes).
"""

from __future__ import annotations

from ..store.db import Identifier, identifier_list, query, quote_ident, run
from ..core.guesses import DURATION, OFFSET_HOURS
from ..core.mapping import Target
from ..core.schema import BOOLEAN, INTEGER, MONTH, REAL, TABLES, TIMESTAMP

_PARSE = {
    INTEGER: "cx_integer({raw})",
    REAL: "cx_real({raw})",
    BOOLEAN: "cx_boolean({raw})",
    TIMESTAMP: "{timestamp}",
    MONTH: "CAST(date_trunc('month', COALESCE({timestamp}, try_strptime({raw}, $month_formats))) AS DATE)",
}
MONTH_FORMATS = ["%Y-%m", "%Y/%m", "%m/%Y", "%b %Y", "%B %Y"]
_CANNOT_READ = {
    INTEGER: "not a whole number",
    REAL: "not a number",
    BOOLEAN: "not a yes/no value (true/false, yes/no, y/n, 1/0)",
    TIMESTAMP: "not a date/time in a format this import recognised",
    MONTH: "not a month (e.g. 2024-03 or 2024-03-01)",
}
# The named readings a guess or an option may choose (guesses.py), as SQL over a cleaned text.
READINGS = {
    # 143, 2:23 (m:ss) or 0:02:23 (h:mm:ss) -> seconds
    DURATION: ("CASE WHEN regexp_full_match({raw}, '[0-9]+(\\.[0-9]+)?') THEN CAST({raw} AS DOUBLE) "
               "WHEN regexp_full_match({raw}, '([0-9]+:)?[0-9]{{1,2}}:[0-9]{{2}}(\\.[0-9]+)?') THEN "
               "list_reduce(list_transform(string_split({raw}, ':'), lambda x: CAST(x AS DOUBLE)), "
               "lambda a, b: a * 60 + b) END"),
    # "GMT+8" -> "GMT+0800", which strptime's %z reads (guesses.pad_offset_hours does the same)
    OFFSET_HOURS: ("regexp_replace(regexp_replace({raw}, '(GMT|UTC) ?([+-])([0-9])$', '\\1\\20\\3'), "
                   "'(GMT|UTC) ?([+-])([0-9]{{2}})$', '\\1\\2\\300')"),
}
_CANNOT_READ_AS_READ = {DURATION: "not a duration (seconds, m:ss or h:mm:ss)"}


def timestamp_expression(raw: str, date_formats: list[str], own: list[str] | None = None,
                         reading: str | None = None) -> str:
    """Return SQL reading `raw` as a UTC timestamp: the column's own formats ($own_N, as named in
    `own`), each of the import's formats in turn ($fmt_N), then ISO.

    One try_strptime per format: given a list, DuckDB carries one row's UTC offset into the
    next row's value when the list mixes formats with and without %z."""
    text = READINGS[reading].format(raw=raw) if reading == OFFSET_HOURS else raw
    tries = [f"CAST(try_strptime({text}, ${name}) AS TIMESTAMP)" for name in own or []]
    tries += [f"CAST(try_strptime({text}, $fmt_{i}) AS TIMESTAMP)" for i in range(len(date_formats))]
    tries.append(iso_timestamp(raw))
    return f"COALESCE({', '.join(tries)})"


# An ISO date or date-time with no zone or offset. In a UTC session its TIMESTAMP and TIMESTAMPTZ
# readings are equal, and the TIMESTAMP cast is four times faster than the time-zone-aware one.
_ZONELESS = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?"


def iso_timestamp(raw: str) -> str:
    """Return SQL reading `raw` as an ISO timestamp in UTC (an offset or zone converted), or NULL.

    A plain TIMESTAMP cast would drop an offset ("…+02" read as local time), so it is used only
    for text without one; connections run in UTC (db.connect)."""
    return (f"CASE WHEN regexp_full_match({raw}, '{_ZONELESS}') THEN TRY_CAST({raw} AS TIMESTAMP) "
            f"ELSE CAST(TRY_CAST({raw} AS TIMESTAMPTZ) AS TIMESTAMP) END")


def build_typed(con, kind: str, targets: list[Target], date_formats: list[str], nulls: list[str],
                skip_if: list[tuple[str, str]] = (), label_rows: int = 0) -> int:
    """Create `cx_typed` from `cx_stage` (typed values, cleaned text of parsed columns), then
    `cx_key_repeats` and `cx_key_loaded` (repeated keys, keys already stored) from it; return
    how many rows were skipped (the first `label_rows`, which describe the columns, and `skip_if`:
    (source column, text) pairs, rows left out on purpose)."""
    params, rows = typed_rows_query(targets, date_formats, nulls)
    run(con, "import/typed_rows", params, rows=rows)
    skipped = run(con, "import/drop_label_rows", {"rows": label_rows}).fetchone()[0] if label_rows else 0
    skipped += drop_skipped(con, skip_if)
    key_aliases = _key_aliases(kind, targets)
    stored = [f"stored.{quote_ident(k)}" for k in TABLES[kind].key]
    run(con, "import/drop_key_repeats")
    run(con, "import/key_repeats", key=identifier_list(key_aliases))
    run(con, "import/drop_key_loaded")
    run(con, "import/key_loaded", table=quote_ident(kind),
        stored_as_key=Identifier(", ".join(f"{c} AS {a}" for c, a in zip(stored, key_aliases))),
        key_columns=Identifier(", ".join(stored)),
        key_match=Identifier(" AND ".join(f"{c} = cx_typed.{a}" for c, a in zip(stored, key_aliases))))
    return skipped


def drop_skipped(con, skip_if: list[tuple[str, str]]) -> int:
    """Return how many typed rows were removed because a source column holds a skipped text
    (compared trimmed; `--skip-if COLUMN=VALUE`). Skipped rows are neither loaded nor rejected."""
    if not skip_if:
        return 0
    params = {f"skip_{k}": value for k, (_, value) in enumerate(skip_if)}
    condition = " OR ".join(f"trim({quote_ident(column)}) = $skip_{k}" for k, (column, _) in enumerate(skip_if))
    return run(con, "import/drop_skipped", params, condition=Identifier(condition)).fetchone()[0]


def typed_rows_query(targets: list[Target], date_formats: list[str], nulls: list[str]) -> tuple[dict, Identifier]:
    """Return (params, query) of sql/import/typed_select.sql for these targets: the cleaned text r_N
    of every target over `cx_stage`, and from it every typed value t_N (with r_N kept for parsed
    columns), as a subquery for a `rows` slot."""
    params: dict = {"nulls": list(nulls), "month_formats": MONTH_FORMATS}
    params.update({f"fmt_{i}": fmt for i, fmt in enumerate(date_formats)})
    cleaned, typed = [], []
    for i, target in enumerate(targets):
        markers, marker_param = list(nulls), "nulls"
        if target.nulls:
            markers, marker_param = list(dict.fromkeys([*target.nulls, *nulls])), f"nulls_{i}"
            params[marker_param] = markers
        if target.generated:
            params[f"set_{i}"] = target.value
            raw = f"(CAST($set_{i} AS VARCHAR) || '-' || CAST(__line AS VARCHAR))"
        elif target.source is not None:
            raw = clean_expression(_source_text(target), markers, marker_param)
        else:
            params[f"set_{i}"] = target.value
            raw = clean_expression(f"CAST($set_{i} AS VARCHAR)", markers, marker_param)
        raw = _recoded(raw, target, i, params)
        cleaned.append(f"{raw} AS r_{i}")
        parse = _PARSE.get(target.column.type)
        if target.reading == DURATION and target.column.type == REAL:
            parse = READINGS[DURATION]
        if parse:
            own = []
            for k, fmt in enumerate(target.date_formats):
                params[f"own_{i}_{k}"] = fmt
                own.append(f"own_{i}_{k}")
            stamp = timestamp_expression(f"r_{i}", date_formats, own, target.reading)
            typed.append(f"r_{i}")
            typed.append(parse.format(raw=f"r_{i}", timestamp=stamp) + f" AS t_{i}")
        else:
            typed.append(f"r_{i} AS t_{i}")
    return params, Identifier(query("import/typed_select", cleaned=Identifier(", ".join(cleaned)),
                                    typed=Identifier(", ".join(typed))))


def _source_text(target: Target) -> str:
    """Return SQL for a target's source text: its column, or its columns joined with a space
    (a blank part left out, so a missing time of day leaves the date alone)."""
    if not target.joined:
        return quote_ident(target.source)
    parts = ", ".join(f"nullif(trim({quote_ident(c)}), '')" for c in target.sources)
    return f"concat_ws(' ', {parts})"


def _recoded(raw: str, target: Target, i: int, params: dict) -> str:
    """Return SQL replacing each of the target's recoded texts ($rc_I_K_from -> $rc_I_K_to)."""
    if not target.recode:
        return raw
    cases = []
    for k, (old, new) in enumerate(target.recode):
        params[f"rc_{i}_{k}_from"], params[f"rc_{i}_{k}_to"] = old, new
        cases.append(f"WHEN $rc_{i}_{k}_from THEN $rc_{i}_{k}_to")
    return f"(CASE {raw} {' '.join(cases)} ELSE {raw} END)"


def clean_expression(value: str, nulls: list[str], param: str = "nulls") -> str:
    """Return SQL for the cleaned text of `value`: trimmed, NULL when blank or one of the import's
    missing-value markers ($nulls). The same rule as the cx_clean macro, written out so that each
    value is trimmed once and the marker list is searched only when the import gives one: over ten
    million rows of eleven columns the macro's three trims and list search were a tenth of an import."""
    if not nulls:
        return f"nullif(trim({value}), '')"
    return f"CASE WHEN list_contains(${param}, trim({value})) THEN NULL ELSE nullif(trim({value}), '') END"


def build_rejects(con, kind: str, targets: list[Target]) -> None:
    """Create `cx_row_rejects`: one row per failed check of a staged row (line, column, value, reason)."""
    params: dict = {}
    checks: list[str] = []

    def check(condition: str, label: str, value: str, reason_sql: str) -> None:
        n = len(checks)
        params[f"col_{n}"] = label
        checks.append(
            f"CASE WHEN {condition} THEN struct_pack(column_name := $col_{n}, "
            f"value := CAST({value} AS VARCHAR), reason := {reason_sql}) END"
        )

    def reason(text: str) -> str:
        key = f"why_{len(params)}"
        params[key] = text
        return f"${key}"

    for i, target in enumerate(targets):
        column = target.column
        label = target.label
        text = f"r_{i}" if column.type in _PARSE else f"t_{i}"  # a text column's value is its cleaned text
        if column.required:
            check(f"{text} IS NULL", label, text, reason(f"{column.name} is required but empty"))
        if column.type in _CANNOT_READ:
            check(
                f"r_{i} IS NOT NULL AND t_{i} IS NULL",
                label,
                f"r_{i}",
                reason(f"{column.name}: {_CANNOT_READ_AS_READ.get(target.reading) or _CANNOT_READ[column.type]}"),
            )
        if column.low is not None or column.high is not None:
            params[f"low_{i}"] = float("-inf") if column.low is None else float(column.low)
            params[f"high_{i}"] = float("inf") if column.high is None else float(column.high)
            bounds = f"{column.low:g}–{column.high:g}" if column.high is not None else f"at least {column.low:g}"
            check(
                f"t_{i} < $low_{i} OR t_{i} > $high_{i}",
                label,
                f"r_{i}",
                reason(f"{column.name} must be {bounds}"),
            )
    key_aliases = _key_aliases(kind, targets)
    key_names = " + ".join(TABLES[kind].key)
    key_label = " + ".join(t.label for t in targets if t.column.name in TABLES[kind].key)
    key_text = " || ' / ' || ".join(f"CAST({a} AS VARCHAR)" for a in key_aliases)
    keys_present = " AND ".join(f"{a} IS NOT NULL" for a in key_aliases)
    check(
        f"{keys_present} AND __first_line < __line",
        key_label,
        key_text,
        f"{reason(f'duplicate {key_names}: first seen on line ')} || CAST(__first_line AS VARCHAR)",
    )
    check(
        "__loaded_by IS NOT NULL",
        key_label,
        key_text,
        f"{reason(f'{key_names} already loaded by import #')} || CAST(__loaded_by AS VARCHAR)",
    )
    run(con, "import/row_rejects", params, checks=Identifier(", ".join(checks)),
        key=identifier_list(key_aliases))


def _key_aliases(kind: str, targets: list[Target]) -> list[str]:
    position = {t.column.name: i for i, t in enumerate(targets)}
    return [f"t_{position[k]}" for k in TABLES[kind].key]
