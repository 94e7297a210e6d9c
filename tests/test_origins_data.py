"""The origin files in data/origins/ and the China Section 301 lists: what
scripts/build_origins.py makes from ../shared/data/origins and the facts sheet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED
from tariffcalc.law.domain import RateTable

REPO = Path(__file__).resolve().parents[1]
BUILDER = REPO / "scripts" / "build_origins.py"

needs_shared = pytest.mark.skipif(
    not (SHARED / "data" / "origins").is_dir(), reason="no ../shared/data/origins"
)


def run_builder(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(BUILDER), "--shared", str(SHARED), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@needs_shared
def test_shipped_origin_files_are_what_the_builder_makes() -> None:
    result = run_builder("--check")
    assert result.returncode == 0, result.stderr


@needs_shared
def test_check_names_the_file_that_differs(tmp_path: Path) -> None:
    assert run_builder("--out", str(tmp_path)).returncode == 0
    edited = tmp_path / "origins" / "china.yaml"
    edited.write_text(edited.read_text().replace('"125%"', '"126%"', 1))
    result = run_builder("--check", "--out", str(tmp_path))
    assert result.returncode == 1 and "china.yaml differs" in result.stderr
    assert "korea.yaml" not in result.stderr


def test_every_measure_of_an_origin_cites_its_instrument_and_heading(table: RateTable) -> None:
    from_files = [m for m in table.measures.values() if m.note and "(facts: " in m.note]
    assert len(from_files) > 200
    for measure in from_files:
        assert measure.authority and measure.source and measure.confidence in "HML", measure.id
        assert measure.origins is not None, measure.id
    recip_84 = table.measures["cn-recip-84"]
    assert recip_84.headings == ("9903.01.63",) and recip_84.confidence == "M"


def test_the_eu_group_names_its_27_members(table: RateTable) -> None:
    eu = table.country_groups["EU"]
    assert len(eu) == 27 and {"DE", "FR", "IE", "HR"} <= eu and "GB" not in eu
    assert table.measures["eu-recip-15"].origins == eu


def test_coverage_names_the_origins_the_facts_state(table: RateTable) -> None:
    assert {"CN", "HK", "MO", "MX", "CA", "EU", "GB", "KR", "JP", "NO", "RU"} <= set(table.coverage)
    assert "KE" not in table.coverage and table.uncovered
    assert any(gap.startswith("ca-338-alcohol") for gap in table.coverage["CA"])
