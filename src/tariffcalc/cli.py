"""The command line: parse, call the library, hand the result to a writer.

Kept cheap to import: Rich, YAML and pydantic load only when a command needs them.
Options shared by several commands are declared once, below.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import date
from enum import IntEnum
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from tariffcalc import __version__
from tariffcalc.errors import RatesError, TariffcalcError

if TYPE_CHECKING:
    from tariffcalc.batch import Defaults, Layout, Record, Scorer
    from tariffcalc.domain import RateTable, Shipment
    from tariffcalc.hts import Schedule
    from tariffcalc.render import Grid
    from tariffcalc.shipment import Number

RATES_ENV = "TARIFFCALC_RATES"


class Exit(IntEnum):
    OK = 0
    BAD_INPUT = 1  # bad input or bad data
    USAGE = 2  # the command line itself is wrong (click's own code for it)
    INTERNAL = 70  # a bug: reported without a traceback unless TARIFFCALC_DEBUG is set
    INTERRUPTED = 130


SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    name="tariffcalc",
    help=(
        "US duty on a shipment under the law on its entry date and under every policy scenario.\n\n"
        "Examples:\n\n"
        "  tariffcalc duty --sector autos --value 30000\n\n"
        "  tariffcalc duty --hts 8703.23.01 --value 30000 --date 2025-10-01 --json\n\n"
        "  tariffcalc compare --sector autos --sector steel --sector general --value 30000\n\n"
        "  tariffcalc timeline --sector autos --value 30000\n\n"
        "  tariffcalc sweep --sector autos --value 30000 --measure s232-autos --from 0 --to 50"
        " --step 5"
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings=SETTINGS,
)
rates_app = typer.Typer(
    help="See and check the rate table the numbers come from.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings=SETTINGS,
)
app.add_typer(rates_app, name="rates")
hts_app = typer.Typer(
    help="The full HTS schedule: import the USITC export, look lines up, search them.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings=SETTINGS,
)
app.add_typer(hts_app, name="hts")
EPILOG = (
    "Exit status: 0 ok, 1 bad input or rate table, 2 usage error.  "
    "Rates typed here are percentages: --mfn 2.5 is 2.5%."
)

# --- options shared by the commands -------------------------------------------------

VALUE = typer.Option(..., "--value", metavar="AMOUNT", help="Customs (FOB) value, in --currency.")
SECTOR = typer.Option(
    None,
    "--sector",
    metavar="SECTOR",
    help="autos, auto-parts, steel, aluminum, copper, general, ...",
)
HTS = typer.Option(
    None, "--hts", metavar="CODE", help="HTS code such as 8703.23.01 (not with --sector)."
)
MFN = typer.Option(
    None, "--mfn", metavar="PCT", help="Override the MFN rate, in percent (3.7 = 3.7%)."
)
ORIGIN = typer.Option(
    "JP", "--origin", metavar="COUNTRY", help="Country of origin: ISO code or name."
)
DATE = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Entry date (default: today).")
SCENARIOS = typer.Option(
    None, "--scenario", "-s", metavar="ID", help="Only this scenario (repeatable)."
)
CURRENCY = typer.Option(
    "USD", "--currency", metavar="CODE", help="Currency of the amounts (ISO 4217)."
)
FX = typer.Option(None, "--fx", metavar="RATE", help="Units of --currency per 1 USD (unless USD).")
METAL = typer.Option(
    None, "--metal-value", metavar="AMOUNT", help="Steel/aluminum/copper content of a derivative."
)
FREIGHT = typer.Option(
    "0", "--freight", metavar="AMOUNT", help="Freight (not dutiable; in landed cost)."
)
INSURANCE = typer.Option(
    "0", "--insurance", metavar="AMOUNT", help="Insurance (not dutiable; in landed cost)."
)
MODE = typer.Option(
    "ocean", "--mode", metavar="MODE", help="ocean, air, truck or rail (HMF: ocean)."
)
UNIT = typer.Option(
    None, "--unit", metavar="UNIT", help="What --quantity counts: each (default), kg, liter, ..."
)
QUANTITY = typer.Option(
    None, "--quantity", metavar="N", help="Number of units: adds per-unit figures."
)
RATES = typer.Option(
    None, "--rates", metavar="FILE", envvar=RATES_ENV, help="Another rate table ('-': stdin)."
)
SET = typer.Option(
    None,
    "--set",
    metavar="MEASURE=PCT",
    help="What if a measure's rate were PCT, in every scenario that has it (repeatable).",
)
ADD_SCENARIO = typer.Option(
    None,
    "--add-scenario",
    metavar="NAME=MEASURE,...",
    help="An ad-hoc scenario of the table's measures, shown beside the others (repeatable).",
)
FORMAT = typer.Option(
    "table", "--format", "-f", metavar="FORMAT", help="table, json, csv or markdown."
)
JSON = typer.Option(False, "--json", help="Same as --format json.")


def _version(show: bool) -> None:
    if show:
        print(f"tariffcalc {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """US duty on a shipment under the law on its entry date and under every policy scenario."""


@app.command(epilog=EPILOG)
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
    freight: str = FREIGHT,
    insurance: str = INSURANCE,
    mode: str = MODE,
    quantity: str = QUANTITY,
    unit: str = UNIT,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
    explain: bool = typer.Option(
        False, "--explain", help="Every duty line with its authority, and what was not applied."
    ),
) -> None:
    """Duty, fees and landed cost of one shipment under every scenario.

    Examples:

      tariffcalc duty --sector autos --value 30000

      tariffcalc duty --hts 8703.23.01 --value 30000 --date 2025-10-01 --json

      tariffcalc duty --sector autos --value 30000 --set s232-autos=15 --explain

      tariffcalc duty --sector general --mfn 3.7 --value 4350000 --currency JPY --fx 145
    """
    from tariffcalc.engine import assess_all
    from tariffcalc.report import duty_grids, duty_lines_grid, to_json
    from tariffcalc.shipment import make_shipment

    chosen = _format(output_format, as_json)
    table = _table(rates, set_, add_scenario)
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
        freight=freight,
        insurance=insurance,
        mode=mode,
        quantity=quantity,
        unit=unit,
        schedule=_schedule(hts),
    )
    results = assess_all(table, shipment, _scenarios(table.scenarios, scenario))
    _warn(w for r in results for w in r.warnings)
    if chosen == "csv" and explain:
        _emit(chosen, lambda: [duty_lines_grid(results)], dict)
    else:
        _emit(
            chosen,
            lambda: duty_grids(table, shipment, results, explain),
            lambda: to_json(table, shipment, results),
        )


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
    from tariffcalc.engine import assess_all
    from tariffcalc.shipment import InputError, make_shipment, suggest
    from tariffcalc.tables import COMPARE_FIGURES, compare_document, compare_grid

    chosen = _format(output_format, as_json)
    figure = show.strip().lower()
    if figure not in COMPARE_FIGURES:
        raise InputError(
            "show",
            f"expected one of {', '.join(COMPARE_FIGURES)}{suggest(figure, list(COMPARE_FIGURES))}",
        )
    table = _table(rates, set_, add_scenario)
    things = [("sector", s) for s in sector or []] + [("hts", h) for h in hts or []]
    if not things:
        raise InputError("sector", "expected at least one --sector or --hts to compare")
    ids = _scenarios(table.scenarios, scenario)
    days: list[str | None] = list(entry_date) if entry_date else [None]
    schedule = _schedule(hts[0] if hts else None)
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
    _warn(w for _, results in rows for r in results for w in r.warnings)
    _emit(
        chosen,
        lambda: [compare_grid(table, rows, figure)],
        lambda: compare_document(table, rows, figure),
    )


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
    from tariffcalc.analysis import scenario_applying, steps
    from tariffcalc.engine import assess
    from tariffcalc.shipment import (
        InputError,
        amount,
        rate_percent,
        shipment_template,
        with_amounts,
    )
    from tariffcalc.tables import sweep_document, sweep_grid
    from tariffcalc.whatif import check_measure, with_rate

    chosen = _format(output_format, as_json)
    table = _table(rates, set_, add_scenario)
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
        schedule=_schedule(hts),
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
            _scenarios(table.scenarios, [scenario])[0]
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
        chosen_scenario = _scenarios(table.scenarios, [scenario or "in-force"])[0]
        points = [(s.customs_value, assess(table, s, chosen_scenario)) for s in shipments]
        variable = "value"
    applies = any(line.measure == measure for _, r in points for line in r.lines)
    if measure is not None and not applies:
        _warn(
            [
                f"{measure} does not apply to this shipment in scenario {chosen_scenario}:"
                " the sweep is flat; try --scenario"
            ]
        )
    _warn(w for _, r in points for w in r.warnings)
    _emit(
        chosen,
        lambda: [sweep_grid(table, shipments[0], variable, chosen_scenario, points)],
        lambda: sweep_document(table, shipments[0], variable, chosen_scenario, points),
    )


@app.command(epilog=EPILOG)
def timeline(
    value: str = typer.Option(
        None, "--value", metavar="AMOUNT", help="Customs value: adds the duty of each period."
    ),
    sector: str = SECTOR,
    hts: str = HTS,
    mfn: str = MFN,
    origin: str = ORIGIN,
    metal_value: str = METAL,
    currency: str = CURRENCY,
    fx: str = FX,
    set_: list[str] = SET,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """The dated history of what applied to a sector or HTS code from an origin.

    Each period: its first and last day, the measures in force, the effective
    rate and, with --value, the duty. It agrees with
    `duty --scenario in-force --date D` for every day D.

    Examples:

      tariffcalc timeline --sector autos --value 30000

      tariffcalc timeline --sector steel --origin GB --format csv
    """
    from tariffcalc.analysis import law_on_date
    from tariffcalc.analysis import timeline as history
    from tariffcalc.shipment import make_shipment
    from tariffcalc.tables import timeline_document, timeline_grid

    chosen = _format(output_format, as_json)
    table = _table(rates, set_, [])
    # Without a value, rates come from a large nominal one (rounding below a millionth).
    shipment = make_shipment(
        table,
        value=value or "1000000",
        sector=sector,
        hts=hts,
        mfn=mfn,
        origin=origin,
        metal_value=metal_value,
        currency=currency,
        fx=fx,
        schedule=_schedule(hts),
    )
    periods = history(table, shipment, law_on_date(table))
    _warn(w for p in periods for w in p.result.duty_warnings)
    _emit(
        chosen,
        lambda: [timeline_grid(table, shipment, periods, value is not None)],
        lambda: timeline_document(table, shipment, periods, value is not None),
    )


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
    from tariffcalc.impact import (
        FlowSet,
        load_flows,
        score,
        single_flow,
        totals,
    )
    from tariffcalc.impact import (
        pricing as make_pricing,
    )
    from tariffcalc.shipment import InputError, amount, parse_date
    from tariffcalc.tables import impact_document, impact_grids

    chosen = _format(output_format, as_json)
    table = _table(rates, set_, add_scenario)
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
    scored = score(table, flow_set.flows, day, _scenarios(table.scenarios, scenario))
    impacts = totals(scored, prices)
    _warn(w for s in scored for r in s.results for w in r.duty_warnings)
    _emit(
        chosen,
        lambda: impact_grids(table, flow_set, scored, impacts, prices, display),
        lambda: impact_document(table, flow_set, scored, impacts, prices, display),
    )


@app.command(
    epilog=EPILOG + "  Batch exit status: 3 when some rows were rejected (the rest is written)."
)
def batch(
    file: str = typer.Argument(
        ..., metavar="FILE", help="CSV (comma or tab) or JSON Lines; '-': stdin."
    ),
    output: str = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write here (atomically) instead of stdout."
    ),
    output_format: str = typer.Option(
        "csv", "--format", "-f", metavar="FORMAT", help="csv, jsonl or parquet (needs pyarrow)."
    ),
    errors: str = typer.Option(
        None, "--errors", metavar="FILE", help="Rejected rows as CSV: line, id, field, reason."
    ),
    summary_file: str = typer.Option(
        None, "--summary", metavar="FILE", help="The summary as JSON (else on stderr)."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Any bad row is an error: exit 1, write nothing."
    ),
    origin: str = ORIGIN,
    entry_date: str = DATE,
    sector: str = typer.Option(
        None, "--sector", metavar="SECTOR", help="Sector of rows with neither hts nor sector."
    ),
    mfn: str = MFN,
    currency: str = CURRENCY,
    fx: str = FX,
    mode: str = MODE,
    scenario: list[str] = SCENARIOS,
    set_: list[str] = SET,
    add_scenario: list[str] = ADD_SCENARIO,
    rates: str = RATES,
    progress: bool = typer.Option(
        True, "--progress/--no-progress", help="A progress bar on a terminal."
    ),
    jobs: int = typer.Option(
        0,
        "--jobs",
        "-j",
        min=0,
        max=64,
        metavar="N",
        help="Worker processes (default: one per core, up to 4, for files over 8 MB; else 1).",
    ),
) -> None:
    """Score a whole file of shipments under every scenario, with totals.

    Columns (any case; aliases accepted): value (required), hts or sector, origin,
    entry_date, mfn, metal_value, freight, insurance, mode, quantity, unit,
    currency, fx, and an id (id, sku, line) echoed back; other columns pass
    through. Flexport's bulk-upload layout (SKU, US HTS Code, Value USD, Origin
    Country, Entry Date) is read as it is. Missing columns take the options'
    values. Text cells starting with = + - @ are written with a leading ' in CSV
    output, so a spreadsheet does not run them.

    Examples:

      tariffcalc batch shipments.csv -o scored.csv --errors rejected.csv

      cat lines.jsonl | tariffcalc batch - --format jsonl | jq .scenarios
    """
    from tariffcalc import batch as scoring
    from tariffcalc.atomic import atomic_path, atomic_text
    from tariffcalc.shipment import InputError

    chosen = output_format.strip().lower()
    if chosen not in ("csv", "jsonl", "parquet"):
        raise typer.BadParameter("expected csv, jsonl or parquet", param_hint="'--format'")
    if chosen == "parquet" and output is None:
        raise InputError("output", "parquet is written to a file: give -o FILE")
    if output is not None and file != "-" and Path(output).resolve() == Path(file).resolve():
        raise InputError("output", "must not be the input file")
    table = _table(rates, set_, add_scenario)
    scenarios = _scenarios(table.scenarios, scenario)
    defaults = _row_defaults(origin, entry_date, currency, fx, mode, sector, mfn)
    scorer = _scorer(table, scenarios, defaults)
    layout, records = _records(file)
    header = layout.header
    summary = scoring.Summary(scenarios)
    reported = [0]

    def report(rejected: scoring.Rejected) -> None:
        reported[0] += 1
        if reported[0] <= 20:
            _say_rejected(rejected)

    with ExitStack() as stack:
        errors_out = (
            scoring.ErrorsOut(stack.enter_context(atomic_text(Path(errors)))) if errors else None
        )

        def rejected(item: scoring.Rejected) -> None:
            report(item)
            if errors_out is not None:
                errors_out.write(item)

        # A file output appears whole or not at all; --strict output to stdout waits
        # in a temporary file until every row is known to be good.
        target = None
        if output is not None:
            target = stack.enter_context(atomic_path(Path(output)))
        elif strict:
            target = stack.enter_context(_scratch_file())
        if chosen == "parquet":
            writer: Any = scoring.ParquetOut(str(target), header, scenarios)
            out = None
        else:
            out = (
                stack.enter_context(target.open("w", encoding="utf-8", newline=""))
                if target
                else sys.stdout
            )
            writer = (scoring.CsvOut if chosen == "csv" else scoring.JsonlOut)(
                out, header, scenarios
            )
        with _progress(progress) as tick:
            scoring.run(
                layout, records, scorer, writer, summary, rejected, tick, jobs or _auto_jobs(file)
            )
        if strict and summary.rejected:
            raise InputError(
                "strict", f"{summary.rejected:,} of {summary.read:,} rows rejected; nothing written"
            )
        if output is None and target is not None and out is not None:
            out.flush()
            sys.stdout.write(target.read_text(encoding="utf-8"))
    if reported[0] > 20:
        more = f" (all in {errors})" if errors else " (--errors FILE lists them)"
        print(f"tariffcalc: ... and {reported[0] - 20:,} more rejected rows{more}", file=sys.stderr)
    _write_summary(summary, summary_file)
    if summary.rejected:
        raise SystemExit(3)


def _say_rejected(item: Any) -> None:
    """A rejected row on stderr: its line, its id when it has one, the field and why."""
    fields = item.row.fields
    where = f"line {item.row.line}" + (f" ({fields['id']})" if fields.get("id") else "")
    print(f"tariffcalc: {where}: {item.field}: {item.reason}", file=sys.stderr)


def _auto_jobs(file: str) -> int:
    """Worker processes pay for themselves on large files only."""
    if file == "-" or os.path.getsize(file) < 8 * 1024 * 1024:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


@contextmanager
def _scratch_file() -> Iterator[Path]:
    import tempfile

    handle, name = tempfile.mkstemp(prefix="tariffcalc-", suffix=".out")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _row_defaults(
    origin: str,
    entry_date: str | None,
    currency: str,
    fx: str | None,
    mode: str,
    sector: str | None,
    mfn: str | None,
) -> Defaults:
    """The command's options, for the columns a file of rows does not have."""
    from tariffcalc.batch import Defaults
    from tariffcalc.shipment import parse_date

    day = parse_date("date", entry_date) if entry_date else date.today()
    return Defaults(
        origin=origin, entry_date=day, currency=currency, fx=fx, mode=mode, sector=sector, mfn=mfn
    )


def _scorer(table: RateTable, scenarios: list[str], defaults: Defaults) -> Scorer:
    """A row scorer that looks HTS codes up in the imported schedule, when there is one."""
    from tariffcalc.batch import Scorer
    from tariffcalc.hts import open_schedule

    return Scorer(table, scenarios, defaults, open_schedule())


def _records(file: str) -> tuple[Layout, Iterator[Record]]:
    from tariffcalc.batch import read_records

    return read_records(_open_text(file), "<stdin>" if file == "-" else file)


def _open_text(file: str) -> Any:
    from tariffcalc.shipment import InputError

    if file == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        return open(file, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError("file", f"no such file: {file}") from None
    except OSError as error:
        raise InputError("file", f"{file}: {error.strerror or error}") from None


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress display on stderr when it is a terminal; nothing when piped."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("scoring {task.completed:,} rows"),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    ) as bar:
        task = bar.add_task("rows", total=None)
        yield lambda count: bar.update(task, completed=count)


def _write_summary(summary: Any, path: str | None) -> None:
    if path is None:
        for line in summary.lines():
            print(f"tariffcalc: {line}", file=sys.stderr)
        return
    from tariffcalc.atomic import atomic_text
    from tariffcalc.render import write_json

    with atomic_text(Path(path)) as out:
        write_json(out, summary.document())


@app.command(epilog=EPILOG + "  Exit status 3: some rows were rejected (the rest is reported).")
def refunds(
    file: str = typer.Argument(
        ..., metavar="ENTRIES", help="CSV or JSON Lines of entries; '-': stdin."
    ),
    output: str = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Per-entry results as CSV (atomically)."
    ),
    errors: str = typer.Option(None, "--errors", metavar="FILE", help="Rejected rows as CSV."),
    tolerance: str = typer.Option(
        "1",
        "--tolerance",
        metavar="USD",
        help="Flag entries whose paid and computed duty differ by more.",
    ),
    origin: str = ORIGIN,
    entry_date: str = DATE,
    sector: str = typer.Option(
        None, "--sector", metavar="SECTOR", help="Sector of rows with neither hts nor sector."
    ),
    mfn: str = MFN,
    currency: str = CURRENCY,
    fx: str = FX,
    mode: str = MODE,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """What each entry paid under IEEPA, which the Supreme Court struck down: the refund estimate.

    Columns as for batch, plus entry_number and, optionally, the duty paid: a
    total (duty_paid) or per Chapter 99 heading (a column named 9903.02.73, as in
    a broker's entry-summary export). Paid and computed are compared, and
    entries that differ by more than --tolerance are flagged.

    An estimate, not legal advice or a filing: how refunds are claimed is decided
    by the courts and CBP.

    Examples:

      tariffcalc refunds entries.csv

      tariffcalc refunds entries.csv -o refunds.csv --format csv
    """
    from tariffcalc import batch as scoring
    from tariffcalc import refunds as claims
    from tariffcalc.atomic import atomic_text
    from tariffcalc.render import write_csv
    from tariffcalc.shipment import amount
    from tariffcalc.tables import refund_document, refund_grids, refund_rows_grid

    chosen = _format(output_format, as_json)
    table = _table(rates, [], [])
    defaults = _row_defaults(origin, entry_date, currency, fx, mode, sector, mfn)
    scorer = _scorer(table, [], defaults)
    layout, records = _records(file)
    paid = claims.paid_columns(layout.header)
    work = claims.Refunds(table, scorer, paid, amount("tolerance", tolerance))
    totals = claims.Totals()
    entries: list[claims.Entry] = []
    rejected: list[scoring.Rejected] = []
    rows = scoring.rows_of(layout, records)
    for item in work.entries(rows):
        if isinstance(item, scoring.Rejected):
            rejected.append(item)
            totals.rejected += 1
            continue
        entries.append(item)
        totals.add(item)
    for item in rejected[:20]:
        _say_rejected(item)
    with ExitStack() as stack:
        if errors:
            errors_out = scoring.ErrorsOut(stack.enter_context(atomic_text(Path(errors))))
            for item in rejected:
                errors_out.write(item)
        if output:
            out = stack.enter_context(atomic_text(Path(output)))
            write_csv(out, [refund_rows_grid(table, layout.header, entries)])
    print(f"tariffcalc: note: {claims.DISCLAIMER}", file=sys.stderr)
    _emit(
        chosen,
        lambda: (
            refund_grids(table, entries, totals, work)
            if chosen != "csv"
            else [refund_rows_grid(table, layout.header, entries)]
        ),
        lambda: refund_document(table, layout.header, entries, totals, work),
    )
    if rejected:
        raise SystemExit(3)


# --- rates ------------------------------------------------------------------------------


@rates_app.command("list")
def rates_list(rates: str = RATES, output_format: str = FORMAT, as_json: bool = JSON) -> None:
    """Measures (id, rate, kind, dates, authority, confidence) and scenarios."""
    from tariffcalc.tables import measures_grid, scenarios_grid, table_document

    chosen = _format(output_format, as_json)
    table = _table(rates, [], [])
    _emit(
        chosen, lambda: [measures_grid(table), scenarios_grid(table)], lambda: table_document(table)
    )


@rates_app.command("show")
def rates_show(
    item: str = typer.Argument(..., metavar="ID", help="A measure, scenario or sector id."),
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """One measure, scenario or sector in full, with its source."""
    from tariffcalc.shipment import InputError, suggest
    from tariffcalc.tables import item_document, item_grid

    chosen = _format(output_format, as_json)
    table = _table(rates, [], [])
    known = [*table.measures, *table.scenarios, *table.sectors]
    if item not in known:
        raise InputError("id", f"no measure, scenario or sector {item!r}{suggest(item, known)}")
    _emit(chosen, lambda: [item_grid(table, item)], lambda: item_document(table, item))


@rates_app.command("validate")
def rates_validate(
    file: str = typer.Argument(..., metavar="FILE", help="The rate table to check ('-': stdin)."),
) -> None:
    """Check a rate table: every problem with its path in the file; exit 1 if any."""
    table = _load(file)
    print(
        f"{file}: ok: {len(table.measures)} measures, {len(table.scenarios)} scenarios,"
        f" {len(table.sectors)} sectors, {len(table.hts)} HTS lines"
    )


@rates_app.command("export")
def rates_export(rates: str = RATES) -> None:
    """The whole table as JSON, for other tools."""
    from tariffcalc.render import write_json
    from tariffcalc.tables import table_document

    write_json(sys.stdout, table_document(_table(rates, [], [])))


# --- hts ---------------------------------------------------------------------------------


@hts_app.command("import")
def hts_import(
    file: str = typer.Argument(
        ..., metavar="FILE", help="USITC JSON export (.json or .json.gz) or CSV; '-': stdin."
    ),
    revision: str = typer.Option(
        None,
        "--revision",
        metavar="TEXT",
        help="Name of the revision (default: from the file name).",
    ),
) -> None:
    """Import the whole schedule into the user's data directory.

    Example:

      tariffcalc hts import hts_2026_rev_10.json.gz
    """
    from tariffcalc.hts import import_schedule

    data = _read_input(file, "file")
    report = import_schedule(data, "<stdin>" if file == "-" else file, revision=revision)
    print(
        f"imported {report.lines:,} HTS lines ({report.rows:,} rows, {report.rated:,} with a rate)"
        f" of {report.revision} into {report.path} in {report.seconds:.1f} s"
    )
    for code, text in report.unparsed:
        print(f"tariffcalc: warning: {code}: rate text not understood: {text!r}", file=sys.stderr)


@hts_app.command("status")
def hts_status(output_format: str = FORMAT, as_json: bool = JSON) -> None:
    """Which schedule is active: the imported one, or the rate table's curated lines."""
    from tariffcalc.hts import index_path, open_schedule
    from tariffcalc.tables import status_document, status_grid

    chosen = _format(output_format, as_json)
    schedule = open_schedule()
    table = _table(None, [], [])
    _emit(
        chosen,
        lambda: [status_grid(table, schedule, index_path())],
        lambda: status_document(table, schedule, index_path()),
    )


@hts_app.command("lookup")
def hts_lookup(
    code: str = typer.Argument(..., metavar="CODE", help="4 to 10 digits, with or without dots."),
    origin: str = ORIGIN,
    entry_date: str = DATE,
    rates: str = RATES,
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """A line: its description and parents, rates, sector, and the measures that apply.

    Examples:

      tariffcalc hts lookup 8703.23.01

      tariffcalc hts lookup 0901.21.00.20 --origin BR --date 2026-03-15
    """
    from tariffcalc.shipment import normalize_hts
    from tariffcalc.tables import lookup_document, lookup_grids, search_document, search_grid

    chosen = _format(output_format, as_json)
    table = _table(rates, [], [])
    schedule = _require_schedule()
    digits = normalize_hts(code)
    line = schedule.line(digits) or schedule.rate_line(digits)
    if line is None and (below := schedule.under(digits, 200)):
        # No row of its own (the schedule skips some 6-digit levels): list the lines under it.
        _emit(
            chosen, lambda: [search_grid(schedule, below)], lambda: search_document(schedule, below)
        )
        return
    if line is None:
        from tariffcalc.shipment import InputError, format_hts

        close = ", ".join(format_hts(c) for c in schedule.closest(digits))
        raise InputError(
            "code",
            f"{code!r} is not in the schedule ({schedule.revision}); close: {close or 'none'}",
        )
    results = _lookup_results(table, schedule, digits, origin, entry_date)
    _emit(
        chosen,
        lambda: lookup_grids(table, schedule, line, results),
        lambda: lookup_document(table, schedule, line, results),
    )


@hts_app.command("search")
def hts_search(
    words: list[str] = typer.Argument(..., metavar="WORDS...", help="Words of the description."),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="At most this many lines."),
    output_format: str = FORMAT,
    as_json: bool = JSON,
) -> None:
    """Find lines by description (the words of the line and of its parents).

    Example:

      tariffcalc hts search electric motors
    """
    from tariffcalc.tables import search_document, search_grid

    chosen = _format(output_format, as_json)
    schedule = _require_schedule()
    found = schedule.search(" ".join(words), limit)
    _emit(chosen, lambda: [search_grid(schedule, found)], lambda: search_document(schedule, found))


def _require_schedule() -> Schedule:
    from tariffcalc.hts import index_path, open_schedule
    from tariffcalc.shipment import InputError

    schedule = open_schedule()
    if schedule is None:
        raise InputError(
            "hts", f"no schedule imported yet ({index_path()}); run `tariffcalc hts import FILE`"
        )
    return schedule


def _lookup_results(
    table: RateTable, schedule: Schedule, digits: str, origin: str, day: str | None
) -> list[Any]:
    """The in-force assessment of a nominal $10,000 of this line, when it has a rate."""
    from tariffcalc.engine import assess_all
    from tariffcalc.shipment import make_shipment

    if schedule.rate_line(digits) is None:
        return []
    shipment = make_shipment(
        table, value="10000", hts=digits, origin=origin, entry_date=day, schedule=schedule
    )
    by_date = [s.id for s in table.scenarios.values() if s.by_date]
    return [shipment, *assess_all(table, shipment, by_date)]


def _read_input(path: str, field: str) -> bytes:
    from tariffcalc.shipment import InputError

    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(field, f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(field, f"{path} is a directory, expected a file") from None
    except OSError as error:
        raise InputError(field, f"{path}: {error.strerror or error}") from None


# --- helpers --------------------------------------------------------------------------


def _format(output_format: str, as_json: bool) -> str:
    from tariffcalc.render import FORMATS
    from tariffcalc.shipment import suggest

    chosen = "json" if as_json else output_format.strip().lower()
    if chosen not in FORMATS:
        raise typer.BadParameter(
            f"expected one of {', '.join(FORMATS)}{suggest(chosen, list(FORMATS))}",
            param_hint="'--format'",
        )
    return chosen


def _emit(chosen: str, grids: Callable[[], list[Grid]], document: Callable[[], Any]) -> None:
    """Build only what the chosen format needs, then write it in one go."""
    from tariffcalc.render import write, write_json

    if chosen == "json":
        write_json(sys.stdout, document())
    else:
        write(sys.stdout, grids(), chosen)


def _schedule(hts: str | None) -> Schedule | None:
    """The imported HTS schedule, when an HTS code is asked for and one was imported."""
    if hts is None:
        return None
    from tariffcalc.hts import open_schedule

    return open_schedule()


def _warn(warnings: Any) -> None:
    for warning in dict.fromkeys(warnings):
        print(f"tariffcalc: warning: {warning}", file=sys.stderr)


def _scenarios(known: Mapping[str, object], wanted: list[str] | None) -> list[str]:
    from tariffcalc.shipment import InputError, suggest

    for name in wanted or []:
        if name not in known:
            raise InputError(
                "scenario",
                f"unknown scenario {name!r}: expected one of {', '.join(known)}"
                + suggest(name, list(known)),
            )
    return list(dict.fromkeys(wanted)) if wanted else list(known)


def _table(rates: str | None, settings: list[str] | None, additions: list[str] | None) -> RateTable:
    table = _load(rates)
    if settings:
        from tariffcalc.whatif import with_overrides

        table = with_overrides(table, settings)
    for definition in additions or []:
        from tariffcalc.whatif import with_scenario

        table = with_scenario(table, definition)
    return table


def _load(rates: str | None) -> RateTable:
    from tariffcalc.rates import load_table, parse_table

    if rates == "-":
        return parse_table(sys.stdin.buffer.read(), "<stdin>")
    return load_table(rates or None)


def _fail(message: str, code: Exit) -> NoReturn:
    print(f"tariffcalc: error: {message}", file=sys.stderr)
    raise SystemExit(code)


@contextmanager
def _only_the_command_asked_for(argv: list[str]) -> Iterator[None]:
    """Typer builds every command's options on each run (~12 ms for all of them, a tenth
    of the main job's start-up): when the first argument names a command, build only that
    one. Top-level help, completion and mistyped names still see them all."""
    commands, groups = app.registered_commands, app.registered_groups
    name = argv[1] if len(argv) > 1 else ""
    wanted = [c for c in commands if c.callback and c.callback.__name__.replace("_", "-") == name]
    wanted_groups = [g for g in groups if g.name == name]
    if (wanted or wanted_groups) and not os.environ.get("_TARIFFCALC_COMPLETE"):
        app.registered_commands, app.registered_groups = wanted, wanted_groups
    try:
        yield
    finally:
        app.registered_commands, app.registered_groups = commands, groups


def main() -> None:
    """Console entry point: user errors as one line, never a traceback."""
    try:
        with _only_the_command_asked_for(sys.argv):
            app()
    except RatesError as error:
        if len(error.problems) == 1:
            _fail(str(error), Exit.BAD_INPUT)
        print(f"tariffcalc: error: {error.source}: {len(error.problems)} problems", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(Exit.BAD_INPUT) from None
    except TariffcalcError as error:
        field = getattr(error, "field", None)
        message = f"--{field.replace('_', '-')}: {error.message}" if field else str(error)  # type: ignore[attr-defined]
        _fail(message, Exit.BAD_INPUT)
    except KeyboardInterrupt:
        raise SystemExit(Exit.INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (`| head`): not an error. Silence the final flush too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(Exit.OK) from None
    except Exception as error:  # a bug: say so plainly, no traceback unless asked
        if os.environ.get("TARIFFCALC_DEBUG"):
            raise
        _fail(
            f"internal error ({type(error).__name__}: {error}); set TARIFFCALC_DEBUG=1 for details",
            Exit.INTERNAL,
        )
