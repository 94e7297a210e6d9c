"""impact: the arithmetic of trade flows, pass-through and markups, to the cent."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from tariffcalc.inputs.flows import load_flows
from tariffcalc.studies.impact import Pricing, price_change

D = Decimal
CARS = (
    "impact",
    "--sector",
    "autos",
    "--units",
    "1370000",
    "--unit-value",
    "30000",
    "--date",
    "2026-11-21",
)


def scenarios(out: str) -> dict[str, Any]:
    return {s["id"]: s for s in json.loads(out)["scenarios"]}


def test_units_times_unit_value_times_rate(cli: Cli) -> None:
    result = scenarios(cli(*CARS, "--json").out)
    value = 1_370_000 * 30_000
    assert {k: v["duty"] for k, v in result.items()} == {
        "mfn": value * 0.025,
        "baseline": value * 0.275,
        "reciprocal": value * 0.275,
        "deal": value * 0.15,
        "in-force": value * 0.15,
    }
    assert result["deal"]["change_vs_mfn"] == 5_137_500_000.0
    assert result["deal"]["per_unit"] == {
        "importer_cost": 3750.0,
        "buyer_price": 3750.0,
        "price_before": 30750.0,
    }
    assert result["baseline"]["effective_rate"] == 0.275


def test_pass_through_and_markup_in_percent(cli: Cli) -> None:
    result = scenarios(cli(*CARS, "--pass-through", "50", "--margin", "10", "--json").out)
    baseline = result["baseline"]
    # Half of the $7,500 duty increase, marked up 10%: $4,125 a car.
    assert baseline["per_unit"] == {
        "importer_cost": 7500.0,
        "buyer_price": 4125.0,
        "price_before": 33825.0,
    }
    assert baseline["buyer_price_total"] == 4125.0 * 1_370_000


def test_markup_kept_in_dollars(cli: Cli) -> None:
    result = scenarios(
        cli(
            *CARS, "--pass-through", "50", "--margin", "10", "--markup-mode", "dollars", "--json"
        ).out
    )
    assert result["deal"]["per_unit"]["buyer_price"] == 1875.0
    assert result["deal"]["buyer_price_total"] == 1875.0 * 1_370_000


def test_price_change_rounds_each_figure_to_the_cent() -> None:
    change = price_change(D("1000"), D("25"), D("10"), D("3"), Pricing(D("1"), D("0.1"), "percent"))
    assert change == (D("3.33"), D("3.67"), D("375.83"))


def test_the_shipped_japan_flows(cli: Cli) -> None:
    flows = load_flows("japan-2024")
    assert sum(f.value for f in flows.flows) == D("143.6e9")
    assert all(f.source and f.confidence for f in flows.flows)
    document = json.loads(
        cli("impact", "--flows", "japan-2024", "--date", "2026-01-01", "--json").out
    )
    result = {s["id"]: s for s in document["scenarios"]}
    # autos 51.8B x 15% + general 80.9B x 15% + pharma 6.4B x 15% + steel 4.5B x 50%
    assert (
        result["in-force"]["duty"] == 7_770_000_000 + 12_135_000_000 + 960_000_000 + 2_250_000_000
    )
    assert result["in-force"]["by_sector"]["steel"] == {
        "value": 4.5e9,
        "duty": 2.25e9,
        "effective_rate": 0.5,
    }
    assert result["mfn"]["duty"] == 51.8e9 * 0.025
    assert any("upper bound" in note for note in document["notes"])
    assert any("12.2%" in note for note in document["notes"])


def test_amounts_in_yen(cli: Cli) -> None:
    result = scenarios(cli(*CARS, "--currency", "JPY", "--fx", "145", "--json").out)
    assert result["deal"]["in_currency"] == {
        "currency": "JPY",
        "fx": 145.0,
        "duty": 6_165_000_000 * 145,
        "change_vs_mfn": 5_137_500_000 * 145,
        "buyer_price_per_unit": 3750 * 145,
    }
    table = cli(*CARS, "--currency", "JPY", "--fx", "145").out
    assert "Duty (JPY)" in table and "543,750" in table


def test_a_csv_of_flows(cli: Cli, tmp_path: Path) -> None:
    flows = tmp_path / "flows.csv"
    flows.write_text(
        "label,sector,origin,value,units,mfn\ncars,autos,JP,3000000,100,\nmachines,general,DE,1000000,,2\n"
    )
    document = json.loads(
        cli("impact", "--flows", str(flows), "--date", "2025-10-01", "--json").out
    )
    result = {s["id"]: s for s in document["scenarios"]}
    # cars: 15% of $3M; German machines: the EU's 15% all-in (2% MFN + 13%) of $1M
    assert result["in-force"]["duty"] == 450_000 + 150_000
    assert result["in-force"]["per_unit"] is None  # not every flow has units
    assert result["mfn"]["duty"] == 75_000 + 20_000


def test_set_marks_the_changed_scenarios(cli: Cli) -> None:
    result = scenarios(cli(*CARS, "--set", "s232-autos=10", "--json").out)
    assert result["baseline"]["duty"] == 1_370_000 * 30_000 * 0.125
    assert (
        result["baseline"]["overrides"] == ["s232-autos=10%"] and result["deal"]["overrides"] == []
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sector", "autos", "--units", "5"], "--units: expected --units N with --unit-value"),
        (["--sector", "autos", "--value", "5", "--units", "2", "--unit-value", "3"], "not both"),
        (["--flows", "japan-2024", "--sector", "autos"], "--flows: give --flows, or one flow"),
        (["--flows", "japan-2023"], "no file or shipped flows 'japan-2023'; shipped: japan-2024"),
        (
            ["--sector", "autos", "--value", "5", "--pass-through", "150"],
            "--pass-through: expected a percentage from 0 to 100",
        ),
        (
            ["--sector", "autos", "--value", "5", "--markup-mode", "euros"],
            "--markup-mode: expected percent or dollars",
        ),
        (["--sector", "autos", "--value", "5", "--currency", "JPY"], "--fx: show another currency"),
    ],
)
def test_bad_impact_input(cli: Cli, args: list[str], message: str) -> None:
    result = cli("impact", *args)
    assert result.code == 1 and result.out == "" and message in result.err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a list\n", "expected a mapping with name, title and flows"),
        (
            "name: x\ntitle: x\nflows:\n  - {label: cars, sector: autos}\n",
            "flows[0].value: missing: this key is required",
        ),
        ("name: x\ntitle: x\nflows: []\nextra: 1\n", "extra: unknown key"),
    ],
)
def test_a_bad_flows_file_names_each_problem(
    cli: Cli, tmp_path: Path, text: str, message: str
) -> None:
    flows = tmp_path / "flows.yaml"
    flows.write_text(text)
    result = cli("impact", "--flows", str(flows))
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"tariffcalc: error: {flows}: ") and message in result.err
