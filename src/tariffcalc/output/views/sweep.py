"""The view of `sweep`: duty and landed cost at each point."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tariffcalc.inputs.whatif import describe_overrides
from tariffcalc.law.domain import Assessment, RateTable, Shipment
from tariffcalc.output.render import Column, Grid, Row
from tariffcalc.output.views.common import (
    JSON_VERSION,
    describe_shipment,
    number,
    overrides_note,
)

if TYPE_CHECKING:
    pass


def sweep_grid(
    table: RateTable,
    shipment: Shipment,
    variable: str,
    scenario: str,
    points: list[tuple[Decimal, Assessment]],
) -> Grid:
    largest = max((r.duty for _, r in points), default=Decimal(0)) or Decimal(1)
    x_column = (
        Column("value", "Customs value", "money")
        if variable == "value"
        else Column("rate", f"{variable} rate", "rate")
    )
    columns = (
        x_column,
        Column("duty", "Duty", "money"),
        Column("effective_rate", "Eff. rate", "rate"),
        Column("fees", "Fees", "money"),
        Column("landed_cost", "Landed cost", "money"),
        Column("bar", "", "bar"),
    )
    rows = tuple(
        Row((x, r.duty, r.effective_rate, r.fees.total, r.landed_cost, r.duty / largest))
        for x, r in points
    )
    what = "customs value" if variable == "value" else f"the rate of {variable}"
    shipment_line = describe_shipment(table, shipment, value=variable != "value")
    heading = f"{shipment_line}\nscenario {scenario}, varying {what}"
    return Grid(columns, rows, heading=heading, notes=overrides_note(table))


def sweep_document(
    table: RateTable,
    shipment: Shipment,
    variable: str,
    scenario: str,
    points: list[tuple[Decimal, Assessment]],
) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "variable": variable,
        "scenario": scenario,
        "overrides": describe_overrides(table),
        "points": [
            {
                "x": number(x),
                "duty": number(r.duty),
                "effective_rate": number(r.effective_rate),
                "fees": number(r.fees.total),
                "landed_cost": number(r.landed_cost),
            }
            for x, r in points
        ],
    }
