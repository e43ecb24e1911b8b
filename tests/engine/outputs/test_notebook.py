"""Results in Python and notebooks (issue 13, item 7): a short repr, a headline table for Jupyter, the tidy
per-hub, per-step table."""

from tests.engine.outputs.test_report import _result
from tests.engine.test_metrics import hand_flows, hand_scenario, hand_schedule


def test_repr_html_and_tidy_frame():
    result = _result(hand_scenario(), hand_schedule(), hand_flows())
    assert len(repr(result)) < 300 and repr(result).startswith("<StudyResult run")
    table = result._repr_html_()
    assert "<table" in table and "carbon_t [tCO2]" in table and "gain" in table
    frame = result.to_frame()
    assert {"time", "hub", "grid_import_kw"} <= set(frame.columns)
    assert len(frame) == len(result.schedules["coordinated"].flows)
    assert frame["hub"].is_monotonic_increasing
