"""Voice of the customer: what customers say, which themes set detractors apart, and the comments behind them."""

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import group_share_chart, heatmap, ranked_bar_chart, trend_chart
from cxmetrics.core.definitions import DEFINITIONS
from cxmetrics.engine.drill import Drill
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.engine.narrative import no_comments_note
from cxmetrics.core.presentation import readable, readable_rows
from cxmetrics.core.sentiment import NEUTRAL_BAND
from cxmetrics.engine.themes import ThemeError
from cxmetrics.engine.voice import (CSAT_BANDS, DRIVER_METRICS, NPS_GROUPS, SENTIMENT_BANDS, CommentQuery,
                                    comment_table, driver_sentences, group_shares, theme_table)
from ui.access import analysts_only
from ui.choices import url_widget
from ui.privacy import masked, masking_on
from ui.widgets import chart, data_editor, data_table, download

COMMENT_LIMIT = 500

scope = app_state.scope()
st.title("Voice of the customer")
try:
    version = app_state.voice_version()
except ThemeError as problem:
    st.error(f"The themes cannot be matched: {escape_markdown(problem)}")
    st.stop()

summary, overall = app_state.cached_theme_summary(version, scope)
if not overall["comments"]:
    st.info(no_comments_note(app_state.cached_undated_answers(app_state.data_version())))
else:
    st.caption(
        f"{overall['comments']:,} comments in the filters ({overall['detractors']:,} from detractors, "
        f"{overall['passives']:,} passives, {overall['promoters']:,} promoters); {overall['tagged_share']:.0f} % mention at least one "
        "theme of the dictionary below. A comment can mention several themes. Sentiment is a lexicon score from −1 "
        f"to +1 (neutral within ±{NEUTRAL_BAND}); see docs/voice.md for the method and its limits."
    )
if masking_on():
    st.caption(":material/visibility_off: Personal data masked: customer ids as pseudonyms; e-mails, phone numbers, "
               "long numbers and agents' names hidden in comments.")
present = summary[summary["comments"] > 0]

st.subheader("Themes among detractors and promoters")
st.caption("Share of each group's comments that mention the theme, with its 95 % Wilson interval. The gap is "
           "detractors' share minus promoters'; significant when its interval excludes 0 after the "
           "Benjamini–Hochberg correction across themes.")
shares = group_shares(present)
chart(group_share_chart, shares, category="theme", group="group", groups=["Detractors (0–6)", "Promoters (9–10)"],
      title="Themes mentioned by detractors and by promoters", name="theme_shares_by_group",
      drill=Drill.of("comments", theme="theme", group="nps_group"))

table = theme_table(summary)
event = data_table(table, "themes", hide_index=True, on_select="rerun", selection_mode="single-row",
                   key="voc_themes")
chosen_rows = event.selection.rows if event and event.selection else []
if chosen_rows:
    theme = table.iloc[chosen_rows[0], 0]  # the theme is the first column
    behind = app_state.cached_comments(version, scope, CommentQuery(theme=theme), COMMENT_LIMIT)
    shown = comment_table(masked(behind))
    total = int(behind["matching"].iloc[0]) if len(behind) else 0
    with st.expander(f"The comments behind '{escape_markdown(theme)}' ({total:,}; newest {len(shown):,} shown)",
                     expanded=True):
        data_table(shown, "theme_comments_behind", hide_index=True)
else:
    st.caption("Select a theme to see the comments behind it.")

st.subheader("Which themes drive detractors")
metric = url_widget(st.segmented_control, "Figure", list(DRIVER_METRICS), default="nps", key="voc_metric",
                    format_func=lambda k: DEFINITIONS[k].label, param="voice_figure") or "nps"
st.caption(f"As in the driver view: the {DEFINITIONS[metric].label} points all customers who commented would gain "
           "if those mentioning the theme scored like those who did not, share × (rest − theme), with its 95 % "
           "interval. Themes overlap, so impacts do not add up.")
drivers = app_state.cached_theme_drivers(version, metric, scope)
for sentence in driver_sentences(drivers, metric):
    st.markdown(f"- {sentence}")
ranked = drivers[drivers["n"] > 0]
chart(ranked_bar_chart, ranked, category="theme", value="impact", low="impact_low", high="impact_high", n="n",
      title=f"{DEFINITIONS[metric].label} points lost to each theme", x_title="impact (points)",
      name=f"theme_drivers_{metric}", drill=Drill.of("comments", metric, theme="theme"))

st.subheader("Themes month by month")
st.caption("Every month of the data, whatever the date range (the other filters apply): a trend needs more "
           "months than a period usually holds.")
trend = app_state.cached_theme_trend(version, app_state.all_dates(scope))
trend_present = trend[trend["theme"].isin(present["theme"])]
chart(heatmap, trend_present, row="theme", column="month", value="share", n="comments",
      title="Share of the month's comments that mention each theme (%)", value_title="% of comments",
      name="theme_shares_by_month",
      drill=Drill.of("comments", None, "month", all_dates=True, theme="theme", month="period"))
names = list(present["theme"])
if names:
    pick = url_widget(st.selectbox, "Trend of one theme", names, default=names[0], key="voc_trend_theme",
                      param="theme_trend", workspace_values=True)
    one = trend_present[trend_present["theme"] == pick]
    chart(trend_chart, one, value="share", low="share_low", high="share_high", n="comments",
          title=f"'{pick}': share of comments by month", y_title="% of comments", name="theme_trend",
          drill=Drill.of("comments", None, "month", all_dates=True, given={"theme": pick}, period="period"))

st.subheader("Comments")
st.caption("Search is case- and accent-insensitive: every word must appear (\"délai\" finds \"DELAI\"); put a "
           "phrase in double quotes. The sidebar filters apply too.")
search = url_widget(st.text_input, "Search the comments", key="voc_search", param="search",
                    placeholder='e.g. refund, "call back", délai')
left, middle, right, last = st.columns(4)
groups = url_widget(left.multiselect, "NPS group", NPS_GROUPS, key="voc_nps_groups", param="nps_group",
                    placeholder="All")
bands = url_widget(middle.multiselect, "CSAT band", CSAT_BANDS, key="voc_csat_bands", param="csat_band",
                   placeholder="All", help="dissatisfied = 1–2, neutral = 3, satisfied = 4–5")
moods = url_widget(right.multiselect, "Sentiment", SENTIMENT_BANDS, key="voc_sentiments", param="sentiment",
                   placeholder="All")
theme_filter = url_widget(last.selectbox, "Theme", ["(any)", *summary["theme"]], default="(any)", key="voc_theme",
                          param="theme", workspace_values=True)
query = CommentQuery(search=search, nps_groups=tuple(groups), csat_bands=tuple(bands), sentiments=tuple(moods),
                     theme=None if theme_filter == "(any)" else theme_filter)
found = app_state.cached_comments(version, scope, query, COMMENT_LIMIT)
total = int(found["matching"].iloc[0]) if len(found) else 0
st.markdown(f"**{total:,}** comments match" + (f"; the newest {len(found):,} are shown." if total > len(found) else "."))
shown = comment_table(masked(found))
data_table(shown, "comments", hide_index=True, key="voc_comments",
           column_config={"Comment": st.column_config.TextColumn("Comment", width="large")})

st.subheader("Theme dictionary")
editable = analysts_only("Editing the theme dictionary")
with st.expander("Add, edit or remove themes and their keywords" if editable else "The themes and their keywords",
                 expanded=False):
    st.caption(
        "Each row is one keyword of a theme: a word, a phrase or an RE2 regular expression, matched as a whole "
        "word, ignoring case and accents. `delais?` finds délai, DÉLAIS and delai; `rembours\\w*` finds "
        "remboursement; `call(ed)? back` finds call back and called back. The language is a label for you: every "
        "keyword is tried on every comment. Add rows at the bottom, delete them with the row menu, then save."
    )
    if notice := st.session_state.pop("voc_notice", None):
        st.success(notice)
    current = app_state.theme_dictionary()
    if not editable:
        data_table(readable(current), "theme_dictionary", label="Download the dictionary", hide_index=True)
        st.stop()
    edited = data_editor(
        current, num_rows="dynamic", hide_index=True, key=f"voc_dictionary_{version}",
        column_config={"theme": st.column_config.TextColumn("Theme", required=True, max_chars=60),
                       "pattern": st.column_config.TextColumn("Keyword or pattern", required=True, max_chars=200),
                       "language": st.column_config.TextColumn("Language", default="any", max_chars=20)})
    if st.button("Save the dictionary", key="voc_save", icon=":material/save:"):
        try:
            stored = app_state.save_theme_dictionary(edited.to_dict("records"))
        except (ThemeError, PermissionError) as problem:
            st.error(f"Nothing was saved: {escape_markdown(problem)}")
        else:
            st.session_state["voc_notice"] = f"Saved {stored:,} keywords; themes are matched again."
            st.rerun()
    download(current, "theme_dictionary", "Download the dictionary", readable_first=True)

    with st.form("voc_add", clear_on_submit=False, border=False):
        st.markdown("**Add a keyword**")
        a, b, c = st.columns([2, 3, 1])
        new_theme = a.text_input("Theme (new or existing)", key="voc_new_theme")
        new_pattern = b.text_input("Keyword or pattern", key="voc_new_pattern")
        new_language = c.text_input("Language", value="any", key="voc_new_language")
        if st.form_submit_button("Add", icon=":material/add:"):
            try:
                added = app_state.add_theme_keyword(new_theme, new_pattern, new_language)
            except (ThemeError, PermissionError) as problem:
                st.error(f"Not added: {escape_markdown(problem)}")
            else:
                st.session_state["voc_notice"] = (f"Added '{escape_markdown(added.pattern)}' to "
                                                  f"'{escape_markdown(added.theme)}'.")
                st.rerun()

    trial = st.text_input("Try a keyword before adding it", key="voc_try",
                          help="Shows how many comments (over all the data) the keyword would tag, and the newest.")
    if trial.strip():
        try:
            hits = app_state.try_theme_pattern(trial)
        except ThemeError as problem:
            st.error(escape_markdown(problem))
        else:
            count = int(hits["matching"].iloc[0]) if len(hits) else 0
            st.markdown(f"**{count:,}** comments would be tagged.")
            data_table(readable_rows(masked(hits.drop(columns="matching"))), "theme_test_hits", hide_index=True)
