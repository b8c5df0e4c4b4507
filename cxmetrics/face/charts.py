"""Altair chart builders: an aggregated frame in, a layered chart out, no Streamlit.

Every builder takes a frame that is already aggregated (one row per period, category or cell),
calls guard() first and returns an `alt.LayerChart`, so a page only passes it to
`ui.widgets.chart`. Width is left to the container; bar charts grow with their category count.
Colours are blue / orange / grey (safe for colour-blind readers) and every "too few" or
"significant" cue is also given in words, in the tooltip, subtitle or legend.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ..core.stats import SMALL_N

MAX_CHART_ROWS = 5000
BLUE, ORANGE, GREY, INK = "#1f77b4", "#ff7f0e", "#9e9e9e", "#333333"
FADED = 0.5  # opacity of marks resting on too few observations: visible, plainly not a finding
LABEL_SIZE, AXIS_TITLE_SIZE, TITLE_SIZE = 12, 14, 16  # readable on a shared screen
ROW_HEIGHT, MIN_HEIGHT, PLOT_HEIGHT = 30, 120, 320
NO_DATA = "No data for this selection"
TOO_FEW = "too few responses"
# Columns the builders add to their own copy; the underscore keeps them clear of real metric names.
INTERVAL, NOTE, DIRECTION = "_interval", "_note", "_direction"
ABOVE, BELOW, UNCLEAR = "Above the rest", "Below the rest", "No clear difference"


class TooManyRows(ValueError):
    """Raised when a frame is too large to draw: aggregate it in the database first."""


def guard(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame unchanged, or raise TooManyRows when it has more than MAX_CHART_ROWS rows."""
    # Streamlit skips Altair's own 5,000-row guard, so every builder calls this first.
    if len(frame) > MAX_CHART_ROWS:
        raise TooManyRows(f"{len(frame):,} rows is too many to chart (limit {MAX_CHART_ROWS:,}); "
                          "aggregate before charting.")
    return frame


# --- Building blocks -------------------------------------------------------------------------

def _axis(title: str | None, **extra) -> alt.Axis:
    """Return an axis with readable label and title sizes."""
    return alt.Axis(title=title, labelFontSize=LABEL_SIZE, titleFontSize=AXIS_TITLE_SIZE, **extra)


def _legend(title: str | None, **extra) -> alt.Legend:
    """Return a legend with readable label and title sizes."""
    return alt.Legend(title=title, labelFontSize=LABEL_SIZE, titleFontSize=AXIS_TITLE_SIZE, **extra)


def _title(text: str, notes: list[str]) -> alt.TitleParams:
    """Return a chart title whose subtitle explains the marks to a reader without training."""
    subtitle = " · ".join(notes) if notes else alt.Undefined
    return alt.TitleParams(text=text, subtitle=subtitle, fontSize=TITLE_SIZE, subtitleFontSize=LABEL_SIZE,
                           anchor="start")


def _no_data(title: str) -> alt.LayerChart:
    """Return a chart holding only a centred "no data" message, so an empty page still renders."""
    message = alt.Chart().mark_text(fontSize=AXIS_TITLE_SIZE, color=GREY)
    message = message.encode(text="message:N", x=alt.value(alt.expr("width / 2")),
                             y=alt.value(alt.expr("height / 2")))
    return _layer(message, data=pd.DataFrame({"message": [NO_DATA]})).properties(
        title=_title(title, []), height=MIN_HEIGHT)


def _layer(*layers: alt.Chart, data: pd.DataFrame) -> alt.LayerChart:
    """Return the layers drawn over `data`, given once at the top; a layer with data of its own (a
    target line, the zero rule) keeps it."""
    # Layers that each carry the same frame make Altair hoist it, hashing the frame through its text
    # form on every rerun: a third of a trend chart's build time. Data-less layers are never hashed.
    return alt.layer(*layers, data=data)


def _present(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Return the rows that have every one of `columns`; a mark without its value is skipped."""
    if frame.empty:  # an empty frame may come without its columns at all
        return frame
    return frame.dropna(subset=list(columns)).reset_index(drop=True)


def _grey_when_few(n: str, small_n: int):
    """Return a colour rule, to be finished with `.otherwise(...)`, greying rows on fewer than `small_n`."""
    # In Vega null < 30 holds, so a missing n greys the mark, matching the note _with_notes writes.
    return alt.when(alt.datum[n] < small_n).then(alt.value(GREY))


def _with_notes(frame: pd.DataFrame, low: str | None, high: str | None, n: str | None,
                small_n: int, fmt: str = ".1f") -> pd.DataFrame:
    """Return a copy with the interval written out and a "too few responses" note, for tooltips."""
    notes = {}
    if low is not None and high is not None:
        spec = "{:" + fmt + "}"
        notes[INTERVAL] = [f"{spec.format(lo)} – {spec.format(hi)}" if pd.notna(lo) and pd.notna(hi)
                           else "no interval" for lo, hi in zip(frame[low], frame[high])]
    if n is not None:
        counts = pd.to_numeric(frame[n], errors="coerce").fillna(0)
        notes[NOTE] = [TOO_FEW if count < small_n else "" for count in counts]
    return frame.assign(**notes)


def _tooltips(*leading: alt.Tooltip, interval: bool, n: str | None) -> list[alt.Tooltip]:
    """Return the tooltip list: the given fields, then interval, n and the reliability note."""
    extra = [alt.Tooltip(f"{INTERVAL}:N", title="95 % interval")] if interval else []
    if n is not None:
        extra += [alt.Tooltip(f"{n}:Q", title="n", format=","), alt.Tooltip(f"{NOTE}:N", title="Note")]
    return [*leading, *extra]


def _as_dates(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return a copy with `column` as datetimes, since Altair cannot serialise `datetime.date` values."""
    return frame.assign(**{column: pd.to_datetime(frame[column])})


def _date_format(dates: pd.Series) -> str:
    """Return "%b %Y" when every date is the first of a month (a monthly series), else a full date."""
    return "%b %Y" if (dates.dropna().dt.day == 1).all() else "%d %b %Y"


def _category_order(frame: pd.DataFrame, category: str) -> list:
    """Return the categories in the frame's row order, each once; the sort list every layer shares."""
    return list(dict.fromkeys(frame[category].tolist()))


def _bar_height(count: int) -> int:
    """Return a height that gives every category row room for a readable label."""
    return max(MIN_HEIGHT, ROW_HEIGHT * count)


def _whiskers(base: alt.Chart, low: str, high: str, title: str, horizontal: bool) -> alt.Chart:
    """Return interval lines from `low` to `high`, skipping rows whose interval is missing."""
    # The axis title is repeated so the shared axis never falls back to a merged "value, low, high".
    start = alt.X(f"{low}:Q", axis=_axis(title)) if horizontal else alt.Y(f"{low}:Q", axis=_axis(title))
    channels = {"x": start, "x2": f"{high}:Q"} if horizontal else {"y": start, "y2": f"{high}:Q"}
    # NaN reaches Vega as null; a rule with one missing end would otherwise run to the axis.
    valid = " && ".join(f"isValid(datum[{json.dumps(field)}])" for field in (low, high))
    return base.transform_filter(valid).mark_rule(color=INK, strokeWidth=2).encode(**channels)


PICK = "pick"  # the name of the click selection a drillable chart carries (ui/drill.py reads it)


def _pickable(mark: alt.Chart, fields: list[str], highlight: bool = True) -> alt.Chart:
    """Return the mark with a click selection on `fields` (what a clicked mark stands for), the
    others dimmed while one is picked; a double click clears it."""
    pick = alt.selection_point(name=PICK, fields=fields, on="click", clear="dblclick", toggle=False)
    mark = mark.add_params(pick)
    if highlight:
        mark = mark.encode(fillOpacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.35)))
    return mark


# --- Builders -----------------------------------------------------------------------------------

def trend_chart(frame: pd.DataFrame, *, value: str, low: str | None, high: str | None, n: str, title: str,
                y_title: str, x: str = "period", target: float | None = None,
                small_n: int = SMALL_N, pickable: bool = False) -> alt.LayerChart:
    """Return a line of `value` over time with its 95 % interval as a band, points greyed where n < small_n,
    and a dashed target rule when a target is given."""
    guard(frame)
    if frame.empty or frame[value].isna().all():
        return _no_data(title)
    # Rows without a value stay in: the line and band break there instead of bridging the gap.
    data = _with_notes(_as_dates(frame, x), low, high, n, small_n)
    has_band = low is not None and high is not None
    tooltip = _tooltips(alt.Tooltip(f"{x}:T", title="Period", format=_date_format(data[x])),
                        alt.Tooltip(f"{value}:Q", title=y_title, format=".1f"), interval=has_band, n=n)
    base = alt.Chart().encode(x=alt.X(f"{x}:T", axis=_axis(None)), tooltip=tooltip)
    y = alt.Y(f"{value}:Q", axis=_axis(y_title), scale=alt.Scale(zero=False))
    layers = []
    if has_band:
        band = base.mark_area(color=BLUE, opacity=0.18, invalid="break-paths-filter-domains")
        layers.append(band.encode(y=alt.Y(f"{low}:Q", axis=_axis(y_title), scale=alt.Scale(zero=False)),
                                  y2=f"{high}:Q"))
    layers.append(base.mark_line(color=BLUE, strokeWidth=2.5, invalid="break-paths-filter-domains").encode(y=y))
    points = base.mark_point(filled=True, size=70, invalid="filter").encode(
        y=y, color=_grey_when_few(n, small_n).otherwise(alt.value(BLUE)))
    layers.append(_pickable(points, [x], highlight=False) if pickable else points)
    if target is not None:
        layers.extend(_target_layers(target))
    notes = ["band: 95 % interval"] * has_band + [f"grey points: fewer than {small_n} observations"]
    notes += ["dashed line: target"] * (target is not None)
    return _layer(*layers, data=data).properties(title=_title(title, notes), height=PLOT_HEIGHT)


def _target_layers(target: float) -> list[alt.Chart]:
    """Return a dashed horizontal rule at `target` and its label at the right edge."""
    base = alt.Chart(pd.DataFrame({"target": [target], "label": [f"Target {target:g}"]})).encode(
        y="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target")])
    rule = base.mark_rule(color=INK, strokeDash=[6, 4], strokeWidth=1.5)
    label = base.mark_text(align="right", baseline="bottom", dy=-3, fontSize=LABEL_SIZE, color=INK).encode(
        text="label:N", x=alt.value("width"))
    return [rule, label]


def ranked_bar_chart(frame: pd.DataFrame, *, category: str, value: str, low: str | None, high: str | None,
                     n: str, title: str, x_title: str, small_n: int = SMALL_N,
                     highlight: str | None = None, pickable: bool = False) -> alt.LayerChart:
    """Return horizontal bars of `value` per category, sorted by value, with interval whiskers; bars with n < small_n greyed
    and labelled 'too few responses' in the tooltip; `highlight` names a boolean column drawn in the accent colour."""
    guard(frame)
    data = _present(frame, category, value)
    if data.empty:
        return _no_data(title)
    data = _with_notes(data.sort_values(value, ascending=False, kind="stable"), low, high, n, small_n)
    has_interval = low is not None and high is not None
    tooltip = _tooltips(alt.Tooltip(f"{category}:N", title="Group"),
                        alt.Tooltip(f"{value}:Q", title=x_title, format=".1f"), interval=has_interval, n=n)
    base = alt.Chart().encode(
        y=alt.Y(f"{category}:N", sort=_category_order(data, category), axis=_axis(None, labelLimit=240)),
        tooltip=tooltip)
    colour, outline = _grey_when_few(n, small_n), alt.value(0)
    if highlight is not None:
        marked = alt.datum[highlight] == True  # noqa: E712 (becomes Vega's `=== true`: null is not marked)
        colour = colour.when(marked).then(alt.value(ORANGE))
        # An outline keeps a highlighted bar visible when small n greys it, and helps colour-blind readers.
        outline = alt.when(marked).then(alt.value(2)).otherwise(alt.value(0))
    bars = base.mark_bar(height={"band": 0.7}, stroke=INK).encode(
        x=alt.X(f"{value}:Q", axis=_axis(x_title)), color=colour.otherwise(alt.value(BLUE)), strokeWidth=outline)
    layers = [_pickable(bars, [category]) if pickable else bars] + ([_whiskers(base, low, high, x_title, horizontal=True)] if has_interval else [])
    notes = ["lines show the 95 % interval"] * has_interval + [f"grey: fewer than {small_n} observations"]
    notes += ["orange: highlighted"] * (highlight is not None)
    return _layer(*layers, data=data).properties(title=_title(title, notes), height=_bar_height(len(data)))


def gap_chart(frame: pd.DataFrame, *, category: str, gap: str, low: str, high: str, significant: str,
              too_few: str, title: str, x_title: str, n: str | None = None, pickable: bool = False) -> alt.LayerChart:
    """Return each category's gap to the rest as a dot with its interval around a zero rule, ranked by gap;
    significant gaps coloured (above 0 one colour, below another), others grey; too_few ones faded."""
    guard(frame)
    data = _present(frame, category, gap)
    if data.empty:
        return _no_data(title)
    data = _with_notes(data.sort_values(gap, ascending=False, kind="stable"), low, high, n, SMALL_N)
    data[DIRECTION] = [_direction(g, sig) for g, sig in zip(data[gap], data[significant])]
    data[NOTE] = [TOO_FEW if _is_true(few) else "" for few in data[too_few]]
    tooltip = [alt.Tooltip(f"{category}:N", title="Group"), alt.Tooltip(f"{gap}:Q", title=x_title, format="+.1f"),
               alt.Tooltip(f"{INTERVAL}:N", title="95 % interval"), alt.Tooltip(f"{DIRECTION}:N", title="Verdict")]
    tooltip += [alt.Tooltip(f"{n}:Q", title="n", format=",")] if n is not None else []
    tooltip += [alt.Tooltip(f"{NOTE}:N", title="Note")]
    faded = alt.when(alt.datum[too_few] == True).then(alt.value(FADED)).otherwise(alt.value(1.0))  # noqa: E712
    base = alt.Chart().encode(
        y=alt.Y(f"{category}:N", sort=_category_order(data, category), axis=_axis(None, labelLimit=240)),
        tooltip=tooltip, opacity=faded)
    colour = alt.Color(f"{DIRECTION}:N", legend=_legend(None, orient="bottom"),
                       scale=alt.Scale(domain=[ABOVE, BELOW, UNCLEAR], range=[BLUE, ORANGE, GREY]))
    whiskers = _whiskers(base, low, high, x_title, horizontal=True).encode(color=colour)
    dots = base.mark_point(filled=True, size=110).encode(x=alt.X(f"{gap}:Q", axis=_axis(x_title)), color=colour)
    dots = _pickable(dots, [category], highlight=False) if pickable else dots
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color=INK, strokeWidth=1).encode(x="zero:Q")
    notes = ["0 = same as the rest", "lines show the 95 % interval", "faded: fewer than 30 observations"]
    return _layer(zero, whiskers, dots, data=data).properties(title=_title(title, notes),
                                                              height=_bar_height(len(data)))


def _is_true(flag) -> bool:
    """Return whether a flag from a frame is set; None, NaN and pd.NA count as not set."""
    return bool(pd.notna(flag) and flag)


def _direction(gap: float, significant) -> str:
    """Return the verdict shown in the legend: a significant gap above or below zero, or no clear difference."""
    if not _is_true(significant):
        return UNCLEAR
    return ABOVE if gap > 0 else BELOW


def heatmap(frame: pd.DataFrame, *, row: str, column: str, value: str, title: str, value_title: str,
            n: str | None = None, small_n: int = SMALL_N, fmt: str = ".1f", pickable: bool = False) -> alt.LayerChart:
    """Return a row × column grid coloured by value with the value written in each cell (faded where n < small_n)."""
    guard(frame)
    data = _present(frame, row, column, value)
    if data.empty:
        return _no_data(title)
    data = _with_notes(data, None, None, n, small_n)
    tooltip = _tooltips(alt.Tooltip(f"{row}:N"), alt.Tooltip(f"{column}:N"),
                        alt.Tooltip(f"{value}:Q", title=value_title, format=fmt), interval=False, n=n)
    faded = (alt.when(alt.datum[n] < small_n).then(alt.value(FADED)).otherwise(alt.value(1.0))
             if n is not None else alt.value(1.0))
    base = alt.Chart().encode(
        # Every column must be named, even long reason names side by side: slant them rather
        # than let Vega drop every other label.
        x=alt.X(f"{column}:O", sort=_category_order(data, column),
                axis=_axis(None, orient="top", labelAngle=-35, labelOverlap=False, labelLimit=160)),
        y=alt.Y(f"{row}:O", sort=_category_order(data, row), axis=_axis(None, labelLimit=240)),
        tooltip=tooltip, opacity=faded)
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="blues"), legend=_legend(value_title)))
    cells = _pickable(cells, [row, column], highlight=False) if pickable else cells
    # Dark cells need white text; the midpoint of the values shown is where "blues" turns dark.
    middle = float((data[value].min() + data[value].max()) / 2)
    text = base.mark_text(fontSize=LABEL_SIZE).encode(
        text=alt.Text(f"{value}:Q", format=fmt),
        color=alt.when(alt.datum[value] > middle).then(alt.value("white")).otherwise(alt.value(INK)))
    notes = [f"faded: fewer than {small_n} observations"] if n is not None else []
    height = _bar_height(len(_category_order(data, row)))
    return _layer(cells, text, data=data).properties(title=_title(title, notes), height=height)


def dual_trend_chart(frame: pd.DataFrame, *, x: str, left: str, right: str, left_title: str, right_title: str,
                     title: str, pickable: bool = False) -> alt.LayerChart:
    """Return two lines over time with independent y axes (e.g. monthly NPS against monthly churn rate);
    `pickable`: the left line's points can be clicked (a selection lives on one mark only)."""
    guard(frame)
    if frame.empty or frame[[left, right]].isna().all().all():
        return _no_data(title)
    data = _as_dates(frame, x)
    tooltip = [alt.Tooltip(f"{x}:T", title="Period", format=_date_format(data[x])),
               alt.Tooltip(f"{left}:Q", title=left_title, format=".1f"),
               alt.Tooltip(f"{right}:Q", title=right_title, format=".1f")]
    base = alt.Chart().encode(x=alt.X(f"{x}:T", axis=_axis(None)), tooltip=tooltip)
    # Colour alone must not tell the lines apart: the right one is also dashed, and each axis is titled.
    left_y = alt.Y(f"{left}:Q", scale=alt.Scale(zero=False), axis=_axis(f"{left_title} (solid)", titleColor=BLUE))
    left_line = base.mark_line(color=BLUE, strokeWidth=2.5, invalid="break-paths-filter-domains",
                               point=False if pickable else alt.OverlayMarkDef(filled=True, size=50, color=BLUE)
                               ).encode(y=left_y)
    right_line = base.mark_line(color=ORANGE, strokeWidth=2.5, strokeDash=[6, 3], invalid="break-paths-filter-domains",
                                point=alt.OverlayMarkDef(filled=True, size=50, color=ORANGE)).encode(
        y=alt.Y(f"{right}:Q", scale=alt.Scale(zero=True),
                axis=_axis(f"{right_title} (dashed)", titleColor=ORANGE, orient="right")))
    notes = [f"solid blue: {left_title} (left axis)", f"dashed orange: {right_title} (right axis)"]
    if pickable:
        # The left line's points drawn as a mark of their own, so a click on one selects its month.
        left_points = _pickable(base.mark_point(filled=True, size=70, color=BLUE, invalid="filter").encode(y=left_y),
                                [x], highlight=False)
        return _layer(alt.layer(left_line, left_points), right_line, data=data).resolve_scale(
            y="independent").properties(title=_title(title, notes), height=PLOT_HEIGHT)
    return _layer(left_line, right_line, data=data).resolve_scale(y="independent").properties(
        title=_title(title, notes), height=PLOT_HEIGHT)


def interval_bar_chart(frame: pd.DataFrame, *, category: str, value: str, low: str, high: str, n: str, title: str,
                       y_title: str, small_n: int = SMALL_N, pickable: bool = False) -> alt.LayerChart:
    """Return vertical bars per category with interval whiskers (e.g. churn rate by NPS group)."""
    guard(frame)
    data = _present(frame, category, value)
    if data.empty:
        return _no_data(title)
    data = _with_notes(data, low, high, n, small_n)
    tooltip = _tooltips(alt.Tooltip(f"{category}:N", title="Group"),
                        alt.Tooltip(f"{value}:Q", title=y_title, format=".1f"), interval=True, n=n)
    # The frame's own order is kept: groups such as Detractor / Passive / Promoter have a natural order.
    base = alt.Chart().encode(
        x=alt.X(f"{category}:N", sort=_category_order(data, category), axis=_axis(None, labelAngle=0)),
        tooltip=tooltip)
    bars = base.mark_bar(width={"band": 0.6}).encode(
        y=alt.Y(f"{value}:Q", axis=_axis(y_title)),
        color=_grey_when_few(n, small_n).otherwise(alt.value(BLUE)))
    bars = _pickable(bars, [category]) if pickable else bars
    notes = ["lines show the 95 % interval", f"grey: fewer than {small_n} observations"]
    return _layer(bars, _whiskers(base, low, high, y_title, horizontal=False), data=data).properties(
        title=_title(title, notes), height=PLOT_HEIGHT)


# --- Closing the loop, customer story, touchpoint map ---------------------------------------------

TIMELINE_KINDS = {  # kind -> (colour, shape); every kind is also named in the legend and tooltip
    "contact": (BLUE, "circle"),
    "repeat contact": (ORANGE, "diamond"),
    "promoter": (BLUE, "triangle-up"),
    "passive": (GREY, "square"),
    "detractor": (ORANGE, "triangle-down"),
    "answer without NPS": (GREY, "circle"),
    "case opened": (INK, "cross"),
    "first follow-up": (INK, "triangle-right"),
    "case closed": (INK, "square"),
    "active month": (GREY, "circle"),
    "churned": (ORANGE, "cross"),
}


def timeline_chart(frame: pd.DataFrame, *, lanes: list[str], title: str) -> alt.LayerChart:
    """Return one customer's events as marks on a time axis, one lane per kind of event (contacts,
    answers, follow-ups, outcomes); colour and shape name the kind, repeats drawn larger in orange."""
    guard(frame)
    data = _present(frame, "at", "lane", "kind")
    if data.empty:
        return _no_data(title)
    kinds = [k for k in TIMELINE_KINDS if k in set(data["kind"])]
    tooltip = [alt.Tooltip("at:T", title="When", format="%Y-%m-%d %H:%M"), alt.Tooltip("kind:N", title="What"),
               alt.Tooltip("label:N", title="About"), alt.Tooltip("detail:N", title="Detail")]
    scale_args = {"domain": kinds, "range": [TIMELINE_KINDS[k][0] for k in kinds]}
    marks = alt.Chart().mark_point(filled=True, opacity=0.9).encode(
        x=alt.X("at:T", axis=_axis(None)),
        y=alt.Y("lane:N", sort=lanes, axis=_axis(None, labelLimit=200)),
        color=alt.Color("kind:N", scale=alt.Scale(**scale_args), legend=_legend("Event", orient="bottom", columns=6)),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=[TIMELINE_KINDS[k][1] for k in kinds]),
                        legend=None),
        size=alt.when(alt.datum.kind == "repeat contact").then(alt.value(260)).otherwise(alt.value(120)),
        tooltip=tooltip,
    )
    notes = ["orange diamonds: repeat contacts", "hover a mark for its detail"]
    return _layer(marks, data=data).properties(title=_title(title, notes), height=max(MIN_HEIGHT, 70 * len(lanes)))


def journey_flow_chart(nodes: pd.DataFrame, edges: pd.DataFrame, *, title: str, last_step_open: bool = True,
                       small_n: int = SMALL_N) -> alt.LayerChart:
    """Return the touchpoint map: one column per journey step, a circle per touchpoint sized by contacts and
    coloured by FCR (grey where fewer than small_n contacts were judged), and lines from each touchpoint to
    the next whose width is the number of journeys taking that step."""
    guard(nodes)
    guard(edges)
    if nodes.empty:
        return _no_data(title)
    last = int(nodes["step"].max())
    label_expr = (f"datum.value == {last} ? 'step {last}+' : 'step ' + datum.value" if last_step_open
                  else "'step ' + datum.value")
    x_scale = alt.Scale(domain=[0.7, last + 0.5])
    y_scale = alt.Scale(domain=[-0.6, float(nodes["rank"].max()) + 0.6], reverse=True)
    x_axis = _axis(None, values=list(range(1, last + 1)), labelExpr=label_expr, orient="top", grid=False)
    layers = []
    if not edges.empty:
        links = alt.Chart(edges).mark_rule(color=GREY, opacity=0.45, strokeCap="round").encode(
            x=alt.X("step:Q", scale=x_scale, axis=x_axis), x2="next_step:Q",
            y=alt.Y("rank:Q", scale=y_scale, axis=None), y2="next_rank:Q",
            strokeWidth=alt.StrokeWidth("transitions:Q", scale=alt.Scale(range=[1, 22]),
                                        legend=_legend("Journeys taking the step")),
            tooltip=[alt.Tooltip("touchpoint:N", title="From"), alt.Tooltip("next_touchpoint:N", title="To"),
                     alt.Tooltip("step:Q", title="From step"), alt.Tooltip("transitions:Q", title="Journeys", format=",")])
        layers.append(links)
    data = _with_notes(nodes, "fcr_low", "fcr_high", "judged", small_n) if "fcr_low" in nodes else nodes
    base = alt.Chart().encode(x=alt.X("step:Q", scale=x_scale, axis=x_axis),
                                  y=alt.Y("rank:Q", scale=y_scale, axis=None))
    tooltip = [alt.Tooltip("touchpoint:N", title="Touchpoint"), alt.Tooltip("step:Q", title="Step"),
               alt.Tooltip("contacts:Q", title="Contacts", format=","),
               alt.Tooltip("fcr:Q", title="FCR %", format=".1f"),
               alt.Tooltip("escalation_share:Q", title="Escalates %", format=".1f"),
               alt.Tooltip("nps:Q", title="NPS", format=".0f"), alt.Tooltip("csat:Q", title="CSAT %", format=".1f"),
               alt.Tooltip("judged:Q", title="n judged", format=",")]
    colour = alt.when(alt.datum.judged < small_n).then(alt.value(GREY)).otherwise(
        alt.Color("fcr:Q", scale=alt.Scale(scheme="blueorange", reverse=True, domain=[0, 100]),
                  legend=_legend("FCR %", orient="right")))
    circles = base.mark_circle(opacity=0.95, stroke=INK, strokeWidth=1).encode(
        size=alt.Size("contacts:Q", scale=alt.Scale(range=[60, 1500]), legend=_legend("Contacts")),
        color=colour, tooltip=tooltip)
    # Right of the largest circle (radius about 22 px), so a label never sits on its own node.
    labels = base.mark_text(align="left", dx=26, fontSize=LABEL_SIZE, color=INK).encode(
        text="touchpoint:N", tooltip=tooltip)
    layers += [circles, labels]
    notes = ["circle size: contacts", "colour: FCR (blue high, orange low; grey: fewer than "
             f"{small_n} judged)", "line width: journeys moving on"]
    height = max(MIN_HEIGHT * 2, 48 * (int(nodes["rank"].max()) + 1))
    return _layer(*layers, data=data).properties(title=_title(title, notes), height=height)


def journey_list_chart(journeys: pd.DataFrame, steps: pd.DataFrame, *, title: str, bar_units: float = 3.5,
                       row_px: int = 38, pickable: bool = False) -> alt.LayerChart:
    """Return the main journeys ranked by volume: per row, the journey's steps as chips left to right
    (blue: self-service, orange: assisted contact, grey: not known or several channels; a dark outline on
    the step where customers drop from self-service to assisted contact) and a bar of its journeys with
    the count and share. `journeys` is touchpoints.main_journeys, `steps` touchpoints.journey_steps."""
    guard(journeys)
    guard(steps)
    if journeys.empty:
        return _no_data(title)
    last = int(steps["step"].max()) if len(steps) else 1
    bar_from = last + 0.75
    widest = max(int(journeys["journeys"].max()), 1)
    bars = journeys.drop(columns=["steps"]).assign(
        bar_from=bar_from, bar_to=[bar_from + bar_units * j / widest for j in journeys["journeys"]],
        figure=[f"{j:,} · {s:.1f} %" if pd.notna(s) else f"{j:,}" for j, s in zip(journeys["journeys"], journeys["share"])],
        drops=["drops to assisted contact" if pd.notna(a) else "" for a in journeys["assisted_step"]],
        assisted_step=journeys["assisted_step"].astype("float"))
    last_step = steps.groupby("rank")["step"].transform("max") if len(steps) else pd.Series(dtype=int)
    chips = steps.assign(has_next=steps["step"] < last_step, arrow_x=steps["step"] + 0.5,
                         x0=steps["step"] - 0.44, x1=steps["step"] + 0.44)
    chips = chips.merge(bars[["rank", "journey", "journeys", "share"]], on="rank")
    x_scale = alt.Scale(domain=[0.5, bar_from + bar_units + 1.3], nice=False, zero=False)
    x_axis = _axis(None, values=list(range(1, last + 1)), labelExpr="'step ' + datum.value", orient="top",
                   grid=False, domain=False, ticks=False)
    y = alt.Y("rank:O", axis=None, scale=alt.Scale(paddingInner=0.25, paddingOuter=0.1))
    palette = {"self-service": BLUE, "assisted": ORANGE, "not known": "#d9d9d9", "several channels": "#d9d9d9",
               "more steps": "#f0f0f0"}
    present = [role for role in palette if role in set(steps["role"])]  # the legend names only what is drawn
    colour = alt.Color("role:N", scale=alt.Scale(domain=present, range=[palette[r] for r in present]),
                       legend=_legend("Step", orient="bottom"))
    chip_tips = [alt.Tooltip("journey:N", title="Journey"), alt.Tooltip("step:Q", title="Step"),
                 alt.Tooltip("touchpoint:N", title="Touchpoint"), alt.Tooltip("role:N", title="Contact"),
                 alt.Tooltip("journeys:Q", title="Journeys", format=","),
                 alt.Tooltip("share:Q", title="% of journeys", format=".1f")]
    base = alt.Chart().encode(y=y)
    rects = base.mark_rect(cornerRadius=6, height={"band": 1}).encode(
        x=alt.X("x0:Q", scale=x_scale, axis=x_axis), x2="x1:Q", color=colour,
        stroke=alt.when(alt.datum.drops_here).then(alt.value(INK)).otherwise(alt.value(None)),
        strokeWidth=alt.when(alt.datum.drops_here).then(alt.value(3)).otherwise(alt.value(0)), tooltip=chip_tips)
    text_colour = alt.when(alt.FieldOneOfPredicate("role", ["self-service", "assisted"])).then(
        alt.value("white")).otherwise(alt.value(INK))
    labels = base.mark_text(fontSize=LABEL_SIZE, fontWeight="bold").encode(
        x=alt.X("step:Q", scale=x_scale), text="label:N", color=text_colour, tooltip=chip_tips)
    arrows = base.mark_text(fontSize=AXIS_TITLE_SIZE, color=INK).encode(
        x=alt.X("arrow_x:Q", scale=x_scale), text=alt.value("→")).transform_filter(alt.datum.has_next)
    bar_tips = [alt.Tooltip("journey:N", title="Journey"), alt.Tooltip("journeys:Q", title="Journeys", format=","),
                alt.Tooltip("share:Q", title="% of journeys", format=".1f"), alt.Tooltip("drops:N", title="Note"),
                alt.Tooltip("assisted_step:Q", title="Drops to assisted at step")]
    bar_base = alt.Chart(bars).encode(y=y)
    bar = bar_base.mark_bar(height={"band": 0.7}, cornerRadiusEnd=3).encode(
        x=alt.X("bar_from:Q", scale=x_scale), x2="bar_to:Q",
        # Not blue: blue steps mean self-service, and a bar is a count of journeys, not a kind of contact.
        color=alt.when(alt.datum.other).then(alt.value("#cfcfcf")).when(alt.datum.drops != "").then(
            alt.value(ORANGE)).otherwise(alt.value("#8c8c8c")),
        opacity=alt.value(0.85), tooltip=bar_tips)
    bar = _pickable(bar, ["journey"], highlight=False) if pickable else bar  # a bar's journeys
    figures = bar_base.mark_text(align="left", dx=6, fontSize=LABEL_SIZE, color=INK).encode(
        x=alt.X("bar_to:Q", scale=x_scale), text="figure:N", tooltip=bar_tips)
    others = bar_base.mark_text(align="left", fontSize=LABEL_SIZE, fontStyle="italic", color=INK).encode(
        x=alt.value(4), text="journey:N", tooltip=bar_tips).transform_filter(alt.datum.other)
    notes = ["most common first", "outlined: where customers drop to assisted contact",
             "bar: journeys (orange: drops to assisted contact)"]
    height = row_px * len(journeys)
    return _layer(rects, labels, arrows, bar, figures, others, data=chips).properties(
        title=_title(title, notes), height=height)


def before_after_chart(frame: pd.DataFrame, *, category: str, title: str, x_title: str = "figure",
                       small_n: int = SMALL_N, pickable: bool = False, pick_fields: tuple[str, ...] = ()
                       ) -> alt.LayerChart:
    """Return, per category, the figure before (grey) and after (blue) a change with their 95 % intervals;
    `frame` is long: category, period ('before' / 'after'), value, low, high, n. `pickable`: a click
    selects the dot's `pick_fields` (columns of the frame saying what its figure counted)."""
    guard(frame)
    data = _present(frame, category, "value")
    if data.empty:
        return _no_data(title)
    data = _with_notes(data, "low", "high", "n", small_n)
    order = _category_order(data, category)
    tooltip = _tooltips(alt.Tooltip(f"{category}:N", title="Action"), alt.Tooltip("period:N", title="Period"),
                        alt.Tooltip("value:Q", title=x_title, format=".1f"), interval=True, n="n")
    base = alt.Chart().encode(
        y=alt.Y(f"{category}:N", sort=order, axis=_axis(None, labelLimit=320)),
        yOffset=alt.YOffset("period:N", sort=["before", "after"]), tooltip=tooltip)
    colour = alt.Color("period:N", scale=alt.Scale(domain=["before", "after"], range=[GREY, BLUE]),
                       legend=_legend(None, orient="bottom"))
    whiskers = _whiskers(base, "low", "high", x_title, horizontal=True).encode(color=colour)
    dots = base.mark_point(filled=True, size=110).encode(
        x=alt.X("value:Q", axis=_axis(x_title)), color=colour,
        opacity=alt.when(alt.datum.n < small_n).then(alt.value(FADED)).otherwise(alt.value(1.0)))
    dots = _pickable(dots, list(pick_fields) or [category, "period"], highlight=False) if pickable else dots
    notes = ["grey: before the start", "blue: from the start", "lines: 95 % interval",
             f"faded: fewer than {small_n} observations"]
    return _layer(whiskers, dots, data=data).properties(title=_title(title, notes),
                                                        height=_bar_height(len(order)) + 20)


# --- Voice of the customer ------------------------------------------------------------------------

def group_share_chart(frame: pd.DataFrame, *, category: str, group: str, groups: list[str], title: str,
                      x_title: str = "share of the group's comments %", small_n: int = SMALL_N,
                      pickable: bool = False) -> alt.LayerChart:
    """Return, per category (e.g. a theme), one dot per group (e.g. detractors, promoters) at its share with
    the 95 % interval; `frame` is long: category, group, share, low, high, n. The first group is orange,
    the second blue, a third grey; categories keep the frame's order; groups on fewer than small_n are faded."""
    guard(frame)
    data = _present(frame, category, "share")
    if data.empty:
        return _no_data(title)
    data = _with_notes(data, "low", "high", "n", small_n)
    order = _category_order(data, category)
    tooltip = _tooltips(alt.Tooltip(f"{category}:N", title="Theme"), alt.Tooltip(f"{group}:N", title="Group"),
                        alt.Tooltip("share:Q", title=x_title, format=".1f"), interval=True, n="n")
    base = alt.Chart().encode(
        y=alt.Y(f"{category}:N", sort=order, axis=_axis(None, labelLimit=240)),
        yOffset=alt.YOffset(f"{group}:N", sort=groups), tooltip=tooltip)
    colour = alt.Color(f"{group}:N", scale=alt.Scale(domain=groups, range=[ORANGE, BLUE, GREY][:len(groups)]),
                       legend=_legend(None, orient="bottom"))
    whiskers = _whiskers(base, "low", "high", x_title, horizontal=True).encode(color=colour)
    # Shape as well as colour tells the groups apart for colour-blind readers.
    dots = base.mark_point(filled=True, size=100).encode(
        x=alt.X("share:Q", axis=_axis(x_title)), color=colour,
        shape=alt.Shape(f"{group}:N", scale=alt.Scale(domain=groups, range=["triangle-down", "triangle-up",
                                                                              "square"][:len(groups)]), legend=None),
        opacity=alt.when(alt.datum.n < small_n).then(alt.value(FADED)).otherwise(alt.value(1.0)))
    dots = _pickable(dots, [category, group], highlight=False) if pickable else dots
    notes = [f"{groups[0]}: orange ▼", f"{groups[1]}: blue ▲" if len(groups) > 1 else "",
             "lines: 95 % interval", f"faded: fewer than {small_n} comments in the group"]
    return _layer(whiskers, dots, data=data).properties(title=_title(title, [n for n in notes if n]),
                                        height=_bar_height(len(order)) + 20)


# The builders a page may ask ui.widgets.chart for, by name (its spec cache is keyed by the name).
CHART_BUILDERS = {build.__name__: build for build in (
    trend_chart, ranked_bar_chart, gap_chart, heatmap, dual_trend_chart, interval_bar_chart, timeline_chart,
    journey_flow_chart, journey_list_chart, before_after_chart, group_share_chart)}
