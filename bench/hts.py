"""Import and lookup speed of the full HTS schedule, and what a lookup costs `duty`.

    python bench/hts.py [--runs N] [--schedule PATH]

Reads the real USITC export from ../shared/data (or --schedule); prints the
import time, the in-process lookup time, and the medians of
`tariffcalc duty --hts ... --json` with the imported schedule against the same
command with the rate table's curated lines (no schedule imported).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "hts_2026_rev_10.json.gz"
CODES = ["87032301", "8704210100", "76061260", "8501524000", "0101210010", "0901210020"]


def medians_ms(command: list[str], envs: list[dict[str, str]], runs: int) -> list[float]:
    """The command under each environment, interleaved so that noise hits all alike."""
    times: list[list[float]] = [[] for _ in envs]
    for env in envs:  # warm the bytecode and rate-table caches
        subprocess.run(command, stdout=subprocess.DEVNULL, env=env, check=True)
    for _ in range(runs):
        for env, spent in zip(envs, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, env=env, check=True)
            spent.append((time.perf_counter() - start) * 1000)
    return [statistics.median(spent) for spent in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--schedule", type=Path, default=DEFAULT)
    options = parser.parse_args()
    if not options.schedule.is_file():
        sys.exit(f"no schedule at {options.schedule}: pass --schedule PATH")
    from tariffcalc.inputs.schedule import Schedule, import_schedule

    work = Path(tempfile.mkdtemp())
    data = options.schedule.read_bytes()
    started = time.perf_counter()
    report = import_schedule(data, str(options.schedule), destination=work / "with" / "hts.sqlite3")
    imported = time.perf_counter() - started
    print(
        f"import: {report.rows:,} rows, {report.lines:,} lines, {len(report.unparsed)} rate texts"
        f" not understood, {imported:.2f} s ({report.seconds:.2f} s inside import_schedule),"
        f" index {report.path.stat().st_size / 1e6:.1f} MB"
    )

    schedule = Schedule(report.path)
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        for code in CODES:
            schedule.rate_line(code)
    per_lookup = (time.perf_counter() - started) / (rounds * len(CODES)) * 1e6
    started = time.perf_counter()
    for _ in range(20):
        schedule.search("electric motors")
    per_search = (time.perf_counter() - started) / 20 * 1e3
    print(f"lookup (in process): {per_lookup:.0f} µs a code; search: {per_search:.1f} ms a query")

    tool = Path(sys.executable).with_name("tariffcalc")
    command = [str(tool)] if tool.exists() else [sys.executable, "-m", "tariffcalc"]
    duty = [*command, "duty", "--hts", "8703.23.01", "--value", "30000", "--json"]
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base_env["TARIFFCALC_CACHE_DIR"] = str(work / "cache")
    with_schedule = {**base_env, "TARIFFCALC_DATA_DIR": str(work / "with")}
    curated = {**base_env, "TARIFFCALC_DATA_DIR": str(work / "without")}
    ms_with, ms_without = medians_ms(duty, [with_schedule, curated], options.runs)
    print(f"duty --hts --json, imported schedule: {ms_with:.1f} ms (median of {options.runs})")
    print(f"duty --hts --json, curated lines:     {ms_without:.1f} ms")
    print(
        f"cost of the schedule lookup:          {ms_with - ms_without:+.1f} ms"
        f" ({ms_with / ms_without:.2f}x)"
    )


if __name__ == "__main__":
    main()
