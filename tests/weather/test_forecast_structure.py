"""Forecasts that behave like forecasts: errors correlated across sites by distance and between solar and
wind, persistent across issue days, smoother than the actual and unbiased; pinball loss and CRPS."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from weather.forecast import (
    ForecastErrorModel,
    day_ahead_skill,
    error_correlation,
    forecast_structure,
    hub_forecasts,
    probabilistic_scores,
    spatial_correlation,
)
from weather.power import park_output
from weather.synthetic import typical_year

NAMEPLATE_KW = 100_000.0
# Zhongwei, a site 0.45 deg (about 50 km) east of it, and one near Shanghai (about 1,500 km away).
POSITIONS = {"zhongwei": (37.5, 105.2), "near": (37.5, 105.77), "far": (31.2, 121.5)}


@pytest.fixture(scope="module")
def actual() -> pd.DataFrame:
    return park_output(typical_year("zhongwei", seed=0), 100.0, 100.0)


@pytest.fixture(scope="module")
def sites(actual):
    # Each site its own weather (another synthetic year): only the error model correlates them.
    actuals = {name: actual if k == 0 else park_output(typical_year("zhongwei", seed=k), 100.0, 100.0)
               for k, name in enumerate(POSITIONS)}
    nameplates = dict.fromkeys(POSITIONS, (NAMEPLATE_KW, NAMEPLATE_KW))
    return actuals, hub_forecasts(actuals, nameplates, POSITIONS, seed=2)


def test_spatial_correlation_decays_with_distance():
    matrix = spatial_correlation([(37.5, 105.2), (37.5, 105.77), (31.2, 121.5), None], 300.0)
    assert matrix[0, 1] == pytest.approx(np.exp(-50.2 / 300.0), abs=0.01)
    assert matrix[0, 2] < 0.01 and matrix[0, 3] == 0.0 and np.allclose(matrix, matrix.T)


def test_errors_are_correlated_across_sites_by_distance(sites):
    actuals, forecasts = sites
    for park in ("wind", "solar"):
        correlation = error_correlation(actuals, forecasts, park)
        assert correlation.loc["zhongwei", "near"] > 0.6
        assert abs(correlation.loc["zhongwei", "far"]) < 0.1


def test_solar_and_wind_errors_are_correlated(sites):
    actuals, forecasts = sites
    view = forecasts["zhongwei"].day_ahead()
    truth = actuals["zhongwei"].reindex(view.index)
    error = (view - truth)[truth["solar_kw"] > 0]
    assert error["solar_kw"].corr(error["wind_kw"]) > 0.1


def test_errors_persist_across_issue_days_and_forecasts_are_smoother_and_unbiased(sites):
    actuals, forecasts = sites
    structure = forecast_structure(actuals["zhongwei"], forecasts["zhongwei"])
    assert structure["wind_error_lag1_days"] > 0.15 and structure["solar_error_lag1_days"] > 0.15
    assert structure["wind_variability_ratio"] < 0.95 and structure["solar_variability_ratio"] < 1.0
    skill = day_ahead_skill(actuals["zhongwei"], forecasts["zhongwei"])
    assert abs(skill["wind_bias"]) < 0.005 and abs(skill["solar_bias"]) < 0.005
    assert skill["wind_nrmse"] == pytest.approx(0.15, abs=0.005)
    assert skill["solar_nrmse"] == pytest.approx(0.09, abs=0.005)


def test_pinball_and_crps(actual, sites):
    _, forecasts = sites
    forecast = forecasts["zhongwei"]
    scores = probabilistic_scores(actual, forecast, levels=(0.1, 0.5, 0.9))
    skill = day_ahead_skill(actual, forecast)
    # The median's pinball loss is half the mean absolute error (scored on the same steps).
    assert scores["wind_pinball"][0.5] == pytest.approx(0.5 * skill["wind_nmae"], rel=0.02)
    assert 0 < scores["wind_crps"] < skill["wind_nmae"]
    perfect = hub_forecasts({"a": actual}, {"a": (NAMEPLATE_KW, NAMEPLATE_KW)},
                            error_model=ForecastErrorModel(solar_nrmse=0.0, wind_nrmse=0.0))["a"]
    exact = probabilistic_scores(actual, perfect)
    assert exact["wind_crps"] == pytest.approx(0.0, abs=1e-12) and exact["solar_crps"] == pytest.approx(0.0)


def test_independent_sites_without_positions(actual, sites):
    actuals = {"a": actual, "b": sites[0]["far"]}
    forecasts = hub_forecasts(actuals, dict.fromkeys(actuals, (NAMEPLATE_KW, NAMEPLATE_KW)), seed=4)
    # Only what the shared climate gives (the same diurnal and seasonal wind, the clip at calm hours).
    assert abs(error_correlation(actuals, forecasts, "wind").loc["a", "b"]) < 0.3
    shifted = dataclasses.replace(ForecastErrorModel(), correlation_length_km=1e6)
    together = hub_forecasts(actuals, dict.fromkeys(actuals, (NAMEPLATE_KW, NAMEPLATE_KW)),
                             {"a": (37.5, 105.2), "b": (31.2, 121.5)}, seed=4, error_model=shifted)
    assert error_correlation(actuals, together, "wind").loc["a", "b"] > 0.6


def test_forecast_command_reports_correlation_and_crps(capsys):
    import json

    from engine.cli import main

    assert main(["forecast", "--hub", "zhongwei", "--with", "qingyang", "--with", "shanghai", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record["error_correlation"]["wind"]) == {"qingyang", "shanghai"}
    # Zhongwei-Qingyang (about 300 km) share more error than Zhongwei-Shanghai (about 1,600 km).
    assert record["error_correlation"]["wind"]["qingyang"] > record["error_correlation"]["wind"]["shanghai"]
    assert record["wind_crps"] > 0 and set(record["wind_pinball"]) >= {"0.1", "0.5", "0.9"}
    assert record["wind_variability_ratio"] < 1.0
