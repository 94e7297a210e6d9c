"""`tariffcalc impact`: what each scenario means for a whole trade flow."""

from __future__ import annotations

from datetime import date

import typer

from tariffcalc.cli.common import chosen_format, emit, plot_to, rate_table, warn
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    ADD_SCENARIO,
    DATE,
    EPILOG,
    FORMAT,
    FX,
    HTS,
    JSON,
    MFN,
    ORIGIN,
    PLOT,
    RATES,
    SCENARIOS,
    SECTOR,
    SET,
)

UNITS = typer.Option(None, "--units", metavar="N", help="Units a year (with --unit-value).")
UNIT_VALUE = typer.Option(
    None, "--unit-value", metavar="AMOUNT", help="Customs value of one unit, USD."
)
FLOW_VALUE = typer.Option(
    None, "--value", metavar="AMOUNT", help="The flow's value a year, USD (instead of units)."
)
FLOWS = typer.Option(
    None,
    "--flows",
    metavar="FILE|NAME",
    help="A YAML or CSV of flows ('-': stdin), or a shipped one: japan-2024.",
)
PASS_THROUGH = typer.Option(
    "100",
    "--pass-through",
    metavar="PCT",
    help="Share of the duty increase passed to the buyer.",
)
MARGIN = typer.Option("0", "--margin", metavar="PCT", help="The importer's markup on landed cost.")
MARKUP_MODE = typer.Option(
    "percent",
    "--markup-mode",
    metavar="MODE",
    help="percent: the markup keeps its %; dollars: its $ amount.",
)
SHOWN_CURRENCY = typer.Option(
    None, "--currency", metavar="CODE", help="Also show amounts in this currency (with --fx)."
)


IMPACT_HELP = """What each scenario means for a whole trade flow, and for the price a buyer pays.

Examples:

  tariffcalc impact --sector autos --units 1370000 --unit-value 30000

  tariffcalc impact --flows japan-2024 --currency JPY --fx 145

  tariffcalc impact --sector autos --units 1370000 --unit-value 30000 --pass-through 50
"""


@app.command(help=IMPACT_HELP, epilog=EPILOG)
def impact(
    sector: str = SECTOR,
    hts: str = HTS,
    units: str = UNITS,
    unit_value: str = UNIT_VALUE,
    value: str = FLOW_VALUE,
    flows: str = FLOWS,
    origin: str = ORIGIN,
    entry_date: str = DATE,
    mfn: str = MFN,
    scenario: list[str] = SCENARIOS,
    pass_through: str = PASS_THROUGH,
    margin: str = MARGIN,
    markup_mode: str = MARKUP_MODE,
    currency: str = SHOWN_CURRENCY,
    fx: str = FX,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
    plot: str | None = PLOT,
) -> None:
    from tariffcalc.inputs.flows import chosen_flows
    from tariffcalc.inputs.shipment import parse_date
    from tariffcalc.output.views.impact import impact_document, impact_grids
    from tariffcalc.studies.impact import by_sector, display_currency, pricing
    from tariffcalc.studies.impact import impact as run

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, set_, add_scenario)
    flow_set = chosen_flows(
        flows,
        sector=sector,
        hts=hts,
        origin=origin,
        units=units,
        unit_value=unit_value,
        value=value,
        mfn=mfn,
    )
    display = display_currency(currency, fx)
    day = parse_date("date", entry_date) if entry_date else date.today()
    prices = pricing(pass_through, margin, markup_mode.strip().lower())
    found = run(table, flow_set, day, scenario, prices)
    warn(found.warnings)
    emit(
        chosen,
        lambda: impact_grids(table, found, display),
        lambda: impact_document(table, found, display),
    )
    plot_to(plot, lambda charts: charts.impact_chart(plot, found, by_sector(found.scored)))
