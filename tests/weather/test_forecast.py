"""Day-ahead forecast generator, ForecastSet, uncertainty and skill."""

import json

import numpy as np
import pandas as pd
import pytest

from engine.cli import main
from weather.errors import WeatherInputError
from weather.forecast import (
    ForecastErrorModel,
    ar1_noise,
    day_ahead_forecast,
    day_ahead_skill,
    persistence_forecast,
    skill_scores,
)
from weather.power import park_output
from weather.synthetic import typical_year

NAMEPLATE_KW = 100_000.0


@pytest.fixture(scope="module")
def actual() -> pd.DataFrame:
    """A typical year of 100 MW PV and 100 MW wind output at Zhongwei."""
    return park_output(typical_year("zhongwei", seed=0), 100.0, 100.0)


@pytest.fixture(scope="module")
def forecast(actual):
    return day_ahead_forecast(actual, NAMEPLATE_KW, NAMEPLATE_KW, seed=1)


def test_perfect_forecast_has_zero_error_and_skill_one(actual):
    scores = skill_scores(actual, actual, actual.shift(24).fillna(0.0), NAMEPLATE_KW, NAMEPLATE_KW)
    for park in ("solar", "wind"):
        assert scores[f"{park}_nmae"] == 0.0
        assert scores[f"{park}_nrmse"] == 0.0
        assert scores[f"{park}_bias"] == 0.0
        assert scores[f"{park}_skill_vs_persistence"] == 1.0


def test_skill_scores_closed_form():
    index = pd.date_range("2025-06-01", periods=4, freq="h", tz="UTC")
    actual = pd.DataFrame({"solar_kw": [0.0, 10.0, 20.0, 30.0], "wind_kw": [0.0, 10.0, 20.0, 30.0]}, index)
    forecast = actual + pd.DataFrame({"solar_kw": [5.0, 10.0, -10.0, 10.0], "wind_kw": [10.0] * 4}, index)
    reference = actual + 20.0
    scores = skill_scores(actual, forecast, reference, 100.0, 100.0)
    # PV is scored over generation steps (actual > 0): errors +10, -10, +10
    assert scores["solar_steps"] == 3
    assert scores["solar_nmae"] == pytest.approx(0.1)
    assert scores["solar_bias"] == pytest.approx(10 / 300)
    assert scores["wind_nrmse"] == pytest.approx(0.1)
    assert scores["wind_skill_vs_persistence"] == pytest.approx(1 - 10 / 20)


def test_generator_is_calibrated_to_the_target_accuracy(actual, forecast):
    scores = day_ahead_skill(actual, forecast)
    assert scores["wind_nrmse"] == pytest.approx(0.15, abs=0.005)  # North China rule: accuracy >= 85 %
    assert scores["solar_nrmse"] == pytest.approx(0.09, abs=0.005)
    assert 0.12 <= scores["wind_nrmse"] <= 0.17 and 0.07 <= scores["solar_nrmse"] <= 0.10
    assert scores["wind_nrmse"] > scores["solar_nrmse"]
    assert scores["solar_skill_vs_persistence"] > 0.0
    assert scores["wind_skill_vs_persistence"] > 0.0
    assert scores["wind_steps"] >= 363 * 24  # all but the first day (and half a day without persistence)


def test_error_model_target_is_followed():
    model = ForecastErrorModel(solar_nrmse=0.05, wind_nrmse=0.25)
    actual = park_output(typical_year("qingyang", seed=3), 50.0, 80.0)
    scores = day_ahead_skill(actual, day_ahead_forecast(actual, 50_000.0, 80_000.0, error_model=model))
    assert scores["solar_nrmse"] == pytest.approx(0.05, abs=0.003)
    assert scores["wind_nrmse"] == pytest.approx(0.25, abs=0.01)


def test_forecast_bounds_and_night(actual, forecast):
    assert np.nanmin(forecast.solar_kw) >= 0 and np.nanmax(forecast.solar_kw) <= NAMEPLATE_KW
    assert np.nanmin(forecast.wind_kw) >= 0 and np.nanmax(forecast.wind_kw) <= NAMEPLATE_KW
    local_hour = pd.DatetimeIndex(forecast.valid_times.ravel()).tz_localize("UTC").tz_convert(
        "Asia/Shanghai").hour.to_numpy().reshape(forecast.valid_times.shape)
    night = np.isin(local_hour, [0, 1, 2, 3, 22, 23]) & ~np.isnan(forecast.solar_kw)
    assert night.sum() > 5000
    assert (forecast.solar_kw[night] == 0).all()
    actual_night = actual.index.tz_convert("Asia/Shanghai").hour.isin([0, 1, 2, 3, 22, 23])
    assert (actual["solar_kw"][actual_night] == 0).all()


def test_error_grows_with_lead_and_is_correlated(actual, forecast):
    truth = persistence_forecast(actual, forecast)  # only for the NaN pattern and layout
    index = actual.index
    rows = ((forecast.issue_times - index[0]) / pd.Timedelta(hours=1)).to_numpy().astype(int)
    positions = rows[:, None] + np.arange(forecast.wind_kw.shape[1])[None, :]
    inside = positions < len(index)
    wind_truth = np.where(inside, actual["wind_kw"].to_numpy()[np.where(inside, positions, 0)], np.nan)
    error = forecast.wind_kw - wind_truth
    rmse = np.sqrt(np.nanmean(error**2, axis=0))
    assert rmse[0] < 0.5 * rmse[24] and rmse[6] < rmse[24] < rmse[60]
    assert truth.wind_kw.shape == forecast.wind_kw.shape
    lag1 = np.nanmean(error[:, 20:40] * error[:, 21:41]) / np.nanmean(error[:, 20:41] ** 2)
    assert lag1 > 0.7  # AR(1) with 0.95/h, reduced a little by the clip
    model = ForecastErrorModel()
    assert np.all(np.diff(model.lead_growth(np.arange(0, 73))) > 0)


def test_ar1_noise_has_unit_variance_and_given_autocorrelation():
    noise = ar1_noise(np.random.default_rng(0), (40_000, 6), 0.8)
    assert noise.std(axis=0) == pytest.approx(np.ones(6), abs=0.02)
    assert np.corrcoef(noise[:, 2], noise[:, 3])[0, 1] == pytest.approx(0.8, abs=0.01)


def test_determinism_per_seed(actual):
    first = day_ahead_forecast(actual.iloc[: 24 * 20], NAMEPLATE_KW, NAMEPLATE_KW, seed=7)
    again = day_ahead_forecast(actual.iloc[: 24 * 20], NAMEPLATE_KW, NAMEPLATE_KW, seed=7)
    other = day_ahead_forecast(actual.iloc[: 24 * 20], NAMEPLATE_KW, NAMEPLATE_KW, seed=8)
    np.testing.assert_array_equal(first.wind_kw, again.wind_kw)
    np.testing.assert_array_equal(first.solar_kw, again.solar_kw)
    assert not np.allclose(np.nan_to_num(first.wind_kw), np.nan_to_num(other.wind_kw))


def test_same_forecast_in_local_and_utc_input(actual):
    part = actual.iloc[: 24 * 10]
    local = part.tz_convert("Asia/Shanghai")
    utc = day_ahead_forecast(part, NAMEPLATE_KW, NAMEPLATE_KW, seed=2)
    shanghai = day_ahead_forecast(local, NAMEPLATE_KW, NAMEPLATE_KW, seed=2)
    assert utc.issue_times.equals(shanghai.issue_times)
    np.testing.assert_array_equal(utc.wind_kw, shanghai.wind_kw)


def test_fifteen_minute_steps(actual):
    quarter = actual.iloc[: 24 * 12].resample("15min").ffill()
    forecast = day_ahead_forecast(quarter, NAMEPLATE_KW, NAMEPLATE_KW, seed=0)
    assert forecast.solar_kw.shape[1] == 72 * 4
    assert forecast.issue(forecast.issue_times[1], 48).shape[0] == 48 * 4


def test_issue_slice_and_day_ahead_view(actual, forecast):
    issue = forecast.issue_times[10]
    assert issue.tz_convert("Asia/Shanghai").hour == 12
    window = forecast.issue(issue, lookahead_hours=48)
    assert len(window) == 48 and window.index[0] == issue
    np.testing.assert_array_equal(window["lead_hours"], np.arange(48.0))
    later = forecast.issue(issue, lookahead_hours=24, start=issue + pd.Timedelta(hours=12))
    assert later["lead_hours"].iloc[0] == 12.0
    assert forecast.latest_issue(issue + pd.Timedelta(hours=23)) == issue
    day_ahead = forecast.day_ahead()
    local = day_ahead.index.tz_convert("Asia/Shanghai")
    next_day = local.normalize() == (issue.tz_convert("Asia/Shanghai").normalize() + pd.Timedelta(days=1))
    np.testing.assert_array_equal(day_ahead["wind_kw"][next_day], window["wind_kw"].iloc[12:36])
    tidy = forecast.frame()
    assert list(tidy.columns) == ["issue_time", "valid_time", "lead_hours", "solar_kw", "wind_kw"]


def test_issue_rejects_bad_requests(forecast):
    with pytest.raises(WeatherInputError, match="issue_time"):
        forecast.issue(forecast.issue_times[0] + pd.Timedelta(hours=1))
    with pytest.raises(WeatherInputError, match="lookahead_hours"):
        forecast.issue(forecast.issue_times[0], lookahead_hours=100)
    with pytest.raises(WeatherInputError, match="lookahead_hours"):
        forecast.issue(forecast.issue_times[-1], lookahead_hours=48)  # past the end of the year
    with pytest.raises(WeatherInputError, match="naive"):
        forecast.issue(pd.Timestamp("2025-03-01 12:00"))


def test_quantiles_ordered_bounded_and_covering(actual, forecast):
    quantiles = forecast.quantiles((0.1, 0.5, 0.9))
    for park in ("solar_kw", "wind_kw"):
        low, mid, high = (quantiles[level][park] for level in (0.1, 0.5, 0.9))
        assert np.nanmin(low) >= 0 and np.nanmax(high) <= NAMEPLATE_KW
        low, mid, high = (np.nan_to_num(values) for values in (low, mid, high))
        assert (low <= mid).all() and (mid <= high).all()
    mask = forecast.day_ahead_mask()
    rows = ((forecast.issue_times - actual.index[0]) / pd.Timedelta(hours=1)).to_numpy().astype(int)
    positions = rows[:, None] + np.arange(forecast.wind_kw.shape[1])[None, :]
    mask &= positions < len(actual)
    wind = actual["wind_kw"].to_numpy()[np.where(mask, positions, 0)]
    inside = (quantiles[0.1]["wind_kw"] <= wind) & (wind <= quantiles[0.9]["wind_kw"])
    # nominal 80 %; the clip at 0 for calm hours adds coverage (the band then always reaches down to 0)
    assert 0.75 <= inside[mask].mean() <= 0.92
    solar = actual["solar_kw"].to_numpy()[np.where(mask, positions, 0)]
    day = mask & (solar > 0)
    inside = (quantiles[0.1]["solar_kw"] <= solar) & (solar <= quantiles[0.9]["solar_kw"])
    assert inside[day].mean() == pytest.approx(0.8, abs=0.08)


def test_scenarios_bounded_deterministic_and_spread_like_sigma(forecast):
    scenarios = forecast.scenarios(30, seed=4)
    again = forecast.scenarios(30, seed=4)
    np.testing.assert_array_equal(scenarios["wind_kw"], again["wind_kw"])
    assert scenarios["wind_kw"].shape == (30, *forecast.wind_kw.shape)
    for park in ("solar_kw", "wind_kw"):
        assert np.nanmin(scenarios[park]) >= 0 and np.nanmax(scenarios[park]) <= NAMEPLATE_KW
    night = (forecast.solar_sigma_kw == 0) & (forecast.solar_kw == 0)
    assert night.sum() > 5000 and (scenarios["solar_kw"][:, night] == 0).all()
    mid = (forecast.wind_kw > 0.3 * NAMEPLATE_KW) & (forecast.wind_kw < 0.7 * NAMEPLATE_KW)
    spread = scenarios["wind_kw"].std(axis=0)[mid].mean()
    assert spread == pytest.approx(forecast.wind_sigma_kw[mid].mean(), rel=0.15)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"issue_hour": 24}, "issue_hour"),
    ({"horizon_hours": 24}, "horizon_hours"),
])
def test_generator_rejects_bad_parameters(actual, kwargs, field):
    with pytest.raises(WeatherInputError, match=field):
        day_ahead_forecast(actual.iloc[:72], NAMEPLATE_KW, NAMEPLATE_KW, **kwargs)


def test_generator_rejects_bad_actual(actual):
    with pytest.raises(WeatherInputError, match="actual.wind_kw"):
        day_ahead_forecast(actual.iloc[:72], NAMEPLATE_KW, 1000.0)
    with pytest.raises(WeatherInputError, match="naive"):
        day_ahead_forecast(actual.iloc[:72].tz_localize(None), NAMEPLATE_KW, NAMEPLATE_KW)
    with pytest.raises(WeatherInputError, match="missing wind_kw"):
        day_ahead_forecast(actual.iloc[:72][["solar_kw"]], NAMEPLATE_KW, NAMEPLATE_KW)
    with pytest.raises(WeatherInputError, match="wind_nrmse"):
        ForecastErrorModel(wind_nrmse=-0.1)


def test_cli_forecast_reports_skill_as_json(capsys):
    assert main(["forecast", "--hub", "zhongwei", "--json", "--seed", "2", "--solar-mw", "50"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["hub"] == "zhongwei" and report["solar_mw"] == 50.0
    assert report["wind_nrmse"] == pytest.approx(0.15, abs=0.005)
    assert report["solar_nrmse"] == pytest.approx(0.09, abs=0.005)
    for park in ("solar", "wind"):
        assert report[f"{park}_skill_vs_persistence"] > 0
        assert abs(report[f"{park}_bias"]) < 0.05


def test_cli_forecast_bad_input_is_one_line(capsys):
    assert main(["forecast", "--hub", "atlantis"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "atlantis" in error
