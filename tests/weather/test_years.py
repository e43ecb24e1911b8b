"""Tests of weather.years: inter-annual variability, spatial correlation, climatology kept on average.

Magnitudes: ASSUMPTION 4 % CV of annual GHI and of annual mean wind speed (weather/years.py, from the
CMA national anomalies and Pryor et al. 2018 in FACTS.md); the catalogue's monthly GHI is the CSWD
climatology.
"""

import numpy as np
import pytest

from weather import get_hub
from weather.errors import WeatherInputError
from weather.years import annual_anomalies, annual_totals, hub_correlation, weather_record, weather_years


def test_years_differ_by_the_stated_magnitudes():
    anomalies = annual_anomalies("zhongwei", 400, seed=0)
    assert anomalies.std(axis=0) == pytest.approx([1.0, 1.0], abs=0.1)
    assert abs(np.corrcoef(anomalies.T)[0, 1]) < 0.15  # GHI and wind drawn independently


def test_nearby_hubs_share_their_years_and_distant_ones_less():
    names, matrix = hub_correlation()
    assert np.allclose(np.diag(matrix), 1.0) and np.all(np.linalg.eigvalsh(matrix) > 0)
    a = annual_anomalies("helinger", 400, seed=1)[:, 0]
    near = annual_anomalies("zhangjiakou", 400, seed=1)[:, 0]  # ~270 km
    far = annual_anomalies("guangzhou", 400, seed=1)[:, 0]  # ~2000 km
    assert np.corrcoef(a, near)[0, 1] > 0.55
    assert abs(np.corrcoef(a, far)[0, 1]) < 0.25


def test_averaged_over_years_monthly_ghi_stays_the_climatology():
    record = weather_record("zhongwei", 8, seed=2)
    totals = annual_totals(record)
    assert len(totals) == 8
    hub = get_hub("zhongwei")
    assert totals["ghi_kwh_m2"].std() / totals["ghi_kwh_m2"].mean() == pytest.approx(0.04, abs=0.03)
    assert totals["ghi_kwh_m2"].mean() == pytest.approx(sum(hub.ghi_monthly_kwh_m2), rel=0.04)
    local = record.data.index.tz_convert("Asia/Shanghai")
    monthly = record.data["ghi"].groupby(local.month).sum() / 1000.0 / 8
    np.testing.assert_allclose(monthly.to_numpy(), hub.ghi_monthly_kwh_m2, rtol=0.05)


def test_each_year_has_its_own_days_and_the_record_is_continuous():
    first, second = weather_years("qingyang", 2, seed=0)
    assert not np.allclose(first.data["ghi"].to_numpy()[:8000], second.data["ghi"].to_numpy()[:8000])
    record = weather_record("qingyang", 2, seed=0)
    assert len(record.data) == 8760 * 2 and record.data.index.freq == "h"


@pytest.mark.parametrize("years", [0, 101, 2.5])
def test_bad_number_of_years_is_named(years):
    with pytest.raises(WeatherInputError, match="years"):
        weather_years("zhongwei", years)
