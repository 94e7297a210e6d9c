"""The Section 232 lists of data/lists/ (s232-*.yaml) and how the engine reads them.

The data tests read the shipped files; the builder test needs ../shared (it skips without).
The engine tests need neither: shipments with a code and the MFN Free, $10,000.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SHARED, Cli
from tariffcalc.errors import InputError
from tariffcalc.inputs.shipment import claimed, make_shipment
from tariffcalc.law.domain import RateTable, Shipment
from tariffcalc.law.engine import assess
from test_lists_law import _line

REPO = Path(__file__).resolve().parents[1]
LISTS = REPO / "data" / "lists"
SCOPE = {  # id: (heading, entries)
    "s232-autos": ("9903.94.01", 17),
    "s232-auto-parts": ("9903.94.05", 79),
    "s232-mhd-vehicles": ("9903.74.01", 25),
    "s232-mhd-parts": ("9903.74.08", 126),
    "s232-buses": ("9903.74.02", 10),
    "s232-copper": ("9903.78.01", 80),
    "s232-steel-alu-full-value": ("9903.81.87", 212),
    "s232-steel-alu-content": ("9903.81.91", 620),
    "s232-metals-annex-1a": ("9903.82.02", 203),
    "s232-metals-annex-1a-copper": ("9903.82.02", 76),
    "s232-metals-annex-1b": ("9903.82.09", 432),
    "s232-metals-annex-1b-copper": ("9903.82.09", 3),
    "s232-metals-annex-3": ("9903.82.10", 47),
    "s232-semiconductors": ("9903.79.01", 3),
    "s232-softwood-lumber": ("9903.76.01", 15),
    "s232-wood-furniture": ("9903.76.02", 4),
    "s232-kitchen-cabinets": ("9903.76.03", 3),
}
CLAIMED_SCOPE = {  # id: (heading, entries, claim): in scope only when claimed
    "s232-auto-parts-general": ("9903.94.05", 51, "auto-part"),
    "s232-mhd-parts-general": ("9903.74.08", 56, "mhd-part"),
}
CONDITIONAL = {  # id: claim
    "s232-auto-parts-use": "not-auto-part",
    "s232-mhd-parts-use": "not-mhd-part",
    "s232-metals-low-weight": "metal-under-15-percent",
    "s232-semiconductors-parameters": "not-semiconductor-article",
}


@cache
def load(list_id: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc: dict[str, Any] = yaml.load((LISTS / f"{list_id}.yaml").read_bytes(), Loader=loader)
    return doc


def members_on(list_id: str, day: str) -> set[str]:
    on = dt.date.fromisoformat(day)
    return {e["hts"] for e in load(list_id)["lines"] if e["from"] <= on and on <= e.get("to", on)}


@pytest.mark.skipif(not (SHARED / "data" / "s232").is_dir(), reason="no ../shared/data/s232")
def test_the_builder_makes_exactly_the_shipped_s232_lists(tmp_path: Path) -> None:
    builder = REPO / "scripts" / "build_lists.py"
    command = [sys.executable, str(builder), "--shared", str(SHARED), "--out", str(tmp_path)]
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    built = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("s232-"))
    assert built == sorted(f"{name}.yaml" for name in (*SCOPE, *CLAIMED_SCOPE, *CONDITIONAL))


@pytest.mark.parametrize("list_id", sorted(SCOPE))
def test_scope_lists_have_their_heading_and_size(list_id: str) -> None:
    doc = load(list_id)
    heading, size = SCOPE[list_id]
    assert (doc["kind"], doc["claim"], doc["heading"], len(doc["lines"])) == (
        "scope",
        None,
        heading,
        size,
    )


@pytest.mark.parametrize("list_id", sorted(CLAIMED_SCOPE))
def test_general_provisions_are_in_scope_only_when_claimed(list_id: str) -> None:
    doc = load(list_id)
    heading, size, claim = CLAIMED_SCOPE[list_id]
    assert (doc["kind"], doc["claim"], doc["heading"], len(doc["lines"])) == (
        "scope",
        claim,
        heading,
        size,
    )


def test_the_parts_lists_split_as_the_schedule_describes_them() -> None:
    # 130 provisions of 33(g), 182 of 38(i): vehicle ones and general ones, none on both
    for name, total in (("s232-auto-parts", 130), ("s232-mhd-parts", 182)):
        vehicle = {e["hts"] for e in load(name)["lines"]}
        general = {e["hts"] for e in load(f"{name}-general")["lines"]}
        assert len(vehicle | general) == total and not vehicle & general
    assert "4011.10.10" in {e["hts"] for e in load("s232-auto-parts")["lines"]}  # motor cars
    assert "8471" in {e["hts"] for e in load("s232-auto-parts-general")["lines"]}


@pytest.mark.parametrize("list_id", sorted(CONDITIONAL))
def test_claims_that_take_lines_out_are_conditional_lists(list_id: str) -> None:
    doc = load(list_id)
    assert (doc["kind"], doc["claim"]) == ("conditional", CONDITIONAL[list_id])
    assert CONDITIONAL[list_id] in doc["note"]


def test_the_metals_annexes_are_mutually_exclusive_on_every_date() -> None:
    # A provision may sit on two lists of one annex (steel and aluminum), never on two annexes.
    annexes = {
        "I-A": ("s232-metals-annex-1a", "s232-metals-annex-1a-copper"),
        "I-B": ("s232-metals-annex-1b", "s232-metals-annex-1b-copper"),
        "III": ("s232-metals-annex-3",),
    }
    for day in ("2026-04-06", "2027-12-31", "2028-01-01"):
        on = {name: {c for i in ids for c in members_on(i, day)} for name, ids in annexes.items()}
        crossed = [
            (a, b)
            for one, codes in on.items()
            for other, more in on.items()
            if one != other
            for a in codes
            for b in more
            if b.startswith(a)
        ]
        assert not crossed, day


def test_annex_iii_pays_the_i_b_rate_from_2028() -> None:
    assert "8479.89.9599" in members_on("s232-metals-annex-3", "2027-12-31")
    assert "8479.89.9599" not in members_on("s232-metals-annex-3", "2028-01-01")
    assert "8479.89.9599" not in members_on("s232-metals-annex-1b", "2027-12-31")
    assert "8479.89.9599" in members_on("s232-metals-annex-1b", "2028-01-01")


def test_chapter_73_articles_move_to_their_metal_content_on_2025_06_04() -> None:
    full, content = "s232-steel-alu-full-value", "s232-steel-alu-content"
    assert "7318.15.80" in members_on(full, "2025-06-03") - members_on(content, "2025-06-03")
    assert "7318.15.80" in members_on(content, "2025-06-04") - members_on(full, "2025-06-04")
    # chapter 72 and primary aluminum stay on their full value
    for code in ("7208", "7601"):
        assert code in members_on(full, "2026-04-05") and code not in members_on(
            content, "2026-04-05"
        )


def test_inclusions_join_the_derivatives_on_2025_08_18() -> None:
    assert "8407.90.10" not in members_on("s232-steel-alu-content", "2025-08-17")
    assert "8407.90.10" in members_on("s232-steel-alu-content", "2025-08-18")


# --- the engine -------------------------------------------------------------------------


def _lines(table: RateTable, shipment: Shipment, scenario: str = "in-force") -> dict[str, Decimal]:
    return {line.measure: line.amount for line in assess(table, shipment, scenario).lines}


def test_a_measure_whose_claim_is_not_made_supersedes_nothing(table: RateTable) -> None:
    # Japan's 15% on certified drones replaces the 100% only when claimed.
    drone = make_shipment(table, sector="drones", value="10000", entry_date="2026-09-03")
    assert _lines(table, drone) == {"mfn": Decimal("0.00"), "s232-drones": Decimal("10000.00")}
    result = assess(table, drone, "in-force")
    assert "give --claim certified-components" in " ".join(result.notes)
    certified = drone._replace(claims=claimed(table, ["certified-components"]))
    assert _lines(table, certified)["s232-drones-japan"] == Decimal("1500.00")


def test_with_a_code_the_annex_lists_not_the_metal_value_decide(table: RateTable) -> None:
    # 7208.51.00 is Annex I-A: 50% of the full value, a metal value or not.
    plate = _line(table, "7208.51.00", "2026-05-01")
    assert _lines(table, plate)["s232-metals-annex-1a"] == Decimal("5000.00")
    with_metal = plate._replace(metal_value=Decimal("4000.00"))
    assert _lines(table, with_metal)["s232-metals-annex-1a"] == Decimal("5000.00")
    assert "s232-metals-annex-1b" not in _lines(table, with_metal)


def test_hypothetical_scenarios_read_a_scope_list_as_first_published(table: RateTable) -> None:
    # A car entered before 2025-04-03 still pays the baseline scenario's auto tariff.
    car = _line(table, "8703.23.01", "2025-01-15")
    assert _lines(table, car, "baseline")["s232-autos"] == Decimal("2500.00")
    assert "s232-autos" not in _lines(table, car)


def test_an_auto_part_does_not_pay_the_metals_tariff_nor_an_mhd_vehicle(table: RateTable) -> None:
    # 8708.99.68 is an aluminum derivative and, from 2025-05-03, an auto part (EO 14289).
    part = _line(table, "8708.99.68", "2025-06-10")
    assert set(_lines(table, part)) == {"mfn", "s232-auto-parts"}
    # 8701.21.00 is a steel derivative and, from 2025-11-01, an MHD vehicle (note 38(a)).
    tractor = _line(table, "8701.21.00", "2025-11-01")
    assert set(_lines(table, tractor)) == {"mfn", "s232-trucks"}


def test_a_content_line_without_its_metal_value_warns(table: RateTable) -> None:
    derivative = _line(table, "8407.90.10", "2025-09-01")
    warnings = assess(table, derivative, "in-force").warnings
    assert any("s232-steel-alu-50: charged on the full value" in w for w in warnings)
    given = derivative._replace(metal_value=Decimal("4000.00"))
    assert not any(
        "charged on the full value" in w for w in assess(table, given, "in-force").warnings
    )


def test_metal_value_is_accepted_for_a_line_on_a_content_list_only(table: RateTable) -> None:
    from tariffcalc.inputs.shipment import with_amounts

    template = _line(table, "8407.90.10", "2025-09-01")
    assert with_amounts(table, template, value="10000", metal_value="4000").metal_value == 4000
    other = _line(table, "0101.21.00", "2025-09-01")
    with pytest.raises(InputError, match="metal_value"):
        with_amounts(table, other, value="10000", metal_value="4000")


def test_lookup_names_the_measures_whose_scope_a_list_is(cli: Cli) -> None:
    result = cli("rates", "list", "--json")
    assert result.code == 0, result.err
    named = {each["id"]: each["measures"] for each in json.loads(result.out)["lists"]}
    assert named["s232-auto-parts"] == ["s232-auto-parts", "s232-autos-japan"]
    assert named["s232-metals-low-weight"] == [
        "s232-metals-annex-1a",
        "s232-metals-annex-1a-uk",
        "s232-metals-annex-1b",
        "s232-metals-annex-1b-uk",
        "s232-metals-annex-3",
    ]


def test_a_coded_line_cites_the_list_that_brings_it_under_a_measure(table: RateTable) -> None:
    notes = assess(table, _line(table, "8708.99.68", "2025-10-01"), "in-force").notes
    assert (
        "s232-autos-japan: on Section 232 parts of passenger vehicles and light trucks (note 33(g))"
        " (heading 9903.94.05: HTS 8708.99.68 since 2025-05-03)"
    ) in notes


def test_batch_plans_give_each_coded_line_its_own_232_duty(table: RateTable) -> None:
    # The batch path (Assessor) shares plans between rows: rows of many 232 lines, days,
    # claims and metal values must each get exactly what `assess` gives them.
    from tariffcalc.law.engine import Assessor

    codes = ["8708.99.68", "8471.30.01", "7318.15.80", "8407.90.10", "8701.21.00", "8302.20.00"]
    days = ["2025-03-11", "2025-05-02", "2025-06-04", "2025-08-18", "2025-11-01", "2026-04-06"]
    scenarios = list(table.scenarios)
    assessor = Assessor(table, scenarios)
    for code in codes:
        for day in days:
            for claims in ((), ("not-auto-part",), ("metal-under-15-percent",)):
                for metal in (None, Decimal("3000.00")):
                    row = _line(table, code, day, *claims)._replace(metal_value=metal)
                    batch = [f.duty for f in assessor.figures(row)[0]]
                    assert batch == [assess(table, row, s).duty for s in scenarios], (code, day)


def test_the_earlier_pharma_start_is_a_claim_the_output_names(table: RateTable) -> None:
    # Between 2026-07-31 and 2026-09-28 only Annex III companies pay (facts section 0).
    drug = make_shipment(table, sector="pharma", value="10000", entry_date="2026-08-01")
    result = assess(table, drug, "in-force")
    assert "s232-pharma-annex-iii-japan" not in _lines(table, drug)
    assert any("give --claim pharma-annex-iii-company" in note for note in result.notes)
    listed = drug._replace(claims=claimed(table, ["pharma-annex-iii-company"]))
    assert _lines(table, listed)["s232-pharma-annex-iii-japan"] == Decimal("1500.00")
