"""Tests for cxmetrics.ingest.importer: load_file, delete_import and remembered_mapping.

Every input is a small file written by the test itself; every database is a fresh DuckDB file
(`con` fixture). Expected values are computed by hand, not by the code under test.
"""

from __future__ import annotations

import codecs
import random
import datetime as dt

import pytest

from cxmetrics.store import contact_facts
from cxmetrics.ingest.importer import (ImportOptions, ImportRefused, delete_import, load_file,
                                       remembered_mapping)
from store_content import store_content

T = dt.datetime


# --------------------------------------------------------------------------- helpers

def rows(con, sql, params=None):
    return con.execute(sql, params or {}).fetchall()


def scalar(con, sql, params=None):
    return con.execute(sql, params or {}).fetchone()[0]


def columns_of(con, table):
    return {
        name: data_type
        for name, data_type in rows(
            con,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = $t",
            {"t": table},
        )
    }


def counts(con):
    return {table: len(rows) for table, (_, rows) in store_content(con).items()}


def reasons(result):
    return [(r["line"], r["column"], r["value"], r["reason"]) for r in result.rejects]


def assert_one_line(message: str):
    assert message and "\n" not in message and "\r" not in message and "Traceback" not in message


# =========================================================================== rejection rules

RESPONSE_HEADER = "response_id,responded_at,nps,csat,ces,resolved_answer\n"


@pytest.mark.parametrize(
    "row, column, value, reason",
    [
        # score ranges
        ("r1,,11,,,", "nps", "11", "nps must be 0–10"),
        ("r1,,-1,,,", "nps", "-1", "nps must be 0–10"),
        ("r1,,,0,,", "csat", "0", "csat must be 1–5"),
        ("r1,,,6,,", "csat", "6", "csat must be 1–5"),
        ("r1,,,,8,", "ces", "8", "ces must be 1–7"),
        ("r1,,,,0,", "ces", "0", "ces must be 1–7"),
        # not readable as the column's type
        ("r1,,9.5,,,", "nps", "9.5", "nps: not a whole number"),
        ("r1,,ten,,,", "nps", "ten", "nps: not a whole number"),
        ("r1,,,,,maybe", "resolved_answer", "maybe", "resolved_answer: not a yes/no value (true/false, yes/no, y/n, 1/0)"),
        ("r1,,,,,2", "resolved_answer", "2", "resolved_answer: not a yes/no value (true/false, yes/no, y/n, 1/0)"),
        ("r1,yesterday,,,,", "responded_at", "yesterday",
         "responded_at: not a date/time in a format this import recognised"),
        ("r1,2024-02-30,,,,", "responded_at", "2024-02-30",
         "responded_at: not a date/time in a format this import recognised"),
        # required field missing (empty and blank)
        (",2024-01-01,5,,,", "response_id", None, "response_id is required but empty"),
        ("   ,2024-01-01,5,,,", "response_id", None, "response_id is required but empty"),
    ],
)
def test_a_bad_row_is_rejected_whole_with_line_column_value_and_reason(load, con, row, column, value, reason):
    text = RESPONSE_HEADER + "ok1,2024-01-01,10,5,1,yes\n" + row + "\nok2,2024-01-02,0,1,7,no\n"
    result = load("responses", "r.csv", text)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert reasons(result) == [(3, column, value, reason)]
    assert sorted(r[0] for r in rows(con, "SELECT response_id FROM responses")) == ["ok1", "ok2"]
    stored = rows(con, "SELECT line, column_name, value, reason FROM import_rejects WHERE import_id = $i",
                  {"i": result.import_id})
    assert stored == [(3, column, value, reason)]


@pytest.mark.parametrize("row", ["r1,,10,5,7,", "r1,,0,1,1,", "r1,,9.0,4,5,", "r1,,+7,3,2,", "r1,,07,,,"])
def test_scores_at_the_edges_of_their_range_load(load, con, row):
    result = load("responses", "r.csv", RESPONSE_HEADER + row + "\n")
    assert (result.rows_loaded, result.rows_rejected, result.rejects) == (1, 0, [])


def test_a_row_failing_several_checks_is_one_rejected_row_with_one_reject_per_check(load, con):
    result = load("responses", "r.csv", RESPONSE_HEADER + "r1,,11,0,x,\nr2,,1,,,\n")
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert sorted((c, v) for _, c, v, _ in reasons(result)) == [("ces", "x"), ("csat", "0"), ("nps", "11")]
    assert {line for line, *_ in reasons(result)} == {2}
    assert scalar(con, "SELECT count(*) FROM import_rejects") == 3
    assert scalar(con, "SELECT rows_rejected FROM imports") == 1


@pytest.mark.parametrize(
    "kind, text, column, value, reason",
    [
        ("contacts", "contact_id,started_at,transfers\nk1,2024-01-01,-1\n", "transfers", "-1", "transfers must be at least 0"),
        ("contacts", "contact_id,started_at,transfers\nk1,2024-01-01,1.5\n", "transfers", "1.5", "transfers: not a whole number"),
        ("contacts", "contact_id,started_at,handle_seconds\nk1,2024-01-01,-0.5\n", "handle_seconds", "-0.5",
         "handle_seconds must be 0–1e+09"),  # at most schema.MAX_DURATION seconds
        ("contacts", "contact_id,started_at,handle_seconds\nk1,2024-01-01,12s\n", "handle_seconds", "12s",
         "handle_seconds: not a number"),
        ("contacts", "contact_id,started_at,self_service\nk1,2024-01-01,maybe\n", "self_service", "maybe",
         "self_service: not a yes/no value (true/false, yes/no, y/n, 1/0)"),
        ("contacts", "contact_id,started_at\nk1,\n", "started_at", None, "started_at is required but empty"),
        ("outcomes", "customer_id,month,revenue\nc1,2024-13,5\n", "month", "2024-13", "month: not a month (e.g. 2024-03 or 2024-03-01)"),
        ("outcomes", "customer_id,month,revenue\nc1,2024-03,lots\n", "revenue", "lots", "revenue: not a number"),
        ("outcomes", "customer_id,month,churned\nc1,2024-03,perhaps\n", "churned", "perhaps",
         "churned: not a yes/no value (true/false, yes/no, y/n, 1/0)"),
        ("outcomes", "customer_id,month\n,2024-03\n", "customer_id", None, "customer_id is required but empty"),
        ("engagement", "team,month,engagement_score\nt1,,3\n", "month", None, "month is required but empty"),
        ("customers", "customer_id,tier\n,gold\n", "customer_id", None, "customer_id is required but empty"),
    ],
)
def test_type_and_requirement_rejects_in_every_kind(load, con, kind, text, column, value, reason):
    result = load(kind, "f.csv", text)
    assert (result.rows_loaded, result.rows_rejected) == (0, 1)
    assert reasons(result) == [(2, column, value, reason)]
    assert result.import_id is None
    assert counts(con)[kind] == 0 and counts(con)["imports"] == 0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("true", True), ("TRUE", True), ("True", True), ("yes", True), ("YES", True), ("Yes", True),
        ("y", True), ("Y", True), ("1", True),
        ("false", False), ("FALSE", False), ("False", False), ("no", False), ("NO", False), ("No", False),
        ("n", False), ("N", False), ("0", False),
        ("", None), ("  ", None),
    ],
)
def test_booleans_in_any_case(load, con, text, expected):
    result = load("contacts", "c.csv", f"contact_id,started_at,resolved,self_service\nk1,2024-01-01,{text},{text}\n")
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert rows(con, "SELECT resolved, self_service FROM contacts") == [(expected, expected)]


def test_an_empty_field_is_null_in_every_type(load, con):
    text = (
        "contact_id,started_at,customer_id,channel,contact_reason,resolved,transfers,handle_seconds,agent,team,"
        "self_service,note\n"
        "k1,2024-01-01 08:00:00,,,,,,,,,,\n"
        'k2,2024-01-02 08:00:00,"",  ,"",,,,,,,""\n'
    )
    result = load("contacts", "c.csv", text)
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    got = rows(con, "SELECT customer_id, channel, contact_reason, resolved, transfers, handle_seconds, agent, team, "
                    "self_service, note FROM contacts ORDER BY contact_id")
    assert got == [(None,) * 10, (None,) * 10]


def test_null_markers_are_missing_values(load, con):
    text = "contact_id,started_at,transfers,resolved,channel\nk1,2024-01-01,NA,n/a,-\nk2,2024-01-02,2,y,NA\n"
    result = load("contacts", "c.csv", text, nulls=["NA", "n/a", "-"])
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    assert rows(con, "SELECT contact_id, transfers, resolved, channel FROM contacts ORDER BY 1") == [
        ("k1", None, None, None),
        ("k2", 2, True, None),
    ]


def test_without_null_markers_na_is_missing_only_where_the_rest_of_the_column_reads(load, con):
    text = "contact_id,started_at,transfers,handle_seconds\nk1,2024-01-01,NA,NA\nk2,2024-01-02,2,x\n"
    result = load("contacts", "c.csv", text)
    assert result.guesses["nulls"] == {"transfers": ["NA"]}
    assert reasons(result) == [(2, "handle_seconds", "NA", "handle_seconds: not a number"),
                               (3, "handle_seconds", "x", "handle_seconds: not a number")]


def test_a_null_marker_in_a_required_column_rejects_the_row(load, con):
    result = load("contacts", "c.csv", "contact_id,started_at\nNA,2024-01-01\nk2,2024-01-01\n", nulls=["NA"])
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert reasons(result) == [(2, "contact_id", None, "contact_id is required but empty")]


def test_values_are_trimmed_and_decimal_commas_read(load, con):
    text = 'contact_id;started_at;handle_seconds;channel\n  k1 ; 2024-01-01 ;12,5; phone \n'
    result = load("contacts", "c.csv", text)
    assert result.delimiter == ";"
    assert rows(con, "SELECT contact_id, started_at, handle_seconds, channel FROM contacts") == [
        ("k1", T(2024, 1, 1), 12.5, "phone")
    ]


def test_too_many_fields_in_the_last_row_is_rejected_with_its_text(load, con):
    text = "customer_id,month,revenue,churned\nc1,2024-03,1.5,yes\nc2,2024-03,2,no\nc3,2024-04,12,5,0\n"
    result = load("outcomes", "o.csv", text)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert reasons(result) == [(4, None, "c3,2024-04,12,5,0", "row has more fields than the header")]
    assert scalar(con, "SELECT count(*) FROM import_rejects WHERE line = 4") == 1


def test_too_few_fields_rejects_only_that_row(load, con):
    text = "contact_id,started_at,channel\nk1,2024-01-01,phone\nk2,2024-01-02\nk3,2024-01-03,chat\n"
    result = load("contacts", "c.csv", text)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert reasons(result) == [(3, None, "k2,2024-01-02", "row has fewer fields than the header")]


def test_too_many_fields_in_a_middle_row_rejects_only_that_row(load, con):
    text = "customer_id,tier,region\nc1,gold,north\nc2,silver,south,extra\nc3,silver,east\n"
    result = load("customers", "c.csv", text)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert reasons(result) == [(3, None, "c2,silver,south,extra", "row has more fields than the header")]


def test_lines_stay_exact_in_a_file_read_in_parallel_buffers(load, con):
    con.execute("SET threads = 4")  # several threads on any machine, whatever CXMETRICS_THREADS says
    # 60 MB: DuckDB reads it in several buffers on several threads. Rejected records and
    # duplicates must still name their own line.
    lines = ["customer_id,tier,region"]
    lines += [f"c{n:07d},{'gold' if n % 3 else 'silver'},{'north-east-region-' * 2}{n % 97}" for n in range(2, 1_200_002)]
    lines[400_000 - 1] += ",extra"  # line 400,000: a field too many
    lines[900_000 - 1] = "short"  # line 900,000: fields missing
    lines[1_100_000 - 1] = "c0000002,bronze,south"  # line 1,100,000: the key of line 2 again
    result = load("customers", "big.csv", "\n".join(lines) + "\n")
    assert (result.rows_loaded, result.rows_rejected) == (1_199_997, 3)
    assert [(r["line"], r["reason"]) for r in result.rejects] == [
        (400_000, "row has more fields than the header"),
        (900_000, "row has fewer fields than the header"),
        (1_100_000, "duplicate customer_id: first seen on line 2"),
    ]
    assert rows(con, "SELECT tier FROM customers WHERE customer_id IN ('c0000002', 'c1200001') ORDER BY 1") == [
        ("gold",), ("gold",)]  # line 2 won over line 1,100,000 (bronze); the last line loaded


def test_lines_stay_exact_with_line_breaks_in_fields_of_a_file_read_in_parallel(load, con):
    con.execute("SET threads = 4")  # several threads on any machine, whatever CXMETRICS_THREADS says
    # As above, with a quoted field holding a line break every 100,000 records: each record's line
    # comes from the byte scan, matched to the rows read by their order, which must be the file's.
    records, line = ["customer_id,tier,region"], 2
    where = {}
    for n in range(2, 1_000_002):
        region = f'"north\neast {n}"' if n % 100_000 == 0 else f"north-east-region-north-east-region-{n % 97}"
        customer = "c0000002" if n == 950_000 else f"c{n:07d}"  # a repeated key late in the file
        records.append(f"{customer},{'gold' if n % 3 else 'silver'},{region}")
        where[n] = line
        line += 1 + (n % 100_000 == 0)
    result = load("customers", "big.csv", "\n".join(records) + "\n")
    assert (result.rows_loaded, result.rows_rejected) == (999_999, 1)
    assert [(r["line"], r["reason"]) for r in result.rejects] == [
        (where[950_000], "duplicate customer_id: first seen on line 2")]
    assert where[950_000] == 950_000 + 9  # nine records with a line break come before it


def test_duplicate_id_in_the_file_first_wins_and_the_reject_names_the_first_line(load, con):
    text = "customer_id,tier\nc1,gold\nc2,silver\nc1,bronze\nc1,iron\n"
    result = load("customers", "c.csv", text)
    assert (result.rows_loaded, result.rows_rejected) == (2, 2)
    assert reasons(result) == [
        (4, "customer_id", "c1", "duplicate customer_id: first seen on line 2"),
        (5, "customer_id", "c1", "duplicate customer_id: first seen on line 2"),
    ]
    assert rows(con, "SELECT customer_id, tier FROM customers ORDER BY 1") == [("c1", "gold"), ("c2", "silver")]


def test_duplicate_id_label_is_the_source_column_when_mapped(load, con):
    result = load("contacts", "c.csv", "Ticket,When\nt1,2024-01-01\nt1,2024-01-02\n",
                  mapping=[("Ticket", "contact_id"), ("When", "started_at")])
    assert reasons(result) == [(3, "Ticket", "t1", "duplicate contact_id: first seen on line 2")]


def test_id_already_loaded_by_an_earlier_import_is_rejected_naming_that_import(load, con):
    first = load("responses", "a.csv", "response_id,nps\nr1,9\nr2,10\n")
    second = load("responses", "b.csv", "response_id,nps\nr3,1\nr2,0\nr4,5\n")
    assert first.import_id is not None and second.import_id != first.import_id
    assert (second.rows_loaded, second.rows_rejected) == (2, 1)
    assert reasons(second) == [(3, "response_id", "r2", f"response_id already loaded by import #{first.import_id}")]
    assert rows(con, "SELECT response_id, nps, import_id FROM responses ORDER BY 1") == [
        ("r1", 9, first.import_id), ("r2", 10, first.import_id),
        ("r3", 1, second.import_id), ("r4", 5, second.import_id),
    ]


def test_contact_id_already_loaded_is_rejected(load, con):
    first = load("contacts", "a.csv", "contact_id,started_at\nk1,2024-01-01\n")
    second = load("contacts", "b.csv", "contact_id,started_at\nk1,2024-05-05\nk2,2024-05-05\n")
    assert reasons(second) == [(2, "contact_id", "k1", f"contact_id already loaded by import #{first.import_id}")]
    assert rows(con, "SELECT started_at FROM contacts WHERE contact_id = 'k1'") == [(T(2024, 1, 1),)]


def test_outcomes_duplicate_customer_and_month_is_rejected(load, con):
    # 2024-03 and 2024-03-15 are the same month once read.
    text = "customer_id,month,revenue\nc1,2024-03,10\nc1,2024-03-15,20\nc1,2024-04,30\nc2,2024-03,40\n"
    result = load("outcomes", "o.csv", text)
    assert (result.rows_loaded, result.rows_rejected) == (3, 1)
    assert reasons(result) == [
        (3, "customer_id + month", "c1 / 2024-03-01", "duplicate customer_id + month: first seen on line 2")
    ]
    assert rows(con, "SELECT customer_id, month, revenue FROM outcomes ORDER BY 1, 2") == [
        ("c1", dt.date(2024, 3, 1), 10.0), ("c1", dt.date(2024, 4, 1), 30.0), ("c2", dt.date(2024, 3, 1), 40.0)
    ]


def test_outcomes_already_loaded_customer_month_names_the_import(load, con):
    first = load("outcomes", "a.csv", "customer_id,month,revenue\nc1,2024-03,10\n")
    second = load("outcomes", "b.csv", "customer_id,month,revenue\nc1,2024-03-01,99\nc1,2024-04,5\n")
    assert reasons(second) == [
        (2, "customer_id + month", "c1 / 2024-03-01", f"customer_id + month already loaded by import #{first.import_id}")
    ]


def test_rows_loaded_plus_rows_rejected_is_the_number_of_data_rows(load, con):
    lines = ["response_id,nps,csat"]
    bad = {3, 5, 8, 13}
    for i in range(1, 16):
        lines.append(f"r{i},{11 if i in bad else i % 11},{3}")
    lines.append("r2,5,5")  # duplicate of line 3
    result = load("responses", "r.csv", "\n".join(lines) + "\n")
    assert result.rows_loaded + result.rows_rejected == 16
    assert (result.rows_loaded, result.rows_rejected) == (11, 5)
    assert scalar(con, "SELECT count(*) FROM responses") == 11
    assert rows(con, "SELECT rows_loaded, rows_rejected FROM imports") == [(11, 5)]
    assert sorted(scalar(con, "SELECT list(DISTINCT line) FROM import_rejects")) == [4, 6, 9, 14, 17]


# =========================================================================== line numbers
# docs/importing.md: line numbers are lines of the file as an editor shows them; the header is
# line 1 and a record with line breaks inside quotes is reported at the line it starts on.

def test_a_record_with_line_breaks_is_reported_at_the_line_it_starts_on(load, con):
    text = (
        "contact_id,started_at,note\n"             # line 1
        'k1,2024-01-01,"first\nsecond\nthird"\n'   # lines 2-4
        "k2,bad,x\n"                                 # line 5
        'k3,2024-01-02,"a,b ""q"""\n'                # line 6
        "k4,,y\n"                                    # line 7
        "k1,2024-01-03,dup\n"                        # line 8
    )
    result = load("contacts", "c.csv", text)
    assert reasons(result) == [
        (5, "started_at", "bad", "started_at: not a date/time in a format this import recognised"),
        (7, "started_at", None, "started_at is required but empty"),
        (8, "contact_id", "k1", "duplicate contact_id: first seen on line 2"),
    ]
    assert rows(con, "SELECT contact_id, note FROM contacts ORDER BY 1") == [("k1", "first\nsecond\nthird"),
                                                                            ("k3", 'a,b "q"')]


def test_a_multiline_record_that_is_rejected_and_a_first_seen_line_after_one(load, con):
    text = (
        "customer_id,note\n"     # 1
        "c0,a\n"                 # 2
        'c1,"multi\nline"\n'      # 3-4
        'c0,"dup\nof c0"\n'       # 5-6
        "c2,b\n"                 # 7
        "c1,dup\n"               # 8
    )
    result = load("customers", "c.csv", text)
    assert reasons(result) == [
        (5, "customer_id", "c0", "duplicate customer_id: first seen on line 2"),
        (8, "customer_id", "c1", "duplicate customer_id: first seen on line 3"),
    ]


def test_a_row_the_reader_rejects_after_a_multiline_row_points_at_its_line(load, con):
    text = 'customer_id,note,region\nc1,"a\nb\nc",north\nc2,x,south\nc1,y,east\nc3,z,w,extra\n'
    result = load("customers", "c.csv", text)
    assert reasons(result) == [
        (6, "customer_id", "c1", "duplicate customer_id: first seen on line 2"),
        (7, None, "c3,z,w,extra", "row has more fields than the header"),
    ]


@pytest.mark.parametrize("nl", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_breaks_inside_quotes_with_crlf_and_cr_line_ends(load, con, nl):
    text = f'customer_id,note,region{nl}d1,"a{nl}b",north{nl}d2,x,south{nl}d1,y,east{nl}'
    result = load("customers", "c.csv", text)
    assert reasons(result) == [(5, "customer_id", "d1", "duplicate customer_id: first seen on line 2")]
    assert rows(con, "SELECT note FROM customers WHERE customer_id = 'd1'") == [(f"a{nl}b",)]


def test_the_first_occurrence_wins_even_when_it_is_rejected(load, con):
    result = load("responses", "r.csv", "response_id,nps\nr1,11\nr1,5\nr2,3\n")
    assert reasons(result) == [
        (2, "nps", "11", "nps must be 0–10"),
        (3, "response_id", "r1", "duplicate response_id: first seen on line 2"),
    ]
    assert (result.rows_loaded, result.rows_rejected) == (1, 2)


def test_a_blank_line_counts_as_a_line(load, con):
    result = load("customers", "c.csv", "customer_id,note\ne1,a\n\ne2,b\ne1,c\n")
    assert reasons(result) == [(5, "customer_id", "e1", "duplicate customer_id: first seen on line 2")]


def test_a_blank_line_counts_as_a_line_in_a_file_with_multiline_records(load, con):
    result = load("customers", "c.csv", 'customer_id,note\nc1,"multi\nline"\n\nc3,x\nc1,dup\n')
    assert reasons(result) == [(6, "customer_id", "c1", "duplicate customer_id: first seen on line 2")]


def test_a_stray_quote_in_an_unquoted_field_does_not_shift_line_numbers(load, con):
    result = load("customers", "c.csv", 'customer_id,note\nc1,"multi\nline"\nc2,5" screen\nc3,x\nc1,dup\n')
    assert result.rows_loaded == 3
    assert reasons(result) == [(6, "customer_id", "c1", "duplicate customer_id: first seen on line 2")]


def test_an_unterminated_quote_is_not_silently_dropped(load, con):
    # DuckDB would read the open field to the end of the file and drop h2 and h3 without a word.
    with pytest.raises(ImportRefused, match="never closed.*line 3"):
        load("customers", "c.csv", 'customer_id,note\nh1,a\nh2,"unterminated\nh3,c\n')
    assert con.execute("SELECT count(*) FROM customers").fetchall()[0][0] == 0


# =========================================================================== encodings

CITIES = "customer_id,city,note\nc1,Zürich,“quoted” 5 €\nc2,Genève,l’été\n"
CITIES_ROWS = [("c1", "Zürich", "“quoted” 5 €"), ("c2", "Genève", "l’été")]


@pytest.mark.parametrize(
    "data, encoding",
    [
        (CITIES.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + CITIES.encode("utf-8"), "utf-8-sig"),
        (CITIES.encode("utf-16"), "utf-16"),          # Python writes the BOM
        (codecs.BOM_UTF16_BE + CITIES.encode("utf-16-be"), "utf-16"),
        (CITIES.encode("cp1252"), "cp1252"),
        (CITIES.replace("\n", "\r\n").encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252", "cp1252-crlf"],
)
def test_encodings_are_detected(load, con, data, encoding):
    result = load("customers", "c.csv", data)
    assert (result.rows_loaded, result.rows_rejected, result.encoding) == (2, 0, encoding)
    assert rows(con, "SELECT customer_id, city, note FROM customers ORDER BY 1") == CITIES_ROWS
    # The BOM never leaks into the first column's name.
    assert "customer_id" in columns_of(con, "customers") and not any("\ufeff" in c for c in columns_of(con, "customers"))


def test_latin1_is_detected(load, con):
    result = load("customers", "c.csv", "customer_id,city\nL1,Zürich\nL2,Genève\nL3,Señor ¿qué?\n".encode("latin-1"))
    assert result.encoding in ("latin-1", "iso-8859-15", "cp1252")
    assert rows(con, "SELECT city FROM customers ORDER BY customer_id") == [("Zürich",), ("Genève",), ("Señor ¿qué?",)]


@pytest.mark.parametrize(
    "data, declared, city",
    [
        ("customer_id,city\nO1,Zürich\n".encode("cp1252"), "cp1252", "Zürich"),
        ("customer_id,city\nO1,Zürich\n".encode("latin-1"), "latin-1", "Zürich"),
        # The user's word wins over detection, even when it is wrong.
        ("customer_id,city\nO1,Zürich\n".encode("utf-8"), "cp1252", "ZÃ¼rich"),
        ("customer_id,city\nO1,Москва\n".encode("cp1251"), "cp1251", "Москва"),
    ],
)
def test_encoding_override(load, con, data, declared, city):
    result = load("customers", "c.csv", data, encoding=declared)
    assert result.rows_loaded == 1
    assert scalar(con, "SELECT city FROM customers") == city


@pytest.mark.parametrize(
    "data, declared, message",
    [
        ("customer_id,city\nO1,Zürich\n".encode("cp1252"), "utf-8", "not valid UTF-8"),
        (b"customer_id,city\nO1,x\n", "klingon", "unknown text encoding 'klingon'"),
        (b"customer_id,city\nO1,x\n", "base64", "not a text encoding"),
    ],
)
def test_a_wrong_encoding_override_is_refused_in_one_line(load, con, data, declared, message):
    with pytest.raises(ImportRefused) as err:
        load("customers", "c.csv", data, encoding=declared)
    assert message in str(err.value)
    assert_one_line(str(err.value))
    assert counts(con)["customers"] == 0 and counts(con)["imports"] == 0


# =========================================================================== delimiters and quoting

@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_delimiters_quoting_and_line_ends(load, con, delimiter, newline):
    d, nl = delimiter, newline
    text = (
        f"customer_id{d}city{d}note{nl}"
        f'a{d}"x{d}y"{d}"say ""hi"""{nl}'
        f"b{d}plain{d}{nl}"
        f'c{d}"multi{nl}line"{d}"{d}"{nl}'
    )
    result = load("customers", "c.csv", text)
    assert (result.rows_loaded, result.rows_rejected, result.delimiter) == (3, 0, delimiter)
    assert rows(con, "SELECT customer_id, city, note FROM customers ORDER BY 1") == [
        ("a", f"x{d}y", 'say "hi"'),
        ("b", "plain", None),
        ("c", f"multi{nl}line", d),
    ]


def test_no_trailing_newline_and_a_single_column_file(load, con):
    result = load("customers", "c.csv", "customer_id\nc1\nc2")
    assert result.rows_loaded == 2
    assert sorted(r[0] for r in rows(con, "SELECT customer_id FROM customers")) == ["c1", "c2"]


# =========================================================================== formats

def _xlsx(path, header, data_rows):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in data_rows:
        ws.append(r)
    wb.save(path)
    return path


def test_excel_with_ints_dates_and_bools(con, tmp_path):
    path = _xlsx(
        tmp_path / "c.xlsx",
        ["Contact ID", "started_at", "transfers", "resolved", "handle_seconds"],
        [
            ["x1", T(2024, 3, 1, 10, 30), 2, True, 12.5],
            ["x2", dt.date(2024, 3, 2), 0, False, 3],
            [101, "2024-03-03 08:00:00", 1.0, "yes", None],
            ["x4", "not a date", 1, "no", 1],
        ],
    )
    result = load_file(con, "contacts", path, ImportOptions())
    assert (result.format, result.rows_loaded, result.rows_rejected) == ("excel", 3, 1)
    assert reasons(result) == [
        (5, "started_at", "not a date", "started_at: not a date/time in a format this import recognised")
    ]
    assert rows(con, "SELECT contact_id, started_at, transfers, resolved, handle_seconds FROM contacts ORDER BY 1") == [
        ("101", T(2024, 3, 3, 8), 1, True, None),
        ("x1", T(2024, 3, 1, 10, 30), 2, True, 12.5),
        ("x2", T(2024, 3, 2), 0, False, 3.0),
    ]


def test_parquet_with_typed_columns(con, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({
        "response_id": ["p1", "p2", "p3", "p4"],
        "nps": pa.array([10, 3, None, 12], pa.int64()),
        "responded_at": [T(2024, 1, 1, 9), None, T(2024, 1, 3), T(2024, 1, 4)],
        "resolved_answer": [True, False, None, True],
        "Score F": [1.5, 2.0, None, 1.0],
    })
    pq.write_table(table, tmp_path / "r.parquet")
    result = load_file(con, "responses", tmp_path / "r.parquet", ImportOptions())
    assert (result.format, result.rows_loaded, result.rows_rejected) == ("parquet", 3, 1)
    # Parquet has no header row: its rows are numbered from 1.
    assert reasons(result) == [(4, "nps", "12", "nps must be 0–10")]
    assert rows(con, "SELECT response_id, nps, responded_at, resolved_answer, score_f FROM responses ORDER BY 1") == [
        ("p1", 10, T(2024, 1, 1, 9), True, "1.5"),
        ("p2", 3, None, False, "2.0"),
        ("p3", None, T(2024, 1, 3), None, None),
    ]
    assert columns_of(con, "responses")["score_f"] == "VARCHAR"


def test_a_csv_named_xlsx_is_read_as_csv(load, con):
    result = load("customers", "looks_like.xlsx", "customer_id;tier\nX1;gold\n")
    assert (result.format, result.delimiter, result.rows_loaded) == ("csv", ";", 1)
    assert rows(con, "SELECT customer_id, tier FROM customers") == [("X1", "gold")]


def test_an_xlsx_named_csv_is_read_as_excel(con, tmp_path):
    path = _xlsx(tmp_path / "export.csv", ["customer_id", "tier"], [["X1", "gold"], ["X2", "silver"]])
    result = load_file(con, "customers", path, ImportOptions())
    assert (result.format, result.rows_loaded) == ("excel", 2)
    assert rows(con, "SELECT customer_id, tier FROM customers ORDER BY 1") == [("X1", "gold"), ("X2", "silver")]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (bytes(range(256)) * 8, "binary data"),
        (random.Random(5).randbytes(4000), "binary data"),
        (b"%PDF-1.4\n" + bytes(range(256)), "PDF"),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)), "gzip"),
        (b"PK\x03\x04" + b"garbage" * 20, "zip"),
        (b"PAR1" + b"\x00garbage" * 20, "Parquet file could not be read"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".xls"),
    ],
    ids=["empty", "bytes", "random", "pdf", "gzip", "bad-zip", "bad-parquet", "xls"],
)
def test_unreadable_files_are_refused_in_one_line(load, con, data, message):
    before = store_content(con)
    with pytest.raises(ImportRefused) as err:
        load("customers", "f.csv", data)
    assert message in str(err.value)
    assert_one_line(str(err.value))
    assert store_content(con) == before


def test_a_missing_file_and_an_unknown_kind_are_refused(con, tmp_path, write_csv):
    with pytest.raises(ImportRefused, match="no such file"):
        load_file(con, "customers", tmp_path / "nope.csv", ImportOptions())
    with pytest.raises(ImportRefused, match="no such file"):
        load_file(con, "customers", tmp_path, ImportOptions())
    path = write_csv(tmp_path, "c.csv", "customer_id\nc1\n")
    with pytest.raises(ImportRefused, match="unknown kind 'clients'"):
        load_file(con, "clients", path, ImportOptions())


@pytest.mark.parametrize("text", ["customer_id,tier\n", "customer_id,tier", "customer_id,tier\r\n"])
def test_a_header_only_file_loads_nothing_and_records_nothing(load, con, text):
    before = store_content(con)
    result = load("customers", "h.csv", text)
    assert (result.import_id, result.rows_loaded, result.rows_rejected, result.rejects) == (None, 0, 0, [])
    assert store_content(con) == before


def test_a_file_with_only_bad_rows_loads_nothing_and_records_nothing(load, con):
    before = store_content(con)
    result = load("responses", "r.csv", "response_id,nps\nr1,11\nr2,12\n")
    assert (result.import_id, result.rows_loaded, result.rows_rejected) == (None, 0, 2)
    assert len(result.rejects) == 2
    assert store_content(con) == before


# =========================================================================== mapping

def test_map_renames_columns_and_names_match_after_normalisation(load, con):
    before = columns_of(con, "contacts")
    text = "Ticket,When,Customer ID,  Contact Reason ,CHANNEL\nt1,2024-01-01 10:00,c1,billing,phone\n"
    result = load("contacts", "c.csv", text, mapping=[("Ticket", "contact_id"), ("When", "started_at")])
    assert result.mapping_source == "given"
    assert result.mapping == {
        "contact_id": "Ticket", "started_at": "When", "customer_id": "Customer ID",
        "channel": "CHANNEL", "contact_reason": "Contact Reason",
    }
    assert rows(con, "SELECT contact_id, started_at, customer_id, channel, contact_reason FROM contacts") == [
        ("t1", T(2024, 1, 1, 10), "c1", "phone", "billing")
    ]
    # Nothing was added: every source column found its canonical home.
    assert columns_of(con, "contacts") == before


def test_map_source_names_match_case_insensitively(load, con):
    result = load("contacts", "c.csv", "Ticket,When\nt1,2024-01-01\n", mapping=[("ticket", "contact_id"), ("WHEN", "started_at")])
    assert result.rows_loaded == 1
    assert result.mapping["contact_id"] == "Ticket"


def test_one_source_feeds_two_targets(load, con):
    text = "Account,Tier\nA-1,gold\nA-2,silver\n"
    result = load("customers", "c.csv", text, mapping=[("Account", "customer_id"), ("Account", "account_code")])
    assert result.rows_loaded == 2
    assert columns_of(con, "customers")["account_code"] == "VARCHAR"
    assert rows(con, "SELECT customer_id, account_code, tier FROM customers ORDER BY 1") == [
        ("A-1", "A-1", "gold"), ("A-2", "A-2", "silver")
    ]


def test_extra_columns_become_varchar_columns_with_their_values(load, con):
    text = "customer_id,Region Name,Tier,Tenure (months),2024 Plan,Région\nc1,North,gold,12,basic,Île\nc2,,silver,3,pro,\n"
    result = load("customers", "c.csv", text)
    assert result.rows_loaded == 2
    cols = columns_of(con, "customers")
    for name in ("region_name", "tier", "tenure_months", "c_2024_plan", "region"):
        assert cols[name] == "VARCHAR", name
    assert rows(con, 'SELECT customer_id, region_name, tier, tenure_months, c_2024_plan, region FROM customers ORDER BY 1') == [
        ("c1", "North", "gold", "12", "basic", "Île"),
        ("c2", None, "silver", "3", "pro", None),
    ]


def test_a_second_import_reuses_an_extra_column_and_keeps_earlier_values(load, con):
    load("customers", "a.csv", "customer_id,tier\nc1,gold\n")
    second = load("customers", "b.csv", "customer_id,tier,region\nc2,silver,north\n")
    assert second.rows_loaded == 1
    assert rows(con, "SELECT customer_id, tier, region FROM customers ORDER BY 1") == [
        ("c1", "gold", None), ("c2", "silver", "north")
    ]


def test_extra_columns_never_clash_with_system_or_duplicate_names(load, con):
    text = "contact_id,started_at,import_id,prev_any_at,Note,note\nk1,2024-01-01,77,x,A,B\n"
    result = load("contacts", "c.csv", text)
    assert result.rows_loaded == 1
    got = rows(con, "SELECT import_id, import_id_extra, prev_any_at, prev_any_at_extra FROM contacts")
    assert got == [(result.import_id, "77", None, "x")]
    cols = columns_of(con, "contacts")
    notes = sorted(c for c in cols if c.startswith("note"))
    assert len(notes) == 2
    assert sorted(rows(con, f"SELECT {notes[0]}, {notes[1]} FROM contacts")[0]) == ["A", "B"]


def test_set_gives_every_row_a_constant(load, con):
    result = load("outcomes", "o.csv", "customer_id,revenue,churned\nc1,10,no\nc2,5,yes\n", set_values=[("month", "2024-03")])
    assert result.rows_loaded == 2
    assert result.mapping["month"] == "=2024-03"
    assert rows(con, "SELECT customer_id, month, revenue, churned FROM outcomes ORDER BY 1") == [
        ("c1", dt.date(2024, 3, 1), 10.0, False), ("c2", dt.date(2024, 3, 1), 5.0, True)
    ]


def test_set_to_an_unreadable_value_rejects_every_row(load, con):
    result = load("outcomes", "o.csv", "customer_id,revenue\nc1,10\nc2,5\n", set_values=[("month", "soon")])
    assert (result.rows_loaded, result.rows_rejected) == (0, 2)
    assert {r["reason"] for r in result.rejects} == {"month: not a month (e.g. 2024-03 or 2024-03-01)"}


@pytest.mark.parametrize(
    "kind, text, options, message",
    [
        ("contacts", "Ticket,When\nt1,2024-01-01\n", {"mapping": [("Nope", "contact_id"), ("When", "started_at")]},
         "the file has no column 'Nope' (it has: Ticket, When)"),
        ("contacts", "Ticket,When\nt1,soon\n", {},
         "contacts need a column for started_at: map one with --map SOURCE=started_at (the file has: Ticket, When)"),
        ("contacts", "Ticket,When\nt1,2024-01-01\n", {"mapping": [("Ticket", "contact_id")]},
         "contacts need a column for started_at"),
        ("outcomes", "customer_id,revenue\nc1,1\n", {}, "outcomes need a column for month"),
        ("contacts", "Ticket,When\nt1,2024-01-01\n",
         {"mapping": [("Ticket", "contact_id"), ("When", "contact_id")]}, "two columns are mapped to 'contact_id'"),
        ("contacts", "Ticket,When\nt1,2024-01-01\n",
         {"mapping": [("Ticket", "contact_id"), ("When", "import_id")]}, "'import_id' cannot be a column name"),
        ("contacts", "Ticket,When\nt1,2024-01-01\n",
         {"mapping": [("Ticket", "contact_id"), ("When", "Bad Name")]}, "'Bad Name' cannot be a column name"),
        ("outcomes", "customer_id,month\nc1,2024-01\n",
         {"mapping": [("month", "month")], "set_values": [("month", "2024-02")]}, "'month' is both mapped and set"),
    ],
)
def test_mapping_problems_are_refused_in_one_line(load, con, kind, text, options, message):
    before = store_content(con)
    with pytest.raises(ImportRefused) as err:
        load(kind, "f.csv", text, **options)
    assert message in str(err.value)
    assert_one_line(str(err.value))
    assert store_content(con) == before


def test_a_mapping_is_remembered_for_the_same_header(load, con):
    header = "Ticket,When,Customer ID\n"
    first = load("contacts", "a.csv", header + "t1,2024-01-01,c1\n", mapping=[("Ticket", "contact_id"), ("When", "started_at")])
    assert first.mapping_source == "given"
    assert remembered_mapping(con, "contacts", ["Ticket", "When", "Customer ID"]) == [
        ("Ticket", "contact_id"), ("When", "started_at")
    ]
    second = load("contacts", "b.csv", header + "t2,2024-01-02,c1\n")
    assert (second.mapping_source, second.rows_loaded) == ("remembered", 1)
    assert second.mapping == first.mapping
    assert rows(con, "SELECT contact_id FROM contacts ORDER BY 1") == [("t1",), ("t2",)]
    assert scalar(con, "SELECT json_extract_string(options, '$.mapping_source') FROM imports WHERE import_id = $i",
                  {"i": second.import_id}) == "remembered"


@pytest.mark.parametrize(
    "kind, columns",
    [
        ("contacts", ["Ticket", "When"]),                        # a column fewer
        ("contacts", ["When", "Ticket", "Customer ID"]),         # another order
        ("contacts", ["ticket", "When", "Customer ID"]),         # another spelling
        ("responses", ["Ticket", "When", "Customer ID"]),        # another kind
    ],
)
def test_a_different_header_or_kind_has_no_remembered_mapping(load, con, kind, columns):
    load("contacts", "a.csv", "Ticket,When,Customer ID\nt1,2024-01-01,c1\n",
         mapping=[("Ticket", "contact_id"), ("When", "started_at")])
    assert remembered_mapping(con, kind, columns) is None


def test_a_different_header_does_not_use_the_remembered_mapping(load, con):
    load("contacts", "a.csv", "Ticket,When,Customer ID\nt1,2024-01-01,c1\n",
         mapping=[("Ticket", "contact_id"), ("When", "started_at")])
    with pytest.raises(ImportRefused, match="contacts need a column for started_at"):
        load("contacts", "b.csv", "Ticket,When,Channel\nt2,soon,phone\n")


def test_a_given_mapping_wins_over_the_remembered_one(load, con):
    header = "Ticket,Ref,When\n"
    load("contacts", "a.csv", header + "t1,r1,2024-01-01\n", mapping=[("Ticket", "contact_id"), ("When", "started_at")])
    second = load("contacts", "b.csv", header + "t2,r2,2024-01-02\n", mapping=[("Ref", "contact_id"), ("When", "started_at")])
    assert second.mapping_source == "given"
    assert rows(con, "SELECT contact_id FROM contacts ORDER BY 1") == [("r2",), ("t1",)]
    assert remembered_mapping(con, "contacts", ["Ticket", "Ref", "When"]) == [("Ref", "contact_id"), ("When", "started_at")]


def test_names_alone_are_not_remembered(load, con):
    load("contacts", "a.csv", "contact_id,Started At\nk1,2024-01-01\n")
    assert remembered_mapping(con, "contacts", ["contact_id", "Started At"]) is None
    assert scalar(con, "SELECT count(*) FROM column_mappings") == 0


def test_a_dry_run_does_not_remember_a_mapping(load, con):
    load("contacts", "a.csv", "Ticket,When\nt1,2024-01-01\n", mapping=[("Ticket", "contact_id"), ("When", "started_at")],
         dry_run=True)
    assert remembered_mapping(con, "contacts", ["Ticket", "When"]) is None


# =========================================================================== timestamps

@pytest.mark.parametrize(
    "text, formats, expected",
    [
        ("2024-03-06", [], T(2024, 3, 6)),
        ("2024-03-06 10:15", [], T(2024, 3, 6, 10, 15)),
        ("2024-03-06 10:15:30", [], T(2024, 3, 6, 10, 15, 30)),
        ("2024-03-06T10:15:30", [], T(2024, 3, 6, 10, 15, 30)),
        ("2024-03-06T10:15:30.250", [], T(2024, 3, 6, 10, 15, 30, 250000)),
        ("2024-03-06T10:15:30Z", [], T(2024, 3, 6, 10, 15, 30)),
        ("2024-03-06T10:15:30+02:00", [], T(2024, 3, 6, 8, 15, 30)),
        ("2024-03-06 10:15:30-05:00", [], T(2024, 3, 6, 15, 15, 30)),
        ("2024-03-06T23:30:00-01:30", [], T(2024, 3, 7, 1, 0)),           # crosses midnight in UTC
        ("2024-03-06T10:15:30+0200", [], T(2024, 3, 6, 8, 15, 30)),
        ("06-Mar-24", ["%d-%b-%y"], T(2024, 3, 6)),
        ("06/03/2024 14:05", ["%d/%m/%Y %H:%M"], T(2024, 3, 6, 14, 5)),
        ("Wed Mar 06 14:05:00 +0100 2024", ["%a %b %d %H:%M:%S %z %Y"], T(2024, 3, 6, 13, 5)),
        ("Wed Mar 06 14:05:00 +0000 2024", ["%a %b %d %H:%M:%S %z %Y"], T(2024, 3, 6, 14, 5)),
        ("Sun Dec 31 23:30:00 -0200 2023", ["%a %b %d %H:%M:%S %z %Y"], T(2024, 1, 1, 1, 30)),
        # ISO still reads when a format is given
        ("2024-03-06 10:15:30", ["%d-%b-%y"], T(2024, 3, 6, 10, 15, 30)),
    ],
)
def test_timestamps_are_read_and_stored_in_utc(load, con, text, formats, expected):
    result = load("contacts", "c.csv", f"contact_id,started_at\nk1,{text}\n", date_formats=formats)
    assert (result.rows_loaded, result.rows_rejected) == (1, 0), result.rejects
    assert scalar(con, "SELECT started_at FROM contacts") == expected


@pytest.mark.parametrize("text", ["06-Mar-24", "06/03/2024", "20240306", "Mar 6 2024"])
def test_non_iso_dates_without_a_format_are_guessed(load, con, text):
    result = load("contacts", "c.csv", f"contact_id,started_at\nk1,{text}\n")
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert scalar(con, "SELECT started_at FROM contacts") == T(2024, 3, 6)


def test_a_date_no_format_reads_is_rejected(load, con):
    result = load("contacts", "c.csv", "contact_id,started_at\nk1,2024-01-01\nk2,yesterday\n")
    assert reasons(result) == [
        (3, "started_at", "yesterday", "started_at: not a date/time in a format this import recognised")
    ]


def test_several_date_formats_are_tried_in_order(load, con):
    text = "contact_id,started_at\nk1,06-Mar-24\nk2,07/03/2024\nk3,2024-03-08 09:00:00\n"
    result = load("contacts", "c.csv", text, date_formats=["%d-%b-%y", "%d/%m/%Y"])
    assert result.rows_loaded == 3
    assert rows(con, "SELECT started_at FROM contacts ORDER BY contact_id") == [
        (T(2024, 3, 6),), (T(2024, 3, 7),), (T(2024, 3, 8, 9),)
    ]


def test_an_offset_does_not_leak_into_the_next_row(load, con):
    text = "contact_id,started_at\ntw1,Wed Mar 06 14:05:00 +0100 2024\ntw2,06-Mar-24\ntw3,2024-03-06 10:00:00\n"
    result = load("contacts", "c.csv", text, date_formats=["%a %b %d %H:%M:%S %z %Y", "%d-%b-%y"])
    assert result.rows_loaded == 3
    assert rows(con, "SELECT contact_id, started_at FROM contacts ORDER BY 1") == [
        ("tw1", T(2024, 3, 6, 13, 5)), ("tw2", T(2024, 3, 6)), ("tw3", T(2024, 3, 6, 10)),
    ]


def test_an_invalid_date_format_is_refused(load, con):
    with pytest.raises(ImportRefused):
        load("contacts", "c.csv", "contact_id,started_at\nk1,2024-01-01\n", date_formats=["%Q"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03", dt.date(2024, 3, 1)), ("2024-03-01", dt.date(2024, 3, 1)), ("2024-03-17", dt.date(2024, 3, 1)),
        ("2024/03", dt.date(2024, 3, 1)), ("03/2024", dt.date(2024, 3, 1)), ("Mar 2024", dt.date(2024, 3, 1)),
        ("March 2024", dt.date(2024, 3, 1)), ("2024-03-31T23:30:00-02:00", dt.date(2024, 4, 1)),
    ],
)
def test_months_are_read_as_their_first_day(load, con, text, expected):
    result = load("engagement", "e.csv", f'team,month,engagement_score\nt1,"{text}",4.2\n')
    assert result.rows_loaded == 1, result.rejects
    assert rows(con, "SELECT team, month, engagement_score FROM engagement") == [("t1", expected, 4.2)]


# =========================================================================== transactions

def test_the_same_content_twice_loads_nothing_the_second_time(load, con):
    text = "customer_id,tier\nc1,gold\nc2,silver\n"
    first = load("customers", "a.csv", text)
    before = store_content(con)
    again = load("customers", "renamed.csv", text)
    assert again.already_imported == first.import_id
    assert (again.import_id, again.rows_loaded, again.rows_rejected, again.rejects) == (None, 0, 0, [])
    assert store_content(con) == before


def test_the_same_content_as_another_kind_is_not_already_imported(load, con):
    text = "customer_id,team,month\nc1,t1,2024-01\n"
    load("customers", "a.csv", text)
    other = load("engagement", "a.csv", text)
    assert other.already_imported is None and other.rows_loaded == 1


def test_a_dry_run_writes_nothing_and_reports_the_same_counts(load, con):
    load("contacts", "base.csv", "contact_id,started_at,customer_id\nk0,2024-01-01,c1\n")
    text = (
        "Ticket,When,customer_id,Mood\n"
        "k1,2024-01-02,c1,happy\nk2,bad,c1,sad\nk0,2024-01-03,c1,meh\nk3,2024-01-04,c2,ok\n"
    )
    options = {"mapping": [("Ticket", "contact_id"), ("When", "started_at")]}
    before = store_content(con)
    dry = load("contacts", "new.csv", text, dry_run=True, **options)
    assert store_content(con) == before
    assert "mood" not in columns_of(con, "contacts")
    assert (dry.import_id, dry.dry_run) == (None, True)
    real = load("contacts", "new.csv", text, **options)
    assert real.import_id is not None
    assert (dry.rows_loaded, dry.rows_rejected, dry.rejects) == (real.rows_loaded, real.rows_rejected, real.rejects)
    assert (real.rows_loaded, real.rows_rejected) == (2, 2)
    assert scalar(con, "SELECT count(*) FROM contacts") == 3


def _prepare_failure_case(load):
    load("contacts", "base.csv", "contact_id,started_at,customer_id\nk0,2024-01-01,c1\nk9,2024-01-20,c1\n")
    return (
        "Ticket,When,customer_id,Mood\n"
        "k1,2024-01-02,c1,happy\nk2,bad,c1,sad\nk3,2024-01-04,c2,ok\n"
    )


def test_a_failed_import_leaves_the_store_unchanged(load, con, monkeypatch):
    text = _prepare_failure_case(load)
    before = store_content(con)

    def boom(connection):
        raise RuntimeError("injected failure after the inserts")

    monkeypatch.setattr(contact_facts, "refresh_affected", boom)
    with pytest.raises(RuntimeError, match="injected failure"):
        load("contacts", "new.csv", text, mapping=[("Ticket", "contact_id"), ("When", "started_at")])
    assert store_content(con) == before
    assert "mood" not in columns_of(con, "contacts")

    # The store is usable afterwards, and the file was not recorded as imported.
    monkeypatch.undo()
    result = load("contacts", "new.csv", text, mapping=[("Ticket", "contact_id"), ("When", "started_at")])
    assert (result.already_imported, result.rows_loaded, result.rows_rejected) == (None, 2, 1)
    assert "mood" in columns_of(con, "contacts")
    assert rows(con, "SELECT prev_any_at, next_any_at FROM contacts WHERE contact_id = 'k1'") == [
        (T(2024, 1, 1), T(2024, 1, 20))
    ]


def test_a_failed_import_survives_reopening_the_database(tmp_path, write_csv, monkeypatch):
    from cxmetrics.store.db import connect

    path = tmp_path / "store.duckdb"
    con = connect(path)
    load_file(con, "customers", write_csv(tmp_path, "a.csv", "customer_id\nc1\n"), ImportOptions())
    before = store_content(con)

    import cxmetrics.ingest.importer as importer

    def failing_remember(*args, **kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(importer, "_remember_mapping", failing_remember)
    with pytest.raises(RuntimeError):
        load_file(con, "customers", write_csv(tmp_path, "b.csv", "customer_id,Extra\nc2,x\n"), ImportOptions())
    con.close()
    reopened = connect(path)
    try:
        assert store_content(reopened) == before
    finally:
        reopened.close()


def test_delete_import_removes_exactly_its_rows(load, con):
    first = load("responses", "a.csv", "response_id,nps\nr1,9\nr2,10\n")
    second = load("responses", "b.csv", "response_id,nps,Wave\nr3,1,w1\nr4,x,w1\nr5,5,w2\n")
    third = load("responses", "c.csv", "response_id,nps\nr6,7\n")
    removed = delete_import(con, second.import_id)
    assert removed == 2
    assert rows(con, "SELECT response_id, import_id FROM responses ORDER BY 1") == [
        ("r1", first.import_id), ("r2", first.import_id), ("r6", third.import_id)
    ]
    assert scalar(con, "SELECT count(*) FROM import_rejects WHERE import_id = $i", {"i": second.import_id}) == 0
    deleted = rows(con, "SELECT import_id FROM imports WHERE deleted_at IS NOT NULL")
    assert deleted == [(second.import_id,)]
    assert scalar(con, "SELECT count(*) FROM imports") == 3

    # The same file can be imported again, as a new import.
    again = load("responses", "b.csv", "response_id,nps,Wave\nr3,1,w1\nr4,x,w1\nr5,5,w2\n")
    assert again.already_imported is None
    assert again.import_id not in (first.import_id, second.import_id, third.import_id)
    assert (again.rows_loaded, again.rows_rejected) == (2, 1)
    assert rows(con, "SELECT response_id, wave FROM responses WHERE import_id = $i ORDER BY 1", {"i": again.import_id}) == [
        ("r3", "w1"), ("r5", "w2")
    ]


def test_after_a_delete_its_ids_can_be_loaded_by_another_file(load, con):
    first = load("customers", "a.csv", "customer_id,tier\nc1,gold\n")
    delete_import(con, first.import_id)
    second = load("customers", "b.csv", "customer_id,tier\nc1,silver\n")
    assert (second.rows_loaded, second.rows_rejected) == (1, 0)
    assert rows(con, "SELECT customer_id, tier FROM customers") == [("c1", "silver")]


def test_deleting_an_unknown_or_deleted_import_is_refused(load, con):
    first = load("customers", "a.csv", "customer_id\nc1\n")
    with pytest.raises(ImportRefused, match="there is no import #99 to delete"):
        delete_import(con, 99)
    delete_import(con, first.import_id)
    with pytest.raises(ImportRefused, match=f"there is no import #{first.import_id} to delete"):
        delete_import(con, first.import_id)


def test_a_failed_delete_changes_nothing(load, con, monkeypatch):
    imported = load("contacts", "a.csv", "contact_id,started_at,customer_id\nk1,2024-01-01,c1\nk2,2024-01-02,c1\n")
    before = store_content(con)

    def boom(connection):
        raise RuntimeError("injected")

    monkeypatch.setattr(contact_facts, "refresh_affected", boom)
    with pytest.raises(RuntimeError):
        delete_import(con, imported.import_id)
    assert store_content(con) == before


# =========================================================================== derived contact facts

FIRST_CONTACTS = (
    "contact_id,customer_id,started_at,contact_reason\n"
    "a4,c1,2024-01-10 10:00:00,tech\n"       # ties with a3; a3 comes first by contact_id
    "a1,c1,2024-01-01 10:00:00,billing\n"
    "a3,c1,2024-01-10 10:00:00,billing\n"
    "a6,c1,2024-01-25 10:00:00,\n"
    "a5,c1,2024-01-20 10:00:00,\n"
    "b1,c2,2024-01-05 10:00:00,billing\n"
    "n1,,2024-01-02 10:00:00,billing\n"
)
SECOND_CONTACTS = "contact_id,customer_id,started_at,contact_reason\na2,c1,2024-01-05 10:00:00,billing\n"


def day(d):
    return None if d is None else T(2024, 1, d, 10)


def facts(con):
    got = rows(con, "SELECT contact_id, prev_any_at, next_any_at, prev_same_at, next_same_at FROM contacts ORDER BY 1")
    return {r[0]: tuple(r[1:]) for r in got}


def expected(table):
    return {cid: tuple(day(d) for d in ds) for cid, ds in table.items()}


AFTER_FIRST = expected({
    #      prev_any next_any prev_same next_same  (days of January 2024, 10:00)
    "a1": (None, 10, None, 10),
    "a3": (1, 10, 1, None),
    "a4": (10, 20, None, None),
    "a5": (10, 25, None, None),
    "a6": (20, None, None, None),
    "b1": (None, None, None, None),
    "n1": (None, None, None, None),
})
AFTER_SECOND = expected({
    "a1": (None, 5, None, 5),
    "a2": (1, 10, 1, 10),
    "a3": (5, 10, 5, None),
    "a4": (10, 20, None, None),
    "a5": (10, 25, None, None),
    "a6": (20, None, None, None),
    "b1": (None, None, None, None),
    "n1": (None, None, None, None),
})


def test_neighbour_facts_after_one_import(load, con):
    load("contacts", "a.csv", FIRST_CONTACTS)
    assert facts(con) == AFTER_FIRST


def test_neighbour_facts_are_recomputed_when_a_contact_lands_between_two(load, con):
    load("contacts", "a.csv", FIRST_CONTACTS)
    second = load("contacts", "b.csv", SECOND_CONTACTS)
    assert second.rows_loaded == 1
    assert facts(con) == AFTER_SECOND


def test_deleting_contacts_recomputes_the_neighbours_left(load, con):
    load("contacts", "a.csv", FIRST_CONTACTS)
    second = load("contacts", "b.csv", SECOND_CONTACTS)
    assert delete_import(con, second.import_id) == 1
    assert facts(con) == AFTER_FIRST


def test_deleting_the_first_import_leaves_the_second_alone_and_right(load, con):
    first = load("contacts", "a.csv", FIRST_CONTACTS)
    load("contacts", "b.csv", SECOND_CONTACTS)
    delete_import(con, first.import_id)
    assert facts(con) == {"a2": (None, None, None, None)}


def test_ties_in_started_at_are_ordered_by_contact_id_not_file_order(load, con):
    # Lexical order: "k10" < "k9"; the file lists k9 first.
    text = (
        "contact_id,customer_id,started_at,contact_reason\n"
        "k9,c1,2024-02-01 09:00:00,x\nk10,c1,2024-02-01 09:00:00,x\nk0,c1,2024-01-31 09:00:00,x\n"
    )
    load("contacts", "t.csv", text)
    jan31, feb1 = T(2024, 1, 31, 9), T(2024, 2, 1, 9)
    assert facts(con) == {
        "k0": (None, feb1, None, feb1),
        "k10": (jan31, feb1, jan31, feb1),
        "k9": (feb1, None, feb1, None),
    }


def test_a_dry_run_of_contacts_leaves_the_facts_alone(load, con):
    load("contacts", "a.csv", FIRST_CONTACTS)
    load("contacts", "b.csv", SECOND_CONTACTS, dry_run=True)
    assert facts(con) == AFTER_FIRST


# =========================================================================== the import record

def test_the_import_record(load, con):
    result = load("contacts", "rec.csv", "Ticket;When;x\nt1;06-Mar-24;1\nt2;bad;2\n",
                  mapping=[("Ticket", "contact_id"), ("When", "started_at")], date_formats=["%d-%b-%y"], nulls=["NA"])
    row = rows(con, "SELECT import_id, kind, file_name, length(content_hash), rows_loaded, rows_rejected, "
                    "imported_at IS NOT NULL, deleted_at, json_extract_string(mapping, '$.contact_id'), "
                    "json_extract_string(options, '$.delimiter') FROM imports")
    assert row == [(result.import_id, "contacts", "rec.csv", 64, 1, 1, True, None, "Ticket", ";")]
    assert rows(con, "SELECT DISTINCT import_id FROM contacts") == [(result.import_id,)]
    assert rows(con, "SELECT import_id, line, column_name, value FROM import_rejects") == [
        (result.import_id, 3, "When", "bad")
    ]
