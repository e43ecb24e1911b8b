"""Each station's daily climate, fitted from its CSWD file and stored in the package.

The synthetic generator (:mod:`weather.synthetic`) draws its days from these parameters, so a hub's
typical years have the dark days, spells, persistence and temperature range of its CSWD station rather
than one rule for every climate. The fitted table, ``daily_climate.toml`` beside this module, is what
runs: the package needs no weather file at run time. Re-derive it from the files with::

    python -m weather.daily_climate ../shared/weather/epw weather/daily_climate.toml

(tests/weather/test_daily_climate.py re-derives it and compares when the files are present).

Fit (per station, from the file as read by :func:`weather.readers.read_weather`, i.e. with its radiation
lag removed and its zero-GHI gap days filled; days and statistics of :mod:`weather.daily_stats`)
-------------------------------------------------------------------------------------------------------
- ``kt_quantiles``: for each month, the empirical quantiles of the daily clearness index kt at the
  probabilities 0, 0.05, ..., 1 (the marginal of the day; linear between them).
- ``kt_persistence``: the lag-1 coefficient phi of the daily AR(1) Gaussian process that the generator
  maps through the monthly quantiles (a Gaussian copula), solved so that the copula's lag-1
  autocorrelation of the kt monthly anomalies equals the station's ``targets.kt_lag1``: for each month
  E[g(z1) g(z2)] of the centred quantile map g over a bivariate normal with correlation phi
  (Gauss-Hermite quadrature), pooled over the months as the statistic pools its days.
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

import argparse
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

from weather.daily_stats import daily_frame, daily_statistics
from weather.errors import WeatherInputError
from weather.readers import read_weather

TABLE = "daily_climate.toml"
QUANTILE_PROBABILITIES = np.linspace(0.0, 1.0, 21)
"""Probabilities of the stored monthly kt quantiles [-]."""
RUNNING_MEAN_DAYS = 31


@dataclass(frozen=True)
class StationClimate:
    """The fitted daily climate of one CSWD station (units in the module docstring)."""

    cswd_file: str
    kt_quantiles: np.ndarray
    kt_persistence: float
    wind_kt_correlation: float
    dtr_monthly_c: np.ndarray
    dtr_per_kt_c: float
    synoptic_temp_sd_c: float
    targets: dict[str, float]


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
                          kt_persistence=raw["kt_persistence"],
                          wind_kt_correlation=raw["wind_kt_correlation"],
                          dtr_monthly_c=np.asarray(raw["dtr_monthly_c"], dtype=float),
                          dtr_per_kt_c=raw["dtr_per_kt_c"], synoptic_temp_sd_c=raw["synoptic_temp_sd_c"],
                          targets=dict(raw["targets"]))


def _normal_scores(values: pd.Series, month: pd.Series) -> np.ndarray:
    """Within-month ranks mapped through the standard normal quantile function [-]."""
    ranks = values.groupby(month).rank()
    counts = values.groupby(month).transform("count")
    return ndtri(((ranks - 0.5) / counts).to_numpy())


def _copula_lag1(quantiles: np.ndarray, phi: float, nodes: int = 48) -> float:
    """Lag-1 autocorrelation of monthly kt anomalies when an AR(1) Gaussian process with coefficient
    ``phi`` is mapped through each month's quantiles (``quantiles``, shape (12, n)) [-]."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    z2 = phi * x[:, None] + np.sqrt(1.0 - phi**2) * x[None, :]
    covariance = variance = 0.0
    for month in quantiles:
        def mapped(z: np.ndarray, month: np.ndarray = month) -> np.ndarray:
            return np.interp(ndtr(z), QUANTILE_PROBABILITIES, month)
        mean = w @ mapped(x)
        covariance += w @ ((mapped(x) - mean)[:, None] * (mapped(z2) - mean)) @ w
        variance += w @ (mapped(x) - mean) ** 2
    return covariance / variance


def fit_station(path: str | Path) -> StationClimate:
    """Fit a station's daily climate from its CSWD file (the method of the module docstring).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSWD EPW file.

    Returns
    -------
    StationClimate
        Parameters rounded as stored (3 decimals).
    """
    weather = read_weather(path)
    daily = daily_frame(weather)
    month = daily["month"]
    quantiles = np.array([np.quantile(daily.loc[month == m, "kt"], QUANTILE_PROBABILITIES)
                          for m in range(1, 13)])
    targets = {key: round(value, 4) for key, value in daily_statistics(weather).items()}
    z_kt = _normal_scores(daily["kt"], month)
    z_wind = _normal_scores(daily["wind_ms"], month)
    kt_anomaly = (daily["kt"] - daily.groupby("month")["kt"].transform("mean")).to_numpy()
    dtr_anomaly = (daily["dtr_c"] - daily.groupby("month")["dtr_c"].transform("mean")).to_numpy()
    mean_temp = weather.data["temp_air"].to_numpy(float).reshape(-1, 24).mean(axis=1)
    wrapped = np.r_[mean_temp[-15:], mean_temp, mean_temp[:15]]
    running = np.convolve(wrapped, np.ones(RUNNING_MEAN_DAYS) / RUNNING_MEAN_DAYS, mode="valid")
    return StationClimate(
        cswd_file=Path(path).name, kt_quantiles=np.round(quantiles, 3),
        kt_persistence=round(brentq(lambda phi: _copula_lag1(quantiles, phi) - targets["kt_lag1"],
                                    0.0, 0.98), 3),
        wind_kt_correlation=round(float(np.corrcoef(z_kt, z_wind)[0, 1]), 3),
        dtr_monthly_c=np.round(daily.groupby("month")["dtr_c"].mean().to_numpy(), 2),
        dtr_per_kt_c=round(float(kt_anomaly @ dtr_anomaly / (kt_anomaly @ kt_anomaly)), 2),
        synoptic_temp_sd_c=round(float(np.std(mean_temp - running)), 2),
        targets=targets)


def _toml_rows(climate: StationClimate) -> list[str]:
    def numbers(values: np.ndarray) -> str:
        return "[" + ", ".join(f"{v:g}" for v in values) + "]"

    rows = [f'[stations."{climate.cswd_file}"]',
            f"kt_persistence = {climate.kt_persistence}",
            f"wind_kt_correlation = {climate.wind_kt_correlation}",
            f"dtr_per_kt_c = {climate.dtr_per_kt_c}",
            f"synoptic_temp_sd_c = {climate.synoptic_temp_sd_c}",
            f"dtr_monthly_c = {numbers(climate.dtr_monthly_c)}",
            "kt_quantiles = ["]
    rows += [f"    {numbers(month)}," for month in climate.kt_quantiles]
    rows += ["]", f'[stations."{climate.cswd_file}".targets]']
    rows += [f"{key} = {value}" for key, value in climate.targets.items()]
    return rows + [""]


def write_table(epw_dir: str | Path, out: str | Path) -> list[StationClimate]:
    """Fit every ``*_CSWD.epw`` file of a folder and write the table (TOML) to ``out``.

    Returns
    -------
    list of StationClimate
        The fitted stations, in file-name order.
    """
    climates = [fit_station(path) for path in sorted(Path(epw_dir).glob("*_CSWD.epw"))]
    header = ["# Daily climate of each CSWD station, fitted by weather/daily_climate.py from the CSWD files",
              "# (../shared/weather/epw: China Standard Weather Data, CMA Climate Information Center and",
              "# Tsinghua University, 2010). Do not edit by hand; refit with",
              "#     python -m weather.daily_climate ../shared/weather/epw weather/daily_climate.toml",
              "# Units and method: the docstring of weather/daily_climate.py.", ""]
    rows = [row for climate in climates for row in _toml_rows(climate)]
    Path(out).write_text("\n".join(header + rows), encoding="utf-8")
    return climates


def main() -> None:
    """Command line: ``python -m weather.daily_climate EPW_DIR OUT_TOML``."""
    parser = argparse.ArgumentParser(description="Fit the daily climate table from the CSWD files.")
    parser.add_argument("epw_dir")
    parser.add_argument("out")
    args = parser.parse_args()
    for climate in write_table(args.epw_dir, args.out):
        print(climate.cswd_file, climate.targets)


if __name__ == "__main__":
    main()
