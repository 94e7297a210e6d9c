"""`tariffcalc rates list|show|validate|export`: the rate table the numbers come from."""

from __future__ import annotations

import sys

import typer

from tariffcalc.cli.common import chosen_format, emit, load_rates, rate_table
from tariffcalc.cli.main import app
from tariffcalc.cli.options import FORMAT, JSON, RATES, SETTINGS

rates_app = typer.Typer(
    help="See and check the rate table the numbers come from.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings=SETTINGS,
)
app.add_typer(rates_app, name="rates")


ORIGIN = typer.Option(
    None,
    "--origin",
    metavar="COUNTRY",
    help="Only the measures that reach goods of this origin (ISO code or name).",
)


@rates_app.command("list")
def rates_list(
    origin: str = ORIGIN, rates: str = RATES, output_format: str = FORMAT, as_json: bool = JSON
) -> None:
    """Measures (id, rate, kind, dates, authority, confidence), scenarios and HTS lists.

    Example: tariffcalc rates list --origin CN"""
    from tariffcalc.output.views.rates import (
        lists_grid,
        measures_grid,
        scenarios_grid,
        table_document,
    )
    from tariffcalc.studies.lookup import origin_table

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, [], [])
    if origin is not None:
        table = origin_table(table, origin)
    emit(
        chosen,
        lambda: [measures_grid(table), scenarios_grid(table), lists_grid(table)],
        lambda: table_document(table),
    )


@rates_app.command("show")
def rates_show(
    item: str = typer.Argument(..., metavar="ID", help="A measure, scenario, sector or list id."),
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """One measure, scenario, sector or HTS list in full, with its source (a list's
    entries with --json)."""
    from tariffcalc.output.views.rates import item_document, item_grid

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, [], [])
    emit(chosen, lambda: [item_grid(table, item)], lambda: item_document(table, item))


@rates_app.command("validate")
def rates_validate(
    file: str = typer.Argument(..., metavar="FILE", help="The rate table to check ('-': stdin)."),
) -> None:
    """Check a rate table: every problem with its path in the file; exit 1 if any."""
    table = load_rates(file)
    print(
        f"{file}: ok: {len(table.measures)} measures, {len(table.scenarios)} scenarios,"
        f" {len(table.sectors)} sectors, {len(table.hts)} HTS lines"
    )


@rates_app.command("export")
def rates_export(rates: str = RATES) -> None:
    """The whole table as JSON, for other tools."""
    from tariffcalc.output.render import write_json
    from tariffcalc.output.views.rates import table_document

    write_json(sys.stdout, table_document(rate_table(rates, [], [])))
