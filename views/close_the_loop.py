"""Close the loop: the follow-up list of detractors and unresolved complaints, how well follow-up goes,
and the outer loop of causes given to teams with an action and its before/after figures."""

from datetime import date, datetime, timezone

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import before_after_chart, ranked_bar_chart
from cxmetrics.engine.drill import Drill
from cxmetrics.engine.follow_ups import (DEFAULT_TARGET_HOURS, NOT_HANDLED, RESULT_LABELS, STATUS_LABELS,
                                         STATUSES, FollowUpError, changes_from_edits, editor_frame,
                                         empty_figure_notes, follow_up_table, mask_cases, metric_tiles)
from cxmetrics.engine.loop_actions import (STATUS_LABELS as ACTION_LABELS, SUBJECT_KINDS, SUBJECT_LABELS,
                                           Action, EFFECT_MARK, ActionError, effects_chart_frame,
                                           effects_table)
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.core.presentation import readable_rows
from cxmetrics.face.privacy import mask_comment, mask_customer_id
from ui.access import analysts_only
from ui.choices import url_widget
from ui.privacy import masking_on
from ui.widgets import chart, data_editor, data_table, download, kpi_tile

LIST_LIMIT = 500
FLASH = "loop_flash"

scope = app_state.scope()
mask = masking_on()
version = app_state.data_version()
loop = app_state.loop_version()
now = datetime.now(timezone.utc).replace(tzinfo=None, second=0, microsecond=0)  # minute steps keep the cache useful

st.title("Close the loop")
st.caption("Every detractor answer (NPS 0–6) and every contact logged as unresolved is a case to follow up: "
           "call the customer back, fix what went wrong, record the result. Cases follow the date range, "
           "channel, reason and segment filters (by when the case opened).")
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

target_hours = url_widget(st.number_input, "First follow-up target (hours)", min_value=1, max_value=24 * 30,
                          default=DEFAULT_TARGET_HOURS, step=1, key="loop_target_hours", param="target_hours",
                               help="A case is followed up in time when its first action (in progress or closed) "
                                    "comes at most this many hours after the answer or contact.")
overall = app_state.cached_follow_up_metrics(version, loop, "owner", scope, float(target_hours), now).iloc[-1].to_dict()
for column, tile in zip(st.columns(5), metric_tiles(overall, target_hours)):
    with column:
        kpi_tile(tile)
for note in empty_figure_notes(overall, target_hours):
    st.caption(note)

# --- the inner loop: the list --------------------------------------------------------------------------
st.subheader("Follow-up list")
st.caption("Oldest first. Edit owner, team, due date, status, result or note in the table, then save: "
           "in progress and closed need an owner, closed needs a result, a closed case can be reopened "
           "(it is counted and kept in the history). Default due date: 2 working days after the case opened.")
statuses = url_widget(st.multiselect, "Status", list(STATUSES), default=list(NOT_HANDLED),
                      format_func=STATUS_LABELS.get, key="loop_statuses", param="status", placeholder="All")
cases = app_state.cached_follow_up_list(version, loop, scope, tuple(statuses), now.date(), LIST_LIMIT)
can_edit = analysts_only("editing follow-ups")  # viewers read the list; analysts work it
if cases.empty:
    st.info("No cases with these statuses in this selection.")
else:
    if mask:
        cases = mask_cases(cases, mask_customer_id, mask_comment)
    shown = editor_frame(cases)
    if len(cases) == LIST_LIMIT:
        st.caption(f"Showing the {LIST_LIMIT:,} oldest cases; narrow the dates or filters to see others.")
    with st.form(f"follow_ups_{loop}", border=False):
        edited = data_editor(
            shown, hide_index=True, key=f"follow_up_editor_{loop}", width="stretch",
            # With masking on, notes are shown masked and cannot be edited (saving would store the mask).
            disabled=True if not can_edit else [
                c for c in shown.columns
                if c not in ("owner", "team", "due_date", "status", "result") + (() if mask else ("note",))],
            # What to act on first, then the handling fields, then the detail (a wide table scrolls).
            column_order=["case_id", "opened_at", "case_kind", "customer_id", "contact_reason", "status", "owner",
                          "team", "due_date", "result", "note", "overdue", "nps", "comment", "channel", "reopened",
                          "saved_state"],
            column_config={
                "case_id": st.column_config.TextColumn("Case"),
                "case_kind": st.column_config.TextColumn("Kind"),
                "customer_id": st.column_config.TextColumn("Customer"),
                "opened_at": st.column_config.DatetimeColumn("Opened", format="YYYY-MM-DD HH:mm"),
                "contact_reason": st.column_config.TextColumn("Reason"),
                "channel": st.column_config.TextColumn("Channel"),
                "nps": st.column_config.NumberColumn("NPS answer (0–10)", format="%d"),  # as the download names it
                "comment": st.column_config.TextColumn("Comment", width="medium"),
                "owner": st.column_config.TextColumn("Owner", max_chars=100),
                "team": st.column_config.TextColumn("Team", max_chars=100),
                "due_date": st.column_config.DateColumn("Due", format="YYYY-MM-DD", required=True),
                "status": st.column_config.SelectboxColumn("Status", options=list(STATUS_LABELS.values()),
                                                           required=True),
                "result": st.column_config.SelectboxColumn("Result", options=list(RESULT_LABELS.values())),
                "note": st.column_config.TextColumn("Note", max_chars=2000, width="medium"),
                "overdue": st.column_config.CheckboxColumn("Overdue"),
                "reopened": st.column_config.NumberColumn("Reopened", format="%d"),
                "saved_state": st.column_config.TextColumn("Saved?", help="Detractors: saved, churned or unknown yet."),
            },
        )
        submitted = st.form_submit_button("Save changes", type="primary", icon=":material/save:", disabled=not can_edit)
    if submitted:
        changes = changes_from_edits(shown, edited)
        if not changes:
            st.info("Nothing to save: no case was changed.")
        else:
            try:
                saved = app_state.save_follow_ups(changes)
            except (FollowUpError, PermissionError) as problem:
                st.error(escape_markdown(problem))
            else:
                st.session_state[FLASH] = f"Saved {saved} case{'s' if saved != 1 else ''}."
                st.rerun()
    download(cases, "follow_up_list", "Download the list", rows=True)

    with st.expander("History of a case"):
        case = st.selectbox("Case", cases["case_id"].tolist(), key="loop_history_case")
        history = app_state.cached_case_history(version, loop, (case,))
        if history.empty:
            st.caption("Nobody has changed this case yet.")
        else:
            data_table(readable_rows(mask_cases(history, mask_customer_id, mask_comment) if mask else history),
                       f"case_history_{loop}", hide_index=True)
        if not mask:  # a link carries the real id in its URL
            customer = cases.loc[cases["case_id"] == case, "customer_id"].iloc[0]
            st.page_link("views/customer_story.py", label="Open this customer's story", icon=":material/person:",
                         query_params={"customer": customer})

# --- how the follow-up goes ------------------------------------------------------------------------------
st.subheader("How the follow-up goes, by owner or team")
by = url_widget(st.segmented_control, "By", ["owner", "team"], default="owner", key="loop_by", param="loop_by") or "owner"
table = app_state.cached_follow_up_metrics(version, loop, by, scope, float(target_hours), now)
groups = table.iloc[:-1]
# A bar's cases, judged as its figure judges them: against this target, as of this minute.
judged_as = {"target_hours": str(float(target_hours)), "as_of": now.isoformat()}
left, right = st.columns(2)
with left:
    chart(ranked_bar_chart, groups, category=by, value="first_within_target", low="first_within_low",
          high="first_within_high", n="first_judged", title=f"First follow-up within {target_hours:g} h, by {by}",
          x_title="% of cases",
          shown=groups[[by, "first_within_target", "first_within_low", "first_within_high", "first_judged"]],
          name=f"first_follow_up_by_{by}", drill=Drill.of("cases", "first_within", given=judged_as, **{by: by}))
with right:
    chart(ranked_bar_chart, groups, category=by, value="saved_rate", low="saved_low", high="saved_high",
          n="saved_judged", title=f"Detractors saved after follow-up, by {by}",
          x_title="% of detractors with a known outcome",
          shown=groups[[by, "saved_rate", "saved_low", "saved_high", "saved", "followed_judged", "saved_judged"]],
          name=f"saved_by_{by}", drill=Drill.of("cases", "saved", **{by: by}))
shown_table = follow_up_table(table, by)
data_table(shown_table, f"follow_up_by_{by}", label="Download the table", hide_index=True)

# --- the outer loop ------------------------------------------------------------------------------------
st.subheader("Outer loop: causes, owners and actions")
st.caption("Give a contact reason or a comment theme to a team with an action. Its figure is compared over "
           "equal windows before and from the action's start day (up to 90 days each): a reason on contact "
           "FCR, repeat rate and NPS, a theme on the share of NPS answers that are detractors mentioning it. "
           "A change is significant only when its 95 % interval excludes 0 and both windows have 30 or more. "
           "These windows are the action's own, whatever the date range.")
effects = app_state.cached_action_effects(version, loop, app_state.voice_version(), scope)
if effects.empty:
    st.info("No actions yet: add the first one below.")
else:
    long = effects_chart_frame(effects)
    chart(before_after_chart, long, category="action", title="Before and after each action", x_title="figure",
          name="actions_before_after", shown=long.drop(columns=list(EFFECT_MARK)), pick_fields=EFFECT_MARK,
          drill=Drill.of("effects", reason="contact_reason", theme="theme", figure="figure", span_from="span_from",
                         span_to="span_to"))
    shown_effects = effects_table(effects)
    data_table(shown_effects, "actions_before_after_table", label="Download the table", hide_index=True)

actions = app_state.cached_loop_actions(version, loop)
if analysts_only("giving a cause to a team"):
    with st.expander("Add an action" if actions.empty else "Add or change an action", expanded=actions.empty):
        choices = [None] + actions["action_id"].tolist()
        labels = {None: "a new action", **{row.action_id: f"#{row.action_id} {row.subject} · {row.team}"
                                           for row in actions.itertuples()}}
        picked = st.selectbox("Action", choices, format_func=labels.get, key="loop_action_pick")
        current = actions[actions["action_id"] == picked].iloc[0] if picked is not None else None
        kind = st.segmented_control("Cause", list(SUBJECT_KINDS), format_func=SUBJECT_LABELS.get,
                                    key="loop_action_kind",
                                    default=current["subject_kind"] if current is not None else "contact_reason",
                                    disabled=current is not None) or "contact_reason"
        options = app_state.cached_subjects(version, kind)
        with st.form("loop_action"):
            subject = st.selectbox(SUBJECT_LABELS[kind].capitalize(), options, disabled=current is not None,
                                   index=options.index(current["subject"]) if current is not None
                                   and current["subject"] in options else 0)
            team = st.text_input("Owning team", value="" if current is None else current["team"], max_chars=100)
            text = st.text_area("Action", value="" if current is None else current["action"], max_chars=2000)
            status = st.selectbox("Status", list(ACTION_LABELS), format_func=ACTION_LABELS.get,
                                  index=0 if current is None else list(ACTION_LABELS).index(current["status"]))
            started = st.date_input("Starts on", format="YYYY-MM-DD",
                                    value=date.today() if current is None else current["started_on"])
            if st.form_submit_button("Save action", icon=":material/flag:"):
                try:
                    saved_id = app_state.save_loop_action(Action(kind, subject, team, text, status, started), picked)
                except (ActionError, PermissionError) as problem:
                    st.error(escape_markdown(problem))
                else:
                    st.session_state[FLASH] = f"Saved action #{saved_id}."
                    st.rerun()
