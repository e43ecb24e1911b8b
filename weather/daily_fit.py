"""Fit the daily climate table (weather/daily_climate.toml) from the CSWD files.

The method is the docstring of :mod:`weather.daily_climate`. Command line::

    python -m weather.daily_fit ../shared/weather/epw weather/daily_climate.toml
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

from weather.daily_climate import GAUSS_NODES, QUANTILE_PROBABILITIES, StationClimate
from weather.daily_stats import DARK_KT, daily_frame, daily_statistics
from weather.readers import read_weather

RUNNING_MEAN_DAYS = 31
"""Window of the running mean about which the synoptic temperature spread is measured [d]."""
PERSISTENCE_YEARS = 200
"""Simulated years on which the persistence is solved [-] (fixed seed: the fit is reproducible)."""
PERSISTENCE_SEED = 11
"""Seed of those simulated years [-]."""
PERSISTENCE_ROUNDS = 4
"""Rounds of the alternating solve of the two persistence coefficients [-]."""
MAX_PERSISTENCE = 0.97
"""Largest AR(1) coefficient the fit may choose [-] (ASSUMPTION: below 1, so the daily process stays
stationary and each month keeps its fitted quantiles)."""
DAY_MONTH = pd.date_range("2025-01-01", "2025-12-31", freq="D").month.to_numpy() - 1


def _normal_scores(values: pd.Series, month: pd.Series) -> np.ndarray:
    """Within-month ranks mapped through the standard normal quantile function [-]."""
    ranks = values.groupby(month).rank()
    counts = values.groupby(month).transform("count")
    return ndtri(((ranks - 0.5) / counts).to_numpy())


def simulated_statistics(climate: StationClimate, shocks: np.ndarray) -> tuple[float, float]:
    """The lag-1 autocorrelation of monthly kt anomalies and the dark persistence of the copula [-].

    ``shocks``: standard-normal draws, shape (365, years), independent 365-day years; the anomalies are
    taken from each simulated month's own mean, as :func:`weather.daily_stats.daily_statistics` takes
    them, and pairs of days are counted within each year.
    """
    years = shocks.shape[1]
    gauss = climate.daily_gauss(shocks, DAY_MONTH)
    kt = climate.daily_kt(gauss.T.ravel(), np.tile(DAY_MONTH, years)).reshape(years, -1)
    key = DAY_MONTH[None, :] + 12 * np.arange(years)[:, None]
    means = np.bincount(key.ravel(), kt.ravel()) / np.bincount(key.ravel())
    anomaly = kt - means[key]
    lag1 = np.corrcoef(anomaly[:, :-1].ravel(), anomaly[:, 1:].ravel())[0, 1]
    dark = kt < DARK_KT
    persistence = (dark[:, :-1] & dark[:, 1:]).sum() / max(dark[:, :-1].sum(), 1)
    return float(lag1), float(persistence)


def _solve(function: Callable[[float], float], target: float) -> float:
    """The coefficient in [0, MAX_PERSISTENCE] where an increasing ``function`` meets ``target``."""
    low, high = function(0.0) - target, function(MAX_PERSISTENCE) - target
    if low >= 0.0 or high <= 0.0:
        return 0.0 if low >= 0.0 else MAX_PERSISTENCE
    return float(brentq(lambda phi: function(phi) - target, 0.0, MAX_PERSISTENCE, xtol=1e-4))


def fit_persistence(climate: StationClimate, target_lag1: float, target_dark: float
                    ) -> tuple[float, float, np.ndarray]:
    """``kt_persistence``, ``dark_persistence`` (the file's lag-1 and dark persistence), ``gauss_quantiles``.

    Alternating one-dimensional solves (each statistic rises with its own coefficient) on
    ``PERSISTENCE_YEARS`` simulated years of fixed seed, so the fit is reproducible.
    """
    shocks = np.random.default_rng(PERSISTENCE_SEED).standard_normal((len(DAY_MONTH), PERSISTENCE_YEARS))
    phi, phi_dark = climate.kt_persistence, climate.dark_persistence
    def statistic(which: int, phi: float, phi_dark: float) -> float:
        trial = dataclasses.replace(climate, kt_persistence=phi, dark_persistence=phi_dark,
                                    gauss_quantiles=quantiles)
        return simulated_statistics(trial, shocks)[which]

    quantiles = np.tile(GAUSS_NODES, (12, 1))
    for _ in range(PERSISTENCE_ROUNDS):
        phi_dark = _solve(functools.partial(statistic, 1, phi), target_dark)
        phi = _solve(lambda value, dark=phi_dark: statistic(0, value, dark), target_lag1)
        raw = dataclasses.replace(climate, kt_persistence=phi, dark_persistence=phi_dark,
                                  gauss_quantiles=quantiles)
        process = raw.daily_process(shocks, DAY_MONTH)
        quantiles = np.array([np.quantile(process[DAY_MONTH == month], ndtr(GAUSS_NODES))
                              for month in range(12)])
    return phi, phi_dark, quantiles


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
    climate = StationClimate(
        cswd_file=Path(path).name, kt_quantiles=np.round(quantiles, 3),
        kt_persistence=0.3, dark_persistence=0.3, gauss_quantiles=np.tile(GAUSS_NODES, (12, 1)),
        wind_kt_correlation=round(float(np.corrcoef(z_kt, z_wind)[0, 1]), 3),
        dtr_monthly_c=np.round(daily.groupby("month")["dtr_c"].mean().to_numpy(), 2),
        dtr_per_kt_c=round(float(kt_anomaly @ dtr_anomaly / (kt_anomaly @ kt_anomaly)), 2),
        synoptic_temp_sd_c=round(float(np.std(mean_temp - running)), 2),
        targets=targets)
    phi, phi_dark, quantiles = fit_persistence(climate, targets["kt_lag1"], targets["dark_persistence"])
    return dataclasses.replace(climate, kt_persistence=round(phi, 3), dark_persistence=round(phi_dark, 3),
                               gauss_quantiles=np.round(quantiles, 3))


def _toml_rows(climate: StationClimate) -> list[str]:
    def numbers(values: np.ndarray) -> str:
        return "[" + ", ".join(f"{v:g}" for v in values) + "]"

    def table(name: str, values: np.ndarray) -> list[str]:
        return [f"{name} = ["] + [f"    {numbers(row)}," for row in values] + ["]"]

    rows = [f'[stations."{climate.cswd_file}"]',
            f"kt_persistence = {climate.kt_persistence}",
            f"dark_persistence = {climate.dark_persistence}",
            f"wind_kt_correlation = {climate.wind_kt_correlation}",
            f"dtr_per_kt_c = {climate.dtr_per_kt_c}",
            f"synoptic_temp_sd_c = {climate.synoptic_temp_sd_c}",
            f"dtr_monthly_c = {numbers(climate.dtr_monthly_c)}"]
    rows += table("gauss_quantiles", climate.gauss_quantiles) + table("kt_quantiles", climate.kt_quantiles)
    rows += [f'[stations."{climate.cswd_file}".targets]']
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
    header = ["# Daily climate of each CSWD station, fitted by weather/daily_fit.py from the CSWD files",
              "# (../shared/weather/epw: China Standard Weather Data, CMA Climate Information Center and",
              "# Tsinghua University, 2010). Do not edit by hand; refit with",
              "#     python -m weather.daily_fit ../shared/weather/epw weather/daily_climate.toml",
              "# Units and method: the docstring of weather/daily_climate.py.", ""]
    rows = [row for climate in climates for row in _toml_rows(climate)]
    Path(out).write_text("\n".join(header + rows), encoding="utf-8")
    return climates


def main() -> None:
    """Command line: ``python -m weather.daily_fit EPW_DIR OUT_TOML``."""
    parser = argparse.ArgumentParser(description="Fit the daily climate table from the CSWD files.")
    parser.add_argument("epw_dir")
    parser.add_argument("out")
    args = parser.parse_args()
    for climate in write_table(args.epw_dir, args.out):
        print(climate.cswd_file, climate.targets)


if __name__ == "__main__":
    main()
