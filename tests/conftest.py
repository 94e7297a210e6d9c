from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tariffcalc.domain import RateTable
from tariffcalc.rates import load_table

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the user's cache or rate-table setting."""
    monkeypatch.setenv("TARIFFCALC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("TARIFFCALC_RATES", raising=False)


@pytest.fixture(scope="session")
def table() -> Iterator[RateTable]:
    yield load_table(use_cache=False)
