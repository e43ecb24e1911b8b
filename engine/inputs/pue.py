"""Temperature-driven power usage effectiveness (PUE) of a data centre.

The cooling plant of a modern hub data centre runs on free cooling (outdoor air or water-side
economiser) while the outdoor air is cool, and needs more and more mechanical (chiller) cooling as it
warms. We model this as a piecewise-linear function of the outdoor dry-bulb temperature ``T`` [degC]:

.. math::

    \\mathrm{PUE}(T) = \\mathrm{PUE}_{min} + \\min\\bigl(h,\\; s\\,\\max(0,\\; T - T_{fc})\\bigr)

- ``T_fc`` (:data:`FREE_COOLING_C`): below it the plant runs on free cooling and PUE is flat at
  ``PUE_min`` (fans, pumps, power distribution and UPS losses).
- ``s`` (:data:`SLOPE_PER_K`): the PUE added per kelvin above ``T_fc`` as chillers take over.
- ``h`` (:data:`HEADROOM`): the cap, reached when cooling is fully mechanical.

ASSUMPTION: ``T_fc = 12 degC``, ``s = 0.01 /K`` and ``h = 0.25`` are representative values, not
measured at any hub. ``T_fc`` sits a few kelvin below the lower end of the ASHRAE TC 9.9 recommended
server inlet range (18-27 degC, ASHRAE TC 9.9, *Thermal Guidelines for Data Processing Environments*,
2011) to leave room for the economiser's approach temperature; ``s`` and ``h`` make a fully mechanical
summer hour about 0.2-0.25 worse than a free-cooled winter hour, the spread reported for air-cooled
facilities. Replace them with a site's own measured curve when one exists.

Calibration: ``PUE_min`` is chosen so that the mean PUE over a reference year of hourly temperatures
(the hub's typical year, or the whole weather file) equals the hub's annual PUE target (1.2 west,
1.25 east: hub approvals 2022, FACTS.md). Because the cap ``h`` is relative to ``PUE_min`` this is
closed-form: ``PUE_min = target - mean(min(h, s max(0, T - T_fc)))``. ``PUE_min`` is floored at
:data:`PUE_FLOOR`; in a climate too hot for the target the annual mean then ends above the target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FREE_COOLING_C = 12.0
"""Outdoor dry-bulb temperature below which cooling is free [degC] (ASSUMPTION, see module)."""

SLOPE_PER_K = 0.01
"""PUE added per kelvin of outdoor temperature above :data:`FREE_COOLING_C` [1/K] (ASSUMPTION)."""

HEADROOM = 0.25
"""Largest PUE added by mechanical cooling above ``PUE_min`` [-] (ASSUMPTION)."""

PUE_FLOOR = 1.05
"""Lowest ``PUE_min`` the calibration may choose [-] (ASSUMPTION: power distribution, UPS and fan
losses of a free-cooled hall are a few percent of the IT load)."""


def cooling_overhead(temp_air_c: np.ndarray | pd.Series) -> np.ndarray:
    """PUE added by mechanical cooling at each outdoor temperature [-].

    Parameters
    ----------
    temp_air_c : array-like
        Outdoor dry-bulb air temperature [degC].

    Returns
    -------
    numpy.ndarray
        ``min(HEADROOM, SLOPE_PER_K * max(0, temp_air_c - FREE_COOLING_C))`` [-], in ``[0, HEADROOM]``.
    """
    temp = np.asarray(temp_air_c, dtype=float)
    return np.minimum(HEADROOM, SLOPE_PER_K * np.maximum(0.0, temp - FREE_COOLING_C))


def calibrated_pue_min(reference_temp_air_c: np.ndarray | pd.Series, pue_target: float) -> float:
    """``PUE_min`` that makes the mean PUE over the reference temperatures equal ``pue_target`` [-].

    Parameters
    ----------
    reference_temp_air_c : array-like
        Hourly outdoor air temperature of a reference year [degC].
    pue_target : float
        Annual mean PUE to reach [-], >= 1.

    Returns
    -------
    float
        ``max(PUE_FLOOR, pue_target - mean(cooling_overhead(reference)))`` [-].
    """
    return max(PUE_FLOOR, pue_target - float(np.mean(cooling_overhead(reference_temp_air_c))))


def weather_pue(temp_air_c: pd.Series, reference_temp_air_c: np.ndarray | pd.Series,
                pue_target: float) -> pd.Series:
    """PUE at each time of ``temp_air_c``, calibrated to ``pue_target`` on a reference year [-].

    Parameters
    ----------
    temp_air_c : pandas.Series
        Outdoor dry-bulb air temperature on the times to evaluate [degC].
    reference_temp_air_c : array-like
        Hourly outdoor air temperature of the reference year used for calibration [degC].
    pue_target : float
        Annual mean PUE of the hub [-].

    Returns
    -------
    pandas.Series
        PUE named ``pue`` on the index of ``temp_air_c``, in ``[PUE_min, PUE_min + HEADROOM]``.
    """
    pue_min = calibrated_pue_min(reference_temp_air_c, pue_target)
    return pd.Series(pue_min + cooling_overhead(temp_air_c), index=temp_air_c.index, name="pue")
