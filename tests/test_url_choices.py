"""A page's own choices in a link (cxmetrics.engine.url_state): read and checked, written back only when not
the default, and every value the page or workspace lacks said in plain words."""

from __future__ import annotations

import pytest

from cxmetrics.engine.url_state import (ALL, MANY, NUMBER, PAGE_CHOICES, SCOPE_PARAMS, TEXT, Choice, Reading,
                                        choice_query, filter_notices, read_choice)

METRIC = PAGE_CHOICES["metric"]
SPLIT = PAGE_CHOICES["split_by"]
LABELS = {"nps": "NPS", "csat": "CSAT"}


def test_a_known_value_is_read():
    assert read_choice({"metric": ["csat"]}, METRIC, ["nps", "csat"]) == Reading("csat")
    assert read_choice({"metric": "csat"}, METRIC, ["nps", "csat"]) == Reading("csat")


def test_a_value_may_be_named_as_the_page_shows_it():
    assert read_choice({"metric": ["Csat"]}, METRIC, ["nps", "csat"], shown=LABELS.get) == Reading("csat")


def test_no_value_is_the_default_without_a_word():
    for params in ({}, {"metric": []}, {"metric": [""]}, {"metric": "  "}):
        assert read_choice(params, METRIC, ["nps"]) == Reading()


def test_an_unknown_value_is_said_and_the_default_shown():
    assert read_choice({"metric": ["bogus"]}, METRIC, ["nps", "csat"], default_text="'NPS'") == Reading(
        None, "The link asked for metric 'bogus', which this page does not offer; showing 'NPS'.")


def test_a_column_the_workspace_lacks_is_the_workspaces_word():
    reading = read_choice({"split_by": ["Fax"]}, SPLIT, ["tier", "region"], default_text="'tier'",
                          workspace_values=True)
    assert reading == Reading(None, "The link asked for split by 'Fax', which this workspace does not have; "
                                    "showing 'tier'.")


def test_a_long_value_is_quoted_short():
    notice = read_choice({"metric": ["x" * 500]}, METRIC, ["nps"]).notice
    assert f"'{'x' * 60}…'" in notice and "x" * 61 not in notice


def test_free_text_is_kept_up_to_its_limit():
    search = PAGE_CHOICES["search"]
    assert search.kind == TEXT
    assert read_choice({"search": ["refund"]}, search) == Reading("refund")
    assert read_choice({"search": ["a" * 300]}, search).value == "a" * 200


@pytest.mark.parametrize(("given", "expected"), [
    ("24", Reading(24)),
    ("720", Reading(720)),
    ("0", Reading(None, "The link asked for the first follow-up target (hours) '0', which is not a whole number "
                        "from 1 to 720; showing 48.")),
    ("1e3", Reading(None, "The link asked for the first follow-up target (hours) '1e3', which is not a whole number "
                          "from 1 to 720; showing 48.")),
])
def test_a_number_is_whole_and_in_range(given, expected):
    hours = PAGE_CHOICES["target_hours"]
    assert hours.kind == NUMBER
    assert read_choice({"target_hours": [given]}, hours, default_text="48") == expected


def test_several_values_keep_the_known_and_say_the_rest():
    group = PAGE_CHOICES["nps_group"]
    options = ["detractor", "passive", "promoter"]
    assert read_choice({"nps_group": ["promoter", "passive"]}, group, options) == Reading(("promoter", "passive"))
    assert read_choice({"nps_group": ["promoter", "fan"]}, group, options) == Reading(
        ("promoter",), "The link asked for NPS group 'fan', which this page does not offer; showing the other NPS "
                       "group values chosen.")
    assert read_choice({"nps_group": ["fan", "foe"]}, group, options, default_text="all of them") == Reading(
        None, "The link asked for NPS group 'fan' and 'foe', which this page does not offer; showing all of them.")
    assert read_choice({"nps_group": [ALL]}, group, options) == Reading(())


def test_only_what_differs_from_the_default_is_written():
    assert choice_query(METRIC, "nps", "nps") is None
    assert choice_query(METRIC, None, "nps") is None
    assert choice_query(METRIC, "csat", "nps") == "csat"
    assert choice_query(PAGE_CHOICES["target_hours"], 24, 48) == "24"
    assert choice_query(PAGE_CHOICES["search"], "", "") is None
    status = PAGE_CHOICES["status"]
    assert choice_query(status, ["open"], ["open", "in_progress"]) == ["open"]
    assert choice_query(status, ["open", "in_progress"], ["open", "in_progress"]) is None
    # None chosen is "all": written, so the link does not reopen with the page's default of some.
    assert choice_query(status, [], ["open", "in_progress"]) == [ALL]
    assert choice_query(PAGE_CHOICES["nps_group"], [], []) is None


def test_what_is_written_reads_back():
    for choice, value, default, options in [
        (METRIC, "csat", "nps", ["nps", "csat"]),
        (PAGE_CHOICES["status"], [], ["open"], ["open", "closed"]),
        (PAGE_CHOICES["status"], ["closed"], ["open"], ["open", "closed"]),
        (PAGE_CHOICES["target_hours"], 12, 48, None),
    ]:
        written = choice_query(choice, value, default)
        read = read_choice({choice.param: written if isinstance(written, list) else [written]}, choice, options)
        assert read.notice is None and (list(read.value) if choice.kind == MANY else read.value) == value


def test_page_choices_never_reuse_a_scope_parameter():
    assert not set(PAGE_CHOICES) & set(SCOPE_PARAMS)
    assert all(isinstance(c, Choice) and c.param == key for key, c in PAGE_CHOICES.items())


@pytest.mark.parametrize(("asked", "expected"), [
    (("Fax",), "The link asked for channel 'Fax', which this workspace does not have; showing all channels."),
    (("phone", "Fax"), "The link asked for channel 'Fax', which this workspace does not have; showing the other "
                       "channels chosen."),
    (("Fax", "Pigeon"), "The link asked for channels 'Fax' and 'Pigeon', which this workspace does not have; "
                        "showing all channels."),
    (("phone",), None),
    ((), None),
])
def test_filter_values_the_workspace_lacks_are_said(asked, expected):
    assert filter_notices(asked, ["phone", "chat"], "channel", "channels") == expected
