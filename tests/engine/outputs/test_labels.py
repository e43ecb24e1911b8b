"""Map labels never overlap (issue 13, item 2): every catalogue hub on one map, Beijing beside
Zhangjiakou, Chengdu 0.07 deg from Tianfu, Shanghai beside the Yangtze delta and Wuhu; the label boxes
are measured with matplotlib's renderer after the placement."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from engine.inputs.scenario import Link
from engine.outputs.html import browser_fonts, hub_label
from engine.outputs.labels import LabelPlacer
from engine.outputs.map import hub_figure, hub_map
from engine.studies.result import SolverInfo, StudyResult
from tests.engine.test_metrics import hand_flows, hand_scenario, hand_schedule
from weather.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[3]
LINKS = (("beijing", "zhangjiakou"), ("beijing", "helinger"), ("beijing", "shanghai"),
         ("beijing", "tianfu"), ("beijing", "chengdu"), ("beijing", "guangzhou"), ("beijing", "shaoguan"))


def every_hub_result() -> StudyResult:
    """The hand 3-step schedule copied onto every catalogue hub, IT load growing hub by hub (marker
    sizes differ), with work from Beijing moved along crowded links."""
    scenario, flows = hand_scenario(), hand_flows()
    names = list(load_catalogue())
    hubs, parts = {}, []
    for number, name in enumerate(names):
        model = "west" if number % 2 else "east"
        hubs[name] = dataclasses.replace(scenario.hubs[model], name=name)
        part = flows[flows["hub"] == model].assign(hub=name)
        kw = [c for c in part.columns if c.endswith("_kw") or c.endswith("_kwh")]
        part[kw] = part[kw] * (1 + number)
        parts.append(part)
    workload = dataclasses.replace(scenario.workloads[0], origin="beijing",
                                   hubs=("beijing", *(to for _, to in LINKS)))
    scenario = dataclasses.replace(scenario, hubs=hubs, workloads=(workload,),
                                   links=tuple(Link(from_hub=a, to_hub=b, gbps=10.0) for a, b in LINKS))
    schedule = hand_schedule(pd.concat(parts, ignore_index=True))
    return StudyResult(kind="run", scenario=scenario, schedules={"coordinated": schedule},
                       solver=SolverInfo.of(schedule))


def text_boxes(figure: Figure, texts: list[Text]) -> list:
    """The boxes of the texts alone (no leader line) as the renderer measures them [px]."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    with browser_fonts():
        figure.draw_without_rendering()
        return [Text.get_window_extent(text, renderer) for text in texts]


def test_no_label_overlaps_another_or_the_axes_decorations_with_every_catalogue_hub():
    result = every_hub_result()
    figure = hub_figure(result)
    axis, colour_bar = figure.axes
    names = [hub_label(hub) for hub in result.scenario.hubs]
    labels = [a for a in axis.texts if isinstance(a, Annotation) and a.get_text().split("\n")[0] in names]
    assert sorted(label.get_text().split("\n")[0] for label in labels) == sorted(names)
    link_labels = [a for a in axis.texts if "Gbit/s" in a.get_text()]
    assert len(link_labels) == len(LINKS)
    everything = labels + link_labels
    boxes = text_boxes(figure, everything)
    for (one, a), (other, b) in itertools.combinations(zip(everything, boxes, strict=True), 2):
        assert not a.overlaps(b), (one.get_text(), other.get_text())
    renderer = FigureCanvasAgg(figure).get_renderer()
    with browser_fonts():
        titles = [t for t in (axis.title, axis._left_title, axis._right_title) if t.get_text()]
        decorations = [part.get_tightbbox(renderer) for part in (axis.xaxis, axis.yaxis, *titles, colour_bar)]
    for label, box in zip(everything, boxes, strict=True):
        assert not any(box.overlaps(part) for part in decorations), label.get_text()
    assert any(label.arrow_patch is not None for label in labels), "crowded hubs get leader lines"
    assert "长三角" in hub_map(result) and "中卫" in hub_map(result)


def placed_labels() -> list:
    """Every label of the every-hub map: text, position and alignment (also run as a script below)."""
    return [(a.get_text(), tuple(map(float, a.get_position())), a.get_horizontalalignment(),
             a.get_verticalalignment())
            for a in hub_figure(every_hub_result()).axes[0].texts
            if isinstance(a, Annotation) and a.get_text()]


def test_placement_is_deterministic_across_processes():
    """Two processes with different string-hash seeds (set and dict orders of names) place every label
    alike: what varies between runs cannot reach the map."""
    script = ("import json; from tests.engine.outputs.test_labels import placed_labels; "
              "print(json.dumps(placed_labels()))")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1] and len(json.loads(runs[0])) > len(load_catalogue())


@pytest.mark.parametrize("spacing", [0.0, 0.02, 0.5])
def test_labels_of_coincident_and_close_points_do_not_overlap_each_other_or_the_markers(spacing):
    figure = Figure(figsize=(4, 3))
    axis = figure.subplots()
    points = [(0.0, 0.0), (spacing, 0.0), (0.0, spacing), (spacing, spacing)]
    axis.scatter(*zip(*points, strict=True), s=100)
    axis.set_xlim(-1, 1.5)
    axis.set_ylim(-1, 1.5)
    placer = LabelPlacer(axis)
    placer.avoid_markers(points, [5.0] * 4)
    labels = placer.place(points, [5.0] * 4, [f"hub {n}\n12.5 MW IT" for n in range(4)], fontsize=8)
    boxes = text_boxes(figure, labels)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    radius_px = 5.0 * figure.dpi / 72
    markers = [Bbox.from_extents(x - radius_px, y - radius_px, x + radius_px, y + radius_px)
               for x, y in (axis.transData.transform(point) for point in points)]
    for box, marker in itertools.product(boxes, markers):
        assert not box.overlaps(marker)
