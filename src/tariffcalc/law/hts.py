"""HTS codes: digits, dotted form, and the sector a code falls in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tariffcalc.errors import InputError
from tariffcalc.law.domain import RateTable

if TYPE_CHECKING:
    pass


def hts_digits(raw: str) -> str:
    """An HTS code without its dots and spaces: '8703.23.01' -> '87032301'."""
    return raw.strip().replace(".", "").replace(" ", "")


def normalize_hts(raw: str) -> str:
    digits = hts_digits(raw)
    if not digits.isdigit() or len(digits) not in (4, 6, 8, 10):
        raise InputError(
            "hts", f"expected an HTS code of 4, 6, 8 or 10 digits such as 8703.23.01, got {raw!r}"
        )
    return digits


def format_hts(digits: str) -> str:
    parts = [digits[:4], *(digits[i : i + 2] for i in range(4, len(digits), 2))]
    return ".".join(parts)


def sector_of(table: RateTable, digits: str) -> str:
    """The sector whose HTS prefix is the longest match; 'general' when none matches."""
    best, length = "general", 0
    for sector in table.sectors.values():
        for prefix in sector.hts:
            if digits.startswith(prefix) and len(prefix) > length:
                best, length = sector.id, len(prefix)
    return best


def check_leading_zero(hts: str) -> None:
    """An HTS code of 3, 5, 7 or 9 digits lost its leading zero in a spreadsheet."""
    digits = hts_digits(hts)
    if digits.isdigit() and len(digits) in (3, 5, 7, 9):
        restored = "0" + digits
        dotted = ".".join(
            [restored[:4], *(restored[i : i + 2] for i in range(4, len(restored), 2))]
        )
        raise InputError(
            "hts",
            f"{hts!r} has {len(digits)} digits: a leading zero was probably lost (did you mean"
            f" {dotted}?); store HTS codes as text",
        )
