"""plans export: the plan table as Parquet and a SQL query that reproduces batch's figures
to the cent on DuckDB (and on Spark SQL when pyspark and a JVM are present)."""

from __future__ import annotations

import csv
import random
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tariffcalc.law.domain import RateTable
from tariffcalc.law.plantable import rule_changes
from test_batch import rows_of

duckdb = pytest.importorskip("duckdb")

D = Decimal
ORIGINS = ["JP", "DE", "CN"]
FIGURES = ["duty", "effective_rate", "fees", "landed_cost"]


def entries(table: RateTable, count: int = 400, seed: int = 4) -> list[dict[str, str]]:
    """Every sector, origins, dates on both sides of each rule change, metal content none,
    zero, all and part, values from the informal MPF to $1e12, ocean and air."""
    rng = random.Random(seed)
    days = [d + timedelta(days=k) for d in rule_changes(table) for k in (-1, 0)]
    days = [d for d in days if date(2025, 1, 1) <= d <= date(2027, 6, 1)]
    values = ["100", "2500", "2500.01", "9000", "100.22", "30000", "250000.55", "1000000000000"]
    rows = []
    for i in range(count):
        sector = rng.choice(list(table.sectors))
        value = rng.choice(values)
        metal = ""
        if table.sectors[sector].metal_content and rng.random() < 0.7:
            metal = rng.choice(["0", value, str((D(value) / 3).quantize(D("0.01")))])
        rows.append(
            {
                "id": f"E{i:04d}",
                "sector": sector,
                "origin": rng.choice(ORIGINS),
                "entry_date": rng.choice(days).isoformat(),
                "value": value,
                "metal_value": metal,
                "freight": rng.choice(["0", "12.50", "1999.99"]),
                "insurance": rng.choice(["0", "3.25"]),
                "mode": rng.choice(["ocean", "air"]),
            }
        )
    # duty / value exactly halfway between two millionths, the lower one even: 2% of $6.40
    # is $0.128, $0.13 charged, 0.0203125 of the value: the effective rate is 0.020312.
    half = {**rows[0], "id": "HALF", "sector": "buses", "value": "6.40", "metal_value": ""}
    return [*rows, half]


@pytest.fixture
def exported(cli: Any, tmp_path: Path, table: RateTable) -> tuple[Path, Path]:
    source = tmp_path / "entries.csv"
    rows = entries(table)
    with source.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    origins = [arg for o in ORIGINS for arg in ("--origin", o)]
    result = cli("plans", "export", str(tmp_path / "plans"), *origins)
    assert result.code == 0, result.err
    return source, tmp_path / "plans"


def by_batch(cli: Any, source: Path) -> dict[str, dict[str, str]]:
    result = cli("batch", str(source), "--engine", "rows")
    assert result.code == 0, result.err
    return {row["id"]: row for row in rows_of(result.out)}


def test_the_exported_sql_gives_batch_figures_to_the_cent_on_duckdb(
    cli: Any, exported: tuple[Path, Path], table: RateTable
) -> None:
    source, folder = exported
    con = duckdb.connect()
    con.execute(f"CREATE VIEW plans AS SELECT * FROM '{folder / 'plans.parquet'}'")
    con.execute(f"CREATE VIEW fees AS SELECT * FROM '{folder / 'fees.parquet'}'")
    con.execute(
        f"CREATE VIEW entries AS SELECT * FROM read_csv('{source}', types="
        "{'value': 'DECIMAL(18,2)', 'metal_value': 'DECIMAL(18,2)', 'freight': 'DECIMAL(18,2)',"
        " 'insurance': 'DECIMAL(18,2)', 'entry_date': 'DATE'})"
    )
    cursor = con.execute((folder / "duty.sql").read_text())
    columns = [c[0] for c in cursor.description]
    found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    expected = by_batch(cli, source)
    assert len(found) == len(expected) == 401
    assert expected["HALF"]["mfn_effective_rate"] == "0.020312"
    for row in found:
        mine = expected[row["id"]]
        assert row["customs_value_usd"] == D(mine["customs_value_usd"])
        for scenario in table.scenarios:
            for figure in FIGURES:
                name = f"{scenario}_{figure}"
                assert D(str(row[name])) == D(mine[name]), (row["id"], name)


def test_plans_export_names_the_extra_without_duckdb(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "duckdb", None)
    result = cli("plans", "export", str(tmp_path / "out"))
    assert result.code == 1 and "pip install 'tariffcalc[columnar]'" in result.err


def test_the_exported_sql_runs_on_spark(
    cli: Any, exported: tuple[Path, Path], table: RateTable
) -> None:
    """Spark SQL, when pyspark and a JVM are here (CI images with both run it)."""
    pyspark = pytest.importorskip("pyspark.sql")
    if shutil.which("java") is None:
        pytest.skip("no JVM")
    source, folder = exported
    spark = (
        pyspark.SparkSession.builder.master("local[1]")
        .config("spark.sql.ansi.enabled", "true")  # "in-force_duty": a quoted identifier
        .config("spark.sql.ansi.doubleQuotedIdentifiers", "true")
        .getOrCreate()
    )
    try:
        spark.read.parquet(str(folder / "plans.parquet")).createOrReplaceTempView("plans")
        spark.read.parquet(str(folder / "fees.parquet")).createOrReplaceTempView("fees")
        schema = (
            "id STRING, sector STRING, origin STRING, entry_date DATE, value DECIMAL(18,2),"
            " metal_value DECIMAL(18,2), freight DECIMAL(18,2), insurance DECIMAL(18,2),"
            " mode STRING"
        )
        frame = spark.read.csv(str(source), header=True, schema=schema)
        frame.createOrReplaceTempView("entries")
        found = spark.sql((folder / "duty.sql").read_text()).collect()
    finally:
        spark.stop()
    expected = by_batch(cli, source)
    for row in found:
        mine = expected[row["id"]]
        for scenario in table.scenarios:
            for figure in FIGURES:
                name = f"{scenario}_{figure}"
                assert D(str(row[name])) == D(mine[name]), (row["id"], name)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("a-file.csv", "DIR: {path}: File exists: expected a folder"),
        ("a-file.csv/below", "DIR: {path}: Not a directory: expected a folder"),
    ],
)
def test_a_directory_that_cannot_be_one_is_said_plainly(
    cli: Any, tmp_path: Path, name: str, said: str
) -> None:
    (tmp_path / "a-file.csv").write_text("x\n")
    path = tmp_path / name
    result = cli("plans", "export", str(path), "--origin", "JP")
    assert result.code == 1 and said.format(path=path) in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file.csv"]


def test_a_directory_named_with_a_quote_is_written(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "it's"
    result = cli("plans", "export", str(folder), "--origin", "JP", "-s", "in-force")
    assert result.code == 0, result.err
    assert sorted(p.name for p in folder.iterdir()) == ["duty.sql", "fees.parquet", "plans.parquet"]
    plans = str(folder / "plans.parquet")
    found = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [plans])
    assert found.fetchone()[0] > 0
