"""Loading the rate table: the shipped one is complete, a bad one is refused with its paths."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tariffcalc.errors import RatesError
from tariffcalc.law import ratetable
from tariffcalc.law.domain import RateTable
from tariffcalc.law.ratetable import builtin_path, load_table, parse_table

BUILTIN = builtin_path().read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(RatesError) as caught:
        parse_table(text.encode(), "bad.yaml")
    return caught.value.problems


def test_shipped_table_cites_every_measure(table: RateTable) -> None:
    assert {"mfn", "baseline", "reciprocal", "deal", "in-force"} <= set(table.scenarios)
    assert {"autos", "auto-parts", "steel", "aluminum", "copper", "general"} <= set(table.sectors)
    for measure in table.measures.values():
        assert measure.authority and measure.source and measure.confidence in "HML", measure.id


def test_shipped_table_covers_the_facts_sheet_timeline(table: RateTable) -> None:
    expected = {
        "ieepa-baseline",
        "ieepa-japan-24",
        "ieepa-japan-15",
        "s122-surcharge",
        "s301-forced-labor-japan",
        "s232-autos",
        "s232-auto-parts",
        "s232-autos-japan",
        "s232-steel-alu-25",
        "s232-steel-alu-50",
        "s232-copper",
        "s232-trucks",
        "s232-pharma-japan",
        "s232-wood-japan",
        "s232-semiconductors",
        "s232-polysilicon-japan",
    }
    assert expected <= set(table.measures)
    assert any(m.id.startswith("s232-metals-annex") for m in table.measures.values())


def test_unconfirmed_fy2027_mpf_is_recorded_as_such(table: RateTable) -> None:
    fy2027 = next(y for y in table.fees.mpf_years if y.fiscal_year == 2027)
    assert fy2027.minimum is None and fy2027.maximum is None and fy2027.confidence == "L"


def test_unknown_key_names_its_path() -> None:
    text = BUILTIN.replace(
        "    label: Harbor Maintenance Fee", "    label: Harbor Maintenance Fee\n    colour: red"
    )
    assert problems_of(text) == ["fees.hmf.colour: unknown key"]


def test_negative_rate_is_refused_with_the_measure_id() -> None:
    text = BUILTIN.replace("    rate: 24%", "    rate: -24%", 1)
    [problem] = problems_of(text)
    assert problem.startswith(
        "measures[1](ieepa-japan-24).rate: expected a non-negative percentage"
    )


def test_bare_number_rate_is_refused_as_ambiguous() -> None:
    [problem] = problems_of(BUILTIN.replace("    rate: 24%", "    rate: 0.24", 1))
    assert "'15%'" in problem


def test_overlapping_dates_of_one_measure() -> None:
    text = BUILTIN.replace(
        "      - {from: 2025-08-07, to: 2026-02-23}",
        "      - {from: 2025-08-07, to: 2026-02-23}\n      - {from: 2026-01-01, to: null}",
    )
    [problem] = problems_of(text)
    assert problem.startswith(
        "measures[2](ieepa-japan-15).in_force: periods from 2025-08-07 and from 2026-01-01 overlap"
    )


def test_dangling_references_between_measures_and_scenarios() -> None:
    text = BUILTIN.replace(
        "supersedes: [s232-autos, s232-auto-parts]", "supersedes: [s232-autoz, s232-auto-parts]"
    )
    text = text.replace(
        "measures: [ieepa-baseline, s232-autos,", "measures: [ieepa-basline, s232-autos,"
    )
    problems = problems_of(text)
    assert (
        "measures[8](s232-autos-japan).supersedes: 's232-autoz' is not a measure of this table"
        " (did you mean 's232-autos'?)" in problems
    )
    assert (
        "scenarios[1](baseline).measures: 'ieepa-basline' is not a measure of this table"
        " (did you mean 'ieepa-baseline'?)" in problems
    )


def test_unknown_sector_and_origin_in_a_measure() -> None:
    text = BUILTIN.replace("    sectors: [autos]\n", "    sectors: [autoz]\n", 1).replace(
        "origins: [JP]", "origins: [XX]", 1
    )
    problems = problems_of(text)
    assert any(
        re.search(r"\.sectors: 'autoz' is not a sector .*did you mean 'autos'", p) for p in problems
    )
    assert any("'XX' is not a ISO 3166 code" in p for p in problems)


def test_yield_cycle_is_refused() -> None:
    text = BUILTIN.replace(
        "    groups: [s232, s232-auto]\n    yields_to: [s232-semis]\n",
        "    groups: [s232, s232-auto]\n    yields_to: [s232-semis, country-wide]\n",
        1,
    )
    assert any("cycle" in p for p in problems_of(text))


def test_hostile_yaml_tag_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'x: !!python/object/apply:os.system ["touch {marker}"]\n'
    [problem] = problems_of(text)
    assert problem.startswith("not valid YAML") and "constructor" in problem
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("schema: 1\nas_of: 2025-02-30\n", "not valid YAML"),
        ("", "expected a mapping"),
    ],
)
def test_malformed_tables(text: str, expected: str) -> None:
    assert problems_of(text)[0].startswith(expected)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RatesError, match="no such file"):
        load_table(tmp_path / "nope.yaml")
    with pytest.raises(RatesError, match="is a directory"):
        load_table(tmp_path)


def counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources parsed from here on: a load from the cache parses nothing."""
    parsed: list[str] = []
    parse = ratetable.parse_table

    def counted(data: bytes, source: str) -> RateTable:
        parsed.append(source)
        return parse(data, source)

    monkeypatch.setattr(ratetable, "parse_table", counted)
    return parsed


def test_cache_returns_the_same_table_and_notices_edits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text(BUILTIN, encoding="utf-8")
    parsed = counting_parses(monkeypatch)
    fresh = load_table(path)
    assert load_table(path) == fresh
    assert parsed == [str(path)]  # the second load came from the cache
    path.write_text(BUILTIN.replace("rate: 24%", "rate: 34.5%"), encoding="utf-8")
    edited = load_table(path)
    assert edited.measures["ieepa-japan-24"].rate == Decimal("0.345")
    path.write_text("not: [valid", encoding="utf-8")
    with pytest.raises(RatesError):
        load_table(path)
    assert len(parsed) == 3


def test_cache_can_be_disabled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("TARIFFCALC_CACHE_DIR", "")
    parsed = counting_parses(monkeypatch)
    assert load_table() == load_table()
    assert len(parsed) == 2 and not home.exists()
    monkeypatch.setenv("TARIFFCALC_CACHE_DIR", str(tmp_path / "c"))
    assert load_table() == load_table()
    assert len(parsed) == 3 and list((tmp_path / "c").glob("table-*.pickle"))
