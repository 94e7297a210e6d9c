"""The domain as plain, immutable data: a compiled rate table, a shipment, an assessment.

These types are what the engine computes with. They carry no validation of
their own: a rate table reaches them only through `tariffcalc.law.ratetable`, which
validates it first. NamedTuples, not dataclasses: immutable, and about ten
times cheaper to define, which matters to a command's start-up.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from tariffcalc.law.ratetext import Shape, Term

Kind = Literal["additional", "inclusive"]
Base = Literal["value", "metal", "non_metal"]
Mode = Literal["ocean", "air", "truck", "rail"]
ListKind = Literal["exemption", "conditional", "partial", "scope"]
MODES: tuple[Mode, ...] = ("ocean", "air", "truck", "rail")
ALL = "all"
DEFAULT_ORIGIN = "JP"  # the showcase: a shipment from Japan unless the user says otherwise


class Period(NamedTuple):
    start: date
    end: date | None  # last day in force, inclusive; None = no end date

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def describe(self) -> str:
        return f"{self.start.isoformat()} → {self.end.isoformat() if self.end else 'open'}"


class Measure(NamedTuple):
    id: str
    label: str
    authority: str
    source: str
    confidence: str
    legal_basis: str
    origins: frozenset[str] | None  # None = every origin
    sectors: frozenset[str] | None  # None = every sector
    derivative: bool | None  # True: only with a metal content; False: only without
    kind: Kind
    rate: Decimal  # a fraction: 0.25 is 25%
    base: Base
    in_force: tuple[Period, ...]
    headings: tuple[str, ...] = ()  # HTS chapter 99 headings it is entered under
    supersedes: tuple[str, ...] = ()
    groups: frozenset[str] = frozenset()
    yields_to: frozenset[str] = frozenset()
    note: str | None = None
    except_lists: tuple[str, ...] = ()  # HTS lists whose lines it does not apply to
    # HTS lists that are its scope: with a code, only their lines (the sectors are then
    # ignored); without one, its sectors, or nothing when it has none (a note says so)
    scope_lists: tuple[str, ...] = ()
    unless_claimed: str | None = None  # a claim that takes the goods out (usmca)
    # goods the law names by description only (energy, potash): it applies when claimed
    only_if_claimed: str | None = None
    # charged on the non-US content only when the US content is at least this share of the
    # value (9903.01.34); None: on its whole base
    us_content_min: Decimal | None = None

    def in_force_on(self, day: date) -> bool:
        return any(period.covers(day) for period in self.in_force)


class ListEntry(NamedTuple):
    """A prefix of HTS lines on a list, over the entry dates it is a member."""

    prefix: str  # digits: 4 to 10 of them, covering every line below
    period: Period
    confidence: str
    note: str | None = None
    article: str | None = None  # partial lists: the only article of those lines covered


# A list entry as stored: (first day, last day or None, as ordinals; confidence; note;
# article). Plain tuples: the cached table holds thousands, and they unpickle in C.
StoredEntry = tuple[int, int | None, str, str | None, str | None]


class HtsList(NamedTuple):
    """A dated list of HTS lines that the law names, such as an exemption list. `conditional`
    and `partial` lists exempt a line only when the importer makes their `claim`."""

    id: str
    label: str
    heading: str  # the chapter 99 heading it is entered under
    authority: str
    source: str
    confidence: str
    kind: ListKind
    claim: str | None
    origins: frozenset[str] | None  # None = every origin
    note: str | None
    entries: dict[str, tuple[StoredEntry, ...]]  # prefix digits -> its entries
    first_day: date  # the earliest day any line is on it
    prefixes: tuple[str, ...] = ()  # the keys of `entries`, sorted: a sector's lines by bisection
    # The chapters (2 digits) of the entries, when known: most lines are on no list, and a
    # line of another chapter is off it at one lookup (batches of HTS lines ask millions).
    chapters: frozenset[str] | None = None

    def entry_on(self, digits: str, day: date) -> ListEntry | None:
        """The entry that puts the line `digits` on this list on `day`, if any."""
        if self.chapters is not None and digits[:2] not in self.chapters:
            return None
        ordinal = day.toordinal()
        for end in range(2, len(digits) + 1, 2):
            for stored in self.entries.get(digits[:end], ()):
                if stored[0] <= ordinal and (stored[1] is None or ordinal <= stored[1]):
                    return _entry(digits[:end], stored)
        return None

    def entries_of(self, digits: str) -> list[ListEntry]:
        """Every entry covering the line `digits`, whatever its dates."""
        return [
            _entry(digits[:end], stored)
            for end in range(2, len(digits) + 1, 2)
            for stored in self.entries.get(digits[:end], ())
        ]

    def all_entries(self) -> list[ListEntry]:
        """Every entry, by prefix."""
        return [_entry(p, stored) for p in sorted(self.entries) for stored in self.entries[p]]

    def holds_under(self, prefix: str, day: date) -> bool:
        """Whether some line at or under `prefix` (a sector's HTS prefix) is on the list on
        `day`: an entry above the prefix, or one below it, found by bisection."""
        ordinal = day.toordinal()
        above = [prefix[:end] for end in range(2, len(prefix) + 1) if prefix[:end] in self.entries]
        return any(
            s[0] <= ordinal and (s[1] is None or ordinal <= s[1])
            for key in chain(above, _keys_under(self.prefixes, prefix))
            for s in self.entries[key]
        )

    @property
    def size(self) -> int:
        return sum(len(entries) for entries in self.entries.values())


def _keys_under(keys: tuple[str, ...], prefix: str) -> Iterator[str]:
    """The sorted `keys` that start with `prefix`."""
    at = bisect_left(keys, prefix)
    while at < len(keys) and keys[at].startswith(prefix):
        yield keys[at]
        at += 1


def _entry(prefix: str, stored: StoredEntry) -> ListEntry:
    start, end, confidence, note, article = stored
    last = date.fromordinal(end) if end is not None else None
    return ListEntry(prefix, Period(date.fromordinal(start), last), confidence, note, article)


class Preference(NamedTuple):
    """A trade preference the importer may claim (`--claim usmca`): the codes the HTS
    special column lists it by, and the origins whose goods may claim it."""

    id: str
    label: str
    codes: tuple[str, ...]  # "S", "S+" for USMCA
    origins: frozenset[str] | None  # None = any origin
    source: str


class Ruling(NamedTuple):
    """A court's ruling on a legal basis: duties under it were struck down."""

    legal_basis: str
    decided: date
    authority: str
    note: str | None = None


class Scenario(NamedTuple):
    id: str
    label: str
    measures: tuple[str, ...] = ()
    by_date: bool = False  # the law on the entry date instead of a fixed set
    origins: frozenset[str] | None = None  # where it is not applicable, a result says so


class Sector(NamedTuple):
    id: str
    label: str
    mfn: Decimal
    hts: tuple[str, ...]  # digit prefixes
    metal_content: bool = False
    note: str | None = None  # about the sector's coverage
    mfn_note: str | None = None  # about its default MFN rate, shown when that rate is used


class HtsLine(NamedTuple):
    code: str  # digits only
    mfn: Decimal
    description: str


class MpfYear(NamedTuple):
    fiscal_year: int
    period: Period
    minimum: Decimal | None
    maximum: Decimal | None
    informal: Decimal | None
    confidence: str
    note: str | None = None


class Fees(NamedTuple):
    mpf_rate: Decimal
    mpf_authority: str
    informal_max_value: Decimal
    mpf_years: tuple[MpfYear, ...]
    hmf_rate: Decimal
    hmf_authority: str
    hmf_modes: frozenset[str]
    hmf_confidence: str
    de_minimis_max: Decimal | None = None
    de_minimis_periods: tuple[Period, ...] = ()
    de_minimis_authority: str = ""


class RateTable(NamedTuple):
    title: str
    source: str  # where it was loaded from, for messages
    legal_bases: dict[str, str]  # id -> display name
    sectors: dict[str, Sector]
    hts: dict[str, HtsLine]
    hts_source: str
    measures: dict[str, Measure]  # in table order
    scenarios: dict[str, Scenario]  # in table order
    fees: Fees
    rulings: dict[str, Ruling]  # legal basis -> the ruling that struck it down
    lists: dict[str, HtsList] = {}  # noqa: RUF012 (never changed: tables are rebuilt, not mutated)
    overridden: tuple[tuple[str, Decimal], ...] = ()  # (measure, rate) set by a what-if
    # Origins whose law an origin file states -> the measures it knows it leaves out; and
    # what is missing for any other origin. Empty for a table without origin files.
    coverage: dict[str, tuple[str, ...]] = {}  # noqa: RUF012 (as lists)
    uncovered: tuple[str, ...] = ()
    country_groups: dict[str, frozenset[str]] = {}  # noqa: RUF012 (as lists)
    preferences: dict[str, Preference] = {}  # noqa: RUF012 (as lists)

    def basis_name(self, basis: str) -> str:
        """A legal basis's short name: 'IEEPA' of 'IEEPA (International Emergency ...)'."""
        return self.legal_bases[basis].split(" (")[0]


class Shipment(NamedTuple):
    """One shipment, already resolved and converted to USD."""

    customs_value: Decimal  # USD, the dutiable (FOB) value
    origin: str  # ISO 3166 alpha-2
    entry_date: date
    sector: str
    mfn_rate: Decimal
    mfn_source: str  # where the MFN rate came from, for the reader
    mfn_is_default: bool  # the sector's default MFN rate, not a line's or the user's
    hts: str | None = None
    hts_description: str | None = None
    hts_source: str | None = None  # which HTS list the line came from
    metal_value: Decimal | None = None  # USD
    us_content: Decimal | None = None  # USD: the value of its US-origin content
    freight: Decimal = Decimal(0)
    insurance: Decimal = Decimal(0)
    mode: Mode = "ocean"
    quantity: Decimal | None = None
    unit: str = "each"  # what --quantity counts: 'each', 'kg', 'liter', ...
    # From an HTS rate text: its shape, and the specific or qualified parts beyond mfn_rate.
    mfn_text: str | None = None
    mfn_shape: Shape = "terms"
    mfn_terms: tuple[Term, ...] = ()
    currency: str = "USD"
    fx: Decimal | None = None  # units of `currency` per 1 USD
    value_in_currency: Decimal | None = None
    claims: frozenset[str] = frozenset()  # what the importer claims: civil-aircraft, ...
    notes: tuple[str, ...] = ()  # about its MFN rate: a preference claimed, or one it could


class DutyLine(NamedTuple):
    measure: str
    label: str
    authority: str
    kind: Kind | Literal["mfn"]
    nominal_rate: Decimal  # as the law states it (15% for "15% inclusive")
    rate: Decimal  # the rate charged on the base (15% - MFN for an inclusive rate)
    base_kind: Base
    base: Decimal
    amount: Decimal
    legal_basis: str
    confidence: str
    struck_down: bool = False  # its legal basis was struck down: collected, now refundable


class NotApplied(NamedTuple):
    measure: str
    label: str
    reason: Literal["superseded", "exempt", "not-in-force"]
    detail: str


class FeeLines(NamedTuple):
    mpf: Decimal
    hmf: Decimal
    mpf_fiscal_year: int
    informal_entry: bool

    @property
    def total(self) -> Decimal:
        return self.mpf + self.hmf


class Assessment(NamedTuple):
    scenario: str
    label: str
    lines: tuple[DutyLine, ...]
    not_applied: tuple[NotApplied, ...]
    duty: Decimal
    effective_rate: Decimal
    fees: FeeLines
    landed_cost: Decimal
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # all of them, fees' included
    fee_warnings: tuple[str, ...] = ()  # those about the fees alone
    overrides: tuple[str, ...] = ()  # "measure=rate" what-ifs that changed this result
    applicable: bool = True  # False: the scenario means nothing for this origin

    @property
    def duty_warnings(self) -> tuple[str, ...]:
        """The warnings about the duty: what a command that leaves fees out reports."""
        return tuple(w for w in self.warnings if w not in self.fee_warnings)

    @property
    def refundable(self) -> Decimal:
        """The duty collected under a legal basis since struck down."""
        return sum((line.amount for line in self.lines if line.struck_down), Decimal("0.00"))
