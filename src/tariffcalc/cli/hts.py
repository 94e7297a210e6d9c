"""`tariffcalc hts import|status|lookup|search`: the full USITC schedule."""

from __future__ import annotations

import sys

import typer

from tariffcalc.cli.common import chosen_format, emit, rate_table, require_schedule
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    DATE,
    FORMAT,
    JSON,
    ORIGIN,
    RATES,
    SETTINGS,
)

hts_app = typer.Typer(
    help="The full HTS schedule: import the USITC export, look lines up, search them.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings=SETTINGS,
)
app.add_typer(hts_app, name="hts")


@hts_app.command("import")
def hts_import(
    file: str = typer.Argument(
        ..., metavar="FILE", help="USITC JSON export (.json or .json.gz) or CSV; '-': stdin."
    ),
    revision: str = typer.Option(
        None,
        "--revision",
        metavar="TEXT",
        help="Name of the revision (default: from the file name).",
    ),
) -> None:
    """Import the whole schedule into the user's data directory.

    Example:

      tariffcalc hts import hts_2026_rev_10.json.gz
    """
    from tariffcalc.files import read_bytes
    from tariffcalc.inputs.schedule import MAX_EXPORT_BYTES, import_schedule

    data = read_bytes(file, "file", MAX_EXPORT_BYTES)
    report = import_schedule(data, "<stdin>" if file == "-" else file, revision=revision)
    print(
        f"imported {report.lines:,} HTS lines ({report.rows:,} rows, {report.rated:,} with a rate)"
        f" of {report.revision} into {report.path} in {report.seconds:.1f} s"
    )
    for code, text in report.unparsed:
        print(f"tariffcalc: warning: {code}: rate text not understood: {text!r}", file=sys.stderr)


@hts_app.command("status")
def hts_status(output_format: str = FORMAT, as_json: bool = JSON) -> None:
    """Which schedule is active: the imported one, or the rate table's curated lines."""
    from tariffcalc.inputs.schedule import index_path, open_schedule
    from tariffcalc.output.views.hts import status_document, status_grid

    chosen = chosen_format(output_format, as_json)
    schedule = open_schedule()
    table = rate_table(None, [], [])
    emit(
        chosen,
        lambda: [status_grid(table, schedule, index_path())],
        lambda: status_document(table, schedule, index_path()),
    )


@hts_app.command("lookup")
def hts_lookup(
    code: str = typer.Argument(..., metavar="CODE", help="4 to 10 digits, with or without dots."),
    origin: str = ORIGIN,
    entry_date: str = DATE,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """A line: its description and parents, rates, sector, and the measures that apply.

    Examples:

      tariffcalc hts lookup 8703.23.01

      tariffcalc hts lookup 0901.21.00.20 --origin BR --date 2026-03-15
    """
    from tariffcalc.output.views.hts import lookup_document, lookup_grids
    from tariffcalc.studies.lookup import lookup

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, [], [])
    schedule = require_schedule()
    found = lookup(table, schedule, code, origin, entry_date)
    emit(
        chosen,
        lambda: lookup_grids(table, schedule, found),
        lambda: lookup_document(table, schedule, found),
    )


@hts_app.command("search")
def hts_search(
    words: list[str] = typer.Argument(..., metavar="WORDS...", help="Words of the description."),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="At most this many lines."),
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """Find lines by description (the words of the line and of its parents); exit 1
    when none matches, as grep.

    Example:

      tariffcalc hts search electric motors
    """
    from tariffcalc.output.views.hts import search_document, search_grid

    chosen = chosen_format(output_format, as_json)
    schedule = require_schedule()
    found = schedule.search(" ".join(words), limit)
    emit(chosen, lambda: [search_grid(schedule, found)], lambda: search_document(schedule, found))
    if not found:  # as grep: no match is exit 1 (after the empty result, for scripts)
        print(f"tariffcalc: no line matches {' '.join(words)!r}", file=sys.stderr)
        raise SystemExit(1)
