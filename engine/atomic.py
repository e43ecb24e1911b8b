"""Atomic file writes: a temporary file in the target's folder, then ``os.replace``.

A reader never sees a half-written file, and an interrupted write leaves the previous file (or none). An
``OSError`` (disk full, no permission) names the target file.
Used by the output writers (:mod:`engine.outputs.files`) and the sweep's point store; JSON is written
here, once, for both.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Write a file through ``write(temporary_path)``, then move it into place.

    Parameters
    ----------
    path : str or pathlib.Path
        The target file; its folder must exist.
    write : callable
        Writes the complete content to the path it is given (e.g. ``frame.to_csv``).

    Returns
    -------
    pathlib.Path
        The target file.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, target)
    except OSError as error:  # name the file the user asked for, not the temporary one
        raise OSError(error.errno, error.strerror or str(error), str(target)) from error
    finally:
        with contextlib.suppress(OSError):  # e.g. the folder is a file: keep the error above
            temporary.unlink(missing_ok=True)
    return target


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (:func:`write_atomic`)."""
    return write_atomic(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def write_json(path: str | Path, content: object) -> Path:
    """Write JSON atomically: UTF-8, indented, non-ASCII kept, dates and other objects as text.

    The one JSON writer of the engine (outputs and the sweep's point store).
    """
    return write_text_atomic(path, json.dumps(content, ensure_ascii=False, indent=2, default=str) + "\n")
