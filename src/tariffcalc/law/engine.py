"""The duty engine: shipment + scenario -> assessment. Pure: no I/O, no printing, no globals.

One general evaluator for every measure in the table:
1. scope: origin, sector and (for metal measures) whether a metal content was given;
2. selection: the scenario's measures, or for a by-date scenario those in force
   on the entry date;
3. `supersedes`: a selected measure drops the measures it replaces;
4. `yields_to`: a measure does not apply to the part of the value that a measure of
   those groups already covers (a car under Section 232 pays no reciprocal duty;
   a steel derivative's non-metal part still does);
5. amount: `additional` is rate x base; `inclusive` is max(0, rate - MFN) x base,
   each line rounded half-up to the cent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tariffcalc.law.domain import (
    Assessment,
    Base,
    DutyLine,
    FeeLines,
    Fees,
    Measure,
    MpfYear,
    NotApplied,
    RateTable,
    Scenario,
    Shipment,
)
from tariffcalc.law.lists import (
    list_check,
    list_key,
    on_scope_lists,
    scope_citation,
    unclaimed_scope,
)
from tariffcalc.money import cents, percent, usd

PARTS: dict[Base, frozenset[str]] = {
    "value": frozenset({"metal", "non_metal"}),
    "metal": frozenset({"metal"}),
    "non_metal": frozenset({"non_metal"}),
}
RATE_PLACES = Decimal("0.000001")
ZERO = Decimal(0)
AVE_PLACES = Decimal("1e-10")


def assess_all(
    table: RateTable, shipment: Shipment, scenarios: Iterable[str] | None = None
) -> list[Assessment]:
    """Assess the shipment under each scenario (default: every scenario of the table)."""
    priced = _price(table, shipment)
    ids = list(scenarios) if scenarios is not None else list(table.scenarios)
    plans = _make_plans(table, shipment, ids, measures_in_scope(table, shipment))
    return [_apply(table, plan, shipment, priced) for plan in plans]


def assess(table: RateTable, shipment: Shipment, scenario: str) -> Assessment:
    return assess_all(table, shipment, [scenario])[0]


class Figures(NamedTuple):
    """One scenario's totals for one shipment, without its lines: what a batch row reports."""

    duty: Decimal
    effective_rate: Decimal
    fees: Decimal  # MPF and HMF
    landed_cost: Decimal


class Assessor:
    """The figures and warnings `assess_all` gives, for many shipments under the same
    scenarios, by the same functions. Shipments alike in what a plan depends on (see
    `_Plan`) share their plans, and those entered on one day share their fee terms,
    so the work left for each shipment is its arithmetic: the batch hot path."""

    MAX_PLANS = 30_000  # plan sets kept; the cache starts over beyond it

    def __init__(self, table: RateTable, scenarios: Sequence[str]) -> None:
        self.table = table
        self.scenarios = list(scenarios)
        self.plans: dict[tuple[object, ...], list[_Plan]] = {}
        # By kind of shipment: the measures in scope, and their ids.
        self._in_scope: dict[
            tuple[str, str, bool, bool], tuple[tuple[Measure, ...], frozenset[str]]
        ] = {}
        self._in_force: dict[date, frozenset[str]] = {}  # by day: every kind's
        # By kind and day: the scoped measures in force, and those whose lists matter.
        self._on_day: dict[tuple[object, ...], tuple[frozenset[str], frozenset[str]]] = {}
        self._fee_terms: dict[date, FeeTerms] = {}
        self._lists: dict[tuple[object, ...], tuple[object, ...]] = {}
        self._order = {m: i for i, m in enumerate(table.measures)}  # id -> place in the table
        chosen = [table.scenarios[s] for s in self.scenarios]
        # measures whose lists matter whatever the date: those hypothetical scenarios name
        self._named = frozenset(i for s in chosen if not s.by_date for i in s.measures)

    def figures(self, shipment: Shipment) -> tuple[list[Figures], list[str]]:
        """Each scenario's figures, in order, and the warnings of them all, once each:
        the MFN's, the plans', then the fees' (`assess_all` warns of the same ones)."""
        amounts = _bases(shipment)
        plans = self._plans_for(shipment, amounts)
        mfn, ave, _, _, warnings = _mfn_duty(shipment)
        fees, fee_warning = self._fees(shipment)
        value = shipment.customs_value
        outside = value + shipment.freight + shipment.insurance + fees
        figures = []
        for plan in plans:
            duty = mfn
            for step in plan.steps:
                duty += _step_amount(step, amounts, ave)[2]
            figures.append(Figures(duty, effective_rate(duty, value), fees, outside + duty))
            if plan.warnings:
                warnings = [*warnings, *plan.warnings]
        if fee_warning is not None:
            warnings = [*warnings, fee_warning]
        return figures, list(dict.fromkeys(warnings))

    def plans_of(self, shipment: Shipment) -> tuple[list[_Plan], list[str]]:
        """The scenarios' plans for this shipment, shared as `figures` shares them, and the
        MFN's warnings: what a plan table (`law/plantable.py`) is made of."""
        return self._plans_for(shipment, _bases(shipment)), _mfn_duty(shipment)[4]

    def _plans_for(self, shipment: Shipment, amounts: dict[str, Decimal]) -> list[_Plan]:
        """The scenarios' plans, shared by shipments whose plans' steps are alike: the entry
        date matters only through the in-scope measures in force on it. Only the steps and
        warnings are used, which name no date (a plan's other texts name the first
        shipment's date). `amounts` are the shipment's `_bases`."""
        coded = shipment.hts is not None
        kind = (shipment.origin, shipment.sector, shipment.metal_value is not None, coded)
        measures = self.table.measures.values()
        found = self._in_scope.get(kind)
        if found is None:
            scoped = measures_in_scope(self.table, shipment)
            found = self._in_scope[kind] = (scoped, frozenset(m.id for m in scoped))
        scoped, scope = found
        day = shipment.entry_date
        on_day = self._on_day.get((kind, day))
        if on_day is None:
            in_force = self._in_force.get(day)
            if in_force is None:
                in_force = frozenset(m.id for m in measures if m.in_force_on(day))
                self._in_force[day] = in_force
            on_day = self._on_day[kind, day] = (scope & in_force, scope & (in_force | self._named))
        active, relevant = on_day  # one object for every row alike: a cache key holds it
        lists = self._list_key(shipment, relevant)
        key = (*kind, _present_parts(amounts), active, lists, shipment.claims)
        plans = self.plans.get(key)
        if plans is None:
            plans = _make_plans(self.table, shipment, self.scenarios, scoped)
            if len(self.plans) >= self.MAX_PLANS:
                self.plans.clear()
            self.plans[key] = plans
        return plans

    def _list_key(self, shipment: Shipment, relevant: frozenset[str]) -> tuple[object, ...]:
        """`list_key` for the measures whose lists can change a plan's steps (those in force,
        or named by a hypothetical scenario), remembered for rows of one line and day."""
        memo = (shipment.hts, shipment.entry_date, shipment.origin, shipment.claims, relevant)
        found = self._lists.get(memo)
        if found is None:
            if len(self._lists) >= self.MAX_PLANS:  # a key a row, in a file of HTS lines
                self._lists.clear()
            in_order = sorted(relevant, key=self._order.__getitem__)  # the table's
            measures = [self.table.measures[m] for m in in_order]
            found = self._lists[memo] = list_key(self.table, measures, shipment)
        return found

    def _fees(self, shipment: Shipment) -> tuple[Decimal, str | None]:
        """MPF plus HMF, and the warning of `_compute_fees` when the MPF rests on another
        fiscal year's values."""
        day = shipment.entry_date
        terms = self._fee_terms.get(day)
        if terms is None:
            terms = self._fee_terms[day] = fee_terms(self.table.fees, day)
        mpf, hmf, ad_valorem = _fee_amounts(self.table.fees, terms, shipment)
        borrowed = _mpf_fallback(self.table.fees, terms, shipment, mpf, ad_valorem)
        return mpf + hmf, borrowed[0] if borrowed is not None and borrowed[1] else None


class _Step(NamedTuple):
    """A measure that applies, and the parts of the value it is charged on."""

    measure: Measure
    parts: frozenset[str]
    base_kind: Base


class _Plan(NamedTuple):
    """The decisions of one scenario for one kind of shipment, before any arithmetic.

    Its steps depend only on the shipment's origin, sector, whether a metal content
    was given, which parts of the value are not zero (`_present_parts`) and which
    measures are in force on the entry date: shipments alike in these share them."""

    scenario: str
    label: str
    steps: tuple[_Step, ...]  # in the order of the duty lines
    not_applied: tuple[NotApplied, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]  # duty that rests on a fact the table marks as not confirmed


class _Priced(NamedTuple):
    """What is the same under every scenario: fees and the MFN line."""

    fees: FeeLines
    mfn: DutyLine
    ave: Decimal  # the MFN ad valorem equivalent, which inclusive measures are measured against
    notes: list[str]
    warnings: list[str]  # about the duty
    fee_warnings: list[str]  # about the fees, which flow totals and timelines leave out


def effective_rate(duty: Decimal, value: Decimal) -> Decimal:
    """Duty as a share of value, to a millionth: the one rounding of every effective rate."""
    return (duty / value).quantize(RATE_PLACES)


def _present_parts(amounts: dict[str, Decimal]) -> frozenset[str]:
    """The parts of the value (see `_bases`) that are not zero (a metal article is all metal)."""
    return frozenset(part for part in ("metal", "non_metal") if amounts[part])


def measures_in_scope(table: RateTable, shipment: Shipment) -> tuple[Measure, ...]:
    """The measures that reach this kind of shipment (`in_scope_of`), in the table's order."""
    return tuple(m for m in table.measures.values() if in_scope_of(m, shipment))


def _make_plans(
    table: RateTable, shipment: Shipment, scenario_ids: Iterable[str], scoped: Sequence[Measure]
) -> list[_Plan]:
    """Each scenario's plan for the shipment; `scoped` is `measures_in_scope` of it. Which
    of them the line's lists reach is found once for the scenarios by date and once for
    the hypothetical ones (which read a list as first published)."""
    reaches: dict[bool, tuple[list[Measure], list[Measure]]] = {}
    plans = []
    for scenario_id in scenario_ids:
        hypothetical = not table.scenarios[scenario_id].by_date
        if hypothetical not in reaches:
            reaches[hypothetical] = _reach(table, shipment, scoped, hypothetical)
        plans.append(_make_plan(table, shipment, scenario_id, *reaches[hypothetical]))
    return plans


def _reach(
    table: RateTable, shipment: Shipment, scoped: Sequence[Measure], hypothetical: bool
) -> tuple[list[Measure], list[Measure]]:
    """The scoped measures whose lists hold the line (or that have none), and the others:
    in scope but for their lines, where a claim may bring them in."""
    reached: list[Measure] = []
    off_lists: list[Measure] = []
    for m in scoped:
        (reached if on_scope_lists(table, m, shipment, hypothetical) else off_lists).append(m)
    return reached, off_lists


def _make_plan(
    table: RateTable,
    shipment: Shipment,
    scenario_id: str,
    reached: list[Measure],
    off_lists: list[Measure],
) -> _Plan:
    """The scenario's plan for the shipment, from `_reach`."""
    scenario = table.scenarios[scenario_id]
    hypothetical = not scenario.by_date
    in_scope = [m for m in reached if _claimed_if_needed(m, shipment)]
    not_applied: list[NotApplied] = []
    selected = [m for m in in_scope if _chosen(scenario, m, shipment.entry_date)]
    if scenario.by_date:
        not_applied += [_not_in_force(m, shipment) for m in in_scope if m not in selected]
    claim_notes = _scope_claims(table, scenario, shipment, off_lists)
    active, superseded = _supersede(selected)
    active, listed, list_notes = _list_exemptions(table, active, shipment, hypothetical)
    steps, exempt, notes = _steps(table, active, _present_parts(_bases(shipment)))
    not_applied += superseded + listed + exempt
    notes += [
        f"{n.measure} not applied: {n.detail}" for n in not_applied if n.reason != "not-in-force"
    ]
    notes += claim_notes + list_notes + _us_content_notes(steps, shipment)
    cited = (scope_citation(table, s.measure, shipment, hypothetical) for s in steps)
    notes += [citation for citation in cited if citation]
    notes += _unchecked_lists(table, [s.measure for s in steps], shipment)
    notes += _unchecked_scope(table, scenario, shipment)
    notes += _unclaimed(
        [m for m in reached if m not in in_scope], scenario, shipment, [s.measure for s in steps]
    )
    if not applicable(scenario, shipment):
        notes.insert(0, f"{scenario.id}: not applicable to goods of {shipment.origin}")
    label = scenario.label
    if scenario.by_date:
        label = f"{label} ({shipment.entry_date.isoformat()})"
    unconfirmed = tuple(
        f"{m.id}: not confirmed (confidence L): {m.note}"
        for m in (step.measure for step in steps)
        if m.confidence == "L"
    )
    warnings = unconfirmed + _content_unknown(steps, shipment)
    return _Plan(scenario.id, label, tuple(steps), tuple(not_applied), tuple(notes), warnings)


def _us_content_notes(steps: list[_Step], shipment: Shipment) -> list[str]:
    """How a US content given changes the measures that have a US-content rule."""
    if not shipment.us_content:
        return []
    amounts = _bases(shipment)
    notes = []
    for measure in (step.measure for step in steps if step.measure.us_content_min is not None):
        share = percent(measure.us_content_min or ZERO)
        if _on_non_us_content(measure, amounts):
            notes.append(
                f"{measure.id}: charged on the non-US content (US content {share} or more)"
            )
        else:
            notes.append(f"{measure.id}: on the whole value: the US content is under {share}")
    return notes


def _content_unknown(steps: list[_Step], shipment: Shipment) -> tuple[str, ...]:
    """A listed line charged on its metal content when none was given pays on its full
    value (CBP's rule when the content is not reported): say so."""
    if shipment.metal_value is not None or shipment.hts is None:
        return ()
    return tuple(
        f"{step.measure.id}: charged on the full value: the line is charged on its metal"
        " content, which was not given (--metal-value)"
        for step in steps
        if step.measure.base == "metal" and step.measure.scope_lists
    )


def _scope_claims(
    table: RateTable, scenario: Scenario, shipment: Shipment, off_lists: list[Measure]
) -> list[str]:
    """Notes on the measures a claim would bring the coded line under (its provision is on a
    scope list that needs a claim), the replaced ones left out. `off_lists`: the measures in
    scope but for their lists' lines."""
    hypothetical = not scenario.by_date
    waiting = [m for m in off_lists if _chosen(scenario, m, shipment.entry_date)]
    replaced = {old for m in waiting for old in m.supersedes}
    return [
        note
        for m in waiting
        if m.id not in replaced
        for note in unclaimed_scope(table, m, shipment, hypothetical)
    ]


def _list_exemptions(
    table: RateTable, active: list[Measure], shipment: Shipment, hypothetical: bool
) -> tuple[list[Measure], list[NotApplied], list[str]]:
    """The measures no list takes this line out of; those it does, and why; notes on
    claims that would and on memberships not confirmed."""
    kept: list[Measure] = []
    exempt: list[NotApplied] = []
    notes: list[str] = []
    for measure in active:
        claim = measure.unless_claimed
        if claim is not None and claim in shipment.claims:
            detail = f"as claimed (--claim {claim})"
            exempt.append(NotApplied(measure.id, measure.label, "exempt", detail))
            continue
        if claim is not None:
            notes.append(
                f"{measure.id} applies unless the goods qualify: if so, give --claim {claim}"
            )
        check = list_check(table, measure, shipment, hypothetical)
        notes += check.notes
        if check.exempt is None:
            kept.append(measure)
        else:
            exempt.append(check.exempt)
    return kept, exempt, list(dict.fromkeys(notes))


def _unchecked_lists(table: RateTable, active: list[Measure], shipment: Shipment) -> list[str]:
    """Without an HTS code the lists cannot be checked: say so where the sector's lines
    could be on one (a medicament of the pharma sector may be on Annex II)."""
    if shipment.hts is not None:
        return []
    prefixes = table.sectors[shipment.sector].hts
    named = dict.fromkeys(name for m in active for name in m.except_lists)
    day = shipment.entry_date
    on = [
        table.lists[name].label
        for name in named
        if any(table.lists[name].holds_under(prefix, day) for prefix in prefixes)
    ]
    if not prefixes or not on:
        return []
    return [f"some lines of sector {shipment.sector} are on {', '.join(on)}: give --hts to check"]


def _chosen(scenario: Scenario, measure: Measure, day: date) -> bool:
    """Whether the scenario takes the measure: the law on the day, or the ones it names."""
    return measure.in_force_on(day) if scenario.by_date else measure.id in scenario.measures


def _claimed_if_needed(measure: Measure, shipment: Shipment) -> bool:
    return measure.only_if_claimed is None or measure.only_if_claimed in shipment.claims


def _unclaimed(
    unclaimed: list[Measure], scenario: Scenario, shipment: Shipment, charged: list[Measure]
) -> list[str]:
    """Measures of goods named by description, that would replace what is charged if the
    goods are such, or add to it (a measure replacing only other unclaimed ones, such as an
    earlier start for some companies): the claim that says they are."""
    due = [m for m in unclaimed if _chosen(scenario, m, shipment.entry_date)]
    ids = {m.id for m in due}
    replaced = {old for m in due for old in m.supersedes}
    notes = []
    for m in due:
        what = f"{m.id} ({m.label}, {percent(m.rate)})"
        if any(c.id in m.supersedes for c in charged):
            notes.append(
                f"{what} applies instead to goods so described:"
                f" if these are, give --claim {m.only_if_claimed}"
            )
        elif m.id not in replaced and all(old in ids for old in m.supersedes):
            notes.append(
                f"{what} applies to goods so described: if these are, give --claim"
                f" {m.only_if_claimed}"
            )
    return notes


def _unchecked_scope(table: RateTable, scenario: Scenario, shipment: Shipment) -> list[str]:
    """Measures of listed lines only, that a shipment without a code may or may not owe."""
    if shipment.hts is not None:
        return []
    day = shipment.entry_date
    return [
        f"{m.id} applies to the lines of {', '.join(table.lists[n].label for n in m.scope_lists)}"
        ": give --hts to check"
        for m in table.measures.values()
        if m.scope_lists
        and m.sectors is None
        and (m.origins is None or shipment.origin in m.origins)
        and _chosen(scenario, m, day)
    ]


def _price(table: RateTable, shipment: Shipment) -> _Priced:
    fees, fee_notes, fee_warnings = _compute_fees(table.fees, shipment)
    mfn, ave, mfn_notes, mfn_warnings = _mfn_line(shipment)
    notes = [*shipment.notes, *mfn_notes, *fee_notes]
    return _Priced(fees, mfn, ave, notes, mfn_warnings, fee_warnings)


def _bases(shipment: Shipment) -> dict[str, Decimal]:
    """The amount of each base a step can have: the whole value, or its metal or other part."""
    value = shipment.customs_value
    metal = shipment.metal_value if shipment.metal_value is not None else value
    us = shipment.us_content or ZERO
    return {"value": value, "metal": metal, "non_metal": value - metal, "us": us}


def _step_amount(
    step: _Step, amounts: dict[str, Decimal], ave: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(rate charged, base, amount) of one line: the one place a measure's duty is computed."""
    measure = step.measure
    rate = measure.rate if measure.kind == "additional" else max(ZERO, measure.rate - ave)
    base = amounts[step.base_kind]
    if _on_non_us_content(measure, amounts):  # the US share of each part is taken out
        base = cents(base * (amounts["value"] - amounts["us"]) / amounts["value"])
    return rate, base, cents(rate * base)


def _on_non_us_content(measure: Measure, amounts: dict[str, Decimal]) -> bool:
    """Whether the measure is charged on the non-US content only (9903.01.34: when the US
    content is at least its share of the value)."""
    share = measure.us_content_min
    return share is not None and amounts["us"] > 0 and amounts["us"] >= share * amounts["value"]


def _apply(table: RateTable, plan: _Plan, shipment: Shipment, priced: _Priced) -> Assessment:
    """The arithmetic of a plan for one shipment: lines, duty, fees, landed cost."""
    amounts = _bases(shipment)
    lines = [priced.mfn]
    for step in plan.steps:
        rate, base, amount = _step_amount(step, amounts, priced.ave)
        struck_down = step.measure.legal_basis in table.rulings
        lines.append(_line(step.measure, step.base_kind, rate, base, amount, struck_down))
    duty = sum((line.amount for line in lines), Decimal(0))
    value = shipment.customs_value
    landed = value + shipment.freight + shipment.insurance + duty + priced.fees.total
    overridden = dict(table.overridden)
    return Assessment(
        scenario=plan.scenario,
        label=plan.label,
        lines=tuple(lines),
        not_applied=plan.not_applied,
        duty=duty,
        effective_rate=effective_rate(duty, value),
        fees=priced.fees,
        landed_cost=landed,
        notes=tuple([*plan.notes, *_confidence_notes(table, lines, shipment), *priced.notes]),
        warnings=(*plan.warnings, *priced.warnings, *priced.fee_warnings),
        fee_warnings=tuple(priced.fee_warnings),
        overrides=tuple(
            f"{line.measure}={percent(overridden[line.measure])}"
            for line in lines
            if line.measure in overridden
        ),
        applicable=applicable(table.scenarios[plan.scenario], shipment),
    )


def applicable(scenario: Scenario, shipment: Shipment) -> bool:
    """Whether the scenario means something for the shipment's origin (Japan's deal does not
    for Chinese goods: its figures are those of its measures for all origins)."""
    return scenario.origins is None or shipment.origin in scenario.origins


def in_scope_of(measure: Measure, shipment: Shipment) -> bool:
    """Whether the measure reaches this kind of shipment, short of its scope lists' lines
    (`lists.on_scope_lists`): a measure with scope lists reaches any coded line."""
    listed = bool(measure.scope_lists) and shipment.hts is not None
    return (
        (measure.origins is None or shipment.origin in measure.origins)
        and _sector_in_scope(measure, shipment, listed)
        and (
            listed  # the lists, not whether a metal content was given, say which annex
            or measure.derivative is None
            or measure.derivative == (shipment.metal_value is not None)
        )
    )


def _sector_in_scope(measure: Measure, shipment: Shipment, listed: bool) -> bool:
    if listed:  # a coded line: the lists decide
        return True
    if measure.sectors is None:
        return not measure.scope_lists  # listed lines only: unknown without a code
    return shipment.sector in measure.sectors


def _not_in_force(measure: Measure, shipment: Shipment) -> NotApplied:
    periods = ", ".join(p.describe() for p in measure.in_force)
    when = f"in force {periods}" if periods else "never in force: a hypothetical scenario only"
    detail = f"not in force on {shipment.entry_date.isoformat()} ({when})"
    return NotApplied(measure.id, measure.label, "not-in-force", detail)


def _supersede(selected: list[Measure]) -> tuple[list[Measure], list[NotApplied]]:
    replaced_by = {old: m for m in selected for old in m.supersedes}
    active = [m for m in selected if m.id not in replaced_by]
    dropped = [
        NotApplied(
            m.id,
            m.label,
            "superseded",
            f"superseded by {replaced_by[m.id].id}",
        )
        for m in selected
        if m.id in replaced_by
    ]
    return active, dropped


def _steps(
    table: RateTable, active: list[Measure], present: frozenset[str]
) -> tuple[list[_Step], list[NotApplied], list[str]]:
    """The measures that apply (in table order), those exempted, and notes on partial bases."""
    covered_by: dict[str, frozenset[str]] = {}  # applied measure id -> parts of the value it covers
    groups = {m.id: m.groups for m in active}
    applied: dict[str, _Step] = {}
    exempt: list[NotApplied] = []
    notes: list[str] = []
    for measure in _yield_order(active):
        blockers = [i for i in covered_by if groups[i] & measure.yields_to]
        taken = frozenset().union(*(covered_by[i] for i in blockers))
        remaining = PARTS[measure.base] - taken
        if blockers and not remaining & present:
            detail = (
                f"goods subject to {_basis_names(table, active, blockers)} ({', '.join(blockers)})"
            )
            exempt.append(NotApplied(measure.id, measure.label, "exempt", detail))
            continue
        base_kind = _base_kind(remaining)
        if blockers and base_kind != measure.base:
            notes.append(
                f"{measure.id} applies to the {base_kind.replace('_', '-')} part only:"
                f" the rest is subject to {', '.join(blockers)}"
            )
        covered_by[measure.id] = remaining
        applied[measure.id] = _Step(measure, remaining, base_kind)
    order = [m.id for m in active]
    return sorted(applied.values(), key=lambda step: order.index(step.measure.id)), exempt, notes


def _yield_order(active: list[Measure]) -> list[Measure]:
    """Measures after the measures they yield to, otherwise in table order."""
    pending, done = list(active), []
    while pending:
        for measure in pending:
            waits_on = [o for o in pending if o is not measure and o.groups & measure.yields_to]
            if not waits_on:
                done.append(measure)
                pending.remove(measure)
                break
        else:  # a cycle; the loader refuses these, so this is only a safety net
            done += pending
            break
    return done


def _basis_names(table: RateTable, active: list[Measure], ids: list[str]) -> str:
    """'Section 232' for the measures `ids`, by their legal basis."""
    bases = dict.fromkeys(m.legal_basis for m in active if m.id in ids)
    return " and ".join(table.basis_name(b) for b in bases)


def _base_kind(parts: Set[str]) -> Base:
    if parts == PARTS["value"]:
        return "value"
    return "metal" if parts == PARTS["metal"] else "non_metal"


def _line(
    measure: Measure,
    base_kind: Base,
    rate: Decimal,
    base: Decimal,
    amount: Decimal,
    struck_down: bool,
) -> DutyLine:
    return DutyLine(
        measure=measure.id,
        label=measure.label,
        authority=measure.authority,
        kind=measure.kind,
        nominal_rate=measure.rate,
        rate=rate,
        base_kind=base_kind,
        base=base,
        amount=amount,
        legal_basis=measure.legal_basis,
        confidence=measure.confidence,
        struck_down=struck_down,
    )


def _mfn_duty(shipment: Shipment) -> tuple[Decimal, Decimal, bool, list[str], list[str]]:
    """The MFN duty (ad valorem, plus specific parts when the quantity is known) to the
    cent; its ad valorem equivalent, which inclusive measures use: the rate itself when
    the duty is ad valorem, the unrounded duty / value when a specific part was computed;
    whether one was; notes; warnings. A plain tuple: this is on the batch hot path."""
    value = shipment.customs_value
    exact = shipment.mfn_rate * value
    if not shipment.mfn_terms and shipment.mfn_shape == "terms":  # plain ad valorem: most rows
        return cents(exact), shipment.mfn_rate, False, [], []
    from tariffcalc.law.ratetext import quantity_in

    specific = False
    notes: list[str] = []
    warnings: list[str] = []
    for term in shipment.mfn_terms:
        if term.kind == "ad_valorem":
            warnings.append(
                f"MFN: {term.describe()} not computed: it is charged on part of the value;"
                " pass --mfn with the line's ad valorem equivalent"
            )
            continue
        quantity = quantity_in(term.unit, shipment.quantity, shipment.unit)
        if quantity is None:
            warnings.append(
                f"MFN: the specific part {term.describe()} not computed:"
                f" give --quantity and --unit {term.unit}"
            )
            continue
        exact += term.amount * quantity
        specific = True
        if term.qualifier:
            notes.append(f"MFN: {term.describe()}: the quantity must be measured {term.qualifier}")
    if shipment.mfn_shape in ("reference", "formula"):
        why = "set by another provision" if shipment.mfn_shape == "reference" else "a formula"
        warnings.append(
            f"MFN: the rate {shipment.mfn_text!r} is {why}: only its ad valorem part is"
            " computed; pass --mfn for the rate that applies"
        )
    ave = exact / value if specific else shipment.mfn_rate
    return cents(exact), ave, specific, notes, warnings


def _mfn_line(shipment: Shipment) -> tuple[DutyLine, Decimal, list[str], list[str]]:
    """The MFN duty line (see `_mfn_duty`), its ad valorem equivalent, notes and warnings."""
    amount, ave, specific, notes, warnings = _mfn_duty(shipment)
    rate_text = shipment.mfn_text or percent(shipment.mfn_rate)
    line = DutyLine(
        measure="mfn",
        label=f"MFN (column 1 general) {rate_text}, {shipment.mfn_source}",
        authority="HTSUS column 1 general rate",
        kind="mfn",
        nominal_rate=shipment.mfn_rate,
        rate=ave.quantize(AVE_PLACES) if specific else ave,
        base_kind="value",
        base=shipment.customs_value,
        amount=amount,
        legal_basis="mfn",
        confidence="H",
    )
    return line, ave, notes, warnings


def _confidence_notes(table: RateTable, lines: list[DutyLine], shipment: Shipment) -> list[str]:
    notes = []
    for line in lines[1:]:
        measure = table.measures[line.measure]
        if measure.note and (measure.confidence != "H" or line.amount == 0 or measure.derivative):
            notes.append(f"{measure.id}: {measure.note}")
        if measure.confidence == "M":
            notes.append(f"{measure.id}: confidence M (one good secondary source)")
    uncovered = origin_note(table, shipment.origin)
    return [*notes, uncovered] if uncovered else notes


def origin_note(table: RateTable, origin: str) -> str | None:
    """Say so when the table has no country-specific measure for an origin."""
    if any(origin in (m.origins or ()) for m in table.measures.values()):
        return None
    return (
        f"no measure of this table names origin {origin}: only measures for all"
        " origins apply; its country-specific rates, if any, are not in the table"
    )


# --- fees ------------------------------------------------------------------------


class FeeTerms(NamedTuple):
    """The MPF terms for one entry date: its fiscal year, and the years whose confirmed
    limits and informal fee are used (the nearest confirmed ones, when its own are not)."""

    year: MpfYear | None
    formal: MpfYear
    informal: MpfYear

    @property
    def fiscal_year(self) -> int:
        return self.year.fiscal_year if self.year else self.formal.fiscal_year


def fee_terms(fees: Fees, day: date) -> FeeTerms:
    year = next((y for y in fees.mpf_years if y.period.covers(day)), None)
    formal = _nearest(fees.mpf_years, day, lambda y: y.minimum is not None)
    informal = _nearest(fees.mpf_years, day, lambda y: y.informal is not None)
    return FeeTerms(year, formal, informal)


def _fee_amounts(
    fees: Fees, terms: FeeTerms, shipment: Shipment
) -> tuple[Decimal, Decimal, Decimal]:
    """(MPF, HMF, the MPF before its limits): the one place the fees are computed."""
    value = shipment.customs_value
    hmf = cents(value * fees.hmf_rate) if shipment.mode in fees.hmf_modes else Decimal(0)
    if value <= fees.informal_max_value:
        flat = terms.informal.informal or Decimal(0)
        return flat, hmf, flat
    ad_valorem = cents(value * fees.mpf_rate)
    low, high = terms.formal.minimum or Decimal(0), terms.formal.maximum or ad_valorem
    return min(max(ad_valorem, low), high), hmf, ad_valorem


def _compute_fees(fees: Fees, shipment: Shipment) -> tuple[FeeLines, list[str], list[str]]:
    """MPF (formal: ad valorem within the fiscal year's min/max; informal: flat) and HMF."""
    terms = fee_terms(fees, shipment.entry_date)
    mpf, hmf, ad_valorem = _fee_amounts(fees, terms, shipment)
    informal = shipment.customs_value <= fees.informal_max_value
    notes: list[str] = []
    warnings: list[str] = []
    if informal:
        notes.append(
            f"informal entry (value up to {usd(fees.informal_max_value)}): flat MPF {usd(mpf)}"
        )
    borrowed = _mpf_fallback(fees, terms, shipment, mpf, ad_valorem)
    if borrowed is not None and borrowed[1]:  # between the limits, the limits changed nothing
        warnings.append(borrowed[0])
    if _de_minimis_open(fees, shipment):
        notes.append(
            f"value up to {usd(fees.de_minimis_max or Decimal(0))} entered on"
            f" {shipment.entry_date}: the shipment may have qualified for duty-free de minimis"
            f" entry ({fees.de_minimis_authority}); the figures assume a regular entry"
        )
    if shipment.mode not in fees.hmf_modes:
        notes.append(f"no HMF: it applies to {', '.join(sorted(fees.hmf_modes))} shipments only")
    return FeeLines(mpf, hmf, terms.fiscal_year, informal), notes, warnings


def _de_minimis_open(fees: Fees, shipment: Shipment) -> bool:
    return (
        fees.de_minimis_max is not None
        and shipment.customs_value <= fees.de_minimis_max
        and any(p.covers(shipment.entry_date) for p in fees.de_minimis_periods)
    )


def _nearest(years: tuple[MpfYear, ...], day: date, usable: Callable[[MpfYear], bool]) -> MpfYear:
    """The usable year covering the entry date, else the latest usable one before it,
    else the earliest."""
    candidates = [y for y in years if usable(y)]
    covering = [y for y in candidates if y.period.covers(day)]
    before = [y for y in candidates if y.period.start <= day]
    return (covering or before[-1:] or candidates[:1])[0]


def _mpf_fallback(
    fees: Fees, terms: FeeTerms, shipment: Shipment, mpf: Decimal, ad_valorem: Decimal
) -> tuple[str, bool] | None:
    """What the MPF borrowed from another fiscal year, if anything, and whether the fee
    depends on it: always for the informal fee, for the formal one only at a limit."""
    informal = shipment.customs_value <= fees.informal_max_value
    text = mpf_borrowed(terms, informal, shipment.entry_date)
    if text is None:  # the usual case, and the batch hot path
        return None
    return text, informal or mpf != ad_valorem


def mpf_borrowed(terms: FeeTerms, informal: bool, day: date) -> str | None:
    """What an MPF entered on `day` borrows from another fiscal year's values, if anything:
    the flat informal fee, or the formal fee's limits (which matter only when reached)."""
    source = terms.informal if informal else terms.formal
    if source is terms.year:
        return None
    if informal:
        what = f"informal MPF {usd(source.informal or ZERO)}"
    else:
        what = f"min {usd(source.minimum or ZERO)}, max {usd(source.maximum or ZERO)}"
    year = terms.year
    missing = f"FY{year.fiscal_year}" if year else f"the fiscal year of {day}"
    return f"MPF values for {missing} not confirmed; FY{source.fiscal_year} values used ({what})"


def describe_rate(line: DutyLine) -> str:
    if line.kind == "inclusive":
        return f"{percent(line.rate)} ({percent(line.nominal_rate)} incl. MFN)"
    return percent(line.rate)
