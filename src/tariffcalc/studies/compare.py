"""`compare`: every combination of sectors or HTS codes, origins, dates and values, each
under the same scenarios. Pure, like the engine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import product
from typing import TYPE_CHECKING, NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.shipment import Number, make_shipment
from tariffcalc.law.domain import DEFAULT_ORIGIN, Assessment, RateTable, Shipment
from tariffcalc.law.engine import assess_all
from tariffcalc.studies.duty import scenario_ids, unique

if TYPE_CHECKING:
    from tariffcalc.inputs.schedule import Schedule


class Compared(NamedTuple):
    shipment: Shipment
    results: list[Assessment]  # one per scenario, in the order of Comparison.scenarios


class Comparison(NamedTuple):
    scenarios: list[str]
    rows: list[Compared]  # the product of what varies: sector/HTS, origin, date, value
    warnings: tuple[str, ...]


def compare(
    table: RateTable,
    *,
    values: Sequence[Number],
    sectors: Iterable[str] = (),
    hts: Iterable[str] = (),
    origins: Sequence[str] = (),
    dates: Sequence[date | str] = (),
    scenarios: Iterable[str] | None = None,
    mfn: Number | None = None,
    currency: str = "USD",
    fx: Number | None = None,
    metal_value: Number | None = None,
    mode: str = "ocean",
    schedule: Schedule | None = None,
) -> Comparison:
    """One row per combination (origin default JP, date default today), each under the
    scenarios asked for (default: all). HTS codes are looked up in `schedule` when given."""
    things = [("sector", s) for s in sectors] + [("hts", h) for h in hts]
    if not things:
        raise InputError("sector", "expected at least one --sector or --hts to compare")
    ids = scenario_ids(table.scenarios, scenarios)
    days: Sequence[date | str | None] = dates or [None]
    rows = []
    for (kind, thing), origin, day, value in product(
        things, origins or [DEFAULT_ORIGIN], days, values
    ):
        shipment = make_shipment(
            table,
            value=value,
            origin=origin,
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
        rows.append(Compared(shipment, assess_all(table, shipment, ids)))
    warnings = unique(w for row in rows for r in row.results for w in r.warnings)
    return Comparison(ids, rows, warnings)
