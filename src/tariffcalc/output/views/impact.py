"""The view of `impact`: totals, prices and sectors by scenario."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tariffcalc.inputs.flows import FlowSet
from tariffcalc.law.domain import RateTable
from tariffcalc.law.engine import effective_rate
from tariffcalc.money import percent, usd
from tariffcalc.output.render import Cell, Column, Grid, Row
from tariffcalc.output.views.common import (
    JSON_VERSION,
    dotted_hts,
    number,
    shipment_notes,
)
from tariffcalc.studies.impact import (
    UPPER_BOUND_NOTE,
    Display,
    Impact,
    Pricing,
    ScenarioImpact,
    Scored,
    by_sector,
)

# ISO 4217 currencies without a minor unit, shown without decimals.
WHOLE_UNITS = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"})


def converted(value: Decimal, currency: str, fx: Decimal) -> Decimal:
    places = Decimal(1) if currency in WHOLE_UNITS else Decimal("0.01")
    return (value * fx).quantize(places, rounding=ROUND_HALF_UP)


def impact_grids(table: RateTable, found: Impact, display: Display | None) -> list[Grid]:
    impacts = found.impacts
    grids = [
        Grid(
            tuple(_columns(impacts[0].per_unit is not None, display)),
            tuple(_row(impact, display) for impact in impacts),
            heading=_impact_heading(found.flows, found.scored, impacts, found.pricing),
            notes=tuple(impact_notes(table, found.flows, found.scored, impacts)),
        )
    ]
    if len(found.scored) > 1:
        grids.append(_sector_grid(found.scored, impacts))
    return grids


def _columns(per_unit: bool, display: Display | None) -> list[Column]:
    columns = [
        Column("scenario", "Scenario"),
        Column("duty", "Duty", "total"),
        Column("effective_rate", "Eff. rate", "rate"),
        Column("change_vs_mfn", "vs MFN", "total_delta"),
    ]
    if per_unit:
        columns += [
            Column("importer_cost_per_unit", "Cost +/unit", "delta"),
            Column("buyer_price_per_unit", "Price +/unit", "delta"),
        ]
    columns.append(Column("buyer_price_total", "Buyer pays +", "total_delta"))
    if display:
        code = display.currency
        columns += [
            Column(f"duty_{code.lower()}", f"Duty ({code})", "amount"),
            Column(f"change_vs_mfn_{code.lower()}", f"vs MFN ({code})", "amount"),
        ]
        if per_unit:
            columns.append(
                Column(f"buyer_price_per_unit_{code.lower()}", f"Price +/unit ({code})", "amount")
            )
    return columns


def _row(impact: ScenarioImpact, display: Display | None) -> Row:
    cells: list[Cell] = [
        impact.scenario,
        impact.duty,
        impact.effective_rate,
        impact.change_vs_mfn,
    ]
    if impact.per_unit:
        cells += [impact.per_unit.importer_cost, impact.per_unit.buyer_price]
    cells.append(impact.buyer_total)
    if display:
        code, fx = display
        cells += [converted(impact.duty, code, fx), converted(impact.change_vs_mfn, code, fx)]
        if impact.per_unit:
            cells.append(converted(impact.per_unit.buyer_price, code, fx))
    return Row(tuple(cells), " *" if impact.overrides else "")


def _impact_heading(
    flows: FlowSet, scored: list[Scored], impacts: list[ScenarioImpact], pricing: Pricing
) -> str:
    first = impacts[0]
    day = scored[0].shipment.entry_date
    what = flows.title
    units = (
        f" · {first.units:,} units, {usd(first.value / first.units)} each" if first.units else ""
    )
    markup = (
        "" if not pricing.margin else f", margin {percent(pricing.margin)} kept in {pricing.mode}"
    )
    return (
        f"{what} · {usd(first.value)} a year{units} · in-force on {day}"
        f" · pass-through {percent(pricing.pass_through)}{markup}"
    )


def impact_notes(
    table: RateTable, flows: FlowSet, scored: list[Scored], impacts: list[ScenarioImpact]
) -> list[str]:
    notes = ["fees (MPF, HMF) are per entry and left out of flow totals"]
    if len(scored) > 1 or flows.reference_rate is not None:
        notes.append(UPPER_BOUND_NOTE)
    if flows.reference_rate is not None:
        by_date = [i for i in impacts if table.scenarios[i.scenario].by_date]
        ours = (
            f"; in-force here: {percent(by_date[0].effective_rate.quantize(Decimal('0.001')))}"
            if by_date
            else ""
        )
        notes.append(f"compare: {flows.reference_label}{ours}")
    notes += [f"{s.flow.label}: {s.flow.note}" for s in scored if s.flow.note]
    notes += [n for s in scored for n in shipment_notes(table, s.shipment)]
    overrides = sorted({o for i in impacts for o in i.overrides})
    if overrides:
        notes.append(f"* changed by --set {', '.join(overrides)}")
    return list(dict.fromkeys(notes))


def _sector_grid(scored: list[Scored], impacts: list[ScenarioImpact]) -> Grid:
    columns = [Column("sector", "Sector"), Column("value", "Imports", "total")]
    columns += [Column(i.scenario, i.scenario, "rate") for i in impacts]
    rows = []
    for sector, parts in by_sector(scored).items():
        value = parts[0][0]
        rows.append(
            Row(
                (
                    sector,
                    value,
                    *(effective_rate(duty, value) for _, duty in parts),
                )
            )
        )
    total = impacts[0].value
    rows.append(Row(("all", total, *(i.effective_rate for i in impacts))))
    return Grid(tuple(columns), tuple(rows), title="Import-weighted effective rate by sector")


def impact_document(table: RateTable, found: Impact, display: Display | None) -> dict[str, Any]:
    sectors = by_sector(found.scored)
    return {
        "version": JSON_VERSION,
        "flows": {
            "name": found.flows.name,
            "title": found.flows.title,
            "entry_date": found.scored[0].shipment.entry_date.isoformat(),
            "items": [_item(s) for s in found.scored],
        },
        "pricing": {
            "pass_through": number(found.pricing.pass_through),
            "margin": number(found.pricing.margin),
            "markup_mode": found.pricing.mode,
        },
        "scenarios": [
            _scenario_document(impact, index, sectors, display)
            for index, impact in enumerate(found.impacts)
        ],
        "notes": impact_notes(table, found.flows, found.scored, found.impacts),
    }


def _item(s: Scored) -> dict[str, Any]:
    return {
        "label": s.flow.label,
        "sector": s.shipment.sector,
        "hts": dotted_hts(s.shipment),
        "origin": s.shipment.origin,
        "value": number(s.shipment.customs_value),
        "units": number(s.flow.units),
        "source": s.flow.source,
        "confidence": s.flow.confidence,
    }


def _scenario_document(
    impact: ScenarioImpact,
    index: int,
    sectors: dict[str, list[tuple[Decimal, Decimal]]],
    display: Display | None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": impact.scenario,
        "label": impact.label,
        "value": number(impact.value),
        "duty": number(impact.duty),
        "effective_rate": number(impact.effective_rate),
        "change_vs_mfn": number(impact.change_vs_mfn),
        "buyer_price_total": number(impact.buyer_total),
        "per_unit": None
        if impact.per_unit is None
        else {
            "importer_cost": number(impact.per_unit.importer_cost),
            "buyer_price": number(impact.per_unit.buyer_price),
            "price_before": number(impact.per_unit.price_before),
        },
        "by_sector": {
            sector: {
                "value": number(parts[index][0]),
                "duty": number(parts[index][1]),
                "effective_rate": number(effective_rate(parts[index][1], parts[index][0])),
            }
            for sector, parts in sectors.items()
        },
        "overrides": list(impact.overrides),
    }
    if display:
        code, fx = display
        entry["in_currency"] = {
            "currency": code,
            "fx": number(fx),
            "duty": number(converted(impact.duty, code, fx)),
            "change_vs_mfn": number(converted(impact.change_vs_mfn, code, fx)),
            "buyer_price_per_unit": None
            if impact.per_unit is None
            else number(converted(impact.per_unit.buyer_price, code, fx)),
        }
    return entry
