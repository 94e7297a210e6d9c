"""Which HTS lists put a shipment's line in or out of a measure, on its entry date. Pure.

A measure names the lists whose lines it does not apply to (`except_lists`). A line
on an `exemption` list is out; on a `conditional` or `partial` list it is out only
when the importer makes the list's claim (civil aircraft, a particular article), and
otherwise a note names the claim. A measure may also name the lists that are its
scope (`scope_lists`, lists of kind `scope`): with an HTS code, only their lines are
in. Without an HTS code no list can be checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from tariffcalc.law.domain import HtsList, ListEntry, Measure, NotApplied, RateTable, Shipment
from tariffcalc.law.hts import format_hts


class ListCheck(NamedTuple):
    exempt: NotApplied | None  # the list that takes the line out of the measure
    notes: tuple[str, ...]  # claims that would, and entries whose dates are not confirmed


def list_check(
    table: RateTable, measure: Measure, shipment: Shipment, hypothetical: bool
) -> ListCheck:
    """The lists' say on `measure` for this shipment. A hypothetical scenario uses a list as
    first published when the entry date comes before it (the world it describes has it)."""
    notes: list[str] = []
    for hts_list in relevant_lists(table, measure, shipment):
        assert shipment.hts is not None  # relevant_lists is empty without a code
        day = read_on(hts_list, shipment, hypothetical)
        entry = hts_list.entry_on(shipment.hts, day)
        if entry is None:
            continue
        where = _membership(hts_list, entry, shipment.hts)
        if hts_list.claim is None or hts_list.claim in shipment.claims:
            detail = f"goods on {where}"
            if hts_list.claim is not None:
                detail += f", as claimed (--claim {hts_list.claim})"
            return ListCheck(
                NotApplied(measure.id, measure.label, "exempt", detail), _unsure(entry)
            )
        notes.append(
            f"{measure.id} applies unless the goods qualify for {where}:"
            f" if they do, give --claim {hts_list.claim}"
        )
    return ListCheck(None, tuple(notes))


def read_on(hts_list: HtsList, shipment: Shipment, hypothetical: bool) -> date:
    """The day a list is read at: the entry date, or for a hypothetical scenario the day the
    list was first published when the entry date comes before it."""
    return max(shipment.entry_date, hts_list.first_day) if hypothetical else shipment.entry_date


def on_scope_lists(
    table: RateTable, measure: Measure, shipment: Shipment, hypothetical: bool = False
) -> bool:
    """Whether the line is on one of the measure's scope lists on the entry date (True for a
    measure without any, or a shipment without a code: its sectors decided). A hypothetical
    scenario reads a list as first published when the entry date comes before it."""
    if not measure.scope_lists or shipment.hts is None:
        return True
    return any(
        hts_list.claim is None or hts_list.claim in shipment.claims
        for hts_list, _ in _scope_entries(table, measure, shipment, hypothetical)
    )


def unclaimed_scope(
    table: RateTable, measure: Measure, shipment: Shipment, hypothetical: bool
) -> list[str]:
    """Notes on the scope lists that would bring the line under the measure if the importer
    made their claim (a general provision of the auto-parts list: --claim auto-part)."""
    return [
        f"{measure.id} applies to goods on {_membership(hts_list, entry, shipment.hts or '')}"
        f" only if they qualify: if they do, give --claim {hts_list.claim}"
        for hts_list, entry in _scope_entries(table, measure, shipment, hypothetical)
        if hts_list.claim is not None and hts_list.claim not in shipment.claims
    ]


def _scope_entries(
    table: RateTable, measure: Measure, shipment: Shipment, hypothetical: bool
) -> list[tuple[HtsList, ListEntry]]:
    """The measure's scope lists holding the coded line on the date they are read at."""
    if shipment.hts is None:
        return []
    found = []
    for name in measure.scope_lists:
        hts_list = table.lists[name]
        day = read_on(hts_list, shipment, hypothetical)
        entry = hts_list.entry_on(shipment.hts, day)
        if entry is not None:
            found.append((hts_list, entry))
    return found


def scope_citation(
    table: RateTable, measure: Measure, shipment: Shipment, hypothetical: bool
) -> str | None:
    """Which of the measure's scope lists holds the line, cited: how a coded line came to owe
    it ('s232-auto-parts: on Section 232 automobile parts (note 33(g)) (heading 9903.94.05: HTS
    8708.99.68 since 2025-05-03)')."""
    for hts_list, entry in _scope_entries(table, measure, shipment, hypothetical):
        if hts_list.claim is None or hts_list.claim in shipment.claims:
            return f"{measure.id}: on {_membership(hts_list, entry, shipment.hts or '')}"
    return None


def measures_naming(table: RateTable, list_id: str) -> tuple[str, ...]:
    """The measures whose scope a list is, or whose lines it takes out."""
    return tuple(
        m.id
        for m in table.measures.values()
        if list_id in m.except_lists or list_id in m.scope_lists
    )


def on_content_list(table: RateTable, digits: str) -> bool:
    """Whether the line is, on some date, in the scope of a measure charged on its metal."""
    return any(
        table.lists[name].entries_of(digits)
        for measure in table.measures.values()
        if measure.base != "value"
        for name in measure.scope_lists
    )


def relevant_lists(table: RateTable, measure: Measure, shipment: Shipment) -> list[HtsList]:
    """The measure's exception lists that could name this shipment's line (its origin among
    theirs)."""
    return _named(table, measure.except_lists, shipment)


def _named(table: RateTable, names: tuple[str, ...], shipment: Shipment) -> list[HtsList]:
    if shipment.hts is None:
        return []
    named = (table.lists[name] for name in names)
    return [each for each in named if each.origins is None or shipment.origin in each.origins]


def _every_list(table: RateTable, measure: Measure, shipment: Shipment) -> list[HtsList]:
    return _named(table, (*measure.except_lists, *measure.scope_lists), shipment)


def list_key(table: RateTable, measures: list[Measure], shipment: Shipment) -> tuple[object, ...]:
    """All that plans need to know of the lists for this shipment (see the engine's
    Assessor): the entries holding its line, on its entry date and on the date a
    hypothetical scenario reads a list at, and the claims made."""
    if shipment.hts is None:
        return ()
    named = {each.id: each for m in measures for each in _every_list(table, m, shipment)}
    if not named:
        return ()
    day, code = shipment.entry_date, shipment.hts
    return (
        tuple(each.entry_on(code, day) for each in named.values()),
        tuple(each.entry_on(code, max(day, each.first_day)) for each in named.values()),
        shipment.claims,
    )


def membership_days(table: RateTable, measures: Iterable[Measure], shipment: Shipment) -> set[date]:
    """Every day the shipment's line joins or leaves a list that `measures` name."""
    days: set[date] = set()
    for measure in measures:
        for hts_list in _every_list(table, measure, shipment):
            assert shipment.hts is not None
            for entry in hts_list.entries_of(shipment.hts):
                days.add(entry.period.start)
                if entry.period.end is not None:
                    days.add(date.fromordinal(entry.period.end.toordinal() + 1))
    return days


def _membership(hts_list: HtsList, entry: ListEntry, digits: str) -> str:
    article = f", for the article {entry.article!r} only" if entry.article else ""
    heading = "" if hts_list.heading in hts_list.label else f"heading {hts_list.heading}: "
    return (
        f"{hts_list.label} ({heading}HTS {format_hts(digits)} since {entry.period.start}{article})"
    )


def _unsure(entry: ListEntry) -> tuple[str, ...]:
    if entry.confidence == "H":
        return ()
    why = f": {entry.note}" if entry.note else ""
    return (f"list membership not confirmed (confidence {entry.confidence}){why}",)
