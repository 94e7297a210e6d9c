"""compare, sweep, timeline, rates and the what-ifs, through the CLI and the library."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from tariffcalc.inputs.shipment import make_shipment
from tariffcalc.inputs.whatif import with_overrides, with_scenario
from tariffcalc.law.domain import RateTable
from tariffcalc.law.engine import assess
from tariffcalc.studies.timeline import boundaries, timeline

D = Decimal


def scenarios_of(out: str) -> dict[str, Any]:
    return {s["id"]: s for s in json.loads(out)["scenarios"]}


# --- what-ifs ---------------------------------------------------------------------------


CAR_AT_15 = ("duty", "--sector", "autos", "--value", "30000", "--date", "2025-06-01",
             "--set", "s232-autos=15")  # fmt: skip


def test_set_overrides_a_measure_and_marks_what_changed(cli: Cli) -> None:
    result = cli(*CAR_AT_15, "--json")
    scenarios = scenarios_of(result.out)
    assert scenarios["baseline"]["duty"] == 750.0 + 4500.0
    assert scenarios["baseline"]["overrides"] == ["s232-autos=15%"]
    assert scenarios["in-force"]["overrides"] == ["s232-autos=15%"]
    # The deal's auto rate supersedes s232-autos: that scenario is not changed.
    assert scenarios["deal"]["overrides"] == [] and scenarios["deal"]["duty"] == 4500.0
    assert json.loads(result.out)["overrides"] == ["s232-autos=15%"]
    table = cli(*CAR_AT_15).out
    assert "baseline [1] *" in table and "deal [3] *" not in table
    assert "* changed by --set s232-autos=15%: baseline, reciprocal, in-force" in table


def test_overrides_never_leak(cli: Cli, table: RateTable) -> None:
    changed = with_overrides(table, ["s232-autos=15"])
    assert table.measures["s232-autos"].rate == D("0.25") and table.overridden == ()
    assert changed.measures["s232-autos"].rate == D("0.15")
    cli("duty", "--sector", "autos", "--value", "30000", "--set", "s232-autos=15")
    later = scenarios_of(
        cli("duty", "--sector", "autos", "--value", "30000", "--date", "2025-06-01", "--json").out
    )
    assert later["baseline"]["duty"] == 8250.0 and later["baseline"]["overrides"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--set", "s232-auto=15"],
            "--set: unknown measure 's232-auto' (did you mean 's232-autos'?)",
        ),
        (["--set", "s232-autos"], "--set: expected MEASURE=PCT"),
        (["--set", "s232-autos=-5"], "--set: expected a percentage"),
        (["--add-scenario", "deal=s232-autos"], "--add-scenario: scenario 'deal' already exists"),
        (["--add-scenario", "x=s232-autoz"], "--add-scenario: unknown measure 's232-autoz'"),
        (["--add-scenario", "no measures"], "--add-scenario: expected NAME=MEASURE"),
    ],
)
def test_bad_what_ifs(cli: Cli, args: list[str], message: str) -> None:
    result = cli("duty", "--sector", "autos", "--value", "100", *args)
    assert result.code == 1 and result.out == "" and message in result.err


def test_add_scenario_is_shown_beside_the_others(cli: Cli, table: RateTable) -> None:
    result = cli(
        "duty",
        "--sector",
        "general",
        "--mfn",
        "2",
        "--value",
        "10000",
        "--add-scenario",
        "s122-only=s122-surcharge",
        "--json",
    )
    scenarios = scenarios_of(result.out)
    assert list(scenarios)[-1] == "s122-only"
    assert scenarios["s122-only"]["duty"] == 1200.0
    assert "s122-only" not in table.scenarios  # the shared table is untouched
    assert "s122-only" in with_scenario(table, "s122-only=s122-surcharge").scenarios


def test_a_users_table_extends_the_shipped_one(cli: Cli, tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "extends: builtin\n"
        "title: cars at 15\n"
        "scenarios:\n"
        "  - {id: s232-only, label: only the auto tariff, measures: [s232-autos]}\n"
        "legal_bases:\n"
        "  extra: An extra basis\n"
    )
    result = cli("duty", "--sector", "autos", "--value", "30000", "--rates", str(mine), "--json")
    scenarios = scenarios_of(result.out)
    assert list(scenarios) == ["mfn", "baseline", "reciprocal", "deal", "in-force", "s232-only"]
    assert scenarios["s232-only"]["duty"] == 8250.0
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: somewhere-else\n")
    failed = cli("duty", "--sector", "autos", "--value", "1", "--rates", str(bad))
    assert failed.code == 1 and "extends: expected 'builtin'" in failed.err


# --- compare ----------------------------------------------------------------------------------


def test_compare_sectors(cli: Cli) -> None:
    args = (
        "compare",
        "--sector",
        "autos",
        "--sector",
        "auto-parts",
        "--sector",
        "steel",
        "--sector",
        "general",
        "--value",
        "30000",
        "--date",
        "2026-11-21",
    )
    document = json.loads(cli(*args, "--json").out)
    rows = {row["sector"]: row["values"] for row in document["rows"]}
    assert rows["autos"] == {
        "mfn": 750.0,
        "baseline": 8250.0,
        "reciprocal": 8250.0,
        "deal": 4500.0,
        "in-force": 4500.0,
    }
    assert rows["steel"]["in-force"] == 15000.0  # annex I-A: 50% of the full value
    assert rows["general"]["in-force"] == 3750.0  # Section 301: 12.5% inclusive of 0% MFN
    table = cli(*args).out
    assert "│ steel        │   $0.00 │ $15,000.00 │" in table
    matrix = list(csv.reader(io.StringIO(cli(*args, "--format", "csv").out)))
    assert matrix[0] == [
        "what",
        "origin",
        "entry_date",
        "customs_value",
        "mfn",
        "baseline",
        "reciprocal",
        "deal",
        "in-force",
    ]
    assert matrix[1] == [
        "autos",
        "JP",
        "2026-11-21",
        "30000.00",
        "750.00",
        "8250.00",
        "8250.00",
        "4500.00",
        "4500.00",
    ]


def test_compare_origins_shows_effective_rates(cli: Cli) -> None:
    result = cli(
        "compare",
        "--origin",
        "JP",
        "--origin",
        "DE",
        "--origin",
        "Korea",
        "--sector",
        "general",
        "--value",
        "100000",
        "--date",
        "2025-10-01",
        "--show",
        "effective-rate",
        "--json",
    )
    rows = {row["origin"]: row["values"] for row in json.loads(result.out)["rows"]}
    assert rows["JP"]["reciprocal"] == 0.24 and rows["DE"]["reciprocal"] == 0.20  # EU: 20%
    assert rows["KR"]["in-force"] == 0.15 and rows["JP"]["in-force"] == 0.15  # KR: 15% added


def test_compare_the_law_through_time(cli: Cli) -> None:
    dates = ["2025-03-01", "2025-05-01", "2025-10-01", "2026-03-15", "2026-08-01"]
    args = [arg for day in dates for arg in ("--date", day)]
    result = cli(
        "compare",
        *args,
        "--sector",
        "autos",
        "--value",
        "30000",
        "--scenario",
        "in-force",
        "--json",
    )
    duties = [row["values"]["in-force"] for row in json.loads(result.out)["rows"]]
    assert duties == [750.0, 8250.0, 4500.0, 4500.0, 4500.0]


def test_compare_needs_something_to_compare(cli: Cli) -> None:
    result = cli("compare", "--value", "100")
    assert result.code == 1 and "--sector: expected at least one --sector or --hts" in result.err
    bad = cli("compare", "--sector", "autos", "--value", "100", "--show", "dutty")
    assert bad.code == 1 and "did you mean 'duty'" in bad.err


# --- sweep -------------------------------------------------------------------------------------


SWEEP_CAR_TARIFF = ("sweep", "--sector", "autos", "--value", "30000", "--measure", "s232-autos",
                    "--from", "0", "--to", "50", "--step", "5")  # fmt: skip


def test_sweep_a_measure_rate(cli: Cli) -> None:
    document = json.loads(cli(*SWEEP_CAR_TARIFF, "--json").out)
    assert document["scenario"] == "baseline"  # the first scenario where s232-autos applies
    points = document["points"]
    assert [p["x"] for p in points] == [i / 100 for i in range(0, 55, 5)]
    assert [p["duty"] for p in points] == [750.0 + 300.0 * i for i in range(0, 55, 5)]
    table = cli(*SWEEP_CAR_TARIFF).out
    assert "█" * 24 in table  # the largest duty fills the bar
    assert "$15,750.00" in table


def test_sweep_of_the_value_bends_at_the_fee_limits(cli: Cli) -> None:
    result = cli(
        "sweep",
        "--sector",
        "general",
        "--mfn",
        "2",
        "--date",
        "2025-10-01",
        "--value-from",
        "5000",
        "--value-to",
        "205000",
        "--step",
        "50000",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [r["value"] for r in rows] == [
        "5000.00",
        "55000.00",
        "105000.00",
        "155000.00",
        "205000.00",
    ]
    # MPF: the FY2026 minimum, then 0.3464%, then the maximum; HMF 0.125% throughout.
    fees = [D(r["fees"]) for r in rows]
    assert fees == [
        D("33.58") + D("6.25"),
        D("190.52") + D("68.75"),
        D("363.72") + D("131.25"),
        D("536.92") + D("193.75"),
        D("651.50") + D("256.25"),
    ]
    assert [r["duty"] for r in rows] == ["750.00", "8250.00", "15750.00", "23250.00", "30750.00"]


def test_sweep_warns_when_the_measure_does_not_apply(cli: Cli) -> None:
    result = cli(
        "sweep",
        "--sector",
        "general",
        "--value",
        "100",
        "--measure",
        "s232-autos",
        "--from",
        "0",
        "--to",
        "10",
        "--step",
        "5",
        "--scenario",
        "deal",
    )
    assert result.code == 0 and "the sweep is flat" in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "s232-autos", "--from", "0", "--to", "50", "--step", "5"], "needs --value"),
        (
            ["--value", "1", "--measure", "s232-autoz", "--from", "0", "--to", "5", "--step", "1"],
            "--measure: unknown measure 's232-autoz'",
        ),
        (["--value-from", "10", "--value-to", "5", "--step", "1"], "--step: expected the end"),
        (
            ["--value-from", "1", "--value-to", "5", "--step", "0"],
            "--step: expected a positive step",
        ),
        (["--value-from", "1", "--value-to", "5000", "--step", "1"], "at most 1000 steps"),
        (["--step", "1"], "--value-from: give --measure"),
    ],
)
def test_bad_sweeps(cli: Cli, args: list[str], message: str) -> None:
    result = cli("sweep", "--sector", "autos", *args)
    assert result.code == 1 and result.out == "" and message in result.err


# --- timeline -------------------------------------------------------------------------------------


def test_timeline_of_a_japanese_car(cli: Cli) -> None:
    document = json.loads(cli("timeline", "--sector", "autos", "--value", "30000", "--json").out)
    periods = [(p["from"], p["to"], p["measures"], p["duty"]) for p in document["periods"]]
    assert periods == [
        (None, "2025-04-02", ["mfn"], 750.0),
        ("2025-04-03", "2025-09-15", ["mfn", "s232-autos"], 8250.0),
        ("2025-09-16", None, ["mfn", "s232-autos-japan"], 4500.0),
    ]
    assert document["periods"][1]["lines"][1] == {
        "measure": "s232-autos",
        "rate": 0.25,
        "amount": 7500.0,
    }
    rates_only = json.loads(cli("timeline", "--sector", "autos", "--json").out)
    assert rates_only["periods"][1]["lines"][1] == {"measure": "s232-autos", "rate": 0.25}
    assert rates_only["periods"][1]["duty"] is None and rates_only["customs_value"] is None
    table = cli("timeline", "--sector", "autos", "--value", "30000").out
    assert "│ 2025-04-03 │ 2025-09-15 │ s232-autos        │     27.5% │ $8,250.00 │" in table


SHIPMENTS = [
    {"sector": sector, "origin": origin, "metal_value": metal}
    for sector in (
        "autos",
        "auto-parts",
        "trucks",
        "steel",
        "copper",
        "pharma",
        "general",
        "civil-aircraft",
        "polysilicon",
    )
    for origin in ("JP", "DE", "GB")
    for metal in ((None, "4000") if sector in ("steel", "copper") else (None,))
]


@pytest.mark.parametrize(
    "inputs", SHIPMENTS, ids=lambda i: f"{i['sector']}-{i['origin']}-{i['metal_value']}"
)
def test_timeline_agrees_with_duty_on_every_boundary_date(
    table: RateTable, inputs: dict[str, Any]
) -> None:
    shipment = make_shipment(table, value="10000", mfn="2", **inputs)
    periods = timeline(table, shipment, "in-force")
    days = boundaries(table, shipment)
    assert days, "the table has dated measures for every sector"
    for day in {d for first in days for d in (first - timedelta(days=1), first)}:
        [period] = [
            p
            for p in periods
            if (p.start is None or p.start <= day) and (p.end is None or day <= p.end)
        ]
        on_the_day = assess(table, shipment._replace(entry_date=day), "in-force")
        assert on_the_day.lines == period.result.lines, day
        assert on_the_day.duty == period.result.duty


# --- rates ---------------------------------------------------------------------------------------


def test_rates_list(cli: Cli) -> None:
    result = cli("rates", "list")
    assert result.code == 0
    assert "ieepa-japan-15" in result.out and "2025-08-07 → 2026-02-23" in result.out
    markdown = cli("rates", "list", "--format", "markdown").out
    assert (
        "| in-force | The law on the entry date | every measure in force on the entry date |"
        in markdown
    )
    rows = list(csv.DictReader(io.StringIO(cli("rates", "list", "--format", "csv").out)))
    s301 = next(r for r in rows if r.get("id") == "s301-forced-labor-japan")
    assert (s301["rate"], s301["kind"], s301["confidence"]) == ("0.125", "inclusive", "M")


def test_rates_show(cli: Cli) -> None:
    document = json.loads(cli("rates", "show", "s232-autos-japan", "--json").out)
    assert document["supersedes"] == ["s232-autos", "s232-auto-parts"]
    assert document["in_force"] == [{"from": "2025-09-16", "to": None}]
    assert document["scenarios"] == ["deal"]
    shown = cli("rates", "show", "s232-autos")
    assert "https://www.govinfo.gov/content/pkg/FR-2025-04-03/html/2025-05930.htm" in shown.out
    assert json.loads(cli("rates", "show", "deal", "--json").out)["type"] == "scenario"
    assert json.loads(cli("rates", "show", "steel", "--json").out)["hts"] == ["72", "73"]
    missing = cli("rates", "show", "s232-auto")
    assert missing.code == 1 and "did you mean 's232-autos'" in missing.err


def test_rates_validate(cli: Cli, tmp_path: Path) -> None:
    from tariffcalc.law.ratetable import builtin_path, load_table

    ok = cli("rates", "validate", str(builtin_path()))
    measures = len(load_table(use_cache=False).measures)
    assert ok.code == 0 and f"ok: {measures} measures, 5 scenarios" in ok.out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        builtin_path()
        .read_text()
        .replace("rate: 24%", "rate: -24%")
        .replace("kind: inclusive", "kind: inclusiv", 1)
    )
    result = cli("rates", "validate", str(bad))
    assert result.code == 1 and result.out == ""
    assert "2 problems" in result.err
    assert (
        "measures[1](ieepa-japan-24).rate:" in result.err
        and "measures[2](ieepa-japan-15).kind:" in result.err
    )


def test_rates_export_is_the_whole_table(cli: Cli, table: RateTable) -> None:
    document = json.loads(cli("rates", "export").out)
    assert [m["id"] for m in document["measures"]] == list(table.measures)
    assert [s["id"] for s in document["scenarios"]] == list(table.scenarios)
    assert document["fees"]["mpf"]["rate"] == 0.003464
    assert document["hts"]["8703.23.01"] == {
        "mfn": 0.025,
        "description": table.hts["87032301"].description,
    }


def test_timeline_reports_no_fee_warnings_for_the_fees_it_leaves_out(cli: Cli) -> None:
    # $1,000,000 today is at the unconfirmed FY2027 MPF maximum: duty warns, timeline need not.
    assert "MPF" in cli("duty", "--sector", "general", "--value", "1000000").err
    assert cli("timeline", "--sector", "general", "--value", "1000000").err == ""
