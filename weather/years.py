"""Many weather years for a hub that differ the way real years do.

Each year is a typical year (:func:`weather.synthetic.typical_year`) of its own calendar year with its
own seed, so its days, dark spells and calm spells differ, drawn from the hub's CSWD station's daily
climate (weather/daily_climate.py: dark days, persistence, spells, daily temperature range); its
months keep a quarter of their days' departure from the climatology; on top, the year as a whole is
brighter or duller and windier or calmer than the climatology by an inter-annual anomaly:

- annual GHI x (1 + ``GHI_INTERANNUAL_CV`` z_ghi);
- wind speed x (1 + ``WIND_SPEED_INTERANNUAL_CV`` z_wind) (energy moves about twice as much);

with z standard-normal, drawn per year for all catalogue hubs at once with a spatial correlation
``exp(-d / CORRELATION_LENGTH_KM)`` between hubs d km apart, so nearby hubs share their good and bad
years (one synoptic regime). Averaged over many years the anomalies vanish and the monthly GHI returns
to the catalogue's (the CSWD climatology).

Magnitudes (FACTS.md, "Inter-annual variability"): national GHI 2023 was 1.27 % below the 2013-22 mean
and national 10 m wind moved by 0.03-0.27 % (CMA) — national means, sites vary more; the industry
assumption sigma(annual mean wind speed) = 6 % is found overstated (Pryor et al., WES 3:651, 2018), and
the choice of one measurement year shifts long-term estimates by 1-14 %, mean 6.5 % (Borowski et al.,
WES 2026). Hence ASSUMPTION: a site CV of 4 % for annual GHI (three times the national 2023 anomaly;
station CVs in north China were not found) and 4 % for the annual mean wind speed (below the overstated
6 %, about 8 % in energy); correlation length 800 km (ASSUMPTION: the size of a synoptic system).
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np
import pandas as pd

from weather.calendar import concat_years
from weather.catalogue import Hub, get_hub, load_catalogue
from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.geo import great_circle_km
from weather.synthetic import typical_year

GHI_INTERANNUAL_CV = 0.04
"""Coefficient of variation of annual GHI between years [-] (ASSUMPTION, see the module docstring)."""
WIND_SPEED_INTERANNUAL_CV = 0.04
"""Coefficient of variation of the annual mean wind speed between years [-] (ASSUMPTION, as above)."""
CORRELATION_LENGTH_KM = 800.0
"""Length scale of the hub-to-hub correlation of annual anomalies [km] (ASSUMPTION: a synoptic system)."""
MAX_YEARS = 100
"""Most synthetic years one request may ask for [-]."""


def hub_correlation() -> tuple[list[str], np.ndarray]:
    """Catalogue hub names and the correlation of their annual anomalies, exp(-d / 800 km) [-]."""
    hubs = list(load_catalogue().values())
    distance_km = np.array([[great_circle_km(a.lat, a.lon, b.lat, b.lon) for b in hubs] for a in hubs])
    matrix = np.exp(-distance_km / CORRELATION_LENGTH_KM)
    return [hub.name for hub in hubs], matrix


def annual_anomalies(hub_name: str, years: int, seed: int) -> np.ndarray:
    """Anomalies z of each year for one catalogue hub, shape (years, 2): GHI and wind speed [-].

    Drawn for all catalogue hubs together (same seed: the same draws), so hubs are correlated by
    :func:`hub_correlation`; GHI and wind anomalies are drawn independently of each other.
    """
    names, matrix = hub_correlation()
    lower = np.linalg.cholesky(matrix + 1e-9 * np.eye(len(names)))
    rng = np.random.default_rng([seed, zlib.crc32(b"interannual")])
    draws = rng.standard_normal((years, 2, len(names))) @ lower.T
    return draws[:, :, names.index(hub_name)]


def weather_years(hub: Hub | str, years: int, seed: int = 0, start_year: int = 2025) -> list[WeatherData]:
    """``years`` consecutive synthetic weather years of a catalogue hub.

    Parameters
    ----------
    hub : Hub or str
        A catalogue hub or its name.
    years : int
        Number of years, 1-100.
    seed : int
        Non-negative seed; year i uses the typical-year seed ``seed * 1000 + i`` and the i-th anomaly.
    start_year : int
        Local calendar year of the first year.

    Returns
    -------
    list of WeatherData
        One record per year (columns and units of :func:`weather.synthetic.typical_year`); the source
        names the year's GHI and wind-speed factors.

    Raises
    ------
    WeatherInputError
        For a bad number of years, seed or start year.
    """
    hub = get_hub(hub) if isinstance(hub, str) else hub
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        raise WeatherInputError(f"years: expected an integer 1..{MAX_YEARS}, got {years!r}; pass e.g. 10")
    if hub.name not in load_catalogue():
        raise WeatherInputError(f"hub: expected a catalogue hub for synthetic years, got {hub.name!r}; "
                                "give a weather file instead")
    anomalies = annual_anomalies(hub.name, years, seed)
    records = []
    for i in range(years):
        base = typical_year(hub, year=start_year + i, seed=seed * 1000 + i)
        ghi_factor = 1.0 + GHI_INTERANNUAL_CV * float(anomalies[i, 0])
        wind_factor = 1.0 + WIND_SPEED_INTERANNUAL_CV * float(anomalies[i, 1])
        data = base.data.copy()
        data[["ghi", "dni", "dhi"]] *= ghi_factor
        data["wind_speed"] *= wind_factor
        source = (f"synthetic year {start_year + i} {hub.name} (seed {seed}, year {i}: "
                  f"GHI x {ghi_factor:.3f}, wind x {wind_factor:.3f})")
        records.append(dataclasses.replace(base, data=data, source=source))
    return records


def weather_record(hub: Hub | str, years: int, seed: int = 0, start_year: int = 2025) -> WeatherData:
    """:func:`weather_years` as one continuous record (years concatenated in order)."""
    record = concat_years(weather_years(hub, years, seed, start_year))
    name = hub if isinstance(hub, str) else hub.name
    source = f"{years} synthetic years {name} from {start_year} (seed {seed})"
    return dataclasses.replace(record, source=source)


def annual_totals(weather: WeatherData) -> pd.DataFrame:
    """Annual GHI [kWh/m2] and mean wind speed [m/s] per local calendar year of a record."""
    local = weather.data.index.tz_convert("Asia/Shanghai")
    grouped = weather.data.groupby(local.year)
    return pd.DataFrame({"ghi_kwh_m2": grouped["ghi"].sum() * weather.step_hours / 1000.0,
                         "wind_speed_mean_ms": grouped["wind_speed"].mean()})
