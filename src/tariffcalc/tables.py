"""Grids and JSON documents for compare, sweep, timeline and the rates commands."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffcalc.analysis import TimelinePeriod
from tariffcalc.domain import Assessment, Measure, RateTable, Shipment
from tariffcalc.engine import describe_rate, effective_rate, origin_note
from tariffcalc.impact import UPPER_BOUND_NOTE, FlowSet, Pricing, ScenarioImpact, Scored, by_sector
from tariffcalc.money import percent, usd
from tariffcalc.render import Cell, Column, Grid, Kind, Row, display
from tariffcalc.report import (
    JSON_VERSION,
    describe_shipment,
    dotted_hts,
    number,
    shipment_notes,
)
from tariffcalc.shipment import format_hts, sector_of
from tariffcalc.whatif import describe_overrides

if TYPE_CHECKING:
    from tariffcalc.hts import Schedule, ScheduleLine
    from tariffcalc.refunds import Entry, Refunds, Totals

COMPARE_FIGURES: dict[str, tuple[str, Kind]] = {
    "duty": ("Duty", "money"),
    "effective-rate": ("Eff. rate", "rate"),
    "landed-cost": ("Landed cost", "money"),
}
Compared = list[tuple[Shipment, list[Assessment]]]


def figure_of(result: Assessment, figure: str) -> Decimal:
    if figure == "effective-rate":
        return result.effective_rate
    return result.landed_cost if figure == "landed-cost" else result.duty


def _what(shipment: Shipment) -> str:
    return f"HTS {format_hts(shipment.hts)}" if shipment.hts else shipment.sector


def _overrides_note(table: RateTable) -> tuple[str, ...]:
    settings = describe_overrides(table)
    return (f"* what-if: {', '.join(settings)} (--set)",) if settings else ()


# --- compare ----------------------------------------------------------------------------


def compare_grid(table: RateTable, rows: Compared, figure: str) -> Grid:
    title, kind = COMPARE_FIGURES[figure]
    ids = [r.scenario for r in rows[0][1]]
    keys: list[tuple[str, str, Callable[[Shipment], Cell]]] = [
        ("what", "Sector / HTS", _what),
        ("origin", "Origin", lambda s: s.origin),
        ("entry_date", "Date", lambda s: s.entry_date.isoformat()),
        ("customs_value", "Value", lambda s: s.customs_value),
    ]
    varying = {key for key, _, get in keys if len({get(s) for s, _ in rows}) > 1}
    columns = [
        Column(
            key,
            head,
            "money" if key == "customs_value" else "text",
            in_table=key == "what" or key in varying,
        )
        for key, head, _ in keys
    ]
    columns += [Column(i, i + (" *" if _changed(rows, i) else ""), kind) for i in ids]
    grid_rows = tuple(
        Row(tuple([get(s) for _, _, get in keys] + [figure_of(r, figure) for r in results]))
        for s, results in rows
    )
    constant = [
        f"{head.lower()} {display(get(rows[0][0]), column.kind)}"
        for (key, head, get), column in zip(keys, columns, strict=False)
        if key != "what" and key not in varying
    ]
    heading = f"{title} by scenario" + (f" · {', '.join(constant)}" if constant else "")
    found = [note for s, _ in rows for note in shipment_notes(table, s)]
    found += [note for s, _ in rows if (note := origin_note(table, s.origin))]
    notes = tuple(dict.fromkeys(found)) + _overrides_note(table)
    return Grid(tuple(columns), grid_rows, heading=heading, notes=notes)


def _changed(rows: Compared, scenario: str) -> bool:
    return any(r.overrides for _, results in rows for r in results if r.scenario == scenario)


def compare_document(table: RateTable, rows: Compared, figure: str) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "show": figure,
        "scenarios": [r.scenario for r in rows[0][1]],
        "overrides": describe_overrides(table),
        "rows": [
            {
                "sector": s.sector,
                "hts": dotted_hts(s),
                "origin": s.origin,
                "entry_date": s.entry_date.isoformat(),
                "customs_value": number(s.customs_value),
                "values": {r.scenario: number(figure_of(r, figure)) for r in results},
            }
            for s, results in rows
        ],
    }


# --- sweep ------------------------------------------------------------------------------


def sweep_grid(
    table: RateTable,
    shipment: Shipment,
    variable: str,
    scenario: str,
    points: list[tuple[Decimal, Assessment]],
) -> Grid:
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
    shipment_line = describe_shipment(table, shipment, value=variable != "value")
    heading = f"{shipment_line}\nscenario {scenario}, varying {what}"
    return Grid(columns, rows, heading=heading, notes=_overrides_note(table))


def sweep_document(
    table: RateTable,
    shipment: Shipment,
    variable: str,
    scenario: str,
    points: list[tuple[Decimal, Assessment]],
) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "variable": variable,
        "scenario": scenario,
        "overrides": describe_overrides(table),
        "points": [
            {
                "x": number(x),
                "duty": number(r.duty),
                "effective_rate": number(r.effective_rate),
                "fees": number(r.fees.total),
                "landed_cost": number(r.landed_cost),
            }
            for x, r in points
        ],
    }


# --- timeline -----------------------------------------------------------------------------


def _measures(period: TimelinePeriod) -> str:
    applied = [m for m in period.measures if m != "mfn"]
    return ", ".join(applied) if applied else "MFN only"


def timeline_grid(
    table: RateTable, shipment: Shipment, periods: list[TimelinePeriod], with_duty: bool
) -> Grid:
    columns = [
        Column("from", "From", "date"),
        Column("to", "To", "date"),
        Column("measures", "Measures in force"),
        Column("effective_rate", "Eff. rate", "rate"),
    ]
    if with_duty:
        columns.append(Column("duty", "Duty", "money"))
    rows = []
    for p in periods:
        cells: list[Cell] = [
            p.start.isoformat() if p.start else None,
            p.end.isoformat() if p.end else None,
            _measures(p),
            p.result.effective_rate,
        ]
        rows.append(Row(tuple(cells + ([p.result.duty] if with_duty else []))))
    heading = describe_shipment(table, shipment, value=with_duty, entry=False)
    notes = tuple(shipment_notes(table, shipment)) + _overrides_note(table)
    return Grid(tuple(columns), tuple(rows), heading=heading, notes=notes)


def timeline_document(
    table: RateTable, shipment: Shipment, periods: list[TimelinePeriod], with_duty: bool
) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "sector": shipment.sector,
        "hts": dotted_hts(shipment),
        "origin": shipment.origin,
        "mfn_rate": number(shipment.mfn_rate),
        "customs_value": number(shipment.customs_value) if with_duty else None,
        "overrides": describe_overrides(table),
        "periods": [
            {
                "from": p.start.isoformat() if p.start else None,
                "to": p.end.isoformat() if p.end else None,
                "measures": list(p.measures),
                "lines": [
                    {
                        "measure": line.measure,
                        "rate": number(line.rate),
                        **({"amount": number(line.amount)} if with_duty else {}),
                    }
                    for line in p.result.lines
                ],
                "effective_rate": number(p.result.effective_rate),
                "duty": number(p.result.duty) if with_duty else None,
            }
            for p in periods
        ],
    }


# --- the rate table itself -----------------------------------------------------------------


def _dates(measure: Measure) -> str:
    return ", ".join(p.describe() for p in measure.in_force) or "never (scenarios only)"


def _scope(values: frozenset[str] | None) -> str:
    return "all" if values is None else ", ".join(sorted(values))


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
                _scope(m.origins),
                _scope(m.sectors),
                _dates(m),
                m.authority,
                m.confidence,
            )
        )
        for m in table.measures.values()
    )
    return Grid(
        columns, rows, heading=f"{table.title} ({table.source})", notes=_overrides_note(table)
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
    if item in table.measures:
        m = table.measures[item]
        return {
            "type": "measure",
            **{key: value for key, value in m._asdict().items() if key not in ("in_force", "rate")},
            "rate": number(m.rate),
            "origins": "all" if m.origins is None else sorted(m.origins),
            "sectors": "all" if m.sectors is None else sorted(m.sectors),
            "groups": sorted(m.groups),
            "yields_to": sorted(m.yields_to),
            "supersedes": list(m.supersedes),
            "in_force": [
                {"from": p.start.isoformat(), "to": p.end.isoformat() if p.end else None}
                for p in m.in_force
            ],
            "scenarios": [s.id for s in table.scenarios.values() if item in s.measures],
        }
    if item in table.scenarios:
        s = table.scenarios[item]
        return {
            "type": "scenario",
            "id": s.id,
            "label": s.label,
            "measures": list(s.measures),
            "by_date": s.by_date,
        }
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


def item_grid(table: RateTable, item: str) -> Grid:
    document = item_document(table, item)
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


# --- the HTS schedule ----------------------------------------------------------------------


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


def lookup_document(
    table: RateTable, schedule: Schedule, line: ScheduleLine, results: list[Any]
) -> dict[str, Any]:
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
    }
    if results:
        shipment, assessment = results
        document["measures"] = {
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
    return document


def lookup_grids(
    table: RateTable, schedule: Schedule, line: ScheduleLine, results: list[Any]
) -> list[Grid]:
    document = lookup_document(table, schedule, line, results)
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
    if results:
        shipment, assessment = results
        measures = tuple(
            Row((x.measure, describe_rate(x), x.authority)) for x in assessment.lines
        ) + tuple(
            Row((n.measure, "not applied", n.detail))
            for n in assessment.not_applied
            if n.reason != "not-in-force"
        )
        grids.append(
            Grid(
                (
                    Column("measure", "Measure"),
                    Column("rate", "Rate"),
                    Column("authority", "Authority"),
                ),
                measures,
                title=f"In force for origin {shipment.origin} on {shipment.entry_date}"
                f" (effective rate {percent(assessment.effective_rate)})",
                notes=tuple(assessment.warnings),
            )
        )
    return grids


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


# --- impact -----------------------------------------------------------------------------------

# ISO 4217 currencies without a minor unit, shown without decimals.
WHOLE_UNITS = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"})


def converted(value: Decimal, currency: str, fx: Decimal) -> Decimal:
    places = Decimal(1) if currency in WHOLE_UNITS else Decimal("0.01")
    return (value * fx).quantize(places, rounding=ROUND_HALF_UP)


def impact_grids(
    table: RateTable,
    flows: FlowSet,
    scored: list[Scored],
    impacts: list[ScenarioImpact],
    pricing: Pricing,
    display: tuple[str, Decimal] | None,
) -> list[Grid]:
    per_unit = impacts[0].per_unit is not None
    columns = [
        Column("scenario", "Scenario"),
        Column("duty", "Duty", "money"),
        Column("effective_rate", "Eff. rate", "rate"),
        Column("change_vs_mfn", "vs MFN", "delta"),
    ]
    if per_unit:
        columns += [
            Column("importer_cost_per_unit", "Cost +/unit", "delta"),
            Column("buyer_price_per_unit", "Price +/unit", "delta"),
        ]
    columns.append(Column("buyer_price_total", "Buyer pays +", "delta"))
    if display:
        code, _ = display
        columns += [
            Column(f"duty_{code.lower()}", f"Duty ({code})", "amount"),
            Column(f"change_vs_mfn_{code.lower()}", f"vs MFN ({code})", "amount"),
        ]
        if per_unit:
            columns.append(
                Column(f"buyer_price_per_unit_{code.lower()}", f"Price +/unit ({code})", "amount")
            )
    rows = []
    for impact in impacts:
        cells: list[Cell] = [
            impact.scenario,
            impact.duty,
            impact.effective_rate,
            impact.change_vs_mfn,
        ]
        if impact.per_unit:
            cells += [impact.per_unit.importer_cost, impact.per_unit.buyer_price]
        cells.append(impact.buyer_total)
        if display:
            code, fx = display
            cells += [converted(impact.duty, code, fx), converted(impact.change_vs_mfn, code, fx)]
            if impact.per_unit:
                cells.append(converted(impact.per_unit.buyer_price, code, fx))
        rows.append(Row(tuple(cells), " *" if impact.overrides else ""))
    grids = [
        Grid(
            tuple(columns),
            tuple(rows),
            heading=_impact_heading(flows, scored, impacts, pricing),
            notes=tuple(impact_notes(table, flows, scored, impacts)),
        )
    ]
    if len(scored) > 1:
        grids.append(_sector_grid(scored, impacts))
    return grids


def _impact_heading(
    flows: FlowSet, scored: list[Scored], impacts: list[ScenarioImpact], pricing: Pricing
) -> str:
    first = impacts[0]
    day = scored[0].shipment.entry_date
    what = flows.title
    units = (
        f" · {first.units:,} units, {usd(first.value / first.units)} each" if first.units else ""
    )
    markup = (
        "" if not pricing.margin else f", margin {percent(pricing.margin)} kept in {pricing.mode}"
    )
    return (
        f"{what} · {usd(first.value)} a year{units} · in-force on {day}"
        f" · pass-through {percent(pricing.pass_through)}{markup}"
    )


def impact_notes(
    table: RateTable, flows: FlowSet, scored: list[Scored], impacts: list[ScenarioImpact]
) -> list[str]:
    notes = ["fees (MPF, HMF) are per entry and left out of flow totals"]
    if len(scored) > 1 or flows.reference_rate is not None:
        notes.append(UPPER_BOUND_NOTE)
    if flows.reference_rate is not None:
        by_date = [i for i in impacts if table.scenarios[i.scenario].by_date]
        ours = (
            f"; in-force here: {percent(by_date[0].effective_rate.quantize(Decimal('0.001')))}"
            if by_date
            else ""
        )
        notes.append(f"compare: {flows.reference_label}{ours}")
    notes += [f"{s.flow.label}: {s.flow.note}" for s in scored if s.flow.note]
    notes += [n for s in scored for n in shipment_notes(table, s.shipment)]
    overrides = sorted({o for i in impacts for o in i.overrides})
    if overrides:
        notes.append(f"* changed by --set {', '.join(overrides)}")
    return list(dict.fromkeys(notes))


def _sector_grid(scored: list[Scored], impacts: list[ScenarioImpact]) -> Grid:
    columns = [Column("sector", "Sector"), Column("value", "Imports", "money")]
    columns += [Column(i.scenario, i.scenario, "rate") for i in impacts]
    rows = []
    for sector, parts in by_sector(scored).items():
        value = parts[0][0]
        rows.append(
            Row(
                (
                    sector,
                    value,
                    *(effective_rate(duty, value) for _, duty in parts),
                )
            )
        )
    total = impacts[0].value
    rows.append(Row(("all", total, *(i.effective_rate for i in impacts))))
    return Grid(tuple(columns), tuple(rows), title="Import-weighted effective rate by sector")


def impact_document(
    table: RateTable,
    flows: FlowSet,
    scored: list[Scored],
    impacts: list[ScenarioImpact],
    pricing: Pricing,
    display: tuple[str, Decimal] | None,
) -> dict[str, Any]:
    sectors = by_sector(scored)
    scenarios = []
    for index, impact in enumerate(impacts):
        entry: dict[str, Any] = {
            "id": impact.scenario,
            "label": impact.label,
            "value": number(impact.value),
            "duty": number(impact.duty),
            "effective_rate": number(impact.effective_rate),
            "change_vs_mfn": number(impact.change_vs_mfn),
            "buyer_price_total": number(impact.buyer_total),
            "per_unit": None
            if impact.per_unit is None
            else {
                "importer_cost": number(impact.per_unit.importer_cost),
                "buyer_price": number(impact.per_unit.buyer_price),
                "price_before": number(impact.per_unit.price_before),
            },
            "by_sector": {
                sector: {
                    "value": number(parts[index][0]),
                    "duty": number(parts[index][1]),
                    "effective_rate": number(effective_rate(parts[index][1], parts[index][0])),
                }
                for sector, parts in sectors.items()
            },
            "overrides": list(impact.overrides),
        }
        if display:
            code, fx = display
            entry["in_currency"] = {
                "currency": code,
                "fx": number(fx),
                "duty": number(converted(impact.duty, code, fx)),
                "change_vs_mfn": number(converted(impact.change_vs_mfn, code, fx)),
                "buyer_price_per_unit": None
                if impact.per_unit is None
                else number(converted(impact.per_unit.buyer_price, code, fx)),
            }
        scenarios.append(entry)
    return {
        "version": JSON_VERSION,
        "flows": {
            "name": flows.name,
            "title": flows.title,
            "entry_date": scored[0].shipment.entry_date.isoformat(),
            "items": [
                {
                    "label": s.flow.label,
                    "sector": s.shipment.sector,
                    "hts": dotted_hts(s.shipment),
                    "origin": s.shipment.origin,
                    "value": number(s.shipment.customs_value),
                    "units": number(s.flow.units),
                    "source": s.flow.source,
                    "confidence": s.flow.confidence,
                }
                for s in scored
            ],
        },
        "pricing": {
            "pass_through": number(pricing.pass_through),
            "margin": number(pricing.margin),
            "markup_mode": pricing.mode,
        },
        "scenarios": scenarios,
        "notes": impact_notes(table, flows, scored, impacts),
    }


# --- refunds ---------------------------------------------------------------------------------


def refund_rows_grid(table: RateTable, header: list[str], entries: list[Entry]) -> Grid:
    """One row per entry: its own columns, then the estimate (CSV output)."""
    from tariffcalc.batch import neutralise, text_of

    columns = [Column(h, h) for h in header] + [
        Column("classified_sector", "Sector"),
        Column("entry_date_used", "Entry date"),
        Column("customs_value_usd", "Value", "money"),
        Column("duty", "Duty", "money"),
        Column("refundable", "Refundable", "money"),
        Column("reason", "Reason"),
        Column("paid", "Paid", "money"),
        Column("paid_struck_down", "Paid (struck down)", "money"),
        Column("flagged", "Check"),
    ]
    rows = tuple(
        Row(
            (
                *(neutralise(text_of(e.row.cells.get(h, ""))) for h in header),
                e.shipment.sector,
                e.shipment.entry_date.isoformat(),
                e.shipment.customs_value,
                e.result.duty,
                e.refundable,
                e.reason,
                e.paid,
                e.paid_struck,
                "check" if e.flagged else "",
            )
        )
        for e in entries
    )
    return Grid(tuple(columns), rows)


def refund_grids(
    table: RateTable, entries: list[Entry], totals: Totals, work: Refunds
) -> list[Grid]:
    from tariffcalc.refunds import DISCLAIMER

    document = totals.document()
    heading = (
        f"{document['entries']:,} entries, {document['rejected']:,} rejected · duty"
        f" {usd(totals.duty)} · refundable {usd(totals.refundable)}"
        + (f" · {document['flagged']:,} to check" if document["flagged"] else "")
    )
    grids = []
    for by, title in (("month", "Month"), ("origin", "Origin"), ("sector", "Sector")):
        rows = tuple(
            Row((key, Decimal(int(t[0])), t[1], t[2])) for key, t in sorted(totals.by[by].items())
        )
        grids.append(
            Grid(
                (
                    Column(by, title),
                    Column("entries", "Entries", "amount"),
                    Column("duty", "Duty", "money"),
                    Column("refundable", "Refundable", "money"),
                ),
                rows,
                heading=heading if by == "month" else None,
                title=f"By {by}",
            )
        )
    flagged = [e for e in entries if e.flagged]
    if flagged:
        grids.append(
            Grid(
                (
                    Column("line", "Line"),
                    Column("entry", "Entry"),
                    Column("paid", "Paid", "money"),
                    Column("duty", "Computed", "money"),
                    Column("paid_struck", "Paid (struck)", "money"),
                    Column("refundable", "Refundable", "money"),
                ),
                tuple(
                    Row(
                        (
                            str(e.row.line),
                            e.row.fields.get("entry_number") or e.row.fields.get("id", ""),
                            e.paid,
                            e.result.duty,
                            e.paid_struck,
                            e.refundable,
                        )
                    )
                    for e in flagged[:50]
                ),
                title=f"To check: paid and computed differ by more than {usd(work.tolerance)}",
            )
        )
    rulings = [f"{r.authority}: {r.note or ''}".strip() for r in table.rulings.values()]
    last = grids[-1]
    grids[-1] = last._replace(notes=(*last.notes, *rulings, DISCLAIMER))
    return grids


def refund_document(
    table: RateTable, header: list[str], entries: list[Entry], totals: Totals, work: Refunds
) -> dict[str, Any]:
    from tariffcalc.refunds import DISCLAIMER

    return {
        "version": JSON_VERSION,
        "disclaimer": DISCLAIMER,
        "rulings": [
            {
                "legal_basis": r.legal_basis,
                "decided": r.decided.isoformat(),
                "authority": r.authority,
            }
            for r in table.rulings.values()
        ],
        "period": [d.isoformat() for d in work.period] if work.period else None,
        "tolerance": number(work.tolerance),
        "totals": totals.document(),
        "entries": [
            {
                "line": e.row.line,
                "id": e.row.fields.get("id"),
                "entry_number": e.row.fields.get("entry_number"),
                "entry_date": e.shipment.entry_date.isoformat(),
                "origin": e.shipment.origin,
                "sector": e.shipment.sector,
                "hts": dotted_hts(e.shipment),
                "customs_value": number(e.shipment.customs_value),
                "duty": number(e.result.duty),
                "refundable": number(e.refundable),
                "reason": e.reason,
                "lines": [
                    {
                        "measure": x.measure,
                        "amount": number(x.amount),
                        "legal_status": "struck-down" if x.struck_down else "valid",
                    }
                    for x in e.result.lines
                ],
                "paid": number(e.paid),
                "paid_struck_down": number(e.paid_struck),
                "flagged": e.flagged,
            }
            for e in entries
        ],
    }
