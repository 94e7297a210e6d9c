"""Refundable only where duty was collected (issue 14 item 5), to the cent.

A Japanese machine, customs value $10,000, MFN 2%: on 2025-10-01 the law (EO 14345)
charged 15% inclusive of MFN, so $200 MFN + $1,300 IEEPA = $1,500, of which the $1,300
IEEPA part was collected under a basis since struck down."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Cli

MACHINE = ("duty", "--sector", "general", "--mfn", "2", "--value", "10000", "--json")
HEADER = "entry_number,sector,origin,entry_date,value,mfn,duty_paid,9903.02.73\n"


def refundable_by_scenario(cli: Cli, *options: str) -> dict[str, Any]:
    document = json.loads(cli(*MACHINE, *options).out)
    return {s["id"]: s["refundable"] for s in document["scenarios"]}


def test_only_the_law_on_the_entry_date_has_a_refundable_figure(cli: Cli) -> None:
    assert refundable_by_scenario(cli, "--date", "2025-10-01") == {
        "mfn": None,
        "baseline": None,  # hypothetical: its $1,000 of IEEPA duty was never collected
        "reciprocal": None,
        "deal": None,
        "in-force": 1300.0,
    }
    # After CBP stopped collecting IEEPA duties (2026-02-24): nothing anywhere.
    assert set(refundable_by_scenario(cli, "--date", "2026-03-15").values()) == {None, 0.0}


def test_the_table_shows_no_refund_for_a_hypothetical_scenario(cli: Cli) -> None:
    table = cli(*MACHINE[:-1], "--date", "2026-03-15").out
    assert "Refundable" not in table and "refundable:" not in table  # nothing was collected
    rows = cli(*MACHINE[:-1], "--date", "2025-10-01", "--format", "csv").out.splitlines()
    assert rows[2].startswith("baseline,") and rows[2].endswith(",1000.00,")
    assert rows[5].startswith("in-force,") and rows[5].endswith(",1300.00,1300.00")


def test_a_what_if_of_the_law_is_hypothetical_too(cli: Cli) -> None:
    changed = refundable_by_scenario(cli, "--date", "2025-10-01", "--set", "ieepa-japan-15=20")
    assert changed["in-force"] is None


def refunds_of(cli: Cli, tmp_path: Path, rows: str) -> dict[str, Any]:
    (tmp_path / "entries.csv").write_text(HEADER + rows)
    result = cli("refunds", str(tmp_path / "entries.csv"), "--json")
    document: dict[str, Any] = json.loads(result.out)
    return document


def test_never_more_refundable_than_was_paid_above_the_other_duty(cli: Cli, tmp_path: Path) -> None:
    document = refunds_of(cli, tmp_path, "E1,general,JP,2025-10-01,10000,2,1250.00,\n")
    [entry] = document["entries"]
    # Paid $1,250 with $200 of MFN: at most $1,050 was IEEPA duty (computed: $1,300).
    assert (entry["refundable"], entry["flagged"]) == (1050.0, True)
    assert document["totals"]["refundable"] == 1050.0


def test_never_more_than_was_paid_under_the_struck_down_heading(cli: Cli, tmp_path: Path) -> None:
    document = refunds_of(cli, tmp_path, "E1,general,JP,2025-10-01,10000,2,,1000.00\n")
    assert document["entries"][0]["refundable"] == 1000.0  # 9903.02.73 paid $1,000 of $1,300


def test_a_payment_that_cannot_be_reconciled_is_flagged_not_counted(
    cli: Cli, tmp_path: Path
) -> None:
    document = refunds_of(
        cli,
        tmp_path,
        "E1,general,JP,2025-10-01,10000,2,150.00,\nE2,general,JP,2025-10-01,10000,2,1500.00,\n",
    )
    short, right = document["entries"]
    # $150 paid is less than the $200 of MFN alone: which duty was paid cannot be told.
    assert (short["refundable"], short["flagged"]) == (0.0, True)
    assert "not counted: paid $150.00, less than the $200.00" in short["reason"]
    assert (right["refundable"], right["flagged"]) == (1300.0, False)
    assert document["totals"]["refundable"] == 1300.0
