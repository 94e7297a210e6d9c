"""What-ifs from the command line: override a measure's rate, add an ad-hoc scenario.

Both return a new RateTable; the table they were given is never changed, so an
override cannot leak into another scenario, another command or a later run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from tariffcalc.errors import InputError, suggest
from tariffcalc.inputs.shipment import rate_percent
from tariffcalc.law.domain import RateTable, Scenario
from tariffcalc.money import percent

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def with_overrides(table: RateTable, settings: Iterable[str]) -> RateTable:
    """Apply `MEASURE=PCT` settings (`s232-autos=15` is 15%) to every scenario that has them."""
    for setting in settings:
        measure_id, _, raw_rate = setting.partition("=")
        if not raw_rate:
            raise InputError("set", f"expected MEASURE=PCT such as s232-autos=15, got {setting!r}")
        table = with_rate(table, measure_id.strip(), rate_percent("set", raw_rate))
    return table


def with_rate(table: RateTable, measure_id: str, rate: Decimal, field: str = "set") -> RateTable:
    """The table with one measure's rate (a fraction) changed."""
    check_measure(table, measure_id, field)
    measures = {**table.measures, measure_id: table.measures[measure_id]._replace(rate=rate)}
    overridden = {**dict(table.overridden), measure_id: rate}
    return table._replace(measures=measures, overridden=tuple(overridden.items()))


def check_measure(table: RateTable, measure_id: str, field: str) -> None:
    if measure_id not in table.measures:
        raise InputError(
            field,
            f"unknown measure {measure_id!r}{suggest(measure_id, list(table.measures))};"
            " `tariffcalc rates list` shows them",
        )


def with_scenario(table: RateTable, definition: str) -> RateTable:
    """Add `NAME=MEASURE[,MEASURE...]` as a scenario, shown after the table's own."""
    name, _, listed = definition.partition("=")
    name = name.strip()
    if not _NAME.match(name) or not listed.strip():
        raise InputError(
            "add_scenario",
            f"expected NAME=MEASURE[,MEASURE...] such as tariff-15=s232-autos,ieepa-japan-15,"
            f" got {definition!r}",
        )
    if name in table.scenarios:
        raise InputError("add_scenario", f"scenario {name!r} already exists; choose another name")
    measures = tuple(m.strip() for m in listed.split(",") if m.strip())
    for measure_id in measures:
        check_measure(table, measure_id, "add_scenario")
    label = "ad-hoc: " + ", ".join(measures)
    scenarios = {**table.scenarios, name: Scenario(name, label, measures)}
    return table._replace(scenarios=scenarios)


def describe_overrides(table: RateTable) -> list[str]:
    return [f"{m}={percent(rate)}" for m, rate in table.overridden]
