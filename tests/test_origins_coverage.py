"""Honest edges: an origin the facts do not state is a warning and `"coverage": "partial"`
with what is missing; `duty --strict` refuses it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import Cli

KENYA = ("duty", "--sector", "general", "--mfn", "2", "--value", "10000", "--origin", "KE")


def test_an_origin_the_facts_do_not_state_is_partial_and_says_what_is_missing(cli: Cli) -> None:
    result = cli(*KENYA, "--date", "2025-10-01", "--scenario", "in-force", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["coverage"] == "partial"
    assert any("own rates, deals and exemptions" in m for m in document["missing_measures"])
    assert document["scenarios"][0]["duty"] == 1200.0  # MFN 200 + the 10% baseline
    assert "tariffcalc: warning: origin KE: coverage partial" in result.err
    assert document["warnings"][0].startswith("origin KE: coverage partial")


def test_strict_makes_partial_coverage_an_error(cli: Cli) -> None:
    result = cli(*KENYA, "--strict")
    assert result.code == 1 and result.out == ""
    assert "--origin: origin KE: coverage partial" in result.err
    assert "--strict refuses it" in result.err


def test_a_stated_origin_is_full_and_lists_the_products_it_cannot_check(cli: Cli) -> None:
    args = ("duty", "--sector", "general", "--mfn", "2", "--value", "10000", "--origin", "CA")
    result = cli(*args, "--date", "2025-10-01", "--strict", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["coverage"] == "full" and "coverage partial" not in result.err
    assert any(m.startswith("ca-338-alcohol:") for m in document["missing_measures"])
    assert not any(m.startswith("ca-energy:") for m in document["missing_measures"])  # a claim


def test_germany_is_covered_as_a_member_of_the_eu(cli: Cli) -> None:
    args = ("duty", "--sector", "general", "--mfn", "2", "--value", "10000", "--origin", "DE")
    document = json.loads(cli(*args, "--date", "2025-10-01", "--strict", "--json").out)
    assert document["coverage"] == "full"


def test_batch_rows_of_a_partial_origin_carry_the_warning(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("sku,value,origin\nK,10000,KE\nG,10000,DE\n")
    args = ("batch", str(tmp_path / "rows.csv"), "--sector", "general", "--mfn", "2")
    result = cli(*args, "--date", "2025-10-01", "-s", "in-force")
    rows = {r["sku"]: r for r in csv.DictReader(io.StringIO(result.out))}
    assert "origin KE: coverage partial" in rows["K"]["warnings"]
    assert "coverage" not in rows["G"]["warnings"]
    assert (rows["K"]["in-force_duty"], rows["G"]["in-force_duty"]) == ("1200.00", "1500.00")
