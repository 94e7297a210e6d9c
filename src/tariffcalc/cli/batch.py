"""`tariffcalc batch`: score a file of shipments under every scenario."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tariffcalc.cli.common import (
    auto_jobs,
    make_scorer,
    progress_bar,
    rate_table,
    records_of,
    row_defaults,
    say_rejected,
    scenario_ids,
    scratch_file,
    write_summary,
)
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    ADD_SCENARIO,
    CURRENCY,
    DATE,
    EPILOG,
    FX,
    MFN,
    MODE,
    ORIGIN,
    RATES,
    SCENARIOS,
    SET,
)

if TYPE_CHECKING:
    pass


@app.command(
    epilog=EPILOG + "  Batch exit status: 3 when some rows were rejected (the rest is written)."
)
def batch(
    file: str = typer.Argument(
        ..., metavar="FILE", help="CSV (comma or tab) or JSON Lines; '-': stdin."
    ),
    output: str = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write here (atomically) instead of stdout."
    ),
    output_format: str = typer.Option(
        "csv", "--format", "-f", metavar="FORMAT", help="csv, jsonl or parquet (needs pyarrow)."
    ),
    errors: str = typer.Option(
        None, "--errors", metavar="FILE", help="Rejected rows as CSV: line, id, field, reason."
    ),
    summary_file: str = typer.Option(
        None, "--summary", metavar="FILE", help="The summary as JSON (else on stderr)."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Any bad row is an error: exit 1, write nothing."
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
    scenario: list[str] = SCENARIOS,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
    progress: bool = typer.Option(
        True, "--progress/--no-progress", help="A progress bar on a terminal."
    ),
    jobs: int = typer.Option(
        0,
        "--jobs",
        "-j",
        min=0,
        max=64,
        metavar="N",
        help="Worker processes (default: one per core, up to 4, for files over 8 MB; else 1).",
    ),
) -> None:
    """Score a whole file of shipments under every scenario, with totals.

    Columns (any case; aliases accepted): value (required), hts or sector, origin,
    entry_date, mfn, metal_value, freight, insurance, mode, quantity, unit,
    currency, fx, and an id (id, sku, line) echoed back; other columns pass
    through. Flexport's bulk-upload layout (SKU, US HTS Code, Value USD, Origin
    Country, Entry Date) is read as it is. Missing columns take the options'
    values. Text cells starting with = + - @ are written with a leading ' in CSV
    output, so a spreadsheet does not run them.

    Examples:

      tariffcalc batch shipments.csv -o scored.csv --errors rejected.csv

      cat lines.jsonl | tariffcalc batch - --format jsonl | jq .scenarios
    """
    from tariffcalc.errors import InputError
    from tariffcalc.inputs.files import atomic_path, atomic_text
    from tariffcalc.output import rows
    from tariffcalc.studies import batch as scoring

    chosen = output_format.strip().lower()
    if chosen not in ("csv", "jsonl", "parquet"):
        raise typer.BadParameter("expected csv, jsonl or parquet", param_hint="'--format'")
    if chosen == "parquet" and output is None:
        raise InputError("output", "parquet is written to a file: give -o FILE")
    if output is not None and file != "-" and Path(output).resolve() == Path(file).resolve():
        raise InputError("output", "must not be the input file")
    table = rate_table(rates, set_, add_scenario)
    scenarios = scenario_ids(table.scenarios, scenario)
    defaults = row_defaults(origin, entry_date, currency, fx, mode, sector, mfn)
    scorer = make_scorer(table, scenarios, defaults)
    layout, records = records_of(file)
    header = layout.header
    reported = [0]

    def report(rejected: scoring.Rejected) -> None:
        reported[0] += 1
        if reported[0] <= 20:
            say_rejected(rejected)

    with ExitStack() as stack:
        errors_out = (
            rows.ErrorsOut(stack.enter_context(atomic_text(Path(errors)))) if errors else None
        )

        def rejected(item: scoring.Rejected) -> None:
            report(item)
            if errors_out is not None:
                errors_out.write(item)

        # A file output appears whole or not at all; --strict output to stdout waits
        # in a temporary file until every row is known to be good.
        target = None
        if output is not None:
            target = stack.enter_context(atomic_path(Path(output)))
        elif strict:
            target = stack.enter_context(scratch_file())
        if chosen == "parquet":
            writer: Any = rows.ParquetOut(str(target), header, scenarios)
            out = None
        else:
            out = (
                stack.enter_context(target.open("w", encoding="utf-8", newline=""))
                if target
                else sys.stdout
            )
            writer = (rows.CsvOut if chosen == "csv" else rows.JsonlOut)(out, header, scenarios)
        with progress_bar(progress) as tick:
            summary = scoring.score_file(
                layout, records, scorer, writer, rejected, tick, jobs or auto_jobs(file)
            )
        if strict and summary.rejected:
            raise InputError(
                "strict", f"{summary.rejected:,} of {summary.read:,} rows rejected; nothing written"
            )
        if output is None and target is not None and out is not None:
            out.flush()
            sys.stdout.write(target.read_text(encoding="utf-8"))
    if reported[0] > 20:
        more = f" (all in {errors})" if errors else " (--errors FILE lists them)"
        print(f"tariffcalc: ... and {reported[0] - 20:,} more rejected rows{more}", file=sys.stderr)
    write_summary(summary, summary_file)
    if summary.rejected:
        raise SystemExit(3)
