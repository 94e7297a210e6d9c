"""The `duty` result as data: the JSON contract (design.md §3) and the grids that the
table, Markdown and CSV writers share, so that every format carries the same figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tariffcalc.inputs.whatif import describe_overrides
from tariffcalc.law.countries import country_name
from tariffcalc.law.coverage import coverage_of
from tariffcalc.law.domain import Assessment, DutyLine, RateTable, Shipment
from tariffcalc.law.engine import describe_rate
from tariffcalc.money import cents, percent, usd
from tariffcalc.output.render import Column, Grid, Row
from tariffcalc.output.views.common import (
    JSON_VERSION,
    describe_shipment,
    dotted_hts,
    legal_status,
    number,
    shipment_notes,
)


def change_vs_mfn(result: Assessment) -> Decimal:
    """Duty above what MFN alone would charge (the first line is always MFN)."""
    return result.duty - result.lines[0].amount


def collected_refundable(table: RateTable, result: Assessment) -> Decimal | None:
    """The duty collected under a legal basis since struck down: only the law on the entry
    date (the by-date scenario, without what-ifs) collected anything; None for hypothetical
    worlds, whose duty nobody paid and nobody can claim back."""
    scenario = table.scenarios.get(result.scenario)
    if scenario is None or not scenario.by_date or result.overrides:
        return None
    return result.refundable


def to_json(table: RateTable, shipment: Shipment, results: list[Assessment]) -> dict[str, Any]:
    """The `--json` document: money and rates as JSON numbers (rates as fractions), and how
    much of the origin's law the table covers."""
    coverage = coverage_of(table, shipment.origin)
    warnings = [w for r in results for w in r.warnings]
    return {
        "version": JSON_VERSION,
        "shipment": _shipment_json(table, shipment),
        "coverage": coverage.status,
        "missing_measures": list(coverage.missing),
        "scenarios": [_assessment_json(table, shipment, r) for r in results],
        "overrides": describe_overrides(table),
        "warnings": list(
            dict.fromkeys([*([coverage.warning] if coverage.warning else []), *warnings])
        ),
    }


def _shipment_json(table: RateTable, shipment: Shipment) -> dict[str, Any]:
    return {
        "sector": shipment.sector,
        "sector_label": table.sectors[shipment.sector].label,
        "hts": dotted_hts(shipment),
        "hts_description": shipment.hts_description,
        "hts_source": shipment.hts_source,
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
        "us_content": number(shipment.us_content),
        "freight": number(shipment.freight),
        "insurance": number(shipment.insurance),
        "mode": shipment.mode,
        "quantity": number(shipment.quantity),
        "rate_table": table.source,
        "notes": shipment_notes(table, shipment),
    }


def _assessment_json(table: RateTable, shipment: Shipment, r: Assessment) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": r.scenario,
        "label": r.label,
        "applicable": r.applicable,
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
        "refundable": number(collected_refundable(table, r)),
        "notes": list(r.notes),
        "warnings": list(r.warnings),
        "overrides": list(r.overrides),
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
        "legal_status": legal_status(line),
    }


# --- grids -------------------------------------------------------------------------


def markers(results: list[Assessment]) -> dict[str, str]:
    """' [n]' for scenarios where a measure was displaced, ' *' where a what-if changed it."""
    numbered = [r.scenario for r in results if _displaced(r)]
    return {
        r.scenario: (f" [{numbered.index(r.scenario) + 1}]" if r.scenario in numbered else "")
        + (" *" if r.overrides else "")
        for r in results
    }


def _displaced(result: Assessment) -> list[str]:
    return [f"{n.measure}: {n.detail}" for n in result.not_applied if n.reason != "not-in-force"]


def footnotes(results: list[Assessment]) -> list[str]:
    lines = []
    marks = markers(results)
    for r in results:
        displaced = _displaced(r)
        if displaced:
            mark = marks[r.scenario].replace(" *", "").strip()
            lines.append(f"{mark} {r.scenario}: not applied: " + "; ".join(displaced))
    changed = [r.scenario for r in results if r.overrides]
    if changed:
        settings = sorted({o for r in results for o in r.overrides})
        lines.append(f"* changed by --set {', '.join(settings)}: {', '.join(changed)}")
    return lines


def refund_notes(table: RateTable, results: list[Assessment]) -> list[str]:
    """Say which lines were struck down, and that the duty shown is what was collected."""
    struck = {
        line.legal_basis
        for r in results
        if collected_refundable(table, r)
        for line in r.lines
        if line.struck_down and line.amount
    }
    notes = []
    for basis in sorted(struck):
        ruling = table.rulings[basis]
        name = table.basis_name(basis)
        notes.append(
            f"refundable: {name} duties were struck down ({ruling.authority}); the duty shown"
            f" is what was collected, the refundable column what could be claimed back"
            " (an estimate, not legal advice)"
        )
    return notes


def notes(table: RateTable, shipment: Shipment, results: list[Assessment]) -> list[str]:
    displaced = {f"{n.measure} not applied: {n.detail}" for r in results for n in r.not_applied}
    found = shipment_notes(table, shipment) + [
        note for r in results for note in r.notes if note not in displaced
    ]
    return list(dict.fromkeys(found))


def duty_grids(
    table: RateTable, shipment: Shipment, results: list[Assessment], explain: bool
) -> list[Grid]:
    """The summary (one row per scenario) and, with `explain`, each scenario's working."""
    per_unit = shipment.quantity is not None
    refundable = [collected_refundable(table, r) for r in results]
    columns = [
        Column("scenario", "Scenario"),
        Column("effective_rate", "Eff. rate", "rate"),
        Column("duty", "Duty", "money"),
        Column("mpf", "MPF", "money", in_table=False),
        Column("hmf", "HMF", "money", in_table=False),
        Column("fees", "Fees", "money"),
        Column("landed_cost", "Landed cost", "money"),
        Column("change_vs_mfn", "vs MFN", "delta"),
        Column("refundable", "Refundable", "money", in_table=any(refundable)),
    ]
    if per_unit:
        columns += [
            Column("duty_per_unit", "Duty/unit", "money"),
            Column("landed_per_unit", "Landed/unit", "money"),
        ]
    marks = markers(results)
    rows = []
    for r, collected in zip(results, refundable, strict=True):
        cells: list[Decimal | str | None] = [
            r.scenario,
            r.effective_rate,
            r.duty,
            r.fees.mpf,
            r.fees.hmf,
            r.fees.total,
            r.landed_cost,
            change_vs_mfn(r),
            collected,
        ]
        if per_unit:
            cells += [_per_unit(r.duty, shipment), _per_unit(r.landed_cost, shipment)]
        rows.append(Row(tuple(cells), marks[r.scenario] + ("" if r.applicable else " n/a")))
    summary = Grid(
        tuple(columns),
        tuple(rows),
        heading=describe_shipment(table, shipment),
        footnotes=tuple(footnotes(results) + refund_notes(table, results)),
        notes=tuple(notes(table, shipment, results)),
    )
    return [summary, *(_working(r) for r in results)] if explain else [summary]


def _working(result: Assessment) -> Grid:
    columns = (
        Column("measure", "Measure"),
        Column("authority", "Authority"),
        Column("rate", "Rate"),  # text: "12.5% (15% incl. MFN)" may wrap
        Column("base", "Base", "money"),
        Column("amount", "Amount", "money"),
    )
    rows = [
        Row((line.measure, line.authority, describe_rate(line), _base(line), line.amount))
        for line in result.lines
    ]
    rows += [
        Row(("duty", "", percent(result.effective_rate), "", result.duty)),
        Row(("MPF", f"FY{result.fees.mpf_fiscal_year}", "", "", result.fees.mpf)),
        Row(("HMF", "", "", "", result.fees.hmf)),
        Row(("landed cost", "", "", "", result.landed_cost)),
    ]
    not_applied = tuple(f"  not applied: {n.measure}: {n.detail}" for n in result.not_applied)
    return Grid(
        columns, tuple(rows), title=f"{result.scenario}: {result.label}", footnotes=not_applied
    )


def _base(line: DutyLine) -> str:
    return usd(line.base) + ("" if line.base_kind == "value" else f" ({line.base_kind})")


def duty_lines_grid(results: list[Assessment]) -> Grid:
    """Every duty line of every scenario: the CSV form of --explain."""
    columns = (
        Column("scenario", "Scenario"),
        Column("measure", "Measure"),
        Column("authority", "Authority"),
        Column("kind", "Kind"),
        Column("rate", "Rate", "rate"),
        Column("base_kind", "Base kind"),
        Column("base", "Base", "money"),
        Column("amount", "Amount", "money"),
    )
    rows = tuple(
        Row(
            (
                r.scenario,
                line.measure,
                line.authority,
                line.kind,
                line.rate,
                line.base_kind,
                line.base,
                line.amount,
            )
        )
        for r in results
        for line in r.lines
    )
    return Grid(columns, rows)


def _per_unit(amount: Decimal, shipment: Shipment) -> Decimal | None:
    return cents(amount / shipment.quantity) if shipment.quantity else None
