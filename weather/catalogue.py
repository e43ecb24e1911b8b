"""The hub catalogue: the 东数西算 data-centre clusters and demand cities, with their sources.

The data live in ``hubs.toml`` beside this module; every figure there carries its source or is
labelled as an assumption. This module turns them into frozen :class:`Hub` objects and into the hourly
series the engine needs (time-of-use price, flat grid carbon intensity).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from weather.errors import UnknownHubError

TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class TariffSeason:
    """Time-of-use periods of one season of a tariff.

    Hours are local clock hours ``[start, end)``; hours in neither ``peak_hours`` nor ``valley_hours``
    are flat. ``critical_peak_factor`` multiplies the peak price in ``critical_peak_hours``,
    ``deep_valley_factor`` the valley price in ``deep_valley_hours``.
    """

    months: tuple[int, ...]
    peak_hours: tuple[tuple[int, int], ...] = ()
    valley_hours: tuple[tuple[int, int], ...] = ()
    peak_ratio: float = 1.0
    valley_ratio: float = 1.0
    critical_peak_hours: tuple[tuple[int, int], ...] = ()
    critical_peak_factor: float = 1.0
    deep_valley_hours: tuple[tuple[int, int], ...] = ()
    deep_valley_factor: float = 1.0

    def ratios_by_hour(self) -> np.ndarray:
        """Price ratio to the flat price for each local clock hour 0..23 [-]."""
        ratio = np.ones(24)
        for periods, value in ((self.peak_hours, self.peak_ratio),
                               (self.valley_hours, self.valley_ratio)):
            for start, end in periods:
                ratio[start:end] = value
        for start, end in self.critical_peak_hours:
            ratio[start:end] = self.peak_ratio * self.critical_peak_factor
        for start, end in self.deep_valley_hours:
            ratio[start:end] = self.valley_ratio * self.deep_valley_factor
        return ratio


@dataclass(frozen=True)
class Tariff:
    """A provincial time-of-use tariff for large commercial and industrial users."""

    key: str
    source: str
    flat_price_cny_per_kwh: float
    flat_price_source: str
    seasons: tuple[TariffSeason, ...]
    coal_benchmark_cny_per_kwh: float = 0.0
    """Provincial coal-fired benchmark on-grid price 燃煤发电基准价 [CNY/kWh] (the default export price)."""
    coal_benchmark_source: str = "not given"
    demand_charge_cny_per_kw_month: float = 0.0
    """Demand charge of the two-part tariff on the monthly peak import [CNY per kW-month]."""
    demand_charge_source: str = "not given"

    def ratio_table(self) -> np.ndarray:
        """Price ratio to the flat price by (month 1..12, local hour 0..23), shape (12, 24) [-]."""
        table = np.ones((12, 24))
        for season in self.seasons:
            for month in season.months:
                table[month - 1] = season.ratios_by_hour()
        return table

    def price_series(self, index: pd.DatetimeIndex) -> pd.Series:
        """Energy price at each time of ``index`` [CNY/kWh].

        Parameters
        ----------
        index : pandas.DatetimeIndex
            Tz-aware times; the period is read in local time (Asia/Shanghai).
        """
        local = index.tz_convert(TIMEZONE)
        ratio = self.ratio_table()[local.month.to_numpy() - 1, local.hour.to_numpy()]
        return pd.Series(self.flat_price_cny_per_kwh * ratio, index=index,
                         name="price_cny_per_kwh")


@dataclass(frozen=True)
class Hub:
    """One catalogue hub: a data-centre cluster or demand city, with its climate and grid facts.

    Units: ``lat``/``lon`` [deg], ``elevation_m`` [m], ``grid_factor_kg_per_kwh`` [kgCO2/kWh],
    ``ghi_monthly_kwh_m2`` [kWh/m2 per month], ``temp_monthly_c`` [degC],
    ``wind_speed_100m_ms`` [m/s], ``wind_weibull_k`` [-]. The wind cycle fields shape the typical
    year (weather/synthetic.py): ``wind_seasonal_amplitude`` [-] and ``wind_windiest_month`` [1-12] of
    the seasonal scale factor, ``wind_diurnal_amplitude`` [-] of the night-peaking diurnal factor; their
    defaults (no cycle) apply only to hubs built outside the catalogue.
    """

    name: str
    name_zh: str
    province: str
    role: str
    lat: float
    lon: float
    elevation_m: float
    timezone: str
    grid_factor_kg_per_kwh: float
    grid_factor_year: int
    grid_factor_source: str
    tariff: Tariff
    pue_target: float
    cswd_file: str
    climate_source: str
    ghi_monthly_kwh_m2: tuple[float, ...]
    temp_monthly_c: tuple[float, ...]
    wind_speed_100m_ms: float
    wind_weibull_k: float
    wind_seasonal_amplitude: float = 0.0
    wind_windiest_month: int = 1
    wind_diurnal_amplitude: float = 0.0
    wind_monthly_factor: tuple[float, ...] = ()
    """Monthly mean wind speed relative to the annual mean, Jan..Dec [-]; when given it replaces the
    one-harmonic seasonal cycle (``wind_seasonal_amplitude``, ``wind_windiest_month``)."""
    wind_resource_source: str = "ASSUMPTION"
    """Where ``wind_speed_100m_ms`` and the cycles come from."""

    def carbon_series(self, index: pd.DatetimeIndex) -> pd.Series:
        """Flat provincial average grid carbon intensity at each time of ``index`` [gCO2/kWh].

        No official hourly series exists (FACTS.md); a flat annual average is the model choice.
        """
        return pd.Series(self.grid_factor_kg_per_kwh * 1000.0, index=index,
                         name="carbon_g_per_kwh")

    def as_record(self) -> dict:
        """The hub as a flat JSON-ready dictionary."""
        return {
            "name": self.name,
            "name_zh": self.name_zh,
            "province": self.province,
            "role": self.role,
            "lat": self.lat,
            "lon": self.lon,
            "elevation_m": self.elevation_m,
            "timezone": self.timezone,
            "grid_factor_kg_per_kwh": self.grid_factor_kg_per_kwh,
            "grid_factor_year": self.grid_factor_year,
            "tariff": self.tariff.key,
            "tariff_source": self.tariff.source,
            "flat_price_cny_per_kwh": self.tariff.flat_price_cny_per_kwh,
            "pue_target": self.pue_target,
            "ghi_kwh_m2": round(sum(self.ghi_monthly_kwh_m2), 1),
            "temp_air_mean_c": round(float(np.mean(self.temp_monthly_c)), 1),
            "wind_speed_100m_ms": self.wind_speed_100m_ms,
            "climate_source": self.climate_source,
        }


def _periods(raw: list) -> tuple[tuple[int, int], ...]:
    return tuple((int(start), int(end)) for start, end in raw)


def _tariff(key: str, raw: dict) -> Tariff:
    seasons = tuple(
        TariffSeason(
            months=tuple(season["months"]),
            peak_hours=_periods(season.get("peak_hours", [])),
            valley_hours=_periods(season.get("valley_hours", [])),
            peak_ratio=season.get("peak_ratio", 1.0),
            valley_ratio=season.get("valley_ratio", 1.0),
            critical_peak_hours=_periods(season.get("critical_peak_hours", [])),
            critical_peak_factor=season.get("critical_peak_factor", 1.0),
            deep_valley_hours=_periods(season.get("deep_valley_hours", [])),
            deep_valley_factor=season.get("deep_valley_factor", 1.0),
        )
        for season in raw["seasons"]
    )
    return Tariff(key=key, source=raw["source"],
                  flat_price_cny_per_kwh=raw["flat_price_cny_per_kwh"],
                  flat_price_source=raw["flat_price_source"], seasons=seasons,
                  coal_benchmark_cny_per_kwh=raw.get("coal_benchmark_cny_per_kwh", 0.0),
                  coal_benchmark_source=raw.get("coal_benchmark_source", "not given"),
                  demand_charge_cny_per_kw_month=raw.get("demand_charge_cny_per_kw_month", 0.0),
                  demand_charge_source=raw.get("demand_charge_source", "not given"))


@cache
def load_catalogue() -> dict[str, Hub]:
    """All catalogue hubs by ASCII name, in file order."""
    raw = tomllib.loads(resources.files("weather").joinpath("hubs.toml").read_text("utf-8"))
    defaults = raw["defaults"]
    tariffs = {key: _tariff(key, value) for key, value in raw["tariffs"].items()}
    hubs = {}
    for name, row in raw["hubs"].items():
        hubs[name] = Hub(
            name=name,
            name_zh=row["name_zh"],
            province=row["province"],
            role=row["role"],
            lat=row["lat"],
            lon=row["lon"],
            elevation_m=row["elevation_m"],
            timezone=defaults["timezone"],
            grid_factor_kg_per_kwh=row["grid_factor_kg_per_kwh"],
            grid_factor_year=defaults["grid_factor_year"],
            grid_factor_source=row.get("grid_factor_note", defaults["grid_factor_source"]),
            tariff=tariffs[row["tariff"]],
            pue_target=defaults[f"pue_target_{row['role']}"],
            cswd_file=row["cswd_file"],
            climate_source=row["climate_source"],
            ghi_monthly_kwh_m2=tuple(row["ghi_monthly_kwh_m2"]),
            temp_monthly_c=tuple(row["temp_monthly_c"]),
            wind_speed_100m_ms=row["wind_speed_100m_ms"],
            wind_weibull_k=row["wind_weibull_k"],
            wind_seasonal_amplitude=row["wind_seasonal_amplitude"],
            wind_windiest_month=row["wind_windiest_month"],
            wind_diurnal_amplitude=row["wind_diurnal_amplitude"],
            wind_monthly_factor=tuple(row.get("wind_monthly_factor", ())),
            wind_resource_source=row.get("wind_resource_source", "ASSUMPTION"),
        )
    return hubs


def get_hub(name: str) -> Hub:
    """The catalogue hub called ``name`` (ASCII key, e.g. ``"zhongwei"``).

    Raises
    ------
    UnknownHubError
        If the name is not in the catalogue; the message lists the known names.
    """
    hubs = load_catalogue()
    if name not in hubs:
        raise UnknownHubError(
            f"hub: unknown hub {name!r}; expected one of {', '.join(hubs)} "
            "(run `suandian hubs` to list them)")
    return hubs[name]
