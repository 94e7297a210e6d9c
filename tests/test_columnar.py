"""batch's columnar engine (DuckDB): the same bytes as the row-by-row engine on a varied
file, worked examples of its exactness traps computed by hand, and the files it leaves
to the row engine."""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffcalc.inputs.records import InputRow
from tariffcalc.inputs.schedule import import_schedule
from tariffcalc.law.domain import RateTable
from tariffcalc.law.plantable import rule_changes
from tariffcalc.studies.batch import Rejected, ScoredRow, Scorer
from test_batch import rows_of, shipments

pytest.importorskip("duckdb")

D = Decimal
HEADER = [
    "id",
    "sector",
    "hts",
    "origin",
    "entry_date",
    "value",
    "metal_value",
    "freight",
    "insurance",
    "mode",
    "quantity",
    "unit",
    "mfn",
    "notes",
]
# A small schedule: specific rates (per kg, per kg plus ad valorem) and plain ones.
SCHEDULE = [
    {"htsno": "0207.14.00", "indent": "0", "description": "Cuts", "general": "17.6¢/kg"},
    {"htsno": "0402.99.90", "indent": "0", "description": "Milk", "general": "46.3¢/kg + 14.9%"},
    {"htsno": "7606.12.60", "indent": "0", "description": "Clad", "general": "6.5%"},
    {"htsno": "8703.23.01", "indent": "0", "description": "Cars", "general": "2.5%"},
    {"htsno": "8708.10.30", "indent": "0", "description": "Bumpers", "general": "2.5%"},
    {"htsno": "7308.90.95", "indent": "0", "description": "Structures", "general": "Free"},
]
HTS = ["0207.14.00", "0402.99.90", "7606.12.60", "8703.23.01", "8708.10.30", "7308.90.95"]
ORIGINS = ["JP", "DE", "KR", "GB", "CN", "BR", "CA", "MX", "jp", "", "AQ"]  # AQ: covered in part
# Rows the columnar engine leaves to the row engine, or that are bad: each must come out
# as the row engine writes it, in its place.
ODD_ROWS = [
    ["o1", "autos", "", "JP", "2025-10-01", "100.005", "", "", "", "", "", "", "", ""],
    ["o2", "autos", "", "JP", "2025-10-01", "1e3", "", "", "", "", "", "", "", ""],
    ["o3", "autos", "", "JP", "2025-10-01", "0.004", "", "", "", "", "", "", "", ""],
    ["o4", "autos", "", "JP", "2025-10-01", "-5", "", "", "", "", "", "", "", ""],
    ["o5", "autos", "", "JP", "2025-10-01", "abc", "", "", "", "", "", "", "", "=cmd|x"],
    ["o6", "autos", "", "JP", "2025-13-01", "100", "", "", "", "", "", "", "", "@sum"],
    ["o7", "bogus", "", "JP", "2025-10-01", "100", "", "", "", "", "", "", "", "+1"],
    ["o8", "steel", "", "DE", "2025-10-01", "100", "200", "", "", "", "", "", "", "-2"],
    ["o9", "general", "", "DE", "2025-10-01", "100", "50", "", "", "", "", "", "", ""],
    ["o10", "autos", "", "JP", "2025-10-01", "1000000000000.01", "", "", "", "", "", "", "", ""],
    ["o11", "autos", "", "JP", "2025-10-01", " 100", "", "", "", "", "", "", "", ""],
    ["o12", "autos", "", "JP", "2025-10-01", "100", "", "", "", "truck", "", "", "", ""],
    ["o13", "autos", "", "JP", "2025-10-01", "100", "", "", "", "", "", "", "abc", ""],
    ["o14", "", "8703.23.01", "JP", "2025-10-01", "100", "", "", "", "", "0", "", "", ""],
    ["o15", "", "99", "JP", "2025-10-01", "100", "", "", "", "", "", "", "", ""],
    ["o16", "autos", "", "JP", "", "2500", "", "1e1", "", "", "", "", "", ""],
    ["o17", "autos", "", "XX", "2025-10-01", "100", "", "", "", "", "", "", "", ""],
    ["o18", "", "0207.14.00", "JP", "2025-10-01", "100", "", "", "", "", "3", "g", "", ""],
    ["o19", "autos", "", "JP", "2025-10-01", "1000000000000", "", "", "", "air", "", "", "", ""],
    ["o20", "autos", "", "JP", "2025-10-01", "0.01", "", "", "", "", "", "", "", ""],
    ["o21", "autos", "", "JP", "2025-10-01", "77.777777", "", "", "", "", "", "", "", ""],
]


@pytest.fixture
def schedule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(tmp_path / "data"))
    import_schedule(json.dumps(SCHEDULE).encode(), "schedule.json")


def varied_rows(table: RateTable, count: int, seed: int = 15) -> list[list[str]]:
    """Every sector and an HTS line of each kind, origins, dates on both sides of each rule
    change, metal content none, zero, all and part, quantities, MPF at its minimum, its
    maximum and informal, amounts up to $1e12, formula-looking and numeric notes."""
    rng = random.Random(seed)
    days = [d + timedelta(days=k) for d in rule_changes(table) for k in (-1, 0)]
    texts = [d.isoformat() for d in days if date(2024, 6, 1) <= d <= date(2027, 6, 1)] + [""]
    values = ["100", "2500", "2500.01", "9000", "100.22", "30000", "250000.5", "99999999.99"]
    values += ["1000000000000", "123456789012.34", "0.5", "77.7777", "0.005"]
    rows = []
    for i in range(count):
        sector = rng.choice([*table.sectors, ""])
        hts = rng.choice(HTS) if not sector or rng.random() < 0.2 else ""
        sector = "" if hts else sector
        value = rng.choice(values)
        metal = ""
        if sector in ("steel", "aluminum", "copper") and rng.random() < 0.6:
            metal = rng.choice(["0", value, str((D(value) / 3).quantize(D("0.01")))])
        rows.append(
            [
                f"R{i}",
                sector,
                hts,
                rng.choice(ORIGINS),
                rng.choice(texts),
                value,
                metal,
                rng.choice(["", "0", "12.5", "1999.99"]),
                rng.choice(["", "3.25"]),
                rng.choice(["", "ocean", "air"]),
                rng.choice(["", "", "2", "1000.5"]),
                rng.choice(["", "", "kg", "t"]),
                rng.choice(["", "", "", "3.7"]),
                rng.choice(["", "ok", "-5", "12", "note, with space"]),
            ]
        )
    return rows


def write_file(path: Path, rows: list[list[str]], delimiter: str, newline: str) -> None:
    """A file of rows, with blank lines and a short and a long row among them."""
    lines = [delimiter.join(HEADER)]
    for i, row in enumerate(rows):
        cells = [c.replace(delimiter, " ") for c in row]
        lines.append(delimiter.join(cells))
        if i % 97 == 5:
            lines += ["", "   "]
        if i % 131 == 7:
            lines.append(delimiter.join(cells[:6]))  # fewer cells: the rest are empty
            lines.append(delimiter.join([*cells, "", ""]))  # more, but empty
            lines.append(delimiter.join([*cells, "x"]))  # more: rejected
    path.write_text("\n" + newline.join(lines) + newline, encoding="utf-8")


def both_engines(cli: Any, path: Path, *options: str) -> list[tuple[Any, ...]]:
    """What each engine writes: exit status, stdout, stderr, the output, errors and summary
    files (each engine in a folder of its own, under the same names; None for a file a run
    did not write: a file without a header is an error)."""
    found = []
    for engine in ("rows", "columnar"):
        folder = path.parent / engine
        folder.mkdir(exist_ok=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(folder)
            files = ["out.csv", "err.csv", "sum.json"]
            run = ("batch", str(path), "--engine", engine, *options)
            result = cli(*run, "-o", files[0], "--errors", files[1])
            summary = cli(*run, "--summary", files[2])
        paths = [folder / name for name in files]
        texts = [p.read_text(encoding="utf-8") if p.exists() else None for p in paths]
        found.append((result.code, result.out, result.err, summary.out, *texts))
    return found


@pytest.mark.parametrize(
    ("delimiter", "newline", "date_format"),
    [(",", "\n", None), (",", "\r\n", None), ("\t", "\n", None), (";", "\n", "DD/MM/YYYY")],
)
def test_columnar_writes_the_bytes_the_row_engine_writes(
    cli: Any,
    tmp_path: Path,
    table: RateTable,
    schedule: None,
    delimiter: str,
    newline: str,
    date_format: str | None,
) -> None:
    path = tmp_path / "varied.csv"
    rows = varied_rows(table, 700)
    options = ["--date", "2026-02-01"]
    if date_format:  # 2025-10-01 as 01/10/2025; the odd rows' 2025-13-01 stays a bad date
        for row in rows:
            row[4] = "/".join(reversed(row[4].split("-"))) if row[4] else ""
        options += ["--date-format", date_format]
    write_file(path, rows[:350] + ODD_ROWS + rows[350:], delimiter, newline)
    by_rows, columnar = both_engines(cli, path, *options)
    assert by_rows[0] == 3 and by_rows[3].count("\n") > 600  # rejected rows, scored rows
    assert columnar == by_rows


def test_plans_made_by_worker_processes_give_the_same_bytes(
    cli: Any, tmp_path: Path, table: RateTable, schedule: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many plan keys (a file of HTS lines) are planned by worker processes, in chunks."""
    from tariffcalc.studies import batch, columnar

    monkeypatch.setattr(columnar, "POOL_KEYS", 1)
    monkeypatch.setattr(columnar, "PLAN_CHUNK", 7)
    monkeypatch.setattr(columnar, "THREADS", 2)
    pools: list[int] = []
    real_pool = batch.worker_pool

    def counted(*args: Any, **kwargs: Any) -> Any:
        pools.append(args[1])
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(batch, "worker_pool", counted)
    path = tmp_path / "varied.csv"
    write_file(path, varied_rows(table, 300, seed=3) + ODD_ROWS, ",", "\n")
    by_rows, by_columns = both_engines(cli, path, "--date", "2026-02-01")
    assert pools == [2, 2] and by_columns == by_rows  # two workers, in each of two runs


def test_most_rows_of_a_clean_file_never_reach_the_row_engine(
    cli: Any, tmp_path: Path, table: RateTable, schedule: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored: list[int] = []
    score = Scorer.score

    def counted(self: Scorer, row: InputRow) -> ScoredRow | Rejected:
        scored.append(row.line)
        return score(self, row)

    monkeypatch.setattr(Scorer, "score", counted)
    path = tmp_path / "clean.csv"
    write_file(path, varied_rows(table, 500), ",", "\n")
    result = cli("batch", str(path), "--engine", "columnar", "--date", "2026-02-01")
    assert result.code == 3 and len(rows_of(result.out)) > 450
    assert len(scored) < 50  # the short and long rows, and keys the SQL does not carry


WORKED = "id,sector,origin,entry_date,value,mode\n"


@pytest.mark.parametrize(
    ("row", "scenario", "expected"),
    [
        # Each line half-up on its own: 2.5% of 100.22 is 2.5055 -> 2.51, 25% is 25.055 ->
        # 25.06; 27.5% at once would be 27.5605 -> 27.56. Informal MPF $2.69 (FY2026), HMF
        # 0.125% of 100.22 = 0.125275 -> 0.13. Effective rate 27.57 / 100.22 = 0.2750948...
        (
            "a,autos,JP,2025-10-01,100.22,ocean",
            "baseline",
            ["27.57", "0.275095", "2.82", "130.61"],
        ),
        # $1e12 (beyond DECIMAL(18,2) x DECIMAL(18,8)): MFN 2.5% = 25e9, the 15% inclusive
        # deal rate adds 12.5% = 125e9; MPF at its FY2026 maximum $651.50; no HMF by air.
        (
            "b,autos,JP,2025-10-01,1000000000000,air",
            "deal",
            ["150000000000.00", "0.150000", "651.50", "1150000000651.50"],
        ),
        # MPF at its FY2026 minimum: 0.3464% of 5000 = 17.32 < 33.58; HMF 6.25.
        ("c,general,DE,2025-10-01,5000,ocean", "mfn", ["0.00", "0.000000", "39.83", "5039.83"]),
    ],
)
def test_worked_examples(
    cli: Any, tmp_path: Path, row: str, scenario: str, expected: list[str]
) -> None:
    path = tmp_path / "worked.csv"
    path.write_text(WORKED + row + "\n")
    result = cli("batch", str(path), "--engine", "columnar", "-s", scenario)
    assert result.code == 0, result.err
    found = rows_of(result.out)[0]
    columns = ["duty", "effective_rate", "fees", "landed_cost"]
    # As numbers: a fee at an MPF limit without HMF is written as the table gives it (651.5).
    assert [D(found[f"{scenario}_{c}"]) for c in columns] == [D(e) for e in expected]


def test_a_file_with_quotes_is_left_to_the_row_engine(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('id,sector,value,notes\n1,autos,30000,"a, b"\n')
    auto = cli("batch", str(path), "-s", "mfn", "--date", "2026-02-01")
    assert auto.code == 0 and rows_of(auto.out)[0]["mfn_duty"] == "750.00"
    forced = cli("batch", str(path), "--engine", "columnar")
    assert forced.code == 1 and "--engine: the columnar engine reads a CSV file" in forced.err
    jsonl = cli("batch", str(path), "--engine", "columnar", "--format", "jsonl")
    assert jsonl.code == 1 and "writes csv: use --engine rows" in jsonl.err


def test_without_duckdb_the_message_names_the_extra(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb raises ImportError
    path = tmp_path / "plain.csv"
    path.write_text("id,sector,value\n1,autos,30000\n")
    assert cli("batch", str(path), "-s", "mfn").code == 0  # auto: the row engine
    forced = cli("batch", str(path), "--engine", "columnar")
    assert forced.code == 1
    assert "needs duckdb: pip install 'tariffcalc[columnar]'" in forced.err


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch_rows=st.lists(shipments(), min_size=1, max_size=6))
def test_any_rows_come_out_as_the_row_engine_writes_them(
    cli: Any, tmp_path: Path, batch_rows: list[dict[str, str]]
) -> None:
    columns = sorted({k for row in batch_rows for k in row})
    path = tmp_path / "drawn.csv"
    lines = [",".join(columns), *(",".join(row.get(c, "") for c in columns) for row in batch_rows)]
    path.write_text("\n".join(lines) + "\n")
    by_rows, columnar = both_engines(cli, path)
    assert columnar == by_rows


def test_an_interrupted_columnar_run_leaves_the_old_output_and_no_temporary(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tariffcalc.output.rows import CsvOut

    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.csv").write_text("precious")
    (tmp_path / "many.csv").write_text("sector,value\n" + "autos,100\n" * 50)

    def interrupted(self: CsvOut, text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(CsvOut, "write_chunk", interrupted)
    result = cli("batch", "many.csv", "-o", "out.csv", "--engine", "columnar")
    assert result.code == 130
    assert (tmp_path / "out.csv").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.csv", "out.csv"]


def test_progress_counts_rows_and_the_share_of_the_work_done(
    tmp_path: Path, table: RateTable
) -> None:
    from tariffcalc.inputs.records import read_records
    from tariffcalc.studies.batch import row_defaults
    from tariffcalc.studies.columnar import (
        SHARE_CELLS,
        SHARE_LINES,
        SHARE_PLANS,
        SHARE_SCORED,
        columnar_source,
        score_columnar,
    )

    path = tmp_path / "many.csv"
    path.write_text(
        "sku,sector,value\n" + "".join(f"s{i},autos,{100 + i}\n" for i in range(12_000))
    )
    with path.open(encoding="utf-8", newline="") as stream:
        layout, _ = read_records(stream, str(path))
    source = columnar_source(str(path), layout)
    assert source is not None and source.lines == 12_002  # the header, the rows, the end
    written: list[str] = []

    class Collect:
        def start(self) -> None: ...
        def write(self, scored: ScoredRow) -> None: ...
        def write_chunk(self, text: str) -> None:
            written.append(text)

        def close(self) -> None: ...

    shares: list[float] = []
    counts: list[int] = []

    def tick(count: int) -> None:
        counts.append(count)
        shares.append(source.share_read())

    scorer = Scorer(table, ["mfn"], row_defaults(entry_date="2026-02-01"))
    summary = score_columnar(source, layout, scorer, Collect(), progress=tick)  # type: ignore[arg-type]
    # A tick after each pass over the whole file, then one for each chunk written.
    assert counts == [0, 0, 0, 0, 5_000, 10_000, 12_000] and summary.scored == 12_000
    assert shares[:4] == [SHARE_LINES, SHARE_CELLS, SHARE_PLANS, SHARE_SCORED]
    assert shares[4] == SHARE_SCORED + (1 - SHARE_SCORED) * 5_001 / 12_002
    assert shares[-1] == SHARE_SCORED + (1 - SHARE_SCORED) * 12_001 / 12_002
    assert "".join(written).count("\n") == 12_000


def test_no_room_for_duckdb_tables_is_said_plainly_and_writes_nothing(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A temporary folder without room: DuckDB's own error, the way out, no output."""
    import duckdb

    from tariffcalc.studies import columnar

    real_connect = duckdb.connect

    def cramped(config: dict[str, str]) -> Any:
        return real_connect(config={**config, "max_temp_directory_size": "1MB"})

    monkeypatch.setattr(duckdb, "connect", cramped)
    monkeypatch.setattr(columnar, "MEMORY_LIMIT", "16MB")
    source = tmp_path / "big.csv"
    rows = (f"s{i},autos,JP,2025-10-01,{1000 + i},{'x' * 60}\n" for i in range(200_000))
    source.write_text("sku,sector,origin,entry_date,value,notes\n" + "".join(rows))
    out = tmp_path / "out.csv"
    result = cli("batch", str(source), "--engine", "columnar", "-o", str(out))
    assert result.code == 1 and "DuckDB stopped: Out of Memory Error" in result.err
    assert "set TMPDIR to a folder with more room, or use --engine rows" in result.err
    assert not out.exists() and list(tmp_path.iterdir()) == [source]
