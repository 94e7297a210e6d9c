"""What the command modules share: the rate table with its what-ifs, scenario ids,
the output format, warnings, and the rows of a file or standard input."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from tariffcalc.inputs.records import Layout, Record
    from tariffcalc.inputs.schedule import Schedule
    from tariffcalc.law.domain import RateTable, Shipment
    from tariffcalc.output.render import Grid


def records_of(file: str, delimiter: str | None = None) -> tuple[Layout, Iterator[Record]]:
    """The layout and records of a file of rows (see `read_source`)."""
    layout, records, _ = read_source(file, delimiter)
    return layout, records


def read_source(
    file: str, delimiter: str | None = None
) -> tuple[Layout, Iterator[Record], Callable[[], float] | None]:
    """The layout and records of a file of rows ('-': stdin; an .xlsx workbook's first
    sheet), for batch and refunds, and the share of the file read so far when it can be
    known (a regular file); `delimiter` as --delimiter names it, else detected."""
    from tariffcalc.files import open_text
    from tariffcalc.inputs.records import delimiter_named, read_records, read_workbook

    chosen = delimiter_named(delimiter) if delimiter else None
    if file.lower().endswith(".xlsx"):
        return (*read_workbook(file, chosen or ","), None)
    stream = open_text(file, "file")
    name = "<stdin>" if file == "-" else file
    share = None if file == "-" else _share_read(stream.buffer)
    return (*read_records(stream, name, chosen), share)


def _share_read(raw: Any) -> Callable[[], float] | None:
    """Bytes read over the file's size, for a progress display; None for a pipe."""
    import os
    import stat

    try:
        status = os.fstat(raw.fileno())
    except (OSError, ValueError):  # no descriptor behind it
        return None
    if not stat.S_ISREG(status.st_mode) or not status.st_size:
        return None
    return lambda: min(raw.tell() / status.st_size, 1.0)


def require_schedule() -> Schedule:
    from tariffcalc.errors import InputError
    from tariffcalc.inputs.schedule import index_path, open_schedule

    schedule = open_schedule()
    if schedule is None:
        raise InputError(
            "hts", f"no schedule imported yet ({index_path()}); run `tariffcalc hts import FILE`"
        )
    return schedule


def chosen_format(output_format: str, as_json: bool) -> str:
    from tariffcalc.errors import suggest
    from tariffcalc.output.render import FORMATS

    chosen = "json" if as_json else output_format.strip().lower()
    if chosen not in FORMATS:
        raise typer.BadParameter(
            f"expected one of {', '.join(FORMATS)}{suggest(chosen, list(FORMATS))}",
            param_hint="'--format'",
        )
    return chosen


def emit(chosen: str, grids: Callable[[], list[Grid]], document: Callable[[], Any]) -> None:
    """Build only what the chosen format needs, then write it in one go."""
    from tariffcalc.output.render import write, write_json

    if chosen == "json":
        write_json(sys.stdout, document())
    else:
        write(sys.stdout, grids(), chosen)


def template_for(table: RateTable, hts: str | None, **fields: Any) -> Shipment:
    """`shipment_template` of the options, an HTS code looked up in the imported schedule."""
    from tariffcalc.inputs.shipment import shipment_template

    return shipment_template(table, hts=hts, schedule=schedule_for(hts), **fields)


def schedule_for(hts: str | None) -> Schedule | None:
    """The imported HTS schedule, when an HTS code is asked for and one was imported."""
    if hts is None:
        return None
    from tariffcalc.inputs.schedule import open_schedule

    return open_schedule()


def plot_to(plot: str | None, draw: Callable[[ModuleType], None]) -> None:
    """When --plot was given, draw a chart of `output.charts` (imported only then) into it."""
    if plot:
        from tariffcalc.output import charts

        draw(charts)
        print(f"tariffcalc: chart written to {plot}", file=sys.stderr)


def warn(warnings: Any) -> None:
    for warning in dict.fromkeys(warnings):
        print(f"tariffcalc: warning: {warning}", file=sys.stderr)


def scenario_ids(known: Mapping[str, object], wanted: list[str] | None) -> list[str]:
    """For batch, which checks its scenario ids itself: the studies' check."""
    from tariffcalc.studies.duty import scenario_ids as checked

    return checked(known, wanted)


def rate_table(
    rates: str | None, settings: list[str] | None, additions: list[str] | None
) -> RateTable:
    table = load_rates(rates)
    if settings:
        from tariffcalc.inputs.whatif import with_overrides

        table = with_overrides(table, settings)
    for definition in additions or []:
        from tariffcalc.inputs.whatif import with_scenario

        table = with_scenario(table, definition)
    return table


def load_rates(rates: str | None) -> RateTable:
    from tariffcalc.law.ratetable import load_table, parse_table, read_bounded

    if rates == "-":
        return parse_table(read_bounded(sys.stdin.buffer.read, "<stdin>"), "<stdin>")
    return load_table(rates or None)
