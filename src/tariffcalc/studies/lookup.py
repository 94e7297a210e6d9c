"""`hts lookup`: a line of the imported schedule, and what applies to it under the law
on a date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.shipment import make_shipment
from tariffcalc.law.domain import DEFAULT_ORIGIN, Assessment, RateTable, Shipment
from tariffcalc.law.engine import assess_all
from tariffcalc.law.hts import format_hts, normalize_hts

if TYPE_CHECKING:
    from tariffcalc.inputs.schedule import Schedule, ScheduleLine

# What a line is assessed at to show its measures and effective rate.
NOMINAL_VALUE = "10000"


class Lookup(NamedTuple):
    line: ScheduleLine | None  # None: the code has no row of its own; see `below`
    below: list[ScheduleLine]  # the lines under a code that has no row of its own
    shipment: Shipment | None  # a nominal shipment of the line, when it has a rate
    results: list[Assessment]  # that shipment under each by-date scenario of the table


def lookup(
    table: RateTable,
    schedule: Schedule,
    code: str,
    origin: str = DEFAULT_ORIGIN,
    entry_date: date | str | None = None,
) -> Lookup:
    """The line of `code` (4 to 10 digits, dots optional) and, when it has a rate, the
    measures that apply to it from `origin` on `entry_date` (default today)."""
    digits = normalize_hts(code)
    line = schedule.line(digits) or schedule.rate_line(digits)
    if line is None and (below := schedule.under(digits, 200)):
        # The schedule skips some 6-digit levels: such a code is known by its lines.
        return Lookup(None, below, None, [])
    if line is None:
        close = ", ".join(format_hts(c) for c in schedule.closest(digits))
        raise InputError(
            "code",
            f"{code!r} is not in the schedule ({schedule.revision}); close: {close or 'none'}",
        )
    if schedule.rate_line(digits) is None:
        return Lookup(line, [], None, [])
    shipment = make_shipment(
        table,
        value=NOMINAL_VALUE,
        hts=digits,
        origin=origin,
        entry_date=entry_date,
        schedule=schedule,
    )
    by_date = [s.id for s in table.scenarios.values() if s.by_date]
    return Lookup(line, [], shipment, assess_all(table, shipment, by_date))
