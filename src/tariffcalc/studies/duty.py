"""`duty`: one shipment under the scenarios asked for. Also the check of scenario ids
and the warnings' de-duplication, which the other studies share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from tariffcalc.errors import InputError, suggest
from tariffcalc.law.coverage import coverage_of
from tariffcalc.law.domain import Assessment, RateTable, Shipment
from tariffcalc.law.engine import assess_all


class Duty(NamedTuple):
    shipment: Shipment
    results: list[Assessment]  # one per scenario, in the order asked for
    warnings: tuple[str, ...]


def duty(
    table: RateTable,
    shipment: Shipment,
    scenarios: Iterable[str] | None = None,
    strict: bool = False,
) -> Duty:
    """The shipment under each scenario (default: every scenario of the table). An origin
    the table covers only in part is a warning, or with `strict` an error."""
    coverage = coverage_of(table, shipment.origin)
    if strict and coverage.warning:
        raise InputError("origin", f"{coverage.warning} (--strict refuses it)")
    results = assess_all(table, shipment, scenario_ids(table.scenarios, scenarios))
    warnings = [coverage.warning] if coverage.warning else []
    return Duty(shipment, results, unique([*warnings, *(w for r in results for w in r.warnings)]))


def scenario_ids(known: Mapping[str, object], wanted: Iterable[str] | None) -> list[str]:
    """The scenarios asked for, checked and without repeats; all of them when none is."""
    wanted = list(wanted or [])
    for name in wanted:
        if name not in known:
            raise InputError(
                "scenario",
                f"unknown scenario {name!r}: expected one of {', '.join(known)}"
                + suggest(name, list(known)),
            )
    return list(dict.fromkeys(wanted)) if wanted else list(known)


def unique(warnings: Iterable[str]) -> tuple[str, ...]:
    """Each warning once, in the order first given."""
    return tuple(dict.fromkeys(warnings))
