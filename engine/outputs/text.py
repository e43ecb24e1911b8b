"""Metric names and values for people: labels, units and number formats of tables and terminal output."""

from __future__ import annotations

import unicodedata

import pandas as pd

from engine.metrics import METRIC_UNITS

HEADLINE_METRICS = ("green_share_hourly", "carbon_t", "cost_cny", "curtailed_mwh", "grid_import_mwh",
                    "migrated_it_mwh", "deadline_met_share")
"""The numbers the terminal table and the top of the report show."""

METRIC_LABELS = {
    "it_energy_mwh": "IT energy",
    "facility_energy_mwh": "Facility energy",
    "renewable_available_mwh": "Renewable available",
    "renewable_used_mwh": "Renewable used",
    "curtailed_mwh": "Curtailed",
    "grid_import_mwh": "Grid import",
    "green_share_hourly": "Green share (hourly matched)",
    "green_share_annual": "Green share (annual matched)",
    "carbon_t": "Carbon",
    "carbon_marginal_t": "Carbon, consequential",
    "exported_mwh": "Exported",
    "cost_cny": "Total cost",
    "energy_cost_cny": "Energy cost",
    "demand_charge_cny": "Demand charge",
    "ppa_cost_cny": "Park energy (PPA)",
    "transfer_cost_cny": "Data transfer",
    "battery_wear_cny": "Battery wear",
    "export_revenue_cny": "Export revenue",
    "carbon_cost_cny": "Carbon cost",
    "peak_import_mw": "Peak grid import",
    "deadline_met_share": "Deadlines met",
    "migrated_it_mwh": "Work migrated",
    "network_tb": "Data moved",
}


LOWER_IS_BETTER = frozenset({"carbon_t", "carbon_marginal_t", "cost_cny", "energy_cost_cny",
                             "demand_charge_cny", "ppa_cost_cny", "transfer_cost_cny", "battery_wear_cny",
                             "carbon_cost_cny", "curtailed_mwh", "grid_import_mwh", "peak_import_mw",
                             "facility_energy_mwh"})
"""Metrics where a fall is an improvement."""
HIGHER_IS_BETTER = frozenset({"green_share_hourly", "green_share_annual", "renewable_used_mwh",
                              "deadline_met_share", "export_revenue_cny"})
"""Metrics where a rise is an improvement; the others (work migrated, data moved, energy exported) are
neither better nor worse in themselves."""


def change_kind(name: str, change: float) -> str:
    """``"better"``, ``"worse"`` or ``""`` (no change, or a metric that is neither) for a change of a metric.

    Parameters
    ----------
    name : str
        Metric name.
    change : float
        New minus old, in the metric's unit.
    """
    if abs(change) < 1e-9 or not (name in LOWER_IS_BETTER or name in HIGHER_IS_BETTER):
        return ""
    return "better" if (change < 0) == (name in LOWER_IS_BETTER) else "worse"


def format_value(name: str, value: float, *, signed: bool = False) -> str:
    """A metric value for people: shares in percent, other values with thousands separators.

    A signed share is a change of a share and reads in percentage points (``"+12.2 pp"``).

    Parameters
    ----------
    name : str
        Metric name (its unit decides the format).
    value : float
        Metric value in its unit (shares as fractions).
    signed : bool
        Show a ``+`` on positive values (for gains).
    """
    # "z": a value that rounds to zero prints as 0, never -0.0 (e.g. an unchanged deadline share).
    sign = "+z" if signed else "z"
    if METRIC_UNITS.get(name) == "-":
        return f"{value * 100:{sign},.1f} {'pp' if signed else '%'}"
    if abs(value) >= 100:
        return f"{value:{sign},.0f}"
    return f"{value:{sign},.2f}"


def metric_unit(name: str) -> str:
    """Unit of a metric as shown in tables (``%`` for shares)."""
    unit = METRIC_UNITS.get(name, "")
    return "%" if unit == "-" else unit


def metric_label(name: str) -> str:
    """``"<label> [<unit>]"`` of a metric, e.g. ``"Carbon [tCO2]"``."""
    return f"{METRIC_LABELS.get(name, name)} [{metric_unit(name)}]"


def headline_lines(columns: dict, *, gain_column: str | None = None) -> list[str]:
    """The terminal table of the headline metrics: one line per metric, one column per policy.

    Parameters
    ----------
    columns : dict of str to mapping
        Column title -> metric values (a :meth:`~engine.studies.result.StudyResult.metrics` Series).
    gain_column : str, optional
        The title of a column of gains (shown signed).

    Returns
    -------
    list of str
        The header line, then one line per :data:`HEADLINE_METRICS`.
    """
    lines = [f"{'':<34}" + "".join(f"{title:>14}" for title in columns)]
    for name in HEADLINE_METRICS:
        cells = "".join(f"{format_value(name, values[name], signed=title == gain_column):>14}"
                        for title, values in columns.items())
        lines.append(f"{metric_label(name):<34}{cells}")
    return lines


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for East Asian wide and full-width characters (中卫)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def terminal_table(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """A plain-text table whose columns stay aligned with Chinese text in them.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cells as strings.
    columns : list of str
        The columns to show, in order (their names are the headers).

    Returns
    -------
    list of str
        The header line, then one line per row; text left-aligned, numbers right-aligned.
    """
    rows = [[str(column) for column in columns], *[[str(value) for value in row]
                                                   for row in frame[columns].itertuples(index=False)]]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(columns))]
    numeric = [all(_is_number(row[i]) for row in rows[1:]) for i in range(len(columns))]

    def cell(text: str, i: int) -> str:
        pad = " " * (widths[i] - display_width(text))
        return pad + text if numeric[i] else text + pad

    return ["  ".join(cell(text, i) for i, text in enumerate(row)).rstrip() for row in rows]


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return text == ""
    return True


def format_number(value: float) -> str:
    """A number for a table without scientific notation: ``68,660,000``, ``1,234.5``, ``0.857``."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
