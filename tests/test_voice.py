"""Voice of the customer: comment search (typed text only ever a literal parameter), band and
theme filters, theme shares by NPS group, monthly trend, theme drivers in the driver view's terms,
and the page itself (AppTest)."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.engine import themes, voice
from cxmetrics.store.dimensions import Filters
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.face.privacy import mask_customer_id
from cxmetrics.engine.segments import driver_impact
from cxmetrics.engine.voice import CommentQuery, search_terms
from page_runner import db, on_database, open_page, shown_filters  # noqa: F401 (db is a fixture)

Z = 1.959963984540054

CONTACTS = """contact_id,started_at,customer_id,channel,contact_reason
K1,2026-01-10 09:00:00,C1,phone,Billing
K2,2026-01-12 09:00:00,C2,chat,Delivery
K3,2026-02-03 09:00:00,C3,phone,Billing
K4,2026-02-04 09:00:00,C4,chat,Delivery
"""
RESPONSES = """response_id,responded_at,customer_id,contact_id,nps,csat,comment
R1,2026-01-10 12:00:00,C1,K1,2,1,"Waited ages in the queue, rude agent"
R2,2026-01-12 12:00:00,C2,K2,5,2,Le délai était trop long
R3,2026-02-03 12:00:00,C3,K3,10,5,Friendly and quick
R4,2026-02-04 12:00:00,C4,K4,9,4,"Great, no wait at all"
R5,2026-02-05 12:00:00,C5,,7,3,100% ok_fine
R6,2026-02-06 12:00:00,C6,,8,,
R7,,C7,,0,,rude
"""
DICTIONARY = [
    {"theme": "Waiting", "pattern": r"wait\w*", "language": "en"},
    {"theme": "Waiting", "pattern": "queue", "language": "en"},
    {"theme": "Staff", "pattern": "friendly|rude", "language": "en"},
    {"theme": "Délai", "pattern": "delai", "language": "fr"},
]


@pytest.fixture
def small(con, load):
    load("contacts", "contacts.csv", CONTACTS)
    load("responses", "responses.csv", RESPONSES)
    themes.save_dictionary(con, DICTIONARY)
    return con


def ids(frame) -> list[str]:
    return list(frame["response_id"])


@pytest.mark.parametrize(
    "typed, terms",
    [
        ("", ()),
        (None, ()),
        ("refund", ("refund",)),
        ("  wait   rude ", ("wait", "rude")),
        ('"call back" today', ("call back", "today")),
        ('"unclosed phrase', ('"unclosed', "phrase")),
        ("a a a", ("a",)),
        (" ".join(f"w{i}" for i in range(15)), tuple(f"w{i}" for i in range(10))),
        ("x" * 150, ("x" * 100,)),
    ],
)
def test_search_terms(typed, terms):
    assert search_terms(typed) == terms


@pytest.mark.parametrize(
    "query, expected",
    [
        (CommentQuery(), ["R5", "R4", "R3", "R2", "R1", "R7"]),  # newest first, undated last, blank left out
        (CommentQuery(search="DÉLAI"), ["R2"]),
        (CommentQuery(search="delai"), ["R2"]),
        (CommentQuery(search="wait rude"), ["R1"]),  # every word must appear
        (CommentQuery(search='"no wait"'), ["R4"]),  # a quoted phrase as one piece
        (CommentQuery(search="RUDE"), ["R1", "R7"]),
        # typed text is literal: LIKE wildcards, regex syntax and SQL do nothing special
        (CommentQuery(search="100%"), ["R5"]),
        (CommentQuery(search="%"), ["R5"]),
        (CommentQuery(search="_"), ["R5"]),
        (CommentQuery(search=".*"), []),
        (CommentQuery(search="(queue"), []),
        (CommentQuery(search="'; DROP TABLE responses; --"), []),
        (CommentQuery(nps_groups=("promoter",)), ["R4", "R3"]),
        (CommentQuery(nps_groups=("detractor", "passive")), ["R5", "R2", "R1", "R7"]),
        (CommentQuery(nps_groups=("nonsense",)), ["R5", "R4", "R3", "R2", "R1", "R7"]),  # unknown bands ignored
        (CommentQuery(csat_bands=("neutral",)), ["R5"]),
        (CommentQuery(csat_bands=("dissatisfied",)), ["R2", "R1"]),
        (CommentQuery(sentiments=("negative",)), ["R2", "R1", "R7"]),
        (CommentQuery(theme="Staff"), ["R3", "R1", "R7"]),
        (CommentQuery(theme="Staff", nps_groups=("detractor",), search="agent"), ["R1"]),
    ],
)
def test_comments_answer_the_query(small, query, expected):
    assert ids(voice.comments(small, Filters(), query)) == expected
    assert small.execute("SELECT count(*) FROM responses").fetchall() == [(7,)]


@pytest.mark.parametrize(
    "filters, expected",
    [
        (Filters(channels=("phone",)), ["R3", "R1"]),
        (Filters(reasons=("Delivery",)), ["R4", "R2"]),
        (Filters(date_from=date(2026, 2, 1)), ["R5", "R4", "R3"]),
        (Filters(date_to=date(2026, 1, 12)), ["R2", "R1"]),
    ],
)
def test_comments_follow_the_shared_filters(small, filters, expected):
    assert ids(voice.comments(small, filters)) == expected


def test_a_comment_row_carries_bands_sentiment_themes_and_the_total(small):
    found = voice.comments(small, Filters(), CommentQuery(), limit=2)
    assert ids(found) == ["R5", "R4"]
    assert set(found["matching"]) == {6}  # all that match, not just those shown
    first = voice.comments(small, Filters(), CommentQuery(search="queue")).iloc[0]
    assert (first["nps_group"], first["csat_band"], first["themes"], first["sentiment_band"]) == (
        "detractor", "dissatisfied", "Staff, Waiting", "negative")
    assert first["customer_id"] == "C1" and first["channel"] == "phone" and first["contact_reason"] == "Billing"


def wilson(k: int, n: int) -> tuple[float, float, float]:
    p = k / n
    den = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / den
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / den
    return 100 * p, 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def test_theme_shares_by_nps_group(small):
    summary, overall = voice.theme_summary(small)
    # six comments: detractors R1 R2 R7, passive R5, promoters R3 R4; R5 mentions no theme
    assert overall == {"comments": 6, "untagged": 1, "tagged_share": pytest.approx(100 * 5 / 6), "detractors": 3,
                       "passives": 1, "promoters": 2, "sentiment": pytest.approx(overall["sentiment"])}
    rows = summary.set_index("theme")
    # Staff: R1, R7 (detractors) and R3 (promoter)
    staff = rows.loc["Staff"]
    assert (staff["comments"], staff["detractor_mentions"], staff["promoter_mentions"]) == (3, 2, 1)
    assert (staff["detractor_share"], staff["detractor_low"], staff["detractor_high"]) == pytest.approx(wilson(2, 3))
    assert (staff["promoter_share"], staff["promoter_low"], staff["promoter_high"]) == pytest.approx(wilson(1, 2))
    assert staff["share"] == pytest.approx(50.0)
    assert staff["gap"] == pytest.approx(200 / 3 - 50)
    se = math.sqrt(10000 * (2 / 3) * (1 / 3) / 3 + 10000 * 0.5 * 0.5 / 2)
    assert (staff["gap_low"], staff["gap_high"]) == pytest.approx((200 / 3 - 50 - Z * se, 200 / 3 - 50 + Z * se))
    assert staff["nps"] == pytest.approx(100 * (1 - 2) / 3)
    assert rows.loc["Délai", "detractor_mentions"] == 1 and rows.loc["Délai", "promoter_mentions"] == 0
    assert rows.loc["Waiting", "detractor_share"] == pytest.approx(100 / 3)
    # fewer than 30 detractors or promoters: no test, nothing significant
    assert not summary["significant"].any() and summary["p_value"].isna().all()
    # most detractor-heavy first; a tie goes to the theme with more comments
    assert list(summary["theme"]) == ["Staff", "Waiting", "Délai"]


def test_theme_trend_by_month(small):
    trend = voice.theme_trend(small)
    got = {(r.theme, r.month): (r.comments, r.mentions, r.detractor_comments, r.detractor_mentions)
           for r in trend.itertuples()}
    assert got == {  # R7 has no date: left out of the trend
        ("Délai", "2026-01"): (2, 1, 2, 1), ("Délai", "2026-02"): (3, 0, 0, 0),
        ("Staff", "2026-01"): (2, 1, 2, 1), ("Staff", "2026-02"): (3, 1, 0, 0),
        ("Waiting", "2026-01"): (2, 1, 2, 1), ("Waiting", "2026-02"): (3, 1, 0, 0),
    }
    staff = trend[(trend["theme"] == "Staff") & (trend["month"] == "2026-02")].iloc[0]
    assert (staff["share"], staff["share_low"], staff["share_high"]) == pytest.approx(wilson(1, 3))


def test_theme_drivers_hand_computed(small):
    drivers = voice.theme_drivers(small, "nps").set_index("theme")
    staff = drivers.loc["Staff"]
    # commenting answers with NPS: 6; Staff: P 1 (R3), D 2 (R1, R7), n 3 -> -33.3; rest: P 1, D 1, n 3 -> 0
    assert (staff["value"], staff["rest_value"], staff["n"]) == pytest.approx((-100 / 3, 0.0, 3))
    assert staff["share"] == pytest.approx(50.0)
    assert staff["impact"] == pytest.approx(0.5 * 100 / 3)
    var_theme = 10000 * (1 / 3 + 2 / 3 - (1 / 3 - 2 / 3) ** 2) / 3
    var_rest = 10000 * (1 / 3 + 1 / 3) / 3
    half = Z * math.sqrt(var_theme + var_rest)
    assert (staff["impact_low"], staff["impact_high"]) == pytest.approx(
        (0.5 * (100 / 3 - half), 0.5 * (100 / 3 + half)))
    assert staff["too_few"] and not staff["significant"]
    # CSAT: Staff answers R1 (1), R3 (5) -> 1 of 2 satisfied; rest R2 (2), R4 (4), R5 (3) -> 1 of 3
    csat = voice.theme_drivers(small, "csat").set_index("theme").loc["Staff"]
    assert (csat["value"], csat["rest_value"], csat["n"]) == pytest.approx((50.0, 100 / 3, 2))
    assert csat["impact"] == pytest.approx(-(2 / 5) * (50 - 100 / 3))
    with pytest.raises(ValueError, match="themes are compared on nps or csat"):
        voice.theme_drivers(small, "fcr")


def test_theme_drivers_agree_with_the_driver_view(con, load):
    """When every answer has a comment naming its contact reason, themes and reasons are the same groups:
    the theme drivers must equal segments.driver_impact by contact reason, figure for figure."""
    rng = random.Random(7)
    reasons = {"Billing": 4.0, "Delivery": 7.5, "Outage": 9.0}
    contacts, responses = ["contact_id,started_at,customer_id,channel,contact_reason"], [
        "response_id,responded_at,customer_id,contact_id,nps,csat,comment"]
    for i in range(240):
        reason = list(reasons)[i % 3]
        nps = min(10, max(0, round(rng.gauss(reasons[reason], 2.5))))
        csat = min(5, max(1, round(nps / 2)))
        contacts.append(f"K{i},2026-01-{1 + i % 28:02d} 09:00:00,C{i},phone,{reason}")
        responses.append(f"R{i},2026-01-{1 + i % 28:02d} 12:00:00,C{i},K{i},{nps},{csat},about {reason.lower()} x")
    load("contacts", "contacts.csv", "\n".join(contacts) + "\n")
    load("responses", "responses.csv", "\n".join(responses) + "\n")
    themes.save_dictionary(con, [{"theme": r, "pattern": r.lower(), "language": "en"} for r in reasons])
    for metric in ("nps", "csat"):
        ours = voice.theme_drivers(con, metric).rename(columns={"theme": "group"})
        theirs = driver_impact(con, metric, "contact_reason").rename(columns={"contact_reason": "group"})
        assert list(ours["group"]) == list(theirs["group"])
        for column in ("share", "value", "rest_value", "n", "impact", "impact_low", "impact_high"):
            assert list(ours[column]) == pytest.approx(list(theirs[column])), (metric, column)
        assert list(ours["significant"]) == list(theirs["significant"])
        assert list(ours["too_few"]) == list(theirs["too_few"])
        assert ours["significant"].any()  # 80 answers per group: the test really tests


def test_driver_sentences_name_the_costliest_themes(small):
    drivers = voice.theme_drivers(small, "nps")
    sentences = voice.driver_sentences(drivers, "nps")
    assert sentences[0].startswith("**Staff** costs **16.7 NPS points** among customers who commented")
    assert "(too few responses to judge)" in sentences[0]
    assert voice.driver_sentences(drivers.iloc[0:0], "nps") == ["No theme drags NPS below the rest of the comments."]


def test_display_tables_are_named_in_words_the_theme_first(small):
    summary, _ = voice.theme_summary(small)
    themes = voice.theme_table(summary)
    assert list(themes.columns)[:3] == ["Theme", "Comments", "Share of comments %"]  # drill-through reads column 0
    assert list(themes["Theme"]) == list(summary["theme"])
    table = voice.comment_table(voice.comments(small))
    assert list(table.columns) == ["Answered", "Comment", "NPS answer (0–10)", "CSAT answer (1–5)", "Themes",
                                   "Sentiment", "Channel", "Contact reason", "Customer"]
    assert "matching" not in table.columns


# --- the page -------------------------------------------------------------------------------------

VOICE = "views/voice.py"


def comments_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Comment" in d.value.columns and "Answered" in d.value.columns)


def matching_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "comments match" in m.value)


def test_the_page_shows_the_engine_figures(db):
    at = open_page(VOICE)
    assert not at.error, [e.body for e in at.error]
    assert at.title[0].value == "Voice of the customer"
    total = on_database(db, lambda con: int(voice.comments(con, shown_filters(con)).iloc[0]["matching"]))
    assert matching_line(at).startswith(f"**{total:,}** comments match")
    drivers = on_database(db, lambda con: voice.theme_drivers(con, "nps", shown_filters(con)))
    assert at.markdown[0].value == "- " + voice.driver_sentences(drivers, "nps")[0]


def test_searching_narrows_the_comments(db):
    at = open_page(VOICE)
    at.text_input(key="voc_search").input('"call back"').run()
    assert not at.exception
    expected = on_database(db, lambda con: voice.comments(con, shown_filters(con), CommentQuery(search='"call back"')))
    assert matching_line(at).startswith(f"**{len(expected):,}** comments match")
    assert list(comments_table(at)["Comment"]) == list(expected["comment"])
    assert all("call back" in c.lower() for c in comments_table(at)["Comment"])


def test_the_shared_filters_apply(db):
    at = open_page(VOICE, {"channel": "phone"})
    phone = on_database(db, lambda con: int(voice.comments(con, replace(shown_filters(con), channels=("phone",)))
                                            .iloc[0]["matching"]))
    assert matching_line(at).startswith(f"**{phone:,}** comments match")


def test_masking_from_the_link(db):
    plain = comments_table(open_page(VOICE))
    assert plain["Customer"].str.startswith("C").all()
    at = open_page(VOICE, {"mask": "1"})
    masked = comments_table(at)
    assert list(masked["Customer"]) == [mask_customer_id(c) for c in plain["Customer"]]
    assert not any("Jürgen" in str(c) for c in masked["Comment"])  # agents' names are people too
    assert any("Jürgen" in str(c) for c in on_database(db, lambda con: voice.comments(con, limit=5000))["comment"])
    assert at.query_params["mask"] in ("1", ["1"])


def test_an_invalid_keyword_gives_a_clear_message_and_a_valid_one_is_stored(db):
    at = open_page(VOICE)
    at.text_input(key="voc_new_theme").input("Broken")
    at.text_input(key="voc_new_pattern").input("(oops")
    at.button[[b.label for b in at.button].index("Add")].click().run()
    assert not at.exception
    assert [e.body for e in at.error] == [  # the message quotes what was typed: shown as text
        "Not added: " + escape_markdown("theme 'Broken': '(oops' is not a valid regular expression (missing ): (oops)")]
    at.text_input(key="voc_new_theme").input("Courtesy")
    at.text_input(key="voc_new_pattern").input("polite")
    at.button[[b.label for b in at.button].index("Add")].click().run()
    assert not at.exception and not at.error
    stored = on_database(db, lambda con: themes.dictionary(con))
    assert {"theme": "Courtesy", "pattern": "polite", "language": "any"} in stored.to_dict("records")
    assert "Broken" not in set(stored["theme"])


def test_trying_a_keyword_shows_what_it_would_tag(db):
    at = open_page(VOICE)
    at.text_input(key="voc_try").input(r"refund\w*").run()
    assert not at.exception
    count = on_database(db, lambda con: int(themes.pattern_matches(con, r"refund\w*").iloc[0]["matching"]))
    assert any(m.value == f"**{count:,}** comments would be tagged." for m in at.markdown)
    at.text_input(key="voc_try").input("[bad").run()
    assert any("not a valid regular expression" in e.body for e in at.error)


# --- the chart builder ----------------------------------------------------------------------------


def test_group_share_chart_draws_one_dot_per_theme_and_group(small):
    from cxmetrics.face.charts import MAX_CHART_ROWS, NO_DATA, TooManyRows, group_share_chart

    summary, _ = voice.theme_summary(small)
    shares = voice.group_shares(summary)
    assert list(shares.columns) == ["theme", "group", "share", "low", "high", "n", "mentions"]
    assert len(shares) == 2 * len(summary)
    groups = ["Detractors (0–6)", "Promoters (9–10)"]
    spec = group_share_chart(shares, category="theme", group="group", groups=groups, title="T").to_dict()
    dots = spec["layer"][1]
    assert dots["mark"]["type"] == "point"
    assert dots["encoding"]["x"]["field"] == "share" and dots["encoding"]["yOffset"]["field"] == "group"
    assert dots["encoding"]["color"]["scale"] == {"domain": groups, "range": ["#ff7f0e", "#1f77b4"]}
    assert dots["encoding"]["y"]["sort"] == list(summary["theme"])  # the summary's order, detractor-heavy first
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert len(rows) == len(shares)
    assert {r["_note"] for r in rows} == {"too few responses"}  # 3 detractors, 2 promoters: all under 30
    empty = group_share_chart(shares.iloc[0:0], category="theme", group="group", groups=groups, title="T").to_dict()
    assert NO_DATA in str(empty)
    big = shares.sample(MAX_CHART_ROWS + 1, replace=True, random_state=1)
    with pytest.raises(TooManyRows):
        group_share_chart(big, category="theme", group="group", groups=groups, title="T")
