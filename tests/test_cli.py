"""The command line end to end, in process: output formats, the JSON contract, bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pytest

from conftest import Cli
from tariffcalc.law.ratetable import builtin_path

if TYPE_CHECKING:
    from rich.console import Console

CAR = ("duty", "--sector", "autos", "--value", "30000", "--date", "2025-10-01")


def test_main_job_prints_one_row_per_scenario(cli: Cli) -> None:
    result = cli(*CAR)
    assert result.code == 0, result.err
    assert "sector autos" in result.out and "origin JP (Japan)" in result.out
    assert "entry 2025-10-01" in result.out and "customs value $30,000.00 USD" in result.out
    rows = [line for line in result.out.splitlines() if line.startswith("│")]
    assert [row.split("│")[1].split()[0] for row in rows] == [
        "mfn",
        "baseline",
        "reciprocal",
        "deal",
        "in-force",
    ]
    deal = next(row for row in rows if "deal" in row)
    assert "$4,500.00" in deal and "$34,641.42" in deal and "+$3,750.00" in deal
    # The footnote says why the reciprocal duty was not charged on a car in `baseline`.
    assert (
        "baseline: not applied: ieepa-baseline: goods subject to Section 232 (s232-autos)"
        in result.out
    )


def test_json_contract(cli: Cli) -> None:
    result = cli(*CAR, "--json")
    assert result.code == 0 and result.err == ""
    document = json.loads(result.out)
    shipment = document["shipment"]
    assert shipment["sector"] == "autos" and shipment["hts"] is None and shipment["origin"] == "JP"
    assert shipment["entry_date"] == "2025-10-01" and shipment["customs_value"] == 30000.00
    assert shipment["currency"] == "USD" and shipment["mfn_rate"] == 0.025
    scenarios = {s["id"]: s for s in document["scenarios"]}
    assert list(scenarios) == ["mfn", "baseline", "reciprocal", "deal", "in-force"]
    in_force = scenarios["in-force"]
    for key in ("id", "label", "effective_rate", "duty", "lines", "fees", "landed_cost", "notes"):
        assert key in in_force
    assert in_force["effective_rate"] == 0.15 and in_force["duty"] == 4500.00
    assert in_force["fees"] == {
        "mpf": 103.92,
        "hmf": 37.5,
        "total": 141.42,
        "mpf_fiscal_year": 2026,
        "informal_entry": False,
    }
    assert in_force["landed_cost"] == 34641.42
    first, second = in_force["lines"]
    assert (first["measure"], first["rate"], first["base"], first["amount"]) == (
        "mfn",
        0.025,
        30000.0,
        750.0,
    )
    assert (second["measure"], second["rate"], second["nominal_rate"], second["amount"]) == (
        "s232-autos-japan",
        0.125,
        0.15,
        3750.0,
    )
    assert second["authority"].startswith("EO 14345")


def test_csv_and_markdown_carry_the_figures_of_the_json(cli: Cli) -> None:
    document = json.loads(cli(*CAR, "--json").out)
    rows = list(csv.DictReader(io.StringIO(cli(*CAR, "--format", "csv").out)))
    assert [r["scenario"] for r in rows] == [s["id"] for s in document["scenarios"]]
    for row, scenario in zip(rows, document["scenarios"], strict=True):
        assert float(row["duty"]) == scenario["duty"]
        assert float(row["landed_cost"]) == scenario["landed_cost"]
        assert float(row["fees"]) == scenario["fees"]["total"]
        assert float(row["effective_rate"]) == scenario["effective_rate"]
    markdown = cli(*CAR, "--format", "markdown").out
    assert "| deal [3] | 15% | $4,500.00 | $141.42 | $34,641.42 | +$3,750.00 |" in markdown


def test_explain_shows_the_working(cli: Cli) -> None:
    result = cli(*CAR, "--explain", "--scenario", "in-force")
    assert result.code == 0
    assert "Proclamation 10908" not in result.out  # s232-autos was superseded, not charged
    assert "EO 14345" in result.out and "12.5% (15% incl. MFN)" in result.out
    assert "not applied: ieepa-japan-15: goods subject to Section 232" in result.out
    assert "not applied: s122-surcharge: not in force on 2025-10-01" in result.out


def test_explain_csv_lists_every_line(cli: Cli) -> None:
    rows = list(csv.DictReader(io.StringIO(cli(*CAR, "--format", "csv", "--explain").out)))
    assert [
        (r["scenario"], r["measure"], r["amount"]) for r in rows if r["scenario"] == "in-force"
    ] == [("in-force", "mfn", "750.00"), ("in-force", "s232-autos-japan", "3750.00")]


def test_scenario_filter_and_per_unit_figures(cli: Cli) -> None:
    result = cli(*CAR, "--scenario", "deal", "--quantity", "4", "--json")
    [deal] = json.loads(result.out)["scenarios"]
    assert deal["per_unit"] == {"duty": 1125.0, "landed_cost": 8660.36}


def test_hts_code_is_looked_up_in_the_curated_table(cli: Cli) -> None:
    args = ("duty", "--hts", "8703230100", "--value", "30000", "--date", "2025-10-01", "--json")
    document = json.loads(cli(*args).out)
    assert document["shipment"]["hts"] == "8703.23.01.00"
    assert document["shipment"]["sector"] == "autos"
    assert document["scenarios"][-1]["duty"] == 4500.0


def test_yen_shipment(cli: Cli) -> None:
    result = cli(
        "duty",
        "--sector",
        "autos",
        "--value",
        "4350000",
        "--currency",
        "jpy",
        "--fx",
        "145",
        "--date",
        "2025-10-01",
        "--scenario",
        "in-force",
    )
    assert result.code == 0
    assert "customs value $30,000.00 USD (4,350,000 JPY at 145 per USD)" in result.out
    assert "$4,500.00" in result.out


def test_warning_goes_to_stderr_not_stdout(cli: Cli) -> None:
    result = cli(
        "duty", "--sector", "general", "--value", "1000000", "--date", "2026-11-21", "--json"
    )
    assert result.code == 0
    assert "tariffcalc: warning: MPF values for FY2027 not confirmed" in result.err
    assert json.loads(result.out)["warnings"]


BAD_INPUT = [
    (["--value", "-5"], "--value: expected a positive amount"),
    (["--value", "abc"], "--value: expected a number"),
    (["--value", "nan"], "--value: expected a number"),
    (["--value", "inf"], "--value: expected a number"),
    (["--value", "1e20"], "--value: expected at most"),
    (["--value", "100", "--sector", "auto"], "did you mean 'autos'?"),
    (["--value", "100", "--scenario", "dael"], "did you mean 'deal'?"),
    (["--value", "100", "--origin", "Japn"], "did you mean Japan"),
    (["--value", "100", "--date", "2025-02-30"], "--date: expected a date YYYY-MM-DD"),
    (["--value", "100", "--date", "0025-10-01"], "--date: expected an entry date from 1980-01-01"),
    (["--value", "100", "--date", "10/01/2025"], "--date: expected a date YYYY-MM-DD"),
    (["--value", "100", "--currency", "JPY", "--fx", "0"], "--fx: expected a positive amount"),
    (["--value", "100", "--currency", "JPY", "--fx", "-3"], "--fx: expected a positive amount"),
    (["--value", "100", "--currency", "JPY"], "--fx: expected the rate for JPY"),
    (["--value", "100", "--currency", "XYZ", "--fx", "2"], "--currency: expected an ISO 4217 code"),
    (
        ["--value", "100", "--metal-value", "500", "--sector", "steel"],
        "--metal-value: expected at most the customs value",
    ),
    (
        ["--value", "100", "--metal-value", "50"],
        "--metal-value: sector 'autos' has no metal-content measure",
    ),
    (["--value", "100", "--mfn", "-1"], "--mfn: expected a percentage"),
    (["--value", "100", "--mode", "boat"], "--mode: expected one of ocean"),
    (["--value", "100", "--quantity", "0"], "--quantity: expected a positive amount"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_1(cli: Cli, args: list[str], message: str) -> None:
    if "--sector" not in args:
        args = ["--sector", "autos", *args]
    result = cli("duty", *args)
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("tariffcalc: error: ") and message in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("option", "word"), [("--sector", "nope"), ("--origin", "Atlantis"), ("--scenario", "xyz")]
)
def test_no_suggestion_for_words_that_merely_share_letters(
    cli: Cli, option: str, word: str
) -> None:
    args = ["--sector", "autos", "--value", "100", option, word]
    result = cli("duty", *args[2:] if option == "--sector" else args)
    assert result.code == 1 and f"{word!r}" in result.err and "did you mean" not in result.err


def test_unknown_hts_suggests_close_codes(cli: Cli) -> None:
    result = cli("duty", "--hts", "8703.99.99", "--value", "100")
    assert result.code == 1 and result.out == ""
    assert "close: 8703.22.01, 8703.23.01" in result.err and "--sector autos" in result.err


@pytest.mark.parametrize(
    "args",
    [
        ["duty", "--sector", "autos"],
        ["duty", "--sector", "autos", "--value", "1", "--format", "xml"],
        ["duty", "--value", "1", "--bogus"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.code == 2 and result.out == ""


def test_rates_from_stdin_and_from_the_environment(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    table = builtin_path().read_bytes()
    assert (
        json.loads(cli(*CAR, "--json", "--rates", "-", stdin=table).out)["shipment"]["rate_table"]
        == "<stdin>"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text('x: !!python/object/apply:os.system ["echo hi"]\n')
    monkeypatch.setenv("TARIFFCALC_RATES", str(bad))
    result = cli(*CAR)
    assert result.code == 1 and result.out == ""
    assert result.err.startswith(f"tariffcalc: error: {bad}: not valid YAML")


def test_many_table_problems_are_listed_each_on_a_line(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        builtin_path()
        .read_text()
        .replace("rate: 24%", "rate: -24%")
        .replace("rate: 10%", "rate: x", 1)
    )
    result = cli(*CAR, "--rates", str(bad))
    assert result.code == 1 and result.out == ""
    assert f"{bad}: 2 problems" in result.err
    assert "  measures[0](ieepa-baseline).rate:" in result.err


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.code == 0 and result.out.startswith("tariffcalc 0.")


COMMANDS = ["duty", "compare", "sweep", "timeline", "impact", "batch", "refunds"]


def test_every_command_has_help_with_examples(cli: Cli) -> None:
    listing = cli("--help").out
    for name in [*COMMANDS, "rates", "hts", "plans"]:
        assert f"  {name} " in listing, name
    for name in COMMANDS:
        result = cli(name, "--help")
        assert result.code == 0 and "Example" in result.out, name
    for group, names in (
        ("rates", ["list", "show", "validate", "export"]),
        ("hts", ["import", "status", "lookup", "search"]),
        ("plans", ["export"]),
    ):
        for name in names:
            assert cli(group, name, "--help").code == 0, (group, name)
    assert "--metal-value" in cli("duty", "--help").out


def test_a_mistyped_command_is_a_usage_error_with_a_suggestion(cli: Cli) -> None:
    result = cli("dutty", "--value", "1")
    assert result.code == 2 and "duty" in result.err


def test_help_imports_neither_pydantic_nor_yaml_nor_rich_table() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['tariffcalc', '--help']\n"
        "from tariffcalc.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('pydantic', 'yaml', 'rich.table', 'rich.console') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_json_run_from_the_cache_imports_neither_pydantic_nor_yaml_nor_rich(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['tariffcalc', 'duty', '--sector', 'autos', '--value', '30000', '--json']\n"
        "from tariffcalc.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('pydantic', 'yaml', 'rich') if m in sys.modules], file=sys.stderr)"
    )
    env = {"TARIFFCALC_CACHE_DIR": str(tmp_path), "PATH": ""}
    subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, check=True, env=env
    )  # fills the cache
    err = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    ).stderr
    assert err.strip().splitlines()[-1] == "[]"


def test_a_narrow_screen_never_cuts_a_figure(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    wide = cli(*CAR, "--quantity", "3", "--freight", "1500", "--explain").out
    monkeypatch.setattr("tariffcalc.output.render.make_console", _narrow_console)
    narrow = cli(*CAR, "--quantity", "3", "--freight", "1500", "--explain").out
    assert "…" not in narrow
    for figure in ("$36,141.42", "$12,047.14", "$1,500.00", "12.5% (15% incl. MFN)"):
        assert figure in wide
    # The rate's words may wrap to fit (issue 14: 80 columns); its figures stay whole.
    for figure in ("$36,141.42", "$12,047.14", "$1,500.00", "12.5%", "(15%"):
        assert figure in narrow


def _narrow_console(out: TextIO) -> Console:
    from rich.console import Console

    return Console(file=out, width=50)
