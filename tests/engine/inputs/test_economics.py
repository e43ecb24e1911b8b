"""The economics keys of a scenario file: defaults, and one line naming the key and the fix."""

from __future__ import annotations

import pytest

from engine.errors import ScenarioError
from engine.inputs.economics import DEFAULT_TRANSFER_KWH_PER_TB, DEFAULT_WEAR_CNY_PER_MWH
from engine.inputs.scenario_file import scenario_from_dict
from tests.engine.inputs.test_scenario_file import bat, hub, small

BAD = {
    # case: (mutation of small(), key the message starts with, the fix it gives)
    "negative-export-price": (lambda r: hub(r).update(export_mw=10, export_price_cny_per_kwh=-0.1),
                              "hubs.zhongwei.export_price_cny_per_kwh", "give a price of 0 or more"),
    "negative-ppa": (lambda r: hub(r).update(ppa_price_cny_per_kwh=-0.2),
                     "hubs.zhongwei.ppa_price_cny_per_kwh", "give a price of 0 or more"),
    "negative-demand-charge": (lambda r: hub(r, "shanghai").update(demand_charge_cny_per_kw_month=-3),
                               "hubs.shanghai.demand_charge_cny_per_kw_month", "give a price of 0 or more"),
    "negative-wear": (lambda r: bat(r).update(wear_cny_per_mwh=-1), "hubs.zhongwei.battery.wear_cny_per_mwh",
                      "give a cost of 0 or more"),
    "negative-transfer-price": (lambda r: r.update(transfer={"price_cny_per_tb": -5}),
                                "transfer.price_cny_per_tb", "give a price of 0 or more"),
    "export-above-connection": (lambda r: hub(r).update(export_mw=300), "hubs.zhongwei.export_mw",
                                "lower hubs.zhongwei.export_mw to at most 150, or raise "
                                "hubs.zhongwei.grid_import_mw"),
    "transfer-energy-1e6": (lambda r: r.update(transfer={"energy_kwh_per_tb": 1e6}),
                            "transfer.energy_kwh_per_tb", "give kWh per TB"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_economics_give_one_line_naming_the_key_and_the_fix(case):
    mutate, key, fix = BAD[case]
    raw = small()
    mutate(raw)
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(raw)
    message = str(error.value)
    assert message.startswith(f"{key}:"), message
    assert f"Fix: {fix}" in message, message
    assert "\n" not in message


def test_economics_defaults_come_from_the_catalogue_and_the_documented_constants():
    """Zhongwei (Ningxia) exports at its coal benchmark 0.2595 CNY/kWh (发改价格规〔2019〕1658号);
    demand charge 30 CNY/kW-month outside Guangdong (ASSUMPTION, weather/hubs.toml)."""
    raw = small()
    hub(raw).update(export_mw=50)
    scenario = scenario_from_dict(raw)
    zhongwei = scenario.hubs["zhongwei"]
    assert zhongwei.export_kw == pytest.approx(50_000.0)
    assert zhongwei.export_price_cny_per_kwh == pytest.approx(0.2595)
    assert zhongwei.ppa_price_cny_per_kwh == 0.0
    assert zhongwei.demand_charge_cny_per_kw_month == pytest.approx(30.0)
    assert zhongwei.battery.wear_cny_per_mwh == pytest.approx(DEFAULT_WEAR_CNY_PER_MWH)
    assert scenario.transfer.energy_kwh_per_tb == pytest.approx(DEFAULT_TRANSFER_KWH_PER_TB)
    assert scenario.transfer.price_cny_per_tb == 0.0
