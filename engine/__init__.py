"""The 算电协同 co-scheduling engine: scenarios, the LP, reference policies, metrics, studies, outputs.

The public API, imported lazily so that ``import engine`` stays fast (no cvxpy until a study runs)::

    import engine
    scenario = engine.load_scenario("examples/east_west.toml")
    result = engine.run(scenario)                 # also engine.operate, engine.size
    result.metrics(by="hub")                      # every policy, per hub or step: one metrics API
    engine.sweep("examples/sweep_bandwidth.toml", "out")

- :func:`load_scenario`: a scenario TOML file (with dotted-key overrides) -> a validated ``Scenario``;
- :func:`run`, :func:`operate`, :func:`size`: the studies, each returning a :class:`StudyResult`;
- :func:`sweep`: many variants of a scenario on Dask (a sweep file or a ``Sweep``).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load_scenario": "engine.inputs.scenario_file",
    "run": "engine.studies.run",
    "operate": "engine.studies.operate",
    "size": "engine.studies.size",
    "sweep": "engine.studies.sweep",
    "StudyResult": "engine.studies.result",
}
"""Public name -> the module that defines it."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
