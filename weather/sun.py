"""The sun's position at a site, computed once per (site, times) and shared.

The typical-year generator (:mod:`weather.synthetic`) and the PV park (:mod:`weather.solar`) both need
the solar position at the middle of every hour of the same year at the same site; NREL's SPA
(Reda & Andreas 2004, :doi:`10.1016/j.solener.2003.12.003`, pvlib's ``nrel_numpy``) costs about as
much as the rest of either step, and most of SPA (the Earth's orbit, nutation, sidereal time) does not
depend on the site at all. So :func:`solar_position` keeps the site-independent terms in a cache keyed
on the regular times (shared by every hub), the geometric part at a site (topocentric elevation without
refraction, azimuth, equation of time) in a cache keyed on the site as well, and, since only the
atmospheric refraction depends on pressure and temperature, applies SPA's own refraction correction
(``pvlib.spa.atmospheric_refraction_correction``) for the pressure and temperature asked for. The
result equals ``pvlib.solarposition.get_solarposition(..., method="nrel_numpy")`` exactly (the same
``pvlib.spa`` operations on the same numbers; tests/weather/test_sun.py).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd
import pvlib

#: Difference between terrestrial time and UT1 [s]: pvlib ``spa_python``'s default (USNO, about 2020),
#: which ``get_solarposition`` uses; kept so the positions equal pvlib's.
DELTA_T_S = 67.0
#: SPA's default refraction at sunrise/sunset [deg] (pvlib ``spa_python`` ``atmos_refract``).
ATMOS_REFRACT_DEG = 0.5667
#: pvlib's default temperature for the refraction [degC] (its default pressure: the standard
#: atmosphere at the site's altitude, ``pvlib.atmosphere.alt2pres``).
DEFAULT_TEMPERATURE_C = 12.0
PA_PER_MBAR = 100.0


@lru_cache(maxsize=8)
def _earth_terms(start_ns: int, step_ns: int, length: int) -> dict[str, np.ndarray]:
    """The site-independent SPA terms at regular UTC times (Reda & Andreas 2004, steps 1-3.10).

    Apparent sidereal time ``v`` [deg], geocentric right ascension ``alpha`` and declination ``delta``
    [deg], Earth-Sun distance ``R`` [AU] and the equation of time ``eot`` [min], by the same
    ``pvlib.spa`` functions in the same order as ``pvlib.spa.solar_position_numpy``.
    """
    spa = pvlib.spa
    times = pd.DatetimeIndex(start_ns + step_ns * np.arange(length, dtype=np.int64), tz="UTC")
    unixtime = np.array((times - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta("1s"))
    delta_t = DELTA_T_S
    jd = spa.julian_day(unixtime)
    jc = spa.julian_century(jd)
    jce = spa.julian_ephemeris_century(spa.julian_ephemeris_day(jd, delta_t))
    jme = spa.julian_ephemeris_millennium(jce)
    radius = spa.heliocentric_radius_vector(jme)
    theta = spa.geocentric_longitude(spa.heliocentric_longitude(jme))
    beta = spa.geocentric_latitude(spa.heliocentric_latitude(jme))
    nutation = np.empty((2, length))
    spa.longitude_obliquity_nutation(jce, spa.mean_elongation(jce), spa.mean_anomaly_sun(jce),
                                     spa.mean_anomaly_moon(jce), spa.moon_argument_latitude(jce),
                                     spa.moon_ascending_longitude(jce), nutation)
    delta_psi = nutation[0]
    epsilon = spa.true_ecliptic_obliquity(spa.mean_ecliptic_obliquity(jme), nutation[1])
    lamd = spa.apparent_sun_longitude(theta, delta_psi, spa.aberration_correction(radius))
    alpha = spa.geocentric_sun_right_ascension(lamd, epsilon, beta)
    return {"v": spa.apparent_sidereal_time(spa.mean_sidereal_time(jd, jc), delta_psi, epsilon),
            "alpha": alpha, "delta": spa.geocentric_sun_declination(lamd, epsilon, beta), "R": radius,
            "eot": spa.equation_of_time(spa.sun_mean_longitude(jme), alpha, delta_psi, epsilon)}


@lru_cache(maxsize=64)
def _geometric(latitude: float, longitude: float, altitude_m: float, start_ns: int, step_ns: int,
               length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elevation without refraction [deg], azimuth [deg] and equation of time [min] (read-only):
    SPA's topocentric steps 3.11-3.15 on :func:`_earth_terms`."""
    spa = pvlib.spa
    earth = _earth_terms(start_ns, step_ns, length)
    hour_angle = spa.local_hour_angle(earth["v"], longitude, earth["alpha"])
    xi = spa.equatorial_horizontal_parallax(earth["R"])
    u = spa.uterm(latitude)
    x, y = spa.xterm(u, latitude, altitude_m), spa.yterm(u, latitude, altitude_m)
    delta_alpha = spa.parallax_sun_right_ascension(x, xi, hour_angle, earth["delta"])
    delta_prime = spa.topocentric_sun_declination(earth["delta"], x, y, xi, delta_alpha, hour_angle)
    h_prime = spa.topocentric_local_hour_angle(hour_angle, delta_alpha)
    elevation = spa.topocentric_elevation_angle_without_atmosphere(latitude, delta_prime, h_prime)
    azimuth = spa.topocentric_azimuth_angle(spa.topocentric_astronomers_azimuth(h_prime, delta_prime,
                                                                               latitude))
    arrays = (np.array(elevation, dtype=float), np.array(azimuth, dtype=float),
              np.array(earth["eot"], dtype=float))
    for array in arrays:
        array.flags.writeable = False
    return arrays


def _regular(times: pd.DatetimeIndex) -> tuple[int, int] | None:
    """(start, step) in ns of a regular index of two or more times, else None."""
    stamps = times.tz_convert("UTC").as_unit("ns").asi8
    if len(stamps) < 2:
        return None
    steps = np.diff(stamps)
    return (int(stamps[0]), int(steps[0])) if (steps == steps[0]).all() and steps[0] > 0 else None


def solar_position(times: pd.DatetimeIndex, latitude: float, longitude: float, altitude_m: float,
                   pressure_pa: float | npt.ArrayLike | None = None,
                   temperature_c: float | npt.ArrayLike = DEFAULT_TEMPERATURE_C) -> pd.DataFrame:
    """Solar position at ``times`` (SPA, pvlib ``nrel_numpy``), the geometry shared between calls.

    Parameters
    ----------
    times : pandas.DatetimeIndex
        tz-aware times of the position (e.g. interval midpoints).
    latitude, longitude : float
        Site [deg north, deg east].
    altitude_m : float
        Site elevation [m].
    pressure_pa : float or array_like, optional
        Air pressure for the refraction [Pa], scalar or one per time; default the standard atmosphere
        at ``altitude_m`` (as pvlib).
    temperature_c : float or array_like
        Air temperature for the refraction [degC], scalar or one per time.

    Returns
    -------
    pandas.DataFrame
        On ``times``: ``apparent_zenith``, ``zenith``, ``apparent_elevation``, ``elevation``,
        ``azimuth`` [deg] and ``equation_of_time`` [min], as :func:`pvlib.solarposition.get_solarposition`.
    """
    if pressure_pa is None:
        pressure_pa = pvlib.atmosphere.alt2pres(altitude_m)
    regular = _regular(times)
    if regular is None:
        return pvlib.solarposition.get_solarposition(
            times, latitude, longitude, altitude=altitude_m, pressure=pressure_pa,
            temperature=temperature_c, method="nrel_numpy")
    elevation, azimuth, equation_of_time = _geometric(float(latitude), float(longitude),
                                                      float(altitude_m), *regular, len(times))
    pressure_mbar = np.broadcast_to(np.asarray(pressure_pa, dtype=float), elevation.shape) / PA_PER_MBAR
    temperature = np.broadcast_to(np.asarray(temperature_c, dtype=float), elevation.shape)
    refraction = pvlib.spa.atmospheric_refraction_correction(pressure_mbar, temperature, elevation,
                                                             ATMOS_REFRACT_DEG)
    apparent_elevation = elevation + refraction
    return pd.DataFrame({"apparent_zenith": 90.0 - apparent_elevation, "zenith": 90.0 - elevation,
                         "apparent_elevation": apparent_elevation, "elevation": elevation.copy(),
                         "azimuth": azimuth.copy(), "equation_of_time": equation_of_time.copy()},
                        index=times)
