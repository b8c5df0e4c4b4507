"""The lake: a workspace's canonical tables as Parquet files, and the derived contact facts and
rollup tables computed from them by DuckDB or by Apache Spark with the same SQL (docs/scale.md).

- `dialect`: a statement of `sql/` (DuckDB's dialect) as Spark SQL, through sqlglot;
- `export`: a workspace's canonical tables written as Parquet, one folder per table;
- `build`: the derived facts and every rollup table computed from a lake folder by either engine;
- `spark`: a Spark session driven through the same `db.run` the DuckDB store uses.
"""
