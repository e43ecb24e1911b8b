"""Helpers of the model tests."""

from __future__ import annotations

import pandas as pd


def by_hub(flows: pd.DataFrame, name: str) -> pd.DataFrame:
    return flows[flows["hub"] == name].reset_index(drop=True)
