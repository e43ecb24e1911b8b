"""The canonical weather frame shared by every reader, the typical-year generator and the parks.

A :class:`WeatherData` holds an hourly (or finer) frame with a regular, tz-aware UTC index that labels
the *start* of each interval, and the columns (units in brackets):

- ``ghi``, ``dni``, ``dhi``: global horizontal, direct normal, diffuse horizontal irradiance [W/m2],
  mean over the interval;
- ``temp_air``: air temperature at 2 m [degC];
- ``wind_speed``: wind speed [m/s] at ``wind_height_m`` above ground;
- ``pressure``: air pressure at the site [Pa];
- optional ``albedo`` [-] (only when the source has a valid one).

Besides the dataclass, this module holds the checks and repairs every source shares:

- :func:`validate_weather` is the one gate every reader (and the typical-year generator, the forecast
  readers) passes its frame through. It raises :class:`~weather.errors.WeatherInputError` naming the
  field, what was expected, what was given and the fix, and repairs only what is safe, with a
  :class:`WeatherRepairWarning` saying what it changed.
- :func:`pressure_from_elevation` and :func:`fill_missing_pressure`: the barometric formula of the
  standard atmosphere for sources without a usable pressure.
- :func:`close_irradiance`: makes DNI consistent with GHI and DHI (GHI = DNI cos(zenith) + DHI).
- :func:`keep_valid_albedo`: drops an albedo column holding missing-value codes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from weather.corrections import extraterrestrial_horizontal_mean, radiation_lag_minutes
from weather.errors import WeatherInputError

#: 0 degC in Kelvin [K] (SI definition): ``temp_air`` is in degC, files and windpowerlib use Kelvin.
ZERO_CELSIUS_K = 273.15
REQUIRED_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure")
OPTIONAL_COLUMNS = ("albedo",)
IRRADIANCE_COLUMNS = ("ghi", "dni", "dhi")

#: Largest irradiance accepted in any component [W/m2]. The solar constant is 1361 W/m2 (Kopp & Lean
#: 2011, doi:10.1029/2010GL045777) and the extraterrestrial normal irradiance peaks near 1410 W/m2 in
#: January; 1500 W/m2 leaves room for cloud-edge enhancement of short-interval data.
IRRADIANCE_LIMIT_W_M2 = 1500.0
#: GHI may exceed the extraterrestrial horizontal irradiance by at most this factor (cloud enhancement).
GHI_EXTRATERRESTRIAL_FACTOR = 1.5
#: ASSUMPTION: allowance [W/m2] added to 1.5 x the interval's own extraterrestrial horizontal irradiance
#: for hourly means at low sun (cloud enhancement, the sunrise/sunset hour's curvature).
GHI_EXTRATERRESTRIAL_ALLOWANCE_W_M2 = 50.0
#: ASSUMPTION: a clear-day radiation lag beyond this [min] is an error of the time labels (see
#: weather.corrections): the CSWD files run 26-72 min late before correction, pvlib's TMY3 file -0.7 min.
RADIATION_LAG_LIMIT_MIN = 20.0
#: ASSUMPTION: small negative irradiance (sensor night offsets) down to this value [W/m2] is set to 0
#: with a warning; anything more negative is an error.
NEGATIVE_IRRADIANCE_TOLERANCE_W_M2 = -10.0
#: Plausible air temperature near the ground [degC]: the lowest and highest reliably measured values are
#: -89.2 degC (Vostok, 1983) and 56.7 degC (Death Valley, 1913) (WMO Weather and Climate Extremes
#: Archive); a bit of margin either side.
TEMPERATURE_RANGE_C = (-90.0, 60.0)
#: A mean air temperature above this [degC] is taken as Kelvin given where Celsius is expected.
KELVIN_MEAN_THRESHOLD = 200.0
#: ASSUMPTION: plausible surface pressure [Pa]: from a 7000 m site (~41 kPa in the standard atmosphere)
#: to the highest recorded sea-level pressure (108.4 kPa, Agata 1968, WMO archive), with margin.
PRESSURE_RANGE_PA = (30_000.0, 110_000.0)
#: ASSUMPTION: wind speeds [m/s] above this are not a mean wind at a weather station (the highest
#: WMO-recorded gust is 113 m/s; mean winds stay far below).
WIND_SPEED_LIMIT_M_S = 100.0
#: ASSUMPTION: a mean wind above this [m/s] for :data:`SUSTAINED_WIND_HOURS` in a row is not a weather
#: record but a unit slip or a fill code (12-Beaufort hurricane force starts at 32.7 m/s, and a typhoon's
#: core passes a station within hours).
SUSTAINED_WIND_LIMIT_M_S = 40.0
SUSTAINED_WIND_HOURS = 24.0
#: ASSUMPTION: the clear-sky check. An hour is "above clear sky" when its GHI exceeds
#: CLEAR_SKY_FACTOR x the Ineichen-Perez clear-sky GHI (pvlib, Linke turbidity climatology, at the middle
#: of the interval, the site altitude from the median pressure) + CLEAR_SKY_ALLOWANCE_W_M2 (cloud-edge
#: enhancement, clear days cleaner than the climatology). A file is refused when more than
#: CLEAR_SKY_SHARE of its daylight intervals (clear-sky GHI > 0), and at least CLEAR_SKY_MIN_HOURS, are
#: above: that is a scale slip (W/m2 x 1.5, a wrong calibration) or a time shift, not weather. Measured
#: on the twelve corrected CSWD files: 0.1-3.2 % of daylight hours above (Guangzhou 3.2 %, Shaoguan 3.1 %,
#: Beijing 2.1 %); the same files with GHI x 1.5 give 7.6-50 %, shifted by one hour 5.4-21 %.
CLEAR_SKY_FACTOR = 1.1
CLEAR_SKY_ALLOWANCE_W_M2 = 50.0
CLEAR_SKY_SHARE = 0.05
CLEAR_SKY_MIN_HOURS = 24.0
#: ASSUMPTION: no beam irradiance is derived for solar zenith angles beyond this [deg]: there 1/cos(zenith)
#: amplifies small GHI-DHI differences and label errors into unphysical DNI.
ZENITH_CAP_DEG = 87.0


class WeatherRepairWarning(UserWarning):
    """A weather source was repaired in a documented, safe way; the message says what was changed."""


@dataclass(frozen=True)
class WeatherData:
    """Weather at one site in the canonical frame, with the metadata the parks need.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical columns (see module docstring) on a regular tz-aware UTC index.
    latitude, longitude : float
        Site position [deg north, deg east].
    elevation_m : float
        Site elevation above sea level [m].
    wind_height_m : float
        Height above ground of ``wind_speed`` [m].
    source : str
        Where the data came from (file path, "typical year <hub> seed <n>", ...).
    notes : tuple of str
        What was corrected or calibrated on the way in (radiation lag, gap days, wind calibration), one
        sentence each; the outputs carry them.
    """

    data: pd.DataFrame
    latitude: float
    longitude: float
    elevation_m: float
    wind_height_m: float
    source: str
    notes: tuple[str, ...] = ()

    @property
    def step_hours(self) -> float:
        """Length of one interval of ``data`` [h] (energy = power x ``step_hours``)."""
        index = self.data.index
        step = pd.Timedelta(index.freq) if index.freq is not None else index[1] - index[0]
        return step.total_seconds() / 3600.0


def _error(source: str, field: str, expected: str, got: str, fix: str) -> WeatherInputError:
    return WeatherInputError(f"{source}: {field}: expected {expected}; got {got}. Fix: {fix}")


def validate_weather(data: pd.DataFrame, *, source: str, latitude: float | None = None,
                     longitude: float | None = None) -> pd.DataFrame:
    """Check a weather frame against the canonical contract and return it normalised.

    Checks, each raising :class:`~weather.errors.WeatherInputError` that names the field, what was
    expected, what was given and the fix:

    - at least two rows; every column of ``REQUIRED_COLUMNS``;
    - a tz-aware :class:`pandas.DatetimeIndex` (naive timestamps are an error, never a guess), no
      duplicated timestamps, increasing, one regular step (no gaps);
    - numeric cells, no missing values;
    - ``temp_air`` in degC (a mean above 200 is Kelvin: convert, e.g. ``temperature_unit="K"``) and
      within the measured extremes; ``pressure`` in Pa within 30-110 kPa (hPa is recognised and named);
      ``wind_speed`` within 0-100 m/s; ``albedo`` (optional) within 0-1;
    - irradiance within 0-1500 W/m2 and, when ``latitude`` and ``longitude`` are given, GHI at most
      1.5 x the extraterrestrial horizontal irradiance of its own interval plus 50 W/m2, and the GHI of
      clear days centred on the sun within 20 min (:func:`weather.corrections.radiation_lag_minutes`;
      a lag is reported, never hidden: the EPW reader corrects it before this check); refused when
      more than 5 % of the daylight intervals, and at least 24 h, have GHI above 1.1 x the Ineichen
      clear-sky GHI + 50 W/m2 (:data:`CLEAR_SKY_FACTOR` and the constants after it).

    The one repair: irradiance between -10 and 0 W/m2 (sensor night offsets) is set to 0, with a
    :class:`WeatherRepairWarning` giving the count.

    Parameters
    ----------
    data : pandas.DataFrame
        Weather in canonical column names and units, index labelling interval starts.
    source : str
        Name of the source, quoted in every message (e.g. the file path).
    latitude, longitude : float, optional
        Site position [deg north, deg east]; enables the extraterrestrial check of GHI.

    Returns
    -------
    pandas.DataFrame
        ``REQUIRED_COLUMNS`` (plus ``albedo`` when present) as float64, on a UTC index with its ``freq``
        set. Other columns are dropped.

    Raises
    ------
    WeatherInputError
        On any failed check.
    """
    if not isinstance(data, pd.DataFrame) or len(data) < 2:
        rows = len(data) if isinstance(data, pd.DataFrame) else type(data).__name__
        raise _error(source, "rows", "at least 2 rows of weather data", f"{rows}",
                     "check that the file is complete and not empty")
    missing = [name for name in REQUIRED_COLUMNS if name not in data.columns]
    if missing:
        raise _error(source, "columns", f"the columns {list(REQUIRED_COLUMNS)}",
                     f"no {missing} among {list(map(str, data.columns))}",
                     "rename the source columns to the canonical names (CSV: pass column_map)")
    index = _checked_index(data.index, source)
    columns = [*REQUIRED_COLUMNS, *(name for name in OPTIONAL_COLUMNS if name in data.columns)]
    frame = pd.DataFrame({name: _numeric(data[name], name, source) for name in columns})
    frame.index = index
    _check_missing(frame, source)
    _check_ranges(frame, source)
    frame = _clip_small_negative_irradiance(frame, source)
    if latitude is not None and longitude is not None:
        _check_extraterrestrial(frame, latitude, longitude, source)
        _check_clear_sky(frame, latitude, longitude, source)
    return frame


def _checked_index(index: pd.Index, source: str) -> pd.DatetimeIndex:
    if not isinstance(index, pd.DatetimeIndex):
        raise _error(source, "index", "a pandas DatetimeIndex of interval starts",
                     f"a {type(index).__name__}", "parse the time column into timestamps")
    if index.tz is None:
        raise _error(source, "index", "tz-aware timestamps", f"naive timestamps starting {index[0]}",
                     "declare the time zone (an IANA name such as 'Asia/Shanghai', or 'UTC') or give "
                     "ISO 8601 offsets")
    index = index.tz_convert("UTC")
    duplicated = index[index.duplicated()]
    if len(duplicated):
        raise _error(source, "index", "unique timestamps",
                     f"{len(duplicated)} duplicated, first {duplicated[0].isoformat()}",
                     "remove the repeated rows (a DST fall-back hour in local time is a common cause: "
                     "declare the zone or use UTC)")
    if not index.is_monotonic_increasing:
        position = int(np.flatnonzero(np.diff(index.asi8) < 0)[0]) + 1
        raise _error(source, "index", "increasing timestamps",
                     f"{index[position].isoformat()} after {index[position - 1].isoformat()}",
                     "sort the rows by time")
    steps = np.diff(index.asi8)
    step = pd.Timedelta(int(np.min(steps)), unit=index.unit)
    irregular = np.flatnonzero(steps != steps.min())
    if len(irregular):
        position = int(irregular[0])
        raise _error(source, "index", f"one regular step of {step}",
                     f"{len(irregular)} irregular steps, first from {index[position].isoformat()} to "
                     f"{index[position + 1].isoformat()}",
                     "fill the gap with measured data or resample the source to a regular step")
    return pd.DatetimeIndex(index, freq=step)


def _numeric(column: pd.Series, name: str, source: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        converted = pd.to_numeric(column, errors="coerce")
        bad = column.notna() & converted.isna()
        if bad.any():
            where = column.index[bad.to_numpy()][0]
            label = where.isoformat() if isinstance(where, pd.Timestamp) else where
            raise _error(source, name, "numbers", f"{int(bad.sum())} non-numeric cells, first "
                         f"{column[bad].iloc[0]!r} at {label}",
                         f"correct the cells of {name} (decimal point '.', no units in cells)")
        column = converted
    return column.to_numpy(dtype=float)


def _check_missing(frame: pd.DataFrame, source: str) -> None:
    for name in frame.columns:
        missing = frame[name].isna().to_numpy()
        if missing.any():
            raise _error(source, name, "a value in every interval",
                         f"{int(missing.sum())} missing, first at {frame.index[missing][0].isoformat()}",
                         f"fill {name} from another source or cut the period to complete data")


def _check_ranges(frame: pd.DataFrame, source: str) -> None:
    temp_mean = float(frame["temp_air"].mean())
    if temp_mean > KELVIN_MEAN_THRESHOLD:
        raise _error(source, "temp_air", "air temperature in degC", f"a mean of {temp_mean:.1f}, which is "
                     "Kelvin", 'convert to degC (CSV reader: temperature_unit="K")')
    _check_within(frame, "temp_air", *TEMPERATURE_RANGE_C, "degC", source,
                  "correct the outliers or the unit of temp_air")
    pressure_mean = float(frame["pressure"].mean())
    if 300.0 <= pressure_mean <= 1100.0:
        raise _error(source, "pressure", "air pressure in Pa", f"a mean of {pressure_mean:.1f}, which is hPa",
                     'multiply by 100 (CSV reader: pressure_unit="hPa")')
    _check_within(frame, "pressure", *PRESSURE_RANGE_PA, "Pa", source,
                  "correct the unit of pressure or drop the column to use the barometric formula")
    _check_within(frame, "wind_speed", 0.0, WIND_SPEED_LIMIT_M_S, "m/s", source,
                  "convert wind_speed to m/s (knots x 0.514, km/h / 3.6) and remove missing-value codes")
    _check_sustained_wind(frame, source)
    for name in IRRADIANCE_COLUMNS:
        _check_within(frame, name, NEGATIVE_IRRADIANCE_TOLERANCE_W_M2, IRRADIANCE_LIMIT_W_M2, "W/m2", source,
                      f"give {name} as a mean power in W/m2 (not Wh/m2 or J/m2 per interval) and remove "
                      "missing-value codes")
    if "albedo" in frame:
        _check_within(frame, "albedo", 0.0, 1.0, "-", source,
                      "drop the albedo column or remove its missing-value codes (e.g. EPW 999)")


def _check_sustained_wind(frame: pd.DataFrame, source: str) -> None:
    """Refuse :data:`SUSTAINED_WIND_HOURS` in a row above :data:`SUSTAINED_WIND_LIMIT_M_S`."""
    step_hours = pd.Timedelta(frame.index.freq or "1h") / pd.Timedelta(hours=1)
    run = max(1, round(SUSTAINED_WIND_HOURS / step_hours))
    above = (frame["wind_speed"].to_numpy() > SUSTAINED_WIND_LIMIT_M_S).astype(int)
    if len(above) < run:
        return
    starts = np.flatnonzero(np.convolve(above, np.ones(run, dtype=int), mode="valid") == run)
    if starts.size:
        raise _error(source, "wind_speed", f"a mean wind below {SUSTAINED_WIND_LIMIT_M_S:g} m/s at least "
                     f"once in every {SUSTAINED_WIND_HOURS:g} h", f"{SUSTAINED_WIND_HOURS:g} h above it "
                     f"from {frame.index[int(starts[0])].isoformat()}",
                     "convert wind_speed to m/s (knots x 0.514, km/h / 3.6) and remove fill codes")


def _check_within(frame: pd.DataFrame, name: str, low: float, high: float, unit: str, source: str,
                  fix: str) -> None:
    values = frame[name].to_numpy()
    outside = (values < low) | (values > high)
    if outside.any():
        first = int(np.flatnonzero(outside)[0])
        raise _error(source, name, f"values within {low:g}..{high:g} {unit}",
                     f"{int(outside.sum())} outside, first {values[first]:g} at "
                     f"{frame.index[first].isoformat()}", fix)


def _clip_small_negative_irradiance(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    columns = list(IRRADIANCE_COLUMNS)
    negative = frame[columns].to_numpy() < 0
    if negative.any():
        warnings.warn(f"{source}: set {int(negative.sum())} small negative irradiance values "
                      f"(>= {NEGATIVE_IRRADIANCE_TOLERANCE_W_M2:g} W/m2, sensor offsets) to 0",
                      WeatherRepairWarning, stacklevel=3)
        frame = frame.copy()
        frame[columns] = frame[columns].clip(lower=0.0)
    return frame


def _mid_interval_position(index: pd.DatetimeIndex, latitude: float, longitude: float) -> pd.DataFrame:
    """Solar position at the middle of each interval (the index labels interval starts)."""
    middle = index + pd.Timedelta(index.freq) / 2
    return pvlib.solarposition.get_solarposition(middle, latitude, longitude, method="nrel_numpy")


def _extraterrestrial_normal(index: pd.DatetimeIndex) -> np.ndarray:
    """Extraterrestrial normal irradiance E0 on each day of ``index`` [W/m2] (Spencer 1971, via pvlib)."""
    return np.asarray(pvlib.irradiance.get_extra_radiation(index.day_of_year.to_numpy()), dtype=float)


def _check_extraterrestrial(frame: pd.DataFrame, latitude: float, longitude: float, source: str) -> None:
    horizontal = extraterrestrial_horizontal_mean(frame.index, latitude, longitude)
    limit = GHI_EXTRATERRESTRIAL_FACTOR * horizontal + GHI_EXTRATERRESTRIAL_ALLOWANCE_W_M2
    ghi = frame["ghi"].to_numpy()
    over = ghi > limit
    if over.any():
        first = int(np.flatnonzero(over)[0])
        raise _error(source, "ghi", f"at most {GHI_EXTRATERRESTRIAL_FACTOR:g} x extraterrestrial horizontal "
                     "irradiance", f"{int(over.sum())} intervals above, first {ghi[first]:g} W/m2 where the "
                     f"limit is {limit[first]:.0f} W/m2 at {frame.index[first].isoformat()}",
                     "check the time zone and the interval label (start vs end) of the timestamps, the "
                     "site latitude/longitude, and the irradiance unit")
    lag = radiation_lag_minutes(frame, latitude, longitude)
    if lag is not None and abs(lag) > RADIATION_LAG_LIMIT_MIN:
        raise _error(source, "ghi",
                     f"clear-day GHI centred on the sun within {RADIATION_LAG_LIMIT_MIN:g} min",
                     f"GHI {abs(lag):.0f} min {'late' if lag > 0 else 'early'} against the sun",
                     "check the time zone and the interval label (start vs end) of the timestamps, or shift "
                     "the irradiance with weather.corrections.correct_radiation")


def clear_sky_ghi(index: pd.DatetimeIndex, latitude: float, longitude: float,
                  altitude_m: float) -> np.ndarray:
    """Ineichen-Perez clear-sky GHI at the middle of each interval [W/m2].

    The steps of pvlib's ``Location.get_clearsky(model="ineichen")`` on arrays: apparent zenith at the
    interval middle, pvlib's monthly Linke turbidity climatology at the site interpolated linearly
    between mid-month values (as its ``interp_turbidity`` does), Kasten-Young air mass made absolute
    with the standard pressure at ``altitude_m``.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts, tz-aware, with ``freq`` set.
    latitude, longitude : float
        Site position [deg north, deg east].
    altitude_m : float
        Site altitude above sea level [m].

    Returns
    -------
    numpy.ndarray
        Clear-sky GHI [W/m2] (0 where the sun is down at the interval middle).
    """
    position = _mid_interval_position(index, latitude, longitude)
    zenith = position["apparent_zenith"].to_numpy()
    mid_months = pd.date_range("2025-01-01", periods=12, freq="MS", tz="UTC") + pd.Timedelta(days=14)
    monthly = pvlib.clearsky.lookup_linke_turbidity(mid_months, latitude, longitude,
                                                    interp_turbidity=False).to_numpy()
    nodes = mid_months.day_of_year.to_numpy().astype(float)
    day_of_year = (index + pd.Timedelta(index.freq) / 2).day_of_year.to_numpy()
    turbidity = np.interp(day_of_year, np.r_[nodes[-1] - 365.0, nodes, nodes[0] + 365.0],
                          np.r_[monthly[-1], monthly, monthly[0]])
    day = zenith < 90.0
    relative = pvlib.atmosphere.get_relative_airmass(zenith[day], model="kastenyoung1989")
    absolute = pvlib.atmosphere.get_absolute_airmass(relative, pvlib.atmosphere.alt2pres(altitude_m))
    clear = pvlib.clearsky.ineichen(zenith[day], absolute, turbidity[day], altitude=altitude_m,
                                    dni_extra=_extraterrestrial_normal(index)[day])
    ghi = np.zeros(len(index))
    ghi[day] = np.asarray(clear["ghi"], dtype=float)
    return ghi


def _check_clear_sky(frame: pd.DataFrame, latitude: float, longitude: float, source: str) -> None:
    """Refuse GHI above clear sky in many daylight intervals (rule at :data:`CLEAR_SKY_FACTOR`)."""
    altitude = float(pvlib.atmosphere.pres2alt(float(np.median(frame["pressure"]))))
    clear = clear_sky_ghi(frame.index, latitude, longitude, altitude)
    limit = CLEAR_SKY_FACTOR * clear + CLEAR_SKY_ALLOWANCE_W_M2
    ghi = frame["ghi"].to_numpy()
    over = (ghi > limit) & (clear > 0)
    daylight = int(np.count_nonzero(clear > 0))
    step_hours = pd.Timedelta(frame.index.freq) / pd.Timedelta(hours=1)
    if over.sum() * step_hours < CLEAR_SKY_MIN_HOURS or over.sum() <= CLEAR_SKY_SHARE * daylight:
        return
    first = int(np.flatnonzero(over)[0])
    raise _error(source, "ghi", f"GHI above {CLEAR_SKY_FACTOR:g} x clear sky + {CLEAR_SKY_ALLOWANCE_W_M2:g} "
                 f"W/m2 in at most {CLEAR_SKY_SHARE:.0%} of daylight intervals",
                 f"{int(over.sum())} of {daylight} ({over.sum() / daylight:.0%}), first {ghi[first]:g} W/m2 "
                 f"where clear sky is {clear[first]:.0f} W/m2 at {frame.index[first].isoformat()}",
                 "check the irradiance unit and scale (W/m2, not Wh/m2 per interval or a calibration "
                 "factor), the time zone and interval label of the timestamps, and the site "
                 "latitude/longitude")


def pressure_from_elevation(elevation_m: float) -> float:
    """Air pressure of the standard atmosphere at an elevation (barometric formula).

    Uses :func:`pvlib.atmosphere.alt2pres`: p = 100 ((44331.514 - h) / 11880.516)^(1 / 0.1902632) with
    p0 = 101325 Pa, T0 = 288.15 K, lapse rate 6.5 K/km (U.S. Standard Atmosphere 1976, NOAA/NASA/USAF).

    Parameters
    ----------
    elevation_m : float
        Site elevation above sea level [m].

    Returns
    -------
    float
        Air pressure [Pa].
    """
    return float(pvlib.atmosphere.alt2pres(elevation_m))


def fill_missing_pressure(data: pd.DataFrame, elevation_m: float, *, source: str) -> pd.DataFrame:
    """Fill an absent or partly missing ``pressure`` column with :func:`pressure_from_elevation`.

    A :class:`WeatherRepairWarning` says how many values were filled. Pressure only enters the parks
    through air density and airmass, where the weather-driven spread (about +-2 %) matters little.

    Parameters
    ----------
    data : pandas.DataFrame
        Weather frame, with or without a ``pressure`` column [Pa] (NaN marks missing values).
    elevation_m : float
        Site elevation above sea level [m].
    source : str
        Name of the source, quoted in the warning.

    Returns
    -------
    pandas.DataFrame
        A copy with ``pressure`` complete [Pa].
    """
    pressure = data["pressure"] if "pressure" in data else pd.Series(np.nan, index=data.index)
    missing = pressure.isna()
    if not missing.any():
        return data
    fill = pressure_from_elevation(elevation_m)
    warnings.warn(f"{source}: pressure missing in {int(missing.sum())} of {len(data)} intervals; filled "
                  f"with {fill:.0f} Pa, the standard-atmosphere pressure at {elevation_m:g} m",
                  WeatherRepairWarning, stacklevel=2)
    filled = data.copy()
    filled["pressure"] = pressure.fillna(fill)
    return filled


def close_irradiance(data: pd.DataFrame, latitude: float, longitude: float, *,
                     zenith_cap_deg: float = ZENITH_CAP_DEG) -> pd.DataFrame:
    """Make DNI consistent with GHI and DHI: GHI = DNI cos(zenith) + DHI in every interval.

    GHI is kept as given (it is the measured quantity that annual yields are checked against).
    With the apparent (refraction-corrected) solar zenith at the middle of each interval (the index
    labels interval starts), the angle pvlib's ModelChain uses for transposition::

        DNI = clip((GHI - DHI) / cos(zenith), 0, E0)   for zenith < zenith_cap_deg, else 0
        DHI = GHI - DNI cos(zenith)

    where E0 is the extraterrestrial normal irradiance. DHI therefore stays as given except where the
    beam part had to be clipped: near and below the horizon (all of GHI counts as diffuse), where DHI
    exceeded GHI (DHI becomes GHI) and where DNI would exceed E0.

    Parameters
    ----------
    data : pandas.DataFrame
        Frame with ``ghi``, ``dni``, ``dhi`` [W/m2] on a regular tz-aware index with ``freq`` set.
    latitude, longitude : float
        Site position [deg north, deg east].
    zenith_cap_deg : float, default 87
        No beam is derived beyond this zenith [deg] (ASSUMPTION, see ``ZENITH_CAP_DEG``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``dni`` and ``dhi`` recomputed [W/m2].
    """
    zenith = _mid_interval_position(data.index, latitude, longitude)["apparent_zenith"].to_numpy()
    cos_zenith = np.cos(np.radians(zenith))
    ghi = data["ghi"].to_numpy(dtype=float)
    beam_horizontal = ghi - data["dhi"].to_numpy(dtype=float)
    extra_normal = _extraterrestrial_normal(data.index)
    sun_up = zenith < zenith_cap_deg
    dni = np.zeros_like(ghi)
    dni[sun_up] = np.clip(beam_horizontal[sun_up] / cos_zenith[sun_up], 0.0, extra_normal[sun_up])
    closed = data.copy()
    closed["dni"] = dni
    closed["dhi"] = np.maximum(ghi - dni * np.where(sun_up, cos_zenith, 0.0), 0.0)  # float rounding
    return closed


def keep_valid_albedo(data: pd.DataFrame) -> pd.DataFrame:
    """Drop the ``albedo`` column unless every value is a valid albedo in (0, 1].

    Weather files mark a missing albedo with codes (EPW: 999, TMY3 files without albedo: 0); such a
    value must never reach pvlib, which would take 999 as the ground reflectance. The parks then use
    their own documented albedo.

    Parameters
    ----------
    data : pandas.DataFrame
        Weather frame, with or without ``albedo`` [-].

    Returns
    -------
    pandas.DataFrame
        ``data`` without ``albedo`` when any value is outside (0, 1] or missing, else ``data``.
    """
    if "albedo" not in data:
        return data
    albedo = data["albedo"]
    if albedo.notna().all() and ((albedo > 0.0) & (albedo <= 1.0)).all():
        return data
    return data.drop(columns="albedo")
