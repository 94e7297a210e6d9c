"""The views of `hts status`, `hts lookup` and `hts search`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffcalc.law.domain import Assessment, HtsList, ListEntry, RateTable, Shipment
from tariffcalc.law.engine import describe_rate
from tariffcalc.law.hts import format_hts, sector_of
from tariffcalc.money import percent
from tariffcalc.output.render import Column, Grid, Row
from tariffcalc.output.views.common import number

if TYPE_CHECKING:
    from tariffcalc.inputs.schedule import Schedule, ScheduleLine
    from tariffcalc.studies.lookup import Lookup, Membership


def status_document(table: RateTable, schedule: Schedule | None, path: Path) -> dict[str, Any]:
    if schedule is None:
        return {
            "active": "curated",
            "index": str(path),
            "curated_lines": len(table.hts),
            "curated_source": table.hts_source,
        }
    return {
        "active": "imported",
        "index": str(schedule.path),
        "revision": schedule.revision,
        "source": schedule.meta.get("source"),
        "imported_at": schedule.meta.get("imported_at"),
        "lines": schedule.count(),
        "search": schedule.meta.get("search"),
    }


def status_grid(table: RateTable, schedule: Schedule | None, path: Path) -> Grid:
    document = status_document(table, schedule, path)
    rows = tuple(Row((key, str(value))) for key, value in document.items())
    heading = (
        f"--hts uses the imported schedule ({schedule.revision})"
        if schedule
        else f"no schedule imported: --hts uses the {len(table.hts)} curated lines of the rate"
        " table (import one with `tariffcalc hts import FILE`)"
    )
    return Grid((Column("field", "Field"), Column("value", "Value")), rows, heading=heading)


def lookup_document(table: RateTable, schedule: Schedule, found: Lookup) -> dict[str, Any]:
    line = found.line
    if line is None:
        return search_document(schedule, found.below)
    rate = line.rate
    document: dict[str, Any] = {
        "hts": format_hts(line.code),
        "description": line.description,
        "parents": list(line.parents),
        "general": line.general or None,
        "general_from": format_hts(line.rate_from) if line.rate_from else None,
        "rate_shape": rate.shape if rate else None,
        "rate_terms": [t.describe() for t in rate.terms] if rate else [],
        "special": line.special or None,
        "column_2": line.other or None,
        "units": list(line.units),
        "sector": sector_of(table, line.code),
        "revision": schedule.revision,
        "children": [format_hts(c.code) for c in schedule.under(line.code, 100) if c.code],
        "lists": [_membership_document(m) for m in found.lists],
    }
    if found.shipment is not None and found.results:
        document["measures"] = _measures_document(found.shipment, found.results[0])
    if found.shipment is not None and len(found.results) > 1:
        document["measures_by_scenario"] = {
            r.scenario: _measures_document(found.shipment, r) for r in found.results
        }
    return document


def _measures_document(shipment: Shipment, assessment: Assessment) -> dict[str, Any]:
    return {
        "origin": shipment.origin,
        "entry_date": shipment.entry_date.isoformat(),
        "applied": [
            {"measure": x.measure, "rate": number(x.rate), "authority": x.authority}
            for x in assessment.lines[1:]
        ],
        "not_applied": [
            {"measure": n.measure, "reason": n.reason, "detail": n.detail}
            for n in assessment.not_applied
            if n.reason != "not-in-force"
        ],
        "effective_rate": number(assessment.effective_rate),
    }


def _membership_document(membership: Membership) -> dict[str, Any]:
    hts_list = membership.hts_list
    return {
        "id": hts_list.id,
        "label": hts_list.label,
        "heading": hts_list.heading,
        "kind": hts_list.kind,
        "claim": hts_list.claim,
        "origins": "all" if hts_list.origins is None else sorted(hts_list.origins),
        "confidence": hts_list.confidence,
        "on_entry_date": membership.on_date is not None,
        "entries": [entry_document(e) for e in membership.entries],
        "measures": list(membership.measures),
    }


def entry_document(entry: ListEntry) -> dict[str, Any]:
    """One entry of a list: the lines it covers and its dates (`to` inclusive)."""
    return {
        "hts": format_hts(entry.prefix),
        "from": entry.period.start.isoformat(),
        "to": entry.period.end.isoformat() if entry.period.end else None,
        "confidence": entry.confidence,
        "note": entry.note,
        "article": entry.article,
    }


def list_kind(hts_list: HtsList) -> str:
    """The list's kind, with the claim that makes a conditional or partial list exempt."""
    return f"{hts_list.kind} (--claim {hts_list.claim})" if hts_list.claim else hts_list.kind


def _entry_dates(entry: ListEntry) -> str:
    end = f" to {entry.period.end}" if entry.period.end else " onward"
    article = f", {entry.article!r} only" if entry.article else ""
    return f"{entry.period.start}{end}{article} ({entry.confidence})"


def _lists_grid(shipment: Shipment, found: tuple[Membership, ...]) -> Grid:
    day = shipment.entry_date
    rows = tuple(
        Row(
            (
                m.hts_list.id,
                m.hts_list.label,
                m.hts_list.heading,
                list_kind(m.hts_list),
                "all" if m.hts_list.origins is None else ", ".join(sorted(m.hts_list.origins)),
                "; ".join(_entry_dates(e) for e in m.entries),
                "yes" if m.on_date else "no",
                m.hts_list.confidence,
                ", ".join(m.measures) or "none",
            )
        )
        for m in found
    )
    columns = (
        Column("id", "List"),
        Column("label", "Label"),
        Column("heading", "Heading"),
        Column("kind", "Kind"),
        Column("origins", "Origins"),
        Column("dates", "Dates (conf.)"),
        Column("on_entry_date", f"On {day}"),
        Column("confidence", "Conf."),
        Column("measures", "Named by"),
    )
    return Grid(columns, rows, title=f"HTS lists naming {format_hts(shipment.hts or '')}")


def lookup_grids(table: RateTable, schedule: Schedule, found: Lookup) -> list[Grid]:
    line = found.line
    if line is None:
        return [search_grid(schedule, found.below)]
    document = lookup_document(table, schedule, found)
    fields = ["description", "general", "general_from", "special", "column_2", "units", "sector"]
    rows = [Row(("within", " > ".join(line.parents)))] if line.parents else []
    for key in fields:
        value = document[key]
        shown = ", ".join(value) if isinstance(value, list) else value
        rows.append(Row((key.replace("_", " "), shown or "")))
    if document["children"]:
        rows.append(Row(("lines below", ", ".join(document["children"][:12]))))
    grids = [
        Grid(
            (Column("field", "Field"), Column("value", "Value")),
            tuple(rows),
            heading=f"HTS {document['hts']} ({schedule.revision})",
        )
    ]
    if found.shipment is not None:
        several = len(found.results) > 1
        grids += [_measures_grid(found.shipment, r, several) for r in found.results]
    if found.shipment is not None and found.lists:
        grids.append(_lists_grid(found.shipment, found.lists))
    return grids


def _measures_grid(shipment: Shipment, assessment: Assessment, named: bool) -> Grid:
    """The measures of one by-date scenario; `named` when the table has several."""
    measures = tuple(
        Row((x.measure, describe_rate(x), x.authority)) for x in assessment.lines
    ) + tuple(
        Row((n.measure, "not applied", n.detail))
        for n in assessment.not_applied
        if n.reason != "not-in-force"
    )
    scenario = f" in scenario {assessment.scenario}" if named else ""
    return Grid(
        (
            Column("measure", "Measure"),
            Column("rate", "Rate"),
            Column("authority", "Authority"),
        ),
        measures,
        title=f"In force for origin {shipment.origin} on {shipment.entry_date}{scenario}"
        f" (effective rate {percent(assessment.effective_rate)})",
        notes=tuple(assessment.warnings),
    )


def search_document(schedule: Schedule, found: list[ScheduleLine]) -> dict[str, Any]:
    return {
        "revision": schedule.revision,
        "lines": [
            {
                "hts": format_hts(line.code),
                "description": line.description,
                "within": " > ".join(line.parents),
                "general": line.general or None,
            }
            for line in found
        ],
    }


def search_grid(schedule: Schedule, found: list[ScheduleLine]) -> Grid:
    rows = tuple(
        Row(
            (
                format_hts(line.code),
                " > ".join([*line.parents[-2:], line.description]),
                line.general,
            )
        )
        for line in found
    )
    columns = (Column("hts", "HTS"), Column("label", "Description"), Column("general", "General"))
    heading = f"{len(found)} line(s) ({schedule.revision})"
    return Grid(columns, rows, heading=heading)
