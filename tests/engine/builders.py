"""Hand-built scenarios for the model and baseline tests (no files, no weather)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.inputs.scenario import HUB_SERIES, Battery, HubInputs, Link, Objective, Scenario, Workload


def time_index(steps: int, step_hours: float = 1.0, start: str = "2025-07-01 00:00",
               timezone: str = "Asia/Shanghai") -> pd.DatetimeIndex:
    """A regular UTC index of ``steps`` steps starting at local ``start``."""
    first = pd.Timestamp(start, tz=timezone).tz_convert("UTC")
    return pd.date_range(first, periods=steps, freq=pd.Timedelta(hours=step_hours))


def hub(name: str, index: pd.DatetimeIndex, *, it_capacity_kw: float = 1000.0, grid_import_kw: float = 1e4,
        solar_kw=0.0, wind_kw=0.0, firm_it_kw=0.0, pue=1.0, carbon_g_per_kwh=600.0,
        price_cny_per_kwh=0.5, battery: Battery | None = None) -> HubInputs:
    """A hub whose series are scalars or arrays on ``index``."""
    values = dict(solar_kw=solar_kw, wind_kw=wind_kw, firm_it_kw=firm_it_kw, pue=pue,
                  carbon_g_per_kwh=carbon_g_per_kwh, price_cny_per_kwh=price_cny_per_kwh)
    series = pd.DataFrame({k: np.broadcast_to(np.asarray(values[k], dtype=float), len(index)).copy()
                           for k in HUB_SERIES}, index=index)
    return HubInputs(name=name, it_capacity_kw=it_capacity_kw, grid_import_kw=grid_import_kw, series=series,
                     battery=battery)


def workload(name: str, origin: str, index: pd.DatetimeIndex, arrival_it_kw, deadline_hours: float,
             hubs: tuple[str, ...] | None = None, data_tb_per_mwh: float = 0.0) -> Workload:
    """A workload with arrivals given as a scalar or an array on ``index``."""
    values = np.broadcast_to(np.asarray(arrival_it_kw, dtype=float), len(index)).copy()
    arrivals = pd.Series(values, index=index)
    return Workload(name=name, origin=origin, arrival_it_kw=arrivals, deadline_hours=deadline_hours,
                    hubs=hubs or (origin,), data_tb_per_mwh=data_tb_per_mwh)


def scenario(index: pd.DatetimeIndex, hubs: list[HubInputs], workloads=(), links: tuple[Link, ...] = (),
             minimize: str = "grid", carbon_price: float = 0.0, min_green_share: float = 0.0,
             step_hours: float | None = None) -> Scenario:
    """A scenario on ``index``; the step length is read from the index unless given."""
    if step_hours is None:
        step_hours = (index[1] - index[0]) / pd.Timedelta(hours=1) if len(index) > 1 else 1.0
    return Scenario(name="test", index=index, step_hours=step_hours, timezone="Asia/Shanghai",
                    objective=Objective(minimize=minimize, carbon_price_cny_per_t=carbon_price,
                                        min_green_share=min_green_share),
                    hubs={h.name: h for h in hubs}, workloads=tuple(workloads), links=tuple(links))
