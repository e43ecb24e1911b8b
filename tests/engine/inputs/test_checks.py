"""Tests of the shared firm-load check."""

import dataclasses

import numpy as np
import pytest

from engine.inputs.checks import FirmLoadViolation, exceeds, firm_load_violation


def test_firm_load_that_fits_everywhere_is_no_violation():
    firm = np.array([[10.0, 20.0], [30.0, 40.0]])
    assert firm_load_violation(firm, np.array([30.0, 40.0])) is None
    assert firm_load_violation(firm, np.array([30.0, 40.0]), pue=1.5 * np.ones_like(firm),
                               supply_kw=np.array([45.0, 60.0])) is None


def test_first_it_violation_is_the_earliest_step_then_the_first_hub():
    firm = np.array([[10.0, 20.0], [30.0, 50.0], [40.0, 60.0]])
    violation = firm_load_violation(firm, np.array([35.0, 45.0]))
    assert violation == FirmLoadViolation(kind="it", step=1, hub=1, need_kw=50.0, have_kw=45.0)


def test_power_is_checked_before_it_capacity():
    firm = np.array([[10.0, 50.0], [20.0, 10.0]])
    pue = np.full_like(firm, 2.0)
    supply = np.array([[100.0, 100.0], [30.0, 100.0]])
    violation = firm_load_violation(firm, np.array([40.0, 40.0]), pue=pue, supply_kw=supply)
    assert violation == FirmLoadViolation(kind="power", step=1, hub=0, need_kw=40.0, have_kw=30.0)


def test_power_check_needs_both_pue_and_supply():
    firm = np.array([[10.0]])
    assert firm_load_violation(firm, np.array([20.0]), pue=np.array([[5.0]])) is None


def test_round_off_within_the_tolerance_is_not_a_violation():
    capacity = 1e5
    assert firm_load_violation(np.array([[capacity * (1 + 5e-10)]]), np.array([capacity])) is None
    assert firm_load_violation(np.array([[capacity * (1 + 2e-9)]]), np.array([capacity])) is not None
    assert not exceeds(1.0 + 5e-7, 1.0)
    assert exceeds(1.0 + 2e-6, 1.0)


def test_violation_is_frozen():
    violation = FirmLoadViolation(kind="it", step=0, hub=0, need_kw=1.0, have_kw=0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.step = 1  # type: ignore[misc]
