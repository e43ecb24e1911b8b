"""Plausibility bounds: the one table that scenario keys and profile columns are checked against.

A value outside its bounds is almost surely a unit slip (W for kW, kg for g, fen for yuan) or a broken
file, not a data centre: it is refused with the key or the file and column, the bounds and the fix.
The TOML keys (``pue``, ``grid_factor_kg_per_kwh``, ``flat_price_cny_per_kwh``) and the profile
columns of the same quantity use the same row.

=====================  ========  ========  =====================================================
quantity               low       high      why the upper bound
=====================  ========  ========  =====================================================
pue [-]                1         3         the least efficient legacy rooms report ~2.5-3
carbon [gCO2/kWh]      0         2000      lignite plants emit ~1200 (IPCC AR5 WG3 Annex III)
price [CNY/kWh]        0         20        China's critical-peak TOU prices are ~1.5-2.5
power [kW]             0         1e8       100 GW: the whole national 东数西算 target, per hub
energy [kWh]           0         2.4e9     a day at the power bound
=====================  ========  ========  =====================================================

The power bound applies to every park, IT and workload column (``*_kw``) of a profile and to every
``*_mw`` scenario key (capacities, firm load, arrivals, grid connection, export, battery power); the
energy bound to ``battery.energy_mwh``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import ScenarioError


@dataclass(frozen=True)
class Bounds:
    """Plausible range of one quantity.

    Attributes
    ----------
    low, high : float
        Inclusive bounds in ``unit``.
    unit : str
        E.g. ``"gCO2/kWh"``.
    """

    low: float
    high: float
    unit: str


PUE = Bounds(1.0, 3.0, "-")
CARBON_G_PER_KWH = Bounds(0.0, 2000.0, "gCO2/kWh")
PRICE_CNY_PER_KWH = Bounds(0.0, 20.0, "CNY/kWh")
POWER_KW = Bounds(0.0, 1e8, "kW")
ENERGY_KWH = Bounds(0.0, 24.0 * POWER_KW.high, "kWh")
KW_PER_MW = 1000.0

COLUMN_BOUNDS = {"pue": PUE, "carbon_g_per_kwh": CARBON_G_PER_KWH, "price_cny_per_kwh": PRICE_CNY_PER_KWH}
"""Profile column -> bounds; every other ``*_kw`` column is power (:data:`POWER_KW`)."""

KEY_HIGH = {"pue": PUE.high, "grid_factor_kg_per_kwh": CARBON_G_PER_KWH.high / 1000.0,
            "flat_price_cny_per_kwh": PRICE_CNY_PER_KWH.high, "power_mw": POWER_KW.high / KW_PER_MW,
            "energy_mwh": ENERGY_KWH.high / KW_PER_MW}
"""Upper bound of the scenario keys in their own units (``power_mw``: every ``*_mw`` key [MW];
``energy_mwh``: battery energy [MWh])."""


def column_bounds(column: str) -> Bounds | None:
    """The bounds of a profile column (``None`` for a column without any, e.g. ``temp_air``)."""
    if column in COLUMN_BOUNDS:
        return COLUMN_BOUNDS[column]
    return POWER_KW if column.endswith("_kw") else None


def check_column(values: np.ndarray, column: str, key: str, source: str) -> None:
    """Refuse a profile column with a value that is not finite or outside its bounds.

    Parameters
    ----------
    values : numpy.ndarray
        The column as floats.
    column : str
        Its name (an allowed name, so safe to show).
    key : str
        The key path of the setting that names the file.
    source : str
        The file's name.

    Raises
    ------
    ScenarioError
        Naming the file, the column, the first bad row, the bounds and the fix.
    """
    bounds = column_bounds(column) or Bounds(-np.inf, np.inf, "")
    bad = ~np.isfinite(values) | (values < bounds.low) | (values > bounds.high)
    if bad.any():
        row = int(np.argmax(bad))
        raise ScenarioError(f"{key}: column {column!r} of {source} must be finite and in [{bounds.low:g}, "
                            f"{bounds.high:g}] [{bounds.unit}], got {values[row]:g} at row {row}. Fix the "
                            "value (check its unit).")
