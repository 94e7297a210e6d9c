"""`tariffcalc refunds`: what each entry paid under a struck-down legal basis."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from tariffcalc.cli.common import chosen_format, emit, rate_table, records_of
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    CURRENCY,
    DATE,
    DATE_FORMAT,
    DELIMITER,
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
    from tariffcalc.studies.refunds import Estimate, Refunds

ENTRIES = typer.Argument(
    ..., metavar="ENTRIES", help="CSV, JSON Lines or .xlsx of entries; '-': stdin."
)
OUTPUT = typer.Option(
    None, "--output", "-o", metavar="FILE", help="Per-entry results as CSV, or .xlsx (atomically)."
)
ERRORS = typer.Option(None, "--errors", metavar="FILE", help="Rejected rows as CSV.")
TOLERANCE = typer.Option(
    "1",
    "--tolerance",
    metavar="USD",
    help="Flag entries whose paid and computed duty differ by more.",
)
ROWS_SECTOR = typer.Option(
    None, "--sector", metavar="SECTOR", help="Sector of rows with neither hts nor sector."
)


@app.command(epilog=EPILOG + "  Exit status 3: some rows were rejected (the rest is reported).")
def refunds(
    file: str = ENTRIES,
    output: str = OUTPUT,
    errors: str = ERRORS,
    tolerance: str = TOLERANCE,
    origin: str = ORIGIN,
    entry_date: str = DATE,
    date_format: str = DATE_FORMAT,
    delimiter: str = DELIMITER,
    sector: str = ROWS_SECTOR,
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
    from tariffcalc.errors import Exit, InputError
    from tariffcalc.files import check_outputs
    from tariffcalc.inputs.records import fields_of, rows_of
    from tariffcalc.inputs.shipment import amount
    from tariffcalc.studies.batch import make_scorer, row_defaults
    from tariffcalc.studies.refunds import Refunds, paid_columns

    check_outputs(file, {"output": output, "errors": errors})
    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, [], [])
    defaults = row_defaults(origin, entry_date, currency, fx, mode, sector, mfn, date_format)
    scorer = make_scorer(table, [], defaults)
    layout, records = records_of(file, delimiter)
    if entry_date is None and "entry_date" not in fields_of(layout):
        raise InputError(
            "file",
            f"{file}: no entry_date column, and the law (what is refundable) depends on"
            " each entry's date: add the column, or give --date for them all",
        )
    work = Refunds(table, scorer, paid_columns(layout.header), amount("tolerance", tolerance))
    estimate = work.estimate(rows_of(layout, records))
    _emit(chosen, work, layout.header, estimate, output, errors)
    if estimate.rejected:
        raise SystemExit(Exit.REJECTED_ROWS)


def _emit(
    chosen: str,
    work: Refunds,
    header: list[str],
    estimate: Estimate,
    output: str | None,
    errors: str | None,
) -> None:
    """The first rejected rows on stderr, the files asked for, the report, the disclaimer
    (on stderr only when the report has no room for it)."""
    from tariffcalc.output.rows import SHOWN_REJECTED, say_rejected
    from tariffcalc.output.views.refunds import (
        refund_document,
        refund_grids,
        refund_rows_grid,
        write_refund_files,
    )
    from tariffcalc.studies.refunds import DISCLAIMER

    for item in estimate.rejected[:SHOWN_REJECTED]:
        say_rejected(item)
    if estimate.repeated:
        lines = ", ".join(map(str, estimate.repeated[:10])) + (
            ", ..." if len(estimate.repeated) > 10 else ""
        )
        print(
            f"tariffcalc: warning: {len(estimate.repeated):,} rows repeat an earlier row cell for"
            f" cell (lines {lines}); each is counted: remove them if they are the same entry",
            file=sys.stderr,
        )
    table = work.table
    write_refund_files(table, header, estimate, output, errors)
    if chosen == "csv":  # the other formats carry it on stdout: said once
        print(f"tariffcalc: note: {DISCLAIMER}", file=sys.stderr)
    emit(
        chosen,
        lambda: (
            refund_grids(table, estimate, work)
            if chosen != "csv"
            else [refund_rows_grid(table, header, estimate.entries)]
        ),
        lambda: refund_document(table, estimate, work),
    )
