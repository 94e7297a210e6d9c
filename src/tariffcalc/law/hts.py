"""HTS codes: digits, dotted form, and the sector a code falls in."""

from __future__ import annotations

import re

from tariffcalc.errors import InputError
from tariffcalc.law.domain import RateTable


def hts_digits(raw: str) -> str:
    """An HTS code without its dots and spaces: '8703.23.01' -> '87032301'."""
    return raw.strip().replace(".", "").replace(" ", "")


def normalize_hts(raw: str) -> str:
    check_leading_zero(raw)
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
    """Refuse a code a spreadsheet mangled, saying what it was (see `spreadsheet_hint`)."""
    hint = spreadsheet_hint(hts)
    if hint is not None:
        raise InputError("hts", hint)


def spreadsheet_hint(raw: str) -> str | None:
    """What a spreadsheet did to an HTS code stored as a number, and the code it was: it
    drops a leading zero (901210020) and may add '.0' (87032301.0, not 8703.23.01.0)."""
    text = raw.strip()
    as_float = re.fullmatch(r"(\d{1,10})\.0", text)
    digits = as_float.group(1) if as_float else hts_digits(text)
    lost_zero = digits.isdigit() and len(digits) in (3, 5, 7, 9)
    if not (as_float or lost_zero):
        return None
    what = "was stored as a number" if as_float else f"has {len(digits)} digits"
    if lost_zero:
        what += ": a leading zero was probably lost"
    code = "0" + digits if lost_zero else digits
    meant = f" (did you mean {format_hts(code)}?)" if len(code) in (4, 6, 8, 10) else ""
    return f"{raw!r} {what}{meant}; store HTS codes as text"
