"""The touchpoint map's main journeys: the top journeys by volume, the rest folded into one row, each
step self-service or assisted, and the step where customers drop to assisted contact (hand-computed)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cxmetrics.face.charts import CHART_BUILDERS, NO_DATA, journey_list_chart
from cxmetrics.core.presentation import readable
from cxmetrics.engine.touchpoints import (ASSISTED, MIXED, OTHER_JOURNEYS, SELF_SERVICE, UNKNOWN_ROLE,
                                          assisted_drop_sentence, assisted_step, channel_roles, journey_flow,
                                          journey_paths, journey_steps, journey_table, journeys_total,
                                          main_journeys, step_role)
from tests.test_touchpoints import CONTACTS

ROLES = {"web": SELF_SERVICE, "app": SELF_SERVICE, "phone": ASSISTED, "chat": ASSISTED}


@pytest.fixture
def journeys(con, load):
    load("contacts", "contacts.csv", CONTACTS)
    return con


def paths(*rows):
    return pd.DataFrame(rows, columns=["path", "journeys"])


@pytest.mark.parametrize(("steps", "expected"), [
    (("web", "phone"), 2),                  # self-service, then assisted at step 2
    (("app", "app", "chat", "phone"), 3),   # the first assisted step after self-service
    (("phone", "web", "phone"), 3),         # assisted first does not count; the drop after web does
    (("phone", "chat"), None),              # assisted all along: no drop
    (("web", "app"), None),                 # self-service all along
    (("web", "Other", "fax"), None),        # folded and unknown channels are no assisted contact
    (("web", "…"), None),
])
def test_the_step_where_customers_drop_to_assisted_contact(steps, expected):
    assert assisted_step(steps, ROLES) == expected


def test_step_roles():
    assert [step_role(t, ROLES) for t in ("web", "phone", "Other", "fax")] == [SELF_SERVICE, ASSISTED, MIXED,
                                                                               UNKNOWN_ROLE]


def test_the_top_journeys_and_every_other_one_folded():
    # 100 journeys; the paths read stop at four (a cut-short read): the fold takes the rest from the total.
    found = paths(("web → phone", 30), ("phone", 50), ("chat → chat", 10), ("app → … ", 5))
    main = main_journeys(found, 100, ROLES, top=2)
    assert list(main["journey"]) == ["phone", "web → phone", OTHER_JOURNEYS]
    assert list(main["journeys"]) == [50, 30, 20]  # 100 - 50 - 30, not 10 + 5
    assert list(main["share"]) == [50.0, 30.0, 20.0]
    assert list(main["rank"]) == [1, 2, 3]
    assert main["assisted_step"].tolist() == [pd.NA, 2, pd.NA]
    assert list(main["other"]) == [False, False, True]
    assert main.loc[1, "steps"] == ("web", "phone")


def test_ties_are_ranked_by_path_and_nothing_left_adds_no_other_row():
    main = main_journeys(paths(("b", 5), ("a", 5), ("c", 5)), 15, top=3)
    assert list(main["journey"]) == ["a", "b", "c"] and sum(main["journeys"]) == 15


def test_no_journeys_fold_to_nothing():
    main = main_journeys(paths(), 0)
    assert main.empty and journey_steps(main).empty
    spec = journey_list_chart(main, journey_steps(main), title="t").to_dict()
    assert NO_DATA in json.dumps(spec)


def test_the_chips_of_each_journey():
    main = main_journeys(paths(("web → phone", 3), ("an unusually long reason → …", 1)), 5, ROLES)
    chips = journey_steps(main, ROLES, max_label=10)
    assert chips.to_dict("records") == [
        {"rank": 1, "step": 1, "touchpoint": "web", "label": "web", "role": SELF_SERVICE, "drops_here": False},
        {"rank": 1, "step": 2, "touchpoint": "phone", "label": "phone", "role": ASSISTED, "drops_here": True},
        {"rank": 2, "step": 1, "touchpoint": "an unusually long reason", "label": "an unusua…",
         "role": UNKNOWN_ROLE, "drops_here": False},
        {"rank": 2, "step": 2, "touchpoint": "…", "label": "…", "role": "more steps", "drops_here": False},
    ]
    table = readable(journey_table(main))  # as the chart's download writes it
    assert list(table.columns) == ["Rank", "Journey", "Journeys", "Share of journeys %",
                                   "Drops to assisted contact at step"]
    assert list(table["Journeys"]) == [3, 1, 1]


def test_the_journeys_of_a_store(journeys):
    # W = 7: X web -> phone, X chat -> chat, Y app -> app -> phone, Z phone, Z email: five journeys of one each.
    roles = channel_roles(journeys)
    assert roles == {"web": SELF_SERVICE, "app": SELF_SERVICE, "phone": ASSISTED, "chat": ASSISTED, "email": ASSISTED}
    total = journeys_total(journey_flow(journeys, "channel"))
    assert total == 5
    main = main_journeys(journey_paths(journeys, "channel", limit=1000), total, roles, top=2)
    assert list(main["journey"]) == ["app → app → phone", "chat → chat", OTHER_JOURNEYS]
    assert list(main["journeys"]) == [1, 1, 3]
    assert main["assisted_step"].tolist() == [3, pd.NA, pd.NA]


def test_the_picture_is_chips_and_bars(journeys):
    roles = channel_roles(journeys)
    main = main_journeys(journey_paths(journeys, "channel", limit=1000), 5, roles)
    chips = journey_steps(main, roles)
    spec = journey_list_chart(main, chips, title="Main journeys").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "text", "text", "bar", "text", "text"]
    assert spec["layer"][0]["encoding"]["color"]["field"] == "role"
    assert "journey_list_chart" in CHART_BUILDERS
    # The bar of the journey that drops to assisted contact (web -> phone) is orange, and its phone step outlined.
    outlined = [c for c in json.loads(json.dumps(spec["datasets"]))[spec["data"]["name"]] if c["drops_here"]]
    assert {(c["touchpoint"], c["step"]) for c in outlined} == {("phone", 2), ("phone", 3)}


def test_the_sentence_of_journeys_dropping_to_assisted_contact():
    found = paths(("web → phone", 20), ("app → phone", 16), ("web → app → chat", 4), ("phone", 60),
                  ("app → web → phone", 20))
    # Drops: web → phone 20, app → phone 16, app → chat 4, web → phone 20 (at step 3): 60 of 200.
    assert assisted_drop_sentence(found, 200, ROLES, cut_short=False) == (
        "60 of 200 journeys (30.0 %) went from self-service to assisted contact, most often web → phone (40), "
        "app → phone (16), app → chat (4).")
    assert assisted_drop_sentence(found, 200, ROLES, cut_short=True).startswith("At least 60 of 200")
    assert assisted_drop_sentence(paths(("phone", 5)), 5, ROLES, cut_short=False) == (
        "0 of 5 journeys (0.0 %) went from self-service to assisted contact.")
    # Without a channel known to be self-service (reasons, or no flag in the log) there is nothing to say.
    assert assisted_drop_sentence(found, 200, {"phone": ASSISTED}, cut_short=False) is None
    assert assisted_drop_sentence(paths(), 0, ROLES, cut_short=False) is None
