"""Seeded, realistic CX sample data: five CSVs (customers, contacts, responses, outcomes, engagement).

`write_sample(out_dir, customers, seed)` returns {table_name: path}; same arguments give
byte-identical files (only `random.Random(seed)` is used). The year is 2025-11-01 00:00:00 to
2026-10-31 23:59:59; every customer is active from the first month. CES is the 1-7 "easy to
handle my issue" scale (higher is better). Relationship surveys ask NPS only.

Planted effects (tests/test_sample.py measures each at the defaults):
1. Technical fault has poor first-contact resolution: ~45% of those contacts are followed by
   another contact of the same customer 1-6 days later (any channel, 70% same reason), vs ~15%
   for other reasons. The product counts a contact as a repeat when the same customer's
   previous contact started <= 7 days before; unrelated needs of a customer start 8+ days
   apart, so every repeat is a planted one.
2. Monthly churn hazard follows the latest NPS before the month: detractors 2.2x, promoters
   0.7x the base (~3x apart). Repeated contacts cost ~2 latent NPS points, and a repeat in the
   60 days before a relationship survey costs 1.5.
3. Tier Basic sits 0.7 lower on the latent 0-10 scale: its NPS is ~25 points below the rest.
4. Region Åland has one customer with exactly one (relationship) response; region Malta has
   ~customers/250 customers and fewer than 30 responses.
5. Self-service failure: 15-50% (by reason) of web/app contacts are followed within 20 hours by
   a phone/chat/email contact of the same customer about the same reason.
6. Team Harbor has engagement ~49 vs 67-79 elsewhere, and CSAT ~0.4 lower on its contacts.
7. NPS drifts up over the year (0.6 latent points plus happier survivors; ~+13 NPS points).
Awkward rows: ~2% anonymous contacts; some blank csat/ces/nps and six all-blank responses; two
response_ids appear twice (the later copy differs); one comment holds a comma, quotes and a
line break, another é, ü and an emoji.
"""

from __future__ import annotations

import csv
import math
import os
import pathlib
import random
from datetime import datetime, timedelta

START, END = datetime(2025, 11, 1), datetime(2026, 10, 31, 23, 59, 59)
MONTHS = [datetime(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(12)]
YEAR_SECONDS = (END - START).total_seconds()
OUTAGE = (datetime(2026, 2, 9), datetime(2026, 2, 14))

TIERS = (("Basic", 35), ("Standard", 40), ("Premium", 25))
TIER_SHIFT = {"Basic": -0.7, "Standard": 0.0, "Premium": 0.25}
FEE = {"Basic": 14.99, "Standard": 29.99, "Premium": 54.99}
ORDERS = {"Basic": 1.1, "Standard": 1.8, "Premium": 2.8}
CONTACT_RATE = {"Basic": 8.5, "Standard": 7.0, "Premium": 6.0}  # needs per year before thinning
REGIONS = (("Île-de-France", 15), ("Bavaria", 12), ("Nordics", 13), ("São Paulo", 11), ("Zürich", 8),
           ("Catalonia", 10), ("Lombardy", 9), ("Małopolska", 8), ("Ontario", 9), ("Dublin", 5))
TINY_REGION, SMALL_REGION = "Åland", "Malta"
TENURES = (("<1y", 30), ("1-3y", 40), ("3y+", 30))
TENURE_HAZARD = {"<1y": 1.4, "1-3y": 1.0, "3y+": 0.7}
ACQUISITION = (("web", 45), ("store", 20), ("partner", 15), ("referral", 20))

TEAMS = {"Atlas": ("Amélie", "Jürgen", "Sofia", "Lukas"), "Beacon": ("Mateo", "Aisha", "Noah", "Priya"),
         "Compass": ("Oskar", "Chloé", "Rafael", "Ingrid"), "Harbor": ("Tomás", "Hannah", "Kenji", "Fatima"),
         "Summit": ("Liam", "Björn", "Elena", "Zoë")}
AGENT_TEAM = {a: t for t, agents in TEAMS.items() for a in agents}
AGENTS = list(AGENT_TEAM)
ENGAGEMENT = {"Atlas": 79.0, "Beacon": 72.0, "Compass": 68.0, "Harbor": 51.0, "Summit": 75.0}
TEAM_CSAT_SHIFT = {"Atlas": 0.2, "Harbor": -1.1}

CHANNELS = ("phone", "chat", "email", "web", "app", "social")
SELF_SERVICE = ("web", "app")
ASSISTED = (("phone", 50), ("chat", 35), ("email", 15))
HANDLE_MEDIAN = {"phone": 360, "chat": 540, "email": 720, "social": 420}
# reason: (weight, channel weights in CHANNELS order, repeat probability, self-service failure)
REASONS = {
    "Billing question": (18, (35, 25, 15, 10, 10, 5), 0.07, 0.35),
    "Delivery delay": (16, (25, 30, 10, 15, 15, 5), 0.07, 0.30),
    "Technical fault": (14, (40, 30, 10, 7, 8, 5), 0.50, 0.50),
    "Password reset": (10, (10, 10, 5, 35, 38, 2), 0.05, 0.15),
    "Plan change": (7, (20, 15, 10, 25, 28, 2), 0.06, 0.30),
    "Refund request": (9, (30, 25, 25, 8, 8, 4), 0.08, 0.40),
    "Cancel subscription": (3, (50, 25, 15, 5, 3, 2), 0.05, 0.50),
    "Account update": (10, (10, 10, 10, 32, 35, 3), 0.05, 0.20),
    "Outage": (2, (35, 25, 5, 10, 15, 10), 0.20, 0.30),
}
REASON_TABLE = tuple((r, v[0]) for r, v in REASONS.items())
SORE_REASONS = ("Technical fault", "Outage", "Refund request", "Cancel subscription")
REASON_THEME = {"Billing question": "billing", "Delivery delay": "delivery", "Outage": "outage",
                "Technical fault": "app_bug", "Refund request": "refund", "Cancel subscription": "price"}

# Verbatim fragments, "|"-separated per theme; comments combine one or two of them.
NEGATIVE = {k: tuple(v.split("|")) for k, v in {
    "waiting": "Waited over {m} minutes on hold before anyone picked up.|The queue was ridiculous, {m} "
               "minutes just to get through.|Far too long waiting to speak to someone.|Hold music for ages, "
               "then the call dropped.",
    "repeat": "This is the third time I've contacted you about the same problem.|I had to call back again because "
              "nothing was actually fixed.|Every time I call I have to explain everything from scratch.|Was told it "
              "was sorted last time. It wasn't.",
    "billing": "I was charged twice this month and nobody can explain why.|My bill doesn't match the plan I signed "
               "up for.|Still waiting for the billing error to be corrected.|The invoice shows fees I never agreed to.",
    "app_bug": "The app keeps crashing when I try to check my orders.|Your app logs me out every few minutes.|The "
               "fault is still there after the so-called fix.|Device still not working and the troubleshooting "
               "steps were useless.",
    "delivery": "My delivery was late again, {d} days this time.|Parcel arrived {d} days after the promised date.|"
                "Nobody could tell me where my order actually was.|Tracking said delivered but nothing arrived.",
    "price": "Too expensive for what you get.|The price went up and the service got worse.|Thinking about "
             "switching, competitors are cheaper.|Not worth the monthly fee anymore.",
    "transfers": "I was passed between {t} different departments.|Nobody seemed to own my problem.|Got "
                 "transferred around and had to repeat my account number each time.",
    "online": "The website wouldn't let me finish the change online, so I had to call.|Tried the app first, it "
              "just errored out.|The online form kept timing out.|Self-service is useless, ended up phoning anyway.",
    "outage": "The service was down for most of the day with no updates.|No warning about the outage and no "
              "compensation offered.|Status page said everything was fine while nothing worked.",
    "refund": "Still waiting for my refund after two weeks.|The refund was less than what I was owed.|Refund "
              "promised but never arrived.",
}.items()}
POSITIVE = {k: tuple(v.split("|")) for k, v in {
    "friendly": "{agent} was friendly and really patient.|{agent} went out of their way to help.|Very polite and "
                "knowledgeable staff.|The agent listened and actually understood the problem.",
    "quick": "Sorted in a few minutes, thank you.|Quick and painless.|Problem fixed on the first call.|Fast "
             "answer, exactly what I needed.",
    "easy": "Really easy to do it myself in the app.|The website made it simple.|Took two minutes online, great.",
    "value": "Good value for money.|Happy with the service overall, worth the price.|Reliable service, never had "
             "a real problem.",
    "delivery_ok": "Deliveries always arrive on time.|Delivery was quick and well packed.",
}.items()}
NEG_OPEN = ("", "", "", "Honestly, not good. ", "Really disappointed. ", "Poor experience. ")
NEG_CLOSE = ("", "", "", " Please fix this.", " Very frustrating.", " Considering cancelling.", " Not good enough.")
POS_CLOSE = ("", "", "", " Thanks!", " Keep it up.", " Would recommend.")
COMMA_QUOTE_NEWLINE = 'Agent said "it\'s fixed", but it wasn\'t.\nCalled back twice, same answer.'
NON_ASCII = "Très bien! L'équipe was great and Jürgen was über-helpful 😊"


def _pick(rng: random.Random, table):
    """Return one name from a ((name, weight), ...) table."""
    names, weights = zip(*table)
    return rng.choices(names, weights)[0]


def _at(rng: random.Random, day: datetime, self_service: bool) -> datetime:
    """Return a time on `day` at an hour that suits the channel (digital runs later)."""
    lo, hi, mode = (6.0, 23.9, 20.0) if self_service else (7.5, 21.0, 12.0)
    midnight = day.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(seconds=int(rng.triangular(lo, hi, mode) * 3600))


def _reason(rng: random.Random, at: datetime) -> str:
    """Return a contact reason; the February outage week is dominated by Outage."""
    if OUTAGE[0] <= at < OUTAGE[1] and rng.random() < 0.45:
        return "Outage"
    return _pick(rng, REASON_TABLE)


def _make_customers(rng: random.Random, n: int) -> list[dict]:
    """Return customer rows, each with a hidden contact rate and mood that drive later tables."""
    tiny = n // 2
    others = [i for i in range(n) if i != tiny]
    small = set(rng.sample(others, min(len(others), max(3, n // 250))))
    rows = []
    for i in range(n):
        region = TINY_REGION if i == tiny else SMALL_REGION if i in small else _pick(rng, REGIONS)
        tier = _pick(rng, TIERS)
        # Heavy contacters are few (gamma rate), so contact counts are skewed like real ones.
        rows.append({"customer_id": f"C{i + 1:05d}", "tier": tier, "region": region,
                     "plan": _pick(rng, (("monthly", 60), ("annual", 40))), "tenure_band": _pick(rng, TENURES),
                     "acquisition_channel": _pick(rng, ACQUISITION), "_mood": rng.gauss(0.0, 0.8),
                     "_rate": CONTACT_RATE[tier] * rng.gammavariate(2.0, 0.5)})
    return rows


def _contact(rng: random.Random, cust: dict | None, at: datetime, reason: str, channel: str) -> dict:
    """Return one contact row; assisted ones get agent, team, transfers and handle time."""
    ss = channel in SELF_SERVICE
    row = {"customer_id": cust["customer_id"] if cust else "", "started_at": at, "channel": channel,
           "contact_reason": reason, "self_service": ss, "transfers": 0, "handle_seconds": None,
           "agent": "", "team": "", "resolved": True, "_cust": cust, "_repeat": False,
           "_followed": False, "_ss_fail": False}
    if not ss:
        hard = reason in ("Technical fault", "Outage")
        transfers = _pick(rng, ((0, 50), (1, 30), (2, 13), (3, 7)) if hard else ((0, 72), (1, 19), (2, 6), (3, 3)))
        median = HANDLE_MEDIAN[channel] * (1.4 if hard else 1.0) * (1 + 0.35 * transfers)
        agent = rng.choice(AGENTS)
        row.update(transfers=transfers, handle_seconds=int(median * math.exp(rng.gauss(0, 0.45))),
                   agent=agent, team=AGENT_TEAM[agent])
    return row


def _episode(rng: random.Random, cust: dict, day: datetime) -> list[dict]:
    """Return the contacts one customer need produces: the first plus planted follow-ups."""
    reason = _reason(rng, day)
    channel = rng.choices(CHANNELS, REASONS[reason][1])[0]
    contacts = [_contact(rng, cust, _at(rng, day, channel in SELF_SERVICE), reason, channel)]
    depth = 0
    while True:
        last = contacts[-1]
        _, _, p_repeat, p_fail = REASONS[last["contact_reason"]]
        if last["self_service"] and rng.random() < p_fail:
            # Gave up online: the same need reaches an agent the same day or next morning.
            at = last["started_at"] + timedelta(hours=rng.uniform(0.3, 20.0))
            contacts.append(_contact(rng, cust, at, last["contact_reason"], _pick(rng, ASSISTED)))
            contacts[-1]["_ss_fail"] = True
        elif rng.random() < (0.04 if last["self_service"] else p_repeat * 0.6 ** depth):
            # Not really fixed: back within 1-6 days, mostly about the same thing.
            reason = last["contact_reason"] if rng.random() < 0.7 else _reason(rng, last["started_at"])
            channel = rng.choices(CHANNELS, REASONS[reason][1])[0]
            day = last["started_at"] + timedelta(days=rng.randint(1, 6))
            contacts.append(_contact(rng, cust, _at(rng, day, channel in SELF_SERVICE), reason, channel))
            contacts[-1]["_repeat"] = True
            depth += 1
        else:
            break
        last["_followed"] = True
    for c in contacts:
        # Agents close most tickets as resolved even when the customer comes back.
        c["resolved"] = (not c["_followed"]) if c["self_service"] else rng.random() < (0.62 if c["_followed"] else 0.92)
    return contacts


def _make_contacts(rng: random.Random, customers: list[dict]) -> list[dict]:
    """Return every customer's contacts in the year, built need by need."""
    out = []
    for cust in customers:
        gap_mean = 365.0 / cust["_rate"]
        day = START + timedelta(days=int(rng.expovariate(1 / gap_mean)))
        while day <= END:
            episode = _episode(rng, cust, day)
            out.extend(c for c in episode if c["started_at"] <= END)
            # Unrelated needs start 8+ days apart so only planted follow-ups count as repeats.
            day = episode[-1]["started_at"] + timedelta(days=8 + int(rng.expovariate(1 / gap_mean)))
    return out


def _anonymous_contacts(rng: random.Random, n: int) -> list[dict]:
    """Return contacts nobody could tie to a customer (prospects, unverified callers)."""
    out = []
    for _ in range(n):
        day = START + timedelta(days=rng.randrange(365))
        reason = _pick(rng, (("Billing question", 3), ("Plan change", 3), ("Password reset", 2), ("Outage", 1)))
        out.append(_contact(rng, None, _at(rng, day, False), reason, _pick(rng, ASSISTED + (("social", 15),))))
    return out


def _scores(rng: random.Random, cust: dict, at: datetime, penalty: float, team: str, effort: float):
    """Return (nps, csat, ces) from one latent 0-10 sentiment with tier, trend and team effects."""
    trend = 0.6 * ((at - START).total_seconds() / YEAR_SECONDS - 0.5)
    shift = TEAM_CSAT_SHIFT.get(team, 0.0)
    s = 8.8 + TIER_SHIFT[cust["tier"]] + cust["_mood"] + trend - penalty + shift / 2 + rng.gauss(0, 1.7)
    nps = min(10, max(0, round(s)))
    csat = min(5, max(1, round((s + shift / 2 + rng.gauss(0, 0.9) - 1.5) / 2 + 1)))
    ces = min(7, max(1, round(5.9 - effort + 0.3 * (s - 7) + rng.gauss(0, 0.9))))
    return nps, csat, ces


def _comment(rng: random.Random, nps: int, negative: list[str], positive: list[str], agent: str) -> str:
    """Return a verbatim assembled from theme fragments, or '' (most passives write nothing)."""
    if rng.random() >= (0.75 if nps <= 6 else 0.12 if nps <= 8 else 0.5):
        return ""

    def said(table: dict, themes: list[str], n: int) -> str:
        # Distinct fragments, so no comment says the same sentence twice.
        pool = [f for theme in dict.fromkeys(themes or ("waiting", "price")) for f in table[theme]]
        return " ".join(rng.sample(pool, n))

    two = 2 if rng.random() < 0.3 else 1
    if nps <= 6:
        text = rng.choice(NEG_OPEN) + said(NEGATIVE, negative, two) + rng.choice(NEG_CLOSE)
    elif nps <= 8:
        opener = rng.choice(("", "Mostly fine. ", "OK. ", said(POSITIVE, positive, 1) + " "))
        text = opener + said(NEGATIVE, negative, 1)
    else:
        text = said(POSITIVE, positive, two) + rng.choice(POS_CLOSE)
    return text.format(m=rng.randint(15, 55), d=rng.randint(2, 9), t=rng.randint(2, 4), agent=agent or "The agent")


def _transactional(rng: random.Random, contact: dict) -> dict | None:
    """Return the post-contact survey response for a contact, or None if none came back."""
    if rng.random() >= (0.12 if contact["self_service"] else 0.28):
        return None
    handled = timedelta(seconds=contact["handle_seconds"] or 0)
    at = contact["started_at"] + handled + timedelta(hours=min(120.0, rng.lognormvariate(1.6, 1.0)))
    if at > END:
        return None
    repeated = contact["_repeat"] or contact["_followed"]
    penalty = 2.0 * repeated + 0.8 * contact["_ss_fail"] + 0.4 * contact["transfers"] \
        + 0.5 * (contact["contact_reason"] in SORE_REASONS)
    effort = 1.6 * repeated + 1.0 * contact["_ss_fail"] + 0.5 * contact["transfers"] \
        + 0.5 * ((contact["handle_seconds"] or 0) > 900)
    nps, csat, ces = _scores(rng, contact["_cust"], at, penalty, contact["team"], effort)
    negative = ["repeat"] * repeated + ["transfers"] * (contact["transfers"] >= 2) \
        + ["online"] * contact["_ss_fail"] + ["waiting"] * (contact["channel"] == "phone")
    if contact["contact_reason"] in REASON_THEME:
        negative.append(REASON_THEME[contact["contact_reason"]])
    positive = ["easy"] if contact["self_service"] else ["friendly", "quick"]
    return {"responded_at": at, "customer_id": contact["customer_id"], "_contact": contact,
            "survey": "transactional", "nps": nps, "csat": csat, "ces": ces,
            "resolved_answer": rng.random() < (0.3 if repeated else 0.86),
            "comment": _comment(rng, nps, negative, positive, contact["agent"])}


def _relationship(rng: random.Random, cust: dict, at: datetime, recent_repeat: bool) -> dict:
    """Return one relationship-survey response (NPS only; csat, ces and resolved stay blank)."""
    nps, _, _ = _scores(rng, cust, at, 1.5 * recent_repeat, "", 0.0)
    negative = ["price", "delivery", "app_bug", "billing"] + ["repeat"] * recent_repeat
    return {"responded_at": at, "customer_id": cust["customer_id"], "_contact": None,
            "survey": "relationship", "nps": nps, "csat": None, "ces": None, "resolved_answer": None,
            "comment": _comment(rng, nps, negative, ["value", "delivery_ok", "easy"], "")}


def _make_responses(rng: random.Random, customers: list[dict], contacts: list[dict]) -> list[dict]:
    """Return transactional and relationship responses; Åland gets exactly one, a relationship one."""
    tiny = next(c for c in customers if c["region"] == TINY_REGION)
    out = [r for c in contacts if c["_cust"] is not tiny and (r := _transactional(rng, c))]
    repeats: dict[str, list[datetime]] = {}
    for c in contacts:
        if c["_repeat"]:
            repeats.setdefault(c["customer_id"], []).append(c["started_at"])
    for cust in customers:
        if cust is tiny:
            waves = [datetime(2025, 11, 18, 19, 42, 5)]
        else:
            first = START + timedelta(seconds=rng.uniform(0, YEAR_SECONDS))
            second = first + timedelta(days=182 + rng.uniform(-10, 10))
            waves = [first] * (rng.random() < 0.65) + [second] * (rng.random() < 0.2 and second <= END)
        for at in waves:
            recent = any(timedelta(0) <= at - t <= timedelta(days=60) for t in repeats.get(cust["customer_id"], []))
            out.append(_relationship(rng, cust, at, recent))
    return out


def _make_outcomes(rng: random.Random, customers: list[dict], responses: list[dict]):
    """Return (monthly outcome rows, {customer_id: churn time}); churn follows the latest NPS."""
    history: dict[str, list] = {}
    for r in sorted(responses, key=lambda r: r["responded_at"]):
        history.setdefault(r["customer_id"], []).append((r["responded_at"], r["nps"]))
    rows, churn_at = [], {}
    for cust in customers:
        hist, j, latest = history.get(cust["customer_id"], []), 0, None
        for i, month in enumerate(MONTHS):
            while j < len(hist) and hist[j][0] < month:
                latest, j = hist[j][1], j + 1
            mood = 1.0 if latest is None else 2.2 if latest <= 6 else 0.7 if latest >= 9 else 1.0
            hazard = 0.016 * mood * TENURE_HAZARD[cust["tenure_band"]] * (1.25 if cust["plan"] == "monthly" else 0.7)
            churned, share = rng.random() < hazard, 1.0
            if churned:
                month_end = MONTHS[i + 1] if i + 1 < len(MONTHS) else END
                share = rng.uniform(0.05, 1.0)
                churn_at[cust["customer_id"]] = month + (month_end - month) * share
            # Binomial(8, lam/8) stands in for Poisson(lam): stdlib only, same mean, tail capped at 8.
            lam = ORDERS[cust["tier"]] * share * (0.8 if mood > 2 else 1.0)
            orders = sum(rng.random() < lam / 8 for _ in range(8))
            fee = FEE[cust["tier"]] * (0.85 if cust["plan"] == "annual" else 1.0) * share
            revenue = fee + sum(rng.uniform(6.0, 22.0) for _ in range(orders))
            rows.append({"customer_id": cust["customer_id"], "month": month.strftime("%Y-%m-01"),
                         "revenue": f"{revenue:.2f}", "churned": churned, "orders": orders})
            if churned:
                break
    return rows, churn_at


def _apply_churn(rng: random.Random, customers: list[dict], contacts: list[dict],
                 responses: list[dict], churn_at: dict) -> tuple[list[dict], list[dict]]:
    """Return contacts and responses with nothing after each churn, plus some cancellation calls."""
    def gone(cid: str, t: datetime) -> bool:
        return cid in churn_at and t > churn_at[cid]

    contacts = [c for c in contacts if not gone(c["customer_id"], c["started_at"])]
    responses = [r for r in responses if not gone(r["customer_id"], r["responded_at"])]
    for cust in customers:
        if cust["customer_id"] in churn_at and rng.random() < 0.55:
            at = max(START, churn_at[cust["customer_id"]] - timedelta(hours=rng.uniform(0.5, 48)))
            contacts.append(_contact(rng, cust, at, "Cancel subscription", _pick(rng, ASSISTED + (("web", 20),))))
    return contacts, responses


def _make_engagement(rng: random.Random) -> list[dict]:
    """Return one engagement_score per team and month; Harbor stays low and sags mid-year."""
    rows = []
    for team, level in ENGAGEMENT.items():
        for i, month in enumerate(MONTHS):
            sag = -4.0 * math.sin(math.pi * i / 11) if team == "Harbor" else 0.0
            score = min(100.0, max(0.0, level + sag + rng.gauss(0, 2.0)))
            rows.append({"team": team, "month": month.strftime("%Y-%m-01"), "engagement_score": f"{score:.1f}"})
    return rows


def _plant_awkward_responses(rng: random.Random, responses: list[dict], keep_id: str) -> list[dict]:
    """Return responses with blank scores, two duplicated ids and hard-to-parse comments planted."""
    pool = [r for r in responses if r["survey"] == "transactional" and r["customer_id"] != keep_id]
    for r in pool:
        u = rng.random()
        blank = "csat" if u < 0.04 else "ces" if u < 0.06 else "nps" if u < 0.075 else None
        if blank:
            r[blank] = None
    complete = [r for r in pool if None not in (r["nps"], r["csat"], r["ces"])]
    chosen = rng.sample(complete, min(10, len(complete)))
    for r in chosen[:6]:
        r["nps"] = r["csat"] = r["ces"] = None
    shuffled = rng.sample(complete, len(complete))
    for text, fits in ((COMMA_QUOTE_NEWLINE, lambda r: r["nps"] is not None and r["nps"] <= 4),
                       (NON_ASCII, lambda r: r["nps"] in (9, 10) and r["_contact"]["agent"] == "Jürgen")):
        target = next((r for r in shuffled if fits(r)), None)
        if target is not None:
            target["comment"] = text
    out = list(responses)
    for r in chosen[6:8]:
        # A resubmitted survey: same id, later and different answers; importers keep the first.
        dup = dict(r, nps=(r["nps"] + 5) % 11, csat=6 - r["csat"], comment="Changed my mind, see earlier answer.",
                   responded_at=r["responded_at"] + timedelta(minutes=rng.randint(5, 90)))
        out.insert(next(i for i, x in enumerate(out) if x is r) + rng.randint(3, 40), dup)
    return out


def _write_csv(path: pathlib.Path, header: list[str], rows: list[dict]) -> pathlib.Path:
    """Return `path` after writing rows as UTF-8 CSV with \\n line ends and blanks for None."""
    def cell(v):
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        return v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else str(v)

    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([cell(row.get(h)) for h in header] for row in rows)
    return path


HEADERS = {
    "customers": ["customer_id", "tier", "region", "plan", "tenure_band", "acquisition_channel"],
    "contacts": ["contact_id", "customer_id", "started_at", "channel", "contact_reason", "resolved",
                 "transfers", "handle_seconds", "agent", "team", "self_service"],
    "responses": ["response_id", "responded_at", "customer_id", "contact_id", "survey", "nps", "csat",
                  "ces", "resolved_answer", "comment"],
    "outcomes": ["customer_id", "month", "revenue", "churned", "orders"],
    "engagement": ["team", "month", "engagement_score"],
}


def write_sample(out_dir: str | os.PathLike, customers: int = 2000, seed: int = 7) -> dict[str, pathlib.Path]:
    """Write a seeded, realistic CX data set as five CSVs; return {table_name: path}."""
    if customers < 1:
        raise ValueError("customers must be at least 1 (the Åland segment needs one)")
    rng = random.Random(seed)
    people = _make_customers(rng, customers)
    contacts = _make_contacts(rng, people)
    responses = _make_responses(rng, people, contacts)
    outcomes, churn_at = _make_outcomes(rng, people, responses)
    contacts, responses = _apply_churn(rng, people, contacts, responses, churn_at)
    # ~2% anonymous, sized after churn so the share holds on the final table.
    contacts += _anonymous_contacts(rng, round(len(contacts) * 0.0205))
    contacts.sort(key=lambda c: c["started_at"])
    for i, c in enumerate(contacts, 1):
        c["contact_id"] = f"K{i:06d}"
    responses.sort(key=lambda r: r["responded_at"])
    for i, r in enumerate(responses, 1):
        r["response_id"] = f"R{i:06d}"
        r["contact_id"] = r["_contact"]["contact_id"] if r["_contact"] else ""
    tiny_id = next(c["customer_id"] for c in people if c["region"] == TINY_REGION)
    responses = _plant_awkward_responses(rng, responses, tiny_id)
    tables = {"customers": people, "contacts": contacts, "responses": responses,
              "outcomes": outcomes, "engagement": _make_engagement(rng)}
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {name: _write_csv(out / f"{name}.csv", HEADERS[name], rows) for name, rows in tables.items()}
