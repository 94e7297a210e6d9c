"""`tariffcalc plans export DIR`: the plan table and a SQL query, for other engines."""

from __future__ import annotations

import typer

from tariffcalc.cli.common import rate_table, scenario_ids
from tariffcalc.cli.main import app
from tariffcalc.cli.options import ADD_SCENARIO, RATES, SCENARIOS, SET, SETTINGS

plans_app = typer.Typer(
    help="The engine's decisions as tables, for DuckDB, Spark SQL or Trino.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings=SETTINGS,
)
app.add_typer(plans_app, name="plans")

ORIGINS = typer.Option(
    None,
    "--origin",
    metavar="CC",
    help="An origin to plan for (repeat; default: every origin the table names).",
)


@plans_app.command("export")
def plans_export(
    directory: str = typer.Argument(..., metavar="DIR", help="Where to write (made if need be)."),
    origin: list[str] = ORIGINS,
    scenario: list[str] = SCENARIOS,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
) -> None:
    """Write plans.parquet (every sector, origin, period between rule changes and metal
    state: each scenario's duty lines and rates), fees.parquet and duty.sql, a query
    that joins them to a table `entries` and computes batch's figures (needs
    tariffcalc[columnar]).

    Examples:

      tariffcalc plans export plans/ --origin JP --origin DE

      duckdb -c "CREATE VIEW plans AS FROM 'plans/plans.parquet';
        CREATE VIEW fees AS FROM 'plans/fees.parquet';
        CREATE VIEW entries AS FROM 'entries.csv'; $(cat plans/duty.sql)"
    """
    import sys
    from pathlib import Path

    from tariffcalc.inputs.shipment import origin_code
    from tariffcalc.studies.plans import export_plans, origins_of

    table = rate_table(rates, set_, add_scenario)
    scenarios = scenario_ids(table.scenarios, scenario)
    origins = [origin_code(o) for o in origin or []] or origins_of(table)
    done = export_plans(table, scenarios, origins, Path(directory))
    print(
        f"tariffcalc: {done.plans:,} plan rows, {done.fees} fee periods:"
        f" {', '.join(str(p) for p in done.files)}",
        file=sys.stderr,
    )
