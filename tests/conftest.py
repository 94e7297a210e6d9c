from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, Protocol

import pytest

from tariffcalc.cli.main import main
from tariffcalc.law.domain import RateTable
from tariffcalc.law.ratetable import load_table

# The project's shared facts and data (the real HTS schedule ...): tests that need them skip
# where they are absent. CI points TARIFFCALC_SHARED at its copy; else ../shared, beside the clone.
SHARED = Path(os.environ.get("TARIFFCALC_SHARED") or Path(__file__).resolve().parents[2] / "shared")
REAL = SHARED / "data" / "hts_2026_rev_10.json.gz"  # the official schedule, HTS 2026 rev 10


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the session: it is keyed on content, so tests cannot see each other's
    tables in it, and the lists are compiled once instead of once per test."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, _session_cache: Path
) -> None:
    """No test reads the user's cache, imported HTS schedule or rate-table setting."""
    monkeypatch.setenv("TARIFFCALC_CACHE_DIR", str(_session_cache))
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(tmp_path_factory.mktemp("no-schedule")))
    monkeypatch.delenv("TARIFFCALC_RATES", raising=False)


@pytest.fixture(scope="session")
def real_schedule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the official schedule, imported once: TARIFFCALC_DATA_DIR."""
    if not REAL.is_file():
        pytest.skip(f"{REAL} is not here")
    from tariffcalc.inputs.schedule import import_schedule

    data_dir = tmp_path_factory.mktemp("real-schedule")
    import_schedule(REAL.read_bytes(), str(REAL), destination=data_dir / "hts.sqlite3")
    return data_dir


@pytest.fixture(scope="session")
def table() -> Iterator[RateTable]:
    yield load_table(use_cache=False)


class Result(NamedTuple):
    code: int
    out: str
    err: str


class Cli(Protocol):
    """The `cli` fixture: runs `tariffcalc ARGS...` in-process, with bytes on standard input."""

    def __call__(self, *args: str, stdin: bytes = b"") -> Result: ...


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str, stdin: bytes = b"") -> Result:
        monkeypatch.setattr(sys, "argv", ["tariffcalc", *args])
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        monkeypatch.setenv("COLUMNS", "120")
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
