"""Weather data in, wind and solar power out, for the 东数西算 data-centre hubs."""

from weather.catalogue import Hub, get_hub, load_catalogue
from weather.errors import UnknownHubError, WeatherInputError

__all__ = ["Hub", "UnknownHubError", "WeatherInputError", "get_hub", "load_catalogue"]
