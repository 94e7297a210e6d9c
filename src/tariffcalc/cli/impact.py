"""`tariffcalc impact`: what each scenario means for a whole trade flow."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

from tariffcalc.cli.common import (
    chosen_format,
    emit,
    rate_table,
    scenario_ids,
    warn,
)
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
    RATES,
    SCENARIOS,
    SECTOR,
    SET,
)

if TYPE_CHECKING:
    pass


@app.command(epilog=EPILOG)
def impact(
    sector: str = SECTOR,
    hts: str = HTS,
    units: str = typer.Option(
        None, "--units", metavar="N", help="Units a year (with --unit-value)."
    ),
    unit_value: str = typer.Option(
        None, "--unit-value", metavar="AMOUNT", help="Customs value of one unit, USD."
    ),
    value: str = typer.Option(
        None, "--value", metavar="AMOUNT", help="The flow's value a year, USD (instead of units)."
    ),
    flows: str = typer.Option(
        None,
        "--flows",
        metavar="FILE|NAME",
        help="A YAML or CSV of flows, or a shipped one: japan-2024.",
    ),
    origin: str = ORIGIN,
    entry_date: str = DATE,
    mfn: str = MFN,
    scenario: list[str] = SCENARIOS,
    pass_through: str = typer.Option(
        "100",
        "--pass-through",
        metavar="PCT",
        help="Share of the duty increase passed to the buyer.",
    ),
    margin: str = typer.Option(
        "0", "--margin", metavar="PCT", help="The importer's markup on landed cost."
    ),
    markup_mode: str = typer.Option(
        "percent",
        "--markup-mode",
        metavar="MODE",
        help="percent: the markup keeps its %; dollars: its $ amount.",
    ),
    currency: str = typer.Option(
        None, "--currency", metavar="CODE", help="Also show amounts in this currency (with --fx)."
    ),
    fx: str = FX,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """What each scenario means for a whole trade flow, and for the price a buyer pays.

    Examples:

      tariffcalc impact --sector autos --units 1370000 --unit-value 30000

      tariffcalc impact --flows japan-2024 --currency JPY --fx 145

      tariffcalc impact --sector autos --units 1370000 --unit-value 30000 --pass-through 50
    """
    from tariffcalc.errors import InputError
    from tariffcalc.inputs.shipment import amount, parse_date
    from tariffcalc.output.views.impact import impact_document, impact_grids
    from tariffcalc.studies.impact import (
        FlowSet,
        load_flows,
        score,
        single_flow,
        totals,
    )
    from tariffcalc.studies.impact import (
        pricing as make_pricing,
    )

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, set_, add_scenario)
    if flows is not None:
        if sector or hts or units or unit_value or value:
            raise InputError("flows", "give --flows, or one flow with --sector/--hts, not both")
        flow_set = load_flows(flows)
    else:
        flow = single_flow(
            sector=sector,
            hts=hts,
            origin=origin,
            units=units,
            unit_value=unit_value,
            value=value,
            mfn=mfn,
        )
        flow_set = FlowSet("flow", f"{hts or sector} from {flow.origin}", (flow,))
    display = None
    if currency is not None:
        code = currency.strip().upper()
        if fx is None or code == "USD":
            raise InputError(
                "fx", "show another currency with --currency CODE --fx RATE (units per 1 USD)"
            )
        display = (code, amount("fx", fx, positive=True))
    day = parse_date("date", entry_date) if entry_date else date.today()
    prices = make_pricing(pass_through, margin, markup_mode.strip().lower())
    scored = score(table, flow_set.flows, day, scenario_ids(table.scenarios, scenario))
    impacts = totals(scored, prices)
    warn(w for s in scored for r in s.results for w in r.duty_warnings)
    emit(
        chosen,
        lambda: impact_grids(table, flow_set, scored, impacts, prices, display),
        lambda: impact_document(table, flow_set, scored, impacts, prices, display),
    )
