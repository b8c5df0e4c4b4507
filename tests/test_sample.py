"""The sample generator: deterministic, well-formed CSVs that carry every planted effect.

Reads the files with pandas only (no other cxmetrics module), so the planted effects are
checked independently of the metric engine that is meant to reveal them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cxmetrics.core.sample import write_sample

TABLES = ("customers", "contacts", "responses", "outcomes", "engagement")
HEADERS = {
    "customers": ["customer_id", "tier", "region", "plan", "tenure_band", "acquisition_channel"],
    "contacts": ["contact_id", "customer_id", "started_at", "channel", "contact_reason", "resolved",
                 "transfers", "handle_seconds", "agent", "team", "self_service"],
    "responses": ["response_id", "responded_at", "customer_id", "contact_id", "survey", "nps", "csat",
                  "ces", "resolved_answer", "comment"],
    "outcomes": ["customer_id", "month", "revenue", "churned", "orders"],
    "engagement": ["team", "month", "engagement_score"],
}
TS = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
ASSISTED = {"phone", "chat", "email"}


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return write_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def data(paths):
    """All five tables as text (blank stays ''), plus parsed helper columns."""
    t = {n: pd.read_csv(paths[n], dtype=str, keep_default_na=False, encoding="utf-8") for n in TABLES}
    t["contacts"]["t"] = pd.to_datetime(t["contacts"].started_at)
    r = t["responses"]
    r["t"] = pd.to_datetime(r.responded_at)
    for col in ("nps", "csat", "ces"):
        r[col + "_n"] = pd.to_numeric(r[col].replace("", None))
    return t


@pytest.fixture(scope="module")
def responses(data):
    """Responses as the importer keeps them (first row per response_id) joined to customers."""
    r = data["responses"].drop_duplicates("response_id", keep="first")
    return r.merge(data["customers"], on="customer_id", how="left", validate="many_to_one")


@pytest.fixture(scope="module")
def contacts(data):
    """Customer contacts in time order with the next contact of the same customer alongside."""
    k = data["contacts"][data["contacts"].customer_id != ""].sort_values(["customer_id", "t"]).copy()
    nxt = k.groupby("customer_id")[["t", "contact_reason", "self_service"]].shift(-1)
    k["gap_next"] = nxt.t - k.t
    k["gap_prev"] = k.t - k.groupby("customer_id").t.shift(1)
    k["next_reason"], k["next_self_service"] = nxt.contact_reason, nxt.self_service
    k["followed_by_repeat"] = k.gap_next <= pd.Timedelta(days=7)
    return k


def nps_score(s: pd.Series) -> float:
    s = s.dropna()
    return 100.0 * ((s >= 9).mean() - (s <= 6).mean())


# -- determinism and format ------------------------------------------------------------------


def test_returns_one_path_per_table(paths):
    assert list(paths) == list(TABLES)
    assert all(p.name == f"{n}.csv" and p.is_file() for n, p in paths.items())


def test_same_seed_is_byte_identical_and_other_seed_differs(paths, tmp_path):
    again = write_sample(tmp_path / "again")
    other = write_sample(tmp_path / "other", seed=8)
    for name in TABLES:
        assert again[name].read_bytes() == paths[name].read_bytes(), name
    assert other["responses"].read_bytes() != paths["responses"].read_bytes()
    assert other["contacts"].read_bytes() != paths["contacts"].read_bytes()


def test_customer_count_follows_argument(tmp_path):
    small = write_sample(tmp_path, customers=300, seed=3)
    customers = pd.read_csv(small["customers"], dtype=str, keep_default_na=False)
    assert len(customers) == 300
    assert (customers.region == "Åland").sum() == 1


def test_headers_are_canonical(paths):
    for name in TABLES:
        first = paths[name].read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.split(",") == HEADERS[name], name


def test_plain_utf8_with_newline_endings(paths):
    for name in TABLES:
        raw = paths[name].read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n"), name
        raw.decode("utf-8")


def test_value_formats(data):
    c, r, o, e = data["contacts"], data["responses"], data["outcomes"], data["engagement"]
    assert c.started_at.str.fullmatch(TS).all() and r.responded_at.str.fullmatch(TS).all()
    assert c.started_at.min() >= "2025-11-01 00:00:00" and c.started_at.max() <= "2026-10-31 23:59:59"
    assert r.responded_at.min() >= "2025-11-01 00:00:00" and r.responded_at.max() <= "2026-10-31 23:59:59"
    for col in (c.resolved, c.self_service, o.churned):
        assert set(col) <= {"true", "false"}
    assert set(r.resolved_answer) <= {"true", "false", ""}
    assert o.month.str.fullmatch(r"\d{4}-\d{2}-01").all() and e.month.str.fullmatch(r"\d{4}-\d{2}-01").all()
    assert o.revenue.str.fullmatch(r"\d+\.\d{2}").all()
    assert e.engagement_score.str.fullmatch(r"\d{1,3}\.\d").all()
    assert c.transfers.str.fullmatch(r"[0-3]").all() and o.orders.str.fullmatch(r"\d+").all()


def test_sizes(data, paths):
    assert len(data["customers"]) == 2000
    assert 12_000 <= len(data["contacts"]) <= 20_000
    assert 4_000 <= len(data["responses"]) <= 7_000
    assert 18_000 <= len(data["outcomes"]) <= 24_000
    assert len(data["engagement"]) == data["engagement"].team.nunique() * 12
    assert sum(p.stat().st_size for p in paths.values()) <= 4_200_000


# -- table shape -----------------------------------------------------------------------------


def test_customers(data):
    cu = data["customers"]
    assert cu.customer_id.is_unique and cu.customer_id.str.fullmatch(r"C\d{5}").all()
    assert set(cu.tier) == {"Basic", "Standard", "Premium"}
    assert set(cu.plan) == {"monthly", "annual"}
    assert set(cu.tenure_band) == {"<1y", "1-3y", "3y+"}
    assert set(cu.acquisition_channel) == {"web", "store", "partner", "referral"}
    assert {"Île-de-France", "Zürich", "São Paulo", "Nordics", "Åland"} <= set(cu.region)


def test_contacts(data):
    c = data["contacts"]
    assert c.contact_id.is_unique and c.contact_id.str.fullmatch(r"K\d{6}").all()
    assert set(c.channel) == {"phone", "chat", "email", "web", "app", "social"}
    assert c.contact_reason.nunique() >= 8
    assert 0.01 <= (c.customer_id == "").mean() <= 0.03
    assert set(c.customer_id) - {""} <= set(data["customers"].customer_id)
    self_service = c.channel.isin(["web", "app"])
    assert (c.self_service == np.where(self_service, "true", "false")).all()
    assert ((c.handle_seconds == "") == self_service).all() and ((c.agent == "") == self_service).all()
    assert pd.to_numeric(c.handle_seconds[~self_service]).gt(0).all()
    agents = c[~self_service].groupby("agent").team.nunique()
    assert 15 <= len(agents) <= 25 and (agents == 1).all()
    assert 4 <= c.team[~self_service].nunique() <= 5


def test_responses_link_to_contacts(data):
    r, c = data["responses"], data["contacts"]
    assert set(r.survey) == {"transactional", "relationship"}
    assert r.response_id.str.fullmatch(r"R\d{6}").all()
    assert (r.contact_id[r.survey == "relationship"] == "").all()
    tx = r[r.survey == "transactional"].merge(c, on="contact_id", suffixes=("", "_c"), validate="many_to_one")
    assert len(tx) == (r.survey == "transactional").sum()
    assert (tx.customer_id == tx.customer_id_c).all() and (tx.t >= tx.t_c).all()
    assert (tx.t - tx.t_c).max() <= pd.Timedelta(days=6)
    assert r.nps_n.dropna().between(0, 10).all() and r.csat_n.dropna().between(1, 5).all()
    assert r.ces_n.dropna().between(1, 7).all()


def test_outcomes_stop_at_churn(data):
    o = data["outcomes"].copy()
    assert not o.duplicated(["customer_id", "month"]).any()
    assert set(o.customer_id) == set(data["customers"].customer_id)
    o["i"] = o.groupby("customer_id").cumcount()
    months = sorted(o.month.unique())
    assert len(months) >= 12 and (o.month == [months[i] for i in o.i]).all()  # consecutive from month 1
    last = o.groupby("customer_id").i.transform("max")
    assert (o.churned[o.i < last] == "false").all()
    churned = o[o.churned == "true"]
    assert 150 <= len(churned) <= 700
    # Churned customers neither contact nor answer surveys after their churn month.
    end = pd.to_datetime(churned.set_index("customer_id").month) + pd.offsets.MonthBegin(1)
    c = data["contacts"][data["contacts"].customer_id.isin(end.index)]
    assert (c.t < c.customer_id.map(end)).all()


def test_engagement_covers_every_team_and_month(data):
    e, teams = data["engagement"], set(data["contacts"].team) - {""}
    assert set(e.team) == teams and not e.duplicated(["team", "month"]).any()
    assert e.engagement_score.astype(float).between(0, 100).all()


# -- planted effects -------------------------------------------------------------------------


def test_technical_fault_has_poor_first_contact_resolution(contacts):
    share = contacts.groupby(contacts.contact_reason == "Technical fault").followed_by_repeat.mean()
    tech, other = share[True], share[False]
    assert 0.35 <= tech <= 0.6 and 0.08 <= other <= 0.2 and tech > 2 * other
    # The repeats come back within days, not hours, and often about the same thing.
    back = contacts[(contacts.contact_reason == "Technical fault") & (contacts.next_self_service == "false")]
    back = back[back.followed_by_repeat]
    assert (back.next_reason == "Technical fault").mean() > 0.5
    assert back.gap_next.median() >= pd.Timedelta(days=1)


def test_detractors_churn_more_than_promoters(data, responses):
    o = data["outcomes"].assign(m=lambda d: pd.to_datetime(d.month)).sort_values("m")
    latest = responses.dropna(subset=["nps_n"]).sort_values("t")[["customer_id", "t", "nps_n"]]
    h = pd.merge_asof(o, latest, left_on="m", right_on="t", by="customer_id", allow_exact_matches=False)
    h["churn"] = h.churned == "true"
    detractor, promoter = h[h.nps_n <= 6].churn.mean(), h[h.nps_n >= 9].churn.mean()
    assert detractor > 1.5 * promoter
    # The same holds per customer: the latest NPS they ever gave vs whether they left.
    per = latest.groupby("customer_id").nps_n.last().to_frame().join(
        data["outcomes"].groupby("customer_id").churned.apply(lambda s: (s == "true").any()))
    assert per[per.nps_n <= 6].churned.mean() > 1.5 * per[per.nps_n >= 9].churned.mean()


def test_repeat_contacts_score_lower(contacts, responses):
    repeaters = set(contacts.customer_id[contacts.gap_prev <= pd.Timedelta(days=7)])
    has_repeat = responses.customer_id.isin(repeaters)
    assert nps_score(responses.nps_n[~has_repeat]) - nps_score(responses.nps_n[has_repeat]) >= 20
    # Sharper: surveys about a contact that was a repeat, or was followed by one.
    in_chain = contacts.followed_by_repeat | (contacts.gap_prev <= pd.Timedelta(days=7))
    tx = responses.merge(contacts[["contact_id"]].assign(chain=in_chain), on="contact_id")
    assert nps_score(tx.nps_n[~tx.chain]) - nps_score(tx.nps_n[tx.chain]) >= 35


def test_basic_tier_has_a_real_gap(responses):
    basic = responses[responses.tier == "Basic"].nps_n
    assert basic.notna().sum() >= 300
    assert nps_score(responses[responses.tier != "Basic"].nps_n) - nps_score(basic) >= 15


def test_tiny_segments_exist(data, responses):
    assert (data["customers"].region == "Åland").sum() == 1
    assert (data["responses"].merge(data["customers"], on="customer_id").region == "Åland").sum() == 1
    counts = responses.region.value_counts()
    small = counts[(counts < 30) & (counts.index != "Åland")]
    assert len(small) >= 1 and (small >= 5).all()
    assert (counts.drop(list(small.index) + ["Åland"]) >= 100).all()


def test_self_service_failures_reach_an_agent_within_a_day(contacts):
    def bounced(rows):
        return ((rows.gap_next <= pd.Timedelta(hours=24)) & (rows.next_reason == rows.contact_reason)
                & (rows.next_self_service == "false")).mean()

    online = contacts[contacts.self_service == "true"]
    assisted = contacts[contacts.channel.isin(ASSISTED)]
    assert 0.15 <= bounced(online) <= 0.5 and bounced(assisted) < 0.05
    # The bounce lands on an agent channel, not social.
    nxt = online[online.gap_next <= pd.Timedelta(hours=24)]
    assert (nxt.next_self_service == "false").mean() > 0.8


def test_low_engagement_team_has_lower_csat(data, responses):
    engagement = data["engagement"].assign(e=lambda d: d.engagement_score.astype(float)).groupby("team").e.mean()
    low = engagement.idxmin()
    assert engagement.drop(low).min() - engagement[low] >= 10
    csat = responses.merge(data["contacts"][["contact_id", "team"]], on="contact_id")
    csat = csat[csat.team != ""].groupby("team").csat_n.mean()
    assert csat.idxmin() == low and csat.drop(low).mean() - csat[low] >= 0.25


def test_nps_trends_up(responses):
    by_month = responses.groupby(responses.t.dt.to_period("M")).nps_n.apply(nps_score)
    assert len(by_month) == 12
    assert by_month.iloc[-3:].mean() - by_month.iloc[:3].mean() >= 5
    assert np.corrcoef(np.arange(12), by_month.to_numpy())[0, 1] > 0.5


# -- awkward rows ----------------------------------------------------------------------------


def test_duplicate_response_id_with_different_values(data):
    r = data["responses"]
    dups = r[r.response_id.duplicated(keep=False)]
    assert 1 <= dups.response_id.nunique() <= 3
    for _, pair in dups.groupby("response_id"):
        assert len(pair) == 2 and pair.nps.nunique() == 2


def test_blank_scores(data):
    r = data["responses"]
    tx = r[r.survey == "transactional"]
    assert ((tx.nps != "") & (tx.csat == "")).sum() >= 20
    assert ((tx.nps == "") & (tx.csat != "")).sum() >= 5
    assert 1 <= ((r.nps == "") & (r.csat == "") & (r.ces == "")).sum() <= 20
    assert (r.csat[r.survey == "relationship"] == "").all()


def test_comments_are_varied_and_awkward(data, responses):
    comments = data["responses"].comment
    assert comments.str.contains(",").any()
    assert comments.apply(lambda s: "," in s and '"' in s and "\n" in s).sum() >= 1
    assert comments.apply(lambda s: all(ch in s for ch in "éü") and any(ord(ch) > 0xFFFF for ch in s)).sum() >= 1
    written = comments[comments != ""]
    assert written.nunique() >= 0.4 * len(written)
    assert written.str.split().str.len().between(2, 60).all()
    said = responses.comment != ""
    passives, detractors = said[responses.nps_n.between(7, 8)], said[responses.nps_n <= 6]
    assert passives.mean() < 0.3 < detractors.mean()
    for theme in ("wait", "call back", "friendly", "charged", "app", "late", "expensive"):
        assert comments.str.contains(theme, case=False).any(), theme


def test_comments_are_english_words(data):
    written = data["responses"].comment
    words = set(re.findall(r"[a-z']+", " ".join(written).lower()))
    assert {"the", "and", "agent", "delivery", "refund"} <= words
