"""Plans as a table: the engine's decisions for one kind of shipment, as rows of rates. Pure.

A plan key is what the engine's plans depend on (classification, origin, whether and
how much metal content, the measures in force and the lists' say on the entry date);
`plan_rows` turns the engine's plans for a representative shipment of that key into one
row per (scenario, line): line 0 is the MFN (its ad valorem rate and its specific duty per
unit of the row's quantity), then each measure that applies, with its ad valorem rate
(`additional`) or its cap (`inclusive`: charged max(0, cap - MFN)) and the part of the
value it is charged on. The arithmetic of a row is then a join and a few expressions:
each line rounded half-up to the cent on its own, summed. Dates matter to plans only
through the days where rules change (`rule_changes`), and to fees through `fee_day`.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from tariffcalc.law.domain import Base, Fees, RateTable, Shipment
from tariffcalc.law.engine import Assessor, fee_terms, mpf_borrowed
from tariffcalc.law.ratetext import quantity_in

# What the columnar arithmetic carries exactly (integer rates scaled by 1e8 on cents up to
# 1e14, within the 28 digits of the engine's own Decimal arithmetic).
RATE_SCALE = 8
SPECIFIC_SCALE = 7
RATE_LIMIT = Decimal(10)


class PlanLine(NamedTuple):
    """One duty line of a plan under one scenario: its rate components."""

    scenario: str
    line: int  # 0: the MFN; then the measures, in the order of the duty lines
    measure: str
    ad_valorem: Decimal | None  # a rate on the base
    specific: Decimal | None  # USD per unit of the row's quantity (MFN only)
    cap: Decimal | None  # an inclusive rate: charged max(0, cap - MFN ad valorem)
    base: Base  # value, metal or non_metal


class Plan(NamedTuple):
    """A plan key's rows, and what every row of that key shares."""

    sector: str  # as classified
    origin: str  # as normalised
    lines: list[PlanLine]
    warnings: list[str]  # the MFN's and the plans', once each (the fees' are by date)
    exact: bool  # whether rates and arithmetic fit the columnar engine (else: row by row)


def plan_rows(assessor: Assessor, shipment: Shipment) -> Plan:
    """The plan table rows of every scenario for shipments like this one (its amounts matter
    only by which parts of the value they leave at zero, and whether a quantity is given)."""
    plans, warnings = assessor.plans_of(shipment)
    mfn_rate, specific = shipment.mfn_rate, _specific_per_unit(shipment)
    lines: list[PlanLine] = []
    for scenario, plan in zip(assessor.scenarios, plans, strict=True):
        lines.append(PlanLine(scenario, 0, "mfn", mfn_rate, specific, None, "value"))
        for number, step in enumerate(plan.steps, 1):
            m = step.measure
            additional = m.kind == "additional"
            rate, cap = (m.rate, None) if additional else (None, m.rate)
            lines.append(PlanLine(scenario, number, m.id, rate, None, cap, step.base_kind))
        warnings += plan.warnings
    exact = _fits(lines) and not (specific is not None and any(r.cap is not None for r in lines))
    return Plan(shipment.sector, shipment.origin, lines, list(dict.fromkeys(warnings)), exact)


def _specific_per_unit(shipment: Shipment) -> Decimal | None:
    """The MFN's specific duty per unit of the shipment's quantity, when one is computed."""
    if shipment.quantity is None:
        return None
    parts = [
        term.amount * factor
        for term in shipment.mfn_terms
        if term.kind == "specific"
        and (factor := quantity_in(term.unit, Decimal(1), shipment.unit)) is not None
    ]
    return sum(parts, Decimal(0)) if parts else None


def _fits(lines: list[PlanLine]) -> bool:
    rates = [r for line in lines for r in (line.ad_valorem, line.cap) if r is not None]
    specific = [line.specific for line in lines if line.specific is not None]
    return all(_scale(r) <= RATE_SCALE and 0 <= r <= RATE_LIMIT for r in rates) and all(
        _scale(s) <= SPECIFIC_SCALE and 0 <= s < RATE_LIMIT**4 for s in specific
    )


def _scale(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# --- dates ---------------------------------------------------------------------------------


def rule_changes(table: RateTable) -> list[date]:
    """Every day a measure or a list entry starts or stops applying, or a list begins: plans
    of shipments entered between two of these days are the same."""
    days: set[date] = set()
    for measure in table.measures.values():
        for period in measure.in_force:
            days.add(period.start)
            if period.end is not None:
                days.add(period.end + timedelta(days=1))
    for hts_list in table.lists.values():
        days.add(hts_list.first_day)
        for entry in hts_list.all_entries():
            days.add(entry.period.start)
            if entry.period.end is not None:
                days.add(entry.period.end + timedelta(days=1))
    return sorted(days)


def period_start(changes: list[date], day: date) -> date:
    """The first day of the period of `day` between rule changes: the day its plans are made on."""
    index = bisect_right(changes, day)
    return changes[index - 1] if index else date.min


class FeeDay(NamedTuple):
    """The fee terms of one entry date, for the columnar arithmetic."""

    day: date
    informal_max: Decimal  # values up to it pay the flat informal MPF
    flat: Decimal
    mpf_rate: Decimal
    low: Decimal
    high: Decimal | None  # None: no maximum
    hmf_rate: Decimal
    informal_warning: str | None  # the MPF rests on another fiscal year's values
    limit_warning: str | None  # ... when a formal MPF is at its minimum or maximum


def fee_day(fees: Fees, day: date) -> FeeDay:
    terms = fee_terms(fees, day)
    return FeeDay(
        day,
        fees.informal_max_value,
        terms.informal.informal or Decimal(0),
        fees.mpf_rate,
        terms.formal.minimum or Decimal(0),
        terms.formal.maximum or None,
        fees.hmf_rate,
        mpf_borrowed(terms, True, day),
        mpf_borrowed(terms, False, day),
    )
