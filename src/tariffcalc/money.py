"""Exact money and rates: Decimal only, half-up to the cent per line."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Far above any real entry, far below where the arithmetic loses a cent.
MAX_AMOUNT = Decimal("1e12")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# A plain number ('30000.50', '.5', '1e3') or one with commas between groups of three
# digits ('30,000.50'). Anything else with a comma is refused, never guessed: '3,7' and
# '1.000,50' are decimal commas, which read as thousands would be 37 and 1.00. An exponent
# of at most four digits keeps every match within what Decimal reads.
_NUMBER = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?|\d{1,3}(?:,\d{3})+(?:\.\d*)?)",
    re.ASCII,
)
DECIMAL_COMMA = (
    "a decimal comma is not accepted: write a point (3.7, not 3,7);"
    " a comma may only separate thousands (30,000.50)"
)


def parse_decimal(text: str) -> Decimal:
    """A finite decimal number: '30000', '30,000.50', '1e3'. The one parser of every
    number a user types or a file holds. Raises ValueError with what more there is to
    say than "not a number" (a decimal comma), or with an empty message."""
    text = text.strip()
    plain = text.replace(".", "", 1)
    if plain.isascii() and plain.isdigit():  # the usual '30000.50', without the pattern's cost
        return Decimal(text)
    if not _NUMBER.fullmatch(text):
        raise ValueError(DECIMAL_COMMA if "," in text else "")
    return Decimal(text.replace(",", ""))


def percent(rate: Decimal) -> str:
    """0.125 -> '12.5%'."""
    text = format((rate * HUNDRED).normalize(), "f")
    return f"{text}%"


def usd(amount: Decimal) -> str:
    return f"${amount:,.2f}" if amount >= 0 else f"-${-amount:,.2f}"
