"""The command line: parse, call the library, hand the result to a writer.

Kept cheap to import: Rich, YAML and pydantic load only when a command needs them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from enum import IntEnum
from typing import TYPE_CHECKING, NoReturn

import typer

from tariffcalc import __version__
from tariffcalc.errors import RatesError, TariffcalcError

if TYPE_CHECKING:
    from tariffcalc.domain import RateTable

RATES_ENV = "TARIFFCALC_RATES"


class Exit(IntEnum):
    OK = 0
    BAD_INPUT = 1  # bad input or bad data
    USAGE = 2  # the command line itself is wrong (click's own code for it)
    INTERNAL = 70  # a bug: reported without a traceback unless TARIFFCALC_DEBUG is set
    INTERRUPTED = 130


app = typer.Typer(
    name="tariffcalc",
    help=(
        "US duty on a shipment under the law on its entry date and under every policy scenario.\n\n"
        "Examples:\n\n"
        "  tariffcalc duty --sector autos --value 30000\n\n"
        "  tariffcalc duty --hts 8703.23.01 --value 30000 --date 2025-10-01 --json\n\n"
        "  tariffcalc duty --sector steel --value 10000 --metal-value 4000 --explain"
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


@app.command(
    epilog=(
        "Exit status: 0 ok, 1 bad input or rate table, 2 usage error.  "
        "Rates typed here are percentages: --mfn 2.5 is 2.5%."
    )
)
def duty(
    value: str = typer.Option(
        ..., "--value", metavar="AMOUNT", help="Customs (FOB) value, in --currency."
    ),
    sector: str = typer.Option(
        None,
        "--sector",
        metavar="SECTOR",
        help="Sector: autos, auto-parts, steel, aluminum, copper, general, ...",
    ),
    hts: str = typer.Option(
        None, "--hts", metavar="CODE", help="HTS code, e.g. 8703.23.01 (instead of --sector)."
    ),
    mfn: str = typer.Option(
        None, "--mfn", metavar="PCT", help="Override the MFN rate, in percent (3.7 = 3.7%)."
    ),
    origin: str = typer.Option(
        "JP", "--origin", metavar="COUNTRY", help="Country of origin: ISO code or English name."
    ),
    entry_date: str = typer.Option(
        None, "--date", metavar="YYYY-MM-DD", help="Entry date YYYY-MM-DD (default: today)."
    ),
    scenario: list[str] = typer.Option(
        None, "--scenario", "-s", metavar="ID", help="Show only this scenario (repeatable)."
    ),
    currency: str = typer.Option(
        "USD", "--currency", metavar="CODE", help="Currency of the amounts given (ISO 4217)."
    ),
    fx: str = typer.Option(
        None, "--fx", metavar="RATE", help="Units of --currency per 1 USD (required unless USD)."
    ),
    metal_value: str = typer.Option(
        None,
        "--metal-value",
        metavar="AMOUNT",
        help="Value of the steel/aluminum/copper content of a derivative.",
    ),
    freight: str = typer.Option(
        "0",
        "--freight",
        metavar="AMOUNT",
        help="International freight (not dutiable; in landed cost).",
    ),
    insurance: str = typer.Option(
        "0", "--insurance", metavar="AMOUNT", help="Insurance (not dutiable; in landed cost)."
    ),
    mode: str = typer.Option(
        "ocean",
        "--mode",
        metavar="MODE",
        help="Transport: ocean, air, truck or rail (HMF is ocean only).",
    ),
    quantity: str = typer.Option(
        None, "--quantity", metavar="N", help="Number of units: adds per-unit figures."
    ),
    rates: str = typer.Option(
        None,
        "--rates",
        metavar="FILE",
        envvar=RATES_ENV,
        help="Rate table file instead of the shipped one ('-' for stdin).",
    ),
    output_format: str = typer.Option(
        "table", "--format", "-f", metavar="FORMAT", help="table, json, csv or markdown."
    ),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    explain: bool = typer.Option(
        False,
        "--explain",
        help="Show every duty line with its authority, and what was not applied.",
    ),
) -> None:
    """Duty, fees and landed cost of one shipment under every scenario.

    Examples:

      tariffcalc duty --sector autos --value 30000

      tariffcalc duty --hts 8703.23.01 --value 30000 --date 2025-10-01 --json

      tariffcalc duty --sector general --mfn 3.7 --value 4350000 --currency JPY --fx 145
    """
    from tariffcalc.engine import assess_all
    from tariffcalc.render import FORMATS, WRITERS
    from tariffcalc.shipment import make_shipment, suggest

    chosen_format = "json" if as_json else output_format.strip().lower()
    if chosen_format not in FORMATS:
        raise typer.BadParameter(
            f"expected one of {', '.join(FORMATS)}{suggest(chosen_format, list(FORMATS))}",
            param_hint="'--format'",
        )
    table = _load(rates)
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
    )
    results = assess_all(table, shipment, _scenarios(table.scenarios, scenario))
    for warning in dict.fromkeys(w for r in results for w in r.warnings):
        print(f"tariffcalc: warning: {warning}", file=sys.stderr)
    WRITERS[chosen_format](sys.stdout, table, shipment, results, explain)


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


def _load(rates: str | None) -> RateTable:
    from tariffcalc.rates import load_table, parse_table

    if rates == "-":
        return parse_table(sys.stdin.buffer.read(), "<stdin>")
    return load_table(rates or None)


def _fail(message: str, code: Exit) -> NoReturn:
    print(f"tariffcalc: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def main() -> None:
    """Console entry point: user errors as one line, never a traceback."""
    try:
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
