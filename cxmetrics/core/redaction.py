"""Free text with personal data masked: e-mail addresses, phone numbers, long digit runs.

`redact_text` is the one gate every comment passes before it reaches a shared screen or an
export. It errs on the side of masking: a digit string that could be a phone, card or account
number becomes a token, while dates, prices, scores, thousands-grouped amounts and short
numbers stay readable because a huddle needs them ("waited 45 minutes", "€12.50",
"since 2024-05-01").
"""

from __future__ import annotations

import re

EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"
NUMBER_TOKEN = "[number]"

MIN_PHONE_DIGITS = 7  # shortest local number ("555-1234"); E.164 allows at most 15
MAX_PHONE_DIGITS = 15
MIN_RUN_DIGITS = 6  # an unbroken run this long is an account, order or card number
MIN_GROUPED_DIGITS = 12  # separated groups this long with no phone shape: a card or IBAN

# The look-behind lets a match start only where a word starts: scanning every position of a long
# word for an "@" would take quadratic time.
_EMAIL = r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# Dates are matched first so that the phone pattern never sees "2024-05-01" or "01.05.2024".
_DATE = (
    r"(?<![\w+])(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2}))(?![\w])"
)
# Digit groups joined by single spaces, dots or dashes, optionally led by "+cc" and "(area)".
_PHONE = (
    r"(?<![\w+.])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{1,5}\)[ .\-]?)?"
    r"\d{1,8}(?:[ .\-]\d{1,8}){0,5}(?![\w])"
)
_NUMBER = r"(?<!\d)\d{%d,}" % MIN_RUN_DIGITS

_TOKENS = re.compile(
    f"(?P<email>{_EMAIL})|(?P<date>{_DATE})|(?P<phone>{_PHONE})|(?P<number>{_NUMBER})"
)
_RUN = re.compile(_NUMBER)
_GROUP_SEPARATOR = re.compile(r"[ .\-]")


def redact_text(text: str | None) -> str | None:
    """Return `text` with e-mails, phone numbers and 6+ digit runs replaced by tokens."""
    if text is None:
        return None
    return _TOKENS.sub(_replacement, str(text))


def _replacement(match: re.Match) -> str:
    kind = match.lastgroup
    found = match.group(0)
    if kind == "email":
        return EMAIL_TOKEN
    if kind == "date":
        return found if _plausible_date(found) else _digits_replacement(found)
    if kind == "phone":
        return _digits_replacement(found)
    return NUMBER_TOKEN


def _digits_replacement(found: str) -> str:
    """Return the token for a run of digit groups, or the text with only its long runs masked."""
    digits = sum(ch.isdigit() for ch in found)
    if _looks_like_phone(found, digits):
        return PHONE_TOKEN
    if digits >= MIN_GROUPED_DIGITS and not _thousands_grouped(found):
        return NUMBER_TOKEN
    return _RUN.sub(NUMBER_TOKEN, found)


def _looks_like_phone(found: str, digits: int) -> bool:
    """True when the digit groups have a phone number's length and shape.

    Two bare groups ("1000-2000", "2023 2024", "12345.67") are ranges, years or decimals, so
    they count only with a phone's marks: a "+", an area code in parentheses, the US local
    shape 555-1234, or a trunk "0" in front ("030 1234567").
    """
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        return False
    if found.startswith("+") or "(" in found:
        return True
    if _thousands_grouped(found):
        return False
    groups = _GROUP_SEPARATOR.split(found)
    if len(groups) >= 3:
        return True
    if len(groups) == 2:
        if re.fullmatch(r"\d{3}-\d{4}", found):
            return True
        return found.startswith("0") and "." not in found and digits >= 9
    # A single unbroken group without "+" is left to the digit-run rule ("[number]").
    return False


def _thousands_grouped(found: str) -> bool:
    """True for amounts written with thousands separators: "1.234.567", "2 500 000"."""
    return bool(re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?: \d{3})+", found))


def _plausible_date(found: str) -> bool:
    """True when the parts can be a calendar date in year-first or day/month-first order."""
    parts = [int(p) for p in re.split(r"[-./]", found)]
    if len(str(parts[0])) == 4 or found[:4].isdigit():
        _, month, day = parts
        return 1 <= month <= 12 and 1 <= day <= 31
    first, second, _ = parts
    day_month = 1 <= first <= 31 and 1 <= second <= 12
    month_day = 1 <= first <= 12 and 1 <= second <= 31
    return day_month or month_day


NAME_TOKEN = "[name]"
ID_TOKEN = "[id]"


def mask_names(text: str | None, names, token: str = NAME_TOKEN) -> str | None:
    """Return `text` with every whole-word occurrence of the given names replaced by `token` ("[name]").

    For names the data itself knows (agents): a comment praising "Ingrid" on a shared screen
    names a person. Longer names go first so "Anna-Lena" is not left as "[name]-Lena".
    """
    if text is None:
        return None
    wanted = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not wanted:
        return text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in wanted) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(lambda _: token, text)
