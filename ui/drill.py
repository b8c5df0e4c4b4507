"""Click to drill: a chart whose marks can be clicked shows the contacts or responses behind the
clicked mark below it, filtered as the page is, with a download and a visible way to clear it.

One mechanism for every page: the page passes `drill=Drill.of(...)` to ui.widgets.chart, saying
which rows a mark stands for and what each selected field filters (cxmetrics/engine/drill.py). The rows
come from cxmetrics.engine.drill with parameters only, masked as every drill-through is (ui/privacy.py).
"""

from __future__ import annotations

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import PICK
from cxmetrics.engine.drill import MAX_ROWS, Drill, effect_kind
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.core.presentation import readable_rows
from ui.privacy import masked

# What each figure's rows are, in words, after "The N contacts behind ...".
COUNTED = {"fcr": "the contacts contact FCR judged (with a customer, window ended)",
           "repeat_rate": "the contacts with a customer, repeats marked",
           "self_service": "the self-service contacts with a customer",
           "nps": "the answers with an NPS score", "csat": "the answers with a CSAT score",
           "ces": "the answers with a CES score", "survey_fcr": "the answers to the resolved question",
           "repeat_path": "the repeats (a previous contact, any reason, within the window)",
           "escalation": "the contacts whose window has ended (escalation judged)",
           "journeys": "each journey's first contact",
           "first_within": "the cases acted on or past their target time",
           "saved": "the detractors whose outcome is known"}
# What each kind of rows is when no figure narrows them further.
COUNTED_KIND = {"comments": "the comments mentioning it (the share's numerator)",
                "customers": "each in the group of its deciding month, as the figure counts them"}
COUNTED_COMMENTS = {"nps": "the comments mentioning it with an NPS score",
                    "csat": "the comments mentioning it with a CSAT score"}
# The rows' noun where the kind does not say it: a touchpoint's escalation is judged on contacts.
NOUNS = {("journeys", "escalation"): "contacts"}
ORDER = {"customers": "most revenue first"}
HINT = "Click a bar, point or cell to see the {kind} behind it; double-click or 'Clear' to close."


def chart_key(name: str) -> str:
    """Return the chart's widget key: a new one after each clear, since a chart's selection cannot
    be set from Python (Streamlit keeps it until the chart is drawn under another key)."""
    return f"chart_{name}_{st.session_state.get(_generation(name), 0)}"


def clear(name: str) -> None:
    """Forget the chart's selection (the Clear button's callback)."""
    st.session_state[_generation(name)] = st.session_state.get(_generation(name), 0) + 1


def selected_point(event) -> dict | None:
    """Return the fields of the clicked mark in a chart's selection event, or None."""
    points = (event or {}).get("selection", {}).get(PICK) if event else None
    if not points:
        return None
    first = points[0] if isinstance(points, list) else points
    return dict(first) if first else None


def rows_panel(event, drill: Drill, name: str) -> None:
    """Draw the rows behind the clicked mark of the chart `name`, or the hint when none is clicked."""
    from ui.widgets import data_table  # ui.widgets draws the chart and calls this: imported late

    point = selected_point(event)
    if point is None:
        # An action's dots count contacts, answers or comments: the hint names none of them.
        st.caption(HINT.format(kind="rows" if drill.kind == "effects" else NOUNS.get((drill.kind, drill.measure),
                                                                                    drill.kind)))
        return
    pick = drill.pick(point)
    noun = effect_kind(pick) if drill.kind == "effects" else NOUNS.get((drill.kind, drill.measure), drill.kind)
    # A chart over every date (the page says so) drills over every date too.
    scope = app_state.all_dates(app_state.scope()) if drill.all_dates else app_state.scope()
    rows, total = app_state.cached_rows_picked(app_state.data_version(), drill.kind, scope, pick, drill.measure)
    with st.container(border=True, key=f"drill_{name}"):
        counted = f", {_counted(drill, pick)}" if _counted(drill, pick) else ""
        shown = f" (the newest {MAX_ROWS:,} shown)" if total > len(rows) else ""
        st.markdown(f"**The {total:,} {noun} behind {escape_markdown(pick.describe())}**{counted}{shown}, "
                    f"{ORDER.get(drill.kind, 'newest first')}.")
        # Drill-through is where customer ids and comments appear: the privacy setting masks them.
        data_table(readable_rows(masked(rows)), f"{name}_{noun}_behind", label="Download these rows",
                   hide_index=True)
        st.button("Clear", key=f"clear_{name}", icon=":material/close:", on_click=clear, args=(name,),
                  help="Close these rows and unselect the chart")


def _counted(drill: Drill, pick) -> str | None:
    """Return which of the mark's rows are shown, in words (None: all of them)."""
    if drill.kind == "comments":
        return COUNTED_COMMENTS[drill.measure] if drill.measure else (COUNTED_KIND["comments"] if pick.theme else None)
    if drill.kind == "effects":  # over the action's own window, whatever the filters
        return COUNTED.get(pick.figure, "the detractors' answers mentioning it (the share's numerator)")
    if drill.measure:
        return COUNTED[drill.measure]
    return COUNTED_KIND.get(drill.kind)


def _generation(name: str) -> str:
    return f"drill_generation_{name}"
