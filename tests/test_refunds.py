"""refunds: the IEEPA duty of each entry, struck down and refundable; worked examples."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

ENTRIES = """entry_number,sku,hts,sector,origin,entry_date,value,mfn,duty_paid,9903.02.73,9903.01.25
E1,machine-jun,,general,JP,2025-06-01,10000,2,1200.00,,1000.00
E2,machine-oct,,general,JP,2025-10-01,10000,2,1500.00,1300.00,
E3,car-oct,8703.23.01,,JP,2025-10-01,30000,,4500.00,,
E4,machine-mar,,general,JP,2026-03-15,10000,2,1200.00,,
E5,machine-jun-off,,general,JP,2025-06-01,10000,2,1250.00,,1000.00
E6,bad,,general,JP,2025-06-01,abc,2,,,
"""


@pytest.fixture
def entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "entries.csv").write_text(ENTRIES)
    return tmp_path


def document(cli: Any) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(cli("refunds", "entries.csv", "--json").out)
    return parsed


def test_worked_examples(cli: Any, entries: Path) -> None:
    found = {e["entry_number"]: e for e in document(cli)["entries"]}
    # A Japanese machine on 2025-06-01: the 10% baseline is refundable, MFN is not.
    assert (found["E1"]["duty"], found["E1"]["refundable"]) == (1200.0, 1000.0)
    # On 2025-10-01: the 15%-inclusive top-up (13% over a 2% MFN) is refundable.
    assert (found["E2"]["duty"], found["E2"]["refundable"]) == (1500.0, 1300.0)
    # A Japanese car on 2025-10-01: Section 232, never the reciprocal rate.
    assert found["E3"]["refundable"] == 0.0
    assert "Section 232 (s232-autos-japan)" in found["E3"]["reason"]
    # On 2026-03-15: Section 122 is not IEEPA.
    assert (found["E4"]["duty"], found["E4"]["refundable"]) == (1200.0, 0.0)
    assert (
        "outside the IEEPA period" in found["E4"]["reason"]
        and "s122-surcharge is not IEEPA" in found["E4"]["reason"]
    )


def test_totals_of_a_mixed_file(cli: Any, entries: Path) -> None:
    result = cli("refunds", "entries.csv", "--json")
    assert result.code == 3 and "line 7 (bad): value" in result.err
    totals = json.loads(result.out)["totals"]
    assert (totals["entries"], totals["rejected"]) == (5, 1)
    assert totals["refundable"] == 1000 + 1300 + 0 + 0 + 1000
    assert totals["by_month"] == {
        "2025-06": {"entries": 2, "duty": 2400.0, "refundable": 2000.0},
        "2025-10": {"entries": 2, "duty": 6000.0, "refundable": 1300.0},
        "2026-03": {"entries": 1, "duty": 1200.0, "refundable": 0.0},
    }
    assert totals["by_sector"]["autos"] == {"entries": 1, "duty": 4500.0, "refundable": 0.0}


def test_paid_against_computed(cli: Any, entries: Path) -> None:
    found = {e["entry_number"]: e for e in document(cli)["entries"]}
    assert [k for k, e in found.items() if e["flagged"]] == ["E5"]  # paid $1,250, computed $1,200
    assert found["E2"]["paid_struck_down"] == 1300.0  # HTS 9903.02.73, ieepa-japan-15's heading
    table = cli("refunds", "entries.csv", "--tolerance", "100").out
    assert "To check" not in table  # a $50 difference is within a $100 tolerance


def test_refundable_is_the_sum_of_the_ieepa_lines_of_duty(cli: Any, entries: Path) -> None:
    for entry in document(cli)["entries"]:
        args = [
            "duty",
            "--json",
            "--origin",
            entry["origin"],
            "--date",
            entry["entry_date"],
            "--value",
            str(entry["customs_value"]),
            "--scenario",
            "in-force",
        ]
        row = next(
            r
            for r in csv.DictReader(io.StringIO(ENTRIES))
            if r["entry_number"] == entry["entry_number"]
        )
        args += (
            ["--hts", row["hts"]]
            if row["hts"]
            else ["--sector", row["sector"], "--mfn", row["mfn"]]
        )
        [scenario] = json.loads(cli(*args).out)["scenarios"]
        ieepa = sum(
            line["amount"] for line in scenario["lines"] if line["legal_status"] == "struck-down"
        )
        assert entry["refundable"] == ieepa == scenario["refundable"]


def test_duty_marks_struck_down_lines(cli: Any) -> None:
    result = cli(
        "duty",
        "--sector",
        "general",
        "--mfn",
        "2",
        "--value",
        "10000",
        "--date",
        "2025-06-01",
        "--json",
    )
    in_force = json.loads(result.out)["scenarios"][-1]
    statuses = {line["measure"]: line["legal_status"] for line in in_force["lines"]}
    assert statuses == {"mfn": "valid", "ieepa-baseline": "struck-down"}
    assert (in_force["duty"], in_force["refundable"]) == (1200.0, 1000.0)  # both truths
    table = cli(
        "duty", "--sector", "general", "--mfn", "2", "--value", "10000", "--date", "2025-06-01"
    ).out
    assert (
        "Refundable" in table
        and "IEEPA duties were struck down (Learning Resources v. Trump" in table
    )
    later = json.loads(
        cli("duty", "--sector", "general", "--value", "10000", "--date", "2026-03-15", "--json").out
    )
    assert later["scenarios"][-1]["refundable"] == 0.0


def test_csv_output_and_the_disclaimer(cli: Any, entries: Path) -> None:
    result = cli("refunds", "entries.csv", "-o", "refunds.csv", "--errors", "rejected.csv")
    # The disclaimer once (issue 14): in the report, or on stderr when CSV has no room for it.
    assert "not legal advice" not in result.err and "not legal advice" in result.out
    as_csv = cli("refunds", "entries.csv", "--format", "csv")
    assert "not legal advice" in as_csv.err and "not legal advice" not in as_csv.out
    rows = list(csv.DictReader((entries / "refunds.csv").open()))
    assert [(r["entry_number"], r["refundable"], r["flagged"]) for r in rows] == [
        ("E1", "1000.00", ""),
        ("E2", "1300.00", ""),
        ("E3", "0.00", ""),
        ("E4", "0.00", ""),
        ("E5", "1000.00", "check"),
    ]
    assert (
        "E6" in (entries / "rejected.csv").read_text()
        or "bad" in (entries / "rejected.csv").read_text()
    )


@pytest.mark.parametrize("command", [["refunds", "entries.csv"], ["timeline", "--sector", "autos"]])
def test_a_table_without_the_law_on_a_date_is_refused(
    cli: Any, entries: Path, command: list[str]
) -> None:
    from tariffcalc.law.ratetable import builtin_path

    fixed = (
        builtin_path().read_text().replace("    by_date: true\n", "    measures: [s232-autos]\n")
    )
    assert fixed.count("measures: [s232-autos]\n") == 1
    (entries / "fixed.yaml").write_text(fixed)
    result = cli(*command, "--rates", "fixed.yaml")
    assert (result.code, result.out) == (1, "")
    assert "rates: the rate table has no by_date scenario" in result.err
