"""Photovoltaic parks: AC output of a fixed-tilt or single-axis-tracking PV park from the weather frame.

Every pvlib model is chosen explicitly (no ModelChain inference):

1. solar position: NREL SPA (``nrel_numpy``) at the *middle* of each interval. The index labels the start of
   an interval and irradiance is the mean over it, so the position is taken at ``start + step / 2``
   (+30 min for hourly data);
2. mount: fixed tilt and azimuth (by default facing the equator: south in the northern hemisphere,
   north in the southern), or a horizontal north-south single-axis tracker with backtracking
   (:func:`pvlib.tracking.singleaxis`); the tracker stows flat when the sun is down;
3. transposition: Perez 1990 (``allsitescomposite1990``) with extraterrestrial DNI (Spencer) and the
   Kasten-Young relative airmass; ground reflection with the frame's albedo where it is valid, else 0.2;
4. incidence-angle modifier: the physical (Fresnel-Snell) model on the beam component only;
5. cell temperature: SAPM, open rack glass/glass, with the wind brought to the model's 10 m reference height
   by the logarithmic profile;
6. DC: PVWatts with ``gamma_pdc`` = -0.0035 /degC;
7. system losses: PVWatts defaults (:func:`pvlib.pvsystem.pvwatts_losses`, 14.08 % in all);
8. inverter: PVWatts with nominal efficiency 0.96, clipping at the AC rating ``dc_kw / dc_ac_ratio``.

Capacity convention: ``PVPark.dc_kw`` is the **DC nameplate** [kWp]. Chinese statistics (NEA) count PV
capacity in DC peak watts (MWp), so capacity factors and full-load hours here are per DC kWp, as in the
published utilisation hours.

References
----------
.. [1] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641. :doi:`10.2172/1158421`
.. [2] Perez, R. et al. (1990). Modeling daylight availability and irradiance components from direct and
   global irradiance. Solar Energy 44(5), 271-289. :doi:`10.1016/0038-092X(90)90055-H`
.. [3] King, D. L., Boyson, W. E., Kratochvil, J. A. (2004). Photovoltaic Array Performance Model.
   SAND2004-3535. :doi:`10.2172/919131`
.. [4] Marion, W. F., Dobos, A. P. (2013). Rotation Angle for the Optimum Tracking of One-Axis Trackers.
   NREL/TP-6A20-58891. :doi:`10.2172/1089596`
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib
from windpowerlib.wind_speed import logarithmic_profile

from weather.errors import WeatherInputError
from weather.frame import REQUIRED_COLUMNS, WeatherData
from weather.sun import solar_position

DEFAULT_ALBEDO = 0.2  # ASSUMPTION: grassland/bare soil; pvlib irradiance.SURFACE_ALBEDOS 'grass' = 0.20
SAPM_REFERENCE_WIND_HEIGHT_M = 10.0  # SAPM wind speed is measured at 10 m (King et al. 2004 [3])
# Davenport-Wieringa class "open" (WMO-No. 8, Vol. I, ch. 5, terrain roughness table); ASSUMPTION: open land
ROUGHNESS_LENGTH_M = 0.03


@dataclass(frozen=True)
class PVPark:
    """A utility PV park.

    Parameters
    ----------
    dc_kw : float
        DC nameplate [kWp] (Chinese statistics count MWp, i.e. DC).
    dc_ac_ratio : float
        DC nameplate over inverter AC rating [-]. Default 1.25: ASSUMPTION, a common value for utility
        parks (the usual range is about 1.1-1.4).
    tracking : bool
        False: fixed tilt; True: horizontal north-south single-axis tracker with backtracking.
    tilt_deg : float or None
        Fixed tilt from horizontal [deg]; None means latitude minus 5 deg (ASSUMPTION: the annual optimum
        in China lies a few degrees below latitude because of the diffuse share). Ignored when tracking.
    azimuth_deg : float or None
        Fixed-tilt azimuth, clockwise from north [deg]; 180 faces south. None faces the equator: 180
        (south) at or north of the equator, 0 (north) south of it. Ignored when tracking.
    max_angle_deg : float
        Tracker rotation limit [deg]; ASSUMPTION +-60, common for single-axis trackers.
    gcr : float
        Ground coverage ratio for backtracking [-]; ASSUMPTION 0.35, typical of utility trackers.
    gamma_pdc : float
        Temperature coefficient of DC power [1/degC]; -0.0035 for crystalline silicon (Dobos 2014 [1],
        PVWatts v5 "standard" module is -0.0047; -0.0035 is the "premium" module of that manual).
    losses_percent : float
        DC system losses [%]; default :func:`pvlib.pvsystem.pvwatts_losses` with its defaults, 14.08 %
        (soiling, shading, mismatch, wiring, connections, LID, nameplate rating, availability; Dobos 2014).
    inverter_efficiency : float
        Nominal inverter efficiency [-]; 0.96 (PVWatts v5 default, Dobos 2014 [1]).
    """

    dc_kw: float
    dc_ac_ratio: float = 1.25
    tracking: bool = False
    tilt_deg: float | None = None
    azimuth_deg: float | None = None
    max_angle_deg: float = 60.0
    gcr: float = 0.35
    gamma_pdc: float = -0.0035
    losses_percent: float = float(pvlib.pvsystem.pvwatts_losses())
    inverter_efficiency: float = 0.96

    def __post_init__(self) -> None:
        checks = (
            ("dc_kw", self.dc_kw, self.dc_kw > 0, "a DC nameplate > 0 kWp"),
            ("dc_ac_ratio", self.dc_ac_ratio, 0.5 <= self.dc_ac_ratio <= 3, "a ratio in [0.5, 3]"),
            ("tilt_deg", self.tilt_deg, self.tilt_deg is None or 0 <= self.tilt_deg <= 90,
             "a tilt in [0, 90] deg or None"),
            ("azimuth_deg", self.azimuth_deg, self.azimuth_deg is None or 0 <= self.azimuth_deg < 360,
             "an azimuth in [0, 360) deg or None"),
            ("max_angle_deg", self.max_angle_deg, 0 < self.max_angle_deg <= 90, "an angle in (0, 90] deg"),
            ("gcr", self.gcr, 0 < self.gcr < 1, "a ground coverage ratio in (0, 1)"),
            ("gamma_pdc", self.gamma_pdc, -0.01 < self.gamma_pdc <= 0, "a coefficient in (-0.01, 0] 1/degC"),
            ("losses_percent", self.losses_percent, 0 <= self.losses_percent < 100, "a loss in [0, 100) %"),
            ("inverter_efficiency", self.inverter_efficiency, 0.5 < self.inverter_efficiency <= 1,
             "an efficiency in (0.5, 1]"),
        )
        for field, value, ok, expected in checks:
            if not ok:
                raise WeatherInputError(
                    f"PVPark.{field}: expected {expected}, got {value!r}; fix the park definition")

    @property
    def ac_kw(self) -> float:
        """Inverter AC rating [kW]."""
        return self.dc_kw / self.dc_ac_ratio

    def fixed_tilt_deg(self, latitude: float) -> float:
        """Tilt used for a fixed mount at ``latitude`` [deg]."""
        if self.tilt_deg is not None:
            return self.tilt_deg
        return float(np.clip(abs(latitude) - 5.0, 0.0, 90.0))

    def fixed_azimuth_deg(self, latitude: float) -> float:
        """Azimuth used for a fixed mount at ``latitude`` [deg clockwise from north]: the given one, else
        facing the equator (180 at ``latitude`` >= 0, else 0)."""
        if self.azimuth_deg is not None:
            return self.azimuth_deg
        return 180.0 if latitude >= 0 else 0.0


def interval_step(index: pd.DatetimeIndex) -> pd.Timedelta:
    """The regular step of a weather index.

    Raises
    ------
    WeatherInputError
        If the index has fewer than two times, is not tz-aware or is not regular.
    """
    if index.tz is None:
        raise WeatherInputError("weather.data.index: expected tz-aware times, got naive ones; "
                                "localize them (e.g. index.tz_localize('Asia/Shanghai'))")
    if len(index) < 2:
        raise WeatherInputError(f"weather.data.index: expected at least 2 times to know the step, got "
                                f"{len(index)}; pass a longer series")
    steps = np.diff(index.asi8)  # integers in the index's own resolution (index.unit: ns, us, ...)
    if not (steps == steps[0]).all() or steps[0] <= 0:
        raise WeatherInputError("weather.data.index: expected a regular, increasing index, got irregular "
                                "steps; resample the weather to a fixed step")
    return pd.Timedelta(int(steps[0]), unit=index.unit)


def check_weather(weather: WeatherData) -> pd.Timedelta:
    """Check the frame has the canonical columns and a regular tz-aware index; return the step."""
    missing = [column for column in REQUIRED_COLUMNS if column not in weather.data.columns]
    if missing:
        raise WeatherInputError(f"weather.data: expected columns {', '.join(REQUIRED_COLUMNS)}, missing "
                                f"{', '.join(missing)}; read files with weather.readers")
    return interval_step(weather.data.index)


def _albedo(data: pd.DataFrame) -> pd.Series:
    if "albedo" not in data.columns:
        return pd.Series(DEFAULT_ALBEDO, index=data.index)
    albedo = data["albedo"]
    return albedo.where((albedo > 0) & (albedo < 1), DEFAULT_ALBEDO)


def _surface(park: PVPark, weather: WeatherData, position: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Surface tilt and azimuth at each step [deg]."""
    index = position.index
    if not park.tracking:
        return (pd.Series(park.fixed_tilt_deg(weather.latitude), index=index),
                pd.Series(park.fixed_azimuth_deg(weather.latitude), index=index))
    angles = pvlib.tracking.singleaxis(
        position["apparent_zenith"], position["azimuth"], axis_tilt=0.0, axis_azimuth=180.0,
        max_angle=park.max_angle_deg, backtrack=True, gcr=park.gcr)
    # Sun down: the tracker stows flat (any orientation then sees only diffuse light).
    return angles["surface_tilt"].fillna(0.0), angles["surface_azimuth"].fillna(180.0)


def pv_power_kw(weather: WeatherData, park: PVPark) -> pd.Series:
    """AC output of a PV park [kW], mean over each interval of the weather index.

    Parameters
    ----------
    weather : WeatherData
        Canonical weather (ghi, dni, dhi [W/m2]; temp_air [degC]; wind_speed [m/s] at
        ``weather.wind_height_m``; pressure [Pa]; optional albedo [-]).
    park : PVPark
        The park; ``park.dc_kw`` is its DC nameplate [kWp].

    Returns
    -------
    pandas.Series
        AC power [kW] named ``solar_kw`` on the weather's index; 0 <= value <= ``park.ac_kw``.

    Raises
    ------
    WeatherInputError
        If the frame misses a column or its index is naive or irregular.
    """
    step = check_weather(weather)
    data = weather.data
    midpoints = data.index + step / 2
    position = solar_position(midpoints, weather.latitude, weather.longitude, weather.elevation_m,
                              pressure_pa=data["pressure"].to_numpy(),
                              temperature_c=data["temp_air"].to_numpy())
    position.index = data.index
    tilt, azimuth = _surface(park, weather, position)

    # Day of year as an array: pvlib 0.16 reads DatetimeIndex.dayofyear, deprecated in pandas 3.1.
    dni_extra = pvlib.irradiance.get_extra_radiation(midpoints.tz_convert("UTC").day_of_year.to_numpy(),
                                                     method="spencer")
    airmass = pvlib.atmosphere.get_relative_airmass(position["apparent_zenith"], model="kastenyoung1989")
    ghi, dni, dhi = (data[column].clip(lower=0.0) for column in ("ghi", "dni", "dhi"))
    poa = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, position["apparent_zenith"], position["azimuth"], dni, ghi, dhi,
        dni_extra=dni_extra, airmass=airmass, albedo=_albedo(data), model="perez",
        model_perez="allsitescomposite1990")
    poa = poa.fillna(0.0)
    aoi = pvlib.irradiance.aoi(tilt, azimuth, position["apparent_zenith"], position["azimuth"])
    effective = poa["poa_direct"] * pvlib.iam.physical(aoi).fillna(0.0) + poa["poa_diffuse"]

    wind_10m = logarithmic_profile(data["wind_speed"], weather.wind_height_m, SAPM_REFERENCE_WIND_HEIGHT_M,
                                   ROUGHNESS_LENGTH_M)
    sapm = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_glass"]
    temp_cell = pvlib.temperature.sapm_cell(poa["poa_global"], data["temp_air"], wind_10m, **sapm)

    dc_kw = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, park.dc_kw, park.gamma_pdc)
    dc_kw = dc_kw.clip(lower=0.0) * (1.0 - park.losses_percent / 100.0)
    ac_kw = pvlib.inverter.pvwatts(dc_kw, park.ac_kw / park.inverter_efficiency,
                                   eta_inv_nom=park.inverter_efficiency)
    return pd.Series(np.clip(np.asarray(ac_kw, dtype=float), 0.0, park.ac_kw), index=data.index,
                     name="solar_kw")
