"""The HTS lists in the views: `rates list`, `rates show LIST-ID`, `rates export` and
`hts lookup`, through `main()`. Expected sizes and dates come from data/lists/*.yaml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Cli
from tariffcalc.inputs.schedule import import_schedule

LISTS = Path(__file__).resolve().parents[1] / "data" / "lists"


def _list_files() -> dict[str, dict[str, Any]]:
    """Each list file of the table, by id, as written."""
    found = {}
    for path in sorted(LISTS.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[document["id"]] = document
    return found


def _json(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


# --- rates list / export ---------------------------------------------------------------


def test_rates_list_json_has_every_list_with_its_size(cli: Cli) -> None:
    files = _list_files()
    assert len(files) == 43  # 6 exemption lists, 14 China Section 301, 23 Section 232
    document = _json(cli, "rates", "list")
    assert {each["id"]: each["size"] for each in document["lists"]} == {
        key: len(value["lines"]) for key, value in files.items()
    }
    annex = next(each for each in document["lists"] if each["id"] == "ieepa-annex-ii")
    assert annex["size"] == 1324
    assert annex["kind"] == "exemption" and annex["claim"] is None
    assert annex["heading"] == "9903.01.32"
    assert "entries" not in annex  # thousands of lines: only `rates show` has them
    assert "ieepa-baseline" in annex["measures"]
    # The fields that were there before stay.
    assert {"measures", "scenarios", "sectors", "hts", "fees"} <= set(document)


def test_rates_export_carries_the_same_lists(cli: Cli) -> None:
    listed = _json(cli, "rates", "list")["lists"]
    result = cli("rates", "export")
    assert result.code == 0, result.err
    assert json.loads(result.out)["lists"] == listed


def test_rates_list_table_shows_the_lists_after_the_scenarios(cli: Cli) -> None:
    result = cli("rates", "list")
    assert result.code == 0, result.err
    assert result.out.index("in-force") < result.out.index("HTS lists") < result.out.index("1324")
    for key in _list_files():
        assert key in result.out
    assert "--claim civil-aircraft" in result.out
    assert "1324" in result.out and "554" in result.out


# --- rates show LIST-ID ----------------------------------------------------------------


def test_rates_show_list_json_has_its_entries(cli: Cli) -> None:
    document = _json(cli, "rates", "show", "ieepa-annex-ii")
    assert document["type"] == "list"
    written = _list_files()["ieepa-annex-ii"]["lines"]
    assert len(document["entries"]) == len(written) == document["size"] == 1324
    by_hts = {e["hts"]: e for e in document["entries"]}
    assert by_hts["3004.20.00"]["from"] == "2025-04-05"
    assert by_hts["3004.20.00"]["to"] is None
    assert by_hts["2818.30.00"]["to"] == "2025-09-07"
    assert by_hts["2818.30.00"]["note"] == "removed by EO 14346 Annex I"
    assert set(document["entries"][0]) == {"hts", "from", "to", "confidence", "note", "article"}


def test_rates_show_partial_list_names_the_article(cli: Cli) -> None:
    document = _json(cli, "rates", "show", "ieepa-particular-articles")
    assert document["kind"] == "partial" and document["claim"] == "particular-article"
    assert all(entry["article"] for entry in document["entries"])


def test_rates_show_list_table_has_header_not_entries(cli: Cli) -> None:
    result = cli("rates", "show", "japan-civil-aircraft")
    assert result.code == 0, result.err
    assert "9903.96.02" in result.out and "civil-aircraft" in result.out
    assert "554" in result.out and "ieepa-japan-15" in result.out
    assert "8411.11.40" not in result.out  # its first entry: the table shows no entries


def test_rates_show_unknown_id_suggests_a_list(cli: Cli) -> None:
    result = cli("rates", "show", "ieepa-anex-ii")
    assert result.code == 1
    assert "list" in result.err and "ieepa-annex-ii" in result.err
    assert "Traceback" not in result.err


# --- hts lookup ------------------------------------------------------------------------

ROWS = [
    {"htsno": "2818", "indent": "0", "description": "Corundum", "general": "", "units": []},
    {
        "htsno": "2818.30.00",
        "indent": "1",
        "description": "Aluminum hydroxide",
        "general": "Free",
        "units": ["kg"],
    },
    {"htsno": "3004", "indent": "0", "description": "Medicaments", "general": "", "units": []},
    {
        "htsno": "3004.20.00",
        "indent": "1",
        "description": "Containing antibiotics",
        "general": "Free",
        "units": ["kg"],
    },
    {"htsno": "8411", "indent": "0", "description": "Turbojets", "general": "", "units": []},
    {
        "htsno": "8411.99.90",
        "indent": "1",
        "description": "Other parts",
        "general": "2.4%",
        "units": ["kg"],
    },
    {"htsno": "6109", "indent": "0", "description": "T-shirts", "general": "", "units": []},
    {
        "htsno": "6109.10.00",
        "indent": "1",
        "description": "Of cotton",
        "general": "16.5%",
        "units": ["doz."],
    },
]


@pytest.fixture
def imported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(tmp_path / "data"))
    import_schedule(json.dumps(ROWS).encode(), "hts_2026_rev_10.json")


def _lists_of(cli: Cli, code: str, origin: str, day: str) -> dict[str, Any]:
    document = _json(cli, "hts", "lookup", code, "--origin", origin, "--date", day)
    assert "measures" in document and "description" in document  # existing fields stay
    return {each["id"]: each for each in document["lists"]}


@pytest.mark.usefixtures("imported")
def test_lookup_shows_annex_ii_on_the_date(cli: Cli) -> None:
    found = _lists_of(cli, "3004.20.00", "JP", "2025-05-15")
    annex = found["ieepa-annex-ii"]
    assert annex["on_entry_date"] is True
    assert annex["kind"] == "exemption" and annex["heading"] == "9903.01.32"
    assert annex["entries"] == [
        {
            "hts": "3004.20.00",
            "from": "2025-04-05",
            "to": None,
            "confidence": "H",
            "note": None,
            "article": None,
        }
    ]
    assert {"ieepa-baseline", "ieepa-japan-24", "ieepa-japan-15"} <= set(annex["measures"])


@pytest.mark.usefixtures("imported")
def test_lookup_shows_a_membership_that_ended_with_its_dates(cli: Cli) -> None:
    found = _lists_of(cli, "2818.30.00", "JP", "2025-10-01")
    annex = found["ieepa-annex-ii"]
    assert annex["on_entry_date"] is False
    assert [(e["from"], e["to"]) for e in annex["entries"]] == [("2025-04-05", "2025-09-07")]
    result = cli("hts", "lookup", "2818.30.00", "--origin", "JP", "--date", "2025-10-01")
    assert result.code == 0, result.err
    assert "2025-04-05 to 2025-09-07" in result.out
    assert "ieepa-annex-ii" in result.out


@pytest.mark.usefixtures("imported")
def test_lookup_shows_the_civil_aircraft_list_and_its_claim(cli: Cli) -> None:
    found = _lists_of(cli, "8411.99.90", "JP", "2025-10-01")
    aircraft = found["japan-civil-aircraft"]
    assert aircraft["kind"] == "conditional" and aircraft["claim"] == "civil-aircraft"
    assert aircraft["origins"] == ["JP"] and aircraft["on_entry_date"] is True
    assert aircraft["measures"] == [  # the deal rate and, note 35(b), the metals annexes
        "ieepa-japan-15",
        "s232-metals-annex-1a",
        "s232-metals-annex-1b",
        "s232-metals-annex-3",
    ]
    # Section 122's list holds the line too, from a later date.
    assert found["s122-civil-aircraft"]["on_entry_date"] is False
    result = cli("hts", "lookup", "8411.99.90", "--origin", "JP", "--date", "2025-10-01")
    assert result.code == 0, result.err
    assert "japan-civil-aircraft" in result.out
    assert "--claim civil-aircraft" in result.out


@pytest.mark.usefixtures("imported")
def test_lookup_of_a_line_on_no_list(cli: Cli) -> None:
    assert _lists_of(cli, "6109.10.00", "BR", "2025-10-01") == {}
    result = cli("hts", "lookup", "6109.10.00", "--origin", "BR", "--date", "2025-10-01")
    assert result.code == 0, result.err
    assert "HTS lists naming" not in result.out
