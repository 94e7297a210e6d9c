"""Rough edges of a newcomer's first day (issue 14 item 4)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED, Cli
from tariffcalc import __version__
from tariffcalc.output.render import compact_usd

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_positional_arguments_are_named_as_such_in_errors(cli: Cli, tmp_path: Path) -> None:
    assert "tariffcalc: error: FILE: no such file" in cli("batch", str(tmp_path / "x.csv")).err
    assert "tariffcalc: error: ID: no measure" in cli("rates", "show", "nope").err


def test_rates_validate_speaks_in_one_wording(cli: Cli) -> None:
    result = cli("rates", "validate", str(EXAMPLES / "broken-rates.yaml"))
    assert result.code == 1
    assert "measures[1](ieepa-japan-24).kind: expected 'additional' or 'inclusive'" in result.err
    assert "Input should be" not in result.err


def test_the_refunds_disclaimer_is_said_once(cli: Cli, tmp_path: Path) -> None:
    for options in ((), ("--json",), ("--format", "csv")):
        result = cli("refunds", str(EXAMPLES / "entries.csv"), *options)
        said = (result.out + result.err).count("not legal advice")
        assert said == 1, options


def test_hts_search_without_a_match_exits_1(cli: Cli, tmp_path: Path) -> None:
    schedule = SHARED / "data" / "hts_2026_rev_10.json.gz"
    if not schedule.exists():
        pytest.skip("needs the shared data (TARIFFCALC_SHARED)")
    assert cli("hts", "import", str(schedule)).code == 0
    assert cli("hts", "search", "electric", "motors", "--limit", "1").code == 0
    missing = cli("hts", "search", "zzyzx")
    assert missing.code == 1 and "no line matches 'zzyzx'" in missing.err


def test_dash_capital_v_is_the_version(cli: Cli) -> None:
    assert cli("-V").out.strip() == f"tariffcalc {__version__}"


def complete(words: str) -> list[str]:
    env = {
        **os.environ,
        "_TARIFFCALC_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    script = str(Path(sys.executable).with_name("tariffcalc"))  # completion knows it by name
    done = subprocess.run([script], env=env, capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_completion_knows_the_values() -> None:
    assert complete("tariffcalc duty --sector auto") == ["autos", "auto-parts"]
    assert "deal" in complete("tariffcalc duty -s d")
    assert "ieepa-japan-15=" in complete("tariffcalc duty --set ieepa-japan-1")
    assert complete("tariffcalc sweep --measure s232-autos-j") == ["s232-autos-japan"]
    assert "JP" in complete("tariffcalc duty --origin J")


def test_aggregates_are_compact_on_screen_and_whole_in_csv(cli: Cli) -> None:
    flow = (
        *("impact", "--sector", "autos", "--units", "1370000", "--unit-value", "30000"),
        *("--date", "2026-11-21", "--pass-through", "50"),
    )
    table = cli(*flow).out
    # 1,370,000 cars at $30,000 under the 25% + 2.5% baseline: $11,302,500,000 of duty.
    assert "$11.3B" in table and "+$10.3B" in table and "$1.03B" in table
    assert max(len(line) for line in table.splitlines()[1:-2]) <= 90
    assert "11302500000.00" in cli(*flow, "--format", "csv").out


def test_compact_amounts() -> None:
    from decimal import Decimal

    shown = [compact_usd(Decimal(v)) for v in ("143600000000", "-5137500000", "850000", "0")]
    assert shown == ["$143.6B", "-$5.14B", "$850,000", "$0"]


def _at_80_columns(*args: str) -> tuple[str, int]:
    """The output on an 80-column screen, and the width of its widest table line."""
    out = subprocess.run(
        [sys.executable, "-m", "tariffcalc", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    ).stdout
    tables = [line for line in out.splitlines() if line[:1] in "┏┃┡│└"]
    assert tables, out
    return out, max(len(line) for line in tables)


def test_explain_fits_80_columns() -> None:
    explain = ("duty", "--sector", "autos", "--value", "30000", "--date", "2025-10-01")
    out, widest = _at_80_columns(*explain, "-s", "in-force", "--explain")
    assert widest <= 80
    assert "$34,641.42" in out and "$3,750.00" in out


def test_bars_take_what_an_80_column_screen_has_left() -> None:
    sweep = ("sweep", "--sector", "autos", "--value", "30000", "--measure", "s232-autos")
    out, widest = _at_80_columns(*sweep, "--from", "0", "--to", "50", "--step", "10")
    assert widest == 80  # 24-cell bars would make it 95
    assert "$15,750.00" in out and "█" in out


ON_A_TERMINAL = """
import io, sys

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True

screen = sys.stderr = Terminal()
sys.argv = ["tariffcalc", "batch", sys.argv[1], "-o", sys.argv[2], "--engine", "rows"]
from tariffcalc.cli.main import main
try:
    main()
except SystemExit:
    pass
sys.__stdout__.write(screen.getvalue())
"""


def test_a_long_batch_shows_its_progress_only_on_a_terminal(tmp_path: Path) -> None:
    rows = [f"m{i},general,JP,2025-10-01,{1000 + i},2" for i in range(20_000)]
    source = tmp_path / "rows.csv"
    source.write_text("sku,sector,origin,entry_date,value,mfn\n" + "\n".join(rows) + "\n")
    run = [sys.executable, "-c", ON_A_TERMINAL, str(source), str(tmp_path / "out.csv")]
    screen = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    # The display redraws on a clock, so which counts it shows depends on the machine's pace.
    counts = [int(n.replace(",", "")) for n in re.findall(r"scoring ([\d,]+) rows", screen)]
    assert any(0 < n < 20_000 for n in counts) and "ETA" in screen, screen
    shares = [int(share) for share in re.findall(r"(\d+)%", screen)]
    assert any(0 < share < 100 for share in shares)  # bytes read, chunk by chunk
    piped = subprocess.run(
        [
            str(Path(sys.executable).with_name("tariffcalc")),
            "batch",
            str(source),
            "-o",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
    )
    assert "ETA" not in piped.stderr and "%" not in piped.stderr.split("rows read")[0]
