"""Display masking: stable pseudonyms for customer ids, comments without e-mails, phone numbers,
long numbers or known names, and the setting carried in the URL."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cxmetrics.face.privacy import mask_comment, mask_customer_id, mask_frame
from cxmetrics.engine.url_state import Scope, query_from_scope, scope_from_query


@pytest.mark.parametrize("customer_id", ["C00161", "42", "jane.doe@example.com", "Ünïcødé", ""])
def test_a_pseudonym_is_stable_and_hides_the_id(customer_id):
    first = mask_customer_id(customer_id)
    assert first == mask_customer_id(customer_id)  # same customer, same pseudonym, every time
    assert re.fullmatch(r"cust-[0-9a-f]{10}", first)
    assert first != customer_id and first != mask_customer_id(customer_id + "x")


def test_pseudonyms_are_known_values():
    # Pinned so a change of the rule (which would break shared links and screenshots) is noticed.
    assert mask_customer_id("C00161") != mask_customer_id("C00162")
    assert mask_customer_id(161) == mask_customer_id("161")  # numbers and their text agree
    import hashlib

    expected = hashlib.blake2b(b"cxmetrics display mask v1\x00C00161", digest_size=5).hexdigest()
    assert mask_customer_id("C00161") == "cust-" + expected


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_no_id_stays_no_id(missing):
    assert mask_customer_id(missing) is None
    assert mask_comment(missing) is None


@pytest.mark.parametrize(
    "text, names, expected",
    [
        ("Call me on +44 20 7946 0958 or jane@example.com", (), "Call me on [phone] or [email]"),
        ("Mon numéro client 12345678, merci", (), "Mon numéro client [number], merci"),
        ("Waited 45 minutes, paid €12.50 on 2026-01-05", (), "Waited 45 minutes, paid €12.50 on 2026-01-05"),
        ("Jürgen was über-helpful, thanks JÜRGEN", ("Jürgen", "Sofia"), "[name] was über-helpful, thanks [name]"),
        ("Très bien", ("Jürgen",), "Très bien"),
    ],
)
def test_a_comment_loses_its_personal_data(text, names, expected):
    assert mask_comment(text, names) == expected


def test_a_frame_is_masked_by_column_and_left_unchanged():
    frame = pd.DataFrame({"customer_id": ["C1", None], "comment": ["mail a@b.co", None], "nps": [3, 9],
                          "channel": ["phone", "C1"]})
    masked = mask_frame(frame)
    assert masked["customer_id"].iloc[0] == mask_customer_id("C1") and pd.isna(masked["customer_id"].iloc[1])
    assert masked["comment"].iloc[0] == "mail [email]" and pd.isna(masked["comment"].iloc[1])
    assert list(masked["channel"]) == ["phone", "C1"]  # only the personal columns change
    assert frame["customer_id"].iloc[0] == "C1"  # the original is not touched
    assert mask_frame(frame[["nps"]]).equals(frame[["nps"]])  # a frame without personal columns passes


@pytest.mark.parametrize(
    "params, masked",
    [({}, None), ({"mask": "1"}, True), ({"mask": "true"}, True), ({"mask": "0"}, False), ({"mask": "no"}, False),
     ({"mask": "maybe"}, None), ({"mask": ["1", "0"]}, True)],
)
def test_the_setting_travels_in_the_url(params, masked):
    scope = scope_from_query(params)
    assert scope.masked is masked
    back = query_from_scope(scope)
    assert back.get("mask") == {None: None, True: "1", False: "0"}[masked]
    assert scope_from_query(back) == scope


def test_the_default_scope_leaves_the_url_clean():
    assert "mask" not in query_from_scope(Scope())
