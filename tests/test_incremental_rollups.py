"""An import or a deleted import refreshes the rollups incrementally, inside its own transaction,
and every rollup table then holds exactly what a full rebuild writes.

Random sequences of loads and deletes on small random stores: contacts reaching back into old days,
contacts after the latest one (moving the censoring edge), contacts added to a customer's history
within the repeat windows, responses (some undated, some about missing contacts), customers,
outcomes, and deletes of random imports and of the one holding the latest contact. After each
step every rollup table is compared, sorted, with what `rollups.refresh` writes from scratch (in a
transaction rolled back afterwards, so the next step builds on the incremental tables). The
`slow` marker runs more and longer sequences on bigger stores."""

from __future__ import annotations

import ast
import random
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from scale import scaled

from cxmetrics import rollups
from cxmetrics.store.db import connect
from cxmetrics.ingest.importer import ImportOptions, delete_import, load_file

ROLLUP_TABLES = (
    "rollup_segments", "contact_rollup", "response_rollup",
    "outcome_spans", "outcome_repeaters", "outcome_summary", "outcome_monthly",
    "loop_case_rollup", "detractor_customer_rollup", "loop_case_counts",
    "story_contact_rollup", "story_answer_rollup", "comment_rollup",
    "journey_touchpoint_codes", "journey_flow_rollup", "journey_path_rollup",
    "repeat_path_rollup", "self_service_rollup",
)
START = datetime(2025, 3, 1)
CHANNELS = ["phone", "chat", "email", ""]
REASONS = ["Billing", "Delivery", "Refund", ""]
TEAMS = ["Atlas", "Summit", ""]
TIERS = ["Basic", "Premium", ""]
CONTACT_HEADER = "contact_id,customer_id,started_at,channel,contact_reason,resolved,transfers,handle_seconds,team,self_service"
RESPONSE_HEADER = "response_id,responded_at,customer_id,contact_id,survey,nps,csat,ces,resolved_answer,comment"


def table_rows(con, table: str) -> Counter:
    """Return the table's rows, each with how many times it is there (a multiset: compared in any
    order, where sorting them by their values' text cost this file a tenth of its time)."""
    return Counter(con.table(table).fetchall())


def assert_equals_full_rebuild(con) -> None:
    assert rollups.is_fresh(con)
    incremental = {t: table_rows(con, t) for t in ROLLUP_TABLES}
    con.execute("BEGIN TRANSACTION")
    try:
        rollups.refresh(con)
        rebuilt = {t: table_rows(con, t) for t in ROLLUP_TABLES}
    finally:
        con.execute("ROLLBACK")
    for table in ROLLUP_TABLES:
        assert incremental[table] == rebuilt[table], (
            f"{table} differs from a full rebuild: only incremental {list(incremental[table] - rebuilt[table])[:3]}, "
            f"only rebuilt {list(rebuilt[table] - incremental[table])[:3]}")


class Store:
    """A random store and the files loaded into it: `step` makes one random change."""

    def __init__(self, path, seed: int, customers: int, contacts: int):
        self.rng = random.Random(seed)
        self.dir = path
        self.con = connect(path / "store.duckdb")
        self.files = 0
        self.next_contact = 0
        self.next_response = 0
        self.customers = [f"u{i}" for i in range(customers)]
        self.contacts: list[tuple[str, str, datetime]] = []  # (id, customer, started) loaded so far
        self.load("customers", "customer_id,tier,region",
                  [(u, self.rng.choice(TIERS), self.rng.choice(["North", "South"])) for u in self.customers])
        self.load_contacts([self._when(0, 60) for _ in range(contacts)])
        self.load_responses(contacts // 3)
        self.load_outcomes()
        rollups.ensure_fresh(self.con)

    def _when(self, first_day: int, days: int) -> datetime:
        seconds = self.rng.choice([0, self.rng.randrange(86_400)])  # whole days and odd seconds
        return START + timedelta(days=first_day + self.rng.randrange(days), seconds=seconds)

    def latest(self) -> datetime:
        return self.con.execute("SELECT max(started_at) FROM contacts").fetchone()[0] or START

    def load(self, kind: str, header: str, rows) -> int | None:
        self.files += 1
        path = self.dir / f"{kind}{self.files}.csv"
        lines = [header] + [",".join("" if v is None else str(v) for v in row) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return load_file(self.con, kind, path, ImportOptions(force=True)).import_id

    def load_contacts(self, times: list[datetime], customers: list[str] | None = None) -> int | None:
        rows = []
        for i, started in enumerate(times):
            self.next_contact += 1
            contact_id = f"k{self.next_contact}"
            customer = customers[i] if customers else self.rng.choice(self.customers + [""])
            rows.append((contact_id, customer, started.isoformat(sep=" "), self.rng.choice(CHANNELS),
                         self.rng.choice(REASONS), self.rng.choice(["true", "false", ""]),
                         self.rng.choice([0, 1, ""]), self.rng.choice([30, 125.5, ""]),
                         self.rng.choice(TEAMS), self.rng.choice(["true", "false"])))
            self.contacts.append((contact_id, customer, started))
        return self.load("contacts", CONTACT_HEADER, rows)

    def load_responses(self, n: int) -> int | None:
        rows = []
        for _ in range(n):
            self.next_response += 1
            contact = self.rng.choice(self.contacts) if self.contacts and self.rng.random() < 0.8 else None
            # none, one that never comes, or one a later load brings (its channel, reason, customer)
            coming = f"k{self.next_contact + self.rng.randint(1, 4)}"
            contact_id = contact[0] if contact else self.rng.choice(["", "missing", coming])
            when = "" if self.rng.random() < 0.1 else self._when(0, 70).isoformat(sep=" ")
            customer = self.rng.choice(["", contact[1] if contact else "", self.rng.choice(self.customers)])
            rows.append((f"r{self.next_response}", when, customer, contact_id, "transactional",
                         self.rng.choice([0, 5, 7, 9, 10, ""]), self.rng.choice([1, 3, 5, ""]),
                         self.rng.choice([2, 6, ""]), self.rng.choice(["true", "false", ""]),
                         self.rng.choice(["", "too slow", "great help"])))
        return self.load("responses", RESPONSE_HEADER, rows)

    def load_outcomes(self) -> int | None:
        months = ["2025-03-01", "2025-04-01", "2025-05-01"]
        rows = [(u, m, self.rng.randrange(0, 400) / 4, self.rng.choice(["true", "false", ""]), 1)
                for u in self.rng.sample(self.customers, len(self.customers) // 2) for m in months]
        return self.load("outcomes", "customer_id,month,revenue,churned,orders", rows)

    def live_imports(self) -> list[tuple[int, str]]:
        return self.con.execute(
            "SELECT import_id, kind FROM imports WHERE deleted_at IS NULL ORDER BY import_id").fetchall()

    def step(self) -> str:
        choice = self.rng.choice(["back", "forward", "neighbours", "responses", "customers", "outcomes",
                                  "delete", "delete_latest"])
        n = self.rng.randint(1, 6)
        if choice == "back":        # into old days
            self.load_contacts([self._when(0, 60) for _ in range(n)])
        elif choice == "forward":   # after the latest contact: the censoring edge moves
            latest = self.latest()
            self.load_contacts([latest + timedelta(days=self.rng.randrange(0, 12), seconds=self.rng.randrange(1, 86_400))
                                for _ in range(n)])
        elif choice == "neighbours" and self.contacts:  # within a window of a customer's contact
            picked = [c for c in self.rng.sample(self.contacts, min(n, len(self.contacts))) if c[1]]
            self.load_contacts([c[2] + timedelta(days=self.rng.choice([-31, -7, -2, 0, 3, 7, 29, 30]),
                                                 seconds=self.rng.choice([0, 1, -1]))
                                for c in picked], [c[1] for c in picked])
        elif choice == "responses":
            self.load_responses(n)
        elif choice == "customers":
            new = [f"u{len(self.customers) + i}" for i in range(n)]
            self.customers += new
            self.load("customers", "customer_id,tier,region",
                      [(u, self.rng.choice(TIERS), "North") for u in new])
        elif choice == "outcomes":
            self.load_outcomes()
        elif choice.startswith("delete"):
            live = self.live_imports()
            if choice == "delete_latest":
                holder = self.con.execute(
                    "SELECT import_id FROM contacts ORDER BY started_at DESC LIMIT 1").fetchone()
                live = [(holder[0], "contacts")] if holder else live
            if len(live) > 1:
                import_id, kind = self.rng.choice(live)
                delete_import(self.con, import_id)
                if kind == "contacts":
                    gone = {r[0] for r in self.con.execute("SELECT contact_id FROM contacts").fetchall()}
                    self.contacts = [c for c in self.contacts if c[0] in gone]
        return choice


def _run(tmp_path, seed: int, steps: int, customers: int, contacts: int) -> None:
    store = Store(tmp_path, seed, customers, contacts)
    assert_equals_full_rebuild(store.con)
    for _ in range(steps):
        choice = store.step()
        try:
            assert_equals_full_rebuild(store.con)
        except AssertionError as problem:
            raise AssertionError(f"seed {seed}, after {choice}: {problem}") from None
    store.con.close()


@pytest.mark.parametrize("seed", range(2))
def test_random_loads_and_deletes_equal_a_full_rebuild(tmp_path, seed):
    _run(tmp_path, seed, steps=5, customers=12, contacts=40)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3, 3 + scaled(1)))
def test_longer_sequences_on_bigger_stores_equal_a_full_rebuild(tmp_path, seed):
    # At scale 1 (every run, CI's included) one sequence of 10 steps; CXMETRICS_TEST_SCALE=4 runs four of 40.
    _run(tmp_path, seed, steps=scaled(10), customers=60, contacts=400)


def test_a_change_refreshes_only_the_families_that_read_it(tmp_path):
    store = Store(tmp_path, seed=99, customers=10, contacts=30)
    con = store.con
    store.load_outcomes()
    refreshed = rollups.last_refresh(con)
    # outcomes feed the outcome figures and the follow-up cases (saved detractors) only
    assert {f for f, r in refreshed.items() if r.how != "skipped"} == {"outcome", "loop"}
    assert refreshed["loop"].how == "delta"
    assert refreshed["metric"][:2] == ("skipped", "it reads no outcomes")
    store.load_responses(3)
    refreshed = rollups.last_refresh(con)
    assert refreshed["path"][0] == "skipped" and refreshed["metric"][0] == "delta"
    assert "0 contact days" in refreshed["metric"][1]
    assert refreshed["touchpoint"][0] == "delta" and refreshed["comments"][0] == "delta"
    # a day of contacts after the latest: their customers' spans on both sides (the three contacts
    # more after), and the contacts whose judged flags the moved latest contact flips
    store.load_contacts([store.latest() + timedelta(days=1)] * 3)
    assert {f: r.how for f, r in rollups.last_refresh(con).items()} == {
        rollups.SPAN_STEP: "staged", **{f.name: "delta" for f in rollups.BUILDERS}}
    how, detail, _ = rollups.last_refresh(con)["metric"]
    assert how == "delta"
    before, after = map(int, re.match(r"(\d+) contacts before the change and (\d+) after", detail).groups())
    assert after - before == 3
    assert "contacts whose judged flags the moved latest contact flips" in detail
    assert _path_sides(rollups.last_refresh(con)["path"].detail) == 3
    assert_equals_full_rebuild(con)
    con.close()


def test_answers_follow_their_contacts_in_and_out(tmp_path):
    """An answer about a contact of another customer (or of none of its own) takes the contact's
    channel and reason (and customer): loading the contact later, and deleting it, change the
    answer's rows in the metric and story rollups."""
    store = Store(tmp_path, seed=5, customers=6, contacts=10)
    rows = [("ra", "2025-03-20 10:00:00", "u1", "klater", "t", 9, 5, 6, "true", "fine"),
            ("rb", "", "", "klater", "t", 3, 1, 2, "false", "slow")]
    store.load("responses", RESPONSE_HEADER, rows)
    assert_equals_full_rebuild(store.con)
    later = store.load("contacts", CONTACT_HEADER,
                       [("klater", "u2", "2025-03-19 09:00:00", "chat", "Refund", "true", 0, 30, "Atlas", "false")])
    assert rollups.last_refresh(store.con)["story"].how == "delta"
    assert_equals_full_rebuild(store.con)
    delete_import(store.con, later)
    assert_equals_full_rebuild(store.con)
    store.con.close()


def test_customers_arriving_after_their_contacts_recount_those_contacts_days(tmp_path):
    """A customer's row loaded after the customer's contacts gives those contacts their rolled
    customer columns (tier, region): the metric and path rollups recount those contacts' days, and
    only those (metric_days_customers.sql), then equal a full rebuild."""
    store = Store(tmp_path, seed=13, customers=8, contacts=20)
    latest = store.latest()
    store.load_contacts([latest - timedelta(days=3), latest - timedelta(days=40, hours=2)], ["u77", "u77"])
    store.load("customers", "customer_id,tier,region", [("u77", TIERS[0], "South")])
    refreshed = rollups.last_refresh(store.con)
    assert refreshed["metric"].how == "delta" and refreshed["metric"].detail.startswith("2 contact days"), refreshed
    assert refreshed["path"] == ("delta", "2 days", refreshed["path"].seconds)
    assert_equals_full_rebuild(store.con)
    store.con.close()


def test_new_segment_columns_rebuild_every_family(tmp_path):
    store = Store(tmp_path, seed=7, customers=8, contacts=20)
    assert "plan" not in rollups.rolled_segments(store.con)
    store.load("customers", "customer_id,tier,region,plan", [("u900", "Basic", "North", "monthly")])
    refreshed = rollups.last_refresh(store.con)
    assert {r[:2] for r in refreshed.values()} == {("full", "the rolled segment columns changed")}
    assert "plan" in rollups.rolled_segments(store.con)
    assert_equals_full_rebuild(store.con)
    store.con.close()


def test_the_outcome_summary_recounts_only_the_part_a_change_feeds(tmp_path):
    """Contacts move the repeat days, responses the NPS and CSAT groups: each recounts its part of
    outcome_summary. A rolled customers column named like one of those groupings would make the
    parts' rows alike, so then the whole summary is recounted."""
    store = Store(tmp_path, seed=41, customers=10, contacts=30)
    store.load_contacts([store.latest() - timedelta(days=3)] * 2)
    assert _refreshed(store, "outcome").endswith("outcome_summary's rows but those by NPS and CSAT group")
    store.load_responses(4)
    assert _refreshed(store, "outcome").endswith("outcome_summary's rows by NPS and CSAT group")
    store.load("customers", "customer_id,tier,region,nps_group", [("u901", "Basic", "North", "loyal")])
    assert "nps_group" in rollups.rolled_segments(store.con)
    store.load_contacts([store.latest() - timedelta(days=1)], ["u901"])
    assert _refreshed(store, "outcome").endswith("then outcome_summary")
    store.load_responses(4)
    assert _refreshed(store, "outcome").endswith("then outcome_summary")
    store.con.close()


def test_a_change_larger_than_a_delta_takes_is_a_full_build(tmp_path, monkeypatch):
    """A change of more rows than DELTA_MAX_ROWS (its temp tables grow with it) brings every family
    up to date by a full build, inside the import's transaction; one within it, by their deltas."""
    store = Store(tmp_path, seed=26, customers=8, contacts=20)
    monkeypatch.setattr(rollups, "DELTA_MAX_ROWS", 2)
    latest = store.latest()
    store.load_contacts([latest - timedelta(days=1), latest + timedelta(hours=1)])
    assert {r.how for r in rollups.last_refresh(store.con).values()} == {"staged", "delta"}
    added = store.load_contacts([latest - timedelta(days=2), latest + timedelta(hours=2), latest + timedelta(days=1)])
    refreshed = rollups.last_refresh(store.con)
    assert {r.how for r in refreshed.values()} == {"full"}
    assert refreshed["metric"].detail == "a change of 3 rows, more than the 2 a delta refreshes"
    assert_equals_full_rebuild(store.con)
    delete_import(store.con, added)
    assert {r.how for r in rollups.last_refresh(store.con).values()} == {"full"}
    assert_equals_full_rebuild(store.con)
    store.con.close()


def test_stale_rollups_are_left_to_ensure_fresh_and_a_dry_run_changes_nothing(tmp_path):
    store = Store(tmp_path, seed=3, customers=8, contacts=20)
    con = store.con
    before = {t: table_rows(con, t) for t in ROLLUP_TABLES}
    path = tmp_path / "dry.csv"
    path.write_text(CONTACT_HEADER + "\nkdry,u1,2025-03-05 10:00:00,phone,Billing,true,0,30,Atlas,false\n")
    load_file(con, "contacts", path, ImportOptions(force=True, dry_run=True))
    assert rollups.is_fresh(con) and {t: table_rows(con, t) for t in ROLLUP_TABLES} == before
    con.execute("DELETE FROM rollup_state")  # as a migration leaves them
    store.load_contacts([START + timedelta(days=3)])
    assert not rollups.is_fresh(con)
    assert rollups.ensure_fresh(con) is True
    assert {r.how for r in rollups.last_refresh(con).values()} == {"full"}
    con.close()


def test_engagement_touches_no_rollup_and_keeps_them_fresh(tmp_path):
    store = Store(tmp_path, seed=11, customers=4, contacts=8)
    engagement = store.load("engagement", "team,month,engagement_score", [("Atlas", "2025-03-01", 71.5)])
    assert rollups.is_fresh(store.con)
    assert {r.how for r in rollups.last_refresh(store.con).values()} == {"skipped"}
    delete_import(store.con, engagement)
    assert rollups.is_fresh(store.con)
    store.con.close()


def _imports(module: Path, siblings: set[str]) -> set[str]:
    """Return the modules of the rollups package that `module` imports, at the top or inside a
    function: a sibling module by name, the package itself (its __init__) as "rollups"."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found |= {a.name if a.name in siblings else "rollups" for a in node.names}
    return found


def test_the_rollup_modules_import_in_one_direction():
    """rollups (the package's __init__) lists the families; the families (and what they import)
    never import it back."""
    package = Path(rollups.__file__).parent
    files = {("rollups" if p.stem == "__init__" else p.stem): p for p in package.glob("*.py")}
    graph = {name: _imports(path, set(files)) for name, path in files.items()}
    reached, todo = set(), [m for m in graph["rollups"]]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(graph.get(module, ()))
    assert "rollups" not in reached
    assert {f.build.__module__.rsplit(".", 1)[1] for f in rollups.BUILDERS} <= reached
    assert len(reached) >= 7  # the check reads the families: seven of them at least


def _contact(contact_id: str, customer: str, started: datetime, channel: str = "phone", reason: str = "Billing",
             self_service: str = "false") -> tuple:
    return (contact_id, customer, started.isoformat(sep=" "), channel, reason, "false", 0, 30, "Atlas", self_service)


def _journeys(con, window: int) -> int:
    """Return how many journeys of `window` days the every-day path rows hold."""
    return con.execute("SELECT coalesce(sum(journeys), 0) FROM journey_path_rollup "
                       "WHERE win = ? AND kind = 'channel' AND all_days", [window]).fetchone()[0]


def _refreshed(store, family: str, how: str = "delta") -> str:
    """Assert `family` was refreshed `how` by the latest change and equals a full rebuild; return its detail."""
    refreshed = rollups.last_refresh(store.con)[family]
    assert refreshed.how == how, refreshed
    assert_equals_full_rebuild(store.con)
    return refreshed.detail


def test_journeys_joined_split_and_at_their_edges_equal_a_full_rebuild(tmp_path):
    """A contact exactly W days from both its neighbours joins their two journeys into one; deleting
    it splits them again; a second further it starts a journey the next contact joins. Contacts at
    the same instant, a contact without a customer, and a new channel (every touchpoint code moves:
    rebuilt whole) as well."""
    store = Store(tmp_path, seed=21, customers=6, contacts=30)
    day = START + timedelta(days=100)
    store.load("contacts", CONTACT_HEADER, [_contact("ja", "u1", day), _contact("jb", "u1", day + timedelta(days=14), "chat"),
                                             _contact("jc", "u2", day + timedelta(days=2))])
    _refreshed(store, "touchpoint")
    apart = _journeys(store.con, 7)
    joining = store.load("contacts", CONTACT_HEADER, [_contact("jm", "u1", day + timedelta(days=7), "email")])
    _refreshed(store, "touchpoint")
    assert _journeys(store.con, 7) == apart - 1  # ja, jm, jb: one journey of three contacts
    delete_import(store.con, joining)
    _refreshed(store, "touchpoint")
    assert _journeys(store.con, 7) == apart
    store.load("contacts", CONTACT_HEADER, [_contact("jn", "u1", day + timedelta(days=7, seconds=1), "email")])
    _refreshed(store, "touchpoint")
    assert _journeys(store.con, 7) == apart  # ja alone; jn, jb together
    # the same instant as jc, ordered before it and after it by contact id
    store.load("contacts", CONTACT_HEADER, [_contact("jb0", "u2", day + timedelta(days=2), "chat", "Refund"),
                                             _contact("jd", "u2", day + timedelta(days=2), "email", "")])
    _refreshed(store, "touchpoint")
    store.load("contacts", CONTACT_HEADER, [_contact("jz", "", day + timedelta(days=3))])
    _refreshed(store, "touchpoint")
    store.load("contacts", CONTACT_HEADER, [_contact("js", "u2", day + timedelta(days=4), "sms")])
    assert "codes changed" in _refreshed(store, "touchpoint")
    store.con.close()


def test_a_journey_refresh_counts_only_the_span_between_30_day_starts(tmp_path):
    """The touchpoint refresh counts, per touched customer, the contacts from the 30-day journey
    start before the change to the one after it, not their whole history: u0's contacts 200, 195,
    150, 145 and 100 days before the store's first month, and one added 148 days before, count the
    three from 150 to 145 (45 days separate 195 and 150, and 145 and 100), on both sides."""
    store = Store(tmp_path, seed=31, customers=6, contacts=20)
    history = [START - timedelta(days=d) for d in (200, 195, 150, 145, 100)]
    store.load_contacts(history, ["u0"] * len(history))
    _refreshed(store, "touchpoint")
    added = store.load_contacts([START - timedelta(days=148)], ["u0"])
    assert _refreshed(store, "touchpoint") == (
        "the journeys of 1 customers, 3 contacts counted before and after the change")
    delete_import(store.con, added)
    assert _refreshed(store, "touchpoint").startswith("the journeys of 1 customers, 3 contacts")
    store.con.close()


def test_the_censoring_edge_moves_both_ways_for_journeys(tmp_path):
    """A load after the latest contact judges the contacts a window older than it (their journeys'
    rows change wherever those start); deleting it takes that back."""
    store = Store(tmp_path, seed=22, customers=8, contacts=40)
    later = store.load_contacts([store.latest() + timedelta(days=9, seconds=5)], ["u3"])
    detail = _refreshed(store, "touchpoint")
    # u3's journeys, then the flags of the contacts the moved edge judges now, other customers' too.
    assert int(re.match(r"the journeys of (\d+) customers", detail).group(1)) == 1, detail
    assert int(re.search(r"flips: (\d+) customers' spans", detail).group(1)) > 1, detail
    delete_import(store.con, later)
    detail = _refreshed(store, "touchpoint")
    assert int(re.search(r"flips: (\d+) customers' spans", detail).group(1)) > 1, detail
    store.con.close()


def test_repeat_paths_and_self_service_failures_at_their_edges(tmp_path):
    """A repeat exactly 30 days after its previous contact counts, a second more does not; an
    assisted contact exactly a day after a self-service one makes it a failure. Each refreshed by
    its days, and deleted again."""
    store = Store(tmp_path, seed=23, customers=6, contacts=30)
    day = START + timedelta(days=20, hours=9)
    store.load("contacts", CONTACT_HEADER, [_contact("pa", "u1", day), _contact("pb", "u2", day),
                                             _contact("ps", "u3", day, self_service="true")])
    _refreshed(store, "path")
    edges = store.load("contacts", CONTACT_HEADER, [
        _contact("pa2", "u1", day + timedelta(days=30), "chat"),
        _contact("pb2", "u2", day + timedelta(days=30, seconds=1), "chat"),
        _contact("ps2", "u3", day + timedelta(days=1), "phone")])
    # each new contact counted after the change, and the contacts before it whose next contact it
    # is on both sides (more when another contact of the customer follows)
    assert _path_sides(_refreshed(store, "path")) == 3
    delete_import(store.con, edges)
    assert _path_sides(_refreshed(store, "path")) == -3
    store.con.close()


def test_a_contact_added_at_the_instant_of_another_moves_the_next_ones_previous_contact(tmp_path):
    """Contacts at one instant are ordered by id: one added at the instant of another, after it by
    id, becomes the previous contact of the contact that follows, whose neighbour times all stay
    the same; that contact's repeat path (its previous contact's channel) changes all the same."""
    store = Store(tmp_path, seed=25, customers=6, contacts=30)
    at = START + timedelta(days=60, hours=9)
    store.load("contacts", CONTACT_HEADER, [_contact("ta", "u88", at), _contact("tc", "u88", at + timedelta(days=2))])
    _refreshed(store, "path")
    added = store.load("contacts", CONTACT_HEADER, [_contact("tb", "u88", at, "chat")])
    assert _path_sides(_refreshed(store, "path")) == 1
    delete_import(store.con, added)
    assert _path_sides(_refreshed(store, "path")) == -1
    store.con.close()


def _path_sides(detail: str) -> int:
    """Return how many more contacts the path refresh counted after the change than before it."""
    before, after = map(int, re.match(r"(\d+) contacts before the change and (\d+) after", detail).groups())
    return after - before


def test_cases_follow_outcomes_answers_and_contacts_per_customer(tmp_path):
    """A detractor is saved or lost by their customer's later answers and outcome months; each change
    rewrites that customer's cases, the case counts of the days whose cases it changes, and the
    comment rows of the answers it touches."""
    store = Store(tmp_path, seed=24, customers=6, contacts=30)
    store.load("contacts", CONTACT_HEADER, [_contact("lc", "u4", START + timedelta(days=10))])
    assert _refreshed(store, "loop").startswith("1 customers")
    answer = store.load("responses", RESPONSE_HEADER, [
        ("lr1", "2025-03-15 10:00:00", "", "lc", "t", 2, 1, 2, "false", "never again")])
    # the case counts of the one day whose cases count differently, not of every day u4 has a case on
    one_day = "1 customers, 1 days of case counts"
    assert _refreshed(store, "loop") == one_day
    _refreshed(store, "comments")
    good = store.load("responses", RESPONSE_HEADER, [
        ("lr2", "2025-04-02 10:00:00", "u4", "", "t", 9, 5, 6, "true", "")])
    assert _refreshed(store, "loop") == one_day  # lr1 saved: its day only
    assert store.con.execute("SELECT count(DISTINCT CAST(opened_at AS DATE)) FROM loop_case_rollup "
                             "WHERE customer_id = 'u4'").fetchone()[0] > 1
    assert store.con.execute("SELECT saved_state FROM loop_case_rollup WHERE source_id = 'lr1'").fetchone() == ("saved",)
    churned = store.load("outcomes", "customer_id,month,revenue,churned,orders", [("u4", "2025-04-01", 10, "true", 1)])
    assert _refreshed(store, "loop") == one_day
    assert store.con.execute("SELECT saved_state FROM loop_case_rollup WHERE source_id = 'lr1'").fetchone() == ("churned",)
    for import_id in (churned, good, answer):
        delete_import(store.con, import_id)
        assert _refreshed(store, "loop") == one_day
    store.con.close()
