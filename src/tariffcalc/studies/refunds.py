"""Refunds: the duty each entry paid under a legal basis since struck down (IEEPA).

For each entry, the law on its entry date is assessed by the engine (the table's
by-date scenario); the lines whose legal basis a ruling struck down are what
could be claimed back. When the file carries what was actually paid, the two
are compared. An estimate, not legal advice or a filing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.records import InputRow, fold, text_of
from tariffcalc.inputs.shipment import amount
from tariffcalc.law.domain import Assessment, RateTable, Shipment
from tariffcalc.law.engine import assess
from tariffcalc.money import usd
from tariffcalc.studies.batch import Rejected, Scorer
from tariffcalc.studies.timeline import law_on_date

DISCLAIMER = (
    "An estimate of the duties paid under a legal basis since struck down, from the rate table"
    " and the law on each entry date: not legal advice and not a filing. How refunds are"
    " claimed is decided by the courts and CBP."
)
PAID_TOTAL = {"duty paid", "paid", "duties paid", "total duty paid", "paid duty", "duty"}
HEADING = re.compile(r"^(?:paid )?(9903\.\d{2}\.\d{2})$")


class Entry(NamedTuple):
    row: InputRow
    shipment: Shipment
    result: Assessment
    refundable: Decimal
    reason: str
    paid: Decimal | None  # the total duty paid, when the file has it
    paid_struck: Decimal | None  # paid under struck-down headings, when the file has them
    flagged: bool  # paid and computed differ by more than the tolerance


class Estimate(NamedTuple):
    """A file's entries, each with its refund estimate, the rows rejected, and the totals."""

    entries: list[Entry]
    rejected: list[Rejected]
    totals: Totals
    repeated: list[int]  # lines that repeat an earlier row cell for cell (each is counted)


class PaidColumns(NamedTuple):
    total: str | None  # the header of the total duty paid
    headings: dict[str, str]  # header -> chapter 99 heading


def paid_columns(header: Iterable[str]) -> PaidColumns:
    total = None
    headings = {}
    for column in header:
        folded = fold(column)
        match = HEADING.match(folded)
        if match:
            headings[column] = match.group(1)
        elif folded in PAID_TOTAL and total is None:
            total = column
    return PaidColumns(total, headings)


def period_of(table: RateTable) -> tuple[date, date] | None:
    """First and last entry day of the measures whose legal basis was struck down."""
    periods = [
        p for m in table.measures.values() if m.legal_basis in table.rulings for p in m.in_force
    ]
    if not periods:
        return None
    return min(p.start for p in periods), max(p.end or date.max for p in periods)


class Refunds:
    def __init__(
        self, table: RateTable, scorer: Scorer, paid: PaidColumns, tolerance: Decimal
    ) -> None:
        self.table = table
        self.scorer = scorer
        self.paid = paid
        self.tolerance = tolerance
        self.scenario = law_on_date(table)
        self.period = period_of(table)
        self.struck_headings = {
            h for m in table.measures.values() if m.legal_basis in table.rulings for h in m.headings
        }

    def estimate(self, rows: Iterable[InputRow]) -> Estimate:
        """Every row's entry, or why it was rejected, and the totals of them all."""
        result = Estimate([], [], Totals(), [])
        seen: set[tuple[str, ...]] = set()
        for item in self.entries(rows):
            cells = tuple(text_of(c) for c in item.row.cells.values())
            if cells in seen:
                result.repeated.append(item.row.line)
            seen.add(cells)
            if isinstance(item, Rejected):
                result.rejected.append(item)
                result.totals.rejected += 1
            else:
                result.entries.append(item)
                result.totals.add(item)
        return result

    def entries(self, rows: Iterable[InputRow]) -> Iterator[Entry | Rejected]:
        for row in rows:
            if row.malformed is not None:
                yield Rejected(row, "file", row.malformed)
                continue
            try:
                shipment = self.scorer.shipment(row.fields)
                yield self.entry(row, shipment, assess(self.table, shipment, self.scenario))
            except InputError as error:
                yield Rejected(row, error.field, error.message)

    def entry(self, row: InputRow, shipment: Shipment, result: Assessment) -> Entry:
        paid = self._paid(row, self.paid.total, "paid") if self.paid.total else None
        struck_columns = [c for c, h in self.paid.headings.items() if h in self.struck_headings]
        known = [p for c in struck_columns if (p := self._paid(row, c, c)) is not None]
        paid_struck = sum(known, Decimal(0)) if known else None  # empty cells: not said
        flagged = (paid is not None and abs(paid - result.duty) > self.tolerance) or (
            paid_struck is not None and abs(paid_struck - result.refundable) > self.tolerance
        )
        reason = self.reason(result, shipment.entry_date)
        refundable, why = claimable(result, paid, paid_struck)
        return Entry(
            row,
            shipment,
            result,
            refundable,
            why or reason,
            paid,
            paid_struck,
            flagged or bool(why),
        )

    def _paid(self, row: InputRow, column: str, field: str) -> Decimal | None:
        cell = text_of(row.cells.get(column, "")).strip()
        return amount(field, cell) if cell else None

    def reason(self, result: Assessment, day: date) -> str:
        struck = [line for line in result.lines if line.struck_down]
        if any(line.amount for line in struck):
            parts = ", ".join(
                f"{line.measure} {usd(line.amount)}" for line in struck if line.amount
            )
            return f"refundable: {parts}"
        if struck:
            return "the struck-down rate is inclusive of MFN and added nothing (MFN at or above it)"
        rulings = self.table.rulings
        exempt = [
            n
            for n in result.not_applied
            if n.reason == "exempt" and self.table.measures[n.measure].legal_basis in rulings
        ]
        if exempt:
            return f"nothing refundable: {exempt[0].detail}, which paid no {self._basis()} duty"
        if self.period and not self.period[0] <= day <= self.period[1]:
            others = ", ".join(line.measure for line in result.lines[1:] if line.amount)
            also = f"; {others} is not {self._basis()}" if others else ""
            return (
                f"nothing refundable: entered {day}, outside the {self._basis()} period"
                f" ({self.period[0]} to {self.period[1]}){also}"
            )
        return f"nothing refundable: no {self._basis()} measure applied to these goods"

    def _basis(self) -> str:
        names = [self.table.basis_name(b) for b in self.table.rulings]
        return " or ".join(names) or "struck-down"


def claimable(
    result: Assessment, paid: Decimal | None, paid_struck: Decimal | None
) -> tuple[Decimal, str | None]:
    """What can be claimed back: the struck-down duty computed, never more than was paid
    above the duty of the other measures, nor more than was paid under the struck-down
    headings. A payment below the other measures' duty cannot be reconciled with the law:
    nothing of it is counted, and why is said (the entry is flagged)."""
    computed = result.refundable
    if paid is not None:
        others = result.duty - computed
        if paid < others:
            return Decimal(0), (
                f"not counted: paid {usd(paid)}, less than the {usd(others)} of the measures"
                " that stand: check the entry"
            )
        computed = min(computed, paid - others)
    if paid_struck is not None:
        computed = min(computed, paid_struck)
    return computed, None


class Totals:
    """Refundable duty by month, origin and sector; paid and flagged counts."""

    def __init__(self) -> None:
        self.entries = 0
        self.rejected = 0
        self.refundable = Decimal(0)
        self.duty = Decimal(0)
        self.flagged = 0
        self.by: dict[str, dict[str, list[Decimal]]] = {"month": {}, "origin": {}, "sector": {}}

    def add(self, entry: Entry) -> None:
        self.entries += 1
        self.refundable += entry.refundable
        self.duty += entry.result.duty
        self.flagged += entry.flagged
        shipment = entry.shipment
        month = shipment.entry_date.isoformat()[:7]
        for by, key in (("month", month), ("origin", shipment.origin), ("sector", shipment.sector)):
            totals = self.by[by].setdefault(key, [Decimal(0), Decimal(0), Decimal(0)])
            totals[0] += 1
            totals[1] += entry.result.duty
            totals[2] += entry.refundable
