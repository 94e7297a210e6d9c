"""Exact money and rates: Decimal only, half-up to the cent per line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Far above any real entry, far below where the arithmetic loses a cent.
MAX_AMOUNT = Decimal("1e12")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(text: str) -> Decimal | None:
    """A finite decimal number, or None. Accepts '30000', '30,000.50', '1e3'."""
    try:
        number = Decimal(text.strip().replace(",", "").replace("_", ""))
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def percent(rate: Decimal) -> str:
    """0.125 -> '12.5%'."""
    text = format((rate * HUNDRED).normalize(), "f")
    return f"{text}%"


def usd(amount: Decimal) -> str:
    return f"${amount:,.2f}" if amount >= 0 else f"-${-amount:,.2f}"
