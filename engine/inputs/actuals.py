"""Actual renewables of a past day, for settlement: a CSV of ``time, hub, solar_kw, wind_kw``.

``time`` is the start of each step, ISO 8601 with its UTC offset (naive times are an error, DESIGN.md);
one row per hub and step of the day; power in kW (what the parks delivered, e.g. from the SCADA or the
trading settlement data).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import ScenarioError

COLUMNS = ("time", "hub", "solar_kw", "wind_kw")
"""Columns of an actuals file."""


def read_actuals(path: str | Path, index: pd.DatetimeIndex, hubs: list[str]) -> np.ndarray:
    """Solar plus wind of every hub and step of ``index`` from an actuals CSV [kW].

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV (module docstring).
    index : pandas.DatetimeIndex
        The steps of the day (UTC).
    hubs : list of str
        The scenario's hubs, in order.

    Returns
    -------
    numpy.ndarray
        ``(steps, hubs)`` solar plus wind [kW].

    Raises
    ------
    engine.errors.ScenarioError
        Missing columns, naive or unparsable times, unknown or missing hubs, missing or extra steps, a
        different step length, negative or non-numeric power; the message names the file and the fix.
    """
    name = str(path)
    try:
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ScenarioError(
            f"--actuals {name}: expected a readable CSV, got {error}; check the path"
        ) from error
    missing = [column for column in COLUMNS if column not in frame]
    if missing:
        raise ScenarioError(
            f"--actuals {name}: expected the columns {', '.join(COLUMNS)}, got no "
            f"{', '.join(missing)}; add them (power in kW)"
        )
    try:
        times = pd.to_datetime(frame["time"], utc=False, format="ISO8601")
    except (ValueError, TypeError) as error:
        raise ScenarioError(
            f"--actuals {name}: time: expected ISO 8601 times with their UTC offset, got "
            f"{frame['time'].iloc[0]!r}; write e.g. 2025-07-02T00:00:00+08:00"
        ) from error
    if getattr(times.dt, "tz", None) is None:
        raise ScenarioError(
            f"--actuals {name}: time: expected times with a UTC offset, got naive times "
            f"({frame['time'].iloc[0]!r}); add the offset, e.g. +08:00"
        )
    frame = frame.assign(time=times.dt.tz_convert("UTC"))
    unknown = sorted(set(frame["hub"]) - set(hubs))
    if unknown:
        raise ScenarioError(
            f"--actuals {name}: hub: expected the scenario's hubs {hubs}, got {unknown}; "
            "use this scenario's hub names"
        )
    return _grid(frame, index, hubs, name)


def _grid(frame: pd.DataFrame, index: pd.DatetimeIndex, hubs: list[str], name: str) -> np.ndarray:
    """The ``(steps, hubs)`` solar + wind of a checked frame on ``index``."""
    if len(frame) > 1:
        step = frame.groupby("hub")["time"].diff().dropna()
        expected = index[1] - index[0] if len(index) > 1 else None
        if expected is not None and len(step) and (step != expected).any():
            raise ScenarioError(
                f"--actuals {name}: time: expected steps of {expected}, got "
                f"{step[step != expected].iloc[0]}; resample to the scenario's step"
            )
    out = np.zeros((len(index), len(hubs)))
    for h, hub in enumerate(hubs):
        rows = frame[frame["hub"] == hub].set_index("time")
        gaps = index.difference(rows.index)
        if len(gaps):
            raise ScenarioError(
                f"--actuals {name}: hub {hub}: expected every step of the day "
                f"({index[0]} to {index[-1]}, UTC), got no {gaps[0]} ({len(gaps)} missing); "
                "fill the missing hours"
            )
        values = (
            rows.loc[index, ["solar_kw", "wind_kw"]].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        )
        if not np.isfinite(values).all() or (values < 0).any():
            raise ScenarioError(
                f"--actuals {name}: hub {hub}: expected finite power >= 0 kW, got "
                f"{values[~np.isfinite(values) | (values < 0)][0]!r}; fix the value"
            )
        out[:, h] = values.sum(axis=1)
    return out
