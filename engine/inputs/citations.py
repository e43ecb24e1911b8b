"""Where the numbers a scenario file sets come from: its ``[sources]`` table.

``[sources]`` maps the key path (:mod:`engine.inputs.keypath`) of a value the file sets to the text that
says where the value comes from::

    [hubs.zhongwei]
    export_price_cny_per_kwh = 0.148

    [sources]
    "hubs.zhongwei.export_price_cny_per_kwh" = "ASSUMPTION: Ningxia benchmark x Shandong's PV auction ratio"

The report's table of assumed inputs (:func:`engine.inputs.economics.assumed_inputs`) shows that text
beside the value, where a bare "scenario file" would otherwise stand. A source belongs to the value the
file wrote: an override of the key (``load_scenario(..., **overrides)``, a sweep) drops it
(:func:`engine.inputs.keypath.apply_overrides`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import ScenarioError
from engine.inputs.fields import Problems, table
from engine.inputs.keypath import SOURCES_KEY, canonical_key, resolve_key

MAX_SOURCE_CHARS = 500
"""Longest source text [characters]: a citation, not a document."""


def read_sources(value: Any, raw: Mapping[str, Any]) -> dict[str, str]:
    """The ``[sources]`` table, each key path checked against the file.

    Parameters
    ----------
    value : object
        The ``sources`` value of the file (a table of key path -> text).
    raw : mapping
        The whole scenario as read from TOML: every key path must name a value it sets.

    Returns
    -------
    dict of str to str
        Canonical key path (as :func:`~engine.inputs.keypath.canonical_key` writes it) -> source text.

    Raises
    ------
    ScenarioError
        Naming every entry whose key path sets no value of the file or whose source is not text.
    """
    entries = table(value, SOURCES_KEY)
    problems = Problems()
    sources = {}
    for key, text in entries.items():
        path = problems.attempt(lambda key=key: _cited_key(key, raw))
        cited = problems.attempt(lambda key=key, text=text: _source_text(key, text))
        if path is not None and cited is not None:
            sources[path] = cited
    problems.raise_any()
    return sources


def _cited_key(key: str, raw: Mapping[str, Any]) -> str:
    """The canonical form of a cited key path that names a value (not a table) the file sets."""
    label = f"{SOURCES_KEY}: key path"
    container, accessor, exists = resolve_key(raw, key, label=label)
    if not exists:
        raise ScenarioError(f"{label} {key!r}: the file sets no such key, so there is no value to cite. "
                            "Fix: cite a key the file writes "
                            "(e.g. \"hubs.zhongwei.export_price_cny_per_kwh\"), or delete the entry.")
    if isinstance(container[accessor], Mapping | list):
        raise ScenarioError(f"{label} {key!r}: names a table, not a value. Fix: cite one key inside it "
                            f"(e.g. \"{key}.<key>\").")
    return canonical_key(key, label=label)


def _source_text(key: str, text: Any) -> str:
    """A non-empty source text of at most :data:`MAX_SOURCE_CHARS` characters."""
    if not isinstance(text, str) or not 0 < len(text.strip()) <= MAX_SOURCE_CHARS:
        got = (f"{type(text).__name__} {text!r}" if not isinstance(text, str)
               else f"{len(text.strip())} characters besides spaces")
        raise ScenarioError(f"{SOURCES_KEY}.{key!r}: expected the source as text of 1 to {MAX_SOURCE_CHARS} "
                            f"characters, got {got}. Fix: write where the value comes from in quotes, "
                            "e.g. \"NDRC 2025 No.136\" or \"ASSUMPTION: ...\".")
    return text.strip()

