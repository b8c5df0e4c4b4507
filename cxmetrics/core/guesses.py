"""What an analyst would guess about an export: which column is which, how its dates and durations
are written, which texts mean "missing", and what kind of file it is.

Pure functions over a file's column names and a sample of its values (text, as staged): nothing
here touches the database. The importer turns a `Guesses` into the targets it loads (mapping.py),
and the typing stays in SQL: a guess only chooses strptime formats and named readings from the
fixed sets below, which validation.py passes to SQL as `$params`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from .schema import BOOLEAN, INTEGER, MONTH, REAL, TABLES, TEXT, TIMESTAMP
from .vocabulary import (AGREEMENT_LABELS, FALSE_WORDS, INVERTED_SYNONYMS, QUESTION_WORDS, SATISFACTION_LABELS,
                         SEVEN_POINT_WORDS, SYNONYMS, TIME_NAMES, TRUE_WORDS)

# Texts that exports write for "no value". `None` is not one: in the telco export it is a real
# answer ("no offer", "no internet"), and an analyst names such a marker with --null.
MARKERS = ("NA", "N/A", "n/a", "na", "#N/A", "null", "NULL", "Null", "-", "nan", "NaN")

# Readings a guess may ask for (validation.READINGS holds their SQL).
DURATION = "duration"  # 0:02:23, 2:23 or 143 -> seconds
OFFSET_HOURS = "offset_hours"  # "GMT+8" -> "GMT+0800", which strptime's %z reads

SATISFACTION_READING = "satisfaction_labels"  # a rating scale's words (vocabulary.SATISFACTION_LABELS)
AGREEMENT_READING = "agreement_labels"  # CES on seven points of agreement (vocabulary.AGREEMENT_LABELS)

_QUESTION_MIN_WORDS = 4  # "Satisfaction" alone is a synonym's business, not a question's
ID_COLUMNS = {"contacts": "contact_id", "responses": "response_id"}  # may be generated when absent
_CANONICAL = {column.name for table in TABLES.values() for column in table.columns}
# Words an export adds to a name that say nothing about what the column is.
_NOISE = re.compile(r"\b(y n|yes no|in seconds|seconds|secs|sec|in s|s|utc|gmt)$")
# The record a help desk or phone system prefixes its columns with: "Ticket Channel" is its channel.
_RECORD_WORDS = re.compile(r"^(ticket|call|case|contact|interaction|conversation|chat) (?=\w)")

# What a survey tool's label rows (label_rows) add to what a file is recognised by: a Qualtrics
# export's StartDate and "Duration (in seconds)" would otherwise tie with its answers.
SURVEY_EXPORT = "a survey tool's rows under the header"
# What each kind is recognisable by (beyond its keys): a kind is "suggested" by these.
SIGNATURE: dict[str, tuple[str, ...]] = {
    "contacts": ("started_at", "contact_reason", "channel", "agent", "handle_seconds", "resolved",
                 "answered", "wait_seconds", "transfers"),
    "responses": ("nps", "csat", "ces", "comment", "resolved_answer", "survey", SURVEY_EXPORT),
    "outcomes": ("churned", "revenue", "orders"),
    "engagement": ("engagement_score",),
    "customers": (),
}
KIND_WORDS = {
    "contacts": "a contact log", "responses": "survey responses", "outcomes": "customer outcomes",
    "engagement": "employee engagement results", "customers": "a customer list",
}

# Date formats tried, with the ambiguous pairs (day/month order) written both ways.
_DATE_PARTS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%y%m%d",
    "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y", "%d.%m.%Y", "%m.%d.%Y",
    "%d/%m/%y", "%m/%d/%y", "%d-%m-%y", "%m-%d-%y",
    "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%b %d, %Y", "%B %d, %Y", "%d-%B-%y",
)
_TIME_PARTS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H:%M:%S.%f")
_WHOLE_FORMATS = ("%a %b %d %H:%M:%S %z %Y", "%a, %d %b %Y %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z")
_DAY_FIRST = {"%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%m-%y"}
_MONTH_FIRST = {"%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y", "%m-%d-%y"}
_OFFSET_HOURS = re.compile(r"(GMT|UTC)\s*([+-])(\d{1,2})$")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?")
_DURATION = re.compile(r"(\d+:)?\d{1,2}:\d{2}(\.\d+)?|\d+(\.\d+)?")
_CLOCK = re.compile(r"(\d+:)?\d{1,2}:\d{2}(\.\d+)?")
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}(:\d{2})?(\s?[AaPp][Mm])?")
READABLE_SHARE = 0.9  # a format is taken when it reads this share of a column's values (the rest are rejected)
# As cx_real reads a number (sql/schema/019_values_in_other_languages.sql): 12.5, 1e3, 12,5, and with
# thousands separators 1.234,56, 1.234.567, 1,234.56, 1,234,567.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?\d+,\d+|[+-]?\d{1,3}(\.\d{3})+(,\d+)?"
                     r"|[+-]?\d{1,3}(,\d{3})+\.\d+|[+-]?\d{1,3}(,\d{3}){2,}")
# Yes and no as cx_boolean reads them (sql/schema/019_values_in_other_languages.sql).
_BOOLEANS = TRUE_WORDS | FALSE_WORDS
INVERTED_READING = "inverted"  # a yes/no column named for the opposite (vocabulary.INVERTED_SYNONYMS)


@dataclass(frozen=True)
class DateGuess:
    """How a column's dates are written: strptime formats tried in order, and what decided them."""

    formats: tuple[str, ...]
    order: str | None = None  # "day first" / "month first" when the format has both; None otherwise
    note: str = ""  # the reason, in words ("31/01/2024 has a day above 12 first")
    reading: str | None = None  # OFFSET_HOURS when "GMT+8" is written out before strptime


@dataclass(frozen=True)
class ColumnGuess:
    """One canonical column and where its values come from, with why it was chosen."""

    target: str
    sources: tuple[str, ...]  # one column, or a date column and a time column joined
    why: str  # "name", "synonym", "question", "values", "generated"
    date: DateGuess | None = None
    reading: str | None = None  # DURATION for 0:02:23-style values, or one of RECODE_READINGS
    recode: tuple[tuple[str, str], ...] = ()  # (text, read as) before typing: a scale's words, yes/no inverted


@dataclass(frozen=True)
class LabelRows:
    """Rows under the header that describe the columns instead of holding data: how many (the
    first `rows` data rows), the label each gives a column (a question text), and why."""

    rows: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    why: str = ""


@dataclass
class Guesses:
    """Everything guessed about one file for one kind."""

    kind: str
    suggested_kind: str | None
    kind_note: str
    columns: list[ColumnGuess] = field(default_factory=list)
    nulls: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source column -> markers
    generated_id: str | None = None  # the id column made from the file's hash and line
    wrong_kind: str | None = None  # why the chosen kind looks wrong, or None
    label_rows: LabelRows = field(default_factory=LabelRows)  # rows under the header left out

    def column(self, target: str) -> ColumnGuess | None:
        return next((c for c in self.columns if c.target == target), None)

    def to_json(self) -> dict:
        """Return the guesses as the command line prints them."""
        return {
            "suggested_kind": self.suggested_kind,
            "kind_note": self.kind_note,
            "wrong_kind": self.wrong_kind,
            "columns": {
                c.target: {
                    "from": "+".join(c.sources) if c.sources else None,
                    "why": c.why,
                    **({"date_formats": list(c.date.formats), "order": c.date.order, "note": c.date.note}
                       if c.date else {}),
                    **({"reading": c.reading} if c.reading else {}),
                    **({"recode": dict(c.recode)} if c.recode else {}),
                }
                for c in self.columns
            },
            "nulls": {k: list(v) for k, v in self.nulls.items()},
            "generated_id": self.generated_id,
            "label_rows": {"rows": self.label_rows.rows, "why": self.label_rows.why} if self.label_rows.rows else None,
        }


# --- names ----------------------------------------------------------------------------------


def normalise(name: str) -> str:
    """Return a column name as lower-case words, accents folded ("AvgTalkDuration" -> "avg talk
    duration", "Answered (Y/N)" -> "answered y n", "Ticket #" -> "ticket", "Gesprächsdauer" ->
    "gesprachsdauer", "Durée" -> "duree")."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name.strip())
    folded = unicodedata.normalize("NFKD", spaced.lower().replace("ß", "ss"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def name_matches(name: str, synonyms: Iterable[str]) -> bool:
    """Return True when a column name, normalised and without noise words, is one of `synonyms`;
    or is, once the record it is about is left off the front ("Ticket Channel", "Call Type")."""
    words = normalise(name)
    bare = _NOISE.sub("", words).strip()
    about = _RECORD_WORDS.sub("", bare)
    return words in synonyms or bare in synonyms or (about != bare and about in synonyms)


def names_a_column(text: str) -> bool:
    """Return True when `text` is a column name the importer knows: a canonical column's name
    (any kind) or one of its SYNONYMS ("Call ID", "Start Time", "Kundennummer")."""
    words = normalise(text)
    return bool(words) and (words.replace(" ", "_") in _CANONICAL or any(name_matches(text, s) for s in SYNONYMS.values()))


def asks_for(text: str, target: str) -> bool:
    """Return True when `text` (a column name or a question) is a question about `target`
    (QUESTION_WORDS): at least _QUESTION_MIN_WORDS words, one of them the target's."""
    words = normalise(text)
    pattern = QUESTION_WORDS.get(target)
    return pattern is not None and len(words.split()) >= _QUESTION_MIN_WORDS and bool(pattern.search(words))


# --- label rows under the header --------------------------------------------------------------

# Qualtrics' third row: {"ImportId":"QID1"} (or "startDate", "_recordId", ...) under every column.
_IMPORT_ID = re.compile(r'\{\s*"ImportId"\s*:\s*"[^"]*"\s*(,[^{}]*)?\}')
# SurveyMonkey's second row names the part of a question a column holds.
_ANSWER_PARTS = {"response", "open ended response", "other please specify", "comment"}
_MAX_LABEL_ROWS = 2


def label_rows(columns: list[str], samples: dict[str, list[str | None]]) -> LabelRows:
    """Return the rows under the header that describe the columns, among the first two sampled
    (the first data rows); LabelRows() when there are none. Three shapes are known:

    - Qualtrics: the question texts, then a row of import ids ({"ImportId": ...} in most cells);
    - a row repeating most column names in words ("Start Date" under StartDate), its other cells
      the questions (Qualtrics without the import ids);
    - SurveyMonkey: a row of answer parts ("Response", "Open-Ended Response") under the questions,
      which are the column names themselves.

    A row of data repeats no column names and holds no import ids, so real rows are not taken."""
    rows = [[(c, _cell(samples, c, i)) for c in columns] for i in range(_MAX_LABEL_ROWS)]
    cells = [[(c, v) for c, v in row if v] for row in rows]

    def share(i: int, test) -> float:
        return sum(bool(test(c, v)) for c, v in cells[i]) / len(cells[i]) if cells[i] else 0.0

    def import_ids(_column, value):
        return _IMPORT_ID.fullmatch(value)

    def echoes(column, value):
        # letters and digits of any script, case and spacing aside: "Start Date" under StartDate;
        # not `normalise`, which leaves nothing of a Cyrillic or Greek name to compare
        same = re.sub(r"[\W_]+", "", value.casefold())
        return bool(same) and same == re.sub(r"[\W_]+", "", column.casefold())

    def parts(_column, value):
        return normalise(value) in _ANSWER_PARTS

    def questions(i: int) -> dict[str, str]:
        return {c: v for c, v in cells[i] if not echoes(c, v)}

    if share(0, import_ids) >= 0.5:
        return LabelRows(1, {}, "Qualtrics import ids")
    if share(1, import_ids) >= 0.5:
        return LabelRows(2, questions(0), "question texts, then Qualtrics import ids")
    if sum(echoes(c, v) for c, v in cells[0]) >= max(2, 0.2 * len(columns)):
        if share(1, parts) >= 0.5:
            return LabelRows(2, questions(0), "column names in words with the questions, then answer parts")
        return LabelRows(1, questions(0), "column names in words, with the questions")
    if share(0, parts) >= 0.5:
        return LabelRows(1, {}, "answer parts (Response, Open-Ended Response) under the questions")
    return LabelRows()


def satisfaction_recode(values: Iterable[str | None]) -> tuple[tuple[str, str], ...]:
    """Return (text, score) for each satisfaction label among `values` ("Very satisfied" -> 5),
    when READABLE_SHARE of them are labels and none is a number; () otherwise. A value the sample
    did not hold is rejected as not a number, with its line, like any other."""
    return _scale_recode(values, SATISFACTION_LABELS)


def agreement_recode(values: Iterable[str | None]) -> tuple[tuple[str, str], ...]:
    """Return (text, score) for each seven-point agreement label among `values` ("Strongly agree"
    -> 7), as satisfaction_recode does, when a "somewhat" answer shows the scale has seven points."""
    if not any(normalise(v) in SEVEN_POINT_WORDS for v in present(values)):
        return ()
    return _scale_recode(values, AGREEMENT_LABELS)


def _scale_recode(values: Iterable[str | None], labels: dict[str, int]) -> tuple[tuple[str, str], ...]:
    seen = [v for v in present(values) if v not in MARKERS]
    scores = {v: labels.get(normalise(v)) for v in set(seen)}
    if not seen or sum(scores[v] is not None for v in seen) < READABLE_SHARE * len(seen):
        return ()
    return tuple(sorted((v, str(s)) for v, s in scores.items() if s is not None))


# The rating columns whose words a scale reads: target -> (named reading, the recode it makes).
SCALES = {"csat": (SATISFACTION_READING, satisfaction_recode), "ces": (AGREEMENT_READING, agreement_recode)}
# The readings made of a recode of the texts seen (the command line and the Data page list them).
RECODE_READINGS = (SATISFACTION_READING, AGREEMENT_READING, INVERTED_READING)


def value_recode(target: str, source: str, values: Iterable[str | None]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """Return (named reading, (text, read as) pairs) for the values of `source` loaded into `target`:
    a satisfaction scale's words into csat (SATISFACTION_READING), seven points of agreement into
    ces (AGREEMENT_READING), or a yes/no column named for the
    opposite ("Abandoned" into answered: INVERTED_READING); (None, ()) for any other. The importer
    asks again whenever a column is loaded, whether guessed, given or remembered."""
    values = list(values)
    if target in SCALES:
        reading, read = SCALES[target]
        recode = read(values)
        return (reading, recode) if recode else (None, ())
    if name_matches(source, INVERTED_SYNONYMS.get(target, ())):
        recode = inverted_recode(values)
        return (INVERTED_READING, recode) if recode else (None, ())
    return None, ()


def inverted_recode(values: Iterable[str | None]) -> tuple[tuple[str, str], ...]:
    """Return (text, the opposite yes/no) for each text among `values` ("Yes" -> "no"), when every
    one of them is a yes/no word; () otherwise."""
    seen = sorted({v for v in present(values) if v not in MARKERS})
    if not seen or any(v.lower() not in _BOOLEANS for v in seen):
        return ()
    return tuple((v, "no" if v.lower() in TRUE_WORDS else "yes") for v in seen)


def _cell(samples: dict[str, list[str | None]], column: str, i: int) -> str:
    values = samples.get(column, [])
    return (values[i] or "").strip() if i < len(values) else ""


def without_label_rows(samples: dict[str, list[str | None]], found: LabelRows) -> dict[str, list[str | None]]:
    """Return the samples without the label rows (the first `found.rows` of each column's)."""
    if not found.rows:
        return samples
    return {c: values[found.rows:] for c, values in samples.items()}


# --- values ---------------------------------------------------------------------------------


def present(values: Iterable[str | None]) -> list[str]:
    """Return the non-blank values, trimmed."""
    return [v.strip() for v in values if v is not None and v.strip()]


def read_seconds(text: str) -> float | None:
    """Return a duration in seconds: `0:02:23` (h:mm:ss), `2:23` (m:ss) or `143`; None otherwise."""
    text = text.strip()
    if not _DURATION.fullmatch(text):
        return None
    parts = [float(p) for p in text.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def pad_offset_hours(text: str) -> str:
    """Return `text` with a trailing `GMT+8` written `GMT+0800` (the SQL reading OFFSET_HOURS does the same)."""
    return _OFFSET_HOURS.sub(lambda m: f"{m.group(1)}{m.group(2)}{int(m.group(3)):02d}00", text)


def _parses(values: list[str], fmt: str) -> bool:
    try:
        for value in values:
            datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def candidate_formats() -> list[str]:
    """Return every format `detect_date_format` tries: dates, dates with a time, whole timestamps."""
    formats = list(_WHOLE_FORMATS)
    for date in _DATE_PARTS:
        formats.append(date)
        for time in _TIME_PARTS:
            formats.append(f"{date} {time}")
            formats.append(f"{date} {time} GMT%z")
            formats.append(f"{date} {time} %z")
    return formats


def detect_date_format(values: Iterable[str | None]) -> DateGuess | None:
    """Return how the dates in `values` are written, or None when no known format reads them all.

    ISO-like values need no format (the importer reads them as they are): they give an empty
    format list. Where both day/month orders read every value, day first is chosen and the
    note says the order could not be decided from the values."""
    seen = present(values)
    if not seen:
        return None
    if all(_ISO.fullmatch(v) for v in seen):
        return DateGuess((), None, "ISO dates")
    reading = OFFSET_HOURS if any(_OFFSET_HOURS.search(v) for v in seen) else None
    texts = [pad_offset_hours(v) for v in seen] if reading else seen
    readable = _readable_formats(tuple(texts[:2000]))
    if not readable:
        return None
    first = readable[0]
    date_part = first.split(" ")[0]
    swapped = _swap_day_month(first)
    if date_part in _DAY_FIRST | _MONTH_FIRST:
        day_first = date_part in _DAY_FIRST
        order = "day first" if day_first else "month first"
        if swapped in readable:
            note = (f"every date reads both ways (no day above 12); read as {order}, e.g. {seen[0]} = "
                    f"{datetime.strptime(texts[0], first):%d %B %Y}")
        else:
            decider = next((v for v, t in zip(seen, texts) if not _parses([t], swapped)), seen[0])
            note = f"{order}: {decider} reads only that way"
        return DateGuess((first,), order, note, reading)
    return DateGuess((first,), None, f"e.g. {seen[0]} read with {first}", reading)


@lru_cache(maxsize=256)
def _readable_formats(sample: tuple[str, ...]) -> list[str]:
    """Return the formats that read at least READABLE_SHARE of the sample, best first (stable)."""
    # Screen every format on a few values first: most fail on all of them, and the full sample
    # of two thousand values is then read only by the few that are left.
    head = list(sample[:5])
    screened = [f for f in _CANDIDATES if any(_parses([v], f) for v in head)]
    counts = {f: sum(_parses([v], f) for v in sample) for f in screened}
    good = [f for f in screened if counts[f] >= READABLE_SHARE * len(sample)]
    return sorted(good, key=lambda f: -counts[f])


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


_CANDIDATES = tuple(candidate_formats())


def detect_time_of_day(values: Iterable[str | None]) -> str | None:
    """Return the strptime format of a time-of-day column (`9:12`, `09:12:05`, `9:12 PM`), or None."""
    seen = present(values)[:2000]
    if not seen or not all(_TIME_OF_DAY.fullmatch(v) for v in seen):
        return None
    return next((f for f in _TIME_PARTS if _parses(seen, f)), None)


def is_duration_column(values: Iterable[str | None]) -> bool:
    """Return True when the values are durations written as a clock (`0:02:23`, `2:23`)."""
    seen = present(values)
    return bool(seen) and all(read_seconds(v) is not None for v in seen) and any(_CLOCK.fullmatch(v) for v in seen)


def reads_as(column_type: str, value: str) -> bool:
    """Return True when `value` reads as `column_type` (the same rules as the SQL macros)."""
    if column_type == INTEGER:
        return bool(re.fullmatch(r"[+-]?\d{1,15}(\.0*)?", value))
    if column_type == REAL:
        return bool(_NUMBER.fullmatch(value)) or read_seconds(value) is not None
    if column_type == BOOLEAN:
        return value.lower() in _BOOLEANS
    return True


def column_markers(values: Iterable[str | None], column_type: str = TEXT) -> tuple[str, ...]:
    """Return the missing-value markers this column uses: those of MARKERS it holds, provided every
    other value reads as `column_type` (a `-` among words is a marker only in a text column)."""
    seen = present(values)
    found = tuple(sorted({v for v in seen if v in MARKERS}))
    if not found:
        return ()
    rest = [v for v in seen if v not in found]
    if column_type == TIMESTAMP:
        return found if rest and detect_date_format(rest) is not None else ()
    if column_type == MONTH or any(not reads_as(column_type, v) for v in rest):
        return ()
    return found


def read_number(text: str) -> float | None:
    """Return the number cx_real reads from `text` (12.5, 12,5, 1.234,56, 1,234.56 ...), or None."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rindex(",") > text.rindex(".") else text.replace(",", "")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    return float(text)


def in_range(values: list[str], low: float | None, high: float | None) -> float:
    """Return the share of `values` that are numbers within [low, high]."""
    if not values:
        return 0.0
    inside = 0
    for value in values:
        number = read_number(value)
        if number is None:
            number = read_seconds(value)
            if number is None:
                continue
        if (low is None or number >= low) and (high is None or number <= high):
            inside += 1
    return inside / len(values)


def generated_id_prefix(content_hash: str) -> str:
    """Return the prefix of ids made for a file without an id column (its content hash, shortened):
    the id of line N is `<prefix>-N`, the same on every import of the same file."""
    return content_hash[:12]


# --- columns --------------------------------------------------------------------------------


def _fits(column_type: str, low, high, values: list[str], target: str = "") -> bool:
    """Return True when the sampled values could be this column's (a synonym alone is not enough
    when the values say otherwise: a 0-10 "satisfaction" is no 1-5 CSAT; a scale's words are: SCALES)."""
    if not values:
        return True
    if target in SCALES and SCALES[target][1](values):
        return True
    if column_type in (INTEGER, REAL):
        numbers = [v for v in values if reads_as(column_type, v)]
        if len(numbers) < 0.9 * len(values):
            return False
        return low is None and high is None or in_range(numbers, low, high) >= 0.5
    if column_type == BOOLEAN:
        return all(v.lower() in _BOOLEANS for v in values)
    if column_type in (TIMESTAMP, MONTH):
        return detect_date_format(values) is not None or column_type == MONTH
    return True


def guess_columns(kind: str, columns: list[str], samples: dict[str, list[str]],
                  taken: Iterable[str] = (), labels: dict[str, str] | None = None) -> list[ColumnGuess]:
    """Return the canonical columns of `kind` found among `columns` (those in `taken` excluded):
    by tidy name, then synonym, then the question a long name or its label (`labels`: column ->
    question text, from label rows) asks, then value shape; a date column is joined with a time
    column."""
    labels = labels or {}
    table = TABLES[kind]
    used = set(taken)
    found: list[ColumnGuess] = []

    def values(source: str) -> list[str]:
        return [v for v in present(samples.get(source, [])) if v not in MARKERS]

    def pick(target, why, source, column):
        vals = values(source)
        date = detect_date_format(vals) if column.type == TIMESTAMP else None
        reading = DURATION if column.type == REAL and is_duration_column(vals) else None
        value_reading, recode = value_recode(column.name, source, vals)
        reading = value_reading or reading
        sources = (source,)
        if date is not None and date.formats and not _has_time(date.formats[0]):
            joined = _time_column(columns, samples, used | {source})
            if joined:
                time_source, time_format = joined
                sources = (source, time_source)
                date = DateGuess(tuple(f"{f} {time_format}" for f in date.formats) + date.formats,
                                 date.order, date.note + f"; time of day from {time_source}", date.reading)
        used.update(sources)
        found.append(ColumnGuess(target, sources, why, date, reading, recode))

    by_name = {c: c.lower() for c in columns}
    for column in table.columns:
        tidy = next((c for c in columns if c not in used and re.sub(r"[^a-z0-9]+", "_", by_name[c]).strip("_")
                     == column.name), None)
        if tidy is not None and _fits(column.type, column.low, column.high, values(tidy), column.name):
            pick(column.name, "name", tidy, column)
    for column in table.columns:
        if any(g.target == column.name for g in found):
            continue
        synonyms = SYNONYMS.get(column.name, ())
        match = next((c for c in columns if c not in used and name_matches(c, synonyms)
                      and _fits(column.type, column.low, column.high, values(c), column.name)), None)
        if match is not None:
            pick(column.name, "synonym", match, column)
    for target, names in INVERTED_SYNONYMS.items():
        column = next((c for c in table.columns if c.name == target), None)
        if column is None or any(g.target == target for g in found):
            continue
        match = next((c for c in columns if c not in used and name_matches(c, names)
                      and inverted_recode(values(c))), None)
        if match is not None:
            pick(target, "synonym", match, column)
    for target in QUESTION_WORDS:
        column = next((c for c in table.columns if c.name == target), None)
        if column is None or any(g.target == target for g in found):
            continue
        match = next((c for c in columns if c not in used and asks_for(labels.get(c, c), target)
                      and _fits(column.type, column.low, column.high, values(c), target)), None)
        if match is not None:
            pick(target, "question", match, column)
    for column in table.columns:
        if any(g.target == column.name for g in found) or not column.required:
            continue
        match = _by_shape(column, columns, values, used)
        if match is not None:
            pick(column.name, "values", match, column)
    return found


def _has_time(fmt: str) -> bool:
    return "%H" in fmt or "%I" in fmt


def _time_column(columns, samples, used) -> tuple[str, str] | None:
    for column in columns:
        if column in used or not name_matches(column, TIME_NAMES):
            continue
        fmt = detect_time_of_day(samples.get(column, []))
        if fmt:
            return column, fmt
    return None


def _by_shape(column, columns, values, used) -> str | None:
    """Return a column whose values look like `column`'s when its name said nothing."""
    for source in columns:
        if source in used:
            continue
        vals = values(source)
        if not vals:
            continue
        if column.type == TIMESTAMP and not all(re.fullmatch(r"[\d.,]+", v) for v in vals) \
                and detect_date_format(vals) is not None:
            return source
        if column.name.endswith("_id") and normalise(source).split()[-1:] == ["id"] and len(set(vals)) == len(vals):
            return source
    return None


# --- kinds ----------------------------------------------------------------------------------


def found_by_kind(columns: list[str], samples: dict[str, list[str]],
                  labels: dict[str, str] | None = None) -> dict[str, set[str]]:
    """Return, per kind, the canonical columns guessed for this file."""
    return {kind: {g.target for g in guess_columns(kind, columns, samples, labels=labels)} for kind in SIGNATURE}


def _with_survey_export(found: dict[str, set[str]], labelled: "LabelRows") -> dict[str, set[str]]:
    """Return `found` with SURVEY_EXPORT among the responses' columns when label rows were found."""
    if not labelled.rows:
        return found
    return {**found, "responses": found["responses"] | {SURVEY_EXPORT}}



def kind_scores(found: dict[str, set[str]]) -> dict[str, int]:
    """Return, per kind, how many of its recognisable columns the file has."""
    return {kind: len(found[kind] & set(signature)) for kind, signature in SIGNATURE.items()}


def suggest_kind(found: dict[str, set[str]]) -> tuple[str | None, str]:
    """Return (kind, why) for the kind a file with these guessed columns (`found_by_kind`) looks
    like, or (None, why) when nothing says."""
    scores = kind_scores(found)
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0:
        if "customer_id" in found["customers"]:
            return "customers", "this looks like a customer list (a customer id and attributes)"
        return None, "nothing in the header says what kind of file this is"
    matched = sorted(found[best] & set(SIGNATURE[best]), key=SIGNATURE[best].index)
    return best, f"this looks like {KIND_WORDS[best]} ({', '.join(matched)})"


def wrong_kind(kind: str, found: dict[str, set[str]], chosen: Iterable[str] = ()) -> str | None:
    """Return why `kind` looks wrong for a file (None when it looks right or nothing says).

    `chosen`: targets the user mapped, which count as found. A kind looks wrong when none of its
    recognisable columns are there and another kind's are; a customer list looks wrong when the
    file is plainly events (two or more columns of a contact log or of survey responses)."""
    found = {k: v | set(chosen) if k == kind else v for k, v in found.items()}
    scores = kind_scores(found)
    suggested, why = suggest_kind(found)
    if suggested is None or suggested == kind or scores[suggested] == 0:
        return None
    if kind == "customers":
        if max(scores["contacts"], scores["responses"]) < 2:
            return None
    elif scores[kind] > 0:
        return None
    return f"{why}, not {KIND_WORDS[kind]}"


def guess(kind: str, columns: list[str], samples: dict[str, list[str]], content_hash: str = "",
          taken: dict[str, str] | None = None, labelled: LabelRows | None = None) -> Guesses:
    """Return every guess for loading a file with these columns and sampled values as `kind`.

    `taken`: targets already given a source (target -> source) by the user; they are not guessed.
    `labelled`: the label rows under the header (label_rows), already left out of `samples`."""
    taken = dict(taken or {})
    labelled = labelled or LabelRows()
    found_kinds = _with_survey_export(found_by_kind(columns, samples, labelled.labels), labelled)
    suggested, note = suggest_kind(found_kinds)
    found = [g for g in guess_columns(kind, columns, samples, taken=taken.values(), labels=labelled.labels)
             if g.target not in taken]
    generated = None
    id_column = ID_COLUMNS.get(kind)
    if id_column and id_column not in taken and not any(g.target == id_column for g in found):
        generated = id_column
        found.insert(0, ColumnGuess(id_column, (), "generated"))
    types = {c.name: c.type for c in TABLES[kind].columns}
    target_of = {s: g.target for g in found for s in g.sources[:1]}
    target_of.update({s: t for t, s in taken.items()})
    nulls = {}
    for source in columns:
        column_type = types.get(target_of.get(source, ""), TEXT)
        markers = column_markers(samples.get(source, []), column_type)
        if markers:
            nulls[source] = markers
    return Guesses(kind, suggested, note, found, nulls, generated, wrong_kind(kind, found_kinds, taken), labelled)


def joined_values(samples: dict[str, list[str]], sources: tuple[str, ...]) -> list[str]:
    """Return the sampled values of several columns joined with a space, as the import joins them."""
    columns = [samples.get(s, []) for s in sources]
    return [" ".join(p.strip() for p in parts if p is not None and p.strip()) for parts in zip(*columns)]


def reading_for(column_type: str, values: list[str]) -> tuple[DateGuess | None, str | None]:
    """Return (how the dates are written, named reading) for a column of `column_type` holding
    `values` (markers left out): dates for a timestamp, DURATION for a clock-like number."""
    values = [v for v in present(values) if v not in MARKERS]
    if column_type == TIMESTAMP:
        date = detect_date_format(values)
        return date, date.reading if date else None
    if column_type == REAL and is_duration_column(values):
        return None, DURATION
    return None, None
