"""Start-up cost of tariffcalc against a minimal one-command Typer app, in this environment.

    python bench/startup.py [--runs N]

Runs every command in interleaved rounds (so machine noise hits all alike) and
prints the median wall time of each and the ratios the core issue sets as goals:
main job <= 1.5x the minimal app, --help <= 1.3x its --help, or, with a Typer
whose minimal app is itself fast, the main job under 12x a bare `python -c pass`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_APP = """
import typer

app = typer.Typer({options})


@app.command()
def main(value: float = typer.Option(...)) -> None:
    print(value)


app()
"""


def tariffcalc_command() -> list[str]:
    script = Path(sys.executable).with_name("tariffcalc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tariffcalc"]


def median_ms(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm up: bytecode caches and the rate-table cache
        subprocess.run(command, stdout=subprocess.DEVNULL, env=env, check=True)
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, env=env, check=True)
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    runs = parser.parse_args().runs
    import typer

    work = Path(tempfile.mkdtemp())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["TARIFFCALC_CACHE_DIR"] = str(work / "cache")
    minimal = work / "minimal.py"
    minimal.write_text(MINIMAL_APP.format(options=""))
    plain = work / "minimal_plain.py"
    plain.write_text(MINIMAL_APP.format(options="rich_markup_mode=None"))
    tool = tariffcalc_command()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "minimal app": [sys.executable, str(minimal), "--value", "3"],
        "minimal app --help": [sys.executable, str(minimal), "--help"],
        "minimal app --help (no Rich markup)": [sys.executable, str(plain), "--help"],
        "duty --json (main job)": [
            *tool,
            "duty",
            "--sector",
            "autos",
            "--value",
            "30000",
            "--json",
        ],
        "duty (table)": [*tool, "duty", "--sector", "autos", "--value", "30000"],
        "tariffcalc --help": [*tool, "--help"],
    }
    try:
        ms = median_ms(commands, runs, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Python {sys.version.split()[0]}, Typer {typer.__version__}, {runs} interleaved runs\n")
    for name, value in ms.items():
        print(f"  {name:<38} {value:7.1f} ms")
    main_job = ms["duty --json (main job)"]
    print()
    print(f"  main job / minimal app          {main_job / ms['minimal app']:5.2f}x  (goal <= 1.5x)")
    help_ratio = ms["tariffcalc --help"] / ms["minimal app --help"]
    print(f"  --help / minimal app --help     {help_ratio:5.2f}x  (goal <= 1.3x)")
    plain_help = ms["minimal app --help (no Rich markup)"]
    print(f"  --help / minimal, no Rich       {ms['tariffcalc --help'] / plain_help:5.2f}x")
    print(
        f"  main job / python -c pass       {main_job / ms['python -c pass']:5.2f}x  (goal < 12x)"
    )
    print(f"  table / minimal app             {ms['duty (table)'] / ms['minimal app']:5.2f}x")


if __name__ == "__main__":
    main()
