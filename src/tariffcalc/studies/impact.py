"""What a tariff scenario means for a whole trade flow, and for the price a buyer pays.

A flow is a year's imports of one sector (or HTS line) from one origin, scored as
one shipment of its whole value: duty is collected on value, so the total is
the effective rate times the value. Fees are per entry and left out. Pure,
like the engine; the flows come from `inputs.flows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.flows import Flow, FlowSet
from tariffcalc.inputs.shipment import Number, fx_rate, make_shipment, rate_percent
from tariffcalc.law.domain import Assessment, RateTable, Shipment
from tariffcalc.law.engine import assess_all, effective_rate
from tariffcalc.money import cents
from tariffcalc.studies.duty import scenario_ids, unique

MarkupMode = Literal["percent", "dollars"]
UPPER_BOUND_NOTE = (
    "sector-level flows ignore product-level exemptions (Annex II goods, generic drugs,"
    " civil aircraft, each line's own MFN rate): the duty is an upper bound against"
    " line-level estimates"
)


class Pricing(NamedTuple):
    pass_through: Decimal = Decimal(1)  # share of the duty increase passed to the buyer
    margin: Decimal = Decimal(0)  # the importer's markup on landed cost
    mode: MarkupMode = "percent"  # the markup keeps its percentage, or its dollar amount


class Scored(NamedTuple):
    flow: Flow
    shipment: Shipment
    results: list[Assessment]


class PriceChange(NamedTuple):
    """Per unit when the flow has units, else for the whole flow."""

    importer_cost: Decimal  # the duty increase over MFN
    buyer_price: Decimal  # what the buyer pays more
    price_before: Decimal  # the buyer's price under MFN


class ScenarioImpact(NamedTuple):
    scenario: str
    label: str
    value: Decimal
    duty: Decimal
    effective_rate: Decimal
    change_vs_mfn: Decimal
    units: Decimal | None
    per_unit: PriceChange | None
    buyer_total: Decimal  # the buyer's price increase on the whole flow
    overrides: tuple[str, ...]


class Display(NamedTuple):
    """Amounts also shown in another currency."""

    currency: str  # ISO 4217
    fx: Decimal  # units of it per 1 USD


class Impact(NamedTuple):
    flows: FlowSet
    scored: list[Scored]  # each flow under each scenario
    impacts: list[ScenarioImpact]  # the whole flow set, per scenario
    pricing: Pricing
    warnings: tuple[str, ...]


def impact(
    table: RateTable,
    flows: FlowSet,
    day: date,
    scenarios: Iterable[str] | None = None,
    pricing: Pricing = Pricing(),
) -> Impact:
    """The flows entered on `day`, under each scenario asked for (default: all)."""
    scored = score(table, flows.flows, day, scenario_ids(table.scenarios, scenarios))
    warnings = unique(w for s in scored for r in s.results for w in r.duty_warnings)
    return Impact(flows, scored, totals(scored, pricing), pricing, warnings)


def score(table: RateTable, flows: Iterable[Flow], day: date, scenarios: list[str]) -> list[Scored]:
    scored = []
    for flow in flows:
        shipment = make_shipment(
            table,
            value=flow.value,
            sector=flow.sector,
            hts=flow.hts,
            origin=flow.origin,
            entry_date=day,
            mfn=flow.mfn,
            quantity=flow.units,
        )
        scored.append(Scored(flow, shipment, assess_all(table, shipment, scenarios)))
    return scored


def totals(scored: list[Scored], pricing: Pricing) -> list[ScenarioImpact]:
    """Per scenario: the flows' value, duty, import-weighted effective rate and prices."""
    impacts = []
    value = sum((s.shipment.customs_value for s in scored), Decimal(0))
    units = _units(scored)
    mfn_duty = sum((s.results[0].lines[0].amount for s in scored), Decimal(0))
    for i, first in enumerate(scored[0].results):
        duty = sum((s.results[i].duty for s in scored), Decimal(0))
        change = duty - mfn_duty
        per_unit = price_change(value, mfn_duty, change, units, pricing) if units else None
        whole = price_change(value, mfn_duty, change, None, pricing)
        impacts.append(
            ScenarioImpact(
                scenario=first.scenario,
                label=first.label,
                value=value,
                duty=duty,
                effective_rate=effective_rate(duty, value),
                change_vs_mfn=change,
                units=units,
                per_unit=per_unit,
                buyer_total=whole.buyer_price,
                overrides=tuple(sorted({o for s in scored for o in s.results[i].overrides})),
            )
        )
    return impacts


def _units(scored: list[Scored]) -> Decimal | None:
    """Units of the whole flow, when every part of it has them."""
    counts = [s.flow.units for s in scored]
    if any(c is None for c in counts):
        return None
    return sum((c for c in counts if c is not None), Decimal(0))


def price_change(
    value: Decimal, mfn_duty: Decimal, increase: Decimal, units: Decimal | None, pricing: Pricing
) -> PriceChange:
    """The buyer's price moves by the passed-through duty increase, marked up in percent
    mode (the markup is a share of landed cost) and not in dollars mode."""
    count = units or Decimal(1)
    landed_before = (value + mfn_duty) / count  # customs value plus MFN duty, no fees or freight
    cost = increase / count
    passed = cost * pricing.pass_through
    buyer = passed * (1 + pricing.margin) if pricing.mode == "percent" else passed
    return PriceChange(cents(cost), cents(buyer), cents(landed_before * (1 + pricing.margin)))


def by_sector(scored: list[Scored]) -> dict[str, list[tuple[Decimal, Decimal]]]:
    """sector -> per scenario (value, duty), in the order of the scenarios."""
    sectors: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for s in scored:
        rows = sectors.setdefault(s.shipment.sector, [(Decimal(0), Decimal(0))] * len(s.results))
        sectors[s.shipment.sector] = [
            (v + s.shipment.customs_value, d + r.duty)
            for (v, d), r in zip(rows, s.results, strict=True)
        ]
    return sectors


def pricing(pass_through: str, margin: str, mode: str) -> Pricing:
    share = rate_percent("pass_through", pass_through)
    if share > 1:
        raise InputError("pass_through", f"expected a percentage from 0 to 100, got {pass_through}")
    if mode not in ("percent", "dollars"):
        raise InputError("markup_mode", f"expected percent or dollars, got {mode!r}")
    return Pricing(share, rate_percent("margin", margin), mode)  # type: ignore[arg-type]


def display_currency(currency: str | None, fx: Number | None) -> Display | None:
    """`--currency CODE --fx RATE`: amounts also shown in that currency."""
    if currency is None:
        return None
    code = currency.strip().upper()
    if fx is None or code == "USD":
        raise InputError(
            "fx", "show another currency with --currency CODE --fx RATE (units per 1 USD)"
        )
    return Display(code, fx_rate(fx))
