"""batch's columnar engine against the row engine, on small hostile files: amounts at the
cent's edge and the $1e12 cap, file shapes, line order across output windows, plan keys,
options, and the inputs found to differ (marked xfail, strict: each says what differs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_columnar import both_engines, schedule  # noqa: F401 (schedule: a fixture)

pytest.importorskip("duckdb")

H = "id,sector,hts,origin,entry_date,value,metal_value,freight,insurance,mode,quantity,unit,mfn"


def row(i: int, **cells: str) -> str:
    given = {"sector": "autos", "origin": "JP", "entry_date": "2025-10-01", "value": "100"}
    given |= cells
    names = H.split(",")[1:]
    return ",".join([f"r{i}", *(given.get(name, "") for name in names)])


def same(cli: Any, path: Path, text: str, *options: str) -> None:
    path.write_bytes(text.encode("utf-8"))
    by_rows, columnar = both_engines(cli, path, *options)
    assert columnar == by_rows


VALUES = [
    *("0.005", "2.675", "1.0050", "99999999999.9950", "0.0050", "0.0049", "100.00005"),
    *("1000000000000", "1000000000000.0001", "999999999999.9999", "999999999999.995"),
    *("0", "0.00", "0.001", "007", "+5", ".5", "5.", "12345678901234567890", "9999999999999"),
    *("2500", "2500.004", "2500.005", "2499.995", "1e3", "1,000", " 5", "5 ", "$100"),
]


def test_amounts_at_the_cent_and_the_cap(cli: Any, tmp_path: Path) -> None:
    rows = [row(i, sector=s, value=v) for i, v in enumerate(VALUES) for s in ("autos", "steel")]
    same(cli, tmp_path / "amounts.csv", "\n".join([H, *rows]) + "\n", "-s", "mfn", "-s", "deal")


METALS = [
    *(("100", "100.004"), ("100.004", "100"), ("100", "100.005"), ("100.005", "100")),
    *(("100", "99.995"), ("100", "0"), ("100", "0.00"), ("100", "0.004"), ("100", "0.005")),
    *(("100", "100.0000"), ("100", "50"), ("100", "101"), ("1000000000000", "1000000000000")),
]


def test_metal_value_equal_above_below_and_equal_at_the_cent(cli: Any, tmp_path: Path) -> None:
    rows = [
        row(i, sector=s, value=v, metal_value=m)
        for i, (v, m) in enumerate(METALS)
        for s in ("steel", "copper", "autos")
    ]
    same(cli, tmp_path / "metal.csv", "\n".join([H, *rows]) + "\n")


def test_freight_insurance_quantity_and_mfn(cli: Any, tmp_path: Path, schedule: None) -> None:  # noqa: F811
    outside = [("0.005", "0.005"), ("0.004", "0.004"), ("1000000000000", "1000000000000")]
    outside += [("1000000000000.0001", ""), ("", "0.001"), ("5.", ""), ("0", "0")]
    rows = [row(i, value="1000", freight=f, insurance=n) for i, (f, n) in enumerate(outside)]
    quantities = [("0", ""), ("0.000", ""), ("1e3", ""), ("999999999.999", "kg"), ("2", "t")]
    quantities += [("0.001", "kg"), ("1000000000", "kg"), ("2.5", "g"), ("007", "kg")]
    for i, (q, unit) in enumerate(quantities):
        for hts in ("0207.14.00", "0402.99.90", "8703.23.01", "02071400"):
            rows.append(row(100 + i, sector="", hts=hts, value="12345.67", quantity=q, unit=unit))
    mfns = ["2.5", "2.50", "0", "1000", "2.123456789", "abc", "-1", "+2", "2.5%"]
    rows += [row(200 + i, mfn=m) for i, m in enumerate(mfns)]
    same(cli, tmp_path / "outside.csv", "\n".join([H, *rows]) + "\n")


SIMPLE = "id,sector,origin,entry_date,value,notes\n"
GOOD = "a,autos,JP,2025-10-01,100,ok\n"


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("\n\n  \n" + SIMPLE + GOOD, []),  # blank lines before the header
        (SIMPLE + GOOD + "   \n\t\n\xa0\n\u3000\n\x0c\n\x1c\n" + GOOD, []),  # whitespace only
        (SIMPLE + "a,autos,JP\n" + GOOD[:-1] + ",\n" + GOOD[:-1] + ",x\n", []),  # fewer, more
        (SIMPLE[:-1] + ",\n" + GOOD[:-1] + ",\n" + GOOD, []),  # a trailing delimiter
        ((SIMPLE + GOOD).replace("\n", "\r\n") + GOOD + "\r\n" + GOOD, []),  # CR LF and LF
        (SIMPLE + GOOD + GOOD[:-1], []),  # no newline at the end
        ((SIMPLE + GOOD).replace(",", "\t"), ["--delimiter", "tab"]),
        ((SIMPLE + GOOD).replace(",", ";") + "b;autos;JP;2025-10-01;100;a, b\n", []),
        ((SIMPLE + GOOD).replace(",", ";"), ["--delimiter", ";"]),
        (SIMPLE + "é,autos,JP,2025-10-01,100,日本\n😀,autos,JP,2025-10-01,100,é\u0301😀\n", []),
        (SIMPLE + "a,autos,JP,2025-10-01,100,x\x00y\nb,autos,JP,2025-10-01,100,x\x85y\u2028\n", []),
        (SIMPLE + "a,autos,JP,2025-10-01,100,x;y\tz\\\x7f'\n", []),
        (SIMPLE + "a,autos,JP,2025-10-01,100," + "x" * 140_000 + "\n" + GOOD, []),
        (SIMPLE, []),  # the header only
        (SIMPLE[:-1], []),
        ("", []),
        ("\n\n", []),
        (SIMPLE + "a,bogus,JP,2025-10-01,100,x\n" * 5, []),  # no row scored
        (" ID , Sector ,Origin Country, Entry Date ,Value USD,notes\n" + GOOD, []),
        ("value\n100\n 100\n\n0\n", ["--sector", "autos", "--origin", "JP"]),
    ],
)
def test_file_shapes(cli: Any, tmp_path: Path, text: str, options: list[str]) -> None:
    same(cli, tmp_path / "shape.csv", text, *options)


FORMULAS = ["=1+1", "+1", "-1", "@x", "-5.", "+5.", "-.5", "+1e5", "-0", "=", "+", "-", "@"]
FORMULAS += ["-1-1", "+ 1", "-5.5.5", "-1_000", "-١٢", " =1", "'=1", "-inf", "-NaN", "+Infinity"]


def test_formula_looking_cells(cli: Any, tmp_path: Path) -> None:
    rows = [f"{c},autos,JP,2025-10-01,100,{c}" for c in FORMULAS]
    same(cli, tmp_path / "formulas.csv", SIMPLE + "\n".join(rows) + "\n")


BAD = ["bogus,JP,2025-10-01,100", "autos,JP,2025-13-01,100", "autos,JP,2025-10-01,abc"]


def ordered_file(count: int, bad: set[int]) -> str:
    """Rows scored by DuckDB, and at the lines in `bad` rows it leaves to the row engine."""
    lines = []
    for i in range(1, count + 1):
        if i in bad:
            lines.append(f"b{i},{BAD[i % 3]},x")
        else:
            lines.append(f"g{i},autos,JP,2025-10-01,{100 + i % 997}.{i % 100:02d},n{i}")
        if i % 1500 == 0:
            lines += ["", "  "]
    return SIMPLE + "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["edges", "all", "last"])
def test_unscored_rows_at_window_edges_keep_their_place(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    from tariffcalc.studies import columnar

    monkeypatch.setattr(columnar, "WINDOW_BYTES", 1)  # windows of 1,000 lines
    count = 3_500
    edges = {m + k for m in range(1_000, count + 1, 1_000) for k in (-2, -1, 0, 1, 2)}
    bad = {"edges": edges | {1, 2, count}, "all": set(range(1, count + 1)), "last": {count}}
    same(cli, tmp_path / "ordered.csv", ordered_file(count, bad[where]), "-s", "mfn")


DATES = ["2025-04-04", "2025-04-05", "2025-04-09", "2025-04-10", "2025-08-06", "2025-08-07"]
DATES += ["2025-09-30", "2025-10-01", "2026-02-23", "2026-02-24", "", " 2025-04-09", "2025-4-9"]
ORIGINS = ["JP", "jp", " JP", "JP ", "Japan", "", "CN", "XX", "gb", "AQ"]


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--date", "2025-04-09"],
        ["--date", "2026-02-24", "--origin", "CN"],
        ["-s", "in-force", "-s", "mfn"],
        ["--mode", "air", "--mfn", "3.7"],
        ["--set", "ieepa-baseline=12"],
    ],
)
def test_keys_in_any_case_and_spacing_on_rule_change_days(
    cli: Any,
    tmp_path: Path,
    schedule: None,  # noqa: F811
    options: list[str],
) -> None:
    rows = [
        row(i * 100 + j, origin=o, entry_date=d)
        for i, d in enumerate(DATES)
        for j, o in enumerate(ORIGINS)
    ]
    sectors = ["AUTOS", " autos", "auto parts", "steel", "general", "pharma", "drones"]
    rows += [row(5000 + i, sector=s, origin="CN") for i, s in enumerate(sectors)]
    codes = ["8703.23.01", "870323.01", "8703230100", "  8703.23.01", "901210020", "99"]
    rows += [row(6000 + i, sector="", hts=h) for i, h in enumerate(codes)]
    rows += [row(7000 + i, mode=m, value="250000") for i, m in enumerate(["OCEAN", "sea", "air"])]
    same(cli, tmp_path / "keys.csv", "\n".join([H, *rows]) + "\n", *options)


@pytest.mark.parametrize(
    "options",
    [[], ["--date-format", "DD/MM/YYYY"], ["--date-format", "MM/DD/YYYY"], ["--strict"]],
)
def test_date_formats_and_dollar_amounts(cli: Any, tmp_path: Path, options: list[str]) -> None:
    dates = ["01/10/2025", "1/10/2025", "2025-10-01", "31/02/2025", "05.04.2025", "", "24/02/2026"]
    values = ["100", "$30,000.00", "30.000,00", "30000,5", "USD 100"]
    rows = [f"d{i};autos;JP;{d};{v};x" for i, d in enumerate(dates) for v in values]
    same(cli, tmp_path / "dates.csv", SIMPLE.replace(",", ";") + "\n".join(rows) + "\n", *options)


# --- differences found by this attack, and fixed -----------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        "u1,general,DE,2025-10-01,1000,500\n",  # the IEEPA duties on the non-US half only
        "u2,autos,JP,2025-10-01,100,200\n",  # more US content than value: rejected
        "u3,autos,DE,2025-10-01,100,abc\n",
        "u4,autos,DE,2025-10-01,100,\n",  # none given: DuckDB scores it
    ],
)
def test_a_us_content_column(cli: Any, tmp_path: Path, rows: str) -> None:
    """The SQL does not read us_content: a row giving one goes row by row."""
    same(cli, tmp_path / "us.csv", "id,sector,origin,entry_date,value,us_content\n" + rows)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_line_of_one_mebibyte(cli: Any, tmp_path: Path, newline: str) -> None:
    """The longest line the columnar engine takes (1 MiB, its CR included) is within
    DuckDB's own bound; the row engine rejects it as too long, in its place."""
    start = "a,autos,JP,2025-10-01,100,"
    long = start + "x" * ((1 << 20) - len(newline) + 1 - len(start))
    text = newline.join([SIMPLE[:-1], GOOD[:-1], long, GOOD[:-1]]) + newline
    same(cli, tmp_path / "long.csv", text)


@pytest.mark.parametrize(("name", "other"), [("ship[1].csv", "ship1.csv"), ("a*.csv", "ab.csv")])
def test_a_file_name_with_glob_characters(cli: Any, tmp_path: Path, name: str, other: str) -> None:
    """DuckDB would take the name for a pattern (ship[1].csv reads ship1.csv): such a file
    goes to the row engine, and --engine columnar says why it will not take it."""
    (tmp_path / other).write_text(SIMPLE + "b,autos,JP,2025-10-01,200,other\n")
    source = tmp_path / name
    source.write_text(SIMPLE + GOOD)
    auto = cli("batch", str(source), "--engine", "auto", "--no-progress")
    rows = cli("batch", str(source), "--engine", "rows", "--no-progress")
    assert (auto.code, auto.out) == (rows.code, rows.out) and "other" not in auto.out
    forced = cli("batch", str(source), "--engine", "columnar")
    assert forced.code == 1 and "*?[]{} in its name" in forced.err
