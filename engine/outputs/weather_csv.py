"""``suandian weather``'s output: the hourly weather frame the engine uses, as ``weather.csv``.

Columns: ``time`` (local ISO 8601 with its UTC offset, interval start), ``ghi``, ``dni``, ``dhi``
[W/m2], ``temp_air`` [degC], ``wind_speed_<h>m`` [m/s] at its measurement height h, ``pressure`` [Pa].
Next to it ``weather.json`` holds the site, the source and the notes of what was corrected or calibrated.
"""

from __future__ import annotations

from pathlib import Path

from engine.atomic import write_atomic, write_json
from engine.inputs.times import local_iso
from weather.catalogue import TIMEZONE
from weather.frame import WeatherData


def weather_table_columns(weather: WeatherData) -> list[str]:
    """Column names of ``weather.csv`` (the wind column carries its height)."""
    return ["time", "ghi", "dni", "dhi", "temp_air", f"wind_speed_{weather.wind_height_m:g}m", "pressure"]


def write_weather_csv(weather: WeatherData, out: str | Path) -> dict[str, Path]:
    """Write ``out/weather.csv`` and ``out/weather.json`` (each atomically); return their paths.

    Parameters
    ----------
    weather : WeatherData
        The weather to write.
    out : str or pathlib.Path
        Output folder (created when missing).
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    table = weather.data[["ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure"]].copy()
    table.insert(0, "time", local_iso(table.index, TIMEZONE).to_numpy())
    table.columns = weather_table_columns(weather)
    csv_path = write_atomic(folder / "weather.csv",
                            lambda temporary: table.to_csv(temporary, index=False, float_format="%.3f"))
    meta = {"source": weather.source, "latitude": weather.latitude, "longitude": weather.longitude,
            "elevation_m": weather.elevation_m, "wind_height_m": weather.wind_height_m,
            "hours": len(table), "notes": list(weather.notes)}
    return {"weather.csv": csv_path, "weather.json": write_json(folder / "weather.json", meta)}
