"""summary.json: the value of optimisation against fair reference policies."""

from __future__ import annotations

import pytest

from engine.outputs.summary import fair_references, value_of_optimisation

REFERENCES = ("baseline", "static_west", "greedy_online")


def _blocks(greedy_deadlines: float) -> dict:
    """The bundled example's numbers, rounded: greedy online is greener than the coordinated schedule
    but leaves 7.6% of the work late."""
    def block(green, carbon, cost, deadlines):
        return {"green_share_hourly": green, "carbon_t": carbon, "carbon_marginal_t": carbon,
                "cost_cny": cost, "curtailed_mwh": 100.0, "grid_import_mwh": 1000.0,
                "peak_import_mw": 400.0, "deadline_met_share": deadlines}

    return {"coordinated": block(0.354, 52_199.0, 59.6e6, 1.0),
            "baseline": block(0.232, 61_689.0, 79.5e6, 1.0),
            "static_west": block(0.311, 55_755.0, 71.4e6, 1.0),
            "greedy_online": block(0.361, 49_809.0, 64.8e6, greedy_deadlines)}


def test_a_reference_that_misses_deadlines_is_not_the_yardstick_but_is_reported_beside():
    record = value_of_optimisation(_blocks(0.924), REFERENCES)
    assert fair_references(_blocks(0.924), REFERENCES) == ("baseline", "static_west")
    carbon = record["carbon_t"]
    assert carbon["best_reference"] == "static_west"
    assert carbon["value"] == pytest.approx(52_199.0 - 55_755.0)
    assert carbon["deadline_met_share"] == 1.0
    assert carbon["best_any"] == {"policy": "greedy_online", "reference": 49_809.0,
                                  "value": pytest.approx(52_199.0 - 49_809.0), "deadline_met_share": 0.924}
    assert record["green_share_hourly"]["best_reference"] == "static_west"
    assert record["green_share_hourly"]["value"] == pytest.approx(0.354 - 0.311)


def test_a_reference_that_keeps_every_deadline_counts():
    record = value_of_optimisation(_blocks(1.0), REFERENCES)
    assert record["carbon_t"]["best_reference"] == "greedy_online"
    assert record["carbon_t"]["best_any"]["policy"] == "greedy_online"
    assert record["cost_cny"]["best_reference"] == "greedy_online"


def test_when_no_reference_keeps_the_coordinated_deadlines_every_reference_counts():
    blocks = _blocks(0.9)
    for policy in REFERENCES:
        blocks[policy]["deadline_met_share"] = 0.5
    assert fair_references(blocks, REFERENCES) == REFERENCES
