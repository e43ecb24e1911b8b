"""Exceptions raised for bad weather, catalogue and park input."""


class WeatherInputError(ValueError):
    """Bad weather data or parameters: the message names the field, what was expected and the fix."""


class UnknownHubError(WeatherInputError):
    """A hub name that is not in the catalogue."""
