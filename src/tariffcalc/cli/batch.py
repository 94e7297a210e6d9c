"""`tariffcalc batch`: score a file of shipments under every scenario."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import typer

from tariffcalc.cli.common import rate_table, read_source, scenario_ids
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    ADD_SCENARIO,
    CURRENCY,
    DATE,
    DATE_FORMAT,
    DELIMITER,
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
    from collections.abc import Callable

    from tariffcalc.inputs.records import Layout
    from tariffcalc.studies.batch import Columnar, Scorer

FILE = typer.Argument(
    ..., metavar="FILE", help="CSV (comma, semicolon or tab), JSON Lines or .xlsx; '-': stdin."
)
OUTPUT = typer.Option(
    None, "--output", "-o", metavar="FILE", help="Write here (atomically) instead of stdout."
)
ROWS_FORMAT = typer.Option(
    None,
    "--format",
    "-f",
    metavar="FORMAT",
    help="csv, jsonl, parquet (needs pyarrow) or xlsx (needs openpyxl); default: from -o's"
    " suffix, else csv.",
)
ERRORS = typer.Option(
    None, "--errors", metavar="FILE", help="Rejected rows as CSV: line, id, field, reason."
)
SUMMARY = typer.Option(
    None, "--summary", metavar="FILE", help="The summary as JSON (else on stderr)."
)
STRICT = typer.Option(False, "--strict", help="Any bad row is an error: exit 1, write nothing.")
ROWS_SECTOR = typer.Option(
    None, "--sector", metavar="SECTOR", help="Sector of rows with neither hts nor sector."
)
ENGINE = typer.Option(
    "auto",
    "--engine",
    metavar="ENGINE",
    help="auto (columnar when it can read the file, unless --jobs asks for workers),"
    " columnar (DuckDB: a CSV file in, csv out; needs tariffcalc[columnar]) or rows (row by"
    " row, with --jobs).",
)
PROGRESS = typer.Option(True, "--progress/--no-progress", help="A progress bar on a terminal.")
JOBS = typer.Option(
    0,
    "--jobs",
    "-j",
    min=0,
    max=64,
    metavar="N",
    help="Worker processes of the row engine (default: one per core, up to 4, for files"
    " over 8 MB; else 1).",
)


@app.command(
    epilog=EPILOG + "  Batch exit status: 3 when some rows were rejected (the rest is written)."
)
def batch(
    file: str = FILE,
    output: str = OUTPUT,
    output_format: str | None = ROWS_FORMAT,
    errors: str = ERRORS,
    summary_file: str = SUMMARY,
    strict: bool = STRICT,
    origin: str = ORIGIN,
    entry_date: str = DATE,
    date_format: str = DATE_FORMAT,
    delimiter: str = DELIMITER,
    sector: str = ROWS_SECTOR,
    mfn: str = MFN,
    currency: str = CURRENCY,
    fx: str = FX,
    mode: str = MODE,
    scenario: list[str] = SCENARIOS,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
    progress: bool = PROGRESS,
    jobs: int = JOBS,
    engine: str = ENGINE,
) -> None:
    """Score a whole file of shipments under every scenario, with totals.

    Columns (any case; aliases accepted): value (required), hts or sector, origin,
    entry_date, mfn, metal_value, us_content, freight, insurance, mode, quantity, unit,
    currency, fx, and an id (id, sku, line) echoed back; other columns pass
    through; two columns for one field (date and entry_date) are refused, and a
    row with more cells than the header is rejected. Flexport's bulk-upload layout
    (SKU, US HTS Code, Value USD, Origin Country, Entry Date) is read as it is.
    Missing columns take the options' values. Text cells starting with = + - @
    are written with a leading ' in CSV output, so a spreadsheet does not run them.
    With tariffcalc[columnar], DuckDB scores a CSV file (--engine): the same output.

    Examples:

      tariffcalc batch shipments.csv -o scored.csv --errors rejected.csv

      cat lines.jsonl | tariffcalc batch - --format jsonl | jq .scenarios
    """
    from tariffcalc.errors import Exit
    from tariffcalc.output.rows import BatchTargets, write_batch
    from tariffcalc.studies.batch import make_scorer, row_defaults

    targets = BatchTargets(output, _format(output_format, output), errors, summary_file, strict)
    targets.check(file)
    table = rate_table(rates, set_, add_scenario)
    scenarios = scenario_ids(table.scenarios, scenario)
    defaults = row_defaults(origin, entry_date, currency, fx, mode, sector, mfn, date_format)
    scorer = make_scorer(table, scenarios, defaults)
    layout, records, share = read_source(file, delimiter)
    jobs, share = _engine(scorer, engine, file, layout, targets.format, jobs, share)
    summary = write_batch(
        layout, records, scorer, targets, jobs=jobs, progress=progress, share_read=share
    )
    if summary.rejected:
        raise SystemExit(Exit.REJECTED_ROWS)


def _format(output_format: str | None, output: str | None) -> str:
    """--format, else the output file's suffix when it names a format, else CSV."""
    from tariffcalc.output.rows import FORMATS

    if output_format is None:
        suffix = os.path.splitext(output or "")[1].lower().lstrip(".")
        return suffix if suffix in FORMATS else "csv"
    chosen = output_format.strip().lower()
    if chosen not in FORMATS:
        raise typer.BadParameter("expected csv, jsonl, parquet or xlsx", param_hint="'--format'")
    return chosen


def _engine(
    scorer: Scorer,
    engine: str,
    file: str,
    layout: Layout,
    output_format: str,
    jobs: int,
    share: Callable[[], float] | None,
) -> tuple[int, Callable[[], float] | None]:
    """The scorer's columnar source, when DuckDB is to read the file; the worker processes
    and the share of the file read (for the progress display) of the engine chosen."""
    scorer.columnar = _columnar(engine, file, layout, output_format, jobs)
    if scorer.columnar is not None:  # DuckDB reads the file, not `read_source`'s stream
        return 1, scorer.columnar.share_read
    return jobs or auto_jobs(file), share


def _columnar(
    engine: str, file: str, layout: Layout, output_format: str, jobs: int
) -> Columnar | None:
    """The file for the columnar engine to read, if it is to (see `studies/columnar.py`):
    with --engine auto, unless worker processes were asked for (--jobs 2 or more)."""
    from tariffcalc.errors import InputError
    from tariffcalc.studies.columnar import columnar_source, has_duckdb

    chosen = engine.strip().lower()
    if chosen not in ("auto", "columnar", "rows"):
        raise typer.BadParameter("expected auto, columnar or rows", param_hint="'--engine'")
    if chosen == "rows" or (chosen == "auto" and (jobs > 1 or not has_duckdb())):
        return None
    source = columnar_source(file, layout) if output_format == "csv" else None
    if source is None and chosen == "columnar":
        raise InputError(
            "engine",
            "the columnar engine reads a CSV file (not stdin or JSON Lines) of UTF-8 text"
            " without a BOM, double quotes, lone carriage returns, lines over 1 MB or any of"
            " *?[]{} in its name, and writes csv: use --engine rows",
        )
    return source


def auto_jobs(file: str) -> int:
    """Worker processes pay for themselves on large files only."""
    if file == "-" or os.path.getsize(file) < 8 * 1024 * 1024:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))
