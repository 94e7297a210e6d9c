"""What several views share: the JSON contract's version, numbers, the shipment's
description and notes."""

from __future__ import annotations

from decimal import Decimal

from tariffcalc.inputs.whatif import describe_overrides
from tariffcalc.law.countries import country_name
from tariffcalc.law.domain import DutyLine, RateTable, Shipment
from tariffcalc.law.hts import format_hts
from tariffcalc.money import percent, usd

JSON_VERSION = 1


def shipment_notes(table: RateTable, shipment: Shipment) -> list[str]:
    sector = table.sectors[shipment.sector]
    notes = [f"{sector.id}: {sector.note}"] if sector.note else []
    if sector.mfn_note and shipment.mfn_is_default:
        notes.append(f"{sector.id}: {sector.mfn_note}")
    if shipment.hts_source is not None:
        notes.append(f"HTS line from {shipment.hts_source}")
    return notes


def number(value: Decimal | None) -> float | None:
    """A JSON number. Money has at most cents and stays far below 2**53 cents, so the
    float's shortest repr is exactly the decimal written (103.92 -> 103.92)."""
    return None if value is None else float(value)


def dotted_hts(shipment: Shipment) -> str | None:
    """The shipment's HTS code as written (8703.23.01), when it was classified by one."""
    return format_hts(shipment.hts) if shipment.hts else None


def describe_shipment(
    table: RateTable, shipment: Shipment, *, value: bool = True, entry: bool = True
) -> str:
    """One line stating the shipment as understood (without what a command varies)."""
    what = (
        f"HTS {format_hts(shipment.hts)} {shipment.hts_description} (sector {shipment.sector})"
        if shipment.hts
        else f"sector {shipment.sector} ({table.sectors[shipment.sector].label})"
    )
    parts = [
        what,
        f"MFN {shipment.mfn_text or percent(shipment.mfn_rate)} ({shipment.mfn_source})",
        f"origin {shipment.origin} ({country_name(shipment.origin)})",
    ]
    if entry:
        parts.append(f"entry {shipment.entry_date.isoformat()}")
    if value:
        amount = f"customs value {usd(shipment.customs_value)} USD"
        if shipment.value_in_currency is not None:
            amount += (
                f" ({shipment.value_in_currency:,} {shipment.currency} at {shipment.fx} per USD)"
            )
        parts.append(amount)
    if shipment.metal_value is not None:
        parts.append(f"metal content {usd(shipment.metal_value)}")
    if shipment.us_content is not None:
        parts.append(f"US content {usd(shipment.us_content)}")
    if shipment.freight or shipment.insurance:
        parts.append(
            f"freight {usd(shipment.freight)}, insurance {usd(shipment.insurance)} (not dutiable)"
        )
    parts.append(shipment.mode)
    if shipment.quantity:
        unit = "" if shipment.unit == "each" else f" {shipment.unit}"
        parts.append(f"quantity {shipment.quantity:,}{unit}")
    return " · ".join(parts)


def overrides_note(table: RateTable) -> tuple[str, ...]:
    settings = describe_overrides(table)
    return (f"* what-if: {', '.join(settings)} (--set)",) if settings else ()


def legal_status(line: DutyLine) -> str:
    """What the JSON says of a duty line's legal basis: 'struck-down' or 'valid'."""
    return "struck-down" if line.struck_down else "valid"
