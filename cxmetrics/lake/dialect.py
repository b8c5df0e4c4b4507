"""One SQL source: a rendered statement of `sql/` (DuckDB's dialect) as Spark SQL, via sqlglot.

sqlglot passes a function it does not know through unchanged, so a transpile that "worked" can
still name a DuckDB-only function Spark has never heard of (epoch_us, list_position). `to_spark`
refuses those, and the types Spark has no equivalent for, instead of letting Spark fail on them
mid-build or, worse, run them with another meaning. Where a DuckDB construct has a Spark one of
the same meaning that sqlglot does not produce by itself, it is rewritten here:

- `DELETE FROM t` without a condition empties the table: Spark's parquet tables cannot DELETE,
  and TRUNCATE TABLE is the same statement there;
- a view of `sql/` (the loop_cases view of the migrations) is made per session, a temporary view:
  it reads the lake's tables, which are Spark's temporary views, and a permanent view may not;
- the day of the week: DuckDB's ISODOW (1 = Monday ... 7 = Sunday) is Spark's DAYOFWEEK_ISO, and
  its DOW (0 = Sunday ... 6) that modulo 7 (sqlglot's own translation of isodow is off by a day);
  a date part whose meaning differs between the two (SECOND has a fraction in Spark, EPOCH is
  missing) is refused;
- named windows (`OVER by_customer ... WINDOW by_customer AS (...)`, one defined on another) are
  written out at each use: Spark applies a frame of a window defined on another to every window
  function named after the first (LEAD then fails: "Cannot specify window frame");
- a frame on LEAD, LAG or a ranking function, which DuckDB ignores and Spark refuses, is dropped;
- GROUPING of several columns (a bit per column, the first the highest) is written as the sum of
  each column's GROUPING times its bit: Spark's grouping takes one column, and its grouping_id
  only every grouping column at once;
- `list[i]` counts from 1 in DuckDB and from 0 in Spark; sqlglot shifts a constant index only, so
  every index is written as Spark's try_element_at, which counts from 1 and gives NULL past the
  end, as DuckDB does;
- several unnest() in one SELECT without FROM (DuckDB zips them) become one row per position of
  the longest list, each list read at that position: Spark allows one generator per SELECT;
- any_value skips NULLs in DuckDB; sqlglot writes that as IGNORE NULLS after the function, where
  Spark's grammar has no place for it before a FILTER, so it is any_value's own flag instead;
- `typeof(x)` answers with DuckDB's type names (VARCHAR, BIGINT, ...) in the SQL of `sql/`; Spark's
  typeof answers 'string', 'bigint', ..., so its answer is mapped back to DuckDB's names.

Everything else a build needs is written, in `sql/`, in a form both engines run
(tests/test_lake_dialect.py transpiles every statement of a build).
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel


class UntranslatedSQL(ValueError):
    """A statement holds a construct that has no Spark translation (named in the message)."""


# DuckDB types with no Spark equivalent: a file using them is to be rewritten (DECIMAL(38,0) holds
# whole numbers up to 10^38 exactly in both engines, where DuckDB's HUGEINT goes to 1.7 * 10^38).
_NO_SPARK_TYPE = frozenset({
    exp.DataType.Type.INT128, exp.DataType.Type.UINT128, exp.DataType.Type.UBIGINT, exp.DataType.Type.UINT,
    exp.DataType.Type.USMALLINT, exp.DataType.Type.UTINYINT, exp.DataType.Type.UUID, exp.DataType.Type.INT256,
    exp.DataType.Type.UINT256, exp.DataType.Type.BIT, exp.DataType.Type.UNION,
})
# DuckDB's name for each type Spark's typeof() names (Spark's names are lower case).
_TYPE_NAMES = {
    "string": "VARCHAR", "void": "NULL", "boolean": "BOOLEAN", "tinyint": "TINYINT", "smallint": "SMALLINT",
    "int": "INTEGER", "bigint": "BIGINT", "float": "FLOAT", "double": "DOUBLE", "date": "DATE",
    "timestamp_ntz": "TIMESTAMP", "timestamp": "TIMESTAMP WITH TIME ZONE", "binary": "BLOB",
}


# DuckDB functions sqlglot knows by a class of their own, yet writes unchanged for Spark, which has
# none of them (to_days(n) is written INTERVAL '1' DAY * n in sql/, which both engines run).
_DUCKDB_ONLY = {exp.ToDays: "to_days"}
# Window functions whose result no frame changes: DuckDB ignores one, Spark refuses it.
_FRAMELESS = (exp.Lead, exp.Lag, exp.RowNumber, exp.Rank, exp.DenseRank, exp.Ntile, exp.PercentRank, exp.CumeDist)
# Date parts EXTRACT means the same by in both engines (WEEK is the ISO week in both).
_SAME_PARTS = frozenset({"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DOY", "HOUR", "MINUTE"})


def to_spark(text: str) -> str:
    """Return the one DuckDB statement `text` as Spark SQL; raise UntranslatedSQL when it uses a
    function or type Spark does not have. `$name` parameters become Spark's `:name`."""
    return _to_spark(text)


@lru_cache(maxsize=512)
def _to_spark(text: str) -> str:
    statements = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
    if len(statements) != 1:
        raise UntranslatedSQL(f"expected one statement, found {len(statements)}")
    tree = statements[0]
    if isinstance(tree, exp.Command):
        raise UntranslatedSQL(f"sqlglot reads it only as a raw command: {tree.sql('duckdb')[:80]!r}")
    unknown = sorted({node.name.lower() for node in tree.find_all(exp.Anonymous)}
                     | {_DUCKDB_ONLY[type(node)] for node in tree.find_all(*_DUCKDB_ONLY)})
    if unknown:
        raise UntranslatedSQL(f"DuckDB functions without a Spark translation: {', '.join(unknown)}")
    untyped = sorted({node.sql("duckdb") for node in tree.find_all(exp.DataType) if node.this in _NO_SPARK_TYPE})
    if untyped:
        raise UntranslatedSQL(f"DuckDB types without a Spark equivalent: {', '.join(untyped)}")
    if any(join.args.get("method", "").upper() == "ASOF" for join in tree.find_all(exp.Join)):
        raise UntranslatedSQL("an ASOF JOIN, which Spark SQL does not have")
    parts = sorted({_part(node) for node in tree.find_all(exp.Extract)} - _SAME_PARTS - {"ISODOW", "DOW"})
    if parts:
        raise UntranslatedSQL(f"date parts whose meaning differs in Spark: {', '.join(parts)}")
    for select in list(tree.find_all(exp.Select)):
        _inline_windows(select)
        _zip_unnests(select)
    # Children before their parents, so that a rewrite copying its arguments (list[list[i]])
    # copies them rewritten.
    for node in reversed(list(tree.walk())):
        rewritten = _rewrite(node)
        if rewritten is not node:
            if node is tree:
                tree = rewritten
            else:
                node.replace(rewritten)
    return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Delete) and node.args.get("where") is None and not node.args.get("using"):
        return exp.TruncateTable(expressions=[node.this.copy()])
    if isinstance(node, (exp.DayOfWeekIso, exp.DayOfWeek)) or (
            isinstance(node, exp.Extract) and _part(node) in ("ISODOW", "DOW")):
        day = node.expression if isinstance(node, exp.Extract) else node.this
        iso = exp.Extract(this=exp.var("DAYOFWEEK_ISO"), expression=day.copy())
        if isinstance(node, exp.DayOfWeekIso) or (isinstance(node, exp.Extract) and _part(node) == "ISODOW"):
            return iso
        return exp.Paren(this=exp.Mod(this=iso, expression=exp.Literal.number(7)))
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 and not node.expressions[0].is_string:
        index = node.expressions[0].copy()
        if index.is_int:  # sqlglot reads a constant index counting from 0 already
            index = exp.Literal.number(int(index.name) + 1)
        else:  # Spark's index is an INT, where DuckDB takes any whole number
            index = exp.cast(index, exp.DataType.Type.INT)
        return exp.Anonymous(this="TRY_ELEMENT_AT", expressions=[node.this.copy(), index])
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.Anonymous) and node.this.name == "ANY_VALUE":
        return node.this  # rewritten below, children first: the flag says it already
    if isinstance(node, exp.AnyValue):
        return exp.Anonymous(this="ANY_VALUE", expressions=[node.this.copy(), exp.true()])
    if isinstance(node, exp.Grouping) and len(node.expressions) > 1:
        columns = node.expressions
        bits = [
            exp.Mul(this=exp.cast(exp.Grouping(expressions=[column.copy()]), exp.DataType.Type.BIGINT),
                    expression=exp.Literal.number(1 << (len(columns) - 1 - i)))
            for i, column in enumerate(columns)
        ]
        total = bits[0]
        for bit in bits[1:]:
            total = exp.Add(this=total, expression=bit)
        return exp.Paren(this=total)
    if isinstance(node, exp.Window) and isinstance(node.this, _FRAMELESS) and node.args.get("spec"):
        node.set("spec", None)
        return node
    if isinstance(node, exp.Create) and node.kind == "VIEW" and not node.find(exp.TemporaryProperty):
        properties = node.args.get("properties") or exp.Properties(expressions=[])
        properties.append("expressions", exp.TemporaryProperty())
        node.set("properties", properties)
        return node
    if isinstance(node, exp.Typeof):
        return exp.Case(this=node.copy(), ifs=[
            exp.If(this=exp.Literal.string(spark), true=exp.Literal.string(duck)) for spark, duck in _TYPE_NAMES.items()
        ], default=exp.Upper(this=node.copy()))
    return node


def _part(node: exp.Extract) -> str:
    return node.this.name.upper()


def _inline_windows(select: exp.Select) -> None:
    """Write each named window of `select`'s WINDOW clause out where it is used, and drop the clause."""
    definitions = {w.this.name: w for w in select.args.get("windows") or []}
    if not definitions:
        return

    def resolved(name: str) -> dict:
        window = definitions[name]
        base = resolved(window.alias) if window.args.get("alias") else {}
        own = {key: window.args.get(key) for key in ("partition_by", "order", "spec") if window.args.get(key)}
        return {**base, **own}

    for use in list(select.find_all(exp.Window)):
        name = use.alias if use.args.get("alias") else None
        if name not in definitions or use.parent_select is not select or any(use is d for d in definitions.values()):
            continue
        merged = resolved(name)
        own = {key: use.args.get(key) for key in ("partition_by", "order", "spec") if use.args.get(key)}
        for key, value in {**merged, **own}.items():
            use.set(key, value.copy() if isinstance(value, exp.Expression) else [v.copy() for v in value])
        use.set("alias", None)
    select.set("windows", None)


def _zip_unnests(select: exp.Select) -> None:
    """Turn `SELECT unnest(a) AS x, unnest(b) AS y` (no FROM) into one row per position i of the
    longest list: `SELECT a[i] AS x, b[i] AS y FROM (SELECT unnest(positions) AS i)`, in DuckDB's
    terms, so that the indexing rewrite makes it Spark's."""
    projections = select.expressions
    if select.args.get("from") or len(projections) < 2 or not all(
            isinstance(p, exp.Alias) and isinstance(p.this, exp.Explode) for p in projections):
        return
    lists = [p.this.this for p in projections]
    longest = exp.Greatest(this=_size(lists[0]), expressions=[_size(x) for x in lists[1:]])
    # sequence(1, n + 1) sliced to n items: [] for n = 0, where sequence(1, 0) would count down.
    positions = exp.Anonymous(this="SLICE", expressions=[
        exp.Anonymous(this="SEQUENCE", expressions=[exp.Literal.number(1), exp.Add(this=longest, expression=exp.Literal.number(1))]),
        exp.Literal.number(1), longest.copy()])
    index = exp.column("cx_position")
    select.set("expressions", [
        exp.alias_(exp.Bracket(this=x.copy(), expressions=[index.copy()]), p.alias) for x, p in zip(lists, projections)
    ])
    select.from_(exp.Subquery(this=exp.select(exp.alias_(exp.Explode(this=positions), "cx_position")),
                              alias=exp.TableAlias(this=exp.to_identifier("cx_positions"))), copy=False)


def _size(values: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="SIZE", expressions=[values.copy()])
