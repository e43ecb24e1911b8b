"""Weather data in, wind and solar power out, for the 东数西算 data-centre hubs.

The main entry points: :func:`get_hub` / :func:`load_catalogue` (the hub catalogue),
:func:`read_weather` (EPW, TMY3, PVGIS, CSV files into the canonical frame), :func:`typical_year`
(the offline default weather of a hub) and :func:`park_output` (solar and wind park output [kW]).
"""

from weather.catalogue import Hub, get_hub, load_catalogue
from weather.errors import UnknownHubError, WeatherInputError
from weather.frame import WeatherData
from weather.power import park_output, power_summary
from weather.readers import read_weather
from weather.synthetic import typical_year

__all__ = [
    "Hub",
    "UnknownHubError",
    "WeatherData",
    "WeatherInputError",
    "get_hub",
    "load_catalogue",
    "park_output",
    "power_summary",
    "read_weather",
    "typical_year",
]
