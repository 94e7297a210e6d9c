"""`tariffcalc duty`: the main job, one shipment under every scenario."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from tariffcalc.cli.common import chosen_format, emit, rate_table, schedule_for, warn
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    ADD_SCENARIO,
    CLAIM,
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
    QUANTITY,
    RATES,
    SCENARIOS,
    SECTOR,
    SET,
    UNIT,
    US_CONTENT,
    VALUE,
)

STRICT = typer.Option(
    False, "--strict", help="Refuse an origin the rate table covers only in part."
)
if TYPE_CHECKING:
    from tariffcalc.law.domain import RateTable
    from tariffcalc.studies.duty import Duty

EXPLAIN = typer.Option(
    False, "--explain", help="Every duty line with its authority, and what was not applied."
)


DUTY_HELP = """Duty, fees and landed cost of one shipment under every scenario.

Examples:

  tariffcalc duty --sector autos --value 30000

  tariffcalc duty --hts 8703.23.01 --value 30000 --date 2025-10-01 --json

  tariffcalc duty --sector autos --value 30000 --set s232-autos=15 --explain

  tariffcalc duty --sector general --mfn 3.7 --value 4350000 --currency JPY --fx 145

  tariffcalc duty --hts 8501.52.40 --value 10000 --origin CN --date 2025-06-01
"""


@app.command(help=DUTY_HELP, epilog=EPILOG)
def duty(
    value: str = VALUE,
    sector: str = SECTOR,
    hts: str = HTS,
    mfn: str = MFN,
    origin: str = ORIGIN,
    entry_date: str = DATE,
    scenario: list[str] = SCENARIOS,
    currency: str = CURRENCY,
    fx: str = FX,
    metal_value: str = METAL,
    us_content: str = US_CONTENT,
    freight: str = FREIGHT,
    insurance: str = INSURANCE,
    mode: str = MODE,
    quantity: str = QUANTITY,
    unit: str = UNIT,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    claim: list[str] = CLAIM,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
    explain: bool = EXPLAIN,
    strict: bool = STRICT,
) -> None:
    from tariffcalc.inputs.shipment import make_shipment
    from tariffcalc.studies.duty import duty as run

    chosen = chosen_format(output_format, as_json)
    table = rate_table(rates, set_, add_scenario)
    shipment = make_shipment(
        table,
        value=value,
        sector=sector,
        hts=hts,
        mfn=mfn,
        origin=origin,
        entry_date=entry_date,
        currency=currency,
        fx=fx,
        metal_value=metal_value,
        us_content=us_content,
        freight=freight,
        insurance=insurance,
        mode=mode,
        quantity=quantity,
        unit=unit,
        schedule=schedule_for(hts),
        claims=claim or (),
    )
    found = run(table, shipment, scenario, strict)
    warn(found.warnings)
    _emit(chosen, table, found, explain)


def _emit(chosen: str, table: RateTable, found: Duty, explain: bool) -> None:
    from tariffcalc.output.views.duty import duty_grids, duty_lines_grid, to_json

    if chosen == "csv" and explain:
        emit(chosen, lambda: [duty_lines_grid(found.results)], dict)
    else:
        emit(
            chosen,
            lambda: duty_grids(table, found.shipment, found.results, explain),
            lambda: to_json(table, found.shipment, found.results),
        )
