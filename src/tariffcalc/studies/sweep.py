"""`sweep`: how duty and landed cost move as one input varies over a range, a measure's
rate or the customs value. Pure, like the engine."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.shipment import Number, amount, rate_percent, with_amounts
from tariffcalc.inputs.whatif import check_measure, with_rate
from tariffcalc.law.domain import Assessment, RateTable, Shipment
from tariffcalc.law.engine import assess
from tariffcalc.studies.duty import scenario_ids, unique

MAX_STEPS = 1000
Bounds = tuple[Number | None, Number | None]  # first and last, inclusive


class SweepPoint(NamedTuple):
    x: Decimal  # the measure's rate (a fraction), or the customs value in USD
    result: Assessment


class Sweep(NamedTuple):
    variable: str  # the measure whose rate varies, or "value"
    scenario: str
    shipment: Shipment  # the shipment swept; in a value sweep, at the first value
    points: list[SweepPoint]
    warnings: tuple[str, ...]


def sweep(
    table: RateTable,
    template: Shipment,
    *,
    step: Number,
    measure: str | None = None,
    value: Number | None = None,
    rates: Bounds = (None, None),
    values: Bounds = (None, None),
    scenario: str | None = None,
    metal_value: Number | None = None,
    freight: Number = 0,
    insurance: Number = 0,
) -> Sweep:
    """A rate sweep (`measure` at `value`, its rate over `rates`, in percent) or a value
    sweep (the customs value over `values`), by `step`: `sweep(table, template,
    measure="s232-autos", value=30000, rates=(0, 50), step=5)`. `template` is a
    `shipment_template`; amounts are in its currency. A rate sweep's scenario defaults
    to the first in which the measure applies, a value sweep's to in-force."""

    def build(customs_value: Number) -> Shipment:
        return with_amounts(
            table,
            template,
            value=customs_value,
            metal_value=metal_value,
            freight=freight,
            insurance=insurance,
        )

    if measure is not None:
        start, stop = rates
        if value is None or start is None or stop is None:
            raise InputError("measure", "a rate sweep needs --value, --from and --to")
        check_measure(table, measure, "measure")
        return _rate_sweep(table, build(value), measure, (start, stop, step), scenario)
    value_from, value_to = values
    if value_from is None or value_to is None or value is not None:
        raise InputError(
            "value_from", "give --measure ID --from --to, or --value-from and --value-to"
        )
    xs = steps(
        "step",
        amount("value_from", value_from, positive=True),
        amount("value_to", value_to, positive=True),
        amount("step", step),
    )
    # The template is classified once; each point only adds its amounts.
    shipments = [build(x) for x in xs]
    chosen = scenario_ids(table.scenarios, [scenario or "in-force"])[0]
    points = [SweepPoint(s.customs_value, assess(table, s, chosen)) for s in shipments]
    return Sweep("value", chosen, shipments[0], points, _warnings(points))


def _rate_sweep(
    table: RateTable,
    shipment: Shipment,
    measure: str,
    rates: tuple[Number, Number, Number],
    scenario: str | None,
) -> Sweep:
    chosen = (
        scenario_ids(table.scenarios, [scenario])[0]
        if scenario
        else (scenario_applying(table, shipment, measure) or "in-force")
    )
    start, stop, step = rates
    xs = steps(
        "step",
        rate_percent("from", start),
        rate_percent("to", stop),
        rate_percent("step", step),
    )
    points = [SweepPoint(x, assess(with_rate(table, measure, x), shipment, chosen)) for x in xs]
    applies = any(line.measure == measure for point in points for line in point.result.lines)
    flat = (
        []
        if applies
        else [
            f"{measure} does not apply to this shipment in scenario {chosen}:"
            " the sweep is flat; try --scenario"
        ]
    )
    return Sweep(measure, chosen, shipment, points, unique([*flat, *_warnings(points)]))


def _warnings(points: list[SweepPoint]) -> tuple[str, ...]:
    return unique(w for point in points for w in point.result.warnings)


def steps(field: str, start: Decimal, stop: Decimal, step: Decimal) -> list[Decimal]:
    """start, start + step, ... up to and including stop."""
    if step <= 0:
        raise InputError(field, f"expected a positive step, got {step}")
    if stop < start:
        raise InputError(field, f"expected the end ({stop}) at or above the start ({start})")
    count = int((stop - start) / step) + 1
    if count > MAX_STEPS:
        raise InputError(
            field, f"expected at most {MAX_STEPS} steps, got {count}; use a larger step"
        )
    return [start + i * step for i in range(count)]


def scenario_applying(table: RateTable, shipment: Shipment, measure: str) -> str | None:
    """The first scenario in which `measure` is a duty line of this shipment."""
    for scenario in table.scenarios:
        if any(line.measure == measure for line in assess(table, shipment, scenario).lines):
            return scenario
    return None
