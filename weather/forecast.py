"""Day-ahead power forecasts: the error model, the offline generator, uncertainty and skill.

A forecast is issued at an *issue time* and gives ``solar_kw`` and ``wind_kw`` at *valid times*
``issue + lead`` for leads ``0, step, ..., horizon - step``. A :class:`ForecastSet` holds many issues as
arrays shaped (issues, leads); :meth:`ForecastSet.issue` slices one issue for a rolling planner, and
:meth:`ForecastSet.day_ahead` assembles the day-ahead view (each day forecast by the previous day's issue),
the one the grid operators score.

Error model (offline generator, :func:`day_ahead_forecast`)
-----------------------------------------------------------
For an issue ``i`` and lead ``l`` the forecast is the actual output plus an error, clipped to the park::

    forecast[i, l] = clip(actual[i, l] + scale * nameplate * shape[i, l] * g(l) * eps[i, l], 0, nameplate)

- ``eps`` is a stationary AR(1) process along the lead axis with unit variance and one-hour autocorrelation
  ``phi_h`` (per step ``phi_h ** step_hours``), independent between issues and between solar and wind:
  errors come in long runs, as NWP timing and level errors do.
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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.signal import lfilter
from scipy.stats import norm

from weather.catalogue import TIMEZONE
from weather.errors import WeatherInputError
from weather.power import KW_PER_MW, park_output
from weather.readers.forecast import ForecastData

POWER_COLUMNS = ("solar_kw", "wind_kw")
HOUR = pd.Timedelta(hours=1)
DAY = pd.Timedelta(days=1)
ENVELOPE_HALF_WINDOW_DAYS = 15  # clear-sky-like PV envelope: max over +-15 days at the same time of day
CALIBRATION_ITERATIONS = 60


@dataclass(frozen=True)
class ForecastErrorModel:
    """Parameters of the day-ahead forecast error model (see the module docstring).

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
    innovations = rng.standard_normal(shape)
    first = innovations[..., :1].copy()
    innovations[..., :1] = 0.0
    filtered, _ = lfilter([np.sqrt(1.0 - phi**2)], [1.0, -phi], innovations, axis=-1, zi=first)
    return filtered


def day_ahead_forecast(actual: pd.DataFrame, solar_kw_nameplate: float, wind_kw_nameplate: float, *,
                       issue_hour: int = 12, horizon_hours: float = 72.0, seed: int = 0,
                       error_model: ForecastErrorModel | None = None) -> ForecastSet:
    """Synthetic day-ahead forecasts of a park output, issued daily, calibrated to Chinese accuracy levels.

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
    model = ForecastErrorModel() if error_model is None else error_model
    step = _check_actual(actual, solar_kw_nameplate, wind_kw_nameplate)
    if int(issue_hour) != issue_hour or not 0 <= issue_hour <= 23:
        raise WeatherInputError(f"issue_hour: expected a local clock hour 0-23, got {issue_hour!r}; "
                                "pass e.g. 12")
    if not horizon_hours >= 48 - issue_hour:
        raise WeatherInputError(f"horizon_hours: expected at least {48 - issue_hour} h so an issue at "
                                f"{issue_hour}:00 covers the next local day, got {horizon_hours!r}; "
                                "pass e.g. 72")
    index = actual.index.tz_convert("UTC")
    n_leads = int(round(horizon_hours * HOUR / step))
    issue_times = _daily_issue_times(index, issue_hour)
    rows = ((issue_times - index[0]) / step).to_numpy().astype(np.int64)
    positions = rows[:, None] + np.arange(n_leads)[None, :]
    inside = positions < len(index)
    safe = np.where(inside, positions, 0)

    lead_hours = np.arange(n_leads) * (step / HOUR)
    growth = model.lead_growth(lead_hours)[None, :]
    step_hours = step / HOUR
    leads = np.arange(n_leads) * step.to_timedelta64()
    valid_times = issue_times.tz_localize(None).to_numpy()[:, None] + leads[None, :]
    window = _day_ahead_mask(issue_times, valid_times) & inside
    rng = np.random.default_rng(seed)
    arrays = {}
    for column, nameplate, phi_h, target, shape in (
            ("solar_kw", solar_kw_nameplate, model.solar_hourly_autocorrelation, model.solar_nrmse,
             _solar_envelope(actual["solar_kw"], step, solar_kw_nameplate)),
            ("wind_kw", wind_kw_nameplate, model.wind_hourly_autocorrelation, model.wind_nrmse,
             np.ones(len(index)))):
        phi = phi_h**step_hours
        truth = np.where(inside, actual[column].to_numpy(dtype=float)[safe], np.nan)
        spread = np.where(inside, shape[safe], 0.0) * growth * nameplate
        noise = ar1_noise(rng, positions.shape, phi)
        scored = window & (truth > 0) if column == "solar_kw" else window
        scale = _calibrate(truth[scored], (spread * noise)[scored], nameplate, target)
        arrays[column] = np.clip(truth + scale * spread * noise, 0.0, nameplate)
        arrays[column.replace("_kw", "_sigma_kw")] = scale * spread
        arrays[column.replace("_kw", "_phi")] = phi
    return ForecastSet(
        issue_times=issue_times, step=step,
        solar_kw=arrays["solar_kw"], wind_kw=arrays["wind_kw"],
        solar_sigma_kw=arrays["solar_sigma_kw"], wind_sigma_kw=arrays["wind_sigma_kw"],
        solar_nameplate_kw=float(solar_kw_nameplate), wind_nameplate_kw=float(wind_kw_nameplate),
        solar_step_autocorrelation=arrays["solar_phi"], wind_step_autocorrelation=arrays["wind_phi"],
        source=f"day-ahead error model seed {seed}, issue {issue_hour:02d}:00 {TIMEZONE}")


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


def _calibrate(truth: np.ndarray, error_unit: np.ndarray, nameplate: float, target: float) -> float:
    """Scale ``s`` with nRMSE(clip(truth + s error_unit, 0, nameplate)) = target, by bisection."""
    if nameplate <= 0 or truth.size == 0 or target == 0:
        return 0.0

    def nrmse(scale: float) -> float:
        forecast = np.clip(truth + scale * error_unit, 0.0, nameplate)
        return float(np.sqrt(np.mean(((forecast - truth) / nameplate) ** 2)))

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
