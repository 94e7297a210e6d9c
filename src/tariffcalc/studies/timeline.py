"""`timeline`: the law through time for one shipment, period by period. Pure, like the engine."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.shipment import Number, with_amounts
from tariffcalc.law.domain import Assessment, DutyLine, RateTable, Shipment
from tariffcalc.law.engine import assess, assess_all, measures_in_scope
from tariffcalc.law.lists import membership_days
from tariffcalc.studies.duty import unique

ONE_DAY = timedelta(days=1)
# Without a value, rates come from a large nominal one (rounding below a millionth).
NOMINAL_VALUE = "1000000"


class TimelinePeriod(NamedTuple):
    start: date | None  # None: since before any measure of the table
    end: date | None  # last day, inclusive; None: still in force
    result: Assessment  # the in-force assessment on any day of the period

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(line.measure for line in self.result.lines)


def law_on_date(table: RateTable) -> str:
    """The table's by-date scenario: the law on each entry date, as timelines and refunds use."""
    for scenario in table.scenarios.values():
        if scenario.by_date:
            return scenario.id
    raise InputError("rates", "the rate table has no by_date scenario (the law on a date)")


def boundaries(table: RateTable, shipment: Shipment) -> list[date]:
    """Every day on which a measure in scope for this shipment starts or stops applying,
    or its HTS line joins or leaves a list that a measure names."""
    in_scope = measures_in_scope(table, shipment)
    days = membership_days(table, in_scope, shipment)
    for measure in in_scope:
        for period in measure.in_force:
            days.add(period.start)
            if period.end is not None:
                days.add(period.end + ONE_DAY)
    return sorted(days)


def timeline(table: RateTable, shipment: Shipment, scenario: str) -> list[TimelinePeriod]:
    """The dated history of what applied: periods over which the duty lines do not change."""
    days = boundaries(table, shipment)
    if not days:
        return [TimelinePeriod(None, None, assess(table, shipment, scenario))]
    starts: list[date | None] = [None, *days]
    periods: list[TimelinePeriod] = []
    for start, following in zip(starts, [*days, None], strict=True):
        on = start if start is not None else days[0] - ONE_DAY
        result = assess(table, shipment._replace(entry_date=on), scenario)
        end = following - ONE_DAY if following is not None else None
        if periods and _same_duty(periods[-1].result.lines, result.lines):
            periods[-1] = periods[-1]._replace(end=end)
        else:
            periods.append(TimelinePeriod(start, end, result))
    return periods


def _same_duty(a: tuple[DutyLine, ...], b: tuple[DutyLine, ...]) -> bool:
    key = [(line.measure, line.rate, line.base_kind, line.amount) for line in a]
    return key == [(line.measure, line.rate, line.base_kind, line.amount) for line in b]


class History(NamedTuple):
    shipment: Shipment
    periods: list[TimelinePeriod]
    with_duty: bool  # a value was given: each period's duty means something
    warnings: tuple[str, ...]


def history(
    table: RateTable,
    template: Shipment,
    *,
    value: Number | None = None,
    metal_value: Number | None = None,
) -> History:
    """The periods of the law on each entry date (the table's by-date scenario) for a
    `shipment_template`, at `value` (in its currency) or at a nominal value."""
    shipment = with_amounts(
        table,
        template,
        value=NOMINAL_VALUE if value is None or value == "" else value,
        metal_value=metal_value,
    )
    periods = timeline(table, shipment, law_on_date(table))
    warnings = unique(w for period in periods for w in period.result.duty_warnings)
    return History(shipment, periods, value is not None, warnings)


def scenario_steps(table: RateTable, found: History) -> dict[str, list[Decimal]]:
    """Each scenario's duty (or effective rate, without a value) over the periods of the
    law, in the table's order, for a chart: a hypothetical scenario is assessed on each
    period's first day, so it moves too where its lists change."""
    law = law_on_date(table)
    hypothetical = [s for s in table.scenarios if s != law]
    first = next((p.start for p in found.periods if p.start is not None), None)
    by_period = []
    for period in found.periods:
        day = period.start or (first - ONE_DAY if first else found.shipment.entry_date)
        others = assess_all(table, found.shipment._replace(entry_date=day), hypothetical)
        by_period.append({r.scenario: r for r in [*others, period.result]})
    return {
        s: [_figure(results[s], found.with_duty) for results in by_period] for s in table.scenarios
    }


def _figure(result: Assessment, with_duty: bool) -> Decimal:
    return result.duty if with_duty else result.effective_rate
