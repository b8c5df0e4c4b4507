"""Good or bad at a glance, and what to do next: the status badge under a headline figure, the targets
form (a target is a sprint) and the Overview's closing list of actions with their links."""

from __future__ import annotations

from datetime import date

import streamlit as st

from cxmetrics import app_state
from cxmetrics.core.definitions import DEFINITIONS
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.engine.next_steps import NOTHING_TO_DO
from cxmetrics.engine.status import DEFAULT_WEEKS, GOOD, NEUTRAL, WARN, Status, default_end
from cxmetrics.engine.url_state import Scope

BADGE_COLOURS = {GOOD: "green", WARN: "orange", NEUTRAL: "gray"}  # anything else: red
BADGE_ICONS = {"on track": ":material/check_circle:", "at risk": ":material/warning:",
               "off track": ":material/cancel:", "better": ":material/trending_up:",
               "worse": ":material/trending_down:", "no real change": ":material/trending_flat:",
               "not judged": ":material/help:"}


def badge_colour(status: Status) -> str:
    """Return the Streamlit colour of a status: green, orange, red or gray."""
    return BADGE_COLOURS.get(status.tone, "red")


def status_line(status: Status | None) -> None:
    """Draw a figure's status as a coloured badge in words (the rule in its help) and, against a target,
    how far ahead of or behind the path it is."""
    if status is None:
        return
    word = status.word[0].upper() + status.word[1:]
    basis = {"target": " (against target)", "previous": " (vs previous period)"}.get(status.basis, "")
    st.badge(f"{word}{basis}", icon=BADGE_ICONS.get(status.word), color=badge_colour(status),
             help=f"{status.rule} Here: {status.detail}.")
    if status.basis != "previous":  # the tile's own change line already says what moved
        st.caption(status.detail)


def targets_form(keys: list[str], scope: Scope, last_day: date | None) -> None:
    """Draw the form that sets targets as a sprint: one target per figure, a start day and a length in
    weeks shared by the targets saved together; the baseline is the figure on the start day."""
    if app_state.workspace().lake:
        st.caption("A lake workspace is read-only: targets are set in a workspace of your own.")
        return
    plans = app_state.target_plans()
    starts = sorted({p.start for p in plans.values() if p.start})
    with st.form("targets"):
        st.caption("A target is a sprint: from the start day the path runs straight from the baseline (the figure "
                   "over the 28 days up to the start day) to the target at the end. Each figure then shows whether "
                   "it is on track, at risk or off track against that path. Leave a box empty for no target.")
        inputs = {}
        for offset in range(0, len(keys), 5):
            row = keys[offset:offset + 5]
            for column, key in zip(st.columns(5), row):
                stored = plans.get(key)
                inputs[key] = column.number_input(DEFINITIONS[key].label, value=stored.value if stored else None,
                                                  key=f"target_{key}", placeholder="none", step=1.0)
        left, right = st.columns(2)
        start = left.date_input("Sprint starts", value=starts[-1] if starts else last_day, key="target_start",
                                format="YYYY-MM-DD", help="The day the baseline is taken; by default the last "
                                                          "day of data.")
        weeks = right.number_input("Weeks to reach the target", min_value=1, max_value=104, value=DEFAULT_WEEKS,
                                   step=1, key="target_weeks")
        if st.form_submit_button("Save targets"):
            _save(inputs, plans, start, int(weeks), scope)


def _save(inputs: dict, plans: dict, start: date | None, weeks: int, scope: Scope) -> None:
    """Store the targets whose value or sprint changed; say what could not be stored."""
    end = default_end(start, weeks) if start else None
    try:
        for key, value in inputs.items():
            stored = plans.get(key)
            same = stored is not None and value == stored.value and (stored.start, stored.end) == (start, end)
            if same or (stored is None and value is None):
                continue
            app_state.save_target(key, value, start, end, scope)
    except (ValueError, PermissionError) as problem:  # PermissionError: a lake workspace, read-only
        st.error(f"The targets could not all be saved: {problem}.")
        return
    st.rerun()


def next_steps_section(scope: Scope) -> None:
    """Draw "What to do next": at most three actions from the data, each linking to the page and
    filter that shows it; a plain sentence when none applies."""
    st.subheader("What to do next")
    steps = app_state.next_steps(scope)
    if not steps:
        st.info(NOTHING_TO_DO, icon=":material/thumb_up:")
        return
    chosen = app_state.chosen_scope()  # the links keep the chosen dates (none: the default period)
    for number, step in enumerate(steps, start=1):
        with st.container(border=True, key=f"next_step_{step.kind}"):
            st.markdown(f"**{number}.** {escape_markdown(step.text)}")
            st.page_link(step.page, label=step.link, icon=":material/arrow_forward:",
                         query_params=app_state.link_query(chosen, step.reasons))
