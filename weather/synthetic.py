"""The offline typical year: hourly weather for any catalogue hub from clear-sky physics and climatology.

:func:`typical_year` builds a reproducible year of hourly weather for a hub with no file and no network,
so the main job runs anywhere. Every step is vectorised over the hours of the year.

Time convention
---------------
The index is UTC and labels the *start* of each hourly interval (DESIGN.md). Interval means are
represented by the value at the interval mid-point: solar position, clear-sky irradiance and the
diurnal cycles are all evaluated at ``label + 30 min``. The year is the *local* calendar year in
Asia/Shanghai (8760 rows, 8784 in a leap year); months are local months.

Irradiance
----------
1. Clear-sky GHI from the Ineichen-Perez model with pvlib's shipped monthly Linke turbidity climatology
   (``pvlib.clearsky.ineichen`` with ``lookup_linke_turbidity``, the steps of ``Location.get_clearsky``
   written out on arrays; Ineichen & Perez 2002, Solar Energy 73(3) 151-157,
   doi:10.1016/S0038-092X(02)00045-2), at the interval mid-point.
2. The days: each day's clearness index kt (daily GHI over the daily extraterrestrial irradiation)
   comes from the hub's CSWD station, fitted and stored in the package (weather/daily_climate.toml,
   :mod:`weather.daily_climate`; no weather file is read at run time): a daily Gaussian process, an
   AR(1) whose coefficient switches after a dark day (kt < 0.3) so dark days cluster as the station's
   do, is mapped through each month's stored kt quantiles (a Gaussian copula). So the share of dark
   days, the spread and day-to-day persistence of kt, the dark spells and the worst week follow the
   station's climate, not one rule for every climate. The month's offset of the process is the one at
   which the expected monthly GHI is the hub's ``ghi_monthly_kwh_m2`` (Feb scaled by 29/28 in a leap
   year: the catalogue holds the monthly sums of a 365-day typical year); the year's month then keeps
   ``MONTHLY_GHI_SHRINK`` of its days' departure from it (at most ``MONTHLY_GHI_BAND``), so a month
   with a dark spell stays duller and averaged over years the months are the catalogue's. A day is at
   most the clear sky.
3. The hours: a clear-sky index ``kc = KC_MAX * expit(x)`` with ``x`` the day's level plus an hourly
   AR(1) perturbation on the logit scale (passing clouds), the day's level solved by bisection so the
   hours sum to the day's GHI. ``KC_MAX`` bounds GHI at 1.05 x clear sky.
4. DNI and DHI from GHI with the Erbs decomposition (Erbs, Klein & Duffie 1982, Solar Energy 28(4)
   293-302, doi:10.1016/0038-092X(82)90302-4; ``pvlib.irradiance.erbs``), which closes
   ``GHI = DNI cos(z) + DHI`` by construction.

Air temperature
---------------
Monthly means ``temp_monthly_c`` (read from the CSWD files) are interpolated piecewise linearly between
mid-month nodes chosen so that the monthly means equal the catalogue's exactly. On top: a diurnal cycle with
its minimum at sunrise and maximum at 15:00 local solar time, and AR(1) synoptic anomalies with the
station's spread (``synoptic_temp_sd_c``). The day's range is the station's monthly mean range plus its
fitted slope on the day's kt (clear days are wider), rescaled month by month until the realised mean
daily range (maximum minus minimum, anomalies included) is the station's: Shanghai's humid 6.2 degC,
Yinchuan's dry 12.1 degC. The monthly means of the perturbations are removed with the same
mean-preserving interpolation, so the monthly means stay the catalogue's.

The 100 m wind's copula (below) shares the day's cloud process with the station's fitted correlation
(``wind_kt_correlation``), so dark days are calm or windy as at the station (dark-and-calm days).

Wind at 100 m (hub-height resource)
-----------------------------------
The CSWD station wind is a 10 m town reading in whole m/s and understates wind-farm sites
(SOURCES.md of the shared weather files), so the typical year is calibrated instead to the
catalogue's hub-height resource: annual mean ``wind_speed_100m_ms`` and Weibull shape
``wind_weibull_k`` at 100 m. At the western hubs and Zhangjiakou the mean speed is fitted to the
province's wind fleet: the default park (windpowerlib V126/3300 at 117 m with its loss budget,
weather/wind.py)
gives the CEC's Q1 2020 provincial full-load hours after the province's curtailment (hubs.toml
``wind_resource_source``), about 1500-2200 full-load hours a year; elsewhere the speeds are
ASSUMPTION values following the regional pattern of the CMA resource bulletins (hubs.toml explains).

The hourly speed is a Gaussian copula: a standard-normal process made of a synoptic AR(1) (e-folding
time 48 h) and a mesoscale AR(1) (6 h), lag-1 autocorrelation about 0.94, with its monthly means
removed (a typical year has typical months), mapped through the Weibull quantile function. Its scale
is modulated by

- a seasonal cycle: the hub's ``wind_monthly_factor`` (monthly mean over annual mean, a mean-preserving
  curve through them) where the catalogue has a sourced season (north-west and Inner Mongolia: spring
  maximum, windy Jan-May and Sep-Dec, calm Jun-Aug; Jing-Jin-Ji spring > winter > summer > autumn;
  sources in hubs.toml), else ``1 + A_s cos(2 pi (t - t_peak) / year)`` peaking
  mid-``wind_windiest_month`` (ASSUMPTION amplitudes);
- a diurnal cycle ``1 + A_d cos(2 pi (h - 1) / 24)`` in local solar hours, strongest around 01:00:
  at 100 m over land the nocturnal stable boundary layer decouples the flow from the surface and
  night winds exceed midday winds (Stull 1988, An Introduction to Boundary Layer Meteorology, ch. 1 and
  12, the nocturnal jet); ASSUMPTION for the amplitude and the phase.

The Weibull shape of the unmodulated process is raised so that the modulated series keeps the
catalogue's coefficient of variation, and the year is rescaled to the catalogue's annual mean exactly.

Pressure is constant at the hub's elevation from the standard-atmosphere barometric formula
(``pvlib.atmosphere.alt2pres``; U.S. Standard Atmosphere 1976).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd
import pvlib
from scipy.optimize import brentq
from scipy.signal import lfilter
from scipy.special import expit, gamma, ndtr

from weather.catalogue import TIMEZONE, Hub, get_hub
from weather.daily_climate import StationClimate, station_climate
from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.sun import solar_position

WIND_HEIGHT_M = 100.0
HALF_HOUR = pd.Timedelta(minutes=30)

# Cloudiness within the day. ASSUMPTIONS, chosen so that clear days are steady while broken-cloud days
# vary hour to hour; the days themselves come from the station's fitted daily climate.
KC_MAX = 1.05          # upper bound of the hourly clear-sky index [-] (mild cloud enhancement)
DAILY_KC_MAX = 1.0     # upper bound of a day's clear-sky index [-]: a clear day is the clear sky
HOURLY_LOGIT_SD = 0.6  # standard deviation of the hourly perturbation on the logit scale [-]
HOURLY_PERSISTENCE = 0.7  # lag-1 (hour-to-hour) autocorrelation of the hourly perturbation [-]
GAUSS_OFFSET_BOUND = 4.0  # the monthly offset of the daily Gaussian process is sought in [-4, 4] [-]
GAUSS_HERMITE_NODES = 12  # nodes of the expectation over the standard-normal day [-]
OFFSET_GRID_POINTS = 41   # offsets at which the expected monthly GHI is evaluated [-]
MONTHLY_BISECTIONS = 30   # halvings of the monthly offset's [-4, 4]: to 8 / 2**30, below 1e-8 [-]
DAILY_BISECTIONS = 18     # halvings of each day's logit level's window: to 8 / 2**18, about 3e-5 [-]
# ASSUMPTION: a typical year's month keeps this fraction [-] of the departure of its days' GHI from the
# catalogue's monthly GHI (a month with a long dark spell stays a duller month), at most MONTHLY_GHI_BAND;
# the shrinkage keeps the expectation, so averaged over years the months return to the catalogue's.
MONTHLY_GHI_SHRINK = 0.25  # kept share of a month's departure [-]
MONTHLY_GHI_BAND = 0.09    # largest kept departure, relative to the catalogue's monthly GHI [-]

# Temperature. The daily range and the synoptic anomalies are the station's (weather.daily_climate).
TEMP_MAX_SOLAR_HOUR = 15.0  # ASSUMPTION: CSWD hourly means peak at 15-16 h local standard time
SYNOPTIC_TEMP_HOURS = 72.0  # ASSUMPTION: e-folding time of temperature anomalies [h]
MIN_DTR_C = 1.0             # ASSUMPTION: smallest daily temperature range of the rule [degC]
DTR_CALIBRATION_ROUNDS = 3  # rounds of rescaling the diurnal amplitude onto the monthly mean range

# Wind copula. ASSUMPTIONS: synoptic (2 days) and mesoscale (6 h) e-folding times with 70:30 variance
# shares give a lag-1 autocorrelation of about 0.94, inside the 0.9-0.97 typical of hourly hub-height
# wind; the diurnal maximum is at 01:00 local solar time.
WIND_SYNOPTIC_HOURS = 48.0
WIND_MESOSCALE_HOURS = 6.0
WIND_SYNOPTIC_SHARE = 0.7
WIND_DIURNAL_PEAK_SOLAR_HOUR = 1.0


def typical_year(hub: Hub | str, year: int = 2025, seed: int = 0) -> WeatherData:
    """A reproducible typical year of hourly weather for a catalogue hub.

    Parameters
    ----------
    hub : Hub or str
        The hub, or its catalogue name (e.g. ``"zhongwei"``).
    year : int
        Local (Asia/Shanghai) calendar year of the index; 8784 hours in a leap year.
    seed : int
        Non-negative random seed. The generator is ``numpy.random.default_rng(seed + offset)`` with a
        stable offset per hub name, so hubs differ and the same (hub, year, seed) gives identical
        numbers.

    Returns
    -------
    WeatherData
        Hourly frame on a UTC index labelling interval starts, columns ``ghi``, ``dni``, ``dhi``
        [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s] at ``wind_height_m`` = 100 m, ``pressure``
        [Pa]; ``source`` is ``"typical year <hub> (seed <seed>)"``.

    Raises
    ------
    WeatherInputError
        For a bad year or seed, an out-of-range wind resource field of the hub, or monthly GHI beyond
        what the clear sky can give.
    UnknownHubError
        For an unknown hub name.
    """
    hub = get_hub(hub) if isinstance(hub, str) else hub
    _check_int("year", year, 1901, 2099, "a calendar year such as 2025")
    _check_int("seed", seed, 0, 2**62, "a non-negative integer such as 0")
    _check_wind_resource(hub)
    climate = station_climate(hub.cswd_file)
    rng = np.random.default_rng(seed + zlib.crc32(hub.name.encode("utf-8")))

    index, mid, month, day, year_fraction, basis = _calendar(year)

    solpos = solar_position(mid, hub.lat, hub.lon, hub.elevation_m)
    zenith = solpos["zenith"].to_numpy()
    dni_extra = pvlib.irradiance.get_extra_radiation(mid.day_of_year.to_numpy())
    clear_ghi = _clear_sky_ghi(hub, mid, solpos["apparent_zenith"].to_numpy(), dni_extra)
    solar_hour = _solar_hour(mid, hub.lon)

    extra = np.asarray(dni_extra, dtype=float) * np.clip(np.cos(np.radians(zenith)), 0.0, None)
    sky = climate.daily_gauss(rng.standard_normal(int(day.max()) + 1), month[::24])

    ghi, daily_kt = _cloudy_ghi(hub, climate, clear_ghi, extra, month, day, sky, rng)
    split = pvlib.irradiance.erbs(ghi, zenith, mid.day_of_year.to_numpy())
    temp_air = _temperature(hub, climate, month, day, basis, solar_hour, mid, daily_kt, rng)
    wind = _wind(hub, month, year_fraction, basis, solar_hour, (sky, day, climate.wind_kt_correlation), rng)

    data = pd.DataFrame({
        "ghi": ghi,
        "dni": split["dni"],
        "dhi": split["dhi"],
        "temp_air": temp_air,
        "wind_speed": wind,
        "pressure": np.full(len(index), float(pvlib.atmosphere.alt2pres(hub.elevation_m))),
    }, index=index)
    return WeatherData(data=data, latitude=hub.lat, longitude=hub.lon, elevation_m=hub.elevation_m,
                       wind_height_m=WIND_HEIGHT_M, source=f"typical year {hub.name} (seed {seed})")


@lru_cache(maxsize=16)  # 16 years of about 0.9 MB each
def _calendar(year: int) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray,
                                  np.ndarray]:
    """The hours of a local calendar year, shared by every hub (read-only arrays).

    Returns the UTC index of interval starts, the mid-points, the local month (0-11) and day of the
    year (0-based) of each hour, the fraction of the year [-] and the mean-preserving basis.
    """
    index = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz=TIMEZONE,
                          inclusive="left").tz_convert("UTC")
    mid = index + HALF_HOUR
    local = mid.tz_convert(TIMEZONE)
    month = local.month.to_numpy() - 1
    day = local.day_of_year.to_numpy() - 1
    year_fraction = (local.day_of_year.to_numpy() - 1 + local.hour.to_numpy() / 24.0
                     + local.minute.to_numpy() / 1440.0) / (366.0 if local.is_leap_year[0] else 365.0)
    arrays = (month, day, year_fraction, _mean_preserving_basis(month, year_fraction))
    for array in arrays:
        array.flags.writeable = False
    return (index, mid, *arrays)


def _check_int(field: str, value: object, low: int, high: int, expected: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        raise WeatherInputError(f"{field}: expected {expected} (integer {low}..{high}), got {value!r}; "
                                f"pass an integer {field}")


def _check_wind_resource(hub: Hub) -> None:
    checks = (
        ("wind_speed_100m_ms", hub.wind_speed_100m_ms, 0.5 <= hub.wind_speed_100m_ms <= 20.0,
         "a mean 100 m wind speed of 0.5-20 m/s"),
        ("wind_weibull_k", hub.wind_weibull_k, 1.0 <= hub.wind_weibull_k <= 5.0, "a Weibull shape of 1-5"),
        ("wind_seasonal_amplitude", hub.wind_seasonal_amplitude, 0.0 <= hub.wind_seasonal_amplitude < 0.5,
         "a fraction in [0, 0.5)"),
        ("wind_diurnal_amplitude", hub.wind_diurnal_amplitude, 0.0 <= hub.wind_diurnal_amplitude < 0.5,
         "a fraction in [0, 0.5)"),
        ("wind_windiest_month", hub.wind_windiest_month, hub.wind_windiest_month in range(1, 13),
         "a month number 1-12"),
    )
    for field, value, ok, expected in checks:
        if not ok:
            raise WeatherInputError(f"{field}: expected {expected} for hub {hub.name}, got {value!r}; "
                                    "fix the hub's wind resource (weather/hubs.toml)")


def _solar_hour(mid: pd.DatetimeIndex, longitude: float) -> np.ndarray:
    """Local apparent solar time of each mid-point [h, 0..24).

    The hour angle of :func:`pvlib.solarposition.hour_angle` (Duffie & Beckman 2006, p. 13),
    15 (h_UTC - 12) + longitude + EoT / 4 [deg], written on the UTC hours directly: pvlib reads each
    timestamp's UTC offset in a Python loop, a quarter of the typical year's time; the same numbers.
    """
    utc = mid.tz_convert("UTC")
    equation_of_time = pvlib.solarposition.equation_of_time_spencer71(utc.day_of_year.to_numpy())
    hours = np.asarray((utc - utc.normalize()) / pd.Timedelta(hours=1), dtype=float)
    hour_angle = 15.0 * (hours - 12.0) + longitude + equation_of_time / 4.0
    return np.mod(12.0 + hour_angle / 15.0, 24.0)


def linke_turbidity(hub: Hub, times: pd.DatetimeIndex) -> np.ndarray:
    """pvlib's monthly Linke turbidity at the hub, linear between mid-month nodes [-].

    Nodes at the 15th of each month, January to December in order (day of year 15, 46, ..., 349),
    wrapping round the year, as pvlib's ``lookup_linke_turbidity(interp_turbidity=True)`` does.

    Parameters
    ----------
    hub : Hub
        The hub (its latitude and longitude).
    times : pandas.DatetimeIndex
        Instants to evaluate.

    Returns
    -------
    numpy.ndarray
        Linke turbidity [-] at each instant.
    """
    mid_months = pd.date_range("2025-01-01", periods=12, freq="MS", tz="UTC") + pd.Timedelta(days=14)
    monthly = pvlib.clearsky.lookup_linke_turbidity(mid_months, hub.lat, hub.lon,
                                                    interp_turbidity=False).to_numpy()
    nodes = mid_months.day_of_year.to_numpy().astype(float)
    return np.interp(times.day_of_year.to_numpy(), np.r_[nodes[-1] - 365.0, nodes, nodes[0] + 365.0],
                     np.r_[monthly[-1], monthly, monthly[0]])


def _clear_sky_ghi(hub: Hub, mid: pd.DatetimeIndex, apparent_zenith: np.ndarray,
                   dni_extra: np.ndarray) -> np.ndarray:
    """Ineichen-Perez clear-sky GHI at the mid-points [W/m2].

    The steps of ``Location.get_clearsky(model="ineichen")`` written out on arrays: pvlib's monthly
    Linke turbidity at the hub, interpolated linearly between mid-month values (as pvlib's
    ``interp_turbidity`` does), Kasten-Young relative air mass made absolute with the site pressure.
    """
    turbidity = linke_turbidity(hub, mid)
    day = apparent_zenith < 90.0  # the sun is up at the mid-point; night stays 0
    relative = pvlib.atmosphere.get_relative_airmass(apparent_zenith[day], model="kastenyoung1989")
    absolute = pvlib.atmosphere.get_absolute_airmass(relative, pvlib.atmosphere.alt2pres(hub.elevation_m))
    clear = pvlib.clearsky.ineichen(apparent_zenith[day], absolute, turbidity[day],
                                    altitude=hub.elevation_m, dni_extra=dni_extra[day])
    ghi = np.zeros(len(mid))
    ghi[day] = clear["ghi"]
    return ghi


def _ar1(rng: np.random.Generator, size: int, phi: float) -> np.ndarray:
    """A stationary AR(1) series with unit variance and lag-1 autocorrelation ``phi``."""
    shocks = rng.standard_normal(size) * np.sqrt(1.0 - phi**2)
    first = rng.standard_normal()
    return lfilter([1.0], [1.0, -phi], shocks, zi=[phi * first])[0]


def _mean_preserving_basis(month: np.ndarray, year_fraction: np.ndarray) -> np.ndarray:
    """The linear map from 12 monthly means to a continuous periodic hourly curve with those means.

    Piecewise linear between nodes at the middle of each month (wrapping round the year); the 12 node
    values solve the 12 monthly-mean conditions on the actual hourly grid. The system is diagonally
    dominant (a month's own node carries about 3/4 of its mean), so noisy monthly means are not
    amplified, unlike a 12-term trigonometric interpolation. Shape (hours, 12): the curve is
    ``basis @ values``.
    """
    counts = np.bincount(month, minlength=12)
    nodes = np.bincount(month, weights=year_fraction, minlength=12) / counts
    periodic_nodes = np.r_[nodes[-1] - 1.0, nodes, nodes[0] + 1.0]
    hats = np.column_stack([np.interp(year_fraction, periodic_nodes, np.r_[unit[-1], unit, unit[0]])
                            for unit in np.eye(12)])
    monthly = np.column_stack([np.bincount(month, weights=hat, minlength=12) / counts for hat in hats.T])
    return hats @ np.linalg.inv(monthly)


def _month_mean_preserving(values: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """A continuous periodic curve whose mean over the hours of each month equals ``values[month]``
    (``basis`` from :func:`_mean_preserving_basis`)."""
    return basis @ np.asarray(values, dtype=float)


def _monthly_means(series: np.ndarray, month: np.ndarray) -> np.ndarray:
    return np.bincount(month, weights=series, minlength=12) / np.bincount(month, minlength=12)


def _monthly_targets_wh(hub: Hub, month: np.ndarray, clear_ghi: np.ndarray) -> np.ndarray:
    """The catalogue's monthly GHI on this calendar [Wh/m2]; refuses what the clear sky cannot give."""
    days_in_month = np.bincount(month, minlength=12) / 24.0
    typical_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)
    target_wh = np.asarray(hub.ghi_monthly_kwh_m2) * 1000.0 * days_in_month / typical_days
    clear_wh = np.bincount(month, weights=clear_ghi, minlength=12)
    ratio = target_wh / clear_wh
    if np.any(ratio >= 0.97 * DAILY_KC_MAX):
        worst = int(np.argmax(ratio))
        raise WeatherInputError(
            f"ghi_monthly_kwh_m2: expected monthly GHI below {0.97 * DAILY_KC_MAX:.2f} x the clear-sky sum "
            f"at {hub.name} ({clear_wh[worst] / 1000:.1f} kWh/m2 in month {worst + 1}), got "
            f"{hub.ghi_monthly_kwh_m2[worst]}; check the units (kWh/m2 per month) and the hub position")
    return target_wh


def _monthly_offsets(monthly_ghi: Callable[[np.ndarray], np.ndarray], target_wh: np.ndarray) -> np.ndarray:
    """The 12 monthly offsets of the daily Gaussian process at which ``monthly_ghi`` meets the targets.

    Bisection on all 12 at once: monthly GHI rises monotonically with the offset.
    """
    low, high = np.full(12, -GAUSS_OFFSET_BOUND), np.full(12, GAUSS_OFFSET_BOUND)
    for _ in range(MONTHLY_BISECTIONS):
        offset = 0.5 * (low + high)
        too_bright = monthly_ghi(offset) > target_wh
        high = np.where(too_bright, offset, high)
        low = np.where(too_bright, low, offset)
    return 0.5 * (low + high)


def _daily_ghi(climate: StationClimate, gauss: np.ndarray, day_month: np.ndarray, extra_day: np.ndarray,
               clear_day: np.ndarray, target_wh: np.ndarray) -> np.ndarray:
    """Daily GHI [Wh/m2]: the station's days, each month near its target.

    The month's offset of the Gaussian process is first the one at which the *expected* monthly GHI,
    the daily clear-sky cap left out, is the target (Gauss-Hermite over the standard-normal day, on a
    grid of offsets); this year's days, capped, then sum to S. The offset
    is solved again for target + ``MONTHLY_GHI_SHRINK`` (S - target), within ``MONTHLY_GHI_BAND`` of
    the target. So a month with a dark spell stays a duller month instead of being brightened back to
    the climatology (which would dilute the spell), and the expectation stays the target; a day's GHI
    is at most the clear sky's.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(GAUSS_HERMITE_NODES)
    weights = weights / weights.sum()

    def days(offset: np.ndarray) -> np.ndarray:
        return np.minimum(climate.daily_kt(gauss + offset[day_month], day_month) * extra_day,
                          DAILY_KC_MAX * clear_day)

    # The expected monthly GHI (the clear-sky cap aside) on a grid of offsets: the month's expected kt,
    # rising in the offset, times its extraterrestrial irradiation; the offset is interpolated.
    grid = np.linspace(-GAUSS_OFFSET_BOUND, GAUSS_OFFSET_BOUND, OFFSET_GRID_POINTS)
    trial = grid[:, None, None] + nodes[None, :, None] + np.zeros((1, 1, 12))
    months = np.broadcast_to(np.arange(12), trial.shape)
    kt = climate.daily_kt(trial.ravel(), months.ravel()).reshape(trial.shape)
    expected = np.einsum("k,gkm->gm", weights, kt) * np.bincount(day_month, weights=extra_day, minlength=12)
    offset = np.array([np.interp(target_wh[m], expected[:, m], grid) for m in range(12)])
    sample = np.bincount(day_month, weights=days(offset), minlength=12)
    banded = np.clip(target_wh + MONTHLY_GHI_SHRINK * (sample - target_wh),
                     (1.0 - MONTHLY_GHI_BAND) * target_wh, (1.0 + MONTHLY_GHI_BAND) * target_wh)
    offset = _monthly_offsets(lambda trial: np.bincount(day_month, weights=days(trial), minlength=12), banded)
    return days(offset)


def _cloudy_ghi(hub: Hub, climate: StationClimate, clear_ghi: np.ndarray, extra: np.ndarray,
                month: np.ndarray, day: np.ndarray, gauss: np.ndarray,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Hourly GHI [W/m2] calibrated to the monthly sums, and the daily clearness index per day [-].

    The day's GHI comes from :func:`_daily_ghi`; within the day the clear-sky index varies around the
    day's by an hourly AR(1) perturbation on the logit scale, rescaled to keep the day's sum.
    """
    day_month = month[np.r_[0, np.flatnonzero(np.diff(day)) + 1]]
    extra_day = np.bincount(day, weights=extra)
    clear_day = np.bincount(day, weights=clear_ghi)
    target_wh = _monthly_targets_wh(hub, month, clear_ghi)
    daily = _daily_ghi(climate, gauss, day_month, extra_day, clear_day, target_wh)

    day_kc = np.clip(daily / clear_day, 1e-4, DAILY_KC_MAX) / KC_MAX
    hourly = HOURLY_LOGIT_SD * _ar1(rng, len(clear_ghi), HOURLY_PERSISTENCE)
    # Bisection on each day's logit level so that the hours sum to the day's GHI (kc stays <= KC_MAX).
    centre = np.log(day_kc / (1.0 - day_kc))
    low, high = centre - GAUSS_OFFSET_BOUND, centre + GAUSS_OFFSET_BOUND
    for _ in range(DAILY_BISECTIONS):
        level = 0.5 * (low + high)
        too_bright = np.bincount(day, weights=clear_ghi * expit(level[day] + hourly)) * KC_MAX > daily
        high = np.where(too_bright, level, high)
        low = np.where(too_bright, low, level)
    ghi = clear_ghi * KC_MAX * expit(0.5 * (low + high)[day] + hourly)
    monthly = np.bincount(day_month, weights=daily, minlength=12)
    ghi = ghi * (monthly / np.bincount(month, weights=ghi, minlength=12))[month]  # remove bisection residue
    return ghi, np.bincount(day, weights=ghi) / extra_day


def _diurnal_shape(hub: Hub, mid: pd.DatetimeIndex, solar_hour: np.ndarray) -> np.ndarray:
    """Zero-mean diurnal temperature shape [-]: -1 at sunrise, +1 at 15:00 local solar time.

    Half-cosines up from sunrise to the afternoon maximum and back down to the next sunrise; each half
    averages zero. Sunrise in local solar hours from the declination: cos(H0) = -tan(lat) tan(decl).
    """
    declination = pvlib.solarposition.declination_spencer71(mid.day_of_year.to_numpy())
    cos_h0 = np.clip(-np.tan(np.radians(hub.lat)) * np.tan(declination), -1.0, 1.0)
    sunrise = 12.0 - np.degrees(np.arccos(cos_h0)) / 15.0
    rising = (solar_hour >= sunrise) & (solar_hour < TEMP_MAX_SOLAR_HOUR)
    since_peak = np.mod(solar_hour - TEMP_MAX_SOLAR_HOUR, 24.0)
    return np.where(rising,
                    -np.cos(np.pi * (solar_hour - sunrise) / (TEMP_MAX_SOLAR_HOUR - sunrise)),
                    np.cos(np.pi * since_peak / (24.0 + sunrise - TEMP_MAX_SOLAR_HOUR)))


def _daily_range(temp: np.ndarray) -> np.ndarray:
    """Daily maximum minus minimum of an hourly series of whole local days [degC]."""
    days = temp.reshape(-1, 24)
    return days.max(axis=1) - days.min(axis=1)


def _temperature(hub: Hub, climate: StationClimate, month: np.ndarray, day: np.ndarray,
                 basis: np.ndarray, solar_hour: np.ndarray, mid: pd.DatetimeIndex,
                 daily_kt: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Hourly air temperature [degC] with the catalogue's monthly means and the station's daily range.

    The day's range is the station's monthly mean range plus its fitted slope times the day's kt anomaly
    (clear days have wide ranges); the amplitude is then rescaled month by month until the mean of the
    realised daily ranges (maximum minus minimum, synoptic anomalies included) is the station's. The
    monthly means of the perturbations are removed with the mean-preserving interpolation.
    """
    seasonal = _month_mean_preserving(np.asarray(hub.temp_monthly_c), basis)
    shape = _diurnal_shape(hub, mid, solar_hour)
    first_of_day = np.r_[0, np.flatnonzero(np.diff(day)) + 1]
    day_month = month[first_of_day]
    days_per_month = np.bincount(day_month, minlength=12)
    kt_anomaly = daily_kt - (np.bincount(day_month, daily_kt, 12) / days_per_month)[day_month]
    day_range = np.maximum(climate.dtr_monthly_c[day_month] + climate.dtr_per_kt_c * kt_anomaly, MIN_DTR_C)
    hours = np.arange(len(day), dtype=float)
    anomaly = climate.synoptic_temp_sd_c * _ar1(rng, len(day), np.exp(-1.0 / SYNOPTIC_TEMP_HOURS))
    temp = seasonal
    for round_number in range(DTR_CALIBRATION_ROUNDS + 1):
        if round_number:
            realised = np.bincount(day_month, _daily_range(temp), 12) / days_per_month
            day_range = day_range * (climate.dtr_monthly_c / realised)[day_month]
        # half the range, interpolated hour by hour to avoid steps at midnight
        perturbation = np.interp(hours, first_of_day + 11.5, 0.5 * day_range) * shape + anomaly
        perturbation -= _month_mean_preserving(_monthly_means(perturbation, month), basis)
        temp = seasonal + perturbation
    return temp


def _weibull_cv2(shape_k: float) -> float:
    """Squared coefficient of variation of a Weibull distribution with shape ``shape_k`` [-]."""
    return gamma(1.0 + 2.0 / shape_k) / gamma(1.0 + 1.0 / shape_k) ** 2 - 1.0


def _wind_seasonal_factor(hub: Hub, year_fraction: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Seasonal scale factor of the wind speed [-]: the hub's monthly factors (mean-preserving curve
    through them, normalised to an annual mean of 1) or, without them, one harmonic."""
    if hub.wind_monthly_factor:
        factors = np.asarray(hub.wind_monthly_factor, dtype=float)
        return _month_mean_preserving(factors / factors.mean(), basis)
    peak_fraction = (hub.wind_windiest_month - 0.5) / 12.0
    return 1.0 + hub.wind_seasonal_amplitude * np.cos(2.0 * np.pi * (year_fraction - peak_fraction))


def _coupled_to_the_sky(gauss: np.ndarray, sky: np.ndarray, day: np.ndarray,
                        correlation: float) -> np.ndarray:
    """Mix the day's cloud process into the wind copula so that daily means correlate as fitted.

    ``sky`` is the daily Gaussian process of the clearness index, linear between mid-days as an hourly
    series ``s``; the result ``sqrt(1 - c^2) gauss + c s`` has daily means whose correlation with the
    daily process is ``correlation``: with ``a = cov(S, sky) / sd(sky)`` and the variances ``v_S`` and
    ``v_G`` of the daily means of ``s`` and ``gauss``, ``c^2 = r^2 v_G / (a^2 - r^2 (v_S - v_G))``.
    """
    hourly_sky = np.interp(np.arange(len(gauss), dtype=float), np.arange(len(sky)) * 24.0 + 11.5, sky)
    counts = np.bincount(day)
    daily_sky, daily_gauss = np.bincount(day, hourly_sky) / counts, np.bincount(day, gauss) / counts
    a = np.cov(daily_sky, sky)[0, 1] / sky.std()
    r2, v_sky, v_gauss = correlation**2, daily_sky.var(), daily_gauss.var()
    c = np.sign(correlation) * np.sqrt(min(r2 * v_gauss / max(a**2 - r2 * (v_sky - v_gauss), 1e-9), 1.0))
    return np.sqrt(1.0 - c**2) * gauss + c * hourly_sky


def _wind(hub: Hub, month: np.ndarray, year_fraction: np.ndarray, basis: np.ndarray, solar_hour: np.ndarray,
          sky: tuple[np.ndarray, np.ndarray, float], rng: np.random.Generator) -> np.ndarray:
    """Hourly wind speed at 100 m [m/s] with the catalogue's annual mean and Weibull shape.

    ``sky``: the daily cloud process, the day of each hour and the station's wind-kt correlation
    (:func:`_coupled_to_the_sky`).
    """
    synoptic = _ar1(rng, len(month), np.exp(-1.0 / WIND_SYNOPTIC_HOURS))
    mesoscale = _ar1(rng, len(month), np.exp(-1.0 / WIND_MESOSCALE_HOURS))
    gauss = _coupled_to_the_sky(
        np.sqrt(WIND_SYNOPTIC_SHARE) * synoptic + np.sqrt(1.0 - WIND_SYNOPTIC_SHARE) * mesoscale, *sky)
    gauss -= _month_mean_preserving(_monthly_means(gauss, month), basis)
    gauss = (gauss - gauss.mean()) / gauss.std()

    modulation = (_wind_seasonal_factor(hub, year_fraction, basis)
                  * (1.0 + hub.wind_diurnal_amplitude
                     * np.cos(2.0 * np.pi * (solar_hour - WIND_DIURNAL_PEAK_SOLAR_HOUR) / 24.0)))
    # Speed = modulation x Weibull variate; CV^2 of a product: (1 + cv_w^2)(1 + cv_m^2) - 1.
    modulation_cv2 = np.mean(modulation**2) / np.mean(modulation) ** 2 - 1.0
    base_cv2 = (1.0 + _weibull_cv2(hub.wind_weibull_k)) / (1.0 + modulation_cv2) - 1.0
    base_k = brentq(lambda k: _weibull_cv2(k) - base_cv2, 0.5, 20.0)
    # Weibull quantile of the normal copula; ndtr(-z) = 1 - Phi(z) keeps the upper tail exact.
    unit_weibull = (-np.log(ndtr(-gauss))) ** (1.0 / base_k)
    speed = modulation * unit_weibull
    return speed * (hub.wind_speed_100m_ms / speed.mean())
