"""Tests of the temperature-driven PUE model."""

import numpy as np
import pandas as pd
import pytest

from engine.inputs.hub_series import typical_year_cached
from engine.inputs.pue import (
    FREE_COOLING_C,
    HEADROOM,
    PUE_FLOOR,
    SLOPE_PER_K,
    calibrated_pue_min,
    cooling_overhead,
    weather_pue,
)
from weather.catalogue import get_hub

TEMPS = np.linspace(-40.0, 50.0, 901)


def test_overhead_is_flat_below_free_cooling_then_linear_then_capped():
    overhead = cooling_overhead(TEMPS)
    assert (overhead[TEMPS <= FREE_COOLING_C] == 0).all()
    assert cooling_overhead(FREE_COOLING_C + 5.0) == pytest.approx(5.0 * SLOPE_PER_K)
    assert overhead.max() == pytest.approx(HEADROOM)
    assert cooling_overhead(FREE_COOLING_C + HEADROOM / SLOPE_PER_K + 10.0) == pytest.approx(HEADROOM)


def test_pue_is_monotone_and_bounded():
    reference = np.array([0.0, 10.0, 20.0, 30.0])
    pue = weather_pue(pd.Series(TEMPS), reference, 1.2).to_numpy()
    assert (np.diff(pue) >= 0).all()
    pue_min = calibrated_pue_min(reference, 1.2)
    assert pue.min() == pytest.approx(pue_min)
    assert pue.max() == pytest.approx(pue_min + HEADROOM)
    assert pue.min() >= PUE_FLOOR >= 1.0


def test_calibration_is_closed_form_on_a_constant_climate():
    # 22 degC all year: overhead = 0.01 x (22 - 12) = 0.1 -> PUE_min = 1.25 - 0.1 and PUE = 1.25 always
    reference = np.full(8760, 22.0)
    assert calibrated_pue_min(reference, 1.25) == pytest.approx(1.15)
    assert weather_pue(pd.Series(reference), reference, 1.25).to_numpy() == pytest.approx(1.25)


def test_calibration_floors_pue_min_in_a_climate_too_hot_for_the_target():
    reference = np.full(100, 45.0)  # fully mechanical: overhead 0.25
    assert calibrated_pue_min(reference, 1.2) == PUE_FLOOR
    assert weather_pue(pd.Series(reference), reference, 1.2).mean() == pytest.approx(PUE_FLOOR + HEADROOM)


@pytest.mark.parametrize("hub", ["zhongwei", "guangzhou"])
def test_annual_mean_at_a_hub_is_its_catalogue_target(hub):
    # targets: west 1.2, east 1.25 (hub approvals 2022, FACTS.md)
    temp = typical_year_cached(hub, 2025, 0).data["temp_air"]
    pue = weather_pue(temp, temp, get_hub(hub).pue_target)
    assert pue.mean() == pytest.approx(get_hub(hub).pue_target, abs=1e-9)
    # summer is worse than winter
    local_month = temp.index.tz_convert("Asia/Shanghai").month
    assert pue[local_month == 7].mean() > pue[local_month == 1].mean() + 0.05
