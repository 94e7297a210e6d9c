"""`tariffcalc sweep`: vary a measure's rate or the customs value over a range."""

from __future__ import annotations

import typer

from tariffcalc.cli import complete
from tariffcalc.cli.common import (
    chosen_format,
    emit,
    plot_to,
    rate_table,
    template_for,
    warn,
)
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    ADD_SCENARIO,
    CURRENCY,
    DATE,
    EPILOG,
    FORMAT,
    FREIGHT,
    FX,
    HTS,
    INSURANCE,
    JSON,
    METAL,
    MFN,
    MODE,
    ORIGIN,
    PLOT,
    RATES,
    SECTOR,
    SET,
)

SWEEP_VALUE = typer.Option(
    None, "--value", metavar="AMOUNT", help="Customs value (not with --value-from)."
)
SWEEP_SCENARIO = typer.Option(
    None,
    "--scenario",
    "-s",
    metavar="ID",
    help="Scenario (default: the first in which the measure applies, else in-force).",
)
MEASURE = typer.Option(
    None,
    "--measure",
    metavar="ID",
    help="The measure whose rate varies.",
    autocompletion=complete.measures,
)
RATE_FROM = typer.Option(None, "--from", metavar="PCT", help="First rate of --measure.")
RATE_TO = typer.Option(None, "--to", metavar="PCT", help="Last rate of --measure.")
VALUE_FROM = typer.Option(None, "--value-from", metavar="AMOUNT", help="First customs value.")
VALUE_TO = typer.Option(None, "--value-to", metavar="AMOUNT", help="Last customs value.")
STEP = typer.Option(..., "--step", metavar="STEP", help="Step of the rate (PCT) or value.")


SWEEP_HELP = """Vary one input over a range: how duty and landed cost move.

Examples:

  tariffcalc sweep --sector autos --value 30000 --measure s232-autos --from 0 --to 50 --step 5

  tariffcalc sweep --sector general --mfn 2 --value-from 1000 --value-to 250000 --step 10000
"""


@app.command(help=SWEEP_HELP, epilog=EPILOG)
def sweep(
    value: str = SWEEP_VALUE,
    sector: str = SECTOR,
    hts: str = HTS,
    mfn: str = MFN,
    origin: str = ORIGIN,
    entry_date: str = DATE,
    scenario: str = SWEEP_SCENARIO,
    measure: str = MEASURE,
    rate_from: str = RATE_FROM,
    rate_to: str = RATE_TO,
    value_from: str = VALUE_FROM,
    value_to: str = VALUE_TO,
    step: str = STEP,
    currency: str = CURRENCY,
    fx: str = FX,
    metal_value: str = METAL,
    freight: str = FREIGHT,
    insurance: str = INSURANCE,
    mode: str = MODE,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
    plot: str | None = PLOT,
) -> None:
    from tariffcalc.output.views.sweep import sweep_document, sweep_grid
    from tariffcalc.studies.sweep import sweep as run

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, set_, add_scenario)
    found = run(
        table,
        template_for(
            table,
            hts,
            sector=sector,
            mfn=mfn,
            origin=origin,
            entry_date=entry_date,
            currency=currency,
            fx=fx,
            mode=mode,
        ),
        step=step,
        measure=measure,
        value=value,
        rates=(rate_from, rate_to),
        values=(value_from, value_to),
        scenario=scenario,
        metal_value=metal_value,
        freight=freight,
        insurance=insurance,
    )
    warn(found.warnings)
    emit(chosen, lambda: [sweep_grid(table, found)], lambda: sweep_document(table, found))
    plot_to(plot, lambda charts: charts.sweep_chart(plot, found))
