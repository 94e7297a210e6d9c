"""The view of `timeline`: the periods of the law, and the duty in each."""

from __future__ import annotations

from typing import Any

from tariffcalc.inputs.whatif import describe_overrides
from tariffcalc.law.domain import RateTable
from tariffcalc.output.render import Cell, Column, Grid, Row
from tariffcalc.output.views.common import (
    JSON_VERSION,
    describe_shipment,
    dotted_hts,
    number,
    overrides_note,
    shipment_notes,
)
from tariffcalc.studies.timeline import History, TimelinePeriod


def _measures(period: TimelinePeriod) -> str:
    applied = [m for m in period.measures if m != "mfn"]
    return ", ".join(applied) if applied else "MFN only"


def timeline_grid(table: RateTable, found: History) -> Grid:
    shipment, with_duty = found.shipment, found.with_duty
    columns = [
        Column("from", "From", "date"),
        Column("to", "To", "date"),
        Column("measures", "Measures in force"),
        Column("effective_rate", "Eff. rate", "rate"),
    ]
    if with_duty:
        columns.append(Column("duty", "Duty", "money"))
    rows = []
    for p in found.periods:
        cells: list[Cell] = [
            p.start.isoformat() if p.start else None,
            p.end.isoformat() if p.end else None,
            _measures(p),
            p.result.effective_rate,
        ]
        rows.append(Row(tuple(cells + ([p.result.duty] if with_duty else []))))
    heading = describe_shipment(table, shipment, value=with_duty, entry=False)
    notes = tuple(shipment_notes(table, shipment)) + overrides_note(table)
    return Grid(tuple(columns), tuple(rows), heading=heading, notes=notes)


def timeline_document(table: RateTable, found: History) -> dict[str, Any]:
    shipment, with_duty = found.shipment, found.with_duty
    return {
        "version": JSON_VERSION,
        "sector": shipment.sector,
        "hts": dotted_hts(shipment),
        "origin": shipment.origin,
        "mfn_rate": number(shipment.mfn_rate),
        "customs_value": number(shipment.customs_value) if with_duty else None,
        "overrides": describe_overrides(table),
        "periods": [
            {
                "from": p.start.isoformat() if p.start else None,
                "to": p.end.isoformat() if p.end else None,
                "measures": list(p.measures),
                "lines": [
                    {
                        "measure": line.measure,
                        "rate": number(line.rate),
                        **({"amount": number(line.amount)} if with_duty else {}),
                    }
                    for line in p.result.lines
                ],
                "effective_rate": number(p.result.effective_rate),
                "duty": number(p.result.duty) if with_duty else None,
            }
            for p in found.periods
        ],
    }
