"""tariffcalc batch against the DuckDB script an analyst would write, on the same file.

    python bench/batch.py [--rows N ...] [--engine auto|columnar|rows] [--jobs N] [--keep DIR]
    python bench/batch.py --hts ../shared/data/hts_2026_rev_10.json.gz [--rows N ...]

Generates N synthetic shipments (a mix of sectors, origins, entry dates across
2025-2026, values, some steel derivatives with their metal content), scores them
with `tariffcalc batch` end to end, then with a DuckDB script that takes each
group's rates from tariffcalc's plan table (`law/plantable.py`, dates grouped into
the periods between rule changes) and does the arithmetic in DECIMAL(38, x), each
duty line rounded on its own, and writes its CSV with COPY. Both start with the rate
table's cache made (the script loads the table too). Each runs `--repeat` times, in
turn; checks that both give the same totals to the cent and prints the median time,
rows per second, their ratio, and the peak memory of each (the resident set of the
whole process tree), with the machine's load.

With --hts, the rows are HTS lines (5,000 drawn from the schedule, with a rate of their
own) instead of sectors: nearly every row is a plan of its own, the workload of real
entry data; the columnar engine is timed against the row engine with its worker
processes (the script plans by sector only), and their outputs must be the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

SECTORS = [
    ("autos", 30),
    ("auto-parts", 15),
    ("general", 35),
    ("steel", 8),
    ("aluminum", 4),
    ("copper", 2),
    ("trucks", 3),
    ("pharma", 3),
]
ORIGINS = [("JP", 60), ("DE", 15), ("KR", 10), ("GB", 5), ("CN", 10)]
SCENARIOS = ["mfn", "baseline", "reciprocal", "deal", "in-force"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    sectors, sector_weights = zip(*SECTORS, strict=True)
    origins, origin_weights = zip(*ORIGINS, strict=True)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["sku", "sector", "origin", "entry_date", "value", "metal_value", "freight", "mode"]
        )
        for i in range(rows):
            sector = rng.choices(sectors, sector_weights)[0]
            value = Decimal(rng.randint(100_00, 5_000_000_00)) / 100
            metal = ""
            if sector in ("steel", "aluminum") and rng.random() < 0.4:
                metal = str((value * Decimal(rng.randint(10, 90)) / 100).quantize(Decimal("0.01")))
            writer.writerow(
                [
                    f"SKU{i:08d}",
                    sector,
                    rng.choices(origins, origin_weights)[0],
                    (start + timedelta(days=rng.randint(0, 729))).isoformat(),
                    value,
                    metal,
                    Decimal(rng.randint(0, 2_000_00)) / 100,
                    "ocean" if rng.random() < 0.8 else "air",
                ]
            )


def measured(
    command: list[str], env: dict[str, str], allowed: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """(seconds, peak memory in MB) of a command: the resident memory of its whole process
    tree (worker processes included), sampled every 20 ms from /proc."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode not in allowed:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{' '.join(command)} failed:\n{error[-2000:]}")
    return seconds, peak / 1024


def _tree_rss(pid: int) -> int:
    """kB resident for a process and its descendants (0 once they are gone)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as status:
            total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            total += sum(_tree_rss(int(child)) for child in children.read().split())
    except (OSError, ValueError):
        pass
    return total


# --- the DuckDB script --------------------------------------------------------------------

LINES = 3  # duty lines after the MFN a scenario can have, in the script's table of rates
MONEY = "DECIMAL(38,2)"
RATE = "DECIMAL(38,8)"


def duckdb_script(source: Path, output: Path, totals: Path) -> None:
    """What an analyst would write: load the file, take each group's rates from
    tariffcalc's plan table, compute every row in SQL with exact decimals, write it all."""
    duckdb: Any = importlib.import_module("duckdb")
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE e AS SELECT *, CASE WHEN metal_value IS NULL THEN 'none'"
        " WHEN metal_value = 0 THEN 'zero' WHEN metal_value = value THEN 'all'"
        f" ELSE 'part' END AS metal_state FROM read_csv('{source}', header=true, types="
        "{'sku': 'VARCHAR', 'value': 'DECIMAL(18,2)', 'metal_value': 'DECIMAL(18,2)',"
        " 'freight': 'DECIMAL(18,2)', 'entry_date': 'DATE'})"
    )
    groups = con.execute(
        "SELECT DISTINCT sector, origin, entry_date, metal_state FROM e"
    ).fetchall()
    con.execute(f"CREATE TABLE rates ({_rate_columns()})")
    _load(con, "rates", _group_rates(groups), output.with_suffix(".rates.csv"))
    figures = _figures(con, output.with_suffix(".fees.csv"))
    con.execute(f"COPY ({figures}) TO '{output}' (HEADER)")
    sums = ", ".join(f"SUM(duty_{s}), SUM(landed_{s})" for s in range(len(SCENARIOS)))
    found = con.execute(f"SELECT {sums} FROM ({figures})").fetchone()
    totals.write_text(
        json.dumps(
            {
                scenario: {
                    "duty_cents": int(found[2 * i] * 100),
                    "landed_cents": int(found[2 * i + 1] * 100),
                }
                for i, scenario in enumerate(SCENARIOS)
            }
        )
    )


def _rate_columns() -> str:
    lines = [
        f"r_{s}_{j} {RATE}, b_{s}_{j} VARCHAR" for s in range(len(SCENARIOS)) for j in range(LINES)
    ]
    return ", ".join(
        [
            "sector VARCHAR, origin VARCHAR, entry_date DATE, metal_state VARCHAR",
            f"mfn {RATE}, hmf BOOLEAN",
            *lines,
        ]
    )


def _group_rates(groups: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each group's MFN rate and each scenario's lines (charged rate, base part), from the
    plan table of a sample shipment of the group: one plan per period between rule changes."""
    from tariffcalc.inputs.shipment import make_shipment
    from tariffcalc.law.engine import Assessor
    from tariffcalc.law.plantable import period_start, plan_rows, rule_changes
    from tariffcalc.law.ratetable import load_table

    table = load_table()
    assessor = Assessor(table, SCENARIOS)
    changes = rule_changes(table)
    samples = {"none": None, "all": "100", "zero": "0", "part": "50"}
    plans: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    rows = []
    for sector, origin, day, metal in groups:
        key = (sector, origin, period_start(changes, day), metal)
        if key not in plans:
            shipment = make_shipment(
                table,
                value="100",
                sector=sector,
                origin=origin,
                entry_date=key[2],
                metal_value=samples[metal],
            )
            plans[key] = _plan_cells(plan_rows(assessor, shipment), shipment.mfn_rate)
        rows.append((sector, origin, day, metal, *plans[key]))
    return rows


def _plan_cells(plan: Any, mfn: Decimal) -> tuple[Any, ...]:
    cells: list[Any] = [mfn, None]
    for scenario in SCENARIOS:
        lines = [line for line in plan.lines if line.scenario == scenario and line.line > 0]
        assert len(lines) <= LINES, (scenario, lines)
        for line in lines:
            charged = line.ad_valorem if line.cap is None else max(Decimal(0), line.cap - mfn)
            cells += [charged, line.base]
        cells += [None, None] * (LINES - len(lines))
    return tuple(cells)


def _load(con: Any, table: str, rows: list[tuple[Any, ...]], scratch: Path) -> None:
    """Rows into a table through a CSV file (executemany takes a millisecond a row)."""
    with scratch.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    con.execute(f"COPY {table} FROM '{scratch}' (HEADER false)")


def _figures(con: Any, scratch: Path) -> str:
    """Every row's figures under every scenario, each duty line rounded half-up on its own."""
    from tariffcalc.law.plantable import fee_day
    from tariffcalc.law.ratetable import load_table

    fees = load_table().fees
    days = con.execute("SELECT DISTINCT entry_date FROM e").fetchall()
    con.execute(f"CREATE TABLE fees (entry_date DATE, low {MONEY}, high {MONEY}, flat {MONEY})")
    terms = [fee_day(fees, day) for (day,) in days]
    _load(con, "fees", [(t.day, t.low, t.high, t.flat) for t in terms], scratch)
    value = f"CAST(value AS {MONEY})"
    metal = f"CAST(COALESCE(metal_value, value) AS {MONEY})"
    mpf_ad = f"ROUND({value} * {fees.mpf_rate}, 2)"
    mpf = (
        f"CASE WHEN {value} <= {fees.informal_max_value} THEN flat"
        f" ELSE LEAST(GREATEST({mpf_ad}, low), COALESCE(high, {mpf_ad})) END"
    )
    hmf = f"CASE WHEN mode = 'ocean' THEN ROUND({value} * {fees.hmf_rate}, 2) ELSE 0 END"
    columns = [f"e.*, {mpf} + {hmf} AS fees"]
    for s in range(len(SCENARIOS)):
        lines = [
            f"COALESCE(ROUND(r_{s}_{j} * CASE b_{s}_{j} WHEN 'value' THEN {value}"
            f" WHEN 'metal' THEN {metal} ELSE {value} - {metal} END, 2), 0)"
            for j in range(LINES)
        ]
        columns.append(f"ROUND({value} * mfn, 2) + {' + '.join(lines)} AS duty_{s}")
    rows = (
        f"SELECT {', '.join(columns)} FROM e JOIN rates USING (sector, origin, entry_date,"
        " metal_state) JOIN fees USING (entry_date)"
    )
    results = [
        f"duty_{s}, ROUND(duty_{s} / value, 6) AS rate_{s}, fees,"
        f" value + COALESCE(freight, 0) + fees + duty_{s} AS landed_{s}"
        for s in range(len(SCENARIOS))
    ]
    return f"SELECT sku, {', '.join(results)} FROM ({rows})"


# --- the comparison ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="1,000,000 and 5,000,000")
    parser.add_argument("--engine", default="auto", help="tariffcalc batch --engine")
    parser.add_argument("--jobs", type=int, default=0, help="--jobs (the row engine)")
    parser.add_argument("--keep", type=Path, help="keep the files here")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, in turn")
    parser.add_argument(
        "--hts",
        type=Path,
        metavar="SCHEDULE",
        help="rows of HTS lines drawn from this USITC export (hts_*.json.gz), scored by"
        " the columnar engine and by the row engine with worker processes",
    )
    parser.add_argument("--script-run", nargs=3, type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.script_run:
        duckdb_script(*options.script_run)
        return
    for rows in options.rows or [1_000_000, 5_000_000]:
        work = options.keep or Path(tempfile.mkdtemp())
        work.mkdir(parents=True, exist_ok=True)
        if options.hts:
            _run_hts(work, rows, options.hts, options.repeat)
        else:
            _run(work, rows, options.engine, options.jobs, options.repeat)
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, rows: int, engine: str, jobs: int, repeat: int) -> None:
    source = work / "shipments.csv"
    started = time.perf_counter()
    generate(source, rows)
    size = source.stat().st_size / 1e6
    took = time.perf_counter() - started
    print(f"generated {rows:,} rows ({size:.0f} MB) in {took:.1f} s")
    env = _environment(work, "no-schedule")
    ours_command = _tariffcalc_command(work, source, engine, jobs)
    subprocess.run([ours_command[0], "rates", "list"], env=env, capture_output=True, check=True)
    script = [sys.executable, __file__, "--script-run", str(source)]
    script += [str(work / "script.csv"), str(work / "script.json")]
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(measured(ours_command, env))
        theirs.append(measured(script, env))
    _compare(work, rows, ours, theirs)


HTS_ORIGINS = [("JP", 40), ("CN", 20), ("DE", 10), ("MX", 10), ("KR", 5), ("VN", 5), ("CA", 10)]


def generate_hts(path: Path, rows: int, schedule: Path, lines: int = 5_000, seed: int = 3) -> None:
    """Rows of `lines` HTS lines with a rate of their own, drawn from the schedule, with
    origins, entry dates across 2025-2026, values and quantities."""
    import gzip

    with gzip.open(schedule) as export:
        codes = [r["htsno"] for r in json.load(export) if r.get("htsno") and r.get("general")]
    rng = random.Random(seed)
    pool = rng.sample([c for c in codes if len(c.replace(".", "")) >= 8], lines)
    origins, weights = zip(*HTS_ORIGINS, strict=True)
    start = date(2025, 1, 1)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "hts", "origin", "entry_date", "value", "quantity"])
        for i in range(rows):
            writer.writerow(
                [
                    f"L{i:08d}",
                    rng.choice(pool),
                    rng.choices(origins, weights)[0],
                    (start + timedelta(days=rng.randint(0, 699))).isoformat(),
                    Decimal(rng.randint(100_00, 5_000_000_00)) / 100,
                    rng.randint(1, 1000),
                ]
            )


def _environment(work: Path, data: str) -> dict[str, str]:
    """The runs' environment: bytecode written (as a user's), the table's cache and the
    schedule's folder in `work`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {
        "TARIFFCALC_CACHE_DIR": str(work / "cache"),
        "TARIFFCALC_DATA_DIR": str(work / data),
    }


def _run_hts(work: Path, rows: int, schedule: Path, repeat: int) -> None:
    """HTS-coded rows: the columnar engine against the row engine with its worker processes
    (the DuckDB script plans by sector); their outputs must be the same bytes."""
    source = work / "lines.csv"
    generate_hts(source, rows, schedule)
    print(f"generated {rows:,} rows of HTS lines ({source.stat().st_size / 1e6:.0f} MB)")
    env = _environment(work, "data")
    tool = _tariffcalc_command(work, source, "auto", 0)[:1]
    subprocess.run(
        [*tool, "hts", "import", str(schedule)], env=env, capture_output=True, check=True
    )
    runs: dict[str, list[tuple[float, float]]] = {"columnar": [], "rows": []}
    for _ in range(repeat):
        for engine in runs:
            command = [*tool, "batch", str(source), "-o", str(work / f"{engine}.csv")]
            command += ["--no-progress", "--engine", engine]
            runs[engine].append(measured(command, env, allowed=(0, 3)))
    same = (work / "columnar.csv").read_bytes() == (work / "rows.csv").read_bytes()
    print(f"outputs {'byte-identical' if same else 'DIFFER'}")
    columnar = _line("columnar engine", rows, runs["columnar"])
    by_rows = _line("rows, workers", rows, runs["rows"])
    print(f"speed ratio (columnar / rows with workers, medians): {by_rows / columnar:.2f}x")


def _tariffcalc_command(work: Path, source: Path, engine: str, jobs: int) -> list[str]:
    tool = Path(sys.executable).with_name("tariffcalc")
    command = [str(tool)] if tool.exists() else [sys.executable, "-m", "tariffcalc"]
    return [
        *command,
        "batch",
        str(source),
        "-o",
        str(work / "scored.csv"),
        "--summary",
        str(work / "summary.json"),
        "--no-progress",
        "--engine",
        engine,
        "--jobs",
        str(jobs),
    ]


def _compare(
    work: Path, rows: int, ours: list[tuple[float, float]], theirs: list[tuple[float, float]]
) -> None:
    """Check that the totals agree to the cent; print the speeds and the peak memories."""
    summary = json.loads((work / "summary.json").read_text())
    script_totals = json.loads((work / "script.json").read_text())
    for scenario in SCENARIOS:
        mine = summary["scenarios"][scenario]
        assert round(mine["duty"] * 100) == script_totals[scenario]["duty_cents"], scenario
        assert round(mine["landed_cost"] * 100) == script_totals[scenario]["landed_cents"], scenario
    print(
        f"totals agree to the cent on all {len(SCENARIOS)} scenarios"
        f" (in-force duty ${summary['scenarios']['in-force']['duty']:,.2f})"
    )
    seconds, script_seconds = (
        _line("tariffcalc batch", rows, ours),
        _line("DuckDB script", rows, theirs),
    )
    memory, script_memory = max(m for _, m in ours), max(m for _, m in theirs)
    print(
        f"speed ratio (tariffcalc / script, medians): {script_seconds / seconds:.2f}x;"
        f" memory ratio: {memory / script_memory:.2f}x;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def _line(name: str, rows: int, runs: list[tuple[float, float]]) -> float:
    """Print a line of one side's runs; its median time."""
    times = sorted(seconds for seconds, _ in runs)
    median = statistics.median(times)
    print(
        f"{name + ':':17} {median:6.1f} s ({times[0]:.1f}-{times[-1]:.1f} in {len(runs)} runs),"
        f" {rows / median:9,.0f} rows/s, peak {max(m for _, m in runs):6.0f} MB"
    )
    return median


if __name__ == "__main__":
    main()
