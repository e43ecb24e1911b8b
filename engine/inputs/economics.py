"""The economics beyond the time-of-use energy price: scenario keys, their defaults and their sources.

Read from the scenario file (every key optional; a Python-built :class:`~engine.inputs.scenario.Scenario`
counts only what it sets, all zero by default):

``[hubs.<name>]``

- ``export_mw`` [MW]: park surplus the hub may sell to the grid, at most ``grid_import_mw`` (the same
  connection). Default 0: surplus is curtailed.
- ``export_price_cny_per_kwh`` [CNY/kWh]: default the province's coal-fired benchmark on-grid price
  燃煤发电基准价 from the catalogue (发改价格规〔2019〕1658号 levels, kept by the Oct 2021 reform): the
  price of parks in operation before June 2025. Parks commissioned from 1 June 2025 get no benchmark
  (NDRC Document 136, 发改价格〔2025〕136号): set the market price they are expected to clear at, as
  ``examples/zhongwei_plan_green.toml`` does for the parks a sizing builds.
- ``ppa_price_cny_per_kwh`` [CNY/kWh]: the price of the parks' own energy the hub takes (used or
  exported). Default 0 (ASSUMPTION: parks owned by the hub, their energy at zero marginal cost); set it
  so that a 100%-green hub does not report an energy cost of 0.
- ``demand_charge_cny_per_kw_month`` [CNY per kW-month]: the two-part tariff's charge on each calendar
  month's peak import. Default from the catalogue: Guangdong 36.1 (Huizhou agency-purchase list, Feb
  2026, 1-10 kV); elsewhere 30 (ASSUMPTION, no provincial figure found).

``[hubs.<name>.battery]``

- ``wear_cny_per_mwh`` [CNY per MWh discharged]: default :data:`DEFAULT_WEAR_CNY_PER_MWH`.

``[transfer]``

- ``energy_kwh_per_tb`` [kWh/TB], load at the sending (origin) hub: default
  :data:`DEFAULT_TRANSFER_KWH_PER_TB`;
- ``price_cny_per_tb`` [CNY/TB]: default 0 (no published inter-hub transfer price was found).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from engine.inputs.fields import Problems, number, table, unknown_keys
from engine.inputs.plausibility import KEY_HIGH
from engine.inputs.scenario import FOSSIL_MARGINAL_KG_PER_KWH, MAX_TRANSFER_KWH_PER_TB, Scenario, Transfer
from weather.catalogue import Hub, load_catalogue

HUB_ECONOMICS_KEYS = ("export_mw", "export_price_cny_per_kwh", "ppa_price_cny_per_kwh",
                      "demand_charge_cny_per_kw_month")
"""Economics keys of a ``[hubs.<name>]`` table."""
TRANSFER_KEYS = ("energy_kwh_per_tb", "price_cny_per_tb")
"""Keys of the ``[transfer]`` table."""
DEFAULT_WEAR_CNY_PER_MWH = 90.0
"""Battery wear [CNY per MWh discharged]. ASSUMPTION (our arithmetic, FACTS.md [X]): a 0.45 CNY/Wh
system (CEEC 2025 bids, 0.4249-0.4646 CNY/Wh) over about 6000 cycles of LFP cells (vendor) to 70-80%
capacity, with the rest of the system's life and losses."""
DEFAULT_TRANSFER_KWH_PER_TB = 2.0
"""Transfer energy [kWh/TB]. ASSUMPTION: 0.06 kWh/GB in 2015, halving about every two years (Aslan et
al., J. Ind. Ecol. 22(4):785-798, 2018, doi:10.1111/jiec.12630), extrapolated to about 0.002 kWh/GB in
2025 (our arithmetic, FACTS.md [X])."""
KW_PER_MW = 1000.0
SOURCES = {
    "ppa_price_cny_per_kwh": "ASSUMPTION: parks owned by the hub, their energy at zero marginal cost",
    "wear_cny_per_mwh": ("ASSUMPTION: 0.45 CNY/Wh system (CEEC 2025 bids) over ~6000 LFP cycles (vendor), "
                         "our arithmetic"),
    "energy_kwh_per_tb": ("ASSUMPTION: 0.06 kWh/GB in 2015 halving every two years (Aslan et al. 2018, "
                          "doi:10.1111/jiec.12630), extrapolated to 2025; load at the sending hub"),
    "price_cny_per_tb": "ASSUMPTION: no published inter-hub transfer price found",
    "fossil_marginal_kg_per_kwh": ("national fossil-only factor 2023, MEE 2025 No.47; as the marginal "
                                   "factor a model choice (consequential accounting)"),
}
"""Where each default of this module comes from (the report's table of assumed inputs)."""


def _amount(value: Any, key: str, unit: str, fix: str, high: float = float("inf")) -> float:
    """A number in ``[0, high]`` (:func:`~engine.inputs.fields.number`); out of range, the message ends
    with ``fix`` (what to write instead)."""
    return number(value, key, high=high, unit=unit, fix=fix)


def _price_fix(name: str, default: float) -> str:
    return f"give a price of 0 or more, or delete {name} for the default {default:g}"


def hub_economics(raw: Mapping[str, Any], key: str, hub: Hub, grid_import_kw: float | None) -> dict:
    """The economics keys of a hub table as :class:`~engine.inputs.scenario.HubInputs` fields.

    Parameters
    ----------
    raw : mapping
        The ``[hubs.<name>]`` table.
    key : str
        Its key path (``"hubs.zhongwei"``).
    hub : weather.catalogue.Hub
        The catalogue (or custom) hub: its tariff gives the default export price and demand charge.
    grid_import_kw : float or None
        The hub's grid connection [kW] (None when it did not read), the upper bound of the export cap.

    Returns
    -------
    dict
        ``export_kw`` [kW], ``export_price_cny_per_kwh``, ``ppa_price_cny_per_kwh`` [CNY/kWh],
        ``demand_charge_cny_per_kw_month`` [CNY per kW-month].

    Raises
    ------
    ScenarioError
        Naming every negative price or an export cap above the grid connection.
    """
    problems = Problems()
    cap_mw = (grid_import_kw / KW_PER_MW) if grid_import_kw is not None else KEY_HIGH["power_mw"]
    export = problems.attempt(partial(
        _amount, raw.get("export_mw", 0.0), f"{key}.export_mw", high=cap_mw,
        unit=f" [MW] (at most grid_import_mw = {cap_mw:g}: export uses the same connection)",
        fix=f"lower {key}.export_mw to at most {cap_mw:g}, or raise {key}.grid_import_mw"))
    defaults = {"export_price_cny_per_kwh": hub.tariff.coal_benchmark_cny_per_kwh,
                "ppa_price_cny_per_kwh": 0.0,
                "demand_charge_cny_per_kw_month": hub.tariff.demand_charge_cny_per_kw_month}
    units = {"export_price_cny_per_kwh": " [CNY/kWh]", "ppa_price_cny_per_kwh": " [CNY/kWh]",
             "demand_charge_cny_per_kw_month": " [CNY per kW-month]"}
    values = {name: problems.attempt(partial(_amount, raw.get(name, default), f"{key}.{name}",
                                             unit=units[name] + " (a price, not negative)",
                                             fix=_price_fix(name, default)))
              for name, default in defaults.items()}
    problems.raise_any()
    return {"export_kw": export * KW_PER_MW, **values}


def battery_wear(raw: Mapping[str, Any], key: str) -> float:
    """``wear_cny_per_mwh`` of a battery table [CNY per MWh discharged] (default sourced above)."""
    return _amount(raw.get("wear_cny_per_mwh", DEFAULT_WEAR_CNY_PER_MWH), f"{key}.wear_cny_per_mwh",
                   unit=" [CNY/MWh] (a cost, not negative)",
                   fix=_price_fix("wear_cny_per_mwh", DEFAULT_WEAR_CNY_PER_MWH).replace("price", "cost"))


def read_transfer(value: Any) -> Transfer:
    """The ``[transfer]`` table (module docstring); raise naming every bad key."""
    raw = table(value, "transfer")
    problems = Problems()
    for message in unknown_keys(raw, TRANSFER_KEYS, "transfer."):
        problems.add(message)
    energy = problems.attempt(partial(
        _amount, raw.get("energy_kwh_per_tb", DEFAULT_TRANSFER_KWH_PER_TB), "transfer.energy_kwh_per_tb",
        high=MAX_TRANSFER_KWH_PER_TB,
        unit=" [kWh/TB] (2015 networks used about 60 kWh/TB, Aslan et al. 2018)",
        fix=(f"give kWh per TB (not per GB or Wh), at most {MAX_TRANSFER_KWH_PER_TB:g}, or delete "
             f"energy_kwh_per_tb for the default {DEFAULT_TRANSFER_KWH_PER_TB:g}")))
    price = problems.attempt(partial(_amount, raw.get("price_cny_per_tb", 0.0), "transfer.price_cny_per_tb",
                                     unit=" [CNY/TB] (a price, not negative)",
                                     fix=_price_fix("price_cny_per_tb", 0.0)))
    problems.raise_any()
    return Transfer(energy_kwh_per_tb=energy, price_cny_per_tb=price)


def _written(scenario: Scenario, path: str) -> Any:
    """The value the scenario file wrote at a dotted key path, or None."""
    value: Any = scenario.settings
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _source(scenario: Scenario, path: str, default_source: str) -> str:
    """The source of the value at key path ``path``: the file's citation (``[sources]``), "scenario file"
    where the file set it without one, else ``default_source``."""
    cited = _written(scenario, "sources") or {}
    if path in cited:
        return f"scenario file: {cited[path]}"
    return "scenario file" if _written(scenario, path) is not None else default_source


def _catalogue_rows(scenario: Scenario, name: str, facts: Hub) -> list[tuple[str, str, float, str, str]]:
    """A catalogue hub's grid factor and flat tariff, as the file may have replaced them."""
    factor_key, price_key = f"hubs.{name}.grid_factor_kg_per_kwh", f"hubs.{name}.flat_price_cny_per_kwh"
    tariff = facts.tariff
    factor = _written(scenario, factor_key)
    price = _written(scenario, price_key)
    return [("Grid emission factor", name, facts.grid_factor_kg_per_kwh if factor is None else float(factor),
             "kgCO2/kWh", _source(scenario, factor_key,
                                  f"{facts.grid_factor_source} ({facts.grid_factor_year})")),
            ("Time-of-use tariff", name, tariff.flat_price_cny_per_kwh if price is None else float(price),
             "CNY/kWh (flat)", _source(scenario, price_key,
                                       f"{tariff.source}; flat price: {tariff.flat_price_source}"))]


def _hub_rows(scenario: Scenario, catalogue: Mapping[str, Hub]) -> list[tuple[str, str, float, str, str]]:
    """The per-hub rows of :func:`assumed_inputs`."""
    rows = []
    for name, hub in scenario.hubs.items():
        key = f"hubs.{name}"
        facts = catalogue.get(name)
        tariff = facts.tariff if facts is not None else None
        custom = "custom hub (scenario file)"
        if facts is not None:
            rows.extend(_catalogue_rows(scenario, name, facts))
        if hub.export_kw > 0:
            rows.append(("Export price", name, hub.export_price_cny_per_kwh, "CNY/kWh",
                         _source(scenario, f"{key}.export_price_cny_per_kwh",
                                 tariff.coal_benchmark_source if tariff else custom)))
        rows.append(("Demand charge", name, hub.demand_charge_cny_per_kw_month, "CNY per kW-month",
                     _source(scenario, f"{key}.demand_charge_cny_per_kw_month",
                             tariff.demand_charge_source if tariff else custom)))
        rows.append(("PPA price of park energy", name, hub.ppa_price_cny_per_kwh, "CNY/kWh",
                     _source(scenario, f"{key}.ppa_price_cny_per_kwh", SOURCES["ppa_price_cny_per_kwh"])))
        if hub.battery is not None:
            wear = _source(scenario, f"{key}.battery.wear_cny_per_mwh", SOURCES["wear_cny_per_mwh"])
            rows.append(("Battery wear", name, hub.battery.wear_cny_per_mwh, "CNY/MWh discharged", wear))
    return rows


def assumed_inputs(scenario: Scenario) -> list[tuple[str, str, float, str, str]]:
    """Every assumed input of a scenario's economics and carbon with its source.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its ``settings`` tell values written in the file from defaults).

    Returns
    -------
    list of tuple
        ``(input, hub or "all", value, unit, source)``: per hub the catalogue's grid emission factor and
        tariff, the export price (hubs that export), demand charge, PPA price and battery wear; then the
        transfer energy and price and the fossil marginal factor. Where the file set a value: "scenario
        file", followed by the file's citation of it (its ``[sources]`` table,
        :mod:`engine.inputs.citations`).
    """
    transfer = scenario.transfer
    return [*_hub_rows(scenario, load_catalogue()),
            ("Transfer energy", "all", transfer.energy_kwh_per_tb, "kWh/TB",
             _source(scenario, "transfer.energy_kwh_per_tb", SOURCES["energy_kwh_per_tb"])),
            ("Transfer price", "all", transfer.price_cny_per_tb, "CNY/TB",
             _source(scenario, "transfer.price_cny_per_tb", SOURCES["price_cny_per_tb"])),
            ("Fossil marginal factor", "all", FOSSIL_MARGINAL_KG_PER_KWH, "kgCO2/kWh",
             SOURCES["fossil_marginal_kg_per_kwh"])]
