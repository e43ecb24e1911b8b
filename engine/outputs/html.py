"""The page and chart toolkit of every report: one stylesheet, the page wrapper, tables, inline SVG.

Pages are self-contained: inline CSS, charts drawn with matplotlib's object API (no pyplot, no global
state) as inline SVG, no script, font or image fetched from anywhere, so a report opens offline. Chart
text is SVG text (``svg.fonttype = "none"``), drawn by the browser in :data:`FONT_STACK`, which names the
common CJK fonts so 中卫 and 宁夏 render wherever the reader has one; nothing rewrites the glyphs.
Horizons longer than :data:`DAILY_AFTER_HOURS` are drawn as daily means so a year stays light.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from engine.inputs.scenario import Scenario

DAILY_AFTER_HOURS = 31 * 24
"""Time charts of longer horizons show daily means [h]."""

COLOURS = {"solar": "#f2b705", "wind": "#4a90c2", "battery": "#7b5ea7", "grid": "#8c8c8c",
           "exported": "#b9d7a8", "curtailed": "#e8e2c8", "facility": "#1a1a1a", "coordinated": "#1b7f3b",
           "baseline": "#b04a2f",
           "operated": "#1b7f3b", "perfect_foresight": "#4a90c2"}
"""Colours of supply sources and of policies."""
HUB_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
               "#bcbd22", "#7f7f7f")
"""Hub colours in scenario order (:func:`hub_colours`), the same hub in the same colour in every chart."""
FONT_STACK = ('system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", '
              '"Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Microsoft YaHei", "PingFang SC", '
              '"Hiragino Sans GB", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei", sans-serif')
"""The fonts of the page and of chart text, Latin first, then the common Simplified Chinese fonts by their
family names: Noto/Source Han (Linux, Google), Microsoft YaHei and SimHei (Windows), PingFang and
Hiragino (macOS), WenQuanYi (Debian's fonts-wqy-*). Checked in headless Chromium with
fonts-wqy-zenhei: 中卫 is drawn 1 em wide, not as the 0.6 em missing-glyph box
(tests/test_browser.py)."""

CSS = """
body { font-family: FONTS; margin: 2em auto; max-width: 1150px; color: #1a1a1a; padding: 0 1em; }
svg text { font-family: FONTS !important; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.8em; }
.meta, .note { color: #555; font-size: 0.88em; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 0.9em; min-width: 140px; }
.card .label { font-size: 0.8em; color: #555; } .card .value { font-size: 1.3em; font-weight: 600; }
.card .gain { font-size: 0.85em; color: #555; }
.better { color: #1b7f3b; } .worse { color: #b0302f; }
table { border-collapse: collapse; font-size: 0.88em; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.3em 0.7em; text-align: right; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
svg { max-width: 100%; height: auto; }
""".replace("FONTS", FONT_STACK)
"""The one stylesheet of every page."""

_SVG_PREAMBLE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SVG_NAMESPACES = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')
_PATH_DATA = re.compile(r'(?<=\sd=")[^"]*')
_LONG_DECIMALS = re.compile(r"(\d\.\d\d)\d+")
"""Path coordinates beyond 1/100 point are invisible: cut them (inside ``d="..."`` only) to keep long
horizons light."""


def page(title: str, sections: Iterable[str]) -> str:
    """One self-contained HTML page: the sections (HTML) in order, inline CSS, no external resources."""
    body = "\n".join(section for section in sections if section)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n"
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def section(title: str, *parts: str | None) -> str:
    """A titled section: ``<h2>`` and its parts (HTML); empty when every part is empty."""
    content = [part for part in parts if part]
    return "\n".join([f"<h2>{html.escape(title)}</h2>", *content]) if content else ""


def paragraph(text: str, kind: str = "note") -> str:
    """A paragraph of escaped text with a CSS class (``"note"`` or ``"meta"``)."""
    return f'<p class="{kind}">{html.escape(text)}</p>'


@dataclass(frozen=True)
class Cell:
    """A table cell with a CSS class (e.g. ``Cell("-9,490", "better")``)."""

    text: str
    css: str = ""


def table(head: Sequence[str], rows: Iterable[Sequence[object]], *, text_columns: Iterable[int] = ()) -> str:
    """An HTML table.

    Parameters
    ----------
    head : sequence of str
        Column titles as HTML (escape text yourself).
    rows : iterable of sequences
        Cells as text, escaped here (a :class:`Cell` also carries its CSS class).
    text_columns : iterable of int
        Columns aligned left besides the first (class ``text``).
    """
    left = set(text_columns)

    def cell(tag: str, number: int, content: str, css: str = "") -> str:
        classes = " ".join(name for name in ("text" if number in left else "", css) if name)
        attribute = f' class="{classes}"' if classes else ""
        return f"<{tag}{attribute}>{content}</{tag}>"

    def data(number: int, value: object) -> str:
        if isinstance(value, Cell):
            return cell("td", number, html.escape(value.text), value.css)
        return cell("td", number, html.escape(str(value)))

    header = "".join(cell("th", number, title) for number, title in enumerate(head))
    body = "".join("<tr>" + "".join(data(number, value)
                                    for number, value in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def svg(figure: Figure, prefix: str, *, tight: bool = False) -> str:
    """A figure as inline SVG: no XML preamble, no namespace URLs, short decimals, ids made unique.

    The same figure gives the same bytes on every run: matplotlib's element ids are hashed with a fixed
    salt (``svg.hashsalt``; by default it salts them randomly).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure.
    prefix : str
        Prefix of the figure's element ids, unique on the page.
    tight : bool
        Crop the figure to its content (for figures without a constrained layout).
    """
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none",  # text as <text>
                                "svg.hashsalt": prefix}), browser_fonts():
        figure.savefig(buffer, format="svg", bbox_inches="tight" if tight else None,
                       metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = _SVG_NAMESPACES.sub("", _SVG_PREAMBLE.sub("", buffer.getvalue(), count=1))
    text = _PATH_DATA.sub(lambda match: _LONG_DECIMALS.sub(r"\1", match.group(0)), text)
    text = re.sub(r'id="', f'id="{prefix}-', text)
    text = re.sub(r"url\(#", f"url(#{prefix}-", text)
    return re.sub(r'href="#', f'href="#{prefix}-', text)


@contextmanager
def browser_fonts() -> Iterator[None]:
    """Lay out chart text for the browser's fonts: matplotlib has no CJK font of its own, measures a
    Chinese character as its missing-glyph box (1.17 em in DejaVu Sans, wider than the 1 em of a CJK
    font) and warns so for each; here it stays silent, since the browser draws the text in
    :data:`FONT_STACK`."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        yield


def hub_colours(hubs: Iterable[str]) -> dict[str, str]:
    """One colour per hub, in the order given (a scenario's hubs), from :data:`HUB_PALETTE`."""
    return {hub: HUB_PALETTE[number % len(HUB_PALETTE)] for number, hub in enumerate(hubs)}


def hub_label(hub: str) -> str:
    """A hub's name in English and Chinese, e.g. ``"zhongwei 中卫"`` (the English alone for a custom hub)."""
    from weather.catalogue import load_catalogue

    known = load_catalogue().get(hub)
    return f"{hub} {known.name_zh}" if known is not None and known.name_zh else hub


def date_axis(axis: Axes, timezone: str) -> None:
    """Concise local-time date ticks on an axis."""
    locator = AutoDateLocator(tz=timezone)
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=timezone))


def style_axis(axis: Axes, title: str, ylabel: str, timezone: str | None = None) -> None:
    """Small title, label and ticks of one chart panel; local date ticks when ``timezone`` is given."""
    axis.set_title(title, fontsize=9, loc="left")
    axis.set_ylabel(ylabel, fontsize=8)
    axis.tick_params(labelsize=7)
    if timezone is not None:
        date_axis(axis, timezone)


def local_resolution(frame: pd.DataFrame, scenario: Scenario) -> tuple[pd.DataFrame, str]:
    """A UTC-indexed frame in local time, as daily means when the horizon is long; and its resolution."""
    frame = frame.tz_convert(scenario.timezone)
    if len(scenario.index) * scenario.step_hours > DAILY_AFTER_HOURS:
        return frame.resample("D").mean(), "daily mean"
    return frame, f"{scenario.step_hours * 60:.0f}-minute steps"
