"""`tariffcalc compare`: one table across sectors, HTS codes, origins, dates or values."""

from __future__ import annotations

from itertools import product
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

if TYPE_CHECKING:
    pass


@app.command(epilog=EPILOG)
def compare(
    value: list[str] = typer.Option(
        ..., "--value", metavar="AMOUNT", help="Customs value (repeatable: one row each)."
    ),
    sector: list[str] = typer.Option(
        None, "--sector", metavar="SECTOR", help="Sector (repeatable)."
    ),
    hts: list[str] = typer.Option(None, "--hts", metavar="CODE", help="HTS code (repeatable)."),
    origin: list[str] = typer.Option(
        None, "--origin", metavar="COUNTRY", help="Origin (repeatable; default JP)."
    ),
    entry_date: list[str] = typer.Option(
        None, "--date", metavar="YYYY-MM-DD", help="Entry date (repeatable)."
    ),
    mfn: str = MFN,
    scenario: list[str] = SCENARIOS,
    currency: str = CURRENCY,
    fx: str = FX,
    metal_value: str = METAL,
    mode: str = MODE,
    show: str = typer.Option(
        "duty", "--show", metavar="FIGURE", help="duty, effective-rate or landed-cost."
    ),
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
    from tariffcalc.errors import InputError, suggest
    from tariffcalc.inputs.shipment import make_shipment
    from tariffcalc.law.engine import assess_all
    from tariffcalc.output.views.compare import COMPARE_FIGURES, compare_document, compare_grid

    chosen = chosen_format(output_format, as_json)
    figure = show.strip().lower()
    if figure not in COMPARE_FIGURES:
        raise InputError(
            "show",
            f"expected one of {', '.join(COMPARE_FIGURES)}{suggest(figure, list(COMPARE_FIGURES))}",
        )
    table = rate_table(rates, set_, add_scenario)
    things = [("sector", s) for s in sector or []] + [("hts", h) for h in hts or []]
    if not things:
        raise InputError("sector", "expected at least one --sector or --hts to compare")
    ids = scenario_ids(table.scenarios, scenario)
    days: list[str | None] = list(entry_date) if entry_date else [None]
    schedule = schedule_for(hts[0] if hts else None)
    rows = []
    for (kind, thing), where, day, amount in product(things, origin or ["JP"], days, value):
        shipment = make_shipment(
            table,
            value=amount,
            origin=where,
            entry_date=day,
            mfn=mfn,
            currency=currency,
            fx=fx,
            metal_value=metal_value,
            mode=mode,
            sector=thing if kind == "sector" else None,
            hts=thing if kind == "hts" else None,
            schedule=schedule,
        )
        rows.append((shipment, assess_all(table, shipment, ids)))
    warn(w for _, results in rows for r in results for w in r.warnings)
    emit(
        chosen,
        lambda: [compare_grid(table, rows, figure)],
        lambda: compare_document(table, rows, figure),
    )
