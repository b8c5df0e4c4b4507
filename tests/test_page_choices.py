"""AppTest: every page's own choices travel in its link. A link restores each of them, a choice made on
the page is written into the URL, and a value the page or workspace lacks is said on the page
(saved views: tests/test_saved_view_pages.py)."""

from __future__ import annotations

import pytest

from cxmetrics.core.markdown_text import escape_markdown
from tests.page_runner import db, open_page  # noqa: F401 - the fixture

# page: (a link choosing something other than each default, {widget key: the value it must show})
LINKS = {
    "views/overview.py": ({"trend_metric": "csat", "trend_by": "month"},
                          {"overview_metric": "csat", "overview_grain": "month"}),
    "views/contact_reasons.py": ({"matrix_figure": "nps", "path_by": "channel"},
                                 {"matrix_metric": "nps", "path_by": "channel"}),
    "views/segments.py": ({"split_by": "channel", "metric": "csat"}, {"seg_by": "channel", "seg_metric": "csat"}),
    "views/outcomes.py": ({"outcomes_by": "repeat_contact"}, {"outcomes_by": "repeat_contact"}),
    "views/touchpoints.py": ({"touchpoints": "contact_reason"}, {"touchpoint_kind": "contact_reason"}),
    "views/voice.py": ({"voice_figure": "csat", "theme_trend": "Delivery", "search": "refund",
                        "nps_group": ["detractor", "passive"], "csat_band": ["dissatisfied"], "sentiment": ["negative"],
                        "theme": "Waiting time"},
                       {"voc_metric": "csat", "voc_trend_theme": "Delivery", "voc_search": "refund",
                        "voc_nps_groups": ["detractor", "passive"], "voc_csat_bands": ["dissatisfied"],
                        "voc_sentiments": ["negative"], "voc_theme": "Waiting time"}),
    "views/close_the_loop.py": ({"target_hours": "24", "status": ["closed"], "loop_by": "team"},
                                {"loop_target_hours": 24, "loop_statuses": ["closed"], "loop_by": "team"}),
}
KINDS = ("segmented_control", "selectbox", "multiselect", "text_input", "number_input")


def widget(at, key):
    for kind in KINDS:
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise AssertionError(f"no widget {key}")


def value(at, key):
    shown = widget(at, key).value
    return list(shown) if isinstance(shown, (list, tuple)) else shown


def param(at, name) -> list[str] | None:
    """The link's values of `name` (AppTest keeps one value as a string, several as a list)."""
    if name not in at.query_params:
        return None
    given = at.query_params[name]
    return list(given) if isinstance(given, (list, tuple)) else [given]


def link_notices(at) -> list[str]:
    return [w.value for w in at.warning if "The link asked for" in w.value]


@pytest.mark.parametrize("page", list(LINKS))
def test_a_link_restores_every_choice_of_the_page(db, page):
    query, expected = LINKS[page]
    at = open_page(page, query)
    assert {key: value(at, key) for key in expected} == expected
    assert link_notices(at) == []
    for name, wanted in query.items():  # still in the address, for the next copy of the link
        assert param(at, name) == (wanted if isinstance(wanted, list) else [wanted])


def test_without_a_link_each_page_opens_at_its_defaults_and_the_link_stays_short(db):
    at = open_page("views/segments.py")
    assert (value(at, "seg_by"), value(at, "seg_metric")) == ("tier", "nps")
    assert "split_by" not in at.query_params and "metric" not in at.query_params


def test_a_choice_made_on_the_page_is_written_into_the_link(db):
    at = open_page("views/segments.py")
    at.selectbox(key="seg_by").set_value("channel").run()
    assert param(at, "split_by") == ["channel"]
    at.selectbox(key="seg_by").set_value("tier").run()  # back at the default: out of the link
    assert "split_by" not in at.query_params
    at = open_page("views/close_the_loop.py")
    at.multiselect(key="loop_statuses").set_value([]).run()  # none chosen: all, unlike the default
    assert param(at, "status") == ["all"]
    at = open_page("views/close_the_loop.py", {"status": ["all"]})
    assert value(at, "loop_statuses") == []


# One run per page, each link asking for several things the page or workspace lacks (runs are the cost).
@pytest.mark.parametrize(("page", "query", "notices"), [
    ("views/segments.py", {"split_by": "Fax_machine", "metric": "happiness"}, [
        "The link asked for split by 'Fax_machine', which this workspace does not have; showing 'tier'.",
        "The link asked for metric 'happiness', which this page does not offer; showing 'NPS'."]),
    ("views/overview.py", {"trend_by": "fortnight", "channel": ["phone", "Fax"], "reason": "Teleportation",
                           "segment": "shoe_size", "segment_value": "42"}, [
        "The link asked for the segment 'shoe_size', which this workspace does not have; showing all customers.",
        "The link asked for channel 'Fax', which this workspace does not have; showing the other channels chosen.",
        "The link asked for contact reason 'Teleportation', which this workspace does not have; showing all contact "
        "reasons.",
        "The link asked for the trend's period 'fortnight', which this page does not offer; showing 'week'."]),
    ("views/voice.py", {"nps_group": ["promoter", "fan"], "segment": "tier", "segment_value": ["Premium", "Gold"]}, [
        "The link asked for tier value 'Gold', which this workspace does not have; showing the other tier values "
        "chosen.",
        "The link asked for NPS group 'fan', which this page does not offer; showing the other NPS group values "
        "chosen."]),
    ("views/close_the_loop.py", {"target_hours": "9999", "status": ["lost"]}, [
        "The link asked for the first follow-up target (hours) '9999', which is not a whole number from 1 to 720; "
        "showing 48.",
        "The link asked for follow-up status 'lost', which this page does not offer; showing 'open' and "
        "'in progress'."]),
], ids=["segments", "overview", "voice", "close_the_loop"])
def test_a_value_the_page_or_workspace_lacks_is_said_on_the_page(db, page, query, notices):
    at = open_page(page, query)
    assert link_notices(at) == [escape_markdown(n) for n in notices]


def test_the_unknown_value_is_not_silently_widened_into_the_link(db):
    at = open_page("views/overview.py", {"channel": ["phone", "Fax"], "trend_metric": "bogus"})
    assert param(at, "channel") == ["phone"] and "trend_metric" not in at.query_params
    assert value(at, "flt_channel") == ["phone"] and value(at, "overview_metric") == "nps"
