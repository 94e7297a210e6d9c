"""tariffcalc batch against the pandas script an analyst would write, on the same file.

    python bench/batch.py [--rows N] [--jobs N] [--keep DIR]

Generates N synthetic shipments (a mix of sectors, origins, entry dates across
2025-2026, values, some steel derivatives with their metal content), scores them
with `tariffcalc batch` end to end, then with a pandas script (pandas is a
bench-only dependency) that takes each group's rates from tariffcalc's own
assessments and does the arithmetic in exact integer cents, vectorised. Checks that
both give the same totals to the cent and prints rows per second, their ratio,
and the peak memory (maximum resident set) of each.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tariffcalc.law.domain import RateTable

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
SCALE = 10**8  # rates as integers: every rate of the table has at most 8 decimal places


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


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak memory in MB) of a command: the resident memory of its whole process
    tree (worker processes included), sampled every 20 ms from /proc."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
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


# --- the pandas script --------------------------------------------------------------------


def pandas_script(source: Path, output: Path, totals: Path) -> None:
    """What an analyst would write: read everything, look up each group's rates from
    tariffcalc's assessment of a sample shipment, compute every row vectorised in integer
    cents, write it all."""
    # Bench-only dependencies, not installed by the project: untyped here on purpose.
    np: Any = importlib.import_module("numpy")
    pd: Any = importlib.import_module("pandas")

    from tariffcalc.law.ratetable import load_table

    table = load_table()
    frame = pd.read_csv(source, dtype={"sku": str, "metal_value": str}, keep_default_na=False)
    value = _cents(np, frame["value"])
    has_metal = frame["metal_value"] != ""
    metal = np.where(has_metal, _cents(np, frame["metal_value"].replace("", "0")), value)
    # Each group's rates, from the library's assessment of a sample, as a table to merge on.
    keys = frame[["sector", "origin", "entry_date"]].assign(
        metal_state=np.where(
            ~has_metal,
            "none",
            np.where(metal == value, "all", np.where(metal == 0, "zero", "part")),
        )
    )
    groups = keys.drop_duplicates().itertuples(index=False)
    rates = pd.DataFrame.from_records([_group_rates(table, g) for g in groups])
    merged = keys.merge(rates, on=["sector", "origin", "entry_date", "metal_state"], how="left")
    fees = _fees(np, table, frame, value, merged)
    result = frame.copy()
    landed_without_duty = value + _cents(np, frame["freight"]) + fees
    mfn_duty = _half_up(value, merged["mfn"].to_numpy())
    sums = {}
    for scenario in SCENARIOS:
        # Each measure is one line, on the whole value or on the metal or non-metal part.
        on = {p: merged[f"{scenario}_{p}"].to_numpy() for p in ("value", "metal", "non_metal")}
        duty = (
            mfn_duty
            + _half_up(value, on["value"])
            + _half_up(metal, on["metal"])
            + _half_up(value - metal, on["non_metal"])
        )
        landed = landed_without_duty + duty
        result[f"{scenario}_duty"] = duty / 100
        result[f"{scenario}_effective_rate"] = (duty / value).round(6)
        result[f"{scenario}_fees"] = fees / 100
        result[f"{scenario}_landed_cost"] = landed / 100
        sums[scenario] = {"duty_cents": int(duty.sum()), "landed_cents": int(landed.sum())}
    result.to_csv(output, index=False, float_format="%.2f")
    totals.write_text(json.dumps(sums))


def _cents(np: Any, column: Any) -> Any:
    return np.round(column.astype(float) * 100).astype(np.int64)


def _half_up(base: Any, rate: Any) -> Any:
    """Cents of base (cents) x rate (scaled by SCALE), rounded half up."""
    return (base * rate * 2 + SCALE) // (2 * SCALE)


def _group_rates(table: RateTable, group: Any) -> dict[str, Any]:
    """A group's MFN rate, MPF terms and each scenario's rate on each part of the value,
    from tariffcalc's assessment of a sample shipment of the group."""
    from tariffcalc.inputs.shipment import make_shipment
    from tariffcalc.law.engine import assess_all, fee_terms

    sample_metal = {"none": None, "all": "100", "zero": "0", "part": "50"}[group.metal_state]
    shipment = make_shipment(
        table,
        value=Decimal(100),
        sector=group.sector,
        origin=group.origin,
        entry_date=group.entry_date,
        metal_value=sample_metal,
    )
    terms = fee_terms(table.fees, shipment.entry_date)
    record = {
        "sector": group.sector,
        "origin": group.origin,
        "entry_date": group.entry_date,
        "metal_state": group.metal_state,
        "mfn": int(shipment.mfn_rate * SCALE),
        "mpf_min": int((terms.formal.minimum or 0) * 100),
        "mpf_max": int((terms.formal.maximum or 0) * 100),
        "informal": int((terms.informal.informal or 0) * 100),
    }
    for scenario, result in zip(SCENARIOS, assess_all(table, shipment, SCENARIOS), strict=True):
        rates = dict.fromkeys(("value", "metal", "non_metal"), Decimal(0))
        for line in result.lines[1:]:  # each measure's line, after the MFN line
            rates[line.base_kind] += line.rate  # the rate charged (inclusive: over MFN)
        for name, rate in rates.items():
            record[f"{scenario}_{name}"] = int(rate * SCALE)
    return record


def _fees(np: Any, table: RateTable, frame: Any, value: Any, merged: Any) -> Any:
    """MPF (formal within the group's limits, or the informal fee) plus HMF, in cents."""
    fees = table.fees
    formal = np.clip(
        _half_up(value, np.full(len(value), int(fees.mpf_rate * SCALE))),
        merged["mpf_min"],
        merged["mpf_max"],
    )
    mpf = np.where(value <= int(fees.informal_max_value * 100), merged["informal"], formal)
    hmf = np.where(
        frame["mode"] == "ocean",
        _half_up(value, np.full(len(value), int(fees.hmf_rate * SCALE))),
        0,
    )
    return mpf + hmf


# --- the comparison ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--jobs", type=int, default=0, help="tariffcalc's worker processes (default: its own)"
    )
    parser.add_argument("--keep", type=Path, help="keep the files here")
    parser.add_argument("--pandas-run", nargs=3, type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.pandas_run:
        pandas_script(*options.pandas_run)
        return
    work = options.keep or Path(tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    source = work / "shipments.csv"
    started = time.perf_counter()
    generate(source, options.rows)
    size = source.stat().st_size / 1e6
    took = time.perf_counter() - started
    print(f"generated {options.rows:,} rows ({size:.0f} MB) in {took:.1f} s")

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["TARIFFCALC_CACHE_DIR"] = str(work / "cache")
    env["TARIFFCALC_DATA_DIR"] = str(work / "no-schedule")
    ours = measured(_tariffcalc_command(work, source, options.jobs), env)
    theirs = [
        sys.executable,
        __file__,
        "--pandas-run",
        str(source),
        str(work / "pandas.csv"),
        str(work / "pandas.json"),
    ]
    _compare(work, options.rows, ours, measured(theirs, env))
    if options.keep is None:
        shutil.rmtree(work, ignore_errors=True)


def _tariffcalc_command(work: Path, source: Path, jobs: int) -> list[str]:
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
        "--jobs",
        str(jobs),
    ]


def _compare(work: Path, rows: int, ours: tuple[float, float], theirs: tuple[float, float]) -> None:
    """Check that the totals agree to the cent; print the speeds and the peak memories."""
    summary = json.loads((work / "summary.json").read_text())
    pandas_totals = json.loads((work / "pandas.json").read_text())
    for scenario in SCENARIOS:
        mine = summary["scenarios"][scenario]
        assert round(mine["duty"] * 100) == pandas_totals[scenario]["duty_cents"], scenario
        assert round(mine["landed_cost"] * 100) == pandas_totals[scenario]["landed_cents"], scenario
    print(
        f"totals agree to the cent on all {len(SCENARIOS)} scenarios"
        f" (in-force duty ${summary['scenarios']['in-force']['duty']:,.2f})"
    )
    (seconds, memory), (pandas_seconds, pandas_memory) = ours, theirs
    print(
        f"tariffcalc batch: {seconds:6.1f} s, {rows / seconds:9,.0f} rows/s, peak {memory:7.0f} MB"
    )
    print(
        f"pandas script:    {pandas_seconds:6.1f} s, {rows / pandas_seconds:9,.0f} rows/s,"
        f" peak {pandas_memory:7.0f} MB"
    )
    print(
        f"speed ratio (tariffcalc / pandas): {pandas_seconds / seconds:.2f}x;"
        f" memory ratio: {memory / pandas_memory:.2f}x"
    )


if __name__ == "__main__":
    main()
