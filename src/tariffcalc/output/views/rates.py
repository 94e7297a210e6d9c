"""The views of `rates list`, `rates show` and `rates export`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tariffcalc.errors import InputError, suggest
from tariffcalc.inputs.whatif import describe_overrides
from tariffcalc.law.domain import HtsList, Measure, RateTable
from tariffcalc.law.hts import format_hts
from tariffcalc.law.lists import measures_naming
from tariffcalc.money import percent
from tariffcalc.output.render import Column, Grid, Row
from tariffcalc.output.views.common import JSON_VERSION, number, overrides_note
from tariffcalc.output.views.hts import entry_document, list_kind


def _dates(measure: Measure) -> str:
    return ", ".join(p.describe() for p in measure.in_force) or "never (scenarios only)"


def _scope(values: frozenset[str] | None) -> str:
    return "all" if values is None else ", ".join(sorted(values))


def _origins(table: RateTable, origins: frozenset[str] | None) -> str:
    """A measure's origins, a country group by its code (EU, not its 27 members)."""
    named = [code for code, members in table.country_groups.items() if members == origins]
    return named[0] if named else _scope(origins)


def measures_grid(table: RateTable) -> Grid:
    columns = (
        Column("id", "Measure"),
        Column("label", "Label", in_table=False),
        Column("rate", "Rate", "rate"),
        Column("kind", "Kind"),
        Column("base", "Base"),
        Column("origins", "Origins"),
        Column("sectors", "Sectors", in_table=False),
        Column("in_force", "In force"),
        Column("authority", "Authority"),
        Column("confidence", "Conf."),
    )
    rows = tuple(
        Row(
            (
                m.id,
                m.label,
                m.rate,
                m.kind,
                m.base,
                _origins(table, m.origins),
                _scope(m.sectors),
                _dates(m),
                m.authority,
                m.confidence,
            )
        )
        for m in table.measures.values()
    )
    return Grid(
        columns, rows, heading=f"{table.title} ({table.source})", notes=overrides_note(table)
    )


def scenarios_grid(table: RateTable) -> Grid:
    columns = (Column("id", "Scenario"), Column("label", "Label"), Column("measures", "Measures"))
    rows = tuple(
        Row(
            (
                s.id,
                s.label,
                "every measure in force on the entry date"
                if s.by_date
                else ", ".join(s.measures) or "none",
            )
        )
        for s in table.scenarios.values()
    )
    return Grid(columns, rows)


def item_document(table: RateTable, item: str) -> dict[str, Any]:
    """A measure, scenario, sector or HTS list of the table, by id."""
    known = [*table.measures, *table.scenarios, *table.sectors, *table.lists]
    if item not in known:
        raise InputError(
            "id", f"no measure, scenario, sector or list {item!r}{suggest(item, known)}"
        )
    if item in table.measures:
        return _measure_document(table, table.measures[item])
    if item in table.scenarios:
        s = table.scenarios[item]
        return {
            "type": "scenario",
            "id": s.id,
            "label": s.label,
            "measures": list(s.measures),
            "by_date": s.by_date,
        }
    if item in table.sectors:
        return _sector_document(table, item)
    hts_list = table.lists[item]
    return {
        "type": "list",
        **list_header(table, hts_list),
        "entries": [entry_document(entry) for entry in hts_list.all_entries()],
    }


def _measure_document(table: RateTable, m: Measure) -> dict[str, Any]:
    return {
        "type": "measure",
        **{k: v for k, v in m._asdict().items() if k not in ("in_force", "rate", "us_content_min")},
        "rate": number(m.rate),
        "us_content_min": number(m.us_content_min),
        "origins": "all" if m.origins is None else sorted(m.origins),
        "sectors": "all" if m.sectors is None else sorted(m.sectors),
        "groups": sorted(m.groups),
        "yields_to": sorted(m.yields_to),
        "supersedes": list(m.supersedes),
        "except_lists": list(m.except_lists),
        "in_force": [
            {"from": p.start.isoformat(), "to": p.end.isoformat() if p.end else None}
            for p in m.in_force
        ],
        "scenarios": [s.id for s in table.scenarios.values() if m.id in s.measures],
    }


def _sector_document(table: RateTable, item: str) -> dict[str, Any]:
    sector = table.sectors[item]
    return {
        "type": "sector",
        "id": sector.id,
        "label": sector.label,
        "mfn": number(sector.mfn),
        "hts": list(sector.hts),
        "metal_content": sector.metal_content,
        "note": sector.note,
        "mfn_note": sector.mfn_note,
        "measures": [
            m.id for m in table.measures.values() if m.sectors is None or item in m.sectors
        ],
    }


def list_header(table: RateTable, hts_list: HtsList) -> dict[str, Any]:
    """An HTS list without its entries: what it is, its size, the measures naming it."""
    return {
        "id": hts_list.id,
        "label": hts_list.label,
        "heading": hts_list.heading,
        "kind": hts_list.kind,
        "claim": hts_list.claim,
        "origins": "all" if hts_list.origins is None else sorted(hts_list.origins),
        "authority": hts_list.authority,
        "source": hts_list.source,
        "confidence": hts_list.confidence,
        "note": hts_list.note,
        "first_day": hts_list.first_day.isoformat(),
        "size": hts_list.size,
        "measures": list(measures_naming(table, hts_list.id)),
    }


def lists_grid(table: RateTable) -> Grid:
    columns = (
        Column("id", "List"),
        Column("label", "Label", in_table=False),
        Column("kind", "Kind"),
        Column("heading", "Heading"),
        Column("origins", "Origins"),
        Column("size", "Entries"),
        Column("measures", "Takes lines out of"),
        Column("confidence", "Conf."),
    )
    rows = tuple(
        Row(
            (
                each.id,
                each.label,
                list_kind(each),
                each.heading,
                _scope(each.origins),
                str(each.size),
                ", ".join(list_header(table, each)["measures"]) or "none",
                each.confidence,
            )
        )
        for each in table.lists.values()
    )
    return Grid(columns, rows, title="HTS lists (one in full: rates show LIST-ID)")


def item_grid(table: RateTable, item: str) -> Grid:
    document = item_document(table, item)
    document.pop("entries", None)  # a list's thousands of lines: --json has them
    rows = []
    for key, value in document.items():
        if isinstance(value, list):
            shown = (
                ", ".join(
                    v if isinstance(v, str) else f"{v['from']} → {v['to'] or 'open'}" for v in value
                )
                or "none"
            )
        elif key in ("rate", "mfn") and isinstance(value, float):
            shown = percent(Decimal(str(value)))
        else:
            shown = "" if value is None else str(value)
        rows.append(Row((key, shown)))
    columns = (Column("field", "Field"), Column("value", "Value"))
    return Grid(columns, tuple(rows), heading=f"{document['type']} {item} ({table.source})")


def table_document(table: RateTable) -> dict[str, Any]:
    """The whole table as JSON: rates as fractions, dates as ISO strings."""
    fees = table.fees
    return {
        "version": JSON_VERSION,
        "title": table.title,
        "source": table.source,
        "legal_bases": table.legal_bases,
        "overrides": describe_overrides(table),
        "sectors": {
            key: {k: v for k, v in item_document(table, key).items() if k not in ("type", "id")}
            for key in table.sectors
        },
        "hts": {
            format_hts(c): {"mfn": number(line.mfn), "description": line.description}
            for c, line in table.hts.items()
        },
        "measures": [
            {k: v for k, v in item_document(table, m).items() if k != "type"}
            for m in table.measures
        ],
        "scenarios": [
            {k: v for k, v in item_document(table, s).items() if k != "type"}
            for s in table.scenarios
        ],
        "lists": [list_header(table, each) for each in table.lists.values()],
        "fees": {
            "mpf": {
                "rate": number(fees.mpf_rate),
                "authority": fees.mpf_authority,
                "informal_max_value": number(fees.informal_max_value),
                "years": [
                    {
                        "fiscal_year": y.fiscal_year,
                        "from": y.period.start.isoformat(),
                        "to": y.period.end.isoformat() if y.period.end else None,
                        "min": number(y.minimum),
                        "max": number(y.maximum),
                        "informal": number(y.informal),
                        "confidence": y.confidence,
                        "note": y.note,
                    }
                    for y in fees.mpf_years
                ],
            },
            "hmf": {
                "rate": number(fees.hmf_rate),
                "authority": fees.hmf_authority,
                "modes": sorted(fees.hmf_modes),
                "confidence": fees.hmf_confidence,
            },
        },
    }
