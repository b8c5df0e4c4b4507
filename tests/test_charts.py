"""Chart builders proved through `chart.to_dict()`: encodings, layers, conditions, and awkward frames."""

import datetime as dt
import json
import math

import altair as alt
import pandas as pd
import pytest

from cxmetrics.face import charts
from cxmetrics.face.charts import BLUE, GREY, NO_DATA, ORANGE, MAX_CHART_ROWS, TooManyRows

NAN = math.nan


def trend_frame():
    return pd.DataFrame({
        "period": [dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)],
        "nps": [12.0, 20.0, 31.5], "nps_low": [2.0, 11.0, 25.0], "nps_high": [22.0, 29.0, 38.0], "nps_n": [12, 80, 140],
    })


def ranked_frame():
    return pd.DataFrame({
        "team": ["Nord", "Zürich – Süd", "東京"], "csat": [71.0, 88.0, 80.0], "csat_low": [60.0, 81.0, 70.0],
        "csat_high": [80.0, 93.0, 88.0], "csat_n": [45, 12, 300], "is_mine": [False, False, True],
    })


def gap_frame():
    return pd.DataFrame({
        "segment": ["Gold", "Silber", "Bronze"], "gap": [-6.0, 2.0, 9.0], "gap_low": [-10.0, -3.0, 4.0],
        "gap_high": [-2.0, 7.0, 14.0], "significant": [True, False, True], "too_few": [False, True, False],
    })


def heatmap_frame():
    return pd.DataFrame({
        "channel": ["Phone", "Phone", "Chat", "Chat"], "reason": ["Billing", "Délivery", "Billing", "Délivery"],
        "fcr": [70.0, 55.0, 82.0, 64.0], "fcr_n": [200, 12, 90, 40],
    })


def dual_frame():
    return pd.DataFrame({"month": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)], "nps": [10.0, 14.0],
                         "churn": [3.1, 2.7]})


def bar_frame():
    return pd.DataFrame({"group": ["Detractor", "Passive", "Promoter"], "churn": [9.0, 4.0, 2.0],
                         "churn_low": [6.0, 2.0, 1.0], "churn_high": [13.0, 7.0, 3.5], "n": [20, 150, 400]})


# name: (builder, keyword arguments, a small frame with every column the builder reads)
BUILDERS = {
    "trend": (charts.trend_chart, dict(value="nps", low="nps_low", high="nps_high", n="nps_n", title="NPS by month",
                                       y_title="NPS"), trend_frame),
    "ranked": (charts.ranked_bar_chart, dict(category="team", value="csat", low="csat_low", high="csat_high",
                                             n="csat_n", title="CSAT by team", x_title="CSAT %"), ranked_frame),
    "gap": (charts.gap_chart, dict(category="segment", gap="gap", low="gap_low", high="gap_high",
                                   significant="significant", too_few="too_few", title="Gap to the rest",
                                   x_title="NPS points"), gap_frame),
    "heatmap": (charts.heatmap, dict(row="channel", column="reason", value="fcr", title="FCR by channel and reason",
                                     value_title="FCR %", n="fcr_n"), heatmap_frame),
    "dual": (charts.dual_trend_chart, dict(x="month", left="nps", right="churn", left_title="NPS",
                                           right_title="Churn %", title="NPS and churn"), dual_frame),
    "interval_bar": (charts.interval_bar_chart, dict(category="group", value="churn", low="churn_low",
                                                     high="churn_high", n="n", title="Churn by NPS group",
                                                     y_title="Churn %"), bar_frame),
}
NAMES = list(BUILDERS)


def build(name, frame=None, **overrides):
    builder, kwargs, make_frame = BUILDERS[name]
    return builder(make_frame() if frame is None else frame, **{**kwargs, **overrides})


def units(spec):
    """Return every single-mark spec inside a (nested) layer spec."""
    if "layer" in spec:
        return [unit for layer in spec["layer"] for unit in units(layer)]
    return [spec]


def mark(unit):
    return unit["mark"]["type"] if isinstance(unit["mark"], dict) else unit["mark"]


def of_mark(spec, mark_type):
    return [unit for unit in units(spec) if mark(unit) == mark_type]


def channel(unit, name):
    """Return (field, type) of an encoding channel."""
    encoding = unit["encoding"][name]
    return encoding.get("field"), encoding.get("type")


def rows(spec):
    """Return every row of every dataset in the spec."""
    return [row for dataset in spec.get("datasets", {}).values() for row in dataset]


def axes(node):
    """Yield every axis dict anywhere in the spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "axis" and isinstance(value, dict):
                yield value
            yield from axes(value)
    elif isinstance(node, list):
        for item in node:
            yield from axes(item)


def frame_of(name, count):
    """Return `count` copies of the builder's sample rows."""
    sample = BUILDERS[name][2]()
    return sample.iloc[[i % len(sample) for i in range(count)]].reset_index(drop=True)


# --- guard ----------------------------------------------------------------------------------------

def test_guard_passes_the_limit_and_refuses_one_more():
    frame = pd.DataFrame({"x": range(MAX_CHART_ROWS)})
    assert charts.guard(frame) is frame
    with pytest.raises(TooManyRows, match="5,001"):
        charts.guard(pd.DataFrame({"x": range(MAX_CHART_ROWS + 1)}))
    assert issubclass(TooManyRows, ValueError)


@pytest.mark.parametrize("name", NAMES)
def test_every_builder_refuses_too_many_rows(name):
    with pytest.raises(TooManyRows):
        build(name, frame_of(name, MAX_CHART_ROWS + 1))


@pytest.mark.parametrize("name", NAMES)
def test_every_builder_draws_exactly_the_limit(name):
    assert build(name, frame_of(name, MAX_CHART_ROWS)).to_dict()


@pytest.mark.parametrize("name", NAMES)
def test_the_unvalidated_spec_a_page_draws_is_the_validated_one(name):
    # ui.widgets.chart skips Altair's schema validation on every rerun; this is where it happens.
    chart = build(name)
    assert chart.to_dict(validate=False) == chart.to_dict()  # to_dict() raises on an invalid spec


@pytest.mark.parametrize("name", NAMES)
def test_the_frame_is_given_once_at_the_top_and_every_mark_reads_it(name):
    spec = build(name).to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert len(rows) == len(BUILDERS[name][2]())
    for unit in units(spec):  # only the zero rule of the gap chart carries its own one-row frame
        assert "data" not in unit or len(spec["datasets"][unit["data"]["name"]]) == 1, unit


# --- each builder's encodings ---------------------------------------------------------------------

def test_trend_is_a_temporal_line_with_band_and_greyed_small_points():
    spec = build("trend").to_dict()
    (line,) = of_mark(spec, "line")
    assert channel(line, "x") == ("period", "temporal")
    assert channel(line, "y") == ("nps", "quantitative")
    (band,) = of_mark(spec, "area")
    assert channel(band, "y") == ("nps_low", "quantitative") and band["encoding"]["y2"]["field"] == "nps_high"
    (points,) = of_mark(spec, "point")
    assert points["encoding"]["color"] == {"condition": [{"test": "(datum['nps_n'] < 30)", "value": GREY}],
                                           "value": BLUE}
    assert not of_mark(spec, "rule"), "no target rule without a target"
    assert [row["_note"] for row in rows(spec) if "nps" in row] == ["too few responses", "", ""]


def test_trend_tooltip_gives_period_value_interval_and_n():
    (line,) = of_mark(build("trend").to_dict(), "line")
    tooltip = {tip["field"]: tip for tip in line["encoding"]["tooltip"]}
    assert tooltip["period"]["type"] == "temporal" and tooltip["period"]["format"] == "%b %Y"
    assert tooltip["nps"]["format"] == ".1f"
    assert set(tooltip) == {"period", "nps", "_interval", "nps_n", "_note"}


@pytest.mark.parametrize("target, rules", [(40.0, 1), (0.0, 1), (None, 0)])
def test_trend_target_rule_only_when_a_target_is_given(target, rules):
    spec = build("trend", target=target).to_dict()
    found = of_mark(spec, "rule")
    assert len(found) == rules
    if rules:
        assert found[0]["mark"]["strokeDash"] and channel(found[0], "y") == ("target", "quantitative")
        assert {"target": target, "label": f"Target {target:g}"} in rows(spec)


def test_trend_without_interval_has_no_band():
    spec = build("trend", low=None, high=None).to_dict()
    assert not of_mark(spec, "area") and of_mark(spec, "line")


def test_ranked_bars_sorted_by_value_with_whiskers_grey_and_highlight():
    spec = build("ranked", highlight="is_mine").to_dict()
    (bars,) = of_mark(spec, "bar")
    assert channel(bars, "x") == ("csat", "quantitative") and channel(bars, "y") == ("team", "nominal")
    assert bars["encoding"]["y"]["sort"] == ["Zürich – Süd", "東京", "Nord"]
    assert bars["encoding"]["color"]["condition"] == [{"test": "(datum['csat_n'] < 30)", "value": GREY},
                                                      {"test": "(datum['is_mine'] === true)", "value": ORANGE}]
    (whiskers,) = of_mark(spec, "rule")
    assert channel(whiskers, "x") == ("csat_low", "quantitative") and whiskers["encoding"]["x2"]["field"] == "csat_high"
    assert bars["encoding"]["strokeWidth"]["condition"] == [{"test": "(datum['is_mine'] === true)", "value": 2}]
    notes = {row["team"]: row["_note"] for row in rows(spec)}
    assert notes == {"Zürich – Süd": "too few responses", "東京": "", "Nord": ""}
    assert spec["height"] == charts.MIN_HEIGHT


def test_ranked_without_highlight_or_interval_has_plain_bars():
    spec = build("ranked", low=None, high=None).to_dict()
    (bars,) = units(spec)
    assert bars["encoding"]["strokeWidth"] == {"value": 0} and len(bars["encoding"]["color"]["condition"]) == 1
    assert "_interval" not in json.dumps(spec)


def test_ranked_height_grows_with_the_categories():
    frame = pd.DataFrame({"team": [f"T{i}" for i in range(10)], "csat": range(10), "csat_low": range(10),
                          "csat_high": range(10), "csat_n": [50] * 10})
    assert build("ranked", frame).to_dict()["height"] == 10 * charts.ROW_HEIGHT


def test_gap_dots_ranked_around_zero_coloured_by_verdict_and_faded_when_too_few():
    spec = build("gap").to_dict()
    (dots,) = of_mark(spec, "point")
    assert channel(dots, "x") == ("gap", "quantitative")
    assert dots["encoding"]["y"]["sort"] == ["Bronze", "Silber", "Gold"]
    assert dots["encoding"]["color"]["scale"] == {"domain": [charts.ABOVE, charts.BELOW, charts.UNCLEAR],
                                                  "range": [BLUE, ORANGE, GREY]}
    assert dots["encoding"]["opacity"]["condition"] == [{"test": "(datum['too_few'] === true)", "value": charts.FADED}]
    zero, whiskers = of_mark(spec, "rule")
    assert channel(zero, "x") == ("zero", "quantitative")
    assert channel(whiskers, "x") == ("gap_low", "quantitative")
    verdicts = {row["segment"]: row["_direction"] for row in rows(spec) if "segment" in row}
    assert verdicts == {"Bronze": charts.ABOVE, "Silber": charts.UNCLEAR, "Gold": charts.BELOW}


def test_heatmap_colours_cells_and_writes_faded_values():
    spec = build("heatmap").to_dict()
    (cells,) = of_mark(spec, "rect")
    (text,) = of_mark(spec, "text")
    assert channel(cells, "color") == ("fcr", "quantitative")
    assert channel(cells, "x") == ("reason", "ordinal") and channel(cells, "y") == ("channel", "ordinal")
    assert text["encoding"]["text"] == {"field": "fcr", "format": ".1f", "type": "quantitative"}
    assert text["encoding"]["opacity"]["condition"] == [{"test": "(datum['fcr_n'] < 30)", "value": charts.FADED}]


def test_heatmap_without_n_fades_nothing():
    (text,) = of_mark(build("heatmap", n=None, fmt=".0f").to_dict(), "text")
    assert text["encoding"]["opacity"] == {"value": 1.0}
    assert text["encoding"]["text"]["format"] == ".0f"


def test_dual_trend_has_two_lines_on_independent_axes():
    spec = build("dual").to_dict()
    left, right = of_mark(spec, "line")
    assert channel(left, "x") == ("month", "temporal") and channel(right, "x") == ("month", "temporal")
    assert channel(left, "y") == ("nps", "quantitative") and channel(right, "y") == ("churn", "quantitative")
    assert right["encoding"]["y"]["axis"]["orient"] == "right" and right["mark"]["strokeDash"]
    assert spec["resolve"] == {"scale": {"y": "independent"}}


def test_interval_bars_keep_the_frame_order_with_vertical_whiskers():
    spec = build("interval_bar").to_dict()
    (bars,) = of_mark(spec, "bar")
    assert channel(bars, "x") == ("group", "nominal") and channel(bars, "y") == ("churn", "quantitative")
    assert bars["encoding"]["x"]["sort"] == ["Detractor", "Passive", "Promoter"]
    assert bars["encoding"]["color"]["condition"] == [{"test": "(datum['n'] < 30)", "value": GREY}]
    (whiskers,) = of_mark(spec, "rule")
    assert channel(whiskers, "y") == ("churn_low", "quantitative") and whiskers["encoding"]["y2"]["field"] == "churn_high"


# --- rules every builder keeps -------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_readable_fonts_title_and_no_fixed_width(name):
    spec = build(name).to_dict()
    assert spec["title"]["text"] == BUILDERS[name][1]["title"] and spec["title"]["fontSize"] >= 14
    assert "width" not in spec
    found = list(axes(spec))
    assert found and all(axis["labelFontSize"] >= 12 and axis["titleFontSize"] >= 14 for axis in found)


@pytest.mark.parametrize("name", [name for name in NAMES if name not in ("dual", "gap")])
def test_every_data_mark_has_n_in_its_tooltip(name):
    n = BUILDERS[name][1]["n"]
    for unit in units(build(name).to_dict()):
        if "target" not in json.dumps(unit["encoding"]):
            assert n in [tip["field"] for tip in unit["encoding"]["tooltip"]], mark(unit)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("empty", [lambda sample: sample.iloc[0:0], lambda sample: pd.DataFrame()],
                         ids=["no rows", "no columns"])
def test_empty_frame_renders_a_no_data_message(name, empty):
    spec = build(name, empty(BUILDERS[name][2]())).to_dict()
    (message,) = units(spec)
    assert mark(message) == "text" and rows(spec) == [{"message": NO_DATA}]


@pytest.mark.parametrize("name", NAMES)
def test_nan_values_and_intervals_render_and_skip_their_marks(name):
    frame = BUILDERS[name][2]()
    frame.loc[0, frame.select_dtypes("number").columns] = NAN
    spec = build(name, frame).to_dict()
    text = json.dumps(spec, ensure_ascii=False, allow_nan=False)  # NaN must reach Vega as null, not NaN
    assert NO_DATA not in text


@pytest.mark.parametrize("name", ["ranked", "gap", "heatmap", "interval_bar"])
def test_a_category_without_a_value_is_left_out(name):
    frame = BUILDERS[name][2]()
    value = {"ranked": "csat", "gap": "gap", "heatmap": "fcr", "interval_bar": "churn"}[name]
    frame.loc[0, value] = None
    spec = build(name, frame).to_dict()
    assert len([row for row in rows(spec) if value in row]) == len(frame) - 1


def test_nan_interval_drops_only_the_whisker():
    frame = ranked_frame()
    frame.loc[0, ["csat_low", "csat_high"]] = NAN
    spec = build("ranked", frame).to_dict()
    (whiskers,) = of_mark(spec, "rule")
    assert whiskers["transform"] == [{"filter": 'isValid(datum["csat_low"]) && isValid(datum["csat_high"])'}]
    assert {row["team"]: row["_interval"] for row in rows(spec)}["Nord"] == "no interval"


@pytest.mark.parametrize("name", ["trend", "dual"])
def test_all_missing_values_read_as_no_data(name):
    frame = BUILDERS[name][2]()
    frame[frame.select_dtypes("number").columns] = NAN
    assert rows(build(name, frame).to_dict()) == [{"message": NO_DATA}]


def test_unicode_categories_survive_to_the_spec():
    text = json.dumps(build("ranked").to_dict(), ensure_ascii=False)
    assert "東京" in text and "Zürich – Süd" in text


def test_builders_return_layer_charts():
    assert all(isinstance(build(name), alt.LayerChart) for name in NAMES)
