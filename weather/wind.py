"""Wind parks: output of a park of identical turbines from the weather frame, windpowerlib's models.

The canonical frame has flat columns and one wind measurement height (``WeatherData.wind_height_m``);
windpowerlib wants a two-level ``(variable, height)`` frame with temperature in kelvin
(:func:`windpowerlib_weather` builds it; this module is the only place where degC -> K happens for wind).
The models are windpowerlib's, written out here on arrays (:func:`turbine_power_w`): windpowerlib's
density-corrected power curve interpolates one curve per hour in a Python loop, which took most of a
year's park output; the vectorised form gives the same numbers to 1e-6 (tests/weather/test_wind.py).
Models, all explicit:

1. hub-height wind: logarithmic profile from the measurement height with roughness length
   ``WindPark.roughness_length_m``;
2. hub-height temperature: linear gradient -6.5 K/km from 2 m (windpowerlib ``linear_gradient``);
3. air density at hub height: ideal gas law from surface pressure, with the pressure falling 1/8 hPa per
   metre to hub height (windpowerlib ``ideal_gas``);
4. power: the turbine's power curve from windpowerlib's shipped oedb library, density-corrected
   (windpowerlib ``power_curve`` with ``density_correction=True``: the curve's wind speeds are scaled by
   ``(1.225 / rho) ** p``, p = 1/3 up to 7.5 m/s rising to 2/3 at 12.5 m/s, after Svenningsen 2010);
5. cut-out: zero output when the hub-height wind reaches the last wind speed of the standard curve (the
   controller acts on measured wind, so the density shift of the curve must not move the cut-out; the
   curve is held at its last value beyond it before the density correction);
6. cold shutdown: zero output while the 2 m air temperature is below ``WindPark.cold_shutdown_c``;
7. park: number of turbines = nameplate / turbine rating (fractional, so the nameplate is exact), then the
   loss budget as constant factors: wake, availability, electrical, icing (each field of
   :class:`WindPark` says where its value comes from). Curtailment is not a park loss: the engine's
   dispatch decides it; the fleet's curtailment enters only the comparison with utilisation hours.

References
----------
.. [1] Haas, S. et al. (2024). windpowerlib - a Python library to model wind power plants.
   Journal of Open Research Software. https://github.com/wind-python/windpowerlib
.. [2] Svenningsen, L. (2010). Power curve air density correction and other power curve options in WindPRO.
   EMD International A/S.
.. [3] IEC 61400-12-1:2017, Power performance measurements of electricity producing wind turbines,
   section 9.1 (density normalisation v_n = v (rho / rho_0) ** (1/3), rho_0 = 1.225 kg/m3).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from windpowerlib import WindTurbine, get_turbine_types

from weather.errors import WeatherInputError
from weather.frame import ZERO_CELSIUS_K, WeatherData
from weather.solar import check_weather

TEMPERATURE_HEIGHT_M = 2.0  # air temperature in the canonical frame is the 2 m screen value
PRESSURE_HEIGHT_M = 0.0  # surface pressure


@dataclass(frozen=True)
class WindPark:
    """An onshore wind park of identical turbines.

    Parameters
    ----------
    nameplate_kw : float
        Installed capacity [kW].
    turbine_type : str
        A turbine of windpowerlib's shipped oedb library that has a power curve. Default ``"V126/3300"``
        (Vestas V126-3.3 MW, IEC class IIIA, a low-wind turbine of the size class built in north and
        north-west China in the 2010s-2020s; ASSUMPTION: stands in for Chinese 3-4 MW models, which the
        library does not hold).
    hub_height_m : float
        Hub height [m]; 117 m is one of the V126/3300 hub heights listed in the oedb library.
    roughness_length_m : float
        Surface roughness length for the logarithmic profile [m]; 0.03 m is Davenport-Wieringa class
        "open" (WMO-No. 8, Vol. I, ch. 5, terrain roughness table); ASSUMPTION: open grassland, steppe or
        gobi.
    wake_loss : float
        Fraction of energy lost to wakes inside the park [-]; ASSUMPTION 0.10, a typical planning figure
        for large onshore arrays (range about 0.05-0.15).
    availability : float
        Fraction of time the turbines are available [-]; ASSUMPTION 0.97, a typical contractual
        availability of modern onshore turbines.
    electrical_loss : float
        Fraction of energy lost in the collection grid and the substation transformer [-]; ASSUMPTION
        0.02 (planning figures of 1.5-3 %).
    icing_loss : float
        Fraction of energy lost to blade icing [-]; ASSUMPTION 0.01 for the dry north (icing needs
        supercooled cloud or fog; the humid Yunnan-Guizhou ridges ice far more, set it per park there).
    cold_shutdown_c : float
        2 m air temperature below which the turbines stop [degC]; ASSUMPTION -30 degC, the lower
        operating limit of cold-climate turbine versions (standard versions stop at about -20 degC).
    """

    nameplate_kw: float
    turbine_type: str = "V126/3300"
    hub_height_m: float = 117.0
    roughness_length_m: float = 0.03
    wake_loss: float = 0.10
    availability: float = 0.97
    electrical_loss: float = 0.02
    icing_loss: float = 0.01
    cold_shutdown_c: float = -30.0

    def __post_init__(self) -> None:
        checks = (
            ("nameplate_kw", self.nameplate_kw, self.nameplate_kw > 0, "a nameplate > 0 kW"),
            ("hub_height_m", self.hub_height_m, 10 <= self.hub_height_m <= 300,
             "a hub height in [10, 300] m"),
            ("roughness_length_m", self.roughness_length_m, 0 < self.roughness_length_m < 3,
             "a roughness length in (0, 3) m"),
            ("wake_loss", self.wake_loss, 0 <= self.wake_loss < 1, "a fraction in [0, 1)"),
            ("availability", self.availability, 0 < self.availability <= 1, "a fraction in (0, 1]"),
            ("electrical_loss", self.electrical_loss, 0 <= self.electrical_loss < 1, "a fraction in [0, 1)"),
            ("icing_loss", self.icing_loss, 0 <= self.icing_loss < 1, "a fraction in [0, 1)"),
            ("cold_shutdown_c", self.cold_shutdown_c, -60 <= self.cold_shutdown_c <= 0,
             "a temperature in [-60, 0] degC"),
        )
        for field, value, ok, expected in checks:
            if not ok:
                raise WeatherInputError(
                    f"WindPark.{field}: expected {expected}, got {value!r}; fix the park definition")
        if self.turbine_type not in _turbines_with_power_curve():
            raise WeatherInputError(
                f"WindPark.turbine_type: expected a turbine with a power curve in windpowerlib's oedb "
                f"library, got {self.turbine_type!r}; see windpowerlib.get_turbine_types() "
                f"(e.g. 'V126/3300', 'E-115/3200', 'N131/3600')")

    def turbine(self) -> WindTurbine:
        """The windpowerlib turbine, read from the library shipped with windpowerlib (no network)."""
        return _turbine(self.turbine_type, self.hub_height_m)

    @property
    def turbine_rating_kw(self) -> float:
        """Rated power of one turbine [kW]."""
        return float(self.turbine().nominal_power) / 1000.0

    @property
    def cut_out_ms(self) -> float:
        """Cut-out wind speed: the last wind speed of the standard power curve [m/s]."""
        return float(self.turbine().power_curve["wind_speed"].max())


@cache
def _turbines_with_power_curve() -> frozenset[str]:
    table = get_turbine_types(turbine_library="local", print_out=False, filter_=True)
    return frozenset(table.loc[table["has_power_curve"], "turbine_type"])


@cache
def _turbine(turbine_type: str, hub_height_m: float) -> WindTurbine:
    return WindTurbine(turbine_type=turbine_type, hub_height=hub_height_m)


@cache
def _turbine_held_at_top(turbine_type: str, hub_height_m: float) -> WindTurbine:
    """The turbine with its curve held at its last value up to twice the cut-out speed.

    windpowerlib's density correction scales the curve's wind speeds, which in dense air pulls the last
    point below the cut-out and would give zero power at rated wind; the cut-out is applied afterwards on
    the hub-height wind instead (:func:`wind_power_kw`).
    """
    turbine = WindTurbine(turbine_type=turbine_type, hub_height=hub_height_m)
    curve = turbine.power_curve
    top = pd.DataFrame({"wind_speed": [2.0 * curve["wind_speed"].max()], "value": [curve["value"].iloc[-1]]})
    turbine.power_curve = pd.concat([curve, top], ignore_index=True)
    return turbine


def windpowerlib_weather(weather: WeatherData, park: WindPark) -> pd.DataFrame:
    """The canonical frame as windpowerlib's two-level ``(variable, height)`` weather frame.

    Parameters
    ----------
    weather : WeatherData
        Canonical weather; ``wind_speed`` [m/s] at ``weather.wind_height_m``, ``temp_air`` [degC] at 2 m,
        ``pressure`` [Pa] at the surface.
    park : WindPark
        Supplies the roughness length [m].

    Returns
    -------
    pandas.DataFrame
        Columns ``wind_speed`` [m/s], ``temperature`` [K], ``pressure`` [Pa], ``roughness_length`` [m],
        each at its height [m] as the second column level.
    """
    check_weather(weather)
    data = weather.data
    if not weather.wind_height_m > 0:
        raise WeatherInputError(f"weather.wind_height_m: expected a height > 0 m, got "
                                f"{weather.wind_height_m!r}; set the anemometer height of the source")
    frame = pd.DataFrame({
        ("wind_speed", weather.wind_height_m): data["wind_speed"].clip(lower=0.0).to_numpy(float),
        ("temperature", TEMPERATURE_HEIGHT_M): data["temp_air"].to_numpy(float) + ZERO_CELSIUS_K,
        ("pressure", PRESSURE_HEIGHT_M): data["pressure"].to_numpy(float),
        ("roughness_length", 0.0): np.full(len(data), park.roughness_length_m),
    }, index=data.index)
    frame.columns.names = ["variable_name", "height"]
    return frame


#: windpowerlib's constants: specific gas constant of dry air [J/(kg K)] (windpowerlib ``ideal_gas``),
#: standard density of the power curves [kg/m3], temperature gradient [K/m] (``linear_gradient``),
#: pressure gradient [Pa/m] (1/8 hPa per metre, ``ideal_gas``).
GAS_CONSTANT_DRY_AIR = 287.058
STANDARD_DENSITY = 1.225
TEMPERATURE_GRADIENT_K_PER_M = -0.0065
PRESSURE_GRADIENT_PA_PER_M = -12.5


def hub_height_conditions(weather: WeatherData, park: WindPark) -> tuple[np.ndarray, np.ndarray]:
    """Wind speed [m/s] and air density [kg/m3] at hub height, windpowerlib's models on arrays.

    Logarithmic profile ``v_hub = v ln(h / z0) / ln(h_m / z0)``; temperature ``T_hub = T_2m - 0.0065 (h -
    2)`` [K]; density ``rho = (p - 12.5 h) / (287.058 T_hub)`` (windpowerlib ``logarithmic_profile``,
    ``linear_gradient``, ``ideal_gas``).

    Parameters
    ----------
    weather : WeatherData
        Canonical weather (wind_speed [m/s] at ``weather.wind_height_m``, temp_air [degC], pressure [Pa]).
    park : WindPark
        Hub height [m] and roughness length [m].

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Hub-height wind speed [m/s] and air density [kg/m3].
    """
    frame = windpowerlib_weather(weather, park)  # checks the frame and the height
    speed = frame[("wind_speed", weather.wind_height_m)].to_numpy()
    hub = park.hub_height_m
    z0 = park.roughness_length_m
    speed_hub = speed * np.log(hub / z0) / np.log(weather.wind_height_m / z0)
    temperature_hub = (frame[("temperature", TEMPERATURE_HEIGHT_M)].to_numpy()
                       + TEMPERATURE_GRADIENT_K_PER_M * (hub - TEMPERATURE_HEIGHT_M))
    pressure_hub = (frame[("pressure", PRESSURE_HEIGHT_M)].to_numpy()
                    + PRESSURE_GRADIENT_PA_PER_M * (hub - PRESSURE_HEIGHT_M))
    return speed_hub, pressure_hub / (GAS_CONSTANT_DRY_AIR * temperature_hub)


def turbine_power_w(speed_hub: np.ndarray, density: np.ndarray, curve_speed: np.ndarray,
                    curve_power: np.ndarray) -> np.ndarray:
    """Density-corrected power curve, windpowerlib's ``power_curve_density_correction`` vectorised.

    Each hour's curve has the speeds ``v_i (1.225 / rho) ** p_i``, ``p_i`` = 1/3 up to 7.5 m/s rising
    linearly to 2/3 at 12.5 m/s (Svenningsen 2010); the power is interpolated linearly on it, zero below
    its first and above its last speed. The hours are handled at once by locating each speed in its
    own (increasing) curve row.

    Parameters
    ----------
    speed_hub : numpy.ndarray
        Hub-height wind speed [m/s].
    density : numpy.ndarray
        Air density at hub height [kg/m3].
    curve_speed, curve_power : numpy.ndarray
        Standard power curve: wind speeds [m/s] (increasing) and power [W].

    Returns
    -------
    numpy.ndarray
        Turbine power [W].
    """
    exponent = np.interp(curve_speed, [7.5, 12.5], [1.0 / 3.0, 2.0 / 3.0])
    speeds = (STANDARD_DENSITY / density)[:, None] ** exponent[None, :] * curve_speed[None, :]
    upper = np.clip((speeds <= speed_hub[:, None]).sum(axis=1), 1, len(curve_speed) - 1)
    rows = np.arange(len(speed_hub))
    low_speed, high_speed = speeds[rows, upper - 1], speeds[rows, upper]
    width = np.where(high_speed > low_speed, high_speed - low_speed, 1.0)
    fraction = np.clip((speed_hub - low_speed) / width, 0.0, 1.0)
    power = curve_power[upper - 1] + fraction * (curve_power[upper] - curve_power[upper - 1])
    outside = (speed_hub < speeds[:, 0]) | (speed_hub > speeds[:, -1])
    return np.where(outside, 0.0, power)


def hub_wind_speed_ms(weather: WeatherData, park: WindPark) -> pd.Series:
    """Wind speed at the park's hub height [m/s] by the logarithmic profile (name ``wind_speed_hub_ms``)."""
    speed, _ = hub_height_conditions(weather, park)
    return pd.Series(speed, index=weather.data.index, name="wind_speed_hub_ms")


def wind_power_kw(weather: WeatherData, park: WindPark) -> pd.Series:
    """Output of a wind park [kW], mean over each interval of the weather index.

    Parameters
    ----------
    weather : WeatherData
        Canonical weather (wind_speed [m/s] at ``weather.wind_height_m``, temp_air [degC], pressure [Pa]).
    park : WindPark
        The park.

    Returns
    -------
    pandas.Series
        Power [kW] named ``wind_kw`` on the weather's index; 0 <= value <= ``park.nameplate_kw``.

    Raises
    ------
    WeatherInputError
        If the frame misses a column, its index is naive or irregular, or the wind height is not positive.
    """
    speed_hub, density = hub_height_conditions(weather, park)
    curve = _turbine_held_at_top(park.turbine_type, park.hub_height_m).power_curve
    turbine_kw = turbine_power_w(speed_hub, density, curve["wind_speed"].to_numpy(float),
                                 curve["value"].to_numpy(float)) / 1000.0
    stopped = (speed_hub >= park.cut_out_ms) | (weather.data["temp_air"].to_numpy() < park.cold_shutdown_c)
    turbine_kw = np.where(stopped, 0.0, turbine_kw)
    turbines = park.nameplate_kw / park.turbine_rating_kw
    park_kw = turbine_kw * turbines * park_loss_factor(park)
    return pd.Series(np.clip(park_kw, 0.0, park.nameplate_kw), index=weather.data.index, name="wind_kw")


def park_loss_factor(park: WindPark) -> float:
    """Share of the turbines' gross energy the park delivers: the product of the loss budget [-]."""
    return ((1.0 - park.wake_loss) * park.availability * (1.0 - park.electrical_loss)
            * (1.0 - park.icing_loss))
