"""Settlement closes every balance, exports surplus up to the cap and carries the data-transfer load."""

from __future__ import annotations

import numpy as np
import pytest

from engine.simulate.settle import HubLimits, settle


def limits(export_cap_kw: float = 0.0) -> HubLimits:
    return HubLimits(grid_cap_kw=np.array([500.0]), energy_kwh=np.array([100.0]), power_kw=np.array([50.0]),
                     eta=np.array([0.9]), grid_charging=np.array([False]),
                     export_cap_kw=np.array([export_cap_kw]))


def plan(steps: int, transfer_kw: float = 0.0) -> dict:
    zeros = np.zeros((steps, 1))
    return {"pue": np.full((steps, 1), 1.25), "firm_it_kw": np.full((steps, 1), 400.0),
            "renewable_used_kw": np.full((steps, 1), 500.0), "grid_import_kw": zeros,
            "battery_charge_kw": zeros, "battery_discharge_kw": zeros,
            "workload_it_kw": np.zeros((steps, 1, 1)), "transfer_kw": np.full((steps, 1), transfer_kw)}


@pytest.mark.parametrize(("cap", "exported"), [(0.0, 0.0), (120.0, 120.0), (1000.0, 450.0)])
def test_surplus_charges_the_battery_then_is_exported_up_to_the_cap(cap, exported):
    # 1000 kW of sun for a 500 kW facility: 50 kW charge the (empty) battery, the rest is surplus.
    result = settle(limits(cap), 1.0, np.array([0.0]), np.full((1, 1), 1000.0), plan(1))
    assert result.battery_charge_kw[0, 0] == pytest.approx(50.0)
    assert result.exported_kw[0, 0] == pytest.approx(exported)
    total = result.renewable_used_kw + result.exported_kw + result.curtailed_kw
    np.testing.assert_allclose(total, 1000.0)


def test_transfer_load_is_served_and_the_balance_closes():
    result = settle(limits(), 1.0, np.array([0.0]), np.full((2, 1), 300.0), plan(2, transfer_kw=20.0))
    supply = (result.renewable_used_kw + result.grid_import_kw + result.battery_discharge_kw
              + result.unserved_kw)
    np.testing.assert_allclose(supply, result.facility_kw + result.transfer_kw + result.battery_charge_kw)
    np.testing.assert_allclose(result.facility_kw, 500.0)
    np.testing.assert_allclose(result.grid_import_kw, 220.0)
