"""`tariffcalc timeline`: the dated history of what applied to a shipment."""

from __future__ import annotations

import typer

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
    CLAIM,
    CURRENCY,
    EPILOG,
    FORMAT,
    FX,
    HTS,
    JSON,
    METAL,
    MFN,
    ORIGIN,
    PLOT,
    RATES,
    SECTOR,
    SET,
)

TIMELINE_VALUE = typer.Option(
    None, "--value", metavar="AMOUNT", help="Customs value: adds the duty of each period."
)


@app.command(epilog=EPILOG)
def timeline(
    value: str = TIMELINE_VALUE,
    sector: str = SECTOR,
    hts: str = HTS,
    mfn: str = MFN,
    origin: str = ORIGIN,
    metal_value: str = METAL,
    currency: str = CURRENCY,
    fx: str = FX,
    set_: list[str] = SET,
    claim: list[str] = CLAIM,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
    plot: str | None = PLOT,
) -> None:
    """The dated history of what applied to a sector or HTS code from an origin.

    Each period: its first and last day, the measures in force, the effective
    rate and, with --value, the duty. It agrees with
    `duty --scenario in-force --date D` for every day D.

    Examples:

      tariffcalc timeline --sector autos --value 30000

      tariffcalc timeline --sector steel --origin GB --format csv

      tariffcalc timeline --sector autos --value 30000 --plot autos.png
    """
    from tariffcalc.output.views.timeline import timeline_document, timeline_grid
    from tariffcalc.studies.timeline import history, scenario_steps

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, set_, [])
    template = template_for(
        table,
        hts,
        sector=sector,
        mfn=mfn,
        origin=origin,
        currency=currency,
        fx=fx,
        claims=claim or (),
    )
    found = history(table, template, value=value, metal_value=metal_value)
    warn(found.warnings)
    emit(chosen, lambda: [timeline_grid(table, found)], lambda: timeline_document(table, found))
    plot_to(plot, lambda charts: charts.timeline_chart(plot, found, scenario_steps(table, found)))
