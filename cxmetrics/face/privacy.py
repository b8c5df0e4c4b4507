"""Display masking of personal data: customer ids become stable pseudonyms, comments lose e-mail
addresses, phone numbers and long digit runs.

This is masking for the screen, a shared link and a download, **not anonymisation**: the
pseudonym is a keyless hash of the id, so anyone holding the list of real ids can recompute it,
and a comment can still name a person or describe them. It keeps ids apart (the same customer
gets the same pseudonym on every page and in every session, so rows can still be told apart and
followed) while a screen or an export no longer shows them.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from ..core.redaction import mask_names, redact_text

PSEUDONYM_PREFIX = "cust-"
ID_COLUMNS = ("customer_id",)
TEXT_COLUMNS = ("comment",)
# Part of the hash so a pseudonym is not simply the well-known hash of the id.
_NAMESPACE = b"cxmetrics display mask v1\x00"


def mask_customer_id(customer_id) -> str | None:
    """Return a stable pseudonym for a customer id ("cust-" and 10 hex digits); None stays None."""
    if customer_id is None or (isinstance(customer_id, float) and customer_id != customer_id):
        return None
    digest = hashlib.blake2b(_NAMESPACE + str(customer_id).encode("utf-8"), digest_size=5).hexdigest()
    return PSEUDONYM_PREFIX + digest


def mask_comment(text, names=()) -> str | None:
    """Return the comment with e-mail addresses, phone numbers and long digit runs replaced by tokens,
    and any of `names` (people the data knows, e.g. agents) by "[name]"."""
    if text is None or (isinstance(text, float) and text != text):
        return None
    return mask_names(redact_text(str(text)), names)


def mask_frame(frame: pd.DataFrame, ids: tuple[str, ...] = ID_COLUMNS,
               texts: tuple[str, ...] = TEXT_COLUMNS, names=()) -> pd.DataFrame:
    """Return a copy of the frame with its id columns pseudonymised and its free-text columns redacted
    (`names` masked in them too)."""
    masked = frame.copy()
    for column in ids:
        if column in masked.columns:
            masked[column] = masked[column].map(mask_customer_id, na_action="ignore")
    for column in texts:
        if column in masked.columns:
            masked[column] = masked[column].map(lambda text: mask_comment(text, names), na_action="ignore")
    return masked
