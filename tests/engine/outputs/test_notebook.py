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


def test_to_xarray_is_the_tidy_table_with_units():
    import pytest

    xarray = pytest.importorskip("xarray")
    result = _result(hand_scenario(), hand_schedule(), hand_flows())
    dataset = result.to_xarray()
    assert isinstance(dataset, xarray.Dataset)
    assert dict(dataset.sizes) == {"time": 3, "hub": 2} and list(dataset["hub"].values) == ["east", "west"]
    assert dataset["grid_import_kw"].sel(hub="east").values.tolist() == [150.0, 90.0, 195.0]
    assert dataset["battery_soc_kwh"].sel(hub="west").values.tolist() == [69.0, 97.5, 78.5]
    units = {name: dataset[name].attrs["units"] for name in ("grid_import_kw", "battery_soc_kwh",
                                                             "carbon_g_per_kwh", "price_cny_per_kwh",
                                                             "pue", "batch_it_kw")}
    assert units == {"grid_import_kw": "kW", "battery_soc_kwh": "kWh", "carbon_g_per_kwh": "gCO2/kWh",
                     "price_cny_per_kwh": "CNY/kWh", "pue": "-", "batch_it_kw": "kW"}
    assert dataset["time"].attrs["timezone"] == "UTC"
    assert str(dataset["time"].values[0]).startswith("2025-07-01T00:00")
    assert dataset.attrs["policy"] == "coordinated"
    frame = result.to_frame("baseline")
    assert float(result.to_xarray("baseline")["facility_kw"].sum()) == float(frame["facility_kw"].sum())


def test_to_xarray_without_xarray_names_the_extra(monkeypatch):
    import builtins

    import pytest

    real_import = builtins.__import__

    def no_xarray(name, *args, **kwargs):
        if name == "xarray":
            raise ImportError("No module named 'xarray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_xarray)
    result = _result(hand_scenario(), hand_schedule(), hand_flows())
    with pytest.raises(ImportError, match=r'pip install "suandian\[xarray\]"'):
        result.to_xarray()
