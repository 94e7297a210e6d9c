"""The studies behind the commands, and the commands that read them: `hts lookup` under
several by-date scenarios, `impact --flows -`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tariffcalc.inputs.schedule import Schedule, import_schedule, open_schedule

# A small schedule in the USITC JSON export's shape: a heading, a rate line, its suffix.
ROWS = [
    {"htsno": "8703", "indent": "0", "description": "Motor cars:", "general": "", "units": []},
    {
        "htsno": "8703.23.01",
        "indent": "1",
        "description": "Of a cylinder capacity over 1,500 cc",
        "general": "2.5%",
        "units": [],
    },
    {
        "htsno": "8703.23.01.10",
        "indent": "2",
        "description": "Sedans",
        "general": "",
        "units": ["No."],
    },
]

# The shipped table with a second scenario of the law on the entry date.
TWO_LAWS = (
    "extends: builtin\n"
    "title: two laws on the date\n"
    "scenarios:\n"
    "  - {id: law-again, label: the law on the date again, by_date: true}\n"
)


@pytest.fixture
def schedule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Schedule:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(tmp_path / "data"))
    import_schedule(json.dumps(ROWS).encode(), "hts_2026_rev_10.json")
    found = open_schedule()
    assert found is not None
    return found


# --- hts lookup ---------------------------------------------------------------------------


def test_lookup_shows_the_measures_under_each_by_date_scenario(
    cli: Any, schedule: Schedule, tmp_path: Path
) -> None:
    rates = tmp_path / "two-laws.yaml"
    rates.write_text(TWO_LAWS)
    args = ["hts", "lookup", "8703.23.01", "--date", "2025-10-01", "--rates", str(rates)]
    found = cli(*args, "--json")
    assert found.code == 0, found.err
    document = json.loads(found.out)
    by_scenario = document["measures_by_scenario"]
    assert list(by_scenario) == ["in-force", "law-again"]
    assert by_scenario["in-force"] == by_scenario["law-again"] == document["measures"]
    table = cli(*args)
    assert table.code == 0, table.err
    assert "in scenario in-force" in table.out and "in scenario law-again" in table.out


def test_lookup_with_one_by_date_scenario_names_none(cli: Any, schedule: Schedule) -> None:
    found = cli("hts", "lookup", "8703.23.01", "--date", "2025-10-01")
    assert found.code == 0, found.err
    assert "In force for origin JP on 2025-10-01 (effective rate" in found.out
    document = json.loads(cli("hts", "lookup", "8703.23.01", "--json").out)
    assert "measures" in document and "measures_by_scenario" not in document


# --- impact --flows - ----------------------------------------------------------------------------


FLOWS_YAML = (
    "# a comment, then YAML\n"
    "name: mine\n"
    "title: my flows\n"
    "year: 2025\n"
    "flows:\n"
    "  - {label: cars, sector: autos, value: 1000000, units: 40, source: me, confidence: M}\n"
    "  - {label: steel, sector: steel, value: 500000, origin: DE, source: me, confidence: L}\n"
)
FLOWS_CSV = "label,sector,value,origin\ncars,autos,1000000,JP\nsteel,steel,500000,DE\n"


@pytest.mark.parametrize(("name", "text"), [("flows.yaml", FLOWS_YAML), ("flows.csv", FLOWS_CSV)])
def test_impact_reads_flows_from_standard_input(
    cli: Any, tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    common = ["impact", "--date", "2025-10-01", "--json"]
    from_file = cli(*common, "--flows", str(path))
    from_stdin = cli(*common, "--flows", "-", stdin=text.encode())
    assert from_file.code == 0, from_file.err
    assert from_stdin.code == 0, from_stdin.err
    file_document, stdin_document = json.loads(from_file.out), json.loads(from_stdin.out)
    assert stdin_document["scenarios"] == file_document["scenarios"]
    assert stdin_document["flows"]["items"] == file_document["flows"]["items"]
    assert len(stdin_document["flows"]["items"]) == 2


def test_a_bad_flows_file_on_standard_input_names_stdin(cli: Any) -> None:
    failed = cli("impact", "--flows", "-", stdin=b"name: x\ntitle: x\nflows: []\nextra: 1\n")
    assert failed.code == 1 and failed.err.startswith("tariffcalc: error: <stdin>: ")
