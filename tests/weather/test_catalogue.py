"""Tests of the hub catalogue against FACTS.md."""

import pandas as pd
import pytest

from weather import UnknownHubError, get_hub, load_catalogue

CLUSTERS = ("zhangjiakou", "yangtze_delta", "wuhu", "shaoguan", "tianfu", "chongqing", "guian",
            "helinger", "qingyang", "zhongwei")


def test_catalogue_holds_the_ten_clusters_and_demand_cities():
    names = set(load_catalogue())
    assert set(CLUSTERS) <= names
    assert {"beijing", "shanghai", "guangzhou", "chengdu"} <= names


@pytest.mark.parametrize(("hub", "factor"), [
    ("zhongwei", 0.6187), ("qingyang", 0.4471), ("helinger", 0.6479), ("guian", 0.5683),
    ("beijing", 0.5554), ("shanghai", 0.5737), ("shaoguan", 0.4419), ("chengdu", 0.1564),
])
def test_grid_factor_is_the_mee_2023_value(hub, factor):
    # MEE notice 2025 No.47 (2023 values), FACTS.md
    assert get_hub(hub).grid_factor_kg_per_kwh == factor
    assert get_hub(hub).grid_factor_year == 2023


def test_roles_and_pue_targets():
    for name in ("zhongwei", "qingyang", "helinger", "guian"):
        assert get_hub(name).role == "west"
        assert get_hub(name).pue_target == 1.2
    assert get_hub("shanghai").role == "east"
    assert get_hub("shanghai").pue_target == 1.25


def test_guizhou_tariff_follows_its_document():
    # 黔发改价格〔2023〕481号: peak 10-13, 17-22; valley 00-08; 1.6 : 1 : 0.4
    hub = get_hub("guian")
    index = pd.date_range("2025-03-01", periods=24, freq="h", tz="Asia/Shanghai")
    ratio = hub.tariff.price_series(index).to_numpy() / hub.tariff.flat_price_cny_per_kwh
    expected = [0.4] * 8 + [1.0] * 2 + [1.6] * 3 + [1.0] * 4 + [1.6] * 5 + [1.0] * 2
    assert ratio == pytest.approx(expected)


def test_tariff_reads_local_time_from_utc_index():
    hub = get_hub("guian")
    local = pd.date_range("2025-03-01", periods=48, freq="h", tz="Asia/Shanghai")
    prices_local = hub.tariff.price_series(local).to_numpy()
    prices_utc = hub.tariff.price_series(local.tz_convert("UTC")).to_numpy()
    assert prices_local == pytest.approx(prices_utc)


def test_inner_mongolia_summer_critical_and_deep_valley():
    # 内发改价费字〔2023〕1630号: Jun-Aug 1.54 : 1 : 0.44, critical 19-21 +20%, deep valley 13-15 -20%
    table = get_hub("helinger").tariff.ratio_table()
    assert table[6, 19] == pytest.approx(1.54 * 1.2)
    assert table[6, 13] == pytest.approx(0.44 * 0.8)
    assert table[0, 2] == pytest.approx(0.48)


def test_unknown_hub_names_the_choices():
    with pytest.raises(UnknownHubError, match="zhongwei"):
        get_hub("atlantis")


def test_carbon_series_is_flat_provincial_factor():
    index = pd.date_range("2025-01-01", periods=5, freq="h", tz="UTC")
    assert get_hub("zhongwei").carbon_series(index).tolist() == [618.7] * 5
