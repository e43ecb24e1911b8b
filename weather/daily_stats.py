"""Daily statistics of a weather record: dark days, their spells and persistence, the worst week, DTR.

One definition, used to fit the synthetic generator to the CSWD files (:mod:`weather.daily_climate`)
and to test it against them (tests/weather/test_daily_climate.py). Days are local calendar days
(Asia/Shanghai, the CSWD files' standard time), 24 hourly intervals each.

- ``kt``: daily clearness index, daily GHI over the daily extraterrestrial horizontal irradiation [-]
  (:func:`weather.corrections.extraterrestrial_horizontal_mean`).
- ``dark_share``: share of days with ``kt < DARK_KT`` [-].
- ``kt_spread``: standard deviation of the daily kt about its month's mean [-].
- ``kt_lag1``: lag-1 (day-to-day) autocorrelation of those monthly anomalies of kt [-].
- ``worst_week_kwh_m2``: the smallest GHI of 7 consecutive days [kWh/m2] (within each calendar year).
- ``longest_dark_spell_days``: the longest run of consecutive dark days [d].
- ``dark_calm_share``: share of days both dark and calm [-]; a calm day's mean wind speed is in the
  lowest quarter of the record's daily means (a rank, so 10 m station and 100 m hub winds compare).
- ``dtr_c``: mean daily temperature range (daily maximum minus minimum of the hourly values) [degC].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from weather.calendar import weather_interval
from weather.corrections import extraterrestrial_horizontal_mean
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
    if weather_interval(data) != pd.Timedelta(hours=1) or len(data) % 24:
        raise WeatherInputError(f"{weather.source}: interval: expected an hourly record of whole days, got "
                                f"{len(data)} rows; pass hourly weather")
    local = data.index.tz_convert(TIMEZONE)
    extra = extraterrestrial_horizontal_mean(data.index, weather.latitude, weather.longitude)
    dates = local.normalize()
    frame = pd.DataFrame({"ghi": data["ghi"].to_numpy(float), "extra": extra,
                          "wind": data["wind_speed"].to_numpy(float),
                          "temp": data["temp_air"].to_numpy(float)}, index=dates)
    days = frame.groupby(level=0)
    daily = pd.DataFrame({"ghi_kwh_m2": days["ghi"].sum() / 1000.0,
                          "kt": days["ghi"].sum() / days["extra"].sum(),
                          "wind_ms": days["wind"].mean(),
                          "dtr_c": days["temp"].max() - days["temp"].min()})
    daily["month"] = daily.index.month
    daily["year"] = daily.index.year
    return daily


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
        ``dark_share`` [-], ``kt_spread`` [-], ``kt_lag1`` [-], ``worst_week_kwh_m2`` [kWh/m2],
        ``longest_dark_spell_days`` [d], ``dark_calm_share`` [-], ``dtr_c`` [degC].
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
        "worst_week_kwh_m2": float(np.nanmin(weeks)),
        "longest_dark_spell_days": float(_runs(dark).max(initial=0)),
        "dark_calm_share": float((dark & calm).mean()),
        "dtr_c": float(daily["dtr_c"].mean()),
    }
