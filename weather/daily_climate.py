"""Each station's daily climate, fitted from its CSWD file and stored in the package.

The synthetic generator (:mod:`weather.synthetic`) draws its days from these parameters, so a hub's
typical years have the dark days, spells, persistence and temperature range of its CSWD station rather
than one rule for every climate. The fitted table, ``daily_climate.toml`` beside this module, is what
runs: the package needs no weather file at run time. Re-derive it from the files with::

    python -m weather.daily_fit ../shared/weather/epw weather/daily_climate.toml

(:mod:`weather.daily_fit`; tests/weather/test_daily_climate.py re-derives it and compares when the files
are present).

Parameters (per station, from the file as read by :func:`weather.readers.read_weather`, i.e. with its
radiation lag removed and its zero-GHI gap days filled; days and statistics of :mod:`weather.daily_stats`)
------------------------------------------------------------------------------------------------------------
- ``kt_quantiles``: for each month, the empirical quantiles of the daily clearness index kt at the
  probabilities 0, 0.05, ..., 1 (the marginal of the day; linear between them).
- ``kt_persistence``, ``dark_persistence``: the lag-1 coefficients of the daily Gaussian process that the
  generator maps through the monthly quantiles (a Gaussian copula), an AR(1) whose coefficient is
  ``dark_persistence`` after a dark day (the process below the month's dark-day quantile) and
  ``kt_persistence`` otherwise, so dark days can cluster more than the other days persist. The two are
  solved together (:func:`weather.daily_fit.fit_persistence`, on 200 simulated years) so that the
  process gives the file's ``targets.kt_lag1`` (the lag-1 autocorrelation of kt about each month's
  mean, estimated as on the file: low by about (1 + 4 phi) / 30 in a 30-day month) and
  ``targets.dark_persistence`` (the share of dark days followed by a dark day). The switching bends
  the process's distribution away from the normal, month by month (the dark threshold is the month's),
  so ``gauss_quantiles`` holds, for each month, its quantiles (simulated) at the standard-normal values
  ``GAUSS_NODES``, and the process is mapped through them onto the standard normal: the days keep the
  month's kt distribution.
- ``wind_kt_correlation``: correlation of the normal scores (the within-month rank of each day mapped
  through the standard normal quantile function) of daily mean wind and of daily kt: the sign and size
  of the dark-and-calm coupling.
- ``dtr_monthly_c``: mean daily temperature range of each month [degC]; ``dtr_per_kt_c``: the least-squares
  slope of the day's range on its kt, both as anomalies from their month's mean [degC per unit kt].
- ``synoptic_temp_sd_c``: standard deviation of the daily mean temperature about its centred 31-day
  running mean [degC].
- ``targets``: the station's :func:`weather.daily_stats.daily_statistics`, what the generator is tested
  against.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from scipy.special import ndtr, ndtri

from weather.daily_stats import DARK_KT
from weather.errors import WeatherInputError

TABLE = "daily_climate.toml"
QUANTILE_PROBABILITIES = np.linspace(0.0, 1.0, 21)
"""Probabilities of the stored monthly kt quantiles [-]."""
GAUSS_NODES = np.linspace(-3.0, 3.0, 13)
"""Standard-normal values at which the daily process's stationary quantiles are stored [-]."""


@dataclass(frozen=True)
class StationClimate:
    """The fitted daily climate of one CSWD station (units in the module docstring)."""

    cswd_file: str
    kt_quantiles: np.ndarray
    kt_persistence: float
    dark_persistence: float
    gauss_quantiles: np.ndarray
    wind_kt_correlation: float
    dtr_monthly_c: np.ndarray
    dtr_per_kt_c: float
    synoptic_temp_sd_c: float
    targets: dict[str, float]

    def dark_threshold(self) -> np.ndarray:
        """Standard-normal value below which a day of each month is dark (kt < 0.3) [-], shape (12,)."""
        probability = [np.interp(DARK_KT, month, QUANTILE_PROBABILITIES) for month in self.kt_quantiles]
        return ndtri(np.clip(probability, 1e-6, 1.0 - 1e-6))

    def daily_process(self, shocks: np.ndarray, day_month: np.ndarray) -> np.ndarray:
        """The switching AR(1) process [-] from standard-normal ``shocks`` (days along the first axis).

        z_t = phi z_(t-1) + sqrt(1 - phi^2) e_t, phi = ``dark_persistence`` when the day before was dark
        (below its month's :meth:`dark_threshold`), else ``kt_persistence``.
        """
        pairs = zip(self.dark_threshold(), self.gauss_quantiles, strict=True)
        threshold = np.array([np.interp(value, GAUSS_NODES, row) for value, row in pairs])[day_month]
        process = np.empty_like(shocks)
        process[0] = shocks[0]
        for t in range(1, len(shocks)):
            phi = np.where(process[t - 1] < threshold[t - 1], self.dark_persistence, self.kt_persistence)
            process[t] = phi * process[t - 1] + np.sqrt(1.0 - phi * phi) * shocks[t]
        return process

    def daily_gauss(self, shocks: np.ndarray, day_month: np.ndarray) -> np.ndarray:
        """:meth:`daily_process` mapped through its month's quantiles onto the standard normal [-]."""
        process = self.daily_process(shocks, day_month)
        gauss = np.empty_like(process)
        for month, row in enumerate(self.gauss_quantiles):
            days = day_month == month
            gauss[days] = np.interp(process[days], row, GAUSS_NODES)
        return gauss

    def daily_kt(self, gauss: np.ndarray, day_month: np.ndarray) -> np.ndarray:
        """Daily clearness index [-]: standard-normal values mapped through their month's quantiles.

        Parameters
        ----------
        gauss : numpy.ndarray
            One standard-normal value per day [-].
        day_month : numpy.ndarray
            Month of each day, 0-11.
        """
        levels = len(QUANTILE_PROBABILITIES)
        position = ndtr(gauss) * (levels - 1)
        low = np.minimum(position.astype(int), levels - 2)
        flat = self.kt_quantiles.ravel()
        at = day_month * levels + low
        return flat[at] + (position - low) * (flat[at + 1] - flat[at])


@cache
def _table() -> dict:
    return tomllib.loads(resources.files("weather").joinpath(TABLE).read_text("utf-8"))["stations"]


def station_climate(cswd_file: str) -> StationClimate:
    """The stored daily climate of a CSWD station.

    Parameters
    ----------
    cswd_file : str
        The station's CSWD file name, as in a hub's ``cswd_file`` (weather/hubs.toml).

    Raises
    ------
    WeatherInputError
        When no station of the table has that file.
    """
    table = _table()
    if cswd_file not in table:
        raise WeatherInputError(f"cswd_file: expected one of the fitted CSWD stations ({', '.join(table)}), "
                                f"got {cswd_file!r}; name a fitted station or refit with "
                                "python -m weather.daily_climate")
    raw = table[cswd_file]
    return StationClimate(cswd_file=cswd_file, kt_quantiles=np.asarray(raw["kt_quantiles"], dtype=float),
                          kt_persistence=raw["kt_persistence"], dark_persistence=raw["dark_persistence"],
                          gauss_quantiles=np.asarray(raw["gauss_quantiles"], dtype=float),
                          wind_kt_correlation=raw["wind_kt_correlation"],
                          dtr_monthly_c=np.asarray(raw["dtr_monthly_c"], dtype=float),
                          dtr_per_kt_c=raw["dtr_per_kt_c"], synoptic_temp_sd_c=raw["synoptic_temp_sd_c"],
                          targets=dict(raw["targets"]))


