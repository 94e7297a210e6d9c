"""The view of `sweep`: duty and landed cost at each point."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tariffcalc.inputs.whatif import describe_overrides
from tariffcalc.law.domain import RateTable
from tariffcalc.output.render import Column, Grid, Row
from tariffcalc.output.views.common import (
    JSON_VERSION,
    describe_shipment,
    number,
    overrides_note,
)
from tariffcalc.studies.sweep import Sweep


def sweep_grid(table: RateTable, found: Sweep) -> Grid:
    variable, points = found.variable, found.points
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
    shipment_line = describe_shipment(table, found.shipment, value=variable != "value")
    heading = f"{shipment_line}\nscenario {found.scenario}, varying {what}"
    return Grid(columns, rows, heading=heading, notes=overrides_note(table))


def sweep_document(table: RateTable, found: Sweep) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "variable": found.variable,
        "scenario": found.scenario,
        "overrides": describe_overrides(table),
        "points": [
            {
                "x": number(x),
                "duty": number(r.duty),
                "effective_rate": number(r.effective_rate),
                "fees": number(r.fees.total),
                "landed_cost": number(r.landed_cost),
            }
            for x, r in found.points
        ],
    }
