"""Measures whose scope is a dated HTS list (`scope_lists`): with a code the list decides,
without one the measure's sectors do, or a note says the line must be given. Measures
that a claim takes the goods out of (`unless_claimed`), and those of goods the law names by
description only, that a claim brings in (`only_if_claimed`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tariffcalc.errors import RatesError
from tariffcalc.inputs.shipment import claimed
from tariffcalc.law import ratetable
from tariffcalc.law.domain import RateTable, Shipment
from tariffcalc.law.engine import Assessor, assess
from tariffcalc.studies.timeline import boundaries

# A made-up list: hoses from 2025-05-03, a whole heading of seats until 2025-12-31.
PARTS_LIST = """\
schema: 1
id: test-parts
label: Test parts list
heading: "9903.94.05"
authority: a test
source: a test
confidence: H
kind: scope
origins: all
lines:
  - {hts: "4009.12.00", from: 2025-05-03}
  - {hts: "9401.20", from: 2025-05-03, to: 2025-12-31}
"""

MEASURE = """\
extends: builtin
measures:
  - id: test-parts-25
    label: Test 25% on listed parts
    authority: a test
    source: a test
    confidence: H
    legal_basis: s232
    origins: all
    sectors: {sectors}
    kind: additional
    rate: 25%
    base: value
    in_force: [{{from: 2025-05-03, to: null}}]
    scope_lists: [{lists}]
"""


@pytest.fixture
def with_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    listed = tmp_path / "lists" / "test-parts.yaml"
    listed.parent.mkdir()
    listed.write_text(PARTS_LIST)
    shipped = ratetable._shipped_lists()
    monkeypatch.setattr(ratetable, "_shipped_lists", lambda: [*shipped, listed])
    return listed


def _table(tmp_path: Path, sectors: str = "all", lists: str = "test-parts") -> RateTable:
    path = tmp_path / "table.yaml"
    path.write_text(MEASURE.format(sectors=sectors, lists=lists))
    return ratetable.load_table(path, use_cache=False)


def _shipment(
    day: str, hts: str | None, sector: str = "general", claims: frozenset[str] = frozenset()
) -> Shipment:
    return Shipment(
        customs_value=Decimal("10000.00"),
        origin="KR",
        entry_date=date.fromisoformat(day),
        sector=sector,
        mfn_rate=Decimal(0),
        mfn_source="test",
        mfn_is_default=False,
        hts=hts,
        claims=claims,
    )


def _charged(table: RateTable, shipment: Shipment) -> Decimal:
    lines = assess(table, shipment, "in-force").lines
    return sum((line.amount for line in lines if line.measure == "test-parts-25"), Decimal(0))


def test_with_a_code_the_list_decides_on_the_entry_date(with_list: Path, tmp_path: Path) -> None:
    table = _table(tmp_path, sectors="[autos]")
    assert _charged(table, _shipment("2025-06-01", "4009120020")) == Decimal("2500.00")
    assert _charged(table, _shipment("2025-06-01", "9401200000")) == Decimal("2500.00")
    # Off the list on that date, or never on it (an 8708 line of the autos sector): nothing.
    assert _charged(table, _shipment("2026-01-02", "9401200000")) == 0
    assert _charged(table, _shipment("2025-06-01", "8708295160", "autos")) == 0


def test_without_a_code_the_sectors_decide(with_list: Path, tmp_path: Path) -> None:
    table = _table(tmp_path, sectors="[autos]")
    assert _charged(table, _shipment("2025-06-01", None, "autos")) == Decimal("2500.00")
    assert _charged(table, _shipment("2025-06-01", None, "general")) == 0


def test_without_a_code_or_sectors_a_note_asks_for_the_line(
    with_list: Path, tmp_path: Path
) -> None:
    table = _table(tmp_path)
    result = assess(table, _shipment("2025-06-01", None), "in-force")
    assert "test-parts-25" not in [line.measure for line in result.lines]
    assert "test-parts-25 applies to the lines of Test parts list: give --hts to check" in (
        result.notes
    )
    assert not any(
        "test-parts-25" in n for n in assess(table, _shipment("2025-05-02", None), "in-force").notes
    )


def test_batch_plans_keep_lines_apart(with_list: Path, tmp_path: Path) -> None:
    # Shipments alike but for their line share no plan: one is listed, one is not.
    table = _table(tmp_path)
    assessor = Assessor(table, ["in-force"])
    listed = _shipment("2025-06-01", "4009120020")
    unlisted = _shipment("2025-06-01", "4009110000")
    left = _shipment("2026-01-02", "9401200000")
    duties = [assessor.figures(s)[0][0].duty for s in (listed, unlisted, left)]
    assert duties == [assess(table, s, "in-force").duty for s in (listed, unlisted, left)]
    # (both lines are on the shipped auto-parts lists too: compare the test measure's lines)
    assert [_charged(table, s) for s in (listed, unlisted)] == [Decimal("2500.00"), 0]


def test_a_timeline_breaks_where_the_line_leaves_the_list(with_list: Path, tmp_path: Path) -> None:
    table = _table(tmp_path)
    assert date(2026, 1, 1) in boundaries(table, _shipment("2025-06-01", "9401200000"))


def test_an_exception_list_cannot_be_a_scope(with_list: Path, tmp_path: Path) -> None:
    with pytest.raises(RatesError) as raised:
        _table(tmp_path, lists="ieepa-annex-ii")
    said = "scope_lists: expected a list of kind scope, got 'ieepa-annex-ii' of kind exemption"
    assert said in str(raised.value)


UNLESS_CLAIMED = """\
extends: builtin
measures:
  - id: test-unless
    label: Test 25% unless claimed
    authority: a test
    source: a test
    confidence: H
    legal_basis: s232
    origins: [KR]
    sectors: all
    kind: additional
    rate: 25%
    base: value
    in_force: [{from: 2025-05-03, to: null}]
    unless_claimed: test-preference
"""


def test_a_claim_takes_the_goods_out_of_a_measure_and_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "table.yaml"
    path.write_text(UNLESS_CLAIMED)
    table = ratetable.load_table(path, use_cache=False)
    plain = _shipment("2025-06-01", "4009120020")
    claiming = plain._replace(claims=claimed(table, ["Test-Preference"]))
    charged, spared = assess(table, plain, "in-force"), assess(table, claiming, "in-force")
    assert charged.duty - spared.duty == Decimal("2500.00")
    assert "test-unless applies unless the goods qualify: if so, give --claim test-preference" in (
        charged.notes
    )
    [out] = [n for n in spared.not_applied if n.measure == "test-unless"]
    assert (out.reason, out.detail) == ("exempt", "as claimed (--claim test-preference)")
    assessor = Assessor(table, ["in-force"])
    assert [assessor.figures(s)[0][0].duty for s in (plain, claiming)] == [
        charged.duty,
        spared.duty,
    ]


def _canadian(day: str, *claims: str, table: RateTable) -> Shipment:
    return _shipment(day, None)._replace(origin="CA", claims=claimed(table, claims))


def test_goods_named_by_description_pay_their_rate_when_claimed(table: RateTable) -> None:
    # Natural gas of Canada on 2025-08-01: the 35% border duty, unless the importer says the
    # goods are energy (9903.01.13, 10%) or USMCA goods (9903.01.14, exempt from both).
    plain = assess(table, _canadian("2025-08-01", table=table), "in-force")
    assert plain.duty == Decimal("3500.00")
    said = "ca-energy (IEEPA duty on energy and critical minerals, 10%) applies instead"
    assert any(n.startswith(said) and n.endswith("give --claim energy") for n in plain.notes)
    energy = assess(table, _canadian("2025-08-01", "energy", table=table), "in-force")
    assert energy.duty == Decimal("1000.00")
    assert [line.measure for line in energy.lines if line.amount] == ["ca-energy"]
    both = assess(table, _canadian("2025-08-01", "energy", "usmca", table=table), "in-force")
    assert both.duty == 0
    # Before the USMCA exemption (2025-03-04 to 03-06) energy paid 10% whatever its claims.
    early = assess(table, _canadian("2025-03-05", "energy", "usmca", table=table), "in-force")
    assert early.duty == Decimal("1000.00")
    assessor = Assessor(table, ["in-force"])
    shipments = [_canadian("2025-08-01", *c, table=table) for c in ((), ("energy",))]
    assert [assessor.figures(s)[0][0].duty for s in shipments] == [plain.duty, energy.duty]
