"""Local times with their UTC offset: the one formatter and parser of the engine.

Every series is on a UTC index inside the engine; people read and write local wall time with its UTC
offset. :func:`local_iso` writes tables (``2025-07-01T08:00:00+08:00``), :func:`local_label` writes one
moment into a message (``2025-07-01 08:00 +08:00``), :func:`parse_offset_times` reads the ``time``
column of a file (an offset is required: a naive time is an error, not a guess) and
:func:`check_timezone` accepts IANA zone names only (never a fixed offset such as ``"+08:00"``).
"""

from __future__ import annotations

import difflib
import re
import zoneinfo

import numpy as np
import pandas as pd

from engine.errors import ScenarioError

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")


def _with_colon(text: pd.Series) -> pd.Series:
    """``+0800`` -> ``+08:00`` at the end of each string (strftime's ``%z`` has no colon)."""
    return text.str[:-2] + ":" + text.str[-2:]


def local_iso(times: pd.DatetimeIndex | pd.Series, timezone: str) -> pd.Series:
    """ISO 8601 local times with their UTC offset, e.g. ``2025-07-01T08:00:00+08:00``.

    Parameters
    ----------
    times : pandas.DatetimeIndex or pandas.Series
        Tz-aware times.
    timezone : str
        IANA zone name of the output (``Asia/Shanghai``).

    Returns
    -------
    pandas.Series of str
        Indexed ``0 .. n - 1``.
    """
    times = pd.Series(pd.DatetimeIndex(times))
    return _with_colon(times.dt.tz_convert(timezone).dt.strftime("%Y-%m-%dT%H:%M:%S%z"))


def local_label(moment: pd.Timestamp, timezone: str) -> str:
    """One moment as local wall time with its UTC offset, e.g. ``2025-07-02 00:00 +08:00``.

    Parameters
    ----------
    moment : pandas.Timestamp
        A tz-aware time.
    timezone : str
        IANA zone name of the output.
    """
    return _with_colon(pd.Series([moment.tz_convert(timezone).strftime("%Y-%m-%d %H:%M %z")])).iloc[0]


def check_timezone(text: str, key: str = "timezone") -> str:
    """An IANA zone name (``Asia/Shanghai``, ``UTC``); never a fixed offset such as ``+08:00``.

    Parameters
    ----------
    text : str
        The zone name.
    key : str
        The field named in error messages.

    Returns
    -------
    str
        ``text``.

    Raises
    ------
    ScenarioError
        For a fixed offset or an unknown zone (with the closest known name).
    """
    if not isinstance(text, str) or not text.strip():
        raise ScenarioError(f"{key}: expected an IANA zone name such as \"Asia/Shanghai\", got {text!r}. "
                            "Fix: timezone = \"Asia/Shanghai\".")
    if _OFFSET.search(text) or text.upper().startswith(("UTC+", "UTC-", "GMT+", "GMT-")):
        raise ScenarioError(f"{key}: expected an IANA zone name such as \"Asia/Shanghai\" or \"UTC\", "
                            f"got the fixed offset {text!r}. Fix: timezone = \"Asia/Shanghai\".")
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(text, sorted(zoneinfo.available_timezones()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(f"{key}: unknown IANA zone {text!r}{hint}. "
                            "Fix: timezone = \"Asia/Shanghai\".") from None
    return text


def parse_offset_times(text: pd.Series, key: str, source: str) -> pd.DatetimeIndex:
    """Times written in ISO 8601 with their UTC offset, as a UTC index.

    Parameters
    ----------
    text : pandas.Series of str
        E.g. ``2025-07-01T00:00+08:00`` (any offset; ``Z`` for UTC).
    key : str
        Key path of the setting that names the file, for error messages.
    source : str
        The file's name, for error messages.

    Returns
    -------
    pandas.DatetimeIndex
        In UTC.

    Raises
    ------
    ScenarioError
        When a time has no offset or is not ISO 8601.
    """
    text = text.astype(str).str.strip()
    naive = ~text.str.contains(_OFFSET)
    if naive.any():
        row = int(np.argmax(naive.to_numpy()))  # the row, not its text: the file's content is not echoed
        raise ScenarioError(f"{key}: expected times with a UTC offset (e.g. 2025-07-01T00:00+08:00), got "
                            f"one without an offset at row {row} of {source}. Fix: add the offset.")
    try:
        return pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601", utc=True))
    except (ValueError, TypeError) as error:
        raise ScenarioError(f"{key}: column `time` of {source} is not ISO 8601 ({type(error).__name__}). "
                            "Fix: write times like 2025-07-01T00:00+08:00.") from None
