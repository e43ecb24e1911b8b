"""Output folders you can trust: written whole into a temporary folder, then moved into place.

A command's files are written into ``.<name>.partial-<pid>`` beside ``--out``; when every file is
complete, ``manifest.json`` is added and the folder replaces ``--out`` (the previous folder is renamed
aside and deleted). An interrupted or failed command deletes its temporary folder and leaves the previous
results whole; a folder never mixes the files of two commands, so a ``run`` into an ``operate`` folder
leaves no stale ``forecast.csv``. Entries named in ``keep`` (the sweep's ``points/`` store) are carried
over into the new folder.

``manifest.json`` records what the files depend on::

    {"command": "run", "arguments": {...}, "scenario": {"name": ..., "sha256": ...},
     "inputs": [{"path": ..., "sha256": ...}], "package": {"name": "suandian", "version": ...},
     "created": "2026-...Z", "files": [{"path": "summary.json", "bytes": ..., "sha256": ...}]}

Refusals (:class:`OutputFolderError`, one line): ``--out`` is a file, ``--out`` holds or is an input
of the command, or ``--out`` is a folder with other files and no manifest (not a suandian output).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from engine.atomic import write_json
from engine.inputs.sources import PACKAGE, file_sha256, package_version, settings_sha256

MANIFEST = "manifest.json"
"""Name of the manifest in every output folder."""

class OutputFolderError(ValueError):
    """An output folder that cannot be written without harm (the message names it and the fix)."""


def check_out_dir(out_dir: str | Path, inputs: Iterable[str | Path] = (), keep: Iterable[str] = ()) -> Path:
    """Refuse an output folder that would overwrite an input or someone else's files.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The ``--out`` folder.
    inputs : iterable of path
        Every file the command reads.
    keep : iterable of str
        Entries the command itself keeps in the folder between runs (e.g. ``points``).

    Returns
    -------
    pathlib.Path
        The resolved folder.

    Raises
    ------
    OutputFolderError
    """
    folder = Path(out_dir).resolve()
    if folder.exists() and not folder.is_dir():
        raise OutputFolderError(f"--out {str(out_dir)!r}: expected a folder, got a file; give a folder path")
    blocking = next((parent for parent in folder.parents if parent.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise OutputFolderError(f"--out {str(out_dir)!r}: its parent {str(blocking)!r} is a file, expected a "
                                "folder; give a folder path")
    for path in inputs:
        resolved = Path(path).resolve()
        if resolved == folder or folder in resolved.parents:
            raise OutputFolderError(f"--out {str(out_dir)!r}: it holds the input {str(path)!r}, which the "
                                    "outputs would replace; choose another output folder")
    if folder.is_dir() and not (folder / MANIFEST).is_file():
        foreign = sorted(entry.name for entry in folder.iterdir() if entry.name not in set(keep))
        if foreign:
            raise OutputFolderError(f"--out {str(out_dir)!r}: expected an empty folder or a suandian output "
                                    f"folder (with {MANIFEST}), got {len(foreign)} other entries (e.g. "
                                    f"{foreign[0]!r}); choose a new folder or empty this one")
    return folder


def manifest(command: str, arguments: Mapping[str, Any], inputs: Iterable[str | Path], folder: Path,
             settings: Mapping[str, Any] | None = None, scenario_name: str | None = None) -> dict:
    """The manifest of a complete output folder (module docstring).

    Parameters
    ----------
    command : str
        The command (``run``, ``operate``, ``plan``, ``sweep``, ...).
    arguments : mapping
        Its arguments (values written as text where they are not JSON).
    inputs : iterable of path
        Every file the command read.
    folder : pathlib.Path
        The folder whose files are listed (the temporary folder before it moves into place).
    settings : mapping, optional
        The raw scenario keys, hashed as the scenario's identity.
    scenario_name : str, optional

    Returns
    -------
    dict
    """
    files = sorted(path for path in folder.rglob("*") if path.is_file() and path.name != MANIFEST)
    return {
        "command": command,
        "arguments": {key: value if isinstance(value, (bool, int, float, type(None))) else str(value)
                      for key, value in arguments.items()},
        "scenario": (None if settings is None
                     else {"name": scenario_name, "sha256": settings_sha256(settings)}),
        "inputs": [{"path": str(path), "sha256": file_sha256(path)}
                   for path in sorted({Path(p).resolve() for p in inputs})],
        "package": {"name": PACKAGE, "version": package_version()},
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "files": [{"path": path.relative_to(folder).as_posix(), "bytes": path.stat().st_size,
                   "sha256": file_sha256(path)} for path in files],
    }


@contextlib.contextmanager
def output_folder(out_dir: str | Path, command: str, *, arguments: Mapping[str, Any] | None = None,
                  inputs: Iterable[str | Path] = (), settings: Mapping[str, Any] | None = None,
                  scenario_name: str | None = None, keep: Iterable[str] = ()) -> Iterator[Path]:
    """A temporary folder to write a command's files into; moved onto ``out_dir`` when the block ends.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The final folder (``--out``); checked with :func:`check_out_dir`.
    command : str
        The command, for the manifest.
    arguments, inputs, settings, scenario_name
        As :func:`manifest` records them.
    keep : iterable of str
        Entries of the previous folder carried into the new one (the sweep's ``points``).

    Yields
    ------
    pathlib.Path
        The temporary folder; write every file there. On an exception it is deleted and ``out_dir`` is
        left as it was.
    """
    inputs, keep = list(inputs), tuple(keep)
    final = check_out_dir(out_dir, inputs, keep)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = final.with_name(f".{final.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
        record = manifest(command, arguments or {}, inputs, staging, settings, scenario_name)
        record["files"] = [*record["files"], *[{"path": name, "kept": True} for name in keep
                                               if (final / name).exists()]]
        write_json(staging / MANIFEST, record)
        with _signals_held():  # a Ctrl-C or SIGTERM arrives after the swap, never between its renames
            _replace_folder(staging, final, keep)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (delivered when the block ends)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _replace_folder(staging: Path, final: Path, keep: tuple[str, ...]) -> None:
    """Move ``staging`` onto ``final``: carry the kept entries over, move the old folder aside, delete it."""
    if not final.exists():
        os.replace(staging, final)
        return
    moved = [name for name in keep if (final / name).exists()]
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    try:
        for name in moved:
            os.replace(final / name, staging / name)
        os.replace(final, old)
    except OSError:
        for name in moved:  # the kept entries go back; the temporary folder is then deleted
            if (staging / name).exists():
                os.replace(staging / name, final / name)
        raise
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)
