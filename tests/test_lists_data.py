"""The dated HTS lists in data/lists/: what scripts/build_lists.py makes, and their size on dates.

A line is a member on day D when `from` <= D and (no `to`, or D <= `to`): the end of the IEEPA
or Section 122 regime is not written in the lists (the measures end it), so a list without
removals keeps all its lines after the regime. The counts are those of
../shared/data/exemptions/README.md.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SHARED

REPO = Path(__file__).resolve().parents[1]
LISTS = REPO / "data" / "lists"
BUILDER = REPO / "scripts" / "build_lists.py"
IDS = (
    "ieepa-annex-ii",
    "ieepa-particular-articles",
    "japan-civil-aircraft",
    "s122-civil-aircraft",
    "s122-exempt",
    "s122-particular-articles",
)
HTS_SHAPE = re.compile(r"\d{4}(?:\.\d{2}(?:\.\d{2}(?:\d{2})?)?)?")
REGIME_ENDS = {dt.date(2026, 2, 23), dt.date(2026, 7, 23)}

needs_shared = pytest.mark.skipif(
    not (SHARED / "data" / "exemptions").is_dir(), reason="no ../shared/data/exemptions"
)


@cache
def load(list_id: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc: dict[str, Any] = yaml.load((LISTS / f"{list_id}.yaml").read_bytes(), Loader=loader)
    return doc


def members_on(list_id: str, day: str) -> int:
    date = dt.date.fromisoformat(day)
    return sum(
        1
        for entry in load(list_id)["lines"]
        if entry["from"] <= date and ("to" not in entry or date <= entry["to"])
    )


def run_builder(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(BUILDER), "--shared", str(SHARED), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@needs_shared
def test_shipped_lists_are_what_the_builder_makes() -> None:
    result = run_builder("--check")
    assert result.returncode == 0, result.stderr


@needs_shared
def test_check_names_the_file_that_differs_and_rebuilds_are_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_builder("--out", str(first)).returncode == 0
    assert run_builder("--out", str(second)).returncode == 0
    exemption_lists = sorted(p.name for p in first.iterdir() if not p.name.startswith("s232-"))
    assert exemption_lists == [f"{list_id}.yaml" for list_id in IDS]  # s232: test_lists_s232
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    edited = first / "s122-exempt.yaml"
    edited.write_text(edited.read_text().replace("2026-02-24", "2026-02-25", 1))
    result = run_builder("--check", "--out", str(first))
    assert result.returncode == 1
    assert "s122-exempt.yaml" in result.stderr
    assert "ieepa-annex-ii.yaml" not in result.stderr


# Annex II lines in force (README: 1,048 / 972 / 1,003 / 845 / 1,082 on the change dates), and
# the day before each change, which still has the earlier count.
ANNEX_II_IN_FORCE = [
    ("2025-04-04", 0),
    ("2025-04-05", 1048),
    ("2025-07-31", 1048),  # last day of the copper lines
    ("2025-08-01", 972),
    ("2025-09-07", 972),  # last day of the EO 14346 removals
    ("2025-09-08", 1003),
    ("2025-10-13", 1003),  # last day of the wood lines
    ("2025-10-14", 845),
    ("2025-11-12", 845),
    ("2025-11-13", 1082),
    ("2026-02-23", 1082),
    ("2026-06-01", 1082),  # after IEEPA: the list is unchanged, the measure has ended
]


@pytest.mark.parametrize(("day", "count"), ANNEX_II_IN_FORCE)
def test_annex_ii_lines_in_force(day: str, count: int) -> None:
    assert members_on("ieepa-annex-ii", day) == count


@pytest.mark.parametrize(
    ("list_id", "start", "count"),
    [
        ("s122-exempt", "2026-02-24", 1098),
        ("s122-civil-aircraft", "2026-02-24", 546),
        ("s122-particular-articles", "2026-02-24", 11),
        ("japan-civil-aircraft", "2025-09-16", 554),  # not retroactive to 2025-08-07
        ("ieepa-particular-articles", "2025-11-13", 11),
    ],
)
def test_lists_start_whole_on_their_date(list_id: str, start: str, count: int) -> None:
    day_before = (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat()
    assert members_on(list_id, day_before) == 0
    assert members_on(list_id, start) == count
    assert members_on(list_id, "2026-12-31") == count
    assert len(load(list_id)["lines"]) == count


def test_annex_ii_removals_and_inferred_dates_carry_their_confidence() -> None:
    groups: dict[tuple[dt.date, dt.date | None, str], int] = {}
    for entry in load("ieepa-annex-ii")["lines"]:
        key = (entry["from"], entry.get("to"), entry.get("confidence", "H"))
        groups[key] = groups.get(key, 0) + 1
    assert groups == {
        (dt.date(2025, 4, 5), None, "H"): 785 + 20,  # EO 14257 Annex II and the 04-11 memo
        (dt.date(2025, 4, 5), None, "M"): 1,  # 8542.90.00, probable
        (dt.date(2025, 9, 8), None, "H"): 39,  # EO 14346 additions
        (dt.date(2025, 4, 5), dt.date(2025, 9, 7), "H"): 8,  # EO 14346 removals
        (dt.date(2025, 4, 5), dt.date(2025, 7, 31), "M"): 76,  # copper, end inferred
        (dt.date(2025, 4, 5), dt.date(2025, 10, 13), "M"): 158,  # wood, secondary sources
        (dt.date(2025, 11, 13), None, "M"): 237,  # EO 14360, derived by diff
    }


@pytest.mark.parametrize("list_id", IDS)
def test_entries_are_dotted_hts_sorted_and_short(list_id: str) -> None:
    doc = load(list_id)
    lines = doc["lines"]
    assert [(e["hts"], e["from"]) for e in lines] == sorted((e["hts"], e["from"]) for e in lines)
    for entry in lines:
        assert isinstance(entry["hts"], str) and HTS_SHAPE.fullmatch(entry["hts"]), entry
        assert set(entry) <= {"hts", "from", "to", "article", "confidence", "note"}, entry
        assert isinstance(entry["from"], dt.date), entry
        assert entry.get("to") is None or entry["from"] <= entry["to"] < min(REGIME_ENDS), entry
        assert ("article" in entry) == (doc["kind"] == "partial"), entry
        assert len(entry.get("note", "")) <= 100, entry
        assert entry.get("confidence", "M") in {"M", "L"}, entry  # H is the list's own


@pytest.mark.parametrize(
    ("list_id", "heading", "kind", "claim", "origins"),
    [
        ("ieepa-annex-ii", "9903.01.32", "exemption", None, "all"),
        ("ieepa-particular-articles", "9903.02.78", "partial", "particular-article", "all"),
        ("japan-civil-aircraft", "9903.96.02", "conditional", "civil-aircraft", ["JP"]),
        ("s122-civil-aircraft", "9903.03.05", "conditional", "civil-aircraft", "all"),
        ("s122-exempt", "9903.03.03", "exemption", None, "all"),
        ("s122-particular-articles", "9903.03.04", "partial", "particular-article", "all"),
    ],
)
def test_list_headers(
    list_id: str, heading: str, kind: str, claim: str | None, origins: Any
) -> None:
    doc = load(list_id)
    assert (doc["schema"], doc["id"], doc["heading"], doc["confidence"]) == (
        1,
        list_id,
        heading,
        "H",
    )
    assert (doc["kind"], doc["claim"], doc["origins"]) == (kind, claim, origins)
    for field in ("label", "authority", "source", "note"):
        assert isinstance(doc[field], str) and doc[field] and "\n" not in doc[field], field
    assert [Path(b["file"]).name for b in doc["built_from"]][-1] == (
        "chapter99_notes_2026_rev_6.txt.gz"
    )
    assert all(re.fullmatch(r"[0-9a-f]{64}", b["sha256"]) for b in doc["built_from"])
