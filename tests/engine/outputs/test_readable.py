"""Charts and numbers a manager reads (issue 13, items 1 and 3): chart text is SVG text in a CJK-capable
font stack, no glyph rewriting, one colour per hub, changes of shares in percentage points, gains coloured
by better or worse."""

from __future__ import annotations

import re

from matplotlib.figure import Figure

from engine.outputs.html import CSS, FONT_STACK, hub_colours, hub_label, svg
from engine.outputs.text import change_kind, format_number, format_value


def test_chart_text_is_svg_text_and_not_rescaled():
    figure = Figure(figsize=(4, 2))
    axis = figure.subplots()
    axis.plot([0, 1], [0.123456, 0.654321])
    axis.set_title("zhongwei 中卫 宁夏")
    text = svg(figure, "t")
    assert "<text" in text and "中卫 宁夏" in text
    assert "scale(0.01)" not in text and "glyph" not in text  # no glyph paths, no cut glyph scale


def test_font_stack_names_the_common_cjk_fonts():
    for font in ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi"):
        assert font in FONT_STACK
    assert f"svg text {{ font-family: {FONT_STACK} !important; }}" in CSS


def test_hub_colours_and_labels():
    colours = hub_colours(["shanghai", "zhongwei", "beijing"])
    assert len(set(colours.values())) == 3 and hub_colours(["shanghai"])["shanghai"] == colours["shanghai"]
    assert hub_label("zhongwei") == "zhongwei 中卫"
    assert hub_label("my-site") == "my-site"


def test_share_changes_are_percentage_points_and_gains_are_judged():
    assert format_value("green_share_hourly", 0.122, signed=True) == "+12.2 pp"
    assert change_kind("green_share_hourly", 0.1) == "better"
    assert change_kind("peak_import_mw", 43.0) == "worse"
    assert change_kind("carbon_t", -9490.0) == "better"
    assert change_kind("migrated_it_mwh", 500.0) == ""


def test_money_without_scientific_notation():
    assert format_number(68_660_000.0) == "68,660,000"
    assert "e" not in format_number(1.5e9)


def test_run_page_reads_in_words(tmp_path):
    from tests.engine.outputs.test_report import _result  # the hand-made run of the report tests
    from tests.engine.test_metrics import hand_flows, hand_scenario, hand_schedule

    baseline = hand_flows()
    baseline["grid_import_kw"] *= 2.0
    from engine.outputs.run_report import render_report

    page = render_report(_result(hand_scenario(), hand_schedule(), baseline))
    assert re.search(r'class="gain better">[^<]*vs as usual \(better\)', page)
    assert " pp vs as usual" in page
    assert "scale(0.01)" not in page


def test_a_change_that_rounds_to_zero_has_no_minus_sign():
    """An unchanged deadline share (coordinated 100%, baseline 100%: a -1e-12 round-off) reads +0.0 pp."""
    assert format_value("deadline_met_share", -1e-12, signed=True) == "+0.0 pp"
    assert format_value("carbon_t", -11_677.2, signed=True) == "-11,677"
    assert format_value("cost_cny", -0.001) == "0.00"


def test_the_same_figure_gives_the_same_svg_bytes():
    def clipped_chart() -> str:
        figure = Figure(figsize=(3, 2))
        axes = figure.subplots()
        axes.plot([0, 1, 2], [1.0, 3.0, 2.0])
        axes.fill_between([0, 1, 2], 0.0, [1.0, 3.0, 2.0])
        return svg(figure, "same")

    first = clipped_chart()
    assert "clip-path" in first
    assert clipped_chart() == first
