"""Every command for every origin: compare side by side, timeline --origin CN, batch and
refunds with mixed origins, rates list --origin, and the scenarios for other origins."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from conftest import Cli

MOTOR = ("--hts", "8501.52.40", "--value", "10000")  # MFN 3.7%; China 301 List 2


def _json(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_compare_shows_the_partners_side_by_side(cli: Cli) -> None:
    origins = ("--origin", "CN", "--origin", "MX", "--origin", "DE", "--origin", "VN")
    document = _json(cli, "compare", *MOTOR, *origins, "--date", "2025-06-01")
    rows = {row["origin"]: row for row in document["rows"]}
    # CN 370 + 2000 fentanyl + 1000 + 2500 List 2; MX 370 + 2500 border duty; DE, VN 370 + 1000
    assert {o: r["values"]["in-force"] for o, r in rows.items()} == {
        "CN": 5870.0,
        "MX": 2870.0,
        "DE": 1370.0,
        "VN": 1370.0,
    }
    # reciprocal: the 2 April rates (VN 46%: 370 + 4600; DE 20%; MX none)
    assert (
        rows["VN"]["values"]["reciprocal"] == 4970.0 and rows["MX"]["values"]["reciprocal"] == 370.0
    )
    assert rows["DE"]["values"]["deal"] == 1500.0  # the EU's 15% all-in
    assert rows["CN"]["not_applicable"] == ["deal"] and rows["DE"]["not_applicable"] == []
    table = cli("compare", *MOTOR, *origins, "--date", "2025-06-01").out
    assert "n/a" in table and "not applicable to that origin" in table


def test_duty_marks_a_deal_the_origin_does_not_have(cli: Cli) -> None:
    document = _json(cli, "duty", *MOTOR, "--origin", "CN", "--date", "2025-06-01")
    deal = next(s for s in document["scenarios"] if s["id"] == "deal")
    assert deal["applicable"] is False
    assert "deal: not applicable to goods of CN" in deal["notes"]
    table = cli("duty", *MOTOR, "--origin", "CN", "--date", "2025-06-01").out
    assert "deal n/a" in table and "note: deal: not applicable to goods of CN" in table


def test_timeline_of_china_shows_the_year_of_changes(cli: Cli) -> None:
    document = _json(cli, "timeline", *MOTOR[:2], "--origin", "CN")
    periods = {p["from"]: p for p in document["periods"]}
    assert (
        periods["2025-04-09"]["to"] == "2025-04-09"
        and "cn-recip-84" in periods["2025-04-09"]["measures"]
    )
    assert periods["2025-04-10"]["effective_rate"] == 1.737  # 3.7 + 20 + 125 + 25
    assert periods["2025-05-14"]["effective_rate"] == 0.587  # 3.7 + 20 + 10 + 25
    assert "cn-fl301" in periods["2026-07-24"]["measures"]


ENTRIES = (
    "entry_number,hts,value,origin,date\n"
    "E1,8501.52.40,10000,CN,2025-06-01\n"
    "E2,8501.52.40,10000,MX,2025-06-01\n"
    "E3,8703.23.01,30000,DE,2025-10-01\n"
    "E4,8501.52.40,10000,IN,2025-09-01\n"
)


def test_batch_scores_a_file_of_mixed_origins(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "mixed.csv").write_text(ENTRIES)
    result = cli("batch", str(tmp_path / "mixed.csv"), "-s", "in-force")
    rows = {r["entry_number"]: r["in-force_duty"] for r in csv.DictReader(io.StringIO(result.out))}
    # IN: 370 + 2500 reciprocal 25% + 2500 Russian-oil duty; DE car: 15% all-in of 30000
    assert rows == {"E1": "5870.00", "E2": "2870.00", "E3": "4500.00", "E4": "5370.00"}


def test_refundable_ieepa_duty_includes_fentanyl_and_country_rates(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "entries.csv").write_text(ENTRIES)
    totals = _json(cli, "refunds", str(tmp_path / "entries.csv"))["totals"]
    refundable = {o: t["refundable"] for o, t in totals["by_origin"].items()}
    # CN 2000 fentanyl + 1000; MX 2500 border duty; DE none (Section 232); IN 2500 + 2500
    assert refundable == {"CN": 3000.0, "MX": 2500.0, "DE": 0.0, "IN": 5000.0}


def test_rates_list_of_one_origin(cli: Cli) -> None:
    document = _json(cli, "rates", "list", "--origin", "CN")
    ids = {m["id"] for m in document["measures"]}
    assert {"cn-fent-20", "cn-recip-125", "cn-301-list1", "ieepa-baseline"} <= ids
    assert not {"eu-recip-15", "ieepa-japan-15", "mx-fent-25"} & ids
    german = cli("rates", "list", "--origin", "Germany").out
    assert "eu-recip-15" in german and " EU " in german
    assert cli("rates", "list", "--origin", "Atlantis").code == 1
