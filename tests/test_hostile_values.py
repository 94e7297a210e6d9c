"""Hostile values (issue 13): decimal commas, exchange rates past the value cap, a value of
less than a cent, a quantity too small, a gzip bomb, mangled HTS codes and units, and
searches of many words. Each runs through `main()` where a user would meet it, in a
temporary directory."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from pathlib import Path
from typing import Any

import pytest

from tariffcalc.inputs.schedule import (
    MAX_EXPORT_BYTES,
    MAX_SEARCH_WORDS,
    ScheduleError,
    import_schedule,
    open_schedule,
    search_terms,
)

DECIMAL_COMMA = "a decimal comma is not accepted"

ROWS = [
    {"htsno": "8703", "indent": "0", "description": "Motor cars:", "general": "", "units": []},
    {
        "htsno": "8703.23.01",
        "indent": "1",
        "description": "Of a cylinder capacity over 1,500 cc",
        "general": "2.5%",
        "units": ["No."],
    },
]


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def duty_json(cli: Any, *args: str) -> dict[str, Any]:
    result = cli("duty", "--sector", "autos", "--json", *args)
    assert result.code == 0, result.err
    shipment: dict[str, Any] = json.loads(result.out)["shipment"]
    return shipment


def refused(cli: Any, *args: str) -> str:
    """The one-line error of a duty command that must be refused as bad input."""
    result = cli("duty", "--sector", "autos", *args)
    assert (result.code, result.out) == (1, ""), result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    return str(result.err)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="") as file:
        csv.writer(file).writerows(rows)


# --- 4: a comma only between groups of thousands -----------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--value", "30000", "--mfn", "3,7"], "--mfn: expected a percentage"),
        (["--value", "30000", "--currency", "JPY", "--fx", "145,5"], "--fx: expected a number"),
        (["--value", "1.000,50"], "--value: expected a number"),
        (["--value", "1,00"], "--value: expected a number"),
        (["--value", ",5"], "--value: expected a number"),
        (["--value", "30000", "--freight", "1,5"], "--freight: expected a number"),
    ],
)
def test_a_decimal_comma_is_refused_naming_the_field(cli: Any, args: list[str], field: str) -> None:
    err = refused(cli, *args)
    assert field in err and DECIMAL_COMMA in err


@pytest.mark.parametrize(
    ("typed", "value"),
    [("30,000.50", 30000.5), ("1,234,567", 1234567.0), ("1,000", 1000.0), ("30000.5", 30000.5)],
)
def test_commas_between_thousands_are_read(cli: Any, typed: str, value: float) -> None:
    assert duty_json(cli, "--value", typed)["customs_value"] == value


def test_an_underscore_is_not_a_digit_separator(cli: Any) -> None:
    assert "--value: expected a number" in refused(cli, "--value", "3_7")


def test_a_batch_row_with_a_decimal_comma_is_rejected_with_its_line(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_csv(
        tmp_path / "in.csv",
        [["id", "sector", "value"], ["A", "autos", "1000.50"], ["B", "autos", "1.000,50"]],
    )
    result = cli("batch", "in.csv", "-s", "mfn")
    assert result.code == 3  # the row is rejected, the rest written
    assert [row["id"] for row in csv.DictReader(io.StringIO(result.out))] == ["A"]
    assert "line 3 (B): value: expected a number" in result.err and DECIMAL_COMMA in result.err


# --- 15: --fx cannot carry an amount past the cap ----------------------------------------


@pytest.mark.parametrize("fx", ["1e-12", "1e-15", "0.0000001", "1e8"])
def test_an_exchange_rate_outside_any_currency_is_refused(cli: Any, fx: str) -> None:
    err = refused(cli, "--value", "1e12", "--currency", "JPY", "--fx", fx)
    assert "--fx: expected units of the currency per 1 USD, from 0.000001 to 10,000,000" in err


@pytest.mark.parametrize("field", ["--value", "--freight", "--insurance"])
def test_amounts_converted_to_usd_are_held_to_the_cap(cli: Any, field: str) -> None:
    amounts = {"--value": "1", "--freight": "0", "--insurance": "0", field: "1e12"}
    args = [a for pair in amounts.items() for a in pair]
    err = refused(cli, *args, "--currency", "XAU", "--fx", "0.0003")
    assert f"{field}: expected at most 1,000,000,000,000 USD" in err


def test_an_exchange_rate_of_a_strong_currency_is_accepted(cli: Any) -> None:
    # Gold is about 0.0003 troy ounces per USD.
    shipment = duty_json(cli, "--value", "9", "--currency", "XAU", "--fx", "0.0003")
    assert shipment["customs_value"] == 30000.0


# --- 6 (part): a value of less than a cent --------------------------------------------------


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["--value", "0.001"], "'0.001'"),
        (["--value", "0.5", "--currency", "JPY", "--fx", "150"], "'0.5' JPY"),
    ],
)
def test_a_value_of_less_than_a_cent_is_refused(cli: Any, args: list[str], shown: str) -> None:
    err = refused(cli, *args)
    assert f"--value: expected a customs value of at least $0.01, got {shown}" in err


def test_a_batch_row_worth_less_than_a_cent_is_rejected_with_its_line(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_csv(
        tmp_path / "in.csv",
        [["id", "sector", "value"], ["A", "autos", "0.001"], ["B", "autos", "30000"]],
    )
    result = cli("batch", "in.csv", "-s", "mfn")
    assert result.code == 3
    assert [row["id"] for row in csv.DictReader(io.StringIO(result.out))] == ["B"]
    assert "line 2 (A): value: expected a customs value of at least $0.01" in result.err


def test_a_quantity_too_small_for_per_unit_figures_is_refused(cli: Any) -> None:
    # Per-unit figures divide by it: 1e-30 was an internal error.
    err = refused(cli, "--value", "30000", "--quantity", "1e-30")
    assert "--quantity: expected at least 0.000001, got '1e-30'" in err
    assert duty_json(cli, "--value", "30000", "--quantity", "0.000001")["quantity"] == 0.000001


# --- 12 (part): a gzip is decompressed no further than the bound ---------------------------


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of JSON whitespace, gzipped in pieces (a few tens of KB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    piece = b" " * 2**20
    data = compressor.compress(b"[")
    for _ in range(size // len(piece) + 1):
        data += compressor.compress(piece)
    return data + compressor.compress(b"]") + compressor.flush()


def test_a_gzip_that_expands_past_the_bound_is_refused(cli: Any, data_dir: Path) -> None:
    bomb = data_dir.parent / "bomb.json.gz"
    bomb.write_bytes(gzip_bomb(MAX_EXPORT_BYTES))
    assert bomb.stat().st_size < 2**20
    result = cli("hts", "import", str(bomb))
    assert result.code == 1 and "Traceback" not in result.err
    assert "expected a USITC export of at most 64 MB (uncompressed)" in result.err
    assert not (data_dir / "hts.sqlite3").exists()


def test_an_export_nested_too_deep_is_refused(cli: Any, data_dir: Path) -> None:
    deep = data_dir.parent / "deep.json"
    deep.write_bytes(b"[" * 100_000)
    result = cli("hts", "import", str(deep))
    assert result.code == 1 and "not the USITC export (JSON nested too deep)" in result.err


# --- 17 (part): units given as one string; codes a spreadsheet stored as numbers ------------


def test_units_given_as_one_string_are_one_unit(data_dir: Path) -> None:
    rows = [{**ROWS[0]}, {**ROWS[1], "units": "kg"}]
    import_schedule(json.dumps(rows).encode(), "hts.json")
    schedule = open_schedule()
    assert schedule is not None
    line = schedule.line("87032301")
    assert line is not None and line.units == ("kg",)


@pytest.mark.parametrize("units", [5, {"kg": 1}, ["kg", 3]])
def test_units_of_another_shape_are_refused(data_dir: Path, units: Any) -> None:
    rows = [{**ROWS[0]}, {**ROWS[1], "units": units}]
    with pytest.raises(ScheduleError, match=r"row 2: units: expected a list of units"):
        import_schedule(json.dumps(rows).encode(), "hts.json")


SPREADSHEET_CODES = [
    ("87032301.0", "was stored as a number (did you mean 8703.23.01?)"),
    ("901210020.0", "a leading zero was probably lost (did you mean 0901.21.00.20?)"),
]


@pytest.mark.parametrize(("code", "hint"), SPREADSHEET_CODES)
def test_a_code_stored_as_a_number_is_named_as_such_in_batch(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, hint: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "in.csv", [["id", "hts", "value"], ["A", code, "30000"]])
    result = cli("batch", "in.csv", "-s", "mfn")
    assert f"line 2 (A): hts: '{code}' " in result.err and hint in result.err
    assert "0870" not in result.err


@pytest.mark.parametrize(("code", "hint"), SPREADSHEET_CODES)
def test_a_code_stored_as_a_number_is_named_as_such_in_duty(cli: Any, code: str, hint: str) -> None:
    result = cli("duty", "--hts", code, "--value", "30000")
    assert result.code == 1 and f"--hts: '{code}' " in result.err and hint in result.err


def test_an_export_with_a_code_stored_as_a_number_suggests_the_code(data_dir: Path) -> None:
    rows = [{**ROWS[0]}, {**ROWS[1], "htsno": 87032301.0}]
    with pytest.raises(ScheduleError, match=r"row 2: htsno: .*did you mean 8703\.23\.01\?"):
        import_schedule(json.dumps(rows).encode(), "hts.json")


# --- 18: a search is bounded ---------------------------------------------------------------


def test_search_words_are_deduplicated(cli: Any, data_dir: Path) -> None:
    import_schedule(json.dumps(ROWS).encode(), "hts.json")
    assert search_terms("Cars cars CARS motor") == ["cars", "motor"]
    once = cli("hts", "search", "cars", "--json")
    many = cli("hts", "search", *["cars"] * 400, "--json")
    assert many.code == 0 and many.out == once.out and "8703.23.01" in once.out


def test_too_many_different_search_words_are_refused(cli: Any, data_dir: Path) -> None:
    import_schedule(json.dumps(ROWS).encode(), "hts.json")
    words = [f"w{i}" for i in range(MAX_SEARCH_WORDS + 1)]
    result = cli("hts", "search", *words)
    assert result.code == 1
    assert f"search: expected at most {MAX_SEARCH_WORDS} different words, got 33" in result.err


def test_a_search_word_too_long_to_be_in_the_schedule_is_refused(data_dir: Path) -> None:
    with pytest.raises(ScheduleError, match="words of at most 64 characters, got one of 65"):
        search_terms("motor " + "x" * 65)


def test_the_real_export_is_well_within_the_bound() -> None:
    from conftest import REAL

    if not REAL.exists():  # a fresh clone without the shared data: the Quick start holds
        pytest.skip("needs the shared data (TARIFFCALC_SHARED)")
    assert len(gzip.decompress(REAL.read_bytes())) * 4 < MAX_EXPORT_BYTES
