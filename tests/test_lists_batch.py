"""batch on listed lines: every row equals `duty --json` for the same inputs, to the cent.

The dated HTS lists (Annex II, Section 122's, the civil-aircraft and particular-article
lists) decide per line and per entry date, and batch's `Assessor` shares plans between
rows whose lists' say is alike (`law.lists.list_key`). Rows of listed and unlisted
lines, four origins and the days on both sides of every membership change and regime
boundary go through batch in a shuffled order, so that plans made for one row serve
others; each row is then checked against `duty --json`. On the imported official
schedule (HTS 2026 rev 10): the tests skip where shared/ is absent.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli

# (HTS line, quantity, unit): Annex II lines on it throughout, joining or leaving it; one
# statistical suffix on it beside one that is not; Section 122 exemptions; conditional and
# partial lists (batch makes no claim); lines on no list; a specific MFN rate.
LINES = [
    ("3004.20.00", "", ""),  # Annex II 2025-04-05..2026-02-23
    ("8542.31.00", "", ""),  # Annex II
    ("2833.24.00", "", ""),  # joined Annex II 2025-09-08; Section 122 exempt
    ("3907.30.00", "", ""),  # left Annex II after 2025-09-07
    ("0902.10.10", "", ""),  # joined Annex II 2025-11-13; Section 122 exempt
    ("0201.10.05", "", ""),  # agricultural addition 2025-11-13; Section 122 exempt
    ("8505.11.00.70", "", ""),  # Annex II from 2025-09-08 at ten digits
    ("8505.11.00.30", "", ""),  # ... its neighbour is not
    ("8471.30.01", "", ""),  # Annex II (heading 8471), Section 122 exempt
    ("8411.99.90", "", ""),  # civil aircraft (Japan, from 2025-09-16; Section 122 conditional)
    ("8411.99.10", "", ""),
    ("0805.90.01", "", ""),  # particular articles (partial: etrogs only)
    ("8703.23.01", "", ""),  # autos: Section 232, on no list
    ("8501.52.40", "", ""),  # on no list
    ("2709.00.20", "1000", "bbl"),  # Annex II; a specific MFN rate
]
ORIGINS = ["JP", "DE", "KR", "CN"]
DAYS = [
    "2025-04-04",
    "2025-04-05",  # IEEPA baseline, Annex II
    "2025-08-06",
    "2025-08-07",  # Japan's 15% deal rate
    "2025-09-07",
    "2025-09-08",  # EO 14346: Annex II additions and removals
    "2025-09-15",
    "2025-09-16",  # Japan's civil-aircraft list
    "2025-11-12",
    "2025-11-13",  # EO 14360: agricultural additions
    "2026-02-23",
    "2026-02-24",  # IEEPA ends, Section 122 begins
    "2026-07-23",
    "2026-07-24",  # Section 122 ends, Section 301 begins
]
VALUES = ["1000.00", "2400.00", "48765.43", "250000.00"]  # informal MPF, formal, its max
SCENARIOS = ["mfn", "baseline", "reciprocal", "deal", "in-force"]


def _rows() -> list[dict[str, str]]:
    """Every line on every day from Japan; a sample of the other origins; some rows again
    with another value; shuffled, so that rows meet plans made for rows of other days."""
    rng = random.Random(20250908)
    picked = [(line, "JP", day) for line in LINES for day in DAYS]
    others = [(line, origin, day) for line in LINES for origin in ORIGINS[1:] for day in DAYS]
    picked += rng.sample(others, 160)
    picked += rng.sample(picked, 40)
    rows = []
    for i, ((hts, quantity, unit), origin, day) in enumerate(picked):
        value = rng.choice(VALUES)
        rows.append(
            {
                "id": f"R{i}",
                "hts": hts,
                "value": value,
                "origin": origin,
                "entry_date": day,
                "quantity": quantity,
                "unit": unit,
            }
        )
    rng.shuffle(rows)
    return rows


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _duty(cli: Cli, row: dict[str, str]) -> dict[str, Any]:
    args = ["duty", "--json", "--hts", row["hts"], "--value", row["value"]]
    args += ["--origin", row["origin"], "--date", row["entry_date"]]
    for scenario in SCENARIOS:
        args += ["--scenario", scenario]
    if row["quantity"]:
        args += ["--quantity", row["quantity"], "--unit", row["unit"]]
    result = cli(*args)
    assert result.code == 0, (row, result.err)
    document: dict[str, Any] = json.loads(result.out)
    return document


def _expected(single: dict[str, Any]) -> dict[str, Any]:
    """What a batch row should say, from `duty --json`."""
    return {
        "classified_sector": single["shipment"]["sector"],
        "customs_value_usd": single["shipment"]["customs_value"],
        "scenarios": {
            s["id"]: {
                "duty": s["duty"],
                "effective_rate": s["effective_rate"],
                "fees": s["fees"]["total"],
                "landed_cost": s["landed_cost"],
            }
            for s in single["scenarios"]
        },
        "warnings": single["warnings"],
    }


def _batch(cli: Cli, source: Path, jobs: str) -> list[dict[str, Any]]:
    args = ["batch", str(source), "--format", "jsonl", "--jobs", jobs, "--no-progress"]
    for scenario in SCENARIOS:
        args += ["--scenario", scenario]
    result = cli(*args)
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines()]


def _scored(line: dict[str, Any]) -> dict[str, Any]:
    keys = ("classified_sector", "customs_value_usd", "scenarios", "warnings")
    return {key: line[key] for key in keys}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _rows()


def test_every_row_on_and_off_the_lists_equals_duty_json(
    cli: Cli,
    real_schedule: Path,
    rows: list[dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(real_schedule))
    _write_csv(tmp_path / "rows.csv", rows)
    scored = _batch(cli, tmp_path / "rows.csv", "1")
    assert [line["id"] for line in scored] == [row["id"] for row in rows]
    singles: dict[tuple[str, ...], dict[str, Any]] = {}
    for row, line in zip(rows, scored, strict=True):
        key = tuple(row[k] for k in ("hts", "value", "origin", "entry_date"))
        if key not in singles:
            singles[key] = _expected(_duty(cli, row))
        assert _scored(line) == singles[key], row
    # the lists change what is due: some rows pay less than their unlisted neighbours
    found = {(r["hts"], r["entry_date"], r["origin"]): s for r, s in zip(rows, scored, strict=True)}
    listed = found[("8505.11.00.70", "2025-11-13", "JP")]["scenarios"]["in-force"]
    unlisted = found[("8505.11.00.30", "2025-11-13", "JP")]["scenarios"]["in-force"]
    assert listed["effective_rate"] < unlisted["effective_rate"]


def test_worker_processes_score_listed_lines_as_one_process_does(
    cli: Cli,
    real_schedule: Path,
    rows: list[dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Worker processes use the schedule the command was given, even when an earlier
    batch of the same process started them under another."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("worker processes are spawned afresh: they see the current environment")
    _write_csv(tmp_path / "first.csv", [{"id": "S", "sector": "autos", "value": "30000"}])
    assert len(_batch(cli, tmp_path / "first.csv", "2")) == 1  # no schedule: workers started
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(real_schedule))
    many = [{**row, "id": f"{row['id']}-{n}"} for n in range(15) for row in rows]  # > 1 chunk
    _write_csv(tmp_path / "many.csv", many)
    assert _batch(cli, tmp_path / "many.csv", "2") == _batch(cli, tmp_path / "many.csv", "1")
