"""Writers for the `duty` result: table (Rich), json, csv, markdown.

JSON and CSV never touch Rich (it would wrap long lines); Rich is imported only
for a table, so scripts do not pay for it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from tariffcalc.domain import Assessment, RateTable, Shipment
from tariffcalc.engine import describe_rate
from tariffcalc.money import percent, usd
from tariffcalc.report import SummaryRow, shipment_notes, summary_rows, to_json
from tariffcalc.shipment import country_name, format_hts

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

FORMATS = ("table", "json", "csv", "markdown")
Writer = Callable[[TextIO, RateTable, Shipment, list[Assessment], bool], None]


def describe_shipment(table: RateTable, shipment: Shipment) -> str:
    """One line stating the shipment as understood."""
    what = (
        f"HTS {format_hts(shipment.hts)} {shipment.hts_description} (sector {shipment.sector})"
        if shipment.hts
        else f"sector {shipment.sector} ({table.sectors[shipment.sector].label})"
    )
    value = f"customs value {usd(shipment.customs_value)} USD"
    if shipment.value_in_currency is not None:
        value += f" ({shipment.value_in_currency:,} {shipment.currency} at {shipment.fx} per USD)"
    parts = [
        what,
        f"MFN {percent(shipment.mfn_rate)} ({shipment.mfn_source})",
        f"origin {shipment.origin} ({country_name(shipment.origin)})",
        f"entry {shipment.entry_date.isoformat()}",
        value,
    ]
    if shipment.metal_value is not None:
        parts.append(f"metal content {usd(shipment.metal_value)}")
    if shipment.freight or shipment.insurance:
        parts.append(
            f"freight {usd(shipment.freight)}, insurance {usd(shipment.insurance)} (not dutiable)"
        )
    parts.append(shipment.mode)
    if shipment.quantity:
        parts.append(f"quantity {shipment.quantity:,}")
    return " · ".join(parts)


def footnotes(results: list[Assessment]) -> list[tuple[str, str]]:
    """(scenario, sentence) per scenario where a measure was displaced (superseded or exempt)."""
    notes = []
    for r in results:
        displaced = [
            f"{n.measure}: {n.detail}" for n in r.not_applied if n.reason != "not-in-force"
        ]
        if displaced:
            notes.append((r.scenario, "not applied: " + "; ".join(displaced)))
    return notes


def other_notes(table: RateTable, shipment: Shipment, results: list[Assessment]) -> list[str]:
    displaced = {f"{n.measure} not applied: {n.detail}" for r in results for n in r.not_applied}
    notes = shipment_notes(table, shipment)
    notes += [n for r in results for n in r.notes if n not in displaced]
    return list(dict.fromkeys(notes))


# --- json ----------------------------------------------------------------------------


def write_json(
    out: TextIO, table: RateTable, shipment: Shipment, results: list[Assessment], explain: bool
) -> None:
    json.dump(to_json(table, shipment, results), out, indent=2, ensure_ascii=False)
    out.write("\n")


# --- csv -----------------------------------------------------------------------------

SUMMARY_FIELDS = [
    "scenario",
    "effective_rate",
    "duty",
    "mpf",
    "hmf",
    "fees",
    "landed_cost",
    "change_vs_mfn",
]
LINE_FIELDS = ["scenario", "measure", "authority", "kind", "rate", "base_kind", "base", "amount"]


def write_csv(
    out: TextIO, table: RateTable, shipment: Shipment, results: list[Assessment], explain: bool
) -> None:
    writer = csv.writer(out, lineterminator="\n")
    if explain:
        writer.writerow(LINE_FIELDS)
        for r in results:
            for line in r.lines:
                writer.writerow(
                    [
                        r.scenario,
                        line.measure,
                        line.authority,
                        line.kind,
                        line.rate,
                        line.base_kind,
                        line.base,
                        line.amount,
                    ]
                )
        return
    per_unit = shipment.quantity is not None
    writer.writerow(SUMMARY_FIELDS + (["duty_per_unit", "landed_per_unit"] if per_unit else []))
    for row in summary_rows(shipment, results):
        cells = [
            row.scenario,
            row.effective_rate,
            row.duty,
            row.mpf,
            row.hmf,
            row.fees,
            row.landed_cost,
            row.change_vs_mfn,
        ]
        writer.writerow(cells + ([row.duty_per_unit, row.landed_per_unit] if per_unit else []))


# --- table and markdown share their columns ----------------------------------------------


_PERCENT_PLACES = Decimal("0.0001")


def _columns(shipment: Shipment) -> list[str]:
    columns = ["Scenario", "Eff. rate", "Duty", "Fees", "Landed cost", "vs MFN"]
    return columns + (["Duty/unit", "Landed/unit"] if shipment.quantity else [])


def _cells(row: SummaryRow, marker: str) -> list[str]:
    cells = [
        row.scenario + marker,
        percent(row.effective_rate.quantize(_PERCENT_PLACES)),
        usd(row.duty),
        usd(row.fees),
        usd(row.landed_cost),
        ("+" if row.change_vs_mfn > 0 else "") + usd(row.change_vs_mfn),
    ]
    if row.duty_per_unit is not None and row.landed_per_unit is not None:
        cells += [usd(row.duty_per_unit), usd(row.landed_per_unit)]
    return cells


def _markers(results: list[Assessment]) -> dict[str, str]:
    scenarios = list(dict.fromkeys(s for s, _ in footnotes(results)))
    return {s: f" [{i}]" for i, s in enumerate(scenarios, 1)}


def write_markdown(
    out: TextIO, table: RateTable, shipment: Shipment, results: list[Assessment], explain: bool
) -> None:
    markers = _markers(results)
    columns = _columns(shipment)
    out.write(f"{describe_shipment(table, shipment)}\n\n")
    out.write("| " + " | ".join(columns) + " |\n")
    out.write("|" + "|".join(["---"] + ["---:"] * (len(columns) - 1)) + "|\n")
    for row in summary_rows(shipment, results):
        out.write("| " + " | ".join(_cells(row, markers.get(row.scenario, ""))) + " |\n")
    out.write("\n")
    for scenario, text in footnotes(results):
        out.write(f"- {markers[scenario].strip()} {scenario}: {text}\n")
    for note in other_notes(table, shipment, results):
        out.write(f"- {note}\n")
    if explain:
        for r in results:
            out.write(f"\n### {r.scenario}: {r.label}\n\n")
            out.write("| Measure | Authority | Rate | Base | Amount |\n|---|---|---:|---:|---:|\n")
            for line in r.lines:
                out.write(
                    f"| {line.measure} | {line.authority} | {describe_rate(line)} |"
                    f" {usd(line.base)} ({line.base_kind}) | {usd(line.amount)} |\n"
                )
            out.write(f"| **duty** | | | | **{usd(r.duty)}** |\n")
            for n in r.not_applied:
                out.write(f"\n- not applied: {n.measure}: {n.detail}")
            out.write("\n")


def write_table(
    out: TextIO, table: RateTable, shipment: Shipment, results: list[Assessment], explain: bool
) -> None:
    from rich.table import Table

    console = make_console(out)
    markers = _markers(results)
    console.print(describe_shipment(table, shipment), highlight=False, markup=False, soft_wrap=True)
    grid = Table(show_lines=False, header_style="bold")
    for i, column in enumerate(_columns(shipment)):
        grid.add_column(column, justify="right" if i else "left", no_wrap=True)
    for row in summary_rows(shipment, results):
        grid.add_row(*_cells(row, markers.get(row.scenario, "")))
    print_unclipped(console, grid)
    for scenario, text in footnotes(results):
        console.print(
            f"{markers[scenario].strip()} {scenario}: {text}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    for note in other_notes(table, shipment, results):
        console.print(f"note: {note}", style="dim", highlight=False, markup=False, soft_wrap=True)
    if explain:
        for r in results:
            _explain(console, r)


def _explain(console: Console, result: Assessment) -> None:
    from rich.table import Table

    lines = Table(
        title=f"{result.scenario}: {result.label}", title_justify="left", header_style="bold"
    )
    for column in ("Measure", "Authority", "Rate", "Base", "Amount"):
        lines.add_column(
            column,
            justify="right" if column in ("Rate", "Base", "Amount") else "left",
            no_wrap=column != "Authority",
            max_width=32 if column == "Authority" else None,
        )
    for line in result.lines:
        base = usd(line.base) + ("" if line.base_kind == "value" else f" ({line.base_kind})")
        lines.add_row(line.measure, line.authority, describe_rate(line), base, usd(line.amount))
    lines.add_row("duty", "", percent(result.effective_rate), "", usd(result.duty), style="bold")
    lines.add_row("MPF", f"FY{result.fees.mpf_fiscal_year}", "", "", usd(result.fees.mpf))
    lines.add_row("HMF", "", "", "", usd(result.fees.hmf))
    lines.add_row("landed cost", "", "", "", usd(result.landed_cost), style="bold")
    print_unclipped(console, lines)
    for n in result.not_applied:
        console.print(
            f"  not applied: {n.measure}: {n.detail}", highlight=False, markup=False, soft_wrap=True
        )


def print_unclipped(console: Console, table: Table) -> None:
    """Figures are never cut to fit: a table wider than the screen is printed at its width."""
    from rich.measure import Measurement

    unbounded = console.options.update(width=10_000)
    needed = Measurement.get(console, unbounded, table).maximum
    screen = console.width
    console.width = max(screen, needed)
    console.print(table)
    console.width = screen


def make_console(out: TextIO) -> Console:
    """Colour only on a terminal; Rich itself honours NO_COLOR."""
    from rich.console import Console

    return Console(file=out, soft_wrap=False)


WRITERS: dict[str, Writer] = {
    "table": write_table,
    "json": write_json,
    "csv": write_csv,
    "markdown": write_markdown,
}
