"""A PVGIS JSON without its location block is one line of bad input, not a traceback."""

from __future__ import annotations

import json

import pytest

from tests.weather.test_readers_pvgis import DATA
from weather.errors import WeatherInputError
from weather.readers.pvgis import read_pvgis_weather


@pytest.mark.parametrize("damage", [lambda inputs: inputs.pop("location"),
                                    lambda inputs: inputs["location"].update(latitude="north")])
def test_a_missing_location_block_names_it(tmp_path, damage):
    content = json.loads((DATA / "pvgis_tmy_48h.json").read_text(encoding="utf-8"))
    damage(content["inputs"])
    path = tmp_path / "tmy.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(WeatherInputError, match="inputs.location: expected the site's latitude"):
        read_pvgis_weather(path)
