"""Files people already have (issue 14 item 2): delimiters, spreadsheet dates, dollar
amounts and .xlsx workbooks, in and out, for batch and refunds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CLEAN = "sku,sector,origin,entry_date,value,mfn\nm1,general,JP,2025-10-01,10000,2\n"


def totals(cli: Cli, tmp_path: Path, source: Path, *options: str) -> dict[str, Any]:
    summary = tmp_path / f"{source.name}.summary.json"
    result = cli(
        "batch", str(source), "-o", str(tmp_path / "out.csv"), "--summary", str(summary), *options
    )
    assert result.code == 0, result.err
    document: dict[str, Any] = json.loads(summary.read_text())
    return document


def test_the_spreadsheet_examples_score_as_the_clean_csv(cli: Cli, tmp_path: Path) -> None:
    clean = totals(cli, tmp_path, EXAMPLES / "shipments.csv")
    us = totals(cli, tmp_path, EXAMPLES / "shipments-us.csv", "--date-format", "MM/DD/YYYY")
    workbook = totals(cli, tmp_path, EXAMPLES / "shipments.xlsx")
    assert (clean["rows_read"], clean["rows_scored"]) == (5, 5)
    assert us == clean == workbook  # every total, by scenario, sector and origin
    # By hand, in-force: car 15% of 30,000 (deal, 232) = 4,500; auto parts on 2025-06-01
    # 2.5% + 25% of 12,000 = 3,300; machine 2025-10-01 15% of 10,000 = 1,500; machine from
    # DE 2026-03-15 2% + 10% (Section 122) of 30,000.50 = 600.01 + 3,000.05 = 3,600.06;
    # steel 50% of 8,000 = 4,000. Total 16,900.06.
    assert clean["scenarios"]["in-force"]["duty"] == 16900.06


def test_dates_with_slashes_need_a_format_and_the_error_says_which(
    cli: Cli, tmp_path: Path
) -> None:
    source = tmp_path / "us.csv"
    source.write_text(CLEAN.replace("2025-10-01", "10/01/2025"))
    result = cli("batch", str(source), "--strict")
    assert result.code == 1
    assert "--date-format MM/DD/YYYY or --date-format DD/MM/YYYY" in result.err
    european = cli("batch", str(source), "--date-format", "DD/MM/YYYY", "-s", "in-force").out
    # 10 January 2025, before the 10% baseline of 2025-04-05: MFN 2% only.
    assert ",10/01/2025,10000,2,general,10000.00,200.00," in european
    # --date stays YYYY-MM-DD, whatever the file's format.
    option = cli("batch", str(source), "--date-format", "DD/MM/YYYY", "--date", "2025-10-01")
    assert option.code == 0
    bad = cli("batch", str(source), "--date-format", "MM/YYYY")
    assert bad.code == 1 and "--date-format: expected YYYY, MM and DD" in bad.err


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_the_delimiter_is_detected(cli: Cli, tmp_path: Path, delimiter: str) -> None:
    source = tmp_path / "rows.csv"
    source.write_text(CLEAN.replace(",", delimiter))
    out = cli("batch", str(source), "-s", "in-force").out
    assert out.splitlines()[1].endswith(",general,10000.00,1500.00,0.150000,47.14,11547.14,")


def test_the_delimiter_option_overrides_detection(cli: Cli, tmp_path: Path) -> None:
    # Commas inside a semicolon file's cells outnumber its semicolons: detection would pick ','.
    source = tmp_path / "rows.csv"
    source.write_text('sku;value;note\nm1;"$10,000.00";"a, b, c, d"\n')
    assert cli("batch", str(source), "--strict").code == 1
    result = cli(
        "batch", str(source), "--delimiter", ";", "--sector", "general", "--date", "2025-10-01"
    )
    assert result.code == 0 and ",general,10000.00," in result.out
    assert cli("batch", str(source), "--delimiter", "|").code == 1


def test_dollar_amounts_in_cells_and_options(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "rows.csv"
    source.write_text(CLEAN.replace(",10000,", ',"$10,000.00",'))
    assert ",general,10000.00,1500.00," in cli("batch", str(source), "-s", "in-force").out
    for typed in ("$30,000.00", "US$ 30,000", "30000 USD"):
        result = cli(
            "duty", "--sector", "autos", "--value", typed, "--date", "2025-10-01", "--json"
        )
        assert json.loads(result.out)["shipment"]["customs_value"] == 30000.0, typed
    assert "--value: expected a number" in cli("duty", "--sector", "autos", "--value", "$3O").err


def test_xlsx_out_of_batch_and_refunds(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    scored = tmp_path / "scored.xlsx"
    assert (
        cli("batch", str(EXAMPLES / "shipments.csv"), "-o", str(scored), "-s", "in-force").code == 0
    )
    sheet = load_workbook(scored).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][-7:] == [
        "classified_sector",
        "customs_value_usd",
        "in-force_duty",
        "in-force_effective_rate",
        "in-force_fees",
        "in-force_landed_cost",
        "warnings",
    ]
    assert rows[1][0] == "car-1" and rows[1][9] == 4500  # a number, not text
    refunds = tmp_path / "refunds.xlsx"
    cli("refunds", str(EXAMPLES / "entries.csv"), "-o", str(refunds))
    entries = [[c.value for c in row] for row in load_workbook(refunds).worksheets[0].iter_rows()]
    assert entries[0][0] == "entry_number" and entries[1][0] == "E1"


def test_a_formula_in_a_cell_is_not_run_by_the_workbook(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    source = tmp_path / "rows.csv"
    source.write_text(CLEAN.replace("m1,", "=HYPERLINK(1),"))
    cli("batch", str(source), "-o", str(tmp_path / "out.xlsx"))
    cell = load_workbook(tmp_path / "out.xlsx").worksheets[0]["A2"]
    assert cell.value == "'=HYPERLINK(1)" and cell.data_type == "s"


def test_without_openpyxl_the_message_names_the_extra(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl raises ImportError
    reading = cli("batch", str(EXAMPLES / "shipments.xlsx"))
    writing = cli("batch", str(EXAMPLES / "shipments.csv"), "-o", str(tmp_path / "out.xlsx"))
    for result in (reading, writing):
        assert result.code == 1
        assert "pip install 'tariffcalc[excel]'" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out.xlsx").exists()


def test_a_file_that_is_not_a_workbook_is_refused(cli: Cli, tmp_path: Path) -> None:
    fake = tmp_path / "rows.xlsx"
    fake.write_text(CLEAN)
    result = cli("batch", str(fake))
    assert result.code == 1 and "not an .xlsx workbook" in result.err


def test_duty_imports_no_spreadsheet_library() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['tariffcalc', 'duty', '--sector', 'autos', '--value', '30000', '--json']\n"
        "from tariffcalc.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('openpyxl', 'matplotlib') if m in sys.modules], file=sys.stderr)"
    )
    err = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stderr
    assert err.strip().splitlines()[-1] == "[]"
