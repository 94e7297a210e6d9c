"""The blind worked examples of tests/blind/ (see its README), each through `duty --json` on
the imported official schedule, to the cent: the total duty and the MFN line. A case the tool
does not answer yet is a strict xfail named in GAPS with the reason, so that the day it is
answered the mark must go. They skip where shared/ is absent (the schedule is needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SHARED, Cli

BLIND = Path(__file__).parent / "blind"
REAL = SHARED / "data" / "hts_2026_rev_10.json.gz"

# Case id -> why the tool does not give the analyst's figure yet.
GAPS: dict[str, str] = {
    **dict.fromkeys(
        [
            "S232-AP-08",
            "S232-AP-09",
            "S232-AP-10",
            "S232-AP-11",
            "S232-AP-14",
            "S232-AP-15",
            "S232-AP-16",
            "S232-AP-17",
            "S232-AP-18",
            "S232-AP-19",
            "S232-AP-20",
            "S232-AP-21",
            "S232-V-09",
            "S232-V-10",
            "S232-V-12",
            "S232-V-13",
            "S232-MHDP-02",
            "S232-MHDP-03",
            "S232-ST-10",
            "S232-ST-11",
            "S232-ST-15",
            "S232-ST-17",
            "S232-ST-18",
            "S232-AL-03",
            "S232-AL-06",
            "S232-AL-07",
            "S232-DV-01",
            "S232-DV-02",
            "S232-DV-03",
            "S232-DV-04",
            "S232-DV-05",
            "S232-DV-06",
            "S232-DV-07",
            "S232-DV-08",
            "S232-DV-09",
            "S232-DV-10",
            "S232-CU-04",
            "S232-WD-02",
            "S232-WD-07",
            "S232-WD-08",
            "S232-WD-10",
            "S232-SC-02",
            "S232-SC-03",
            "S232-TL-03",
            "S232-TL-12",
            "S232-TL-13",
            "S232-TL-14",
            "S232-CA-06",
            "S232-CA-08",
            "S232-RD-03",
            "S232-AL-08",
            "S232-AL-09",
            "S232-MHD-06",
            "S232-WD-13",
        ],
        "Section 232 by HTS line is not encoded yet (issue 11)",
    ),
    **dict.fromkeys(
        [
            "CN-01",
            "CN-02",
            "CN-03",
            "CN-04",
            "CN-05",
            "CN-06",
            "CN-07",
            "CN-08",
            "CN-09",
            "CN-10",
            "CN-11",
            "CN-12",
            "CN-13",
            "CN-14",
            "CN-15",
            "CN-16",
            "CN-17",
            "CN-18",
            "CN-19",
            "CN-20",
            "CN-21",
            "CN-22",
            "CN-23",
            "CN-25",
            "CN-26",
            "CN-27",
            "CN-28",
            "CN-29",
            "HK-02",
            "HK-03",
            "HK-04",
            "HK-05",
            "MO-01",
            "MX-02",
            "MX-03",
            "MX-04",
            "MX-05",
            "MX-06",
            "MX-08",
            "MX-09",
            "MX-10",
            "MX-11",
            "MX-12",
            "MX-13",
            "MX-14",
            "MX-15",
            "MX-17",
            "MX-18",
            "CA-02",
            "CA-03",
            "CA-04",
            "CA-05",
            "CA-06",
            "CA-09",
            "CA-10",
            "CA-11",
            "CA-13",
            "CA-14",
            "CA-15",
            "CA-16",
            "EU-02",
            "EU-05",
            "EU-06",
            "EU-07",
            "EU-09",
            "EU-12",
            "EU-17",
            "EU-18",
            "EU-20",
            "EU-23",
            "EU-24",
            "EU-25",
            "GB-04",
            "GB-06",
            "GB-07",
            "KR-01",
            "KR-02",
            "KR-03",
            "KR-04",
            "KR-05",
            "KR-07",
            "KR-09",
            "KR-10",
            "KR-11",
            "TW-01",
            "TW-03",
            "TW-04",
            "TW-06",
            "VN-02",
            "VN-03",
            "VN-05",
            "VN-06",
            "IN-02",
            "IN-03",
            "IN-04",
            "IN-05",
            "IN-06",
            "IN-07",
            "IN-09",
            "CH-01",
            "CH-02",
            "CH-03",
            "CH-04",
            "CH-05",
            "CH-06",
            "CH-07",
            "LI-01",
            "LI-02",
            "BR-02",
            "BR-03",
            "BR-06",
            "BR-07",
            "BR-08",
            "TH-01",
            "TH-02",
            "TH-03",
            "SG-03",
            "SG-04",
            "AU-01",
            "AU-03",
            "ZA-01",
            "NZ-01",
            "IL-01",
            "KH-01",
            "KH-02",
            "ID-01",
            "ID-02",
            "CR-01",
            "CR-03",
        ],
        "this origin's law is not encoded yet (issue 12)",
    ),
}


def _cases() -> list[Any]:
    cases = []
    for name in ("section-232", "origins"):
        for case in yaml.safe_load((BLIND / f"{name}.yaml").read_text(encoding="utf-8")):
            gap = GAPS.get(case["id"])
            marks = pytest.mark.xfail(strict=True, reason=gap) if gap else ()
            cases.append(pytest.param(case, id=case["id"], marks=marks))
    return cases


@pytest.fixture(scope="module")
def real_schedule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not REAL.is_file():
        pytest.skip(f"{REAL} is not here")
    from tariffcalc.inputs.schedule import import_schedule

    data_dir = tmp_path_factory.mktemp("real-schedule")
    import_schedule(REAL.read_bytes(), str(REAL), destination=data_dir / "hts.sqlite3")
    return data_dir


def _args(case: dict[str, Any]) -> list[str]:
    args = ["duty", "--hts", case["hts"], "--value", case["value"], "--origin", case["origin"]]
    args += ["--date", str(case["date"]), "--scenario", "in-force", "--json"]
    for claim in case.get("claims") or []:
        args += ["--claim", claim]
    if case.get("metal_value"):
        args += ["--metal-value", case["metal_value"]]
    if case.get("us_content"):
        args += ["--us-content", case["us_content"]]
    return args


@pytest.mark.parametrize("case", _cases())
def test_blind_case(
    case: dict[str, Any], real_schedule: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(real_schedule))
    result = cli(*_args(case))
    assert result.code == 0, result.err
    (scenario,) = json.loads(result.out)["scenarios"]
    mfn = next(line for line in case["lines"] if line["heading"] == "MFN")["amount"]
    got = f"{scenario['duty']:.2f}", f"{scenario['lines'][0]['amount']:.2f}"
    assert got == (case["duty"], mfn), (case["derivation"], scenario["lines"])
