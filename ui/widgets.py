"""Headline tiles, tables, downloads and drill-through, drawn the same way on every page."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import altair as alt
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from cxmetrics import app_state
from cxmetrics.face.charts import CHART_BUILDERS, PICK
from cxmetrics.engine.drill import Drill
from cxmetrics.core.exports import safe_csv
from cxmetrics.core.markdown_text import escape_html, escape_markdown
from cxmetrics.core.presentation import Tile, readable, readable_rows
from cxmetrics.engine.url_state import Scope
from ui.drill import chart_key, rows_panel
from ui.privacy import masked

GREY = "#8a8a8a"


def kpi_tile(tile: Tile) -> None:
    """Draw one headline figure: value, interval, n, change and target; greyed when n is too small."""
    if tile.too_few:
        # st.metric is always bold; a figure on too few responses must not look like a finding.
        st.markdown(
            f"<div style='color:{GREY}' title='{escape_html(tile.help)}'>{escape_html(tile.label)}<br>"
            f"<span style='font-size:2rem;font-weight:400'>{escape_html(tile.value)}</span></div>",
            unsafe_allow_html=True,
        )
        st.caption(f"too few responses · n = {tile.n:,}")
    else:
        delta_color = "off" if tile.change_good is None else ("normal" if tile.change_good == _rises(tile) else "inverse")
        st.metric(tile.label, tile.value, delta=tile.change or None, delta_color=delta_color, help=tile.help)
        st.caption(f"{tile.interval} · n = {tile.n:,}" if tile.interval else f"n = {tile.n:,}")
    if tile.change_note:
        st.caption(tile.change_note)
    if tile.target:
        st.progress(tile.progress or 0.0, text=tile.target)


def _rises(tile: Tile) -> bool:
    """Return True when the change is upwards (Streamlit colours an upward delta green with 'normal')."""
    return tile.change.startswith("+")


def download(frame: pd.DataFrame, name: str, label: str = "Download CSV", *, readable_first: bool = False,
             rows: bool = False) -> None:
    """Offer the frame as a CSV download (formula-like cells neutralised); `readable_first`: named,
    rounded and blank as the tables are (presentation.readable), for an engine frame of figures;
    `rows`: the same for rows (presentation.readable_rows: a response's scores named as answers)."""
    # Written when clicked, not on every rerun: a page offers up to seven downloads that are
    # rarely taken, and writing them all was a fifth of a warm rerun's CPU. on_click="ignore":
    # a click that also reran the page raced the file request, and the rerun's cleanup could
    # drop the file before the request reached it (no download, in CI once).
    if rows:
        write = partial(_csv_of, readable_rows, frame)
    elif readable_first:
        write = partial(_csv_of, readable, frame)
    else:
        write = partial(safe_csv, frame)
    st.download_button(label, write, file_name=f"{name}.csv", mime="text/csv", key=f"dl_{name}",
                       icon=":material/download:", on_click="ignore")


def _csv_of(as_read: Callable[[pd.DataFrame], pd.DataFrame], frame: pd.DataFrame) -> bytes:
    return safe_csv(as_read(frame))


def data_table(frame: pd.DataFrame | Styler, name: str | None, *, label: str = "Download CSV", **options):
    """Draw `frame` with st.dataframe (`options` passed on) and, when `name` is given, the app's
    download of it below; return what st.dataframe returns (the selection, with on_select).

    Every table on every page is drawn here (tests/test_tables.py fails on any other st.dataframe).
    The table's own toolbar has no export (client.disableDataExport in .streamlit/config.toml): it
    writes cells as they are, so `=HYPERLINK(...)` would run in a spreadsheet. The app's download
    neutralises such cells in the file only, so the table shows every value exactly as stored.
    `name=None` only where the page already offers the same rows, or they are the user's own file."""
    options.setdefault("placeholder", "")  # a blank cell shows blank, not "None"
    event = st.dataframe(frame, **options)
    if name is not None:
        download(frame.data if isinstance(frame, Styler) else frame, name, label)
    return event


def data_editor(frame: pd.DataFrame, **options) -> pd.DataFrame:
    """Draw an editable table (st.data_editor, `options` passed on); return the edited frame.

    Its toolbar's export is off as for `data_table`; the pages offer the edited lists' own downloads."""
    return st.data_editor(frame, **options)


# Altair's chart-to-JSON step keeps process-wide state (the data transformers registry and the
# active theme), and two sessions drawing charts at once broke it under load ("dictionary changed
# size during iteration"; altair#3554, streamlit#8409): one chart is turned into JSON at a time.
_ALTAIR = threading.Lock()
TITLE_AND_AXIS_PX = 170  # room above and below the plot for the title, subtitle and axis labels
SPECS_KEPT = 256  # chart specs cached per server: a few dozen charts times the filter combinations in use


def chart(builder: Callable[..., alt.LayerChart], *frames: pd.DataFrame, name: str,
          shown: pd.DataFrame | None = None, drill: Drill | None = None, **options) -> None:
    """Draw `builder(*frames, **options)` (a cxmetrics.face.charts builder) full width, with a download of
    the data behind it: `shown`, or the first frame. With `drill`, a click on a mark shows the rows
    behind it below the chart (ui/drill.py)."""
    if drill is not None:
        options["pickable"] = True
    spec = _spec(builder.__name__, frames, options)
    # With width="stretch" Streamlit sizes the chart itself and squeezes a tall chart; give it
    # the height the builder chose (one row per category) plus room for the title and axis.
    height = spec.get("height")
    sizing = {"height": height + TITLE_AND_AXIS_PX} if isinstance(height, int) else {}
    # A chart with nothing to draw ("no data") has no marks to click, and so no selection.
    clickable = drill is not None and any(param.get("name") == PICK for param in spec.get("params", []))
    if not clickable:
        st.vega_lite_chart(spec, width="stretch", **sizing)
    else:
        event = st.vega_lite_chart(spec, width="stretch", on_select="rerun", selection_mode=PICK,
                                   key=chart_key(name), **sizing)
    download(frames[0] if shown is None else shown, name, "Download chart data", readable_first=True)
    if clickable:
        rows_panel(event, drill, name)


@st.cache_data(max_entries=SPECS_KEPT, show_spinner=False)
def _spec(builder_name: str, frames: tuple[pd.DataFrame, ...], options: dict) -> dict:
    """Return the Vega-Lite spec of a chart, cached by the builder, its frames' content and its options.

    Building an Altair chart and turning it into JSON was most of a page's CPU on every rerun (a
    filter change, a click elsewhere on the page): 60 to 80 ms a chart, most of it Altair checking
    the spec against the Vega-Lite schema. Keyed by content, a cached spec is never stale. The
    builders' specs are validated once, by tests/test_charts.py, so none is validated here."""
    build = CHART_BUILDERS[builder_name]  # only the builders named there can be asked for
    # Theme "none", as st.altair_chart uses, keeps Altair's 300 px view defaults out of the spec.
    with _ALTAIR, alt.theme.enable("none"):
        return build(*frames, **options).to_dict(validate=False)


def drill_table(frame: pd.DataFrame, *, name: str, by: str, scope: Scope, kind: str = "contacts") -> None:
    """Draw a readable table (cxmetrics.face.tables) whose rows can be selected to show the contacts or
    responses behind them; its first column holds the value of `by`."""
    # Numbers get no format of their own: Streamlit draws a rounded figure as its CSVs write it
    # (presentation.figure_text); the first column is text even when its values look like numbers.
    config = {frame.columns[0]: st.column_config.TextColumn(frame.columns[0])}
    event = data_table(frame, name, hide_index=True, on_select="rerun", selection_mode="single-row",
                       key=f"tbl_{name}", column_config=config)
    rows = event.selection.rows if event and event.selection else []
    if rows:
        value = frame.iloc[rows[0], 0]
        # Drill-through is where customer ids and comments appear: the privacy setting masks them.
        behind = masked(app_state.cached_rows_behind(app_state.data_version(), kind, scope, by, value))
        with st.expander(f"The {kind} behind '{escape_markdown(value)}' ({len(behind):,} shown, newest first)",
                         expanded=True):
            data_table(readable_rows(behind), f"{name}_{kind}_behind", hide_index=True)
    else:
        st.caption(f"Select a row to see the {kind} behind it.")


def under_altair_lock(build: Callable, *args):
    """Return `build(*args)` (something that turns Altair charts into specs) while no other session does
    the same: see _ALTAIR. For work outside `chart`, e.g. the report's charts rendered on download."""
    with _ALTAIR:
        return build(*args)
