"""Labels beside the points of a chart that never overlap: a deterministic greedy placement.

The figure is laid out first (so that aspect and data limits are final), then each label in turn tries
candidate positions around its point -- below, above, right, left, then the diagonals
(:data:`DIRECTIONS`), nearest first (:data:`GAPS_PT`) -- and takes the first whose box, measured by
matplotlib's renderer, overlaps no marker, no label placed before it, no axis or tick label and nothing
else avoided (a title), and lies inside the axes. A label set further than the first gap from its
point gets a thin leader line to it. When no candidate is free (more labels than room), the one with the
least overlap is taken, inside the axes if it can be.

Matplotlib lays out a Chinese character it has no font for as its missing-glyph box, 1.17 em wide
(measured with DejaVu Sans), wider than the 1 em a browser draws it in a CJK font, so the measured boxes
are if anything too large: labels that do not overlap here do not overlap on the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from engine.outputs.html import browser_fonts

DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))
"""Directions ``(x, y)`` tried from a point, in order: below, above, right, left, then the diagonals."""

GAPS_PT = (3.0, 12.0, 24.0, 40.0, 60.0, 85.0, 115.0)
"""Gaps tried between a marker's edge and its label [pt], nearest first (ASSUMPTION: enough room for the
catalogue's 14 hubs on the default map, checked by tests/engine/outputs/test_labels.py)."""

PAD_PX = 2.0
"""Margin kept around every box [px] (renderers round text extents differently by about a pixel)."""

_HORIZONTAL = {-1: "right", 0: "center", 1: "left"}
_VERTICAL = {-1: "top", 0: "center", 1: "bottom"}


class LabelPlacer:
    """Places labels on one axes so that they overlap nothing placed or avoided before (module
    docstring). Lays the figure out once, when made: draw everything else first.

    Parameters
    ----------
    axis : matplotlib.axes.Axes
        The axes of the points.
    avoid : sequence of Artist
        Artists no label may overlap besides the axes' axis and tick labels, which are always avoided:
        e.g. the title (the Text ``set_title`` returns) and a colour bar's axes.
    """

    def __init__(self, axis: Axes, avoid: Sequence[Artist] = ()) -> None:
        figure = axis.figure
        self.axis = axis
        self.renderer = FigureCanvasAgg(figure).get_renderer()
        with browser_fonts():
            figure.draw_without_rendering()  # final limits and aspect before anything is measured
            decorations = [axis.xaxis, axis.yaxis, *avoid]
            self.taken = [artist.get_tightbbox(self.renderer).padded(PAD_PX) for artist in decorations]
        self.inside = axis.get_window_extent(self.renderer)
        self.pixels_per_pt = figure.dpi / 72.0

    def avoid_markers(self, points: Sequence[tuple[float, float]], radii_pt: Sequence[float]) -> None:
        """Keep labels off round markers of radius ``radii_pt`` [pt] at ``points`` (data coordinates)."""
        for point, radius in zip(points, radii_pt, strict=True):
            x, y = self.axis.transData.transform(point)
            r = radius * self.pixels_per_pt
            self.taken.append(Bbox.from_extents(x - r, y - r, x + r, y + r).padded(PAD_PX))

    def place(self, points: Sequence[tuple[float, float]], radii_pt: Sequence[float], texts: Sequence[str],
              **style: object) -> list[Annotation]:
        """Annotate each point with its text where it overlaps nothing taken; the labels are taken then.

        Parameters
        ----------
        points : sequence of (float, float)
            The points in data coordinates.
        radii_pt : sequence of float
            Radius of each point's marker [pt] (0 for a bare point): the label keeps clear of it.
        texts : sequence of str
            The label of each point (may have several lines).
        **style
            Text properties of the labels (``fontsize``, ``zorder``, ``bbox``, ...).

        Returns
        -------
        list of matplotlib.text.Annotation
            The labels, in the order of ``points``.
        """
        with browser_fonts():
            return [self._place_one(point, radius, text, style)
                    for point, radius, text in zip(points, radii_pt, texts, strict=True)]

    def _place_one(self, point: tuple[float, float], radius: float, text: str, style: dict) -> Annotation:
        trial = self.axis.annotate(text, point, xytext=(0.0, 0.0), textcoords="offset points", **style)
        gap, direction, box = _best_position(trial, radius, self.renderer, self.taken, self.inside)
        trial.remove()
        leader = None if gap <= GAPS_PT[0] else {
            "arrowstyle": "-", "color": "#666666", "linewidth": 0.6, "shrinkA": 0.0, "shrinkB": radius,
            "relpos": (0.5 - 0.5 * direction[0], 0.5 - 0.5 * direction[1])}
        label = self.axis.annotate(text, point, xytext=(0.0, 0.0), textcoords="offset points",
                                   arrowprops=leader, **style)
        _move(label, radius + gap, direction)
        self.taken.append(box)
        return label


def _move(label: Annotation, distance_pt: float, direction: tuple[int, int]) -> None:
    """Set a label ``distance_pt`` from its point in ``direction``, aligned to face it."""
    label.set_position((direction[0] * distance_pt, direction[1] * distance_pt))
    label.set_horizontalalignment(_HORIZONTAL[direction[0]])
    label.set_verticalalignment(_VERTICAL[direction[1]])


def _best_position(label: Annotation, radius_pt: float, renderer: object, taken: list[Bbox],
                   inside: Bbox) -> tuple[float, tuple[int, int], Bbox]:
    """The first free candidate inside the axes, else the least overlapping: ``(gap, direction, box)``."""
    best: tuple[tuple[float, bool], float, tuple[int, int], Bbox] | None = None
    for gap in GAPS_PT:
        for direction in DIRECTIONS:
            _move(label, radius_pt + gap, direction)
            label.update_positions(renderer)  # the text's transform: offset points from its point
            box = Text.get_window_extent(label, renderer).padded(PAD_PX)
            score = (sum(_overlap(box, other) for other in taken), not _contains(inside, box))
            if score == (0.0, False):
                return gap, direction, box
            if best is None or score < best[0]:
                best = (score, gap, direction, box)
    return best[1], best[2], best[3]


def _overlap(one: Bbox, other: Bbox) -> float:
    """Area two boxes share [px^2]."""
    common = Bbox.intersection(one, other)
    return 0.0 if common is None else common.width * common.height


def _contains(outer: Bbox, inner: Bbox) -> bool:
    return (outer.x0 <= inner.x0 and inner.x1 <= outer.x1 and outer.y0 <= inner.y0
            and inner.y1 <= outer.y1)
