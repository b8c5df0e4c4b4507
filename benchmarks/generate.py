"""Write a synthetic contact-centre data set as CSV files, generated inside DuckDB.

At scale 1: 10 M contacts, 2 M survey responses, 1 M customers and 12 months of outcomes per
customer (until the month the customer churns). `--scale 0.001` scales every table down.
Every value is a hash of the row number and `--seed`, so the same arguments write the same files.
The columns are those of `sample_data/*.csv`, so the files load with the real importer.

    python benchmarks/generate.py --out /tmp/cx-bench --scale 0.01
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

import duckdb

FULL = {"contacts": 10_000_000, "responses": 2_000_000, "customers": 1_000_000}
FIRST_DAY = date(2025, 1, 1)
DAYS = 365  # twelve months of contacts
MONTHS = 12
KINDS = ("customers", "contacts", "responses", "outcomes")  # in import order: customers before their contacts
MANIFEST = "manifest.json"
# The daily load of the freshness measure: a day of contacts appended to the set (run.py, phase "append").
APPEND_ROWS = 5000
APPEND_FILE = "append_contacts.csv"

CHANNELS = ["phone", "chat", "email", "social", "web", "app"]
REASONS = [
    "Billing question", "Cancel subscription", "Delivery delay", "Plan change", "Technical fault",
    "Password reset", "Refund request", "Address change", "Product question", "Complaint",
]  # fmt: skip
TEAMS = ["Atlas", "Compass", "Harbor", "Summit", "Meridian", "Beacon"]
TIERS = ["Basic", "Standard", "Premium"]
REGIONS = ["Zürich", "Małopolska", "Dublin", "Nordics", "Iberia", "Benelux", "Bavaria"]
PLANS = ["monthly", "annual"]
TENURES = ["<1y", "1-3y", "3-5y", "5y+"]
ACQUISITION = ["web", "referral", "partner", "store"]
COMMENTS = [
    "Hold music for ages, then the call dropped.",
    "Quick and friendly, thank you!",
    "Had to explain the problem three times",
    "The app keeps logging me out; please fix it.",
    "Refund took two weeks, \"processing\" every time I asked.",
]


def counts(scale: float) -> dict[str, int]:
    """Return the number of contacts, responses and customers at `scale` (at least one of each)."""
    return {name: max(1, round(n * scale)) for name, n in FULL.items()}


def _list(values: list[str]) -> str:
    """Return a SQL list literal of fixed strings (the generator's own constants, never user text)."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _pick(values: list[str], u: str) -> str:
    """Return SQL choosing one of `values` by the uniform [0, 1) expression `u`."""
    return f"{_list(values)}[1 + CAST(floor(({u}) * {len(values)}) AS INTEGER)]"


def _u(key: int, row: str = "i") -> str:
    """Return SQL for a uniform [0, 1) value of row `row`, independent for each `key`."""
    return f"(hash({row}, $seed, {key}) % 1000000) / 1000000.0"


def _customer_of(row: str) -> str:
    """Return SQL for the customer number (1-based) of contact `row`: skewed, so some customers call often."""
    return f"1 + CAST(floor(pow({_u(2, row)}, 1.6) * $customers) AS BIGINT)"


def _started_of(row: str) -> str:
    """Return SQL for when contact `row` started: a day of the year (later days a little busier), an hour
    in opening times and a second."""
    day = f"floor(pow({_u(3, row)}, 0.9) * {DAYS})"
    second = f"floor((7 + 14 * {_u(4, row)}) * 3600)"
    return f"TIMESTAMP '{FIRST_DAY} 00:00:00' + INTERVAL 1 DAY * {day} + INTERVAL 1 SECOND * {second}"


def _contacts_select(started: str) -> str:
    """Return the query of contact rows $first..$last (their ids are the row numbers), each started at
    the SQL expression `started` of its row `i`.

    A contact's reason and channel shape how it goes: technical faults and social media resolve less."""
    return f"""WITH base AS (
                SELECT i,
                       {_pick(REASONS, f"pow({_u(5)}, 1.3)")} AS contact_reason,
                       {_pick(CHANNELS, f"pow({_u(6)}, 1.2)")} AS channel,
                       {started} AS started_at,
                       CASE WHEN {_u(1)} < 0.01 THEN NULL ELSE printf('C%08d', {_customer_of("i")}) END AS customer_id
                FROM range($first, $last + 1) AS t(i)
            )
            SELECT printf('K%09d', i) AS contact_id, customer_id,
                   strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at, channel, contact_reason,
                   {_u(7)} < CASE WHEN contact_reason = 'Technical fault' THEN 0.6
                                  WHEN channel = 'social' THEN 0.7 ELSE 0.85 END AS resolved,
                   CAST(floor(pow({_u(8)}, 3) * 4) AS INTEGER) AS transfers,
                   CAST(60 + floor(pow({_u(9)}, 2) * 1800) AS INTEGER) AS handle_seconds,
                   'Agent ' || CAST(1 + hash(i, $seed, 15) % 400 AS VARCHAR) AS agent,
                   {_pick(TEAMS, _u(16))} AS team,
                   channel IN ('web', 'app') AND {_u(17)} < 0.8 AS self_service
            FROM base ORDER BY i"""


def append_contacts(out: Path, scale: float, seed: int, rows: int = APPEND_ROWS) -> Path:
    """Write `rows` more contacts of the set at `scale` into `out`/append_contacts.csv and return the path:
    one more day of contacts (the day after the set's last), numbered after the set's contacts, from
    the set's customers, as a daily load brings them."""
    n = counts(scale)
    path = out / APPEND_FILE
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    started = (f"TIMESTAMP '{FIRST_DAY} 00:00:00' + INTERVAL 1 DAY * {DAYS}"
               f" + INTERVAL 1 SECOND * floor((7 + 14 * {_u(4)}) * 3600)")
    params = {"seed": seed, "customers": n["customers"], "first": n["contacts"] + 1, "last": n["contacts"] + rows}
    con.sql(_contacts_select(started), params=params).write_csv(str(path), header=True, sep=",", quotechar='"')
    con.close()
    return path


def generate(out: Path, scale: float = 1.0, seed: int = 42) -> dict[str, Path]:
    """Write customers.csv, contacts.csv, responses.csv and outcomes.csv into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    n = counts(scale)
    files = {kind: out / f"{kind}.csv" for kind in KINDS}
    con = duckdb.connect()
    params = {"seed": seed, "customers": n["customers"], "contacts": n["contacts"]}

    def copy(select: str, path: Path, used: dict) -> None:
        # The relation API takes the path as a Python value, so it never becomes SQL text.
        con.sql(select, params=used).write_csv(str(path), header=True, sep=",", quotechar='"')

    copy(
        f"""SELECT printf('C%08d', i) AS customer_id,
                   {_pick(TIERS, f"pow({_u(10)}, 1.5)")} AS tier,
                   {_pick(REGIONS, _u(11))} AS region,
                   {_pick(PLANS, _u(12))} AS plan,
                   {_pick(TENURES, _u(13))} AS tenure_band,
                   {_pick(ACQUISITION, _u(14))} AS acquisition_channel
            FROM range(1, $customers + 1) AS t(i) ORDER BY i""",
        files["customers"], {"seed": seed, "customers": n["customers"]},
    )
    copy(_contacts_select(_started_of("i")), files["contacts"],
         {"seed": seed, "customers": n["customers"], "first": 1, "last": n["contacts"]})
    # Most responses answer a contact (transactional, a few hours later, same customer); the rest are
    # relationship surveys of a customer. Scores lean on whether the contact was resolved.
    copy(
        f"""WITH base AS (
                SELECT i,
                       {_u(20)} < 0.8 AS transactional,
                       1 + CAST(floor({_u(21)} * $contacts) AS BIGINT) AS k
                FROM range(1, $responses + 1) AS t(i)
            ), answered AS (
                SELECT i, transactional, k,
                       {_started_of("k")} + INTERVAL 1 MINUTE * floor({_u(22)} * 2880) AS contact_answered,
                       TIMESTAMP '{FIRST_DAY} 00:00:00' + INTERVAL 1 SECOND * floor({_u(23)} * {DAYS} * 86400)
                           AS survey_answered,
                       {_u(1, "k")} < 0.01 AS anonymous,
                       {_u(24)} AS mood
                FROM base
            )
            SELECT printf('R%09d', i) AS response_id,
                   strftime(CASE WHEN transactional THEN contact_answered ELSE survey_answered END,
                            '%Y-%m-%d %H:%M:%S') AS responded_at,
                   CASE WHEN transactional AND anonymous THEN NULL
                        WHEN transactional THEN printf('C%08d', {_customer_of("k")})
                        ELSE printf('C%08d', 1 + CAST(floor({_u(25)} * $customers) AS BIGINT)) END AS customer_id,
                   CASE WHEN transactional THEN printf('K%09d', k) END AS contact_id,
                   CASE WHEN transactional THEN 'transactional' ELSE 'relationship' END AS survey,
                   CASE WHEN {_u(26)} < 0.95 THEN LEAST(10, CAST(floor(pow(mood, 0.45) * 11) AS INTEGER)) END AS nps,
                   CASE WHEN transactional AND {_u(27)} < 0.9
                        THEN LEAST(5, 1 + CAST(floor(pow(mood, 0.6) * 5) AS INTEGER)) END AS csat,
                   CASE WHEN transactional AND {_u(28)} < 0.6
                        THEN LEAST(7, 1 + CAST(floor(pow(mood, 0.7) * 7) AS INTEGER)) END AS ces,
                   CASE WHEN transactional AND {_u(29)} < 0.7 THEN mood > 0.3 END AS resolved_answer,
                   CASE WHEN {_u(30)} < 0.05 THEN {_pick(COMMENTS, _u(31))} END AS comment
            FROM answered ORDER BY i""",
        files["responses"],
        {"seed": seed, "customers": n["customers"], "contacts": n["contacts"], "responses": n["responses"]},
    )
    # One row per customer and month until the customer churns (about 1.5 % a month).
    copy(
        f"""WITH customer AS (
                SELECT i, CAST(floor(ln(1 - {_u(40)}) / ln(1 - 0.015)) AS INTEGER) AS churn_month,
                       10 + 90 * {_u(41)} AS spend
                FROM range(1, $customers + 1) AS t(i)
            )
            SELECT printf('C%08d', i) AS customer_id,
                   strftime(DATE '{FIRST_DAY}' + INTERVAL 1 MONTH * m, '%Y-%m-%d') AS month,
                   round(spend * (0.5 + {_u(42, "i * 100 + m")}), 2) AS revenue,
                   m = churn_month AS churned,
                   CAST(floor({_u(43, "i * 100 + m")} * 4) AS INTEGER) AS orders
            FROM customer CROSS JOIN range(0, {MONTHS}) AS months(m)
            WHERE m <= churn_month
            ORDER BY i, m""",
        files["outcomes"], {"seed": seed, "customers": n["customers"]},
    )
    con.close()
    # What run.py reports the set as, and how it knows whether a directory already holds this set.
    (out / MANIFEST).write_text(json.dumps({"scale": scale, "seed": seed, **n}), encoding="utf-8")
    return files


def manifest(out: Path) -> dict | None:
    """Return the scale, seed and row counts a directory's set was generated with, or None if it has none."""
    path = out / MANIFEST
    if not path.is_file() or not all((out / f"{kind}.csv").is_file() for kind in KINDS):
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> None:
    """Write the set the command line asks for and print the files' sizes and the time taken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="directory to write the CSV files into")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1: 10 M contacts)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the pseudo-random values (default 42)")
    args = parser.parse_args(argv)
    if not args.scale > 0:
        parser.error("--scale must be above 0")
    started = time.perf_counter()
    files = generate(args.out, args.scale, args.seed)
    sizes = ", ".join(f"{path.name} {path.stat().st_size / 1e6:,.1f} MB" for path in files.values())
    print(f"wrote {sizes} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
