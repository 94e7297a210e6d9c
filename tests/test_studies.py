"""The studies behind the commands, reached from Python through `tariffcalc`, and the
commands that read them: `hts lookup` under several by-date scenarios, `impact --flows -`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import tariffcalc
from tariffcalc.errors import InputError
from tariffcalc.inputs.schedule import Schedule
from tariffcalc.law.domain import RateTable

D = Decimal

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
    tariffcalc.import_schedule(json.dumps(ROWS).encode(), "hts_2026_rev_10.json")
    found = tariffcalc.open_schedule()
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


def test_lookup_from_python(table: RateTable, schedule: Schedule) -> None:
    found = tariffcalc.lookup(table, schedule, "8703.23.01", "JP", "2025-10-01")
    assert found.line is not None and found.line.description.startswith("Of a cylinder")
    assert found.shipment is not None and found.shipment.customs_value == D(10000)
    assert [r.scenario for r in found.results] == [tariffcalc.law_on_date(table)]
    # Japan's 15% inclusive of MFN on cars: 2.5% MFN + 12.5%.
    assert found.results[0].effective_rate == D("0.15")
    heading = tariffcalc.lookup(table, schedule, "870323")
    assert heading.line is None and [x.code for x in heading.below] == ["87032301", "8703230110"]
    with pytest.raises(InputError, match="not in the schedule"):
        tariffcalc.lookup(table, schedule, "9999.99")


# --- the imported schedule through the public API --------------------------------------------


def test_make_shipment_classifies_by_the_imported_schedule(
    table: RateTable, schedule: Schedule, cli: Any
) -> None:
    shipment = tariffcalc.make_shipment(
        table,
        hts="8703.23.01.10",
        value="30000",
        entry_date="2025-10-01",
        schedule=tariffcalc.open_schedule(),
    )
    assert (shipment.sector, shipment.mfn_rate) == ("autos", D("0.025"))
    assert shipment.hts_description == "Sedans"
    assert shipment.hts_source is not None and "2026 revision 10" in shipment.hts_source
    found = tariffcalc.duty(table, shipment, ["in-force"])
    assert found.results[0].duty == D("4500.00")  # 15% inclusive of MFN
    by_cli = json.loads(
        cli(
            "duty", "--hts", "8703.23.01.10", "--value", "30000", "--date", "2025-10-01", "--json"
        ).out
    )
    assert by_cli == tariffcalc.to_json(table, shipment, tariffcalc.assess_all(table, shipment))


# --- the other studies from Python -------------------------------------------------------------


def test_sweep_of_a_rate(table: RateTable) -> None:
    template = tariffcalc.shipment_template(table, sector="autos", entry_date="2025-10-01")
    found = tariffcalc.sweep(
        table, template, measure="s232-autos", value="30000", rates=("0", "50"), step="25"
    )
    assert isinstance(found, tariffcalc.Sweep)
    assert found.variable == "s232-autos" and found.scenario == "baseline"
    assert [p.x for p in found.points] == [D(0), D("0.25"), D("0.5")]
    # MFN 2.5% plus the swept rate, on 30,000.
    assert [p.result.duty for p in found.points] == [D("750.00"), D("8250.00"), D("15750.00")]
    assert found.warnings == ()


def test_sweep_that_never_applies_warns_it_is_flat(table: RateTable) -> None:
    template = tariffcalc.shipment_template(table, sector="general", entry_date="2025-10-01")
    found = tariffcalc.sweep(
        table, template, measure="s232-autos", value=1000, rates=(0, 10), step=5
    )
    assert found.scenario == "in-force"
    assert len({p.result.duty for p in found.points}) == 1
    assert found.warnings[0].startswith("s232-autos does not apply to this shipment")


def test_sweep_of_the_value_and_its_bad_combinations(table: RateTable) -> None:
    template = tariffcalc.shipment_template(table, sector="general", mfn="2")
    found = tariffcalc.sweep(table, template, values=(1000, 3000), step=1000, scenario="mfn")
    assert [(p.x, p.result.duty) for p in found.points] == [
        (D(1000), D("20.00")),
        (D(2000), D("40.00")),
        (D(3000), D("60.00")),
    ]
    with pytest.raises(InputError, match="a rate sweep needs --value, --from and --to"):
        tariffcalc.sweep(table, template, measure="s232-autos", rates=(0, 10), step=5)
    with pytest.raises(InputError, match="or --value-from and --value-to"):
        tariffcalc.sweep(table, template, value=1000, values=(1000, 2000), step=500)


def test_compare_is_the_product_of_what_varies(table: RateTable) -> None:
    found = tariffcalc.compare(
        table,
        values=["10000", "20000"],
        sectors=["autos", "general"],
        origins=["JP", "DE"],
        dates=["2025-10-01"],
        scenarios=["mfn", "deal", "mfn"],
    )
    assert isinstance(found, tariffcalc.Comparison)
    assert found.scenarios == ["mfn", "deal"]
    keys = [(r.shipment.sector, r.shipment.origin, r.shipment.customs_value) for r in found.rows]
    assert keys == [
        (sector, origin, D(value))
        for sector in ("autos", "general")
        for origin in ("JP", "DE")
        for value in (10000, 20000)
    ]
    assert all([r.scenario for r in row.results] == ["mfn", "deal"] for row in found.rows)
    with pytest.raises(InputError, match="at least one --sector or --hts"):
        tariffcalc.compare(table, values=["1"])


def test_history_without_a_value_gives_rates_only(table: RateTable) -> None:
    template = tariffcalc.shipment_template(table, sector="autos")
    rates_only = tariffcalc.history(table, template)
    priced = tariffcalc.history(table, template, value="30000")
    assert not rates_only.with_duty and priced.with_duty
    assert priced.shipment.customs_value == D(30000)
    assert [(p.start, p.end, p.measures) for p in rates_only.periods] == [
        (p.start, p.end, p.measures) for p in priced.periods
    ]
    law = tariffcalc.law_on_date(table)
    assert priced.periods == tariffcalc.timeline(table, priced.shipment, law)


def test_impact_of_one_flow(table: RateTable) -> None:
    flows = tariffcalc.FlowSet("cars", "cars", (tariffcalc.Flow("cars", D(1_000_000), "autos"),))
    found = tariffcalc.impact(table, flows, date(2025, 10, 1), ["mfn", "baseline"])
    assert isinstance(found, tariffcalc.Impact)
    assert [i.scenario for i in found.impacts] == ["mfn", "baseline"]
    # 2.5% MFN; baseline adds the 25% Section 232 auto tariff.
    assert [i.duty for i in found.impacts] == [D("25000.00"), D("275000.00")]
    assert found.impacts[1].change_vs_mfn == D("250000.00")


def test_import_tariffcalc_loads_no_study() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tariffcalc; print(sorted(m for m in sys.modules if 'tariffcalc.' in m))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert loaded.strip() == "[]"


def test_every_public_name_loads() -> None:
    for name in tariffcalc.__all__:
        assert getattr(tariffcalc, name) is not None, name


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
