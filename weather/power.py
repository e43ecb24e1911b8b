"""Output of a hub's PV and wind parks from one weather frame, and its summary figures.

Capacities are given in MW of nameplate: PV in MWp DC (as Chinese statistics count it), wind in MW.
Capacity factors and full-load hours are per that nameplate, so PV figures compare with the NEA's published
utilisation hours per installed (DC) capacity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.solar import PVPark, check_weather, pv_power_kw
from weather.wind import WindPark, hub_wind_speed_ms, wind_power_kw
from weather.wind_calibration import check_wind_height

KW_PER_MW = 1000.0


def _check_capacity(field: str, value: float) -> float:
    if not np.isfinite(value) or value < 0:
        raise WeatherInputError(f"{field}: expected a capacity >= 0 MW, got {value!r}; pass e.g. 100")
    return float(value)


def park_output(weather: WeatherData, solar_mw: float, wind_mw: float,
                tracking: bool = False) -> pd.DataFrame:
    """Hourly (per step) output of a PV park and a wind park at one site [kW].

    Parameters
    ----------
    weather : WeatherData
        Canonical weather of the site.
    solar_mw : float
        PV DC nameplate [MWp]; 0 for no PV park.
    wind_mw : float
        Wind nameplate [MW]; 0 for no wind park.
    tracking : bool
        Single-axis tracking PV instead of fixed tilt.

    Returns
    -------
    pandas.DataFrame
        Columns ``solar_kw`` and ``wind_kw`` [kW], mean power over each interval, on the weather's index.
        The parks are the defaults of :class:`~weather.solar.PVPark` and :class:`~weather.wind.WindPark`.

    Raises
    ------
    WeatherInputError
        If a capacity is negative or not finite, the weather frame is invalid, or a wind park is asked
        for on station wind measured at 20 m or lower (calibrate it first with
        :func:`weather.wind_calibration.calibrate_station_wind`).
    """
    solar_mw = _check_capacity("solar_mw", solar_mw)
    wind_mw = _check_capacity("wind_mw", wind_mw)
    check_weather(weather)
    if wind_mw > 0:
        check_wind_height(weather)
    index = weather.data.index
    solar = (pv_power_kw(weather, PVPark(dc_kw=solar_mw * KW_PER_MW, tracking=tracking)) if solar_mw > 0
             else pd.Series(0.0, index=index, name="solar_kw"))
    wind = (wind_power_kw(weather, WindPark(nameplate_kw=wind_mw * KW_PER_MW)) if wind_mw > 0
            else pd.Series(0.0, index=index, name="wind_kw"))
    return pd.DataFrame({"solar_kw": solar, "wind_kw": wind}, index=index)


HOURS_PER_YEAR = 8760.0
"""Hours of a (non-leap) year, the base of full-load hours per year [h/a]."""


def _capacity_factor(energy_kwh: float, capacity_mw: float, hours: float) -> float | None:
    if capacity_mw == 0:
        return None
    return energy_kwh / (capacity_mw * KW_PER_MW * hours)


def power_summary(weather: WeatherData, output: pd.DataFrame, solar_mw: float, wind_mw: float,
                  wind_park: WindPark | None = None) -> dict:
    """Resource and yield figures of a park output over its horizon.

    Parameters
    ----------
    weather : WeatherData
        The weather the output was computed from.
    output : pandas.DataFrame
        :func:`park_output` of that weather (``solar_kw``, ``wind_kw`` [kW]).
    solar_mw, wind_mw : float
        The nameplates the output was computed for [MWp DC, MW].
    wind_park : WindPark, optional
        The wind park whose hub height defines ``wind_speed_hub_mean_ms``; default the default
        :class:`~weather.wind.WindPark` (as used by :func:`park_output`).

    Returns
    -------
    dict
        ``hours`` [h] of the horizon; ``ghi_kwh_m2`` [kWh/m2] global horizontal irradiation over it;
        ``temp_air_mean_c`` [degC]; ``wind_speed_hub_mean_ms`` [m/s] at the hub height; ``hub_height_m``
        [m]; ``solar_mw``, ``wind_mw`` [MW]; ``solar_energy_mwh``, ``wind_energy_mwh`` [MWh];
        ``solar_capacity_factor``, ``wind_capacity_factor`` [-] (None for a zero capacity);
        ``solar_full_load_hours``, ``wind_full_load_hours`` [h] over the horizon (None for a zero
        capacity); ``solar_full_load_hours_per_year``, ``wind_full_load_hours_per_year`` [h/a], the
        capacity factor x :data:`HOURS_PER_YEAR`, as provincial utilisation hours are quoted (a
        multi-year file gives its mean year, not the sum); ``weather_notes``: what was corrected or
        calibrated in the weather (``WeatherData.notes``).
    """
    solar_mw = _check_capacity("solar_mw", solar_mw)
    wind_mw = _check_capacity("wind_mw", wind_mw)
    step_hours = check_weather(weather) / pd.Timedelta(hours=1)
    if not output.index.equals(weather.data.index):
        raise WeatherInputError("output.index: expected the weather's index, got a different one; pass the "
                                "park_output of this weather")
    hours = len(output) * step_hours
    park = wind_park if wind_park is not None else WindPark(nameplate_kw=KW_PER_MW)
    solar_kwh = float(output["solar_kw"].sum() * step_hours)
    wind_kwh = float(output["wind_kw"].sum() * step_hours)
    solar_cf = _capacity_factor(solar_kwh, solar_mw, hours)
    wind_cf = _capacity_factor(wind_kwh, wind_mw, hours)
    return {
        "hours": hours,
        "ghi_kwh_m2": float(weather.data["ghi"].clip(lower=0.0).sum() * step_hours / 1000.0),
        "temp_air_mean_c": float(weather.data["temp_air"].mean()),
        "wind_speed_hub_mean_ms": float(hub_wind_speed_ms(weather, park).mean()),
        "hub_height_m": park.hub_height_m,
        "solar_mw": solar_mw,
        "wind_mw": wind_mw,
        "solar_energy_mwh": solar_kwh / KW_PER_MW,
        "wind_energy_mwh": wind_kwh / KW_PER_MW,
        "solar_capacity_factor": solar_cf,
        "wind_capacity_factor": wind_cf,
        "solar_full_load_hours": None if solar_cf is None else solar_cf * hours,
        "wind_full_load_hours": None if wind_cf is None else wind_cf * hours,
        "solar_full_load_hours_per_year": None if solar_cf is None else solar_cf * HOURS_PER_YEAR,
        "wind_full_load_hours_per_year": None if wind_cf is None else wind_cf * HOURS_PER_YEAR,
        "weather_notes": list(weather.notes),
    }
