"""`hts lookup`: a line of the imported schedule, and what applies to it under the law
on a date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.shipment import make_shipment
from tariffcalc.law.domain import (
    DEFAULT_ORIGIN,
    Assessment,
    HtsList,
    ListEntry,
    RateTable,
    Shipment,
)
from tariffcalc.law.engine import assess_all
from tariffcalc.law.hts import format_hts, normalize_hts
from tariffcalc.law.lists import measures_naming

if TYPE_CHECKING:
    from tariffcalc.inputs.schedule import Schedule, ScheduleLine

# What a line is assessed at to show its measures and effective rate.
NOMINAL_VALUE = "10000"


class Membership(NamedTuple):
    """A list the line is on, on some dates (not necessarily the entry date asked)."""

    hts_list: HtsList
    entries: tuple[ListEntry, ...]  # every entry covering the line, whatever its dates
    on_date: ListEntry | None  # the entry covering the entry date, if any
    measures: tuple[str, ...]  # the measures that name the list (it takes the line out)


class Lookup(NamedTuple):
    line: ScheduleLine | None  # None: the code has no row of its own; see `below`
    below: list[ScheduleLine]  # the lines under a code that has no row of its own
    shipment: Shipment | None  # a nominal shipment of the line, when it has a rate
    results: list[Assessment]  # that shipment under each by-date scenario of the table
    lists: tuple[Membership, ...] = ()  # the HTS lists the shipment's line is on


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
    results = assess_all(table, shipment, by_date)
    found = memberships(table, digits, shipment.entry_date, shipment.origin)
    return Lookup(line, [], shipment, results, found)


def memberships(table: RateTable, digits: str, day: date, origin: str) -> tuple[Membership, ...]:
    """Every list of the table for goods of `origin` that the line `digits` is on at some
    date, with the entry covering `day` and the measures naming the list."""
    found = []
    for hts_list in table.lists.values():
        entries = tuple(hts_list.entries_of(digits))
        if not entries or (hts_list.origins is not None and origin not in hts_list.origins):
            continue
        naming = measures_naming(table, hts_list.id)
        found.append(Membership(hts_list, entries, hts_list.entry_on(digits, day), naming))
    return tuple(found)


def origin_table(table: RateTable, origin: str) -> RateTable:
    """The table with only the measures that reach goods of `origin` (ISO code or name),
    for `rates list --origin`."""
    from tariffcalc.inputs.shipment import origin_code

    code = origin_code(origin)
    kept = {k: m for k, m in table.measures.items() if m.origins is None or code in m.origins}
    return table._replace(measures=kept, title=f"{table.title}: measures for goods of {code}")
