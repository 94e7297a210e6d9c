"""The view of `refunds`: per-entry results and totals."""

from __future__ import annotations

from contextlib import ExitStack
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tariffcalc.law.domain import RateTable
from tariffcalc.money import usd
from tariffcalc.output.render import Column, Grid, Row
from tariffcalc.output.views.common import (
    JSON_VERSION,
    dotted_hts,
    legal_status,
    number,
)

if TYPE_CHECKING:
    from tariffcalc.studies.refunds import Entry, Estimate, Refunds, Totals


def refund_rows_grid(table: RateTable, header: list[str], entries: list[Entry]) -> Grid:
    """One row per entry: its own columns, then the estimate (CSV output)."""
    from tariffcalc.inputs.records import text_of
    from tariffcalc.output.rows import neutralise

    columns = [Column(neutralise(h), h) for h in header] + [
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


def refund_grids(table: RateTable, estimate: Estimate, work: Refunds) -> list[Grid]:
    from tariffcalc.studies.refunds import DISCLAIMER

    totals = estimate.totals
    heading = (
        f"{totals.entries:,} entries, {totals.rejected:,} rejected · duty"
        f" {usd(totals.duty)} · refundable {usd(totals.refundable)}"
        + (f" · {totals.flagged:,} to check" if totals.flagged else "")
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
    flagged = [e for e in estimate.entries if e.flagged]
    if flagged:
        grids.append(_flagged_grid(flagged, work))
    rulings = [f"{r.authority}: {r.note or ''}".strip() for r in table.rulings.values()]
    last = grids[-1]
    grids[-1] = last._replace(notes=(*last.notes, *rulings, DISCLAIMER))
    return grids


def _flagged_grid(flagged: list[Entry], work: Refunds) -> Grid:
    """The entries whose paid and computed duty differ (the first 50)."""
    return Grid(
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


def totals_document(totals: Totals) -> dict[str, Any]:
    return {
        "entries": totals.entries,
        "rejected": totals.rejected,
        "duty": number(totals.duty),
        "refundable": number(totals.refundable),
        "flagged": totals.flagged,
        **{
            f"by_{by}": {
                key: {"entries": int(t[0]), "duty": number(t[1]), "refundable": number(t[2])}
                for key, t in sorted(groups.items())
            }
            for by, groups in totals.by.items()
        },
    }


def refund_document(table: RateTable, estimate: Estimate, work: Refunds) -> dict[str, Any]:
    from tariffcalc.studies.refunds import DISCLAIMER

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
        "totals": totals_document(estimate.totals),
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
                        "legal_status": legal_status(x),
                    }
                    for x in e.result.lines
                ],
                "paid": number(e.paid),
                "paid_struck_down": number(e.paid_struck),
                "flagged": e.flagged,
            }
            for e in estimate.entries
        ],
    }


def write_refund_files(
    table: RateTable, header: list[str], estimate: Estimate, output: str | None, errors: str | None
) -> None:
    """The rejected rows as CSV, the per-entry results as CSV (or .xlsx), each file whole
    or not at all."""
    from tariffcalc.files import atomic_path, atomic_text
    from tariffcalc.output.rows import ErrorsOut, write_grid_csv, write_grid_xlsx

    with ExitStack() as stack:
        if errors:
            errors_out = ErrorsOut(stack.enter_context(atomic_text(errors, "errors")))
            for item in estimate.rejected:
                errors_out.write(item)
        if output and output.lower().endswith(".xlsx"):
            path = stack.enter_context(atomic_path(output, "output"))
            write_grid_xlsx(path, refund_rows_grid(table, header, estimate.entries))
        elif output:
            out = stack.enter_context(atomic_text(output, "output"))
            write_grid_csv(out, refund_rows_grid(table, header, estimate.entries))
