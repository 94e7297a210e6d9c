"""Hostile values (issue 13): decimal commas, exchange rates past the value cap, a value of
less than a cent or a quantity too small. Each runs through `main()` where a user would
meet it, in a temporary directory."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

DECIMAL_COMMA = "a decimal comma is not accepted"


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
