"""Results as plain data: the JSON contract (design.md §3) and the summary rows every
format shares, so that table, CSV, Markdown and JSON carry the same figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from tariffcalc.domain import Assessment, DutyLine, RateTable, Shipment
from tariffcalc.money import cents
from tariffcalc.shipment import country_name, format_hts

JSON_VERSION = 1


class SummaryRow(NamedTuple):
    scenario: str
    label: str
    effective_rate: Decimal
    duty: Decimal
    mpf: Decimal
    hmf: Decimal
    fees: Decimal
    landed_cost: Decimal
    change_vs_mfn: Decimal
    duty_per_unit: Decimal | None
    landed_per_unit: Decimal | None


def summary_rows(shipment: Shipment, results: list[Assessment]) -> list[SummaryRow]:
    return [
        SummaryRow(
            scenario=r.scenario,
            label=r.label,
            effective_rate=r.effective_rate,
            duty=r.duty,
            mpf=r.fees.mpf,
            hmf=r.fees.hmf,
            fees=r.fees.total,
            landed_cost=r.landed_cost,
            change_vs_mfn=change_vs_mfn(r),
            duty_per_unit=_per_unit(r.duty, shipment),
            landed_per_unit=_per_unit(r.landed_cost, shipment),
        )
        for r in results
    ]


def change_vs_mfn(result: Assessment) -> Decimal:
    """Duty above what MFN alone would charge (the first line is always MFN)."""
    return result.duty - result.lines[0].amount


def _per_unit(amount: Decimal, shipment: Shipment) -> Decimal | None:
    return cents(amount / shipment.quantity) if shipment.quantity else None


def shipment_notes(table: RateTable, shipment: Shipment) -> list[str]:
    sector = table.sectors[shipment.sector]
    notes = [f"{sector.id}: {sector.note}"] if sector.note else []
    if sector.mfn_note and shipment.mfn_is_default:
        notes.append(f"{sector.id}: {sector.mfn_note}")
    if shipment.hts is not None:
        notes.append(
            f"HTS line from the rate table's curated list ({table.hts_source or table.source})"
        )
    return notes


def to_json(table: RateTable, shipment: Shipment, results: list[Assessment]) -> dict[str, Any]:
    """The `--json` document: money and rates as JSON numbers (rates as fractions)."""
    return {
        "version": JSON_VERSION,
        "shipment": _shipment_json(table, shipment),
        "scenarios": [_assessment_json(shipment, r) for r in results],
        "warnings": list(dict.fromkeys(w for r in results for w in r.warnings)),
    }


def _shipment_json(table: RateTable, shipment: Shipment) -> dict[str, Any]:
    return {
        "sector": shipment.sector,
        "sector_label": table.sectors[shipment.sector].label,
        "hts": format_hts(shipment.hts) if shipment.hts else None,
        "hts_description": shipment.hts_description,
        "origin": shipment.origin,
        "origin_name": country_name(shipment.origin),
        "entry_date": shipment.entry_date.isoformat(),
        "customs_value": number(shipment.customs_value),
        "currency": shipment.currency,
        "fx": number(shipment.fx),
        "value_in_currency": number(shipment.value_in_currency),
        "mfn_rate": number(shipment.mfn_rate),
        "mfn_source": shipment.mfn_source,
        "metal_value": number(shipment.metal_value),
        "freight": number(shipment.freight),
        "insurance": number(shipment.insurance),
        "mode": shipment.mode,
        "quantity": number(shipment.quantity),
        "rate_table": table.source,
        "notes": shipment_notes(table, shipment),
    }


def _assessment_json(shipment: Shipment, r: Assessment) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": r.scenario,
        "label": r.label,
        "effective_rate": number(r.effective_rate),
        "duty": number(r.duty),
        "change_vs_mfn": number(change_vs_mfn(r)),
        "lines": [_line_json(line) for line in r.lines],
        "not_applied": [
            {"measure": n.measure, "label": n.label, "reason": n.reason, "detail": n.detail}
            for n in r.not_applied
        ],
        "fees": {
            "mpf": number(r.fees.mpf),
            "hmf": number(r.fees.hmf),
            "total": number(r.fees.total),
            "mpf_fiscal_year": r.fees.mpf_fiscal_year,
            "informal_entry": r.fees.informal_entry,
        },
        "landed_cost": number(r.landed_cost),
        "notes": list(r.notes),
        "warnings": list(r.warnings),
    }
    if shipment.quantity:
        document["per_unit"] = {
            "duty": number(_per_unit(r.duty, shipment)),
            "landed_cost": number(_per_unit(r.landed_cost, shipment)),
        }
    return document


def _line_json(line: DutyLine) -> dict[str, Any]:
    return {
        "measure": line.measure,
        "label": line.label,
        "authority": line.authority,
        "kind": line.kind,
        "legal_basis": line.legal_basis,
        "confidence": line.confidence,
        "nominal_rate": number(line.nominal_rate),
        "rate": number(line.rate),
        "base_kind": line.base_kind,
        "base": number(line.base),
        "amount": number(line.amount),
    }


def number(value: Decimal | None) -> float | None:
    """A JSON number. Money has at most cents and stays far below 2**53 cents, so the
    float's shortest repr is exactly the decimal written (103.92 -> 103.92)."""
    return None if value is None else float(value)
