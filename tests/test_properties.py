"""Property-based tests (hypothesis): invariants of the statistics, of the metric engine on
generated data run through the real importer and SQL, and of the importer's CSV round trip.

Kept fast: a modest number of examples each, no deadline (DuckDB's first query in a process is
slow), and small generated data sets in a database file of their own per example.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches (e.g. Unicode tables) in its home directory: the system temp, not the
# working tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "cxmetrics-hypothesis")

from cxmetrics.ingest import csv_lines
from cxmetrics.core import stats
from cxmetrics.store.db import connect
from cxmetrics.core.guesses import MARKERS
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.metrics import metrics
from scale import scaled

# No example database: nothing is written into the working tree (.hypothesis/).
FAST = settings(max_examples=60, deadline=None, database=None)
# Each example of these builds a database and imports into it: fewer examples, and the tests are `slow`:
# 5 examples at the default CXMETRICS_TEST_SCALE of 1 (20, the size before the scale, at 4; tests/scale.py).
ENGINE = settings(max_examples=scaled(5), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
TOLERANCE = 1e-9

counts = st.integers(min_value=0, max_value=5_000)


# --- statistics ----------------------------------------------------------------------------------


@st.composite
def nps_counts(draw):
    n = draw(st.integers(min_value=0, max_value=5_000))
    promoters = draw(st.integers(min_value=0, max_value=n))
    detractors = draw(st.integers(min_value=0, max_value=n - promoters))
    return promoters, detractors, n


@FAST
@given(nps_counts())
def test_nps_is_within_plus_minus_100_and_its_margin_is_not_negative(c):
    promoters, detractors, n = c
    score, margin = stats.nps(*c), stats.nps_moe(*c)
    if n == 0:
        assert score is None and margin is None
        return
    assert -100 <= score <= 100
    assert margin >= 0
    # The margin is of a difference of two shares: never more than 196 / sqrt(n) · 1 (p + d ≤ 1).
    assert margin <= 196 / math.sqrt(n) + TOLERANCE


@FAST
@given(st.lists(st.integers(min_value=0, max_value=10), max_size=300))
def test_nps_from_scores_matches_the_definition(scores):
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    score = stats.nps(promoters, detractors, len(scores))
    if scores:
        assert math.isclose(score, 100 * (promoters - detractors) / len(scores))
        assert (score > 0) == (promoters > detractors)


@st.composite
def successes_of(draw):
    n = draw(st.integers(min_value=0, max_value=5_000))
    return draw(st.integers(min_value=0, max_value=n)), n


@FAST
@given(successes_of())
def test_wilson_interval_contains_the_estimate_and_stays_in_0_100(c):
    rate = stats.wilson(*c)
    if c[1] == 0:
        assert rate == stats.Rate(None, None, None, 0)
        return
    assert 0 <= rate.low <= rate.value <= rate.high <= 100
    assert rate.n == c[1]


@FAST
@given(successes_of(), successes_of())
def test_a_larger_sample_at_the_same_share_never_widens_the_wilson_interval(a, _unused):
    successes, n = a
    assume(n > 0)
    narrow, wide = stats.wilson(successes * 4, n * 4), stats.wilson(successes, n)
    assert (narrow.high - narrow.low) <= (wide.high - wide.low) + TOLERANCE


finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
variance = st.floats(min_value=0, max_value=1e4, allow_nan=False)


@FAST
@given(finite, variance, finite, variance)
def test_a_difference_interval_contains_the_difference_and_agrees_with_its_p_value(a, var_a, b, var_b):
    diff = stats.difference(a, var_a, b, var_b)
    assert math.isclose(diff.value, a - b, abs_tol=TOLERANCE)
    assert diff.low <= diff.value <= diff.high
    assert 0 <= diff.p_value <= 1
    # Excluding 0 from the 95 % interval and p < 0.05 are the same statement (up to rounding).
    if diff.excludes_zero:
        assert diff.p_value <= 0.05 + 1e-9
    elif var_a + var_b > 0:
        assert diff.p_value >= 0.05 - 1e-9


@FAST
@given(st.lists(st.floats(min_value=1, max_value=7, allow_nan=False), min_size=2, max_size=200))
def test_a_mean_interval_contains_the_mean(values):
    total, total_sq, n = sum(values), sum(v * v for v in values), len(values)
    low, high = stats.mean_interval(total, total_sq, n)
    mean = stats.mean(total, n)
    assert low - TOLERANCE <= mean <= high + TOLERANCE


@FAST
@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1, allow_nan=False)), max_size=40))
def test_benjamini_hochberg_marks_the_smallest_p_values(p_values):
    significant = stats.benjamini_hochberg(p_values)
    assert len(significant) == len(p_values)
    marked = [p for p, s in zip(p_values, significant) if s]
    unmarked = [p for p, s in zip(p_values, significant) if not s and p is not None]
    assert all(p is not None and p <= 0.05 for p in marked)
    if marked and unmarked:
        assert max(marked) <= min(unmarked)  # a discovery never has a larger p than a non-discovery


# --- the engine on generated data -------------------------------------------------------------------

START = datetime(2024, 1, 1)
CHANNELS = ["phone", "chat", "email"]
REASONS = ["billing", "fault", "move"]
TIERS = ["gold", "silver", "bronze"]


@st.composite
def datasets(draw, complete: bool):
    """Customers, contacts and responses; `complete`: every row has a customer, channel and tier."""
    n_customers = draw(st.integers(min_value=1, max_value=6))
    customers = [(f"c{i}", draw(st.sampled_from(TIERS))) for i in range(n_customers)]
    customer_ids = [c for c, _ in customers]
    contacts = []
    for i in range(draw(st.integers(min_value=1, max_value=25))):
        # On a 6-hour grid, so gaps of exactly W days (inclusive) and ties in time come up often.
        minutes = draw(st.integers(min_value=0, max_value=80)) * 6 * 60
        customer = draw(st.sampled_from(customer_ids) if complete else st.one_of(st.none(), st.sampled_from(customer_ids)))
        channel = draw(st.sampled_from(CHANNELS))
        reason = draw(st.sampled_from(REASONS))
        contacts.append((f"k{i:03d}", START + timedelta(minutes=minutes), customer, channel, reason))
    responses = []
    for i in range(draw(st.integers(min_value=0, max_value=25))):
        contact = draw(st.sampled_from(contacts))
        scores = st.one_of(st.none(), st.integers(min_value=0, max_value=10))
        responses.append((
            f"r{i:03d}", contact[1] + timedelta(hours=1), contact[2], contact[0], draw(scores),
            draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5))),
            draw(st.one_of(st.none(), st.integers(min_value=1, max_value=7))),
            draw(st.one_of(st.none(), st.booleans())),
        ))
    return customers, contacts, responses


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime)
                         else ("yes" if v else "no") if isinstance(v, bool) else v for v in row])
    return out.getvalue()


class Loaded:
    """A temporary database holding a generated data set, loaded through the real importer."""

    def __init__(self, data):
        self.folder = tempfile.TemporaryDirectory(prefix="cx-prop-")
        root = Path(self.folder.name)
        customers, contacts, responses = data
        files = {
            "customers": _csv(["customer_id", "tier"], customers),
            "contacts": _csv(["contact_id", "started_at", "customer_id", "channel", "contact_reason"], contacts),
            "responses": _csv(["response_id", "responded_at", "customer_id", "contact_id", "nps", "csat", "ces",
                               "resolved_answer"], responses) if responses else None,
        }
        self.con = connect(root / "p.duckdb")
        for kind, text in files.items():
            if text is not None:
                (root / f"{kind}.csv").write_text(text, encoding="utf-8")
                result = load_file(self.con, kind, root / f"{kind}.csv", ImportOptions())
                assert result.rows_rejected == 0, result.rejects

    def __enter__(self):
        return self.con

    def __exit__(self, *exc):
        self.con.close()
        self.folder.cleanup()


SUMMED = ("nps_n", "csat_n", "ces_n", "survey_fcr_n", "contacts", "repeat_n", "fcr_n")
WEIGHTED = {"nps": "nps_n", "csat": "csat_n", "ces": "ces_n", "survey_fcr": "survey_fcr_n",
            "repeat_rate": "repeat_n", "fcr": "fcr_n"}


@pytest.mark.slow
@ENGINE
@given(datasets(complete=True), st.sampled_from(["channel", "contact_reason", "tier"]), st.sampled_from([1, 3, 7]),
       st.booleans())
def test_splitting_by_a_dimension_and_recombining_gives_the_overall_figures(data, by, window, same_reason):
    with Loaded(data) as con:
        result = metrics(con, by, window=window, same_reason=same_reason)
    overall, groups = result["overall"], result["groups"]
    for field in SUMMED:
        assert sum(g[field] for g in groups) == overall[field], field
    # Each figure is the n-weighted mean of the groups' figures (NPS, shares and CES alike).
    for figure, n in WEIGHTED.items():
        if overall[n]:
            recombined = sum(g[figure] * g[n] for g in groups if g[n]) / overall[n]
            assert math.isclose(recombined, overall[figure], rel_tol=1e-9, abs_tol=1e-9), figure
        else:
            assert overall[figure] is None


def oracle(contacts, window: int, same_reason: bool) -> tuple[int, int, int, int]:
    """Return (contacts with a customer, repeats, judged, resolved first time) straight from the definitions."""
    latest = max(c[1] for c in contacts)
    span = timedelta(days=window)
    chains = defaultdict(list)
    for contact in contacts:
        if contact[2] is not None:
            chains[(contact[2], contact[4] if same_reason else None)].append(contact)
    linked = repeats = judged = resolved = 0
    for chain in chains.values():
        chain.sort(key=lambda c: (c[1], c[0]))
        for i, contact in enumerate(chain):
            linked += 1
            repeats += i > 0 and contact[1] - chain[i - 1][1] <= span
            if contact[1] <= latest - span:
                judged += 1
                resolved += not (i + 1 < len(chain) and chain[i + 1][1] - contact[1] <= span)
    return linked, repeats, judged, resolved


@pytest.mark.slow
@ENGINE
@given(datasets(complete=False), st.sampled_from([1, 2, 7]), st.booleans())
def test_repeat_and_fcr_follow_their_definitions_and_stay_in_range(data, window, same_reason):
    with Loaded(data) as con:
        figures = metrics(con, window=window, same_reason=same_reason)["overall"]
        wider = metrics(con, window=window + 3, same_reason=same_reason)["overall"]
        any_reason = metrics(con, window=window, same_reason=False)["overall"]
    linked, repeats, judged, resolved = oracle(data[1], window, same_reason)
    assert figures["contacts"] == len(data[1])
    assert figures["repeat_n"] == linked <= figures["contacts"]
    assert figures["fcr_n"] == judged <= linked
    if linked:
        assert 0 <= figures["repeat_rate"] <= 100
        assert round(figures["repeat_rate"] * linked / 100) == repeats
    if judged:
        assert 0 <= figures["fcr"] <= 100
        assert round(figures["fcr"] * judged / 100) == resolved
    # A longer window finds at least as many repeats; any reason finds at least as many as the same reason.
    if linked:
        assert wider["repeat_rate"] >= figures["repeat_rate"] - TOLERANCE
        assert any_reason["repeat_rate"] >= figures["repeat_rate"] - TOLERANCE


# --- importer round trip -------------------------------------------------------------------------

DELIMITERS = [",", ";", "\t", "|"]
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]
# (codec to write, name given to the importer or None to let it detect the encoding)
ENCODINGS = [("utf-8", None), ("utf-8-sig", None), ("cp1252", "cp1252"), ("utf-16", "utf-16"), ("latin-1", "latin-1")]
# Comment text: letters of several scripts, digits, punctuation including every delimiter and
# quote, and line breaks inside the value. Surrounding spaces are trimmed by the importer (and an
# empty value is missing), so generated comments are trimmed and non-empty.
COMMENT_CHARS = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\r\x85\u2028\u2029"
) | st.sampled_from(list(",;\t|\"'\n=+-@"))


@st.composite
def survey_files(draw):
    encoding, named = draw(st.sampled_from(ENCODINGS))
    alphabet = COMMENT_CHARS
    if encoding in ("cp1252", "latin-1"):
        alphabet = alphabet.filter(lambda ch: _encodable(ch, encoding))
    n = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for i in range(n):
        # A comment that is exactly a missing-value marker ("-", "NA") is read as missing (guesses.MARKERS).
        comment = draw(st.text(alphabet, max_size=40).map(str.strip).filter(lambda c: c not in MARKERS))
        rows.append((f"r{i}", draw(st.one_of(st.none(), st.integers(0, 10))),
                     draw(st.one_of(st.none(), st.integers(1, 5))), comment or None))
    return rows, draw(st.sampled_from(DELIMITERS)), draw(st.sampled_from(QUOTING)), \
        draw(st.sampled_from(["\n", "\r\n"])), encoding, named


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


@pytest.mark.slow
@settings(max_examples=scaled(10), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_files())
def test_rows_written_as_csv_in_any_dialect_and_encoding_come_back_unchanged(case):
    rows, delimiter, quoting, line_end, encoding, named = case
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=line_end)
    writer.writerow(["response_id", "nps", "csat", "comment"])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    with tempfile.TemporaryDirectory(prefix="cx-prop-") as folder:
        path = Path(folder) / "survey.csv"
        path.write_bytes(out.getvalue().encode(encoding))
        con = connect(Path(folder) / "p.duckdb")
        try:
            result = load_file(con, "responses", path, ImportOptions(encoding=named))
            loaded = con.execute("SELECT response_id, nps, csat, comment FROM responses").fetchall()
        finally:
            con.close()
    assert result.rows_rejected == 0, result.rejects
    assert sorted(loaded) == sorted(rows)


# --- derived contact facts -----------------------------------------------------------------------

FULL_RECOMPUTE = """
SELECT contact_id,
    CASE WHEN customer_id IS NOT NULL THEN LAG(started_at) OVER by_customer END,
    CASE WHEN customer_id IS NOT NULL THEN LEAD(started_at) OVER by_customer END,
    CASE WHEN customer_id IS NOT NULL AND contact_reason IS NOT NULL THEN LAG(started_at) OVER by_reason END,
    CASE WHEN customer_id IS NOT NULL AND contact_reason IS NOT NULL THEN LEAD(started_at) OVER by_reason END,
    CASE WHEN customer_id IS NOT NULL THEN LAG(contact_id) OVER by_customer END,
    CASE WHEN customer_id IS NOT NULL THEN LEAD(contact_id) OVER by_customer END
FROM contacts
WINDOW by_customer AS (PARTITION BY customer_id ORDER BY started_at, contact_id),
    by_reason AS (PARTITION BY customer_id, contact_reason ORDER BY started_at, contact_id)
"""
STORED_FACTS = ("SELECT contact_id, prev_any_at, next_any_at, prev_same_at, next_same_at, prev_any_id, next_any_id "
                "FROM contacts")

contact_rows = st.lists(
    st.tuples(
        st.sampled_from(["c1", "c2", "c3", ""]),  # "" is a contact without a customer
        st.integers(min_value=0, max_value=6),  # few hours: ties in started_at happen
        st.sampled_from(["billing", "delivery", ""]),  # "" is a missing reason
        st.booleans(),  # False: the row's date is unreadable, so the row is rejected
    ),
    min_size=0, max_size=12,
)


@pytest.mark.slow
@ENGINE
@given(batches=st.lists(contact_rows, min_size=1, max_size=4), delete=st.integers(min_value=-1, max_value=3),
       lines_per_insert=st.sampled_from([None, 1, 4]))
def test_facts_after_any_imports_and_a_delete_equal_a_full_recompute(batches, delete, lines_per_insert):
    # Facts are computed for the new contacts at insert and only the stored contacts whose facts
    # change are updated (contact_facts); whatever the order of imports, rejects and deletes, the
    # result must be what one window function over the whole table gives. The rows are written a
    # range of lines at a time (a million at a time: one range here unless lines_per_insert
    # makes every line or every four lines a range of its own).
    from cxmetrics.store import contact_facts
    from cxmetrics.ingest.importer import ImportRefused, delete_import

    chunking = mock.patch.object(contact_facts, "LINES_PER_INSERT", lines_per_insert or contact_facts.LINES_PER_INSERT)
    with tempfile.TemporaryDirectory() as tmp, chunking:
        con = connect(Path(tmp) / "facts.duckdb")
        try:
            imported, serial = [], 0
            for b, batch in enumerate(batches):
                lines = ["contact_id,customer_id,started_at,contact_reason"]
                for customer, hour, reason, readable in batch:
                    serial += 1
                    when = f"2024-03-01 {hour:02d}:00:00" if readable else "not a date"
                    lines.append(f"k{serial},{customer},{when},{reason}")
                path = Path(tmp) / f"batch{b}.csv"
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
                try:
                    # force: a batch of mostly unreadable dates still loads its readable rows
                    result = load_file(con, "contacts", path, ImportOptions(force=True))
                except ImportRefused:
                    continue  # an empty file: nothing to load
                if result.import_id is not None:
                    imported.append(result.import_id)
            if 0 <= delete < len(imported):
                delete_import(con, imported[delete])
            stored = sorted(con.execute(STORED_FACTS).fetchall())
            recomputed = sorted(con.execute(FULL_RECOMPUTE).fetchall())
            assert stored == recomputed
        finally:
            con.close()


# --- reading timestamps ----------------------------------------------------------------------------

_ISO_PARTS = st.tuples(
    st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32),  # out-of-range fields too
    st.sampled_from(["", " ", "T", "t", "  "]), st.integers(0, 25), st.integers(0, 61), st.integers(0, 61),
    st.sampled_from(["", ".5", ".123456", ".1234567", ".", ".12"]),
    st.sampled_from(["", "Z", "+02", "-05:30", " +02:00", "+0100", " UTC", " Europe/Paris", "z"]),
    st.integers(0, 3),  # how much of the time is written: none, hh:mm, hh:mm:ss, with fraction
)


@FAST
@given(_ISO_PARTS)
def test_the_fast_iso_reading_equals_the_time_zone_aware_one(parts):
    """validation.iso_timestamp reads zoneless text with a plain TIMESTAMP cast for speed; on any
    text it must give what the time-zone-aware cast in a UTC session gives (the rule it replaced)."""
    from cxmetrics.ingest.validation import iso_timestamp

    year, month, day, sep, hour, minute, second, fraction, zone, shown = parts
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if shown:
        text += f"{sep}{hour:02d}:{minute:02d}"
        text += f":{second:02d}" if shown >= 2 else ""
        text += fraction if shown == 3 else ""
    text += zone
    con = _utc_connection()
    fast, reference = con.execute(
        f"SELECT {iso_timestamp('$t')}, CAST(TRY_CAST($t AS TIMESTAMPTZ) AS TIMESTAMP)", {"t": text}
    ).fetchall()[0]
    assert fast == reference, text


_UTC = {}


def _utc_connection():
    """One in-memory connection set up as the engine's are (UTC session), kept for every example."""
    if "con" not in _UTC:
        _UTC["con"] = connect(":memory:")
    return _UTC["con"]


# --- line numbers ------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=40).map(lambda b: bytes(b"a\r\n"[x % 3] for x in b)), st.integers(1, 5))
def test_line_count_and_bare_cr_equal_a_direct_reading_at_any_chunk_size(data, chunk):
    # A CR at the end of one chunk and its LF at the start of the next must still pair up.
    with tempfile.TemporaryDirectory(prefix="cx-prop-") as folder:
        path = Path(folder) / "f.csv"
        path.write_bytes(data)
        with mock.patch.object(csv_lines, "CHUNK", chunk):
            lines, bare_cr = csv_lines._line_count(path)
    assert lines == data.count(b"\n") + (bool(data) and not data.endswith(b"\n"))
    assert bare_cr == (re.search(rb"\r(?!\n)", data) is not None)


@st.composite
def numbered_files(draw):
    """A responses file of records of four sorts, and the (line, reason) of each reject it must
    give: good, out of range (a row reject), one field too many (a reader reject), and good but
    for a comment holding line breaks; blank lines between them; LF or CRLF; last line ended or not."""
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["response_id,nps,comment"]
    expected = []
    for i in range(draw(st.integers(1, 10))):
        lines += [""] * draw(st.sampled_from([0, 0, 0, 1, 2]))
        kind = draw(st.sampled_from(["good", "range", "fields", "multiline"]))
        where = len(lines) + 1
        if kind == "good":
            lines.append(f"r{i},7,fine")
        elif kind == "range":
            lines.append(f"r{i},11,high")
            expected.append((where, "nps must be 0–10"))
        elif kind == "fields":
            lines.append(f"r{i},7,x,extra")
            expected.append((where, "row has more fields than the header"))
        else:
            breaks = draw(st.integers(1, 3))
            # Its text holds `breaks` line breaks: the records after it move down as many lines.
            lines += [f'r{i},8,"one'] + [""] * (breaks - 1) + ['more"']
    text = nl.join(lines) + (nl if draw(st.booleans()) else "")
    return text, expected


@pytest.mark.slow
@ENGINE
@given(numbered_files())
def test_rejects_name_the_line_each_record_starts_on(case):
    text, expected = case
    with tempfile.TemporaryDirectory(prefix="cx-prop-") as folder:
        path = Path(folder) / "survey.csv"
        path.write_bytes(text.encode("utf-8"))
        con = connect(Path(folder) / "p.duckdb")
        try:
            result = load_file(con, "responses", path, ImportOptions())
        finally:
            con.close()
    assert [(r["line"], r["reason"]) for r in result.rejects] == expected
