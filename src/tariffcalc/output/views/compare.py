"""The view of `compare`: a matrix of shipments by scenario."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tariffcalc.errors import InputError, suggest
from tariffcalc.inputs.whatif import describe_overrides
from tariffcalc.law.domain import Assessment, RateTable, Shipment
from tariffcalc.law.engine import origin_note
from tariffcalc.law.hts import format_hts
from tariffcalc.output.render import Cell, CellKind, Column, Grid, Row, display
from tariffcalc.output.views.common import (
    JSON_VERSION,
    dotted_hts,
    number,
    overrides_note,
    shipment_notes,
)
from tariffcalc.studies.compare import Compared, Comparison

COMPARE_FIGURES: dict[str, tuple[str, CellKind]] = {
    "duty": ("Duty", "money"),
    "effective-rate": ("Eff. rate", "rate"),
    "landed-cost": ("Landed cost", "money"),
}


def compare_figure(show: str) -> str:
    """The figure `--show` asks for, checked."""
    figure = show.strip().lower()
    if figure not in COMPARE_FIGURES:
        raise InputError(
            "show",
            f"expected one of {', '.join(COMPARE_FIGURES)}{suggest(figure, list(COMPARE_FIGURES))}",
        )
    return figure


def figure_of(result: Assessment, figure: str) -> Decimal:
    if figure == "effective-rate":
        return result.effective_rate
    return result.landed_cost if figure == "landed-cost" else result.duty


def _what(shipment: Shipment) -> str:
    return f"HTS {format_hts(shipment.hts)}" if shipment.hts else shipment.sector


def compare_grid(table: RateTable, found: Comparison, figure: str) -> Grid:
    title, kind = COMPARE_FIGURES[figure]
    rows = found.rows
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
    columns += [Column(i, i + (" *" if _changed(rows, i) else ""), kind) for i in found.scenarios]
    grid_rows = tuple(
        Row(tuple([get(s) for _, _, get in keys] + [_cell(r, figure) for r in results]))
        for s, results in rows
    )
    constant = [
        f"{head.lower()} {display(get(rows[0][0]), column.kind)}"
        for (key, head, get), column in zip(keys, columns, strict=False)
        if key != "what" and key not in varying
    ]
    heading = f"{title} by scenario" + (f" · {', '.join(constant)}" if constant else "")
    noted = [note for s, _ in rows for note in shipment_notes(table, s)]
    noted += [note for s, _ in rows if (note := origin_note(table, s.origin))]
    if any(not r.applicable for _, results in rows for r in results):
        noted.append("n/a: the scenario is not applicable to that origin (see README: Origins)")
    notes = tuple(dict.fromkeys(noted)) + overrides_note(table)
    return Grid(tuple(columns), grid_rows, heading=heading, notes=notes)


def _cell(result: Assessment, figure: str) -> Cell:
    """The figure, or n/a where the scenario means nothing for the origin."""
    return figure_of(result, figure) if result.applicable else "n/a"


def _changed(rows: list[Compared], scenario: str) -> bool:
    return any(r.overrides for _, results in rows for r in results if r.scenario == scenario)


def compare_document(table: RateTable, found: Comparison, figure: str) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "show": figure,
        "scenarios": list(found.scenarios),
        "overrides": describe_overrides(table),
        "rows": [
            {
                "sector": s.sector,
                "hts": dotted_hts(s),
                "origin": s.origin,
                "entry_date": s.entry_date.isoformat(),
                "customs_value": number(s.customs_value),
                "values": {r.scenario: number(figure_of(r, figure)) for r in results},
                "not_applicable": [r.scenario for r in results if not r.applicable],
            }
            for s, results in found.rows
        ],
    }
