"""Corrections of measured radiation: time lag against the sun and zero-GHI gap days.

The CSWD typical-year files run late against the sun: the GHI of clear days is centred 26-33 min after
the extraterrestrial irradiance at ten of the twelve hub stations, 64 min at Yinchuan and 72 min at
Guiyang (:data:`CSWD_LAGS_MIN`, measured by :func:`radiation_lag_minutes`; the same estimate gives
-0.7 min on pvlib's TMY3 test file ``723170TYA.CSV``, whose labels are right). Left in, the lag moves
PV energy into the evening peak-tariff window (at Yinchuan 9.9% of a fixed-tilt park's energy falls in
17-23 h uncorrected, 3.7% corrected) and clips DNI at the extraterrestrial limit. Some files also
hold whole days of zero GHI while the sun is up: gaps of the source, not overcast days (a dark overcast
day still gives 5-15% of the extraterrestrial irradiation as diffuse light).

Method (lag)
------------
For every day (local mean solar time) the irradiance-weighted centre of the day, sum(t E) / sum(E),
is computed for the measured GHI and for the extraterrestrial horizontal irradiance E0 cos(zenith)
(interval means); on clear days (daily clearness index kt in the top fifth of the year's days, and at least
0.45) the two centres coincide when the time labels are right, because a clear-sky GHI profile is
symmetric about solar noon like E0 cos(zenith). The lag is the median difference over those days [min].

:func:`shift_radiation` moves GHI, DNI and DHI earlier by the lag, linearly interpolating between the
neighbouring intervals (a fractional shift, so a 35 min lag is not rounded to an hour); the energy of the
year is kept to within the few Wh/m2 of the first/last interval.

Method (gap days)
-----------------
A gap day is a local day with zero GHI in every interval while the extraterrestrial irradiation is
positive. :func:`fill_gap_days` replaces it by the hour-by-hour mean of the nearest non-gap day before and
after it (a day of the same season and cloud climate), and the filled days are named in the notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

IRRADIANCE_COLUMNS = ("ghi", "dni", "dhi")
#: ASSUMPTION: a lag below this [min] is left alone: the clear-day estimate scatters by a few minutes
#: (it gives -0.7 min on pvlib's TMY3 file ``723170TYA.CSV``, whose labels are right).
LAG_TOLERANCE_MIN = 10.0
#: ASSUMPTION: fewest clear days for a lag estimate; shorter or cloudier records get no estimate.
MIN_CLEAR_DAYS = 5
#: ASSUMPTION: clear days are the top fifth of days by daily clearness index, and at least kt 0.45.
CLEAR_DAY_QUANTILE = 0.8
CLEAR_DAY_MIN_KT = 0.45

#: Radiation lag [min] of each CSWD file in ../shared/weather/epw, measured by
#: :func:`radiation_lag_minutes` on the files as read (issue 11; tests/weather/test_corrections.py
#: re-measures them). Positive: the file runs late against the sun.
CSWD_LAGS_MIN = {
    "CHN_Beijing.Beijing.545110_CSWD.epw": 26,
    "CHN_Chongqing.Chongqing.Shapingba.575160_CSWD.epw": 32,
    "CHN_Gansu.Xifengzhen.539230_CSWD.epw": 30,
    "CHN_Guangdong.Guangzhou.592870_CSWD.epw": 31,
    "CHN_Guangdong.Shaoguan.590820_CSWD.epw": 28,
    "CHN_Guizhou.Guiyang.578160_CSWD.epw": 72,
    "CHN_Hebei.Huailai.544050_CSWD.epw": 30,
    "CHN_Hebei.Zhangbei.533990_CSWD.epw": 33,
    "CHN_Nei.Mongol.Hohhot.534630_CSWD.epw": 30,
    "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw": 64,
    "CHN_Shanghai.Shanghai.583620_CSWD.epw": 32,
    "CHN_Sichuan.Chengdu.562940_CSWD.epw": 32,
}


#: GHI may exceed the interval's mean extraterrestrial horizontal irradiance by at most this factor plus
#: the allowance (cloud enhancement); the same limit as weather.frame's check.
GHI_EXTRATERRESTRIAL_FACTOR = 1.5
GHI_EXTRATERRESTRIAL_ALLOWANCE_W_M2 = 50.0


def extraterrestrial_horizontal_mean(index: pd.DatetimeIndex, latitude: float, longitude: float,
                                     points: int = 6) -> np.ndarray:
    """Mean extraterrestrial horizontal irradiance over each interval [W/m2].

    E0 cos(zenith) (E0, declination and equation of time by Spencer 1971, the analytical zenith of
    Iqbal 1983, all via pvlib; within a few tenths of a degree of the SPA) averaged over ``points``
    equally spaced instants inside each interval, so the sunrise and sunset intervals get their partial
    sun rather than the value at one instant.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Regular tz-aware index labelling interval starts.
    latitude, longitude : float
        Site position [deg north, deg east].
    points : int
        Instants per interval.

    Returns
    -------
    numpy.ndarray
        Interval-mean extraterrestrial horizontal irradiance [W/m2].
    """
    step = pd.Timedelta(index.freq) if index.freq is not None else index[1] - index[0]
    offsets = [step * (k + 0.5) / points for k in range(points)]
    times = (index + offsets[0]).append([index + offset for offset in offsets[1:]])
    day_of_year = times.day_of_year.to_numpy()
    declination = pvlib.solarposition.declination_spencer71(day_of_year)
    hour_angle = pvlib.solarposition.hour_angle(
        times, longitude, pvlib.solarposition.equation_of_time_spencer71(day_of_year))
    zenith = pvlib.solarposition.solar_zenith_analytical(np.radians(latitude), np.radians(hour_angle),
                                                         declination)
    cos_zenith = np.clip(np.cos(zenith), 0.0, None).reshape(points, len(index))
    extra_normal = np.asarray(pvlib.irradiance.get_extra_radiation(index.day_of_year.to_numpy()), dtype=float)
    return extra_normal * cos_zenith.mean(axis=0)


def _clip_to_extraterrestrial(data: pd.DataFrame, latitude: float, longitude: float
                              ) -> tuple[pd.DataFrame, int]:
    """Cap GHI (and DHI, DNI with it) at the extraterrestrial limit; the number of intervals capped."""
    limit = (GHI_EXTRATERRESTRIAL_FACTOR * extraterrestrial_horizontal_mean(data.index, latitude, longitude)
             + GHI_EXTRATERRESTRIAL_ALLOWANCE_W_M2)
    ghi = data["ghi"].to_numpy(dtype=float)
    over = ghi > limit
    if not over.any():
        return data, 0
    scale = np.where(over, limit / np.maximum(ghi, 1e-9), 1.0)
    capped = data.copy()
    for name in IRRADIANCE_COLUMNS:
        capped[name] = data[name].to_numpy(dtype=float) * scale
    return capped, int(over.sum())


def _solar_days(index: pd.DatetimeIndex, longitude: float) -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex]:
    """Day number, hour of the day [h] at interval mid-points, and the dates, in local mean solar time.

    Mean solar time (UTC + longitude / 15 h) keeps every day's sun inside one day wherever the site is.
    """
    step = pd.Timedelta(index.freq) if index.freq is not None else index[1] - index[0]
    solar = (index + step / 2).tz_convert(None) + pd.Timedelta(hours=longitude / 15.0)
    dates, day = np.unique(solar.normalize(), return_inverse=True)
    hours = (solar - solar.normalize()).total_seconds().to_numpy() / 3600.0
    return day, hours, pd.DatetimeIndex(dates)


def _daily_sums(data: pd.DataFrame, latitude: float, longitude: float) -> dict[str, np.ndarray]:
    """Per solar day: GHI and extraterrestrial sums [Wh/m2 per step] and their time centres [h]."""
    extra = extraterrestrial_horizontal_mean(data.index, latitude, longitude)
    day, hours, _ = _solar_days(data.index, longitude)
    ghi = data["ghi"].to_numpy(dtype=float)
    ghi_sum = np.bincount(day, ghi)
    extra_sum = np.bincount(day, extra)
    return {
        "day": day, "ghi": ghi_sum, "extra": extra_sum,
        "ghi_centre": np.bincount(day, ghi * hours) / np.maximum(ghi_sum, 1e-9),
        "extra_centre": np.bincount(day, extra * hours) / np.maximum(extra_sum, 1e-9),
    }


def radiation_lag_minutes(data: pd.DataFrame, latitude: float, longitude: float) -> float | None:
    """Time lag of measured GHI behind the sun, from clear days [min].

    Parameters
    ----------
    data : pandas.DataFrame
        Weather with ``ghi`` [W/m2] on a regular tz-aware index labelling interval starts.
    latitude, longitude : float
        Site position [deg north, deg east].

    Returns
    -------
    float or None
        Median over clear days of (GHI time centre - extraterrestrial time centre) [min]; positive when
        the data run late. None when fewer than ``MIN_CLEAR_DAYS`` clear days exist.
    """
    sums = _daily_sums(data, latitude, longitude)
    lit = (sums["extra"] > 0) & (sums["ghi"] > 0)
    if lit.sum() < MIN_CLEAR_DAYS:
        return None
    kt = sums["ghi"] / np.maximum(sums["extra"], 1e-9)
    clear = lit & (kt >= max(np.quantile(kt[lit], CLEAR_DAY_QUANTILE), CLEAR_DAY_MIN_KT))
    if clear.sum() < MIN_CLEAR_DAYS:
        return None
    return float(np.median(sums["ghi_centre"][clear] - sums["extra_centre"][clear]) * 60.0)


def shift_radiation(data: pd.DataFrame, lag_minutes: float) -> pd.DataFrame:
    """Move GHI, DNI and DHI earlier by ``lag_minutes`` (linear interpolation between intervals).

    Parameters
    ----------
    data : pandas.DataFrame
        Weather with ``ghi``, ``dni``, ``dhi`` [W/m2] on a regular index.
    lag_minutes : float
        Lag to remove [min]; the corrected value at t is the measured value at t + lag.

    Returns
    -------
    pandas.DataFrame
        A copy with the irradiance columns shifted [W/m2]; the record's last intervals, which would need
        values beyond its end, repeat the first ones (a typical year wraps round).
    """
    step_min = (data.index[1] - data.index[0]).total_seconds() / 60.0
    steps = lag_minutes / step_min
    whole = int(np.floor(steps))
    fraction = steps - whole
    shifted = data.copy()
    for name in IRRADIANCE_COLUMNS:
        values = data[name].to_numpy(dtype=float)
        shifted[name] = ((1.0 - fraction) * np.roll(values, -whole) + fraction * np.roll(values, -whole - 1))
    return shifted


def gap_days(data: pd.DataFrame, latitude: float, longitude: float) -> list[pd.Timestamp]:
    """Days with zero GHI throughout while the sun is up (gaps of the source).

    Parameters
    ----------
    data : pandas.DataFrame
        Weather with ``ghi`` [W/m2] on a regular tz-aware index.
    latitude, longitude : float
        Site position [deg north, deg east].

    Returns
    -------
    list of pandas.Timestamp
        The dates (local mean solar time, naive) of the gap days, in order.
    """
    sums = _daily_sums(data, latitude, longitude)
    _, _, dates = _solar_days(data.index, longitude)
    gaps = np.flatnonzero((sums["ghi"] <= 0.0) & (sums["extra"] > 0.0))
    return [dates[int(i)] for i in gaps]


def fill_gap_days(data: pd.DataFrame, latitude: float, longitude: float
                  ) -> tuple[pd.DataFrame, list[pd.Timestamp]]:
    """Fill each gap day by the interval-by-interval mean of the nearest non-gap days before and after it.

    Parameters
    ----------
    data : pandas.DataFrame
        Weather with ``ghi``, ``dni``, ``dhi`` [W/m2] on a regular tz-aware index.
    latitude, longitude : float
        Site position [deg north, deg east].

    Returns
    -------
    (pandas.DataFrame, list of pandas.Timestamp)
        A copy with the gap days filled [W/m2], and the (solar) dates filled.
    """
    gaps = gap_days(data, latitude, longitude)
    if not gaps:
        return data, []
    day, _, dates = _solar_days(data.index, longitude)
    gap_numbers = {int(dates.get_loc(date)) for date in gaps}
    filled = data.copy()
    for number in sorted(gap_numbers):
        rows = np.flatnonzero(day == number)
        neighbours = [_nearest_valid(day, gap_numbers, number, sign, len(rows)) for sign in (-1, 1)]
        neighbours = [found for found in neighbours if found is not None]
        for name in IRRADIANCE_COLUMNS if neighbours else ():
            values = np.mean([data[name].to_numpy(dtype=float)[found] for found in neighbours], axis=0)
            filled.iloc[rows, filled.columns.get_loc(name)] = values
    return filled, gaps


def _nearest_valid(day: np.ndarray, gaps: set[int], number: int, sign: int, length: int) -> np.ndarray | None:
    """Row positions of the nearest non-gap day with ``length`` intervals in direction ``sign``."""
    for offset in range(1, 8):
        candidate = number + sign * offset
        rows = np.flatnonzero(day == candidate)
        if candidate not in gaps and len(rows) == length:
            return rows
    return None


def correct_radiation(data: pd.DataFrame, latitude: float, longitude: float
                      ) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Remove a radiation time lag and fill zero-GHI gap days, saying what was done.

    Parameters
    ----------
    data : pandas.DataFrame
        Weather with ``ghi``, ``dni``, ``dhi`` [W/m2] on a regular tz-aware index.
    latitude, longitude : float
        Site position [deg north, deg east].

    Returns
    -------
    (pandas.DataFrame, tuple of str)
        The corrected copy and one note per correction (empty when nothing was changed).
    """
    notes: list[str] = []
    lag = radiation_lag_minutes(data, latitude, longitude)
    if lag is not None and abs(lag) >= LAG_TOLERANCE_MIN:
        data = shift_radiation(data, lag)
        notes.append(f"radiation lag: GHI ran {lag:.0f} min late against the sun on clear days; "
                     f"irradiance shifted {lag:.0f} min earlier")
        data, capped = _clip_to_extraterrestrial(data, latitude, longitude)
        if capped:
            notes.append(f"extraterrestrial limit: {capped} intervals above 1.5 x extraterrestrial + 50 W/m2 "
                         "after the shift scaled down to it")
    data, gaps = fill_gap_days(data, latitude, longitude)
    if gaps:
        notes.append(f"gap days: {len(gaps)} days of zero GHI with the sun up filled from the neighbouring "
                     f"days ({', '.join(day.strftime('%m-%d') for day in gaps)})")
    return data, tuple(notes)
