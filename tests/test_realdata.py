"""Real exports in ../shared/realdata, loaded through the command line as an analyst would.

Each product figure is compared with a figure computed here, independently of cxmetrics:
pandas, Python's csv module and plain byte counting read the files themselves. The files are
read-only, are not part of the project and are never copied into it; the whole module is skipped
when they are absent (CI clones the project with shared/ beside it). Worked examples with the
same commands: docs/realdata.md.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from statistics import NormalDist

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
if not REALDATA.is_dir():
    pytest.skip(f"real exports not found at {REALDATA} (shared/ is not beside the repository)",
                allow_module_level=True)

BOTANIC = REALDATA / "botanic_nps_survey.csv"
PWC = REALDATA / "pwc_call_center.csv"
TELCO = REALDATA / "ibm_telco_customer_churn_satisfaction.csv"
TWEETS = REALDATA / "twcs_spotifycares_support_requests.csv"

TOL = 1e-6
Z = NormalDist().inv_cdf(0.975)
TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


# ---------------------------------------------------------------- helpers

def cli(db: Path, *args: str, ok: bool = True) -> dict:
    """Run `python -m cxmetrics ARGS --db DB` from the repository root; return its JSON."""
    proc = subprocess.run([sys.executable, "-m", "cxmetrics", *args, "--db", str(db)],
                          cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120)
    if ok:
        assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stderr}"
    return json.loads(proc.stdout)


def close(got, want, tol: float = TOL) -> bool:
    return got is not None and abs(got - want) <= tol


def wilson(k: int, n: int) -> tuple[float, float, float]:
    p = k / n
    den = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / den
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / den
    return 100 * p, 100 * (centre - half), 100 * (centre + half)


def nps(scores: pd.Series) -> tuple[float, float, int]:
    n = len(scores)
    p = (scores >= 9).sum() / n
    d = (scores <= 6).sum() / n
    return 100 * (p - d), 196 * math.sqrt((p + d - (p - d) ** 2) / n), n


def groups(payload: dict, key: str) -> dict:
    return {g[key]: g for g in payload["groups"]}


# ---------------------------------------------------------------- Botanic NPS survey

@pytest.fixture(scope="module")
def botanic(tmp_path_factory):
    db = tmp_path_factory.mktemp("botanic") / "rd.duckdb"
    imp = cli(db, "import", "responses", str(BOTANIC), "--map", "id=response_id",
              "--map", "id=customer_id", "--map", "explication=comment", "--null", "NA")
    return db, imp


@pytest.fixture(scope="module")
def botanic_frame():
    # Latin-1 reads every byte; NPS scores and ids are ASCII, so the figures do not depend on it.
    return pd.read_csv(BOTANIC, encoding="latin-1", na_values=["NA"], keep_default_na=False)


def test_botanic_loads_every_row(botanic, botanic_frame):
    _, imp = botanic
    assert imp["rows_loaded"] == len(botanic_frame) == 13954
    assert imp["rows_rejected"] == 0
    assert imp["encoding"] == "latin-1+cp850"
    # the R row-number column (empty header cell) is kept as an attribute named column_1
    assert imp["mapping"].get("column_1") == "column_1"


def test_botanic_nps(botanic, botanic_frame):
    db, _ = botanic
    want, moe, n = nps(botanic_frame["nps"].dropna())
    got = cli(db, "metrics")["overall"]
    assert got["nps_n"] == n == 13612
    assert close(got["nps"], want) and close(got["nps_moe"], moe)


def test_botanic_verbatims_decoded(botanic):
    """Bytes 0x80-0x9F are DOS (cp850) letters, every other byte Latin-1: compare every comment."""
    import duckdb

    db, _ = botanic
    raw = BOTANIC.read_bytes()
    text = "".join(bytes([b]).decode("cp850" if 0x80 <= b <= 0x9F else "latin-1") for b in range(256))
    decoded = raw.decode("latin-1").translate({i: text[i] for i in range(0x80, 0xA0)})
    rows = list(csv.reader(io.StringIO(decoded, newline="")))
    want = {r[1]: r[5] for r in rows[1:] if r[5] != "NA"}
    with duckdb.connect(str(db), read_only=True) as con:
        got = dict(con.execute("SELECT response_id, comment FROM responses WHERE comment IS NOT NULL")
                   .fetchall())
    assert len(got) == len(want) == 3839
    assert got == want


# ---------------------------------------------------------------- PwC call-centre log

@pytest.fixture(scope="module")
def pwc(tmp_path_factory):
    db = tmp_path_factory.mktemp("pwc") / "rd.duckdb"
    contacts = cli(db, "import", "contacts", str(PWC), "--map", "Call Id=contact_id",
                   "--map", "Date=started_at", "--map", "Topic=contact_reason",
                   "--date-format", "%d-%b-%y")
    responses = cli(db, "import", "responses", str(PWC), "--map", "Call Id=response_id",
                    "--map", "Call Id=contact_id", "--map", "Satisfaction rating=csat",
                    "--map", "Date=responded_at", "--date-format", "%d-%b-%y")
    return db, contacts, responses


@pytest.fixture(scope="module")
def pwc_frame():
    d = pd.read_csv(PWC, dtype=str, keep_default_na=False)
    d["rating"] = d["Satisfaction rating"].astype(int)
    d["day"] = pd.to_datetime(d["Date"], format="%d-%b-%y")
    d["line"] = range(2, len(d) + 2)  # one record per line (checked below): header is line 1
    return d


def test_pwc_file_shape(pwc_frame):
    raw = PWC.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == len(pwc_frame) + 1  # CRLF, no multi-line field


def test_pwc_contacts(pwc, pwc_frame):
    db, contacts, _ = pwc
    assert contacts["rows_loaded"] == len(pwc_frame) == 5000
    assert contacts["rows_rejected"] == 0
    assert contacts["mapping"]["agent"] == "Agent" and contacts["mapping"]["resolved"] == "Resolved"
    by_topic = groups(cli(db, "metrics", "--by", "contact_reason"), "contact_reason")
    assert {k: g["contacts"] for k, g in by_topic.items()} == pwc_frame["Topic"].value_counts().to_dict()
    by_agent = groups(cli(db, "metrics", "--by", "agent"), "agent")
    assert {k: g["contacts"] for k, g in by_agent.items()} == pwc_frame["Agent"].value_counts().to_dict()


def test_pwc_unanswered_calls_rejected(pwc, pwc_frame):
    _, _, responses = pwc
    zero = pwc_frame[pwc_frame.rating == 0]
    assert responses["rows_loaded"] == pwc_frame.rating.between(1, 5).sum() == 4054
    assert responses["rows_rejected"] == len(zero) == 946
    assert (zero["Answered (Y/N)"] == "N").all()
    first = responses["rejects"]
    assert [r["line"] for r in first] == zero["line"].head(len(first)).tolist()
    assert all(r["column"] == "Satisfaction rating" and r["value"] == "0" and r["reason"] for r in first)


def test_pwc_csat(pwc, pwc_frame):
    db, _, _ = pwc
    answered = pwc_frame[pwc_frame.rating.between(1, 5)]
    share, low, high = wilson(int((answered.rating >= 4).sum()), len(answered))
    got = cli(db, "metrics")["overall"]
    assert got["csat_n"] == len(answered)
    assert close(got["csat"], share) and close(got["csat_low"], low) and close(got["csat_high"], high)
    assert close(got["csat_mean"], answered.rating.mean())
    # responses follow the contact's reason through contact_id
    by_topic = groups(cli(db, "metrics", "--by", "contact_reason"), "contact_reason")
    for topic, part in answered.groupby("Topic"):
        share, low, high = wilson(int((part.rating >= 4).sum()), len(part))
        g = by_topic[topic]
        assert g["csat_n"] == len(part)
        assert close(g["csat"], share) and close(g["csat_low"], low) and close(g["csat_high"], high)


def test_pwc_one_month(pwc, pwc_frame):
    db, _, _ = pwc
    feb = pwc_frame[pwc_frame.day.between("2021-02-01", "2021-02-28")]
    answered = feb[feb.rating.between(1, 5)]
    share, _, _ = wilson(int((answered.rating >= 4).sum()), len(answered))
    got = cli(db, "metrics", "--from", "2021-02-01", "--to", "2021-02-28")["overall"]
    assert got["contacts"] == len(feb)
    assert got["csat_n"] == len(answered) and close(got["csat"], share)


# ---------------------------------------------------------------- IBM telco customers

@pytest.fixture(scope="module")
def telco(tmp_path_factory):
    db = tmp_path_factory.mktemp("telco") / "rd.duckdb"
    customers = cli(db, "import", "customers", str(TELCO))
    outcomes = cli(db, "import", "outcomes", str(TELCO), "--map", "Customer ID=customer_id",
                   "--map", "Churn Value=churned", "--map", "Total Revenue=revenue",
                   "--set", "month=2024-06")
    return db, customers, outcomes


@pytest.fixture(scope="module")
def telco_frame():
    d = pd.read_csv(TELCO, dtype=str, keep_default_na=False)  # the text "None" stays a value
    d["churn"] = d["Churn Value"].astype(int)
    d["rev"] = d["Total Revenue"].astype(float)
    return d


def test_telco_loads(telco, telco_frame):
    _, customers, outcomes = telco
    assert customers["rows_loaded"] == outcomes["rows_loaded"] == len(telco_frame) == 7043
    assert customers["rows_rejected"] == outcomes["rows_rejected"] == 0
    assert customers["mapping"]["customer_id"] == "Customer ID"  # matched by name
    assert customers["mapping"]["contract"] == "Contract"        # extra columns in snake_case
    assert (telco_frame["Churn Label"] == telco_frame["churn"].map({0: "No", 1: "Yes"})).all()


def check_outcome(got: dict, part: pd.DataFrame) -> None:
    assert got["customers"] == len(part)
    assert close(got["churn_rate"], 100 * part.churn.mean())
    assert close(got["revenue"], part.rev.sum(), 1e-6 * max(1.0, part.rev.sum()))
    assert close(got["revenue_per_customer"], part.rev.mean())


def test_telco_outcomes(telco, telco_frame):
    db, _, _ = telco
    check_outcome(cli(db, "outcomes")["overall"], telco_frame)


@pytest.mark.parametrize("column, dimension", [("Contract", "contract"), ("Offer", "offer"),
                                               ("Internet Type", "internet_type")])
def test_telco_outcomes_by_segment(telco, telco_frame, column, dimension):
    db, _, _ = telco
    got = groups(cli(db, "outcomes", "--by", dimension), dimension)
    assert set(got) == set(telco_frame[column])  # "None" (no offer, no internet) is a segment
    for value, part in telco_frame.groupby(column):
        check_outcome(got[value], part)


# ---------------------------------------------------------------- Spotify support tweets

@pytest.fixture(scope="module")
def tweets(tmp_path_factory):
    db = tmp_path_factory.mktemp("tweets") / "rd.duckdb"
    imp = cli(db, "import", "contacts", str(TWEETS), "--map", "tweet_id=contact_id",
              "--map", "author_id=customer_id", "--map", "created_at=started_at",
              "--date-format", TWITTER_TIME)
    return db, imp


@pytest.fixture(scope="module")
def tweet_records():
    """Records as the csv module splits them: a bare CR outside quotes ends a record."""
    with open(TWEETS, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    good = [r for r in body if len(r) == len(header)]
    pieces = [r for r in body if 0 < len(r) < len(header)]
    assert not [r for r in body if len(r) > len(header)]
    return header, good, pieces


@pytest.fixture(scope="module")
def tweet_frame(tweet_records):
    header, good, _ = tweet_records
    d = pd.DataFrame(good, columns=["column_1", *header[1:]])
    d["t"] = pd.to_datetime(d.created_at, format=TWITTER_TIME, utc=True)
    return d


def test_tweets_well_formed_loaded_broken_rejected(tweets, tweet_records, tweet_frame):
    db, imp = tweets
    _, good, pieces = tweet_records
    assert imp["rows_loaded"] == len(good) == 15090
    assert imp["rows_rejected"] == len(pieces) == 13  # 6 broken records: 3 + 5 x 2 pieces
    assert all("fewer fields" in r["reason"] for r in imp["rejects"])
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        got = dict(con.execute("SELECT contact_id, text FROM contacts").fetchall())
        first = con.execute("SELECT min(started_at), max(started_at) FROM contacts").fetchone()
    assert got == dict(zip(tweet_frame.tweet_id, tweet_frame.text))  # quoted CRs kept as text
    assert sum("\r" in t for t in got.values()) == 2
    want = tweet_frame.t.dt.tz_convert("UTC").dt.tz_localize(None)
    assert (pd.Timestamp(first[0]), pd.Timestamp(first[1])) == (want.min(), want.max())


def test_tweets_reject_lines_point_into_the_file(tweets, tweet_records):
    _, imp = tweets
    _, _, pieces = tweet_records
    raw = TWEETS.read_bytes()
    start = raw.index(",".join(pieces[0][:3]).encode())  # first piece of the first broken record
    lf_line = raw[:start].count(b"\n") + 1
    any_break_line = len(re.findall(rb"\r\n|\r|\n", raw[:start])) + 1
    assert imp["rejects"][0]["line"] in {lf_line, any_break_line}


def by_hand(d: pd.DataFrame, days: float) -> dict:
    """Repeat rate and contact FCR straight from the definition (SPEC.md), per author."""
    w = pd.Timedelta(days=days)
    s = d[d.author_id != ""].sort_values(["author_id", "t", "tweet_id"])
    by = s.groupby("author_id").t
    repeat = (s.t - by.shift(1)) <= w
    judged = s.t <= s.t.max() - w  # later ones are censored
    resolved = ~((by.shift(-1) - s.t) <= w)
    return {"repeat_rate": 100 * repeat.mean(), "repeat_n": len(s),
            "fcr": 100 * resolved[judged].mean(), "fcr_n": int(judged.sum())}


@pytest.mark.parametrize("days", [7, 1, 30])
def test_tweets_repeat_and_fcr(tweets, tweet_frame, days):
    db, _ = tweets
    args = ["metrics"] if days == 7 else ["metrics", "--window", str(days)]
    got = cli(db, *args)["overall"]
    want = by_hand(tweet_frame, days)
    assert got["contacts"] == len(tweet_frame)
    assert got["repeat_n"] == want["repeat_n"] and got["fcr_n"] == want["fcr_n"]
    assert close(got["repeat_rate"], want["repeat_rate"]) and close(got["fcr"], want["fcr"])


# ---------------------------------------------------------------- every file with no --map

@pytest.fixture(scope="module")
def guessed(tmp_path_factory):
    """Each real export loaded with nothing but the kind (and the telco outcomes' month)."""
    db = tmp_path_factory.mktemp("guessed") / "rd.duckdb"
    return db, {
        "pwc_contacts": cli(db, "import", "contacts", str(PWC)),
        "pwc_responses": cli(db, "import", "responses", str(PWC)),
        "botanic": cli(db, "import", "responses", str(BOTANIC)),
        "telco_customers": cli(db, "import", "customers", str(TELCO)),
        "telco_outcomes": cli(db, "import", "outcomes", str(TELCO), "--set", "month=2024-06"),
        "tweets": cli(db, "import", "contacts", str(TWEETS)),
    }


def test_guessed_pwc_call_log(guessed, pwc_frame):
    import duckdb

    db, imports = guessed
    contacts, responses = imports["pwc_contacts"], imports["pwc_responses"]
    assert (contacts["rows_loaded"], contacts["rows_rejected"]) == (5000, 0)
    assert contacts["mapping"]["started_at"] == "Date+Time" and contacts["mapping"]["contact_reason"] == "Topic"
    rating = pwc_frame.rating
    assert (responses["rows_loaded"], responses["rows_rejected"]) == (rating.between(1, 5).sum(), (rating == 0).sum())
    assert responses["reject_groups"][0]["rows"] == 946 and len(responses["reject_groups"][0]["examples"]) == 3
    talk = pwc_frame["AvgTalkDuration"].map(
        lambda t: sum(int(p) * 60 ** i for i, p in enumerate(reversed(t.split(":")))) if t else None)
    stamps = pd.to_datetime(pwc_frame["Date"] + " " + pwc_frame["Time"], format="%d-%b-%y %H:%M")
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute("SELECT contact_id, started_at, handle_seconds FROM contacts "
                          "WHERE import_id = $i ORDER BY contact_id", {"i": contacts["import_id"]}).df()
    assert got.contact_id.tolist() == pwc_frame["Call Id"].tolist()
    assert (got.started_at == stamps).all()
    assert got.handle_seconds.fillna(-1).tolist() == talk.fillna(-1).astype(float).tolist()
    # Answered (Y/N) and the speed of answer feed the contact-centre columns
    assert contacts["mapping"]["answered"] == "Answered (Y/N)"
    assert contacts["mapping"]["wait_seconds"] == "Speed of answer in seconds"
    with duckdb.connect(str(db), read_only=True) as con:
        unanswered, wait = con.execute("SELECT count(*) FILTER (WHERE NOT answered), avg(wait_seconds) FROM contacts "
                                       "WHERE import_id = $i", {"i": contacts["import_id"]}).fetchone()
    speed = pd.to_numeric(pwc_frame["Speed of answer in seconds"].replace("", None))
    assert unanswered == (pwc_frame["Answered (Y/N)"] == "N").sum()
    assert close(wait, speed.mean())


def test_guessed_botanic_survey(guessed, botanic_frame):
    _, imports = guessed
    imp = imports["botanic"]
    assert (imp["rows_loaded"], imp["rows_rejected"]) == (len(botanic_frame), 0)
    assert imp["mapping"]["response_id"] == "id" and imp["mapping"]["comment"] == "explication"
    assert imp["guesses"]["nulls"]["nps"] == ["NA"]


def test_guessed_telco(guessed, telco_frame):
    _, imports = guessed
    assert imports["telco_customers"]["rows_loaded"] == imports["telco_outcomes"]["rows_loaded"] == len(telco_frame)
    assert imports["telco_outcomes"]["mapping"]["revenue"] == "Total Revenue"
    assert imports["telco_outcomes"]["mapping"]["churned"] in ("Churn Label", "Churn Value")
    check_outcome(cli(guessed[0], "outcomes")["overall"], telco_frame)


def test_guessed_tweets(guessed, tweet_records, tweet_frame):
    _, imports = guessed
    imp = imports["tweets"]
    _, good, pieces = tweet_records
    assert (imp["rows_loaded"], imp["rows_rejected"]) == (len(good), len(pieces))
    assert imp["mapping"]["contact_id"] == "tweet_id" and imp["mapping"]["customer_id"] == "author_id"
    assert imp["guesses"]["columns"]["started_at"]["date_formats"] == [TWITTER_TIME]
