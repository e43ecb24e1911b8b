"""A JSON Schema (draft 2020-12) of the scenario TOML file, for editors that validate and complete it.

Built from the same key lists the reader checks (:data:`engine.inputs.scenario_file.TABLE_KEYS`), so a
key the reader accepts is in the schema and a misspelt one is flagged (``additionalProperties: false``).
The schema states types and simple ranges only; the reader's checks (:mod:`engine.inputs.scenario_file`)
stay the authority, with their messages that say how to fix a value.
"""

from __future__ import annotations

from typing import Any

from engine.inputs.plan_settings import BOUND_KEYS
from engine.inputs.scenario_file import TABLE_KEYS

NUMBER = {"type": "number"}
INTEGER = {"type": "integer"}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
SHARE = {"type": "number", "minimum": 0, "maximum": 1}

TYPES: dict[str, dict[str, Any]] = {
    "name": STRING, "start": {**STRING, "description": "local start time in `timezone`, no offset"},
    "hours": {"type": "number", "exclusiveMinimum": 0}, "step_minutes": INTEGER,
    "timezone": {**STRING, "description": "an IANA name such as Asia/Shanghai, or UTC"},
    "minimize": {"enum": ["cost", "carbon", "grid"]}, "min_green_share": SHARE,
    "pue": {"anyOf": [{"type": "number", "minimum": 1, "maximum": 3}, {"const": "weather"}]},
    "tracking": BOOLEAN, "calibrate_wind": BOOLEAN, "grid_charging": BOOLEAN,
    "weather": {**STRING, "description": "\"typical\" or a weather file path (EPW, TMY3, PVGIS, CSV, "
                                         "ERA5 netCDF)"},
    "weather_seed": INTEGER, "profiles": {**STRING, "description": "CSV of series overrides"},
    "forecast": {**STRING, "description": "the hub's forecast file for operate and dayahead (forecast CSV "
                                          "or Open-Meteo JSON); --forecast replaces it"},
    "round_trip_efficiency": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "initial_soc": SHARE, "origin": STRING, "from": STRING, "to": STRING, "province": STRING,
    "tariff": {**STRING, "description": "a catalogue tariff key such as \"ningxia\""},
    "hubs": {"type": "array", "items": STRING}, "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180}, "years": {"type": "integer", "minimum": 1},
    "out_of_sample_years": {"type": "integer", "minimum": 0},
    "target": {"enum": ["every_year", "average"]},
    "min": {"type": "number", "minimum": 0}, "max": {"type": "number", "minimum": 0},
}
"""The type of each key by name; keys not named here are non-negative numbers (MW, MWh, CNY, ...)."""

UNITS = {"_mw": "MW", "_mwh": "MWh", "_kwh": "kWh", "_gbps": "Gbit/s", "gbps": "Gbit/s", "_hours": "h",
         "_cny_per_kwh": "CNY/kWh", "_cny_per_t": "CNY/tCO2", "_kg_per_kwh": "kgCO2/kWh", "_m": "m"}


def _property(key: str) -> dict[str, Any]:
    """The schema of one key: its :data:`TYPES` entry, else a number with the unit its suffix names."""
    if key in TYPES:
        return dict(TYPES[key])
    unit = next((unit for suffix, unit in UNITS.items() if key.endswith(suffix)), None)
    return {"type": "number", **({"description": f"[{unit}]"} if unit else {})}


def _table(keys: tuple[str, ...], children: dict[str, dict[str, Any]]) -> dict[str, Any]:
    properties = {key: children.get(key, _property(key)) for key in keys}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _by_name(schema: dict[str, Any]) -> dict[str, Any]:
    """A table of tables keyed by any name (``[hubs.<name>]``)."""
    return {"type": "object", "additionalProperties": schema}


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (module docstring).

    Returns
    -------
    dict
        A draft 2020-12 schema: top-level keys, ``[objective]``, ``[hubs.<name>]`` with its
        ``battery``, ``[[workloads]]``, ``[[links]]``, ``[plan]``, ``[transfer]`` and ``[sources]``.
    """
    battery = _table(TABLE_KEYS[("hubs", "*", "battery")], {})
    hub = _table(TABLE_KEYS[("hubs", "*")], {"battery": battery})
    bound = _table(BOUND_KEYS, {})
    plan_hub = _table(TABLE_KEYS[("plan", "hubs", "*")],
                      {key: {"anyOf": [NUMBER, bound]} for key in TABLE_KEYS[("plan", "hubs", "*")]})
    plan = _table(TABLE_KEYS[("plan",)], {"hubs": _by_name(plan_hub),
                                          "costs": _table(TABLE_KEYS[("plan", "costs")], {})})
    top = _table(TABLE_KEYS[()], {
        "objective": _table(TABLE_KEYS[("objective",)], {}),
        "hubs": _by_name(hub),
        "workloads": {"type": "array", "items": _table(TABLE_KEYS[("workloads", "*")], {})},
        "links": {"type": "array", "items": _table(TABLE_KEYS[("links", "*")], {})},
        "plan": plan, "transfer": _table(TABLE_KEYS[("transfer",)], {}),
        "sources": {"type": "object",
                    "description": "key path of a value the file sets -> where the value comes from",
                    "additionalProperties": {"type": "string", "minLength": 1}},
    })
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "suandian scenario", "description": "A suandian scenario TOML file (suandian run).",
            **top, "required": ["hubs"]}
