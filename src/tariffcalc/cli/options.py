"""Options shared by several commands, declared once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from tariffcalc.cli import complete
from tariffcalc.law.domain import DEFAULT_ORIGIN

if TYPE_CHECKING:
    pass


RATES_ENV = "TARIFFCALC_RATES"


SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


EPILOG = (
    "Exit status: 0 ok, 1 bad input or rate table, 2 usage error.  "
    "Rates typed here are percentages: --mfn 2.5 is 2.5%."
)


VALUE = typer.Option(..., "--value", metavar="AMOUNT", help="Customs (FOB) value, in --currency.")


SECTOR = typer.Option(
    None,
    "--sector",
    metavar="SECTOR",
    help="autos, auto-parts, steel, aluminum, copper, general, ...",
    autocompletion=complete.sectors,
)


HTS = typer.Option(
    None, "--hts", metavar="CODE", help="HTS code such as 8703.23.01 (not with --sector)."
)


MFN = typer.Option(
    None, "--mfn", metavar="PCT", help="Override the MFN rate, in percent (3.7 = 3.7%)."
)


ORIGIN = typer.Option(
    DEFAULT_ORIGIN,
    "--origin",
    metavar="COUNTRY",
    help="Country of origin: ISO code or name.",
    autocompletion=complete.origins,
)


DATE = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Entry date (default: today).")
DATE_FORMAT = typer.Option(
    None,
    "--date-format",
    metavar="FORMAT",
    help="Dates of the file: YYYY-MM-DD (default), MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY ...",
)


def _plot_file(path: str | None) -> str | None:
    """--plot's file must end .png or .svg: a usage error, before any work is done."""
    if path is not None and not path.lower().endswith((".png", ".svg")):
        raise typer.BadParameter(f"expected a file ending .png or .svg, got {path!r}")
    return path


PLOT = typer.Option(
    None,
    "--plot",
    metavar="FILE",
    callback=_plot_file,
    help="Also draw a chart into FILE.png or FILE.svg (needs pip install 'tariffcalc[plot]').",
)
DELIMITER = typer.Option(
    None,
    "--delimiter",
    metavar="CHAR",
    help="CSV delimiter: ',', ';' or 'tab' (default: detected).",
)


SCENARIOS = typer.Option(
    None,
    "--scenario",
    "-s",
    metavar="ID",
    help="Only this scenario (repeatable).",
    autocompletion=complete.scenarios,
)


CURRENCY = typer.Option(
    "USD", "--currency", metavar="CODE", help="Currency of the amounts (ISO 4217)."
)


FX = typer.Option(None, "--fx", metavar="RATE", help="Units of --currency per 1 USD (unless USD).")


METAL = typer.Option(
    None, "--metal-value", metavar="AMOUNT", help="Steel/aluminum/copper content of a derivative."
)


US_CONTENT = typer.Option(
    None,
    "--us-content",
    metavar="AMOUNT",
    help="Value of the US-origin content (reciprocal duty on the rest when >= 20%).",
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
    autocompletion=complete.measure_settings,
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
CLAIM = typer.Option(
    None,
    "--claim",
    metavar="CLAIM",
    help="A claim the goods qualify for (usmca, korus, ... civil-aircraft, particular-article,"
    " s301-exclusion, energy, potash): the preference's special rate, the lists and measures"
    " that need it exempt them, and the measures of goods so described apply (repeatable).",
)
