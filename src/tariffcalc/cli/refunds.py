"""`tariffcalc refunds`: what each entry paid under a struck-down legal basis."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tariffcalc.cli.common import (
    chosen_format,
    emit,
    make_scorer,
    rate_table,
    records_of,
    row_defaults,
    say_rejected,
)
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    CURRENCY,
    DATE,
    EPILOG,
    FORMAT,
    FX,
    JSON,
    MFN,
    MODE,
    ORIGIN,
    RATES,
)

if TYPE_CHECKING:
    pass


@app.command(epilog=EPILOG + "  Exit status 3: some rows were rejected (the rest is reported).")
def refunds(
    file: str = typer.Argument(
        ..., metavar="ENTRIES", help="CSV or JSON Lines of entries; '-': stdin."
    ),
    output: str = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Per-entry results as CSV (atomically)."
    ),
    errors: str = typer.Option(None, "--errors", metavar="FILE", help="Rejected rows as CSV."),
    tolerance: str = typer.Option(
        "1",
        "--tolerance",
        metavar="USD",
        help="Flag entries whose paid and computed duty differ by more.",
    ),
    origin: str = ORIGIN,
    entry_date: str = DATE,
    sector: str = typer.Option(
        None, "--sector", metavar="SECTOR", help="Sector of rows with neither hts nor sector."
    ),
    mfn: str = MFN,
    currency: str = CURRENCY,
    fx: str = FX,
    mode: str = MODE,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """What each entry paid under IEEPA, which the Supreme Court struck down: the refund estimate.

    Columns as for batch, plus entry_number and, optionally, the duty paid: a
    total (duty_paid) or per Chapter 99 heading (a column named 9903.02.73, as in
    a broker's entry-summary export). Paid and computed are compared, and
    entries that differ by more than --tolerance are flagged.

    An estimate, not legal advice or a filing: how refunds are claimed is decided
    by the courts and CBP.

    Examples:

      tariffcalc refunds entries.csv

      tariffcalc refunds entries.csv -o refunds.csv --format csv
    """
    from tariffcalc.inputs.files import atomic_text
    from tariffcalc.inputs.records import rows_of
    from tariffcalc.inputs.shipment import amount
    from tariffcalc.output.render import write_csv
    from tariffcalc.output.rows import ErrorsOut
    from tariffcalc.output.views.refunds import refund_document, refund_grids, refund_rows_grid
    from tariffcalc.studies import batch as scoring
    from tariffcalc.studies import refunds as claims

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, [], [])
    defaults = row_defaults(origin, entry_date, currency, fx, mode, sector, mfn)
    scorer = make_scorer(table, [], defaults)
    layout, records = records_of(file)
    paid = claims.paid_columns(layout.header)
    work = claims.Refunds(table, scorer, paid, amount("tolerance", tolerance))
    totals = claims.Totals()
    entries: list[claims.Entry] = []
    rejected: list[scoring.Rejected] = []
    rows = rows_of(layout, records)
    for item in work.entries(rows):
        if isinstance(item, scoring.Rejected):
            rejected.append(item)
            totals.rejected += 1
            continue
        entries.append(item)
        totals.add(item)
    for item in rejected[:20]:
        say_rejected(item)
    with ExitStack() as stack:
        if errors:
            errors_out = ErrorsOut(stack.enter_context(atomic_text(Path(errors))))
            for item in rejected:
                errors_out.write(item)
        if output:
            out = stack.enter_context(atomic_text(Path(output)))
            write_csv(out, [refund_rows_grid(table, layout.header, entries)])
    print(f"tariffcalc: note: {claims.DISCLAIMER}", file=sys.stderr)
    emit(
        chosen,
        lambda: (
            refund_grids(table, entries, totals, work)
            if chosen != "csv"
            else [refund_rows_grid(table, layout.header, entries)]
        ),
        lambda: refund_document(table, layout.header, entries, totals, work),
    )
    if rejected:
        raise SystemExit(3)
