"""A map of the hubs: where they are, how much compute they run, how green it is, and the work moved.

Positions come from the hub catalogue (:func:`weather.catalogue.load_catalogue`, latitude and longitude
[deg]); a hub not in the catalogue has no position and is left off the map (the title says so). Drawn
with matplotlib on plain longitude/latitude axes (no map tiles, nothing fetched), as inline SVG.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.colorbar import Colorbar
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from engine.inputs.scenario import Scenario
from engine.model.network import TB_PER_GBPS_HOUR
from engine.outputs.html import COLOURS, hub_label, svg
from engine.outputs.labels import LabelPlacer
from engine.schedule import Schedule
from engine.studies.result import StudyResult
from weather.catalogue import load_catalogue

GREEN_MAP = "YlGn"
"""Colour map of the hubs' hourly-matched green share, 0 to 100 %."""


def link_flows(scenario: Scenario, schedule: Schedule) -> pd.DataFrame:
    """The work moved along each link and the link's utilisation.

    Work of a workload run at a hub other than its origin travels the link from the origin to that hub;
    its data is ``data_tb_per_mwh`` per MWh of IT work, and a link carries ``gbps x 0.45 TB`` per hour.

    Parameters
    ----------
    scenario : Scenario
        The scenario (links, workloads, step length).
    schedule : Schedule
        The schedule whose work is counted.

    Returns
    -------
    pandas.DataFrame
        One row per link: ``from``, ``to``, ``gbps`` [Gbit/s], ``moved_it_mwh`` [MWh],
        ``data_tb`` [TB], ``mean_utilisation`` and ``peak_utilisation`` (data per step over the link's
        capacity per step) [-].
    """
    flows, dt = schedule.flows, scenario.step_hours
    steps = flows["time"].nunique()
    rows = []
    for link in scenario.links:
        at_target = flows[flows["hub"] == link.to_hub].set_index("time").sort_index()
        moved_kw = pd.Series(0.0, index=at_target.index)
        data_tb = pd.Series(0.0, index=at_target.index)
        for workload in scenario.workloads:
            if workload.origin == link.from_hub and link.to_hub in workload.hubs:
                work = at_target[f"{workload.name}_it_kw"].astype(float)
                moved_kw += work
                data_tb += work * dt / 1e3 * workload.data_tb_per_mwh
        capacity_tb = link.gbps * TB_PER_GBPS_HOUR * dt
        utilisation = data_tb / capacity_tb if capacity_tb > 0 else data_tb * 0.0
        rows.append({"from": link.from_hub, "to": link.to_hub, "gbps": link.gbps,
                     "moved_it_mwh": float(moved_kw.sum() * dt / 1e3), "data_tb": float(data_tb.sum()),
                     "mean_utilisation": float(utilisation.sum() / steps) if steps else 0.0,
                     "peak_utilisation": float(utilisation.to_numpy().max(initial=0.0))})
    return pd.DataFrame(rows, columns=["from", "to", "gbps", "moved_it_mwh", "data_tb", "mean_utilisation",
                                       "peak_utilisation"])


def hub_positions(hubs: list[str]) -> dict[str, tuple[float, float]]:
    """``hub -> (lon, lat)`` [deg] of the hubs in the catalogue (the others are left out)."""
    catalogue = load_catalogue()
    return {hub: (catalogue[hub].lon, catalogue[hub].lat) for hub in hubs if hub in catalogue}


LABEL_BOX = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75}
"""The white backing of map labels, so that an arrow under one does not hide it (ASSUMPTION, chosen by
eye: pad 0.15 of the font size, 75 % opaque so the map still shows through)."""


def _draw_links(axis, links: pd.DataFrame, positions: dict) -> tuple[list, list[str]]:
    """An arrow per link between placed hubs, width by work moved; returns the middle of each arrow
    (lon, lat) [deg] and its label (MWh and utilisation), placed later with the hubs' labels."""
    middles, texts = [], []
    largest = max(float(links["moved_it_mwh"].to_numpy().max(initial=0.0)), 1e-9)
    for row in links.itertuples(index=False):
        if row[0] not in positions or row[1] not in positions:
            continue
        start, end = np.array(positions[row[0]]), np.array(positions[row[1]])
        moved = row.moved_it_mwh > 1e-6
        axis.annotate("", xy=end, xytext=start, zorder=2, arrowprops={
            "arrowstyle": "-|>", "shrinkA": 12, "shrinkB": 12, "connectionstyle": "arc3,rad=0.15",
            "color": COLOURS["wind"] if moved else "#b8b8b8", "linestyle": "-" if moved else "--",
            "linewidth": 1.0 + 4.0 * row.moved_it_mwh / largest})
        step = end - start  # the middle of matplotlib's arc3 curve
        middles.append(tuple(start + 0.5 * step + 0.075 * np.array([step[1], -step[0]])))
        texts.append(f"{row.moved_it_mwh:,.0f} MWh\n{row.mean_utilisation:.0%} mean, "
                     f"{row.peak_utilisation:.0%} peak of {row.gbps:g} Gbit/s")
    return middles, texts


def hub_map(result: StudyResult, policy: str | None = None) -> str | None:
    """The hubs on a longitude/latitude map (:func:`hub_figure`) as inline SVG; ``None`` when no hub of the
    scenario is in the catalogue."""
    figure = hub_figure(result, policy)
    return None if figure is None else svg(figure, "map", tight=True)


def hub_figure(result: StudyResult, policy: str | None = None) -> Figure | None:
    """The hubs on a longitude/latitude map: marker area by mean IT load, colour by green share, arrows for
    the work moved along each link with its MWh and utilisation; no label overlaps another, a marker or
    the axes' decorations (:class:`engine.outputs.labels.LabelPlacer`).

    Parameters
    ----------
    result : StudyResult
        A run, sizing or operation.
    policy : str, optional
        The schedule drawn; default the result's primary policy.

    Returns
    -------
    matplotlib.figure.Figure or None
        The map; ``None`` when no hub of the scenario is in the catalogue.
    """
    scenario = result.scenario
    policy = policy or result.primary
    positions = hub_positions(list(scenario.hubs))
    if not positions:
        return None
    per_hub = result.metrics(policy, by="hub")
    it_mw = per_hub["it_energy_mwh"] / (len(scenario.index) * scenario.step_hours)
    placed = list(positions)
    figure = Figure(figsize=(8 * _map_scale(len(placed)), 5.5 * _map_scale(len(placed))))
    axis = figure.subplots()
    lon, lat = (np.array([positions[hub][k] for hub in placed]) for k in (0, 1))
    areas = 80 + 1200 * (it_mw[placed] / max(it_mw.max(), 1e-9)).to_numpy()
    points = axis.scatter(lon, lat, s=areas, c=per_hub.loc[placed, "green_share_hourly"].to_numpy() * 100,
                          cmap=GREEN_MAP, norm=Normalize(0.0, 100.0), edgecolors=COLOURS["facility"],
                          linewidths=0.8, zorder=3)
    middles, link_texts = _draw_links(axis, link_flows(scenario, result.schedules[policy]), positions)
    colour_bar = _frame(axis, figure, points, float(lat.mean()))
    missing = [hub for hub in scenario.hubs if hub not in positions]
    note = f"; not in the catalogue, so not placed: {', '.join(missing)}" if missing else ""
    title = axis.set_title(f"Hubs and the work moved, {policy.replace('_', ' ')} (marker area: mean IT load; "
                   f"arrows: work run away from its origin){note}", fontsize=9, loc="left")
    texts = [f"{hub_label(hub)}\n{it_mw[hub]:,.1f} MW IT, {per_hub.loc[hub, 'green_share_hourly']:.0%} green"
             for hub in placed]
    hubs, radii_pt = list(zip(lon, lat, strict=True)), list(np.sqrt(areas) / 2)  # s is an area [pt^2]
    placer = LabelPlacer(axis, avoid=[title, colour_bar.ax])
    placer.avoid_markers(hubs, radii_pt)
    placer.place(middles, [0.0] * len(middles), link_texts, fontsize=7, zorder=4, bbox=LABEL_BOX)
    placer.place(hubs, radii_pt, texts, fontsize=8, zorder=5, bbox=LABEL_BOX)
    return figure


def _map_scale(hubs: int) -> float:
    """How much larger than 8 x 5.5 in the map is drawn for ``hubs`` hubs, text at the same size: room
    for the labels of many hubs (1 up to 6 hubs, 1.5 from 14: the whole catalogue) [-]. ASSUMPTION,
    chosen by eye: 6 hubs' labels fit the 8 x 5.5 in map; area grows with the hubs, capped at 1.5."""
    return float(np.clip(math.sqrt(hubs / 6.0), 1.0, 1.5))


def _frame(axis, figure: Figure, points, mean_lat: float) -> Colorbar:
    """Margins, equal-distance aspect at the mean latitude, axis labels, grid; returns the colour bar."""
    axis.margins(0.25)
    axis.set_aspect(1.0 / math.cos(math.radians(mean_lat)), adjustable="datalim")
    axis.set_xlabel("longitude [°E]", fontsize=8)
    axis.set_ylabel("latitude [°N]", fontsize=8)
    axis.tick_params(labelsize=7)
    axis.grid(alpha=0.25)
    colour_bar = figure.colorbar(points, ax=axis, shrink=0.7, label="green share, hourly matched [%]")
    colour_bar.ax.tick_params(labelsize=7)
    return colour_bar
