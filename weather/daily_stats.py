"""Daily statistics of a weather record: dark days, their spells and persistence, the worst week, DTR.

One definition, used to fit the synthetic generator to the CSWD files (:mod:`weather.daily_climate`)
and to test it against them (tests/weather/test_daily_climate.py). Days are local calendar days
(Asia/Shanghai, the CSWD files' standard time), 24 hourly intervals each.

- ``kt``: daily clearness index, daily GHI over the daily extraterrestrial horizontal irradiation [-]
  (:func:`extraterrestrial_daily_wh`).
- ``dark_share``: share of days with ``kt < DARK_KT`` [-].
- ``kt_spread``: standard deviation of the daily kt about its month's mean [-].
- ``kt_lag1``: lag-1 (day-to-day) autocorrelation of those monthly anomalies of kt [-].
- ``worst_week_kwh_m2``: the smallest GHI of 7 consecutive days [kWh/m2] (within each calendar year).
- ``dark_persistence``: share of dark days followed by a dark day [-] (how dark days cluster).
- ``longest_dark_spell_days``: the longest run of consecutive dark days [d].
- ``dark_calm_share``: share of days both dark and calm [-]; a calm day's mean wind speed is in the
  lowest quarter of the record's daily means (a rank, so 10 m station and 100 m hub winds compare).
- ``dtr_c``: mean daily temperature range (daily maximum minus minimum of the hourly values) [degC].
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

from weather.calendar import weather_interval
from weather.errors import WeatherInputError
from weather.frame import WeatherData

DARK_KT = 0.3
"""Daily clearness index below which a day is dark [-] (issue 11's measure)."""
CALM_QUANTILE = 0.25
"""A calm day's mean wind speed is in this lowest fraction of the record's daily means [-]."""
TIMEZONE = "Asia/Shanghai"


def daily_frame(weather: WeatherData) -> pd.DataFrame:
    """One row per local day: GHI [kWh/m2], ``kt`` [-], mean wind [m/s], temperature range [degC], month.

    Parameters
    ----------
    weather : WeatherData
        An hourly record of whole local days.

    Returns
    -------
    pandas.DataFrame
        Columns ``ghi_kwh_m2``, ``kt``, ``wind_ms``, ``dtr_c``, ``month`` (1-12), ``year``, indexed by date.

    Raises
    ------
    WeatherInputError
        When the record is not hourly whole days.
    """
    data = weather.data
    starts_at_midnight = data.index[0].tz_convert(TIMEZONE).hour == 0 if len(data) else False
    if weather_interval(data) != pd.Timedelta(hours=1) or len(data) % 24 or not starts_at_midnight:
        raise WeatherInputError(f"{weather.source}: interval: expected an hourly record of whole local days "
                                f"from midnight, got {len(data)} rows; pass such a record")
    dates = pd.DatetimeIndex(data.index.tz_convert(TIMEZONE).tz_localize(None).normalize()[::24])
    hours = {name: data[name].to_numpy(float).reshape(-1, 24) for name in ("ghi", "wind_speed", "temp_air")}
    ghi_wh = hours["ghi"].sum(axis=1)
    daily = pd.DataFrame({"ghi_kwh_m2": ghi_wh / 1000.0,
                          "kt": ghi_wh / extraterrestrial_daily_wh(dates, weather.latitude),
                          "wind_ms": hours["wind_speed"].mean(axis=1),
                          "dtr_c": hours["temp_air"].max(axis=1) - hours["temp_air"].min(axis=1)},
                         index=dates)
    daily["month"] = dates.month
    daily["year"] = dates.year
    return daily


def extraterrestrial_daily_wh(dates: pd.DatetimeIndex, latitude: float) -> np.ndarray:
    """Daily extraterrestrial irradiation on a horizontal surface [Wh/m2].

    H0 = (24 / pi) E0 (cos(lat) cos(decl) sin(ws) + ws sin(lat) sin(decl)), ws the sunset hour angle
    (Duffie & Beckman 2013, Solar Engineering of Thermal Processes, eq. 1.10.3), with E0 and the
    declination of Spencer (1971) via pvlib. The whole sunlit day falls inside the local calendar day at
    the catalogue's longitudes (solar noon 12:00-13:05 China standard time).
    """
    day_of_year = dates.day_of_year.to_numpy()
    declination = pvlib.solarposition.declination_spencer71(day_of_year)
    lat = np.radians(latitude)
    sunset = np.arccos(np.clip(-np.tan(lat) * np.tan(declination), -1.0, 1.0))
    extra = np.asarray(pvlib.irradiance.get_extra_radiation(day_of_year), dtype=float)
    return 24.0 / np.pi * extra * (np.cos(lat) * np.cos(declination) * np.sin(sunset)
                                   + sunset * np.sin(lat) * np.sin(declination))


def _runs(flags: np.ndarray) -> np.ndarray:
    """Lengths of the runs of True in a boolean array."""
    edges = np.diff(np.r_[0, flags.astype(int), 0])
    return np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)


def daily_statistics(weather: WeatherData) -> dict[str, float]:
    """The daily statistics of the module docstring for a record (one or many years).

    Parameters
    ----------
    weather : WeatherData
        An hourly record of whole local days.

    Returns
    -------
    dict
        ``dark_share`` [-], ``kt_spread`` [-], ``kt_lag1`` [-], ``dark_persistence`` [-],
        ``worst_week_kwh_m2`` [kWh/m2], ``longest_dark_spell_days`` [d], ``dark_calm_share`` [-],
        ``dtr_c`` [degC].
    """
    daily = daily_frame(weather)
    kt = daily["kt"].to_numpy()
    month_key = daily["year"].to_numpy() * 12 + daily["month"].to_numpy()
    anomaly = kt - daily.groupby(month_key)["kt"].transform("mean").to_numpy()
    dark = kt < DARK_KT
    calm = daily["wind_ms"].rank(pct=True).to_numpy() <= CALM_QUANTILE
    weeks = [group.rolling(7).sum().min() for _, group in daily.groupby("year")["ghi_kwh_m2"]]
    return {
        "dark_share": float(dark.mean()),
        "kt_spread": float(anomaly.std()),
        "kt_lag1": float(np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1]),
        "dark_persistence": float((dark[:-1] & dark[1:]).sum() / max(dark[:-1].sum(), 1)),
        "worst_week_kwh_m2": float(np.nanmin(weeks)),
        "longest_dark_spell_days": float(_runs(dark).max(initial=0)),
        "dark_calm_share": float((dark & calm).mean()),
        "dtr_c": float(daily["dtr_c"].mean()),
    }
