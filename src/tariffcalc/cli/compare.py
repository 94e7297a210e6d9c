"""`tariffcalc compare`: one table across sectors, HTS codes, origins, dates or values."""

from __future__ import annotations

import typer

from tariffcalc.cli.common import chosen_format, emit, rate_table, schedule_for, warn
from tariffcalc.cli.main import app
from tariffcalc.cli.options import (
    ADD_SCENARIO,
    CURRENCY,
    EPILOG,
    FORMAT,
    FX,
    JSON,
    METAL,
    MFN,
    MODE,
    RATES,
    SCENARIOS,
    SET,
)

VALUES = typer.Option(
    ..., "--value", metavar="AMOUNT", help="Customs value (repeatable: one row each)."
)
SECTORS = typer.Option(None, "--sector", metavar="SECTOR", help="Sector (repeatable).")
HTS_CODES = typer.Option(None, "--hts", metavar="CODE", help="HTS code (repeatable).")
ORIGINS = typer.Option(None, "--origin", metavar="COUNTRY", help="Origin (repeatable; default JP).")
DATES = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Entry date (repeatable).")
SHOW = typer.Option("duty", "--show", metavar="FIGURE", help="duty, effective-rate or landed-cost.")


@app.command(epilog=EPILOG)
def compare(
    value: list[str] = VALUES,
    sector: list[str] = SECTORS,
    hts: list[str] = HTS_CODES,
    origin: list[str] = ORIGINS,
    entry_date: list[str] = DATES,
    mfn: str = MFN,
    scenario: list[str] = SCENARIOS,
    currency: str = CURRENCY,
    fx: str = FX,
    metal_value: str = METAL,
    mode: str = MODE,
    show: str = SHOW,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """One table across several sectors, HTS codes, origins, dates or values.

    Rows are the combinations of what you list; columns are the scenarios.

    Examples:

      tariffcalc compare --sector autos --sector steel --sector general --value 30000

      tariffcalc compare --origin JP --origin DE --origin KR --sector general --value 100000

      tariffcalc compare --date 2025-03-01 --date 2025-10-01 --sector autos --value 30000
    """
    from tariffcalc.output.views.compare import compare_document, compare_figure, compare_grid
    from tariffcalc.studies.compare import compare as run

    chosen = chosen_format(output_format, as_json)
    figure = compare_figure(show)
    table = rate_table(rates, set_, add_scenario)
    found = run(
        table,
        values=value,
        sectors=sector or [],
        hts=hts or [],
        origins=origin or [],
        dates=entry_date or [],
        scenarios=scenario,
        mfn=mfn,
        currency=currency,
        fx=fx,
        metal_value=metal_value,
        mode=mode,
        schedule=schedule_for(hts[0] if hts else None),
    )
    warn(found.warnings)
    emit(
        chosen,
        lambda: [compare_grid(table, found, figure)],
        lambda: compare_document(table, found, figure),
    )
