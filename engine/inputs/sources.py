"""The files a scenario reads, and their content hashes: what a result depends on besides its keys.

Used by the output manifests (:mod:`engine.outputs.manifest`) and the sweep's point key
(:mod:`engine.studies.sweep`), so both name the same inputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

MAX_PATH_CHARS = 1024
"""Longest string that is tried as a file path."""


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def settings_sha256(settings: Mapping[str, Any]) -> str:
    """SHA-256 of a raw scenario (its TOML keys), independent of key order."""
    text = json.dumps(settings, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def referenced_files(raw: Any, base_dir: str | Path) -> dict[str, Path]:
    """Every file a raw scenario names (profiles, weather files), by the path as written.

    Parameters
    ----------
    raw : dict
        The scenario keys as read from TOML.
    base_dir : str or pathlib.Path
        The folder relative paths are read from.

    Returns
    -------
    dict of str to pathlib.Path
        Path as written -> the resolved file, sorted by the written path; strings that name no file are
        left out.
    """
    found = {}
    stack = [raw]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and 0 < len(item) < MAX_PATH_CHARS and "\n" not in item:
            candidate = Path(base_dir) / item
            if candidate.is_file():
                found[item] = candidate.resolve()
    return dict(sorted(found.items()))


PACKAGE = "suandian"
"""The distribution whose version the manifests and the sweep's point key record."""

PACKAGES = ("engine", "weather")
"""The import packages whose files (code and data: the hub catalogue, the bundled scenario) determine a
result."""


def package_version() -> str:
    """The installed suandian version (``"unknown"`` when run from an uninstalled checkout)."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"


def package_files() -> list[Path]:
    """Every file of the ``engine`` and ``weather`` packages (code and data), sorted."""
    root = Path(__file__).resolve().parents[2]
    return sorted(path for package in PACKAGES for path in (root / package).rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc")


@cache
def package_fingerprint() -> str:
    """SHA-256 over the version and every file of :func:`package_files`.

    Code and package data alike (``weather/hubs.toml`` with its tariffs and grid factors, the bundled
    scenario): a result computed with other code or another catalogue has another fingerprint. Computed
    once per process.
    """
    digest = hashlib.sha256(package_version().encode("utf-8"))
    root = Path(__file__).resolve().parents[2]
    for path in package_files():
        digest.update(f"{path.relative_to(root).as_posix()}\0{file_sha256(path)}\0".encode())
    return digest.hexdigest()
