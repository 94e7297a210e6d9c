"""`tariffcalc sweep`: vary a measure's rate or the customs value over a range."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from tariffcalc.cli.common import (
    chosen_format,
    emit,
    rate_table,
    scenario_ids,
    schedule_for,
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
    RATES,
    SECTOR,
    SET,
)

if TYPE_CHECKING:
    from tariffcalc.inputs.shipment import Number
    from tariffcalc.law.domain import Shipment


@app.command(epilog=EPILOG)
def sweep(
    value: str = typer.Option(
        None, "--value", metavar="AMOUNT", help="Customs value (not with --value-from)."
    ),
    sector: str = SECTOR,
    hts: str = HTS,
    mfn: str = MFN,
    origin: str = ORIGIN,
    entry_date: str = DATE,
    scenario: str = typer.Option(
        None,
        "--scenario",
        "-s",
        metavar="ID",
        help="Scenario (default: the first in which the measure applies, else in-force).",
    ),
    measure: str = typer.Option(
        None, "--measure", metavar="ID", help="The measure whose rate varies."
    ),
    rate_from: str = typer.Option(None, "--from", metavar="PCT", help="First rate of --measure."),
    rate_to: str = typer.Option(None, "--to", metavar="PCT", help="Last rate of --measure."),
    value_from: str = typer.Option(
        None, "--value-from", metavar="AMOUNT", help="First customs value."
    ),
    value_to: str = typer.Option(None, "--value-to", metavar="AMOUNT", help="Last customs value."),
    step: str = typer.Option(
        ..., "--step", metavar="STEP", help="Step of the rate (PCT) or value."
    ),
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
) -> None:
    """Vary one input over a range: how duty and landed cost move.

    Examples:

      tariffcalc sweep --sector autos --value 30000 --measure s232-autos --from 0 --to 50 --step 5

      tariffcalc sweep --sector general --mfn 2 --value-from 1000 --value-to 250000 --step 10000
    """
    from tariffcalc.errors import InputError
    from tariffcalc.inputs.shipment import amount, rate_percent, shipment_template, with_amounts
    from tariffcalc.inputs.whatif import check_measure, with_rate
    from tariffcalc.law.engine import assess
    from tariffcalc.output.views.sweep import sweep_document, sweep_grid
    from tariffcalc.studies.timeline import scenario_applying, steps

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, set_, add_scenario)
    # Classified once; each point of a value sweep only adds its amounts.
    template = shipment_template(
        table,
        sector=sector,
        hts=hts,
        mfn=mfn,
        origin=origin,
        entry_date=entry_date,
        currency=currency,
        fx=fx,
        mode=mode,
        schedule=schedule_for(hts),
    )

    def build(customs_value: Number) -> Shipment:
        return with_amounts(
            table,
            template,
            value=customs_value,
            metal_value=metal_value,
            freight=freight,
            insurance=insurance,
        )

    if measure is not None:
        if value is None or rate_from is None or rate_to is None:
            raise InputError("measure", "a rate sweep needs --value, --from and --to")
        check_measure(table, measure, "measure")
        base = build(value)
        chosen_scenario = (
            scenario_ids(table.scenarios, [scenario])[0]
            if scenario
            else (scenario_applying(table, base, measure) or "in-force")
        )
        xs = steps(
            "step",
            rate_percent("from", rate_from),
            rate_percent("to", rate_to),
            rate_percent("step", step),
        )
        points = [(x, assess(with_rate(table, measure, x), base, chosen_scenario)) for x in xs]
        variable, shipments = measure, [base]
    else:
        if value_from is None or value_to is None or value is not None:
            raise InputError(
                "value_from", "give --measure ID --from --to, or --value-from and --value-to"
            )
        xs = steps(
            "step",
            amount("value_from", value_from, positive=True),
            amount("value_to", value_to, positive=True),
            amount("step", step),
        )
        shipments = [build(x) for x in xs]
        chosen_scenario = scenario_ids(table.scenarios, [scenario or "in-force"])[0]
        points = [(s.customs_value, assess(table, s, chosen_scenario)) for s in shipments]
        variable = "value"
    applies = any(line.measure == measure for _, r in points for line in r.lines)
    if measure is not None and not applies:
        warn(
            [
                f"{measure} does not apply to this shipment in scenario {chosen_scenario}:"
                " the sweep is flat; try --scenario"
            ]
        )
    warn(w for _, r in points for w in r.warnings)
    emit(
        chosen,
        lambda: [sweep_grid(table, shipments[0], variable, chosen_scenario, points)],
        lambda: sweep_document(table, shipments[0], variable, chosen_scenario, points),
    )
