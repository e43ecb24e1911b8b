"""Day-ahead power forecasts: the error model, the offline generator, uncertainty and skill.

A forecast is issued at an *issue time* and gives ``solar_kw`` and ``wind_kw`` at *valid times*
``issue + lead`` for leads ``0, step, ..., horizon - step``. A :class:`ForecastSet` holds many issues as
arrays shaped (issues, leads); :meth:`ForecastSet.issue` slices one issue for a rolling planner, and
:meth:`ForecastSet.day_ahead` assembles the day-ahead view (each day forecast by the previous day's issue),
the one the grid operators score.

Error model (offline generator, :func:`hub_forecasts`; one site: :func:`day_ahead_forecast`)
------------------------------------------------------------------------------------------
For an issue ``i`` and lead ``l`` the forecast is a smoothed actual plus an error, clipped to the park::

    forecast[i, l] = clip(base[i, l] + scale * nameplate * shape[i, l] * g(l) * eps[i, l], 0, nameplate)

- ``base`` is the actual smoothed by a centred moving average over ``smoothing_hours`` (PV: zero where
  its envelope is zero), so forecasts are *smoother* than what comes (a forecast does not know the fast
  fluctuations; they are part of its error).
- ``eps = sqrt(1 - w) fast + sqrt(w) slow`` with unit variance: ``fast`` is a stationary AR(1) along the
  lead axis (one-hour autocorrelation ``phi_h``, per step ``phi_h ** step_hours``), new for every issue;
  ``slow`` is an AR(1) along *valid time* (e-folding ``slow_time_h``) that every issue covering that time
  shares, with variance share ``w = slow_share``: consecutive issues make related errors and a day's
  error persists into the next (a weather regime the NWP gets wrong).
- The innovations of both are correlated across sites and parks with the matrix
  ``exp(-d_km / correlation_length_km) (x) [[1, r], [r, 1]]`` (Kronecker product of the distance decay
  between sites and the solar-wind correlation ``r = solar_wind_correlation`` within a site). Default
  length scale 300 km (ASSUMPTION: the size of the synoptic systems whose NWP errors the parks share;
  documented so that a calibration to measured error correlations can replace it).
- After the clip the mean error over the scored window is removed (a shift in proportion to the spread,
  :data:`DEBIAS_ITERATIONS` times), so forecasts are unbiased; the scale is calibrated again afterwards.
- Sigma is the spread at the level whose central 80 % band covers 80 % of the scored errors (calibrated
  quantiles; smoothing and clip included).
- ``g(l) = (1 - (1 - g0) exp(-l / tau)) (1 + kappa l / 24 h)`` grows with lead: small near the issue time
  (the plant's output then is known), the day-ahead level after a few hours, slowly more for later days.
- ``shape`` is 1 for wind. For PV it is the clear-sky-like envelope of the actual output (the highest output
  at that local time of day within +-15 days, divided by the nameplate), so errors vanish at night, are small
  at dawn and dusk, and the forecast is exactly 0 where the envelope is 0.
- ``scale`` is calibrated by bisection so that the capacity-normalised RMSE of the day-ahead window
  (valid times on the local day after the issue) equals the target: wind over all steps, PV over its
  generation steps (actual > 0), as the Chinese forecast-accuracy rules score PV over generation periods.

Calibration targets (capacity-normalised day-ahead RMSE)
--------------------------------------------------------
The Chinese grid operators score a plant's day-ahead ("短期") forecast by an accuracy
``C_R = 1 - sqrt(mean(((P_measured - P_forecast) / capacity)^2))``, i.e. 1 - capacity-normalised RMSE:

- GB/T 40607-2021 调度侧风电或光伏功率预测系统技术要求 (SAMR/SAC, issued 2021-10-11, in force
  2022-05-01) sets the dispatch-side forecasting requirements, with the error statistics in its Annex D
  (document structure verified; the exact formula and thresholds there: ASSUMPTION, not read).
- North China 两个细则 (华北能源监管局, 2019 revision, issued 2019-09-25): wind medium/short-term forecast
  (next day 00:00 up to 168 h, 15-min points) accuracy >= 85 %, ultra-short-term (15 min to 4 h) >= 90 %
  (verified via a secondary summary, 交能网, 2020-04-30).
- Commonly quoted NEA regional rules: day-ahead wind accuracy >= 80 %, PV >= 85 % (ASSUMPTION: not verified).
- Literature: Gansu arid-region PV short-term forecasts, monthly relative RMSE 0.086-0.112, mean 0.096-0.103
  for four models (Wu G. et al. 2024, 干旱气象 42(5):694, Table 1).

Defaults: wind nRMSE 0.15 (accuracy 85 %, the North China floor), PV nRMSE 0.09 over generation steps
(accuracy 91 %, within the Gansu literature range). ASSUMPTION: a typical plant forecaster meets the wind
floor and matches the published PV skill. The error shape parameters (``phi_h``, ``g0``, ``tau``,
``kappa``) are ASSUMPTIONS chosen to look like NWP-based errors; they change the texture, not the
calibrated level.

Persistence reference and skill
-------------------------------
Day-ahead persistence forecasts each valid time with the actual at the same local time of day on the latest
day whose value was known at the issue time (``t - 24 h k`` with the smallest ``k`` such that that interval
ended by the issue). Skill is RMSE-based: ``1 - RMSE_forecast / RMSE_persistence``.

References
----------
.. [1] GB/T 40607-2021 调度侧风电或光伏功率预测系统技术要求. State Administration for Market Regulation,
   Standardization Administration of China, 2021.
.. [2] 华北能源监管局, 华北区域并网发电厂"两个细则"(2019年修订版), 2019-09-25.
.. [3] Wu G., Sun T., Chen X., Jing H., Yan X., Li Y. (2024). 蝗虫优化算法与单一预测模型在
   干旱区光伏功率预测中的比较研究. 干旱气象 42(5), 694.
.. [4] Yang D. et al. (2020). Verification of deterministic solar forecasts. Solar Energy 210, 20-37.
   :doi:`10.1016/j.solener.2020.04.019` (RMSE skill score against a reference forecast).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.signal import lfilter
from scipy.stats import norm

from weather.catalogue import TIMEZONE
from weather.errors import WeatherInputError
from weather.geo import great_circle_km
from weather.power import KW_PER_MW, park_output
from weather.readers.forecast import ForecastData

POWER_COLUMNS = ("solar_kw", "wind_kw")
HOUR = pd.Timedelta(hours=1)
DAY = pd.Timedelta(days=1)
ENVELOPE_HALF_WINDOW_DAYS = 15  # clear-sky-like PV envelope: max over +-15 days at the same time of day
CALIBRATION_ITERATIONS = 60
DEBIAS_ITERATIONS = 6  # mean-error corrections after the clip (each shrinks the remaining bias)


@dataclass(frozen=True)
class ForecastErrorModel:
    """Parameters of the day-ahead forecast error model (see the module docstring).

    The last five fields shape the error's structure (module docstring, "Structure"): ``slow_share``
    of the error variance in a regime error along *valid* time (e-folding ``slow_time_h`` [h]) that
    consecutive issues share; a base of the actual smoothed over ``smoothing_hours`` [h]; errors
    correlated across hubs as ``exp(-distance / correlation_length_km)`` and between a hub's solar and
    wind by ``solar_wind_correlation`` [-].

    Parameters
    ----------
    solar_nrmse, wind_nrmse : float
        Target day-ahead RMSE normalised by nameplate [-] (PV over generation steps, wind over all steps).
    solar_hourly_autocorrelation, wind_hourly_autocorrelation : float
        One-hour autocorrelation ``phi_h`` of the error along the lead axis [-], in [0, 1).
    lead0_fraction : float
        ``g0``: error level at lead 0 relative to the day-ahead level [-], in (0, 1].
    growth_time_h : float
        ``tau``: time constant of the approach to the day-ahead level [h].
    growth_per_day : float
        ``kappa``: further relative growth per day of lead [1/day].
    """

    solar_nrmse: float = 0.09  # PV accuracy 91 %: Wu et al. 2024 [3]; ASSUMPTION for other regions
    wind_nrmse: float = 0.15  # wind accuracy 85 %: North China 两个细则 2019 [2]
    solar_hourly_autocorrelation: float = 0.85  # ASSUMPTION: cloud errors decorrelate within hours
    wind_hourly_autocorrelation: float = 0.95  # ASSUMPTION: NWP wind errors persist ~20 h
    lead0_fraction: float = 0.35  # ASSUMPTION: near-issue error about a third of the day-ahead error
    growth_time_h: float = 6.0  # ASSUMPTION
    growth_per_day: float = 0.05  # ASSUMPTION: +5 % per day beyond the first day
    slow_share: float = 0.5  # ASSUMPTION: half the error variance is weather-regime error (persists)
    slow_time_h: float = 36.0  # ASSUMPTION: regime errors decorrelate over 1-2 days
    smoothing_hours: float = 3.0  # ASSUMPTION: NWP resolves nothing faster than ~3 h
    correlation_length_km: float = 300.0  # ASSUMPTION: synoptic error fields span a few hundred km
    solar_wind_correlation: float = 0.3  # ASSUMPTION: the same fronts and cloud bands drive both

    def __post_init__(self) -> None:
        for name in ("solar_nrmse", "wind_nrmse"):
            _check_range(name, getattr(self, name), 0.0, 1.0, "a normalised RMSE in [0, 1], e.g. 0.15")
        for name in ("solar_hourly_autocorrelation", "wind_hourly_autocorrelation"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise WeatherInputError(f"{name}: expected an autocorrelation in [0, 1), got {value!r}; "
                                        "pass e.g. 0.9")
        if not 0.0 < self.lead0_fraction <= 1.0:
            raise WeatherInputError(f"lead0_fraction: expected a value in (0, 1], got "
                                    f"{self.lead0_fraction!r}; pass e.g. 0.35")
        _check_range("growth_time_h", self.growth_time_h, 1e-9, np.inf, "a positive time [h], e.g. 6")
        _check_range("growth_per_day", self.growth_per_day, 0.0, np.inf, "a growth >= 0 [1/day], e.g. 0.05")
        _check_range("slow_share", self.slow_share, 0.0, 1.0, "a variance share in [0, 1], e.g. 0.5")
        _check_range("slow_time_h", self.slow_time_h, 1e-9, np.inf, "a positive time [h], e.g. 36")
        _check_range("smoothing_hours", self.smoothing_hours, 0.0, 24.0, "a window of 0-24 h, e.g. 3")
        _check_range("correlation_length_km", self.correlation_length_km, 1e-9, np.inf,
                     "a positive length [km], e.g. 300")
        _check_range("solar_wind_correlation", self.solar_wind_correlation, -0.99, 0.99,
                     "a correlation in (-1, 1), e.g. 0.3")

    def lead_growth(self, lead_hours: np.ndarray) -> np.ndarray:
        """Relative error level ``g(l)`` at each lead [-]; increasing, ``g0`` at lead 0."""
        lead_hours = np.asarray(lead_hours, dtype=float)
        approach = 1.0 - (1.0 - self.lead0_fraction) * np.exp(-lead_hours / self.growth_time_h)
        return approach * (1.0 + self.growth_per_day * lead_hours / 24.0)


@dataclass(frozen=True)
class ForecastSet:
    """Power forecasts of many issues on a common lead grid.

    Parameters
    ----------
    issue_times : pandas.DatetimeIndex
        Issue times (UTC), increasing, shape (I,).
    step : pandas.Timedelta
        Lead step; leads are ``0, step, ..., (L - 1) step``.
    solar_kw, wind_kw : numpy.ndarray
        Point forecasts [kW], shape (I, L); NaN where an issue has no value.
    solar_sigma_kw, wind_sigma_kw : numpy.ndarray
        Standard deviation of the forecast error [kW], shape (I, L); zeros where unknown.
    solar_nameplate_kw, wind_nameplate_kw : float
        Nameplates bounding every forecast, quantile and scenario [kW].
    solar_step_autocorrelation, wind_step_autocorrelation : float
        Per-step autocorrelation of the error along the lead axis [-], used by :meth:`scenarios`.
    """

    issue_times: pd.DatetimeIndex
    step: pd.Timedelta
    solar_kw: np.ndarray
    wind_kw: np.ndarray
    solar_sigma_kw: np.ndarray
    wind_sigma_kw: np.ndarray
    solar_nameplate_kw: float
    wind_nameplate_kw: float
    solar_step_autocorrelation: float = 0.0
    wind_step_autocorrelation: float = 0.0
    source: str = field(default="")

    @property
    def lead_hours(self) -> np.ndarray:
        """Lead of each column [h], shape (L,)."""
        return np.arange(self.solar_kw.shape[1]) * (self.step / HOUR)

    @property
    def valid_times(self) -> np.ndarray:
        """Valid time of every cell (UTC, datetime64), shape (I, L)."""
        leads = np.arange(self.solar_kw.shape[1]) * self.step.to_timedelta64()
        return self.issue_times.tz_localize(None).to_numpy()[:, None] + leads[None, :]

    def frame(self) -> pd.DataFrame:
        """Tidy table: one row per issue and valid time with a value.

        Returns
        -------
        pandas.DataFrame
            Columns ``issue_time``, ``valid_time`` (UTC), ``lead_hours`` [h], ``solar_kw``, ``wind_kw`` [kW].
        """
        n_issues, n_leads = self.solar_kw.shape
        table = pd.DataFrame({
            "issue_time": np.repeat(self.issue_times, n_leads),
            "valid_time": pd.DatetimeIndex(self.valid_times.ravel()).tz_localize("UTC"),
            "lead_hours": np.tile(self.lead_hours, n_issues),
            "solar_kw": self.solar_kw.ravel(),
            "wind_kw": self.wind_kw.ravel(),
        })
        return table.dropna(subset=list(POWER_COLUMNS)).reset_index(drop=True)

    def latest_issue(self, time: pd.Timestamp) -> pd.Timestamp:
        """The latest issue time at or before ``time``.

        Raises
        ------
        WeatherInputError
            If ``time`` is naive or before the first issue.
        """
        time = _utc_timestamp("time", time)
        position = self.issue_times.searchsorted(time, side="right") - 1
        if position < 0:
            raise WeatherInputError(f"time: expected a time at or after the first issue "
                                    f"{self.issue_times[0]}, got {time}; plan from a later time")
        return self.issue_times[position]

    def issue(self, issue_time: pd.Timestamp, lookahead_hours: float | None = None,
              start: pd.Timestamp | None = None) -> pd.DataFrame:
        """The forecast of one issue over a look-ahead.

        Parameters
        ----------
        issue_time : pandas.Timestamp
            One of :attr:`issue_times` (tz-aware).
        lookahead_hours : float, optional
            Length of the returned window [h]; default: to the issue's last valid time with data.
        start : pandas.Timestamp, optional
            First valid time (tz-aware, at or after the issue time); default the issue time.

        Returns
        -------
        pandas.DataFrame
            Index ``valid_time`` (UTC); columns ``lead_hours`` [h], ``solar_kw``, ``wind_kw`` [kW].

        Raises
        ------
        WeatherInputError
            If the issue time is unknown, ``start`` precedes it, or the window runs past the horizon.
        """
        issue_time = _utc_timestamp("issue_time", issue_time)
        row = self.issue_times.get_indexer([issue_time])[0]
        if row < 0:
            raise WeatherInputError(f"issue_time: expected one of the forecast's issue times "
                                    f"({self.issue_times[0]} ... {self.issue_times[-1]}), got {issue_time}; "
                                    "use ForecastSet.latest_issue(time)")
        start = issue_time if start is None else _utc_timestamp("start", start)
        first = (start - issue_time) / self.step
        n_leads = self.solar_kw.shape[1]
        if first < 0 or first != int(first):
            raise WeatherInputError(f"start: expected a time on the {self.step} grid at or after the issue "
                                    f"time {issue_time}, got {start}; pass a later, aligned start")
        first = int(first)
        if lookahead_hours is None:
            with_data = np.flatnonzero(~np.isnan(self.solar_kw[row]) & ~np.isnan(self.wind_kw[row]))
            stop = int(with_data[-1]) + 1 if len(with_data) else 0
        else:
            stop = first + round(lookahead_hours * HOUR / self.step)
        values = np.column_stack([self.solar_kw[row, first:stop], self.wind_kw[row, first:stop]])
        if stop > n_leads or np.isnan(values).any():
            raise WeatherInputError(f"lookahead_hours: expected a window inside the issue's horizon "
                                    f"({n_leads * self.step / HOUR:g} h with data), got "
                                    f"{lookahead_hours!r} h "
                                    f"from {start}; shorten the look-ahead or issue with a longer horizon")
        valid = pd.DatetimeIndex(self.valid_times[row, first:stop]).tz_localize("UTC")
        return pd.DataFrame({"lead_hours": self.lead_hours[first:stop], "solar_kw": values[:, 0],
                             "wind_kw": values[:, 1]}, index=pd.Index(valid, name="valid_time"))

    def day_ahead_mask(self) -> np.ndarray:
        """Cells whose valid time falls on the local (Asia/Shanghai) day after the issue, shape (I, L)."""
        return _day_ahead_mask(self.issue_times, self.valid_times)

    def day_ahead(self) -> pd.DataFrame:
        """The day-ahead forecast series: every valid time from the previous local day's issue.

        Returns
        -------
        pandas.DataFrame
            Index ``valid_time`` (UTC), columns ``solar_kw``, ``wind_kw`` [kW]; only covered times.
        """
        mask = self.day_ahead_mask() & ~np.isnan(self.solar_kw) & ~np.isnan(self.wind_kw)
        valid = pd.DatetimeIndex(self.valid_times[mask]).tz_localize("UTC")
        table = pd.DataFrame({"solar_kw": self.solar_kw[mask], "wind_kw": self.wind_kw[mask]},
                             index=pd.Index(valid, name="valid_time"))
        return table[~table.index.duplicated(keep="last")].sort_index()

    def quantiles(self, levels: tuple[float, ...] = (0.1, 0.5, 0.9)) -> dict[float, dict[str, np.ndarray]]:
        """Quantiles of the actual output given the forecast, from the error model.

        ``q = clip(point + sigma * z_level, 0, nameplate)`` with ``z`` the standard normal quantile; the
        clip keeps every quantile in [0, nameplate] and, being monotone, keeps the levels ordered.

        Parameters
        ----------
        levels : tuple of float
            Probability levels in (0, 1).

        Returns
        -------
        dict
            ``{level: {"solar_kw": array (I, L), "wind_kw": array (I, L)}}`` [kW].
        """
        for level in levels:
            _check_range("levels", level, 1e-9, 1 - 1e-9, "probabilities strictly between 0 and 1")
        result = {}
        for level in levels:
            z = norm.ppf(level)
            result[level] = {
                "solar_kw": np.clip(self.solar_kw + self.solar_sigma_kw * z, 0.0, self.solar_nameplate_kw),
                "wind_kw": np.clip(self.wind_kw + self.wind_sigma_kw * z, 0.0, self.wind_nameplate_kw),
            }
        return result

    def scenarios(self, n_scenarios: int, seed: int = 0) -> dict[str, np.ndarray]:
        """An ensemble of possible actual outputs around the forecast, from the same error model.

        Each scenario adds ``sigma * eps`` with ``eps`` the AR(1) process of the error model along the lead
        axis, clipped to [0, nameplate].

        Parameters
        ----------
        n_scenarios : int
            Number of scenarios (>= 1).
        seed : int
            Seed of the random generator.

        Returns
        -------
        dict
            ``{"solar_kw": array (N, I, L), "wind_kw": array (N, I, L)}`` [kW].
        """
        if int(n_scenarios) != n_scenarios or n_scenarios < 1:
            raise WeatherInputError(f"n_scenarios: expected an integer >= 1, got {n_scenarios!r}; "
                                    "pass e.g. 20")
        rng = np.random.default_rng(seed)
        shape = (int(n_scenarios), *self.solar_kw.shape)
        solar = ar1_noise(rng, shape, self.solar_step_autocorrelation)
        wind = ar1_noise(rng, shape, self.wind_step_autocorrelation)
        return {
            "solar_kw": np.clip(self.solar_kw + self.solar_sigma_kw * solar, 0.0, self.solar_nameplate_kw),
            "wind_kw": np.clip(self.wind_kw + self.wind_sigma_kw * wind, 0.0, self.wind_nameplate_kw),
        }


def ar1_noise(rng: np.random.Generator, shape: tuple[int, ...], phi: float) -> np.ndarray:
    """Stationary AR(1) noise with unit variance along the last axis.

    ``e[0] = n[0]``, ``e[k] = phi e[k-1] + sqrt(1 - phi^2) n[k]`` with ``n`` standard normal.
    """
    return ar1_filter(rng.standard_normal(shape), phi)


def ar1_filter(innovations: np.ndarray, phi: float) -> np.ndarray:
    """The stationary AR(1) of :func:`ar1_noise` driven by given standard-normal ``innovations``."""
    innovations = np.array(innovations, dtype=float, copy=True)
    first = innovations[..., :1].copy()
    innovations[..., :1] = 0.0
    filtered, _ = lfilter([np.sqrt(1.0 - phi**2)], [1.0, -phi], innovations, axis=-1, zi=first)
    return filtered


def day_ahead_forecast(actual: pd.DataFrame, solar_kw_nameplate: float, wind_kw_nameplate: float, *,
                       issue_hour: int = 12, horizon_hours: float = 72.0, seed: int = 0,
                       error_model: ForecastErrorModel | None = None) -> ForecastSet:
    """Synthetic day-ahead forecasts of one site's park output (:func:`hub_forecasts` for one hub).

    Parameters
    ----------
    actual : pandas.DataFrame
        Actual output with columns ``solar_kw``, ``wind_kw`` [kW] on a regular tz-aware index (any step
        that divides a day, e.g. 1 h or 15 min), e.g. :func:`weather.power.park_output` of a typical year.
    solar_kw_nameplate, wind_kw_nameplate : float
        Nameplates [kW] (PV DC); forecasts stay in [0, nameplate].
    issue_hour : int
        Local (Asia/Shanghai) clock hour of the daily issue, 0-23.
    horizon_hours : float
        Forecast horizon of each issue [h]; at least ``48 - issue_hour`` so it covers the next local day.
    seed : int
        Seed of the random generator; the same seed gives the same forecasts.
    error_model : ForecastErrorModel, optional
        Error levels and shape; default :class:`ForecastErrorModel()`.

    Returns
    -------
    ForecastSet
        One issue per local day whose issue time lies in the actual's index; leads past the end of the
        actual are NaN. Sigma arrays hold the calibrated error standard deviation.

    Raises
    ------
    WeatherInputError
        For a malformed ``actual``, out-of-range nameplates, issue hour or horizon.
    """
    return hub_forecasts({"site": actual}, {"site": (solar_kw_nameplate, wind_kw_nameplate)},
                         issue_hour=issue_hour, horizon_hours=horizon_hours, seed=seed,
                         error_model=error_model)["site"]


@dataclass(frozen=True)
class _LeadGrid:
    """Issues x leads of a set of forecasts on one actual index."""

    index: pd.DatetimeIndex
    step: pd.Timedelta
    issue_times: pd.DatetimeIndex
    positions: np.ndarray
    inside: np.ndarray
    safe: np.ndarray
    growth: np.ndarray
    window: np.ndarray

    @classmethod
    def of(cls, index: pd.DatetimeIndex, step: pd.Timedelta, issue_hour: int, horizon_hours: float,
           model: ForecastErrorModel) -> _LeadGrid:
        n_leads = int(round(horizon_hours * HOUR / step))
        issue_times = _daily_issue_times(index, issue_hour)
        rows = ((issue_times - index[0]) / step).to_numpy().astype(np.int64)
        positions = rows[:, None] + np.arange(n_leads)[None, :]
        inside = positions < len(index)
        leads = np.arange(n_leads) * step.to_timedelta64()
        valid_times = issue_times.tz_localize(None).to_numpy()[:, None] + leads[None, :]
        return cls(index=index, step=step, issue_times=issue_times, positions=positions, inside=inside,
                   safe=np.where(inside, positions, 0),
                   growth=model.lead_growth(np.arange(n_leads) * (step / HOUR))[None, :],
                   window=_day_ahead_mask(issue_times, valid_times) & inside)


def spatial_correlation(positions: list[tuple[float, float] | None], length_km: float) -> np.ndarray:
    """Error correlation between sites, ``exp(-distance / length_km)`` (0 with an unknown position) [-]."""
    n = len(positions)
    matrix = np.eye(n)
    for a in range(n):
        for b in range(a + 1, n):
            if positions[a] is None or positions[b] is None:
                continue
            matrix[a, b] = matrix[b, a] = np.exp(-great_circle_km(*positions[a], *positions[b]) / length_km)
    return matrix


def _correlated_noise(rng: np.random.Generator, names: list[str], positions: list, grid: _LeadGrid,
                      model: ForecastErrorModel) -> dict[tuple[str, str], np.ndarray]:
    """Unit-variance errors ``(issues, leads)`` of every (hub, park), correlated as the model says."""
    parks = ("solar", "wind")
    within = np.array([[1.0, model.solar_wind_correlation], [model.solar_wind_correlation, 1.0]])
    joint = np.kron(spatial_correlation(positions, model.correlation_length_km), within)
    factor = np.linalg.cholesky(joint + 1e-12 * np.eye(len(joint)))
    n_issues, n_leads = grid.positions.shape
    fast = np.einsum("ab,bil->ail", factor, rng.standard_normal((len(joint), n_issues, n_leads)))
    slow = factor @ rng.standard_normal((len(joint), len(grid.index) + n_leads))
    step_hours = grid.step / HOUR
    phi_slow = np.exp(-step_hours / model.slow_time_h)
    noise = {}
    for k, (name, park) in enumerate((name, park) for name in names for park in parks):
        phi = getattr(model, f"{park}_hourly_autocorrelation") ** step_hours
        regime = ar1_filter(slow[k], phi_slow)[grid.positions]  # shared by issues: valid time
        noise[(name, park)] = (np.sqrt(1.0 - model.slow_share) * ar1_filter(fast[k], phi)
                               + np.sqrt(model.slow_share) * regime)
    return noise


def hub_forecasts(actuals: dict[str, pd.DataFrame], nameplates: dict[str, tuple[float, float]],
                  positions: dict[str, tuple[float, float] | None] | None = None, *, issue_hour: int = 12,
                  horizon_hours: float = 72.0, seed: int = 0,
                  error_model: ForecastErrorModel | None = None) -> dict[str, ForecastSet]:
    """Synthetic day-ahead forecasts of several sites at once, errors correlated as forecasts' are.

    Parameters
    ----------
    actuals : dict of str to pandas.DataFrame
        Site -> actual ``solar_kw``, ``wind_kw`` [kW], all on the same regular tz-aware index.
    nameplates : dict of str to tuple of float
        Site -> (solar, wind) nameplates [kW].
    positions : dict of str to (lat, lon), optional
        Site positions [deg] for the spatial correlation; unknown sites get independent errors.
    issue_hour, horizon_hours, seed, error_model
        As :func:`day_ahead_forecast`.

    Returns
    -------
    dict of str to ForecastSet
        Site -> forecasts (module docstring, "Structure").

    Raises
    ------
    WeatherInputError
        Malformed actuals or indexes that differ, out-of-range nameplates, issue hour or horizon.
    """
    model = ForecastErrorModel() if error_model is None else error_model
    names = list(actuals)
    step = None
    for name in names:
        step = _check_actual(actuals[name], *nameplates[name])
    if int(issue_hour) != issue_hour or not 0 <= issue_hour <= 23:
        raise WeatherInputError(f"issue_hour: expected a local clock hour 0-23, got {issue_hour!r}; "
                                "pass e.g. 12")
    if not horizon_hours >= 48 - issue_hour:
        raise WeatherInputError(f"horizon_hours: expected at least {48 - issue_hour} h so an issue at "
                                f"{issue_hour}:00 covers the next local day, got {horizon_hours!r}; "
                                "pass e.g. 72")
    index = actuals[names[0]].index.tz_convert("UTC")
    if any(not actuals[name].index.tz_convert("UTC").equals(index) for name in names):
        raise WeatherInputError("actuals: expected every site on the same index, got different indexes; "
                                "reindex them to one time axis")
    grid = _LeadGrid.of(index, step, issue_hour, horizon_hours, model)
    where = [None if positions is None else positions.get(name) for name in names]
    noise = _correlated_noise(np.random.default_rng(seed), names, where, grid, model)
    out = {}
    for name in names:
        arrays = {}
        for park, nameplate in zip(("solar", "wind"), nameplates[name], strict=True):
            arrays[park] = _park_forecast(actuals[name][f"{park}_kw"], float(nameplate),
                                          getattr(model, f"{park}_nrmse"), noise[(name, park)], grid, model,
                                          park == "solar")
        out[name] = ForecastSet(
            issue_times=grid.issue_times, step=step, solar_kw=arrays["solar"][0], wind_kw=arrays["wind"][0],
            solar_sigma_kw=arrays["solar"][1], wind_sigma_kw=arrays["wind"][1],
            solar_nameplate_kw=float(nameplates[name][0]), wind_nameplate_kw=float(nameplates[name][1]),
            solar_step_autocorrelation=model.solar_hourly_autocorrelation ** (step / HOUR),
            wind_step_autocorrelation=model.wind_hourly_autocorrelation ** (step / HOUR),
            source=f"day-ahead error model seed {seed}, issue {issue_hour:02d}:00 {TIMEZONE}")
    return out


def _park_forecast(actual: pd.Series, nameplate: float, target: float, noise: np.ndarray, grid: _LeadGrid,
                   model: ForecastErrorModel, solar: bool) -> tuple[np.ndarray, np.ndarray]:
    """Point forecast and sigma ``(issues, leads)`` of one park [kW] (module docstring, "Structure")."""
    values = actual.to_numpy(dtype=float)
    shape = _solar_envelope(actual, grid.step, nameplate) if solar else np.ones(len(values))
    steps = max(1, int(round(model.smoothing_hours * HOUR / grid.step)))
    smooth = pd.Series(values).rolling(steps, center=True, min_periods=1).mean().to_numpy()
    smooth = np.where(shape > 0, smooth, 0.0) if solar else smooth
    truth = np.where(grid.inside, values[grid.safe], np.nan)
    base = np.where(grid.inside, smooth[grid.safe], np.nan)
    spread = np.where(grid.inside, shape[grid.safe], 0.0) * grid.growth * nameplate
    scored = grid.window & (truth > 0) if solar else grid.window
    if nameplate <= 0 or target == 0 or not scored.any():
        return np.clip(truth, 0.0, max(nameplate, 0.0)), np.zeros_like(spread)
    residual = float(np.sqrt(np.mean(((base - truth)[scored] / nameplate) ** 2)))
    if residual > 0.7 * target:  # keep most of the error for the random part
        base = truth + (0.7 * target / residual) * (base - truth)

    def raw(scale: float) -> np.ndarray:
        return np.clip(base + scale * spread * noise, 0.0, nameplate)

    def nrmse(values: np.ndarray) -> float:
        return float(np.sqrt(np.mean(((values - truth)[scored] / nameplate) ** 2)))

    # Calibrate the clipped forecast (monotone in the scale), remove its bias, and calibrate once more to
    # the level that the bias removal brings back to the target.
    goal = target
    for _ in range(2):
        forecast = _debias(raw(_calibrate(lambda scale: raw(scale)[scored], truth[scored], nameplate, goal)),
                           truth, scored, spread, nameplate)
        achieved = nrmse(forecast)
        goal = goal * target / achieved if achieved > 0 else goal
    # Sigma: the spread's shape at the level that makes the central 80 % band cover 80 % of the scored
    # errors the forecast actually has (smoothing and clip included): calibrated quantiles.
    ratio = np.abs(forecast - truth)[scored & (spread > 0)] / spread[scored & (spread > 0)]
    level = float(np.quantile(ratio, 0.8)) / norm.ppf(0.9) if ratio.size else 0.0
    return forecast, level * spread


def _debias(forecast: np.ndarray, truth: np.ndarray, scored: np.ndarray, spread: np.ndarray,
            nameplate: float) -> np.ndarray:
    """Remove the mean error the clip at 0 and the nameplate leaves (shift in proportion to the spread)."""
    weight = spread / max(float(spread[scored].mean()), 1e-12)
    for _ in range(DEBIAS_ITERATIONS):
        bias = float(np.mean((forecast - truth)[scored]))
        forecast = np.clip(forecast - bias * weight, 0.0, nameplate)
    return forecast


def persistence_forecast(actual: pd.DataFrame, forecast: ForecastSet) -> ForecastSet:
    """Day-ahead persistence on the issues and leads of ``forecast``.

    Each valid time ``t`` gets the actual at ``t - 24 h k``, with the smallest ``k`` such that the interval
    starting there ended by the issue time (the latest same-time-of-day value known at issue).

    Parameters
    ----------
    actual : pandas.DataFrame
        Actual output (``solar_kw``, ``wind_kw`` [kW]) on the index the forecast was made from.
    forecast : ForecastSet
        The forecast whose issues and leads to mirror.

    Returns
    -------
    ForecastSet
        Persistence forecasts (NaN where the needed past value is outside ``actual``), zero sigma.
    """
    step = _check_actual(actual, forecast.solar_nameplate_kw, forecast.wind_nameplate_kw)
    index = actual.index.tz_convert("UTC")
    steps_per_day = int(DAY / step)
    n_leads = forecast.solar_kw.shape[1]
    lead_steps = np.arange(n_leads)
    days_back = np.ceil((lead_steps + 1) / steps_per_day).astype(np.int64)
    rows = ((forecast.issue_times - index[0]) / step).to_numpy().astype(np.int64)
    positions = rows[:, None] + (lead_steps - days_back * steps_per_day)[None, :]
    inside = (positions >= 0) & (positions < len(index)) & ~np.isnan(forecast.solar_kw)
    safe = np.where(inside, positions, 0)
    values = {column: np.where(inside, actual[column].to_numpy(dtype=float)[safe], np.nan)
              for column in POWER_COLUMNS}
    zeros = np.zeros_like(forecast.solar_kw)
    return ForecastSet(issue_times=forecast.issue_times, step=step, solar_kw=values["solar_kw"],
                       wind_kw=values["wind_kw"], solar_sigma_kw=zeros, wind_sigma_kw=zeros,
                       solar_nameplate_kw=forecast.solar_nameplate_kw,
                       wind_nameplate_kw=forecast.wind_nameplate_kw, source="day-ahead persistence")


def skill_scores(actual: pd.DataFrame, forecast: pd.DataFrame, reference: pd.DataFrame,
                 solar_kw_nameplate: float, wind_kw_nameplate: float) -> dict[str, float | int | None]:
    """Capacity-normalised error statistics of a forecast and its skill against a reference forecast.

    Scored on the valid times present in all three frames; PV over its generation steps (actual > 0),
    wind over all steps.

    Parameters
    ----------
    actual, forecast, reference : pandas.DataFrame
        ``solar_kw``, ``wind_kw`` [kW] on tz-aware indexes (the reference is e.g. persistence).
    solar_kw_nameplate, wind_kw_nameplate : float
        Normalising nameplates [kW]; a zero nameplate gives None for that park's statistics.

    Returns
    -------
    dict
        ``{park}_nmae``, ``{park}_nrmse`` [-] (by nameplate), ``{park}_bias`` [-] (mean forecast - actual,
        by nameplate), ``{park}_skill_vs_persistence`` [-] (``1 - RMSE / RMSE_reference``; 1 for a perfect
        forecast, None when the reference is perfect), ``{park}_steps`` scored, for park in solar, wind.
    """
    for name, frame in (("actual", actual), ("forecast", forecast), ("reference", reference)):
        _check_power_frame(name, frame)
    joined = pd.concat({"actual": actual[list(POWER_COLUMNS)], "forecast": forecast[list(POWER_COLUMNS)],
                        "reference": reference[list(POWER_COLUMNS)]}, axis=1, join="inner").dropna()
    scores: dict[str, float | int | None] = {}
    for park, nameplate in (("solar", solar_kw_nameplate), ("wind", wind_kw_nameplate)):
        column = f"{park}_kw"
        truth = joined[("actual", column)].to_numpy()
        scored = truth > 0 if park == "solar" else np.ones(len(truth), dtype=bool)
        keys = ("nmae", "nrmse", "bias", "skill_vs_persistence")
        scores[f"{park}_steps"] = int(scored.sum())
        if nameplate <= 0 or not scored.any():
            scores.update({f"{park}_{key}": None for key in keys})
            continue
        error = (joined[("forecast", column)].to_numpy() - truth)[scored] / nameplate
        reference_error = (joined[("reference", column)].to_numpy() - truth)[scored] / nameplate
        rmse = float(np.sqrt(np.mean(error**2)))
        reference_rmse = float(np.sqrt(np.mean(reference_error**2)))
        scores[f"{park}_nmae"] = float(np.mean(np.abs(error)))
        scores[f"{park}_nrmse"] = rmse
        scores[f"{park}_bias"] = float(np.mean(error))
        scores[f"{park}_skill_vs_persistence"] = 1.0 - rmse / reference_rmse if reference_rmse > 0 else None
    return scores


def day_ahead_skill(actual: pd.DataFrame, forecast: ForecastSet) -> dict[str, float | int | None]:
    """Skill of the day-ahead view of ``forecast`` against ``actual`` and day-ahead persistence.

    See :func:`skill_scores` for the keys.
    """
    reference = persistence_forecast(actual, forecast).day_ahead()
    return skill_scores(actual, forecast.day_ahead(), reference, forecast.solar_nameplate_kw,
                        forecast.wind_nameplate_kw)


QUANTILE_LEVELS = tuple(float(level) for level in np.round(np.arange(0.05, 0.951, 0.05), 2))
"""Levels of the quantiles scored by :func:`probabilistic_scores` (0.05, 0.10, ..., 0.95)."""


def _day_ahead_errors(actual: pd.DataFrame, forecast: ForecastSet) -> pd.DataFrame:
    """Day-ahead forecast minus actual [kW] on the valid times both have; PV errors NaN at night."""
    view = forecast.day_ahead()
    truth = actual[list(POWER_COLUMNS)].set_axis(actual.index.tz_convert("UTC")).add_suffix("_actual")
    joined = pd.concat([view, truth], axis=1, join="inner")
    errors = pd.DataFrame({column: joined[column] - joined[f"{column}_actual"] for column in POWER_COLUMNS})
    errors.loc[joined["solar_kw_actual"] <= 0, "solar_kw"] = np.nan
    return errors


def error_correlation(actuals: dict[str, pd.DataFrame], forecasts: dict[str, ForecastSet],
                      park: str) -> pd.DataFrame:
    """Correlation of the day-ahead errors between sites, for ``park`` (``"solar"`` or ``"wind"``) [-].

    PV over the steps where both sites generate; pairwise over the common valid times.
    """
    errors = pd.DataFrame({name: _day_ahead_errors(actuals[name], forecasts[name])[f"{park}_kw"]
                           for name in forecasts})
    return errors.corr(min_periods=24)


def forecast_structure(actual: pd.DataFrame, forecast: ForecastSet) -> dict[str, float | None]:
    """How the day-ahead forecast behaves: persistence of its error and smoothness against the actual.

    Returns
    -------
    dict
        ``{park}_error_lag1_days`` [-]: correlation of the daily mean day-ahead error with the next
        day's (errors persist across issue days when > 0); ``{park}_variability_ratio`` [-]: standard
        deviation of the step changes of the forecast over that of the actual (< 1: smoother than the
        actual); for park in solar, wind (None without output).
    """
    errors = _day_ahead_errors(actual, forecast)
    view = forecast.day_ahead()
    truth = actual[list(POWER_COLUMNS)].set_axis(actual.index.tz_convert("UTC")).reindex(view.index)
    out: dict[str, float | None] = {}
    for park in ("solar", "wind"):
        column = f"{park}_kw"
        daily = errors[column].groupby(errors.index.tz_convert(TIMEZONE).date).mean().dropna()
        out[f"{park}_error_lag1_days"] = (float(daily.autocorr(1)) if len(daily) > 3 and daily.std() > 0
                                          else None)
        actual_changes = truth[column].diff().std()
        out[f"{park}_variability_ratio"] = (float(view[column].diff().std() / actual_changes)
                                            if actual_changes and actual_changes > 0 else None)
    return out


def probabilistic_scores(actual: pd.DataFrame, forecast: ForecastSet,
                         levels: tuple[float, ...] = QUANTILE_LEVELS) -> dict[str, object]:
    """Pinball loss of the day-ahead quantiles and the CRPS, normalised by the nameplate [-].

    Pinball loss of level ``a``: ``mean(max(a (y - q), (a - 1) (y - q))) / nameplate``; the CRPS is
    twice the mean pinball loss over ``levels`` (the quantile decomposition of the CRPS, Gneiting and
    Raftery 2007, J. Am. Stat. Assoc. 102(477), 359-378, doi:10.1198/016214506000001437; 19 levels
    approximate its integral). PV over its generation steps, wind over all.

    Returns
    -------
    dict
        ``{park}_pinball``: ``{level: loss}``; ``{park}_crps``: float; None without a nameplate.
    """
    quantiles = forecast.quantiles(levels)
    truth = actual[list(POWER_COLUMNS)].set_axis(actual.index.tz_convert("UTC"))
    out: dict[str, object] = {}
    for park, nameplate in (("solar", forecast.solar_nameplate_kw), ("wind", forecast.wind_nameplate_kw)):
        column = f"{park}_kw"
        if nameplate <= 0:
            out[f"{park}_pinball"], out[f"{park}_crps"] = None, None
            continue
        losses = {}
        for level in levels:
            view = dataclasses.replace(forecast, solar_kw=quantiles[level]["solar_kw"],
                                       wind_kw=quantiles[level]["wind_kw"]).day_ahead()[column]
            y = truth[column].reindex(view.index)
            keep = y.notna() & ((y > 0) if park == "solar" else True)
            gap = (y - view)[keep].to_numpy()
            losses[level] = float(np.mean(np.maximum(level * gap, (level - 1.0) * gap)) / nameplate)
        out[f"{park}_pinball"] = losses
        out[f"{park}_crps"] = 2.0 * float(np.mean(list(losses.values())))
    return out


def forecast_set_from_frame(table: pd.DataFrame, solar_kw_nameplate: float, wind_kw_nameplate: float,
                            source: str = "") -> ForecastSet:
    """A :class:`ForecastSet` from a tidy power-forecast table (e.g. read from a file).

    Parameters
    ----------
    table : pandas.DataFrame
        Index levels or columns ``issue_time``, ``valid_time`` (tz-aware) and columns ``solar_kw``,
        ``wind_kw`` [kW]; one regular step within each issue.
    solar_kw_nameplate, wind_kw_nameplate : float
        Nameplates [kW]; values are clipped to [0, nameplate].
    source : str
        Where the forecast came from.

    Returns
    -------
    ForecastSet
        Leads from each issue time; sigma is zero (a file gives no error model).
    """
    flat = table.reset_index() if isinstance(table.index, pd.MultiIndex) else table
    for column in ("issue_time", "valid_time", *POWER_COLUMNS):
        if column not in flat.columns:
            raise WeatherInputError(f"table: expected a column {column!r}, got {list(flat.columns)}; read "
                                    "files with weather.readers.forecast")
    issues = pd.DatetimeIndex(flat["issue_time"]).tz_convert("UTC")
    valid = pd.DatetimeIndex(flat["valid_time"]).tz_convert("UTC")
    leads = valid - issues
    distinct = np.unique(np.diff(np.unique(leads.to_numpy())))
    if (leads < pd.Timedelta(0)).any() or len(distinct) > 1:
        raise WeatherInputError("table.valid_time: expected valid times at or after the issue on one regular "
                                "step, got negative or irregular leads; resample the forecast file")
    step = pd.Timedelta(distinct[0]) if len(distinct) else HOUR
    issue_times = issues.unique().sort_values()
    row = issue_times.get_indexer(issues)
    column = np.asarray(leads / step, dtype=np.int64)
    arrays = {}
    for name, nameplate in (("solar_kw", solar_kw_nameplate), ("wind_kw", wind_kw_nameplate)):
        values = np.full((len(issue_times), column.max() + 1), np.nan)
        values[row, column] = np.clip(flat[name].to_numpy(dtype=float), 0.0, nameplate)
        arrays[name] = values
    zeros = np.zeros_like(arrays["solar_kw"])
    return ForecastSet(issue_times=issue_times, step=step, solar_kw=arrays["solar_kw"],
                       wind_kw=arrays["wind_kw"], solar_sigma_kw=zeros, wind_sigma_kw=zeros.copy(),
                       solar_nameplate_kw=float(solar_kw_nameplate),
                       wind_nameplate_kw=float(wind_kw_nameplate), source=source)


def power_forecast(forecast: ForecastData, solar_mw: float, wind_mw: float,
                   tracking: bool = False) -> ForecastSet:
    """Park power forecasts from a forecast file's weather (or its power columns).

    Each issue's forecast weather goes through the same parks as the actual weather
    (:func:`weather.power.park_output`); power files are taken as they are, clipped to the nameplates.

    Parameters
    ----------
    forecast : ForecastData
        Read by :func:`weather.readers.forecast.read_forecast_csv` or
        :func:`~weather.readers.forecast.read_open_meteo_json`.
    solar_mw, wind_mw : float
        PV DC nameplate [MWp] and wind nameplate [MW].
    tracking : bool
        Single-axis tracking PV instead of fixed tilt.

    Returns
    -------
    ForecastSet
        Point forecasts (sigma zero: a file gives no error model).
    """
    if forecast.kind == "power":
        table = forecast.data
    else:
        table = pd.concat({issue: park_output(forecast.weather(issue), solar_mw, wind_mw, tracking=tracking)
                           for issue in forecast.issue_times}, names=["issue_time", "valid_time"])
    return forecast_set_from_frame(table, solar_mw * KW_PER_MW, wind_mw * KW_PER_MW, source=forecast.source)


def _calibrate(forecast: Callable[[float], np.ndarray], truth: np.ndarray, nameplate: float,
               target: float) -> float:
    """Scale ``s`` with nRMSE(forecast(s) - truth) = target, by bisection (error increasing in ``s``)."""
    if nameplate <= 0 or truth.size == 0 or target == 0:
        return 0.0

    def nrmse(scale: float) -> float:
        return float(np.sqrt(np.mean(((forecast(scale) - truth) / nameplate) ** 2)))

    low, high = 0.0, 1.0
    while nrmse(high) < target and high < 1e3:
        high *= 2.0
    for _ in range(CALIBRATION_ITERATIONS):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if nrmse(middle) < target else (low, middle)
    return 0.5 * (low + high)


def _solar_envelope(solar: pd.Series, step: pd.Timedelta, nameplate: float) -> np.ndarray:
    """Clear-sky-like PV envelope: max output at the same local time of day within +-15 days / nameplate."""
    if nameplate <= 0:
        return np.zeros(len(solar))
    local = solar.index.tz_convert(TIMEZONE)
    day = local.normalize().tz_localize(None)
    day_number = ((day - day[0]) / DAY).to_numpy().astype(np.int64)
    slot = ((local.tz_localize(None) - day) / step).to_numpy().astype(np.int64)
    grid = np.full((day_number[-1] + 1, int(DAY / step)), np.nan)
    grid[day_number, slot] = solar.to_numpy(dtype=float)
    envelope = pd.DataFrame(grid).rolling(2 * ENVELOPE_HALF_WINDOW_DAYS + 1, center=True, min_periods=1).max()
    return np.nan_to_num(envelope.to_numpy()[day_number, slot]) / nameplate


def _daily_issue_times(index: pd.DatetimeIndex, issue_hour: int) -> pd.DatetimeIndex:
    local = index.tz_convert(TIMEZONE)
    days = pd.date_range(local[0].normalize(), local[-1].normalize(), freq="D")
    issues = (days + pd.Timedelta(hours=issue_hour)).tz_convert("UTC")
    issues = issues[(issues >= index[0]) & (issues <= index[-1])]
    if len(issues) == 0:
        raise WeatherInputError(f"actual.index: expected at least one {issue_hour}:00 {TIMEZONE} issue time "
                                f"inside {index[0]} ... {index[-1]}; pass a longer series")
    return issues


def _day_ahead_mask(issue_times: pd.DatetimeIndex, valid_times: np.ndarray) -> np.ndarray:
    """Cells (I, L) whose valid time falls on the local day after their issue's local day."""
    issue_day = issue_times.tz_convert(TIMEZONE).normalize().tz_localize(None).to_numpy()
    valid_local = pd.DatetimeIndex(valid_times.ravel()).tz_localize("UTC").tz_convert(TIMEZONE)
    valid_day = valid_local.normalize().tz_localize(None).to_numpy().reshape(valid_times.shape)
    return valid_day == issue_day[:, None] + DAY.to_timedelta64()


def _check_actual(actual: pd.DataFrame, solar_kw_nameplate: float, wind_kw_nameplate: float) -> pd.Timedelta:
    _check_power_frame("actual", actual)
    for name, value in (("solar_kw_nameplate", solar_kw_nameplate), ("wind_kw_nameplate", wind_kw_nameplate)):
        _check_range(name, value, 0.0, np.inf, "a nameplate >= 0 kW, e.g. 100000")
    index = actual.index
    if len(index) < 2:
        raise WeatherInputError(f"actual.index: expected at least 2 times, got {len(index)}; "
                                "pass a longer series")
    steps = np.diff(index.to_numpy())
    step = pd.Timedelta(steps[0])
    if not (steps == steps[0]).all() or step <= pd.Timedelta(0) or DAY % step != pd.Timedelta(0):
        raise WeatherInputError("actual.index: expected a regular increasing step that divides a day "
                                "(e.g. 1 h or 15 min), got irregular steps; resample the output")
    for column, nameplate in (("solar_kw", solar_kw_nameplate), ("wind_kw", wind_kw_nameplate)):
        values = actual[column].to_numpy(dtype=float)
        if not np.isfinite(values).all() or (values < 0).any() or (values > nameplate * (1 + 1e-9)).any():
            raise WeatherInputError(f"actual.{column}: expected finite values in [0, {nameplate:g}] kW (the "
                                    f"nameplate), got min {np.nanmin(values):g}, max {np.nanmax(values):g}; "
                                    "pass the output of the parks with these nameplates")
    return step


def _check_power_frame(name: str, frame: pd.DataFrame) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise WeatherInputError(f"{name}: expected a pandas DataFrame with solar_kw, wind_kw, got "
                                f"{type(frame).__name__}; pass weather.power.park_output(...)")
    missing = [column for column in POWER_COLUMNS if column not in frame.columns]
    if missing:
        raise WeatherInputError(f"{name}: expected columns solar_kw, wind_kw [kW], missing "
                                f"{', '.join(missing)}; "
                                "pass weather.power.park_output(...)")
    if not isinstance(frame.index, pd.DatetimeIndex) or frame.index.tz is None:
        raise WeatherInputError(f"{name}.index: expected a tz-aware DatetimeIndex, got naive or non-time "
                                "labels; localize it (e.g. index.tz_localize('Asia/Shanghai'))")


def _check_range(name: str, value: float, low: float, high: float, expected: str) -> None:
    if not (np.isfinite(value) or high == np.inf and value == np.inf) or not low <= value <= high:
        raise WeatherInputError(f"{name}: expected {expected}, got {value!r}; pass a value in range")


def _utc_timestamp(name: str, value: pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tz is None:
        raise WeatherInputError(f"{name}: expected a tz-aware time, got naive {stamp}; pass e.g. "
                                "pd.Timestamp('2025-06-01 12:00', tz='Asia/Shanghai')")
    return stamp.tz_convert("UTC")
