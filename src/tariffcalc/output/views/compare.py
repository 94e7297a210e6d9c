"""The view of `compare`: a matrix of shipments by scenario."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tariffcalc.inputs.whatif import describe_overrides
from tariffcalc.law.domain import Assessment, RateTable, Shipment
from tariffcalc.law.engine import origin_note
from tariffcalc.law.hts import format_hts
from tariffcalc.output.render import Cell, Column, Grid, Kind, Row, display
from tariffcalc.output.views.common import (
    JSON_VERSION,
    dotted_hts,
    number,
    overrides_note,
    shipment_notes,
)

if TYPE_CHECKING:
    pass


COMPARE_FIGURES: dict[str, tuple[str, Kind]] = {
    "duty": ("Duty", "money"),
    "effective-rate": ("Eff. rate", "rate"),
    "landed-cost": ("Landed cost", "money"),
}


Compared = list[tuple[Shipment, list[Assessment]]]


def figure_of(result: Assessment, figure: str) -> Decimal:
    if figure == "effective-rate":
        return result.effective_rate
    return result.landed_cost if figure == "landed-cost" else result.duty


def _what(shipment: Shipment) -> str:
    return f"HTS {format_hts(shipment.hts)}" if shipment.hts else shipment.sector


def compare_grid(table: RateTable, rows: Compared, figure: str) -> Grid:
    title, kind = COMPARE_FIGURES[figure]
    ids = [r.scenario for r in rows[0][1]]
    keys: list[tuple[str, str, Callable[[Shipment], Cell]]] = [
        ("what", "Sector / HTS", _what),
        ("origin", "Origin", lambda s: s.origin),
        ("entry_date", "Date", lambda s: s.entry_date.isoformat()),
        ("customs_value", "Value", lambda s: s.customs_value),
    ]
    varying = {key for key, _, get in keys if len({get(s) for s, _ in rows}) > 1}
    columns = [
        Column(
            key,
            head,
            "money" if key == "customs_value" else "text",
            in_table=key == "what" or key in varying,
        )
        for key, head, _ in keys
    ]
    columns += [Column(i, i + (" *" if _changed(rows, i) else ""), kind) for i in ids]
    grid_rows = tuple(
        Row(tuple([get(s) for _, _, get in keys] + [figure_of(r, figure) for r in results]))
        for s, results in rows
    )
    constant = [
        f"{head.lower()} {display(get(rows[0][0]), column.kind)}"
        for (key, head, get), column in zip(keys, columns, strict=False)
        if key != "what" and key not in varying
    ]
    heading = f"{title} by scenario" + (f" · {', '.join(constant)}" if constant else "")
    found = [note for s, _ in rows for note in shipment_notes(table, s)]
    found += [note for s, _ in rows if (note := origin_note(table, s.origin))]
    notes = tuple(dict.fromkeys(found)) + overrides_note(table)
    return Grid(tuple(columns), grid_rows, heading=heading, notes=notes)


def _changed(rows: Compared, scenario: str) -> bool:
    return any(r.overrides for _, results in rows for r in results if r.scenario == scenario)


def compare_document(table: RateTable, rows: Compared, figure: str) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "show": figure,
        "scenarios": [r.scenario for r in rows[0][1]],
        "overrides": describe_overrides(table),
        "rows": [
            {
                "sector": s.sector,
                "hts": dotted_hts(s),
                "origin": s.origin,
                "entry_date": s.entry_date.isoformat(),
                "customs_value": number(s.customs_value),
                "values": {r.scenario: number(figure_of(r, figure)) for r in results},
            }
            for s, results in rows
        ],
    }
