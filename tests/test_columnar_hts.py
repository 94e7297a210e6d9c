"""batch's columnar engine against the row engine on files coded by HTS line, under the
official schedule (skipped without it): code spellings, Section 232 and China 301 lines on
the days their lists change, specific and compound rates, plans made by worker processes in
chunks, options; single rows against `duty --json`; and the two inputs found to crash the
columnar engine (now left to the row engine)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from test_columnar import both_engines

pytest.importorskip("duckdb")

H = "id,hts,sector,origin,entry_date,value,metal_value,quantity,unit,mode,mfn"
SCENARIOS = ("mfn", "baseline", "reciprocal", "deal", "in-force")


@pytest.fixture
def hts(real_schedule: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The official schedule is the one imported."""
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(real_schedule))


def row(i: int, **cells: str) -> str:
    given = {"origin": "JP", "entry_date": "2025-10-01", "value": "1000"} | cells
    return ",".join([f"h{i}", *(given.get(name, "") for name in H.split(",")[1:])])


def same(cli: Any, path: Path, lines: list[str], *options: str) -> list[tuple[Any, ...]]:
    path.write_text("\n".join([H, *lines]) + "\n", encoding="utf-8")
    by_rows, columnar = both_engines(cli, path, *options)
    assert columnar == by_rows
    return [by_rows, columnar]


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes make the plans, a few keys at a time, whatever the number of keys."""
    from tariffcalc.studies import columnar

    monkeypatch.setattr(columnar, "POOL_KEYS", 1)
    monkeypatch.setattr(columnar, "PLAN_CHUNK", 3)
    monkeypatch.setattr(columnar, "THREADS", 2)


CODES = [
    *("8703.23.01.90", "7208.10.15.00", "7606.12.30.91", "8708.29.50.60", "8471.30.01.00"),
    *("8504.40.95.10", "9403.20.00.80", "3004.90.92.90", "8802.40.00.40", "7403.11.00.00"),
    *("8542.31.00.00", "8704.22.01.10", "8505.11.00.70", "8505.11.00.30", "6109.10.00.12"),
]
BAD_CODES = ["9903.01.25", "9999.99.99", "8703.2301", "abc", "12345", "020110051"]
DAYS = [
    *("2025-03-04", "2025-03-12", "2025-04-05", "2025-04-09", "2025-04-10", "2025-05-14"),
    *("2025-06-04", "2025-08-07", "2025-08-18", "2025-09-16", "2025-11-10", "2025-11-13"),
    *("2026-02-24", "2026-04-06", "2026-06-08", "2026-07-24", "2026-09-29", ""),
]
ORIGINS = ["JP", "CN", "MX", "CA", "DE", "KR", "VN", "BR", "IN", "GB", "ZZ", "china", ""]


def spellings(code: str) -> list[str]:
    digits = code.replace(".", "")
    return [code, digits, digits[:8], code[:10], code.lower() + " ", digits[:6], digits[:4]]


def test_code_spellings_origins_and_days(cli: Any, tmp_path: Path, hts: None) -> None:
    lines = [
        row(i, hts=spelled, origin=ORIGINS[i % len(ORIGINS)], entry_date=DAYS[i % len(DAYS)])
        for i, spelled in enumerate(s for code in [*CODES, *BAD_CODES] for s in spellings(code))
    ]
    same(cli, tmp_path / "spellings.csv", lines)


def test_china_301_lines_around_their_dates(cli: Any, tmp_path: Path, hts: None) -> None:
    days = ["2025-04-08", "2025-04-09", "2025-05-13", "2025-05-14", "2025-11-09", "2025-11-10"]
    lines = [
        row(i, hts=code, origin=origin, entry_date=day)
        for i, (code, origin, day) in enumerate(
            (c, o, d) for c in CODES for o in ("CN", "HK", "JP") for d in days
        )
    ]
    same(cli, tmp_path / "s301.csv", lines)


METALS = ["7208.10.15.00", "7606.12.30.91", "7403.11.00.00", "7318.15.20.95", "8418.10.00.10"]


def test_metal_value_on_steel_aluminum_and_copper_lines(
    cli: Any, tmp_path: Path, hts: None
) -> None:
    lines = [
        row(i, hts=code, origin=origin, entry_date=day, metal_value=metal)
        for i, (code, origin, day, metal) in enumerate(
            (c, o, d, m)
            for c in METALS
            for o in ("GB", "CN", "MX")
            for d in ("2025-03-11", "2025-06-04", "2025-08-18", "2026-04-06")
            for m in ("", "0", "400", "1000", "1001")
        )
    ]
    same(cli, tmp_path / "metals.csv", lines)


SPECIFIC = [
    *("0201.10.05.10", "0402.29.50.00", "0702.00.20.19", "2204.21.50.60", "2402.20.80.00"),
    *("6205.30.20.75", "2208.30.60.40", "0102.29.40.54"),
]


def test_specific_and_compound_rates_mixed_with_sector_rows(
    cli: Any, tmp_path: Path, hts: None
) -> None:
    amounts = [("", ""), ("12.5", "kg"), ("2", "t"), ("500", "g"), ("3", ""), ("1", "doz.")]
    lines = [
        row(i, hts=code, quantity=q, unit=u, origin=ORIGINS[i % 5], mfn=["", "", "2.5"][i % 3])
        for i, (code, (q, u)) in enumerate((c, a) for c in SPECIFIC for a in amounts)
    ]
    lines += [row(900 + i, sector=s) for i, s in enumerate(("autos", "steel", "general"))]
    lines += [row(910, sector="steel", metal_value="300"), row(911, sector="copper")]
    same(cli, tmp_path / "specific.csv", lines)


def test_worker_processes_plan_keys_of_different_widths(
    cli: Any, tmp_path: Path, hts: None, workers: None
) -> None:
    """Chunks of three keys: some chunks begin with a code the engine refuses, some hold
    only refused codes, plans of one to several lines are side by side."""
    codes = [*CODES, *SPECIFIC, *METALS]
    lines = []
    for i, code in enumerate(codes):
        lines.append(row(2 * i, hts=BAD_CODES[i % len(BAD_CODES)], origin="CN"))
        lines.append(row(2 * i + 1, hts=code, origin=ORIGINS[i % 10], entry_date=DAYS[i % 17]))
    lines += [row(500 + i, hts=c, origin="ZZ") for i, c in enumerate(BAD_CODES)]
    lines += [row(600, sector="autos"), row(601, sector="steel", metal_value="10")]
    same(cli, tmp_path / "chunks.csv", lines)


@pytest.mark.parametrize(
    "options",
    [
        ("-s", "in-force"),
        ("-s", "mfn"),
        ("-s", "deal", "-s", "baseline"),
        ("--set", "s232-steel-alu-50=30"),
        ("--add-scenario", "x=s232-autos,ieepa-baseline"),
        ("--mfn", "3.3"),
        ("--date", "2026-04-06", "--origin", "CN"),
        ("--mode", "air"),
    ],
)
def test_options_with_worker_processes(
    cli: Any, tmp_path: Path, hts: None, workers: None, options: tuple[str, ...]
) -> None:
    lines = [
        row(i, hts=code, origin=ORIGINS[i % len(ORIGINS)], entry_date=DAYS[i % len(DAYS)])
        for i, code in enumerate([*CODES, *METALS, *BAD_CODES[:2]])
    ]
    same(cli, tmp_path / "options.csv", lines, *options)


def test_single_rows_equal_duty_json(cli: Any, tmp_path: Path, hts: None) -> None:
    """Both engines use the same engine: a row of the batch says what `duty` says."""
    cases = [
        ("8505.11.00.70", "CN", "2025-11-13", "", ""),
        ("7208.10.15.00", "GB", "2025-06-04", "", ""),
        ("8703.23.01.90", "JP", "2025-09-16", "", ""),
        ("8471.30.01.00", "CN", "2025-05-14", "", ""),
        ("0402.29.50.00", "BR", "2026-04-06", "100", "kg"),
        ("6205.30.20.75", "VN", "2025-08-07", "3", "kg"),
    ]
    lines = [
        row(i, hts=c, origin=o, entry_date=d, quantity=q, unit=u)
        for i, (c, o, d, q, u) in enumerate(cases)
    ]
    by_rows, _ = same(cli, tmp_path / "single.csv", lines)
    assert by_rows[0] == 0, by_rows[2]
    scored = list(csv.DictReader(io.StringIO(by_rows[4])))  # the output file
    for line, (c, o, d, q, u) in zip(scored, cases, strict=True):
        args = ["duty", "--json", "--hts", c, "--origin", o, "--date", d, "--value", "1000"]
        args += ["--quantity", q, "--unit", u] if q else []
        for scenario in SCENARIOS:
            args += ["--scenario", scenario]
        single = cli(*args)
        assert single.code == 0, single.err
        for s in json.loads(single.out)["scenarios"]:
            assert line[f"{s['id']}_duty"] == f"{s['duty']:.2f}", (c, s["id"])
            assert line[f"{s['id']}_landed_cost"] == f"{s['landed_cost']:.2f}", (c, s["id"])


@pytest.mark.parametrize(
    ("code", "origin", "quantity"),
    [
        ("0702.00.20.19", "JP", "500000000"),  # an effective rate of 1e12 or more
        ("6205.30.20.75", "CN", "999999999.999"),  # a duty over $90bn
    ],
)
def test_a_huge_duty_on_a_cent(
    cli: Any, tmp_path: Path, hts: None, code: str, origin: str, quantity: str
) -> None:
    """Found by this attack: a specific rate on a huge quantity worth a cent crashed the
    columnar engine (exit 70): the rate in millionths did not fit DuckDB's DECIMAL(18,0),
    or the long division overflowed BIGINT. Such rows go row by row."""
    cells = {"hts": code, "origin": origin, "entry_date": "2026-03-01", "value": "0.01"}
    same(cli, tmp_path / "huge.csv", [row(1, **cells, quantity=quantity, unit="t")])
