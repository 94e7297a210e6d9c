"""Preferences are claims: `--claim usmca` (korus, ...) applies the HTS special rate where
the line lists the program, and the exemptions the facts give for it; without a claim, the
general rate and a note naming the preference the line could claim."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from tariffcalc.inputs.schedule import import_schedule

FTA_CODES = "Free (A*,AU,B,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)"
ROWS = [
    {"htsno": "8708", "indent": "0", "description": "Parts of motor vehicles", "general": ""},
    {"htsno": "8708.99.81", "indent": "1", "description": "Other", "general": "2.5%",
     "special": FTA_CODES},
    {"htsno": "8501", "indent": "0", "description": "Electric motors", "general": ""},
    {"htsno": "8501.52.40", "indent": "1", "description": "AC motors", "general": "3.7%",
     "special": FTA_CODES},
    {"htsno": "8501.53.40", "indent": "1", "description": "AC motors, larger", "general": "2.8%",
     "special": "Free (A,AU,B,S) 1.2% (KR)"},
]  # fmt: skip


@pytest.fixture(autouse=True)
def imported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(tmp_path / "data"))
    rows = [{**row, "units": []} for row in ROWS]
    import_schedule(json.dumps(rows).encode(), "hts_2026_rev_10.json")


def in_force(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("duty", "--value", "10000", "--scenario", "in-force", "--json", *args)
    assert result.code == 0, result.err
    scenario: dict[str, Any] = json.loads(result.out)["scenarios"][0]
    return scenario


def test_a_mexican_part_without_a_claim_pays_232_and_is_told_of_usmca(cli: Cli) -> None:
    # 2.5% MFN 250 + 232 parts 25% 2500 (mx-232-parts-usmca; the border duty spares 232 goods)
    found = in_force(cli, "--hts", "8708.99.81", "--origin", "MX", "--date", "2025-06-01")
    assert found["duty"] == 2750.0
    assert any("Free under USMCA (S): --claim usmca" in note for note in found["notes"])


def test_a_usmca_claim_takes_the_special_rate_and_the_exemptions(cli: Cli) -> None:
    # special Free (S); USMCA parts out of 232 (9903.94.06), USMCA goods out of the border duty
    args = ("--hts", "8708.99.81", "--origin", "MX", "--date", "2025-06-01", "--claim", "usmca")
    found = in_force(cli, *args)
    assert found["duty"] == 0.0
    assert "special rate Free (S: USMCA, claimed)" in found["lines"][0]["label"]


def test_korus_lowers_the_mfn_but_not_the_15_percent_added(cli: Cli) -> None:
    korean = ("--hts", "8501.52.40", "--origin", "KR", "--date", "2025-10-01")
    assert in_force(cli, *korean)["duty"] == 1870.0  # 370 MFN + 1500 (kr-recip-p2, additive)
    assert in_force(cli, *korean, "--claim", "korus")["duty"] == 1500.0  # Free + 1500


def test_korus_all_in_compares_with_the_special_rate(cli: Cli) -> None:
    # from 2025-11-14 the 15% is all-in, measured against the KORUS rate when claimed
    # 8501.53.40 is a steel derivative from 2025-08-18: with no steel in it (--metal-value 0)
    # only the all-in rate is at stake
    korean = ("--hts", "8501.53.40", "--origin", "KR", "--date", "2025-12-01", "--metal-value", "0")
    assert in_force(cli, *korean)["duty"] == 1500.0  # 280 MFN + 1220
    claimed = in_force(cli, *korean, "--claim", "korus")
    assert claimed["duty"] == 1500.0 and claimed["lines"][0]["amount"] == 120.0  # 1.2% (KR)


def test_a_claim_the_origin_cannot_make_is_refused(cli: Cli) -> None:
    result = cli("duty", "--hts", "8708.99.81", "--value", "100", "--origin", "CN",
                 "--claim", "usmca")  # fmt: skip
    assert result.code == 1 and "--claim: usmca: USMCA is open to goods of CA, MX" in result.err


def test_a_claim_without_a_special_column_says_the_general_rate_applies(cli: Cli) -> None:
    args = ("--sector", "general", "--mfn", "2", "--origin", "MX", "--date", "2025-06-01")
    found = in_force(cli, *args, "--claim", "usmca")
    assert found["duty"] == 200.0  # the border duty spares USMCA goods; MFN as typed
    assert any("--claim usmca: the general rate applies" in note for note in found["notes"])
