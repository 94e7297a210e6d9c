"""batch: layouts, formats, bad rows, atomic output, formula neutralisation, totals, and
a property: every batch row equals `duty --json` for the same inputs, to the cent."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffcalc.inputs.records import InputRow
from tariffcalc.inputs.shipment import make_shipment
from tariffcalc.law.domain import RateTable
from tariffcalc.law.engine import assess_all
from tariffcalc.studies.batch import Defaults, ScoredRow, Scorer

D = Decimal

FLEXPORT = """SKU,US HTS Code,Value USD,Origin Country,Entry Date,Notes
A1,8703.23.01,30000,JP,2025-10-01,=HYPERLINK("http://x")
A2,8703230100,30000,DE,2025-10-01,ok
A3,901210020,500,BR,2026-03-15,lost its zero
A4,7606.12.60,10000,JP,2026-05-01,-5
A5,8703.23.01,abc,JP,2025-10-01,+cmd
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flex.csv").write_text(FLEXPORT)
    return tmp_path


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_flexport_layout(cli: Any, files: Path) -> None:
    result = cli("batch", "flex.csv", "--scenario", "in-force", "--scenario", "mfn")
    assert result.code == 3  # some rows rejected, the rest written
    rows = rows_of(result.out)
    assert [r["SKU"] for r in rows] == ["A1", "A2", "A4"]  # input order, bad rows left out
    assert [r["in-force_duty"] for r in rows] == ["4500.00", "4500.00", "5650.00"]  # DE: EU 15%
    assert [r["classified_sector"] for r in rows] == ["autos", "autos", "aluminum"]
    assert (
        rows[0]["in-force_landed_cost"] == "34641.42"
        and rows[0]["mfn_effective_rate"] == "0.025000"
    )
    assert (
        "line 4 (A3): hts: '901210020' has 9 digits: a leading zero was probably lost" in result.err
    )
    assert "(did you mean 0901.21.00.20?)" in result.err
    assert "line 6 (A5): value: expected a number" in result.err


def test_formulas_from_the_input_are_neutralised(cli: Any, files: Path) -> None:
    rows = rows_of(cli("batch", "flex.csv", "-s", "mfn").out)
    notes = {r["SKU"]: r["Notes"] for r in rows}
    assert notes["A1"] == '\'=HYPERLINK("http://x")'
    assert notes["A4"] == "-5"  # a number stays a number


def test_errors_file_and_summary_file(cli: Any, files: Path) -> None:
    result = cli(
        "batch", "flex.csv", "-o", "out.csv", "--errors", "err.csv", "--summary", "sum.json"
    )
    assert result.code == 3 and result.out == ""
    errors = rows_of((files / "err.csv").read_text())
    assert [(e["line"], e["id"], e["field"]) for e in errors] == [
        ("4", "A3", "hts"),
        ("6", "A5", "value"),
    ]
    summary = json.loads((files / "sum.json").read_text())
    assert (summary["rows_read"], summary["rows_scored"], summary["rows_rejected"]) == (5, 3, 2)
    in_force = summary["scenarios"]["in-force"]
    assert in_force == {
        "customs_value": 70000.0,
        "duty": 14650.0,  # the German car pays the EU's 15% all-in: 4500, not 8250
        "effective_rate": 0.209286,
        "landed_cost": 70000 + 14650 + 141.42 * 2 + 47.14,
    }
    assert summary["by_origin"]["DE"]["scenarios"]["in-force"] == {
        "duty": 4500.0,
        "effective_rate": 0.15,
    }
    assert summary["by_sector"]["autos"]["customs_value"] == 60000.0


def test_strict_writes_nothing_when_a_row_is_bad(cli: Any, files: Path) -> None:
    result = cli("batch", "flex.csv", "--strict", "-o", "out.csv")
    assert result.code == 1 and "--strict: 2 of 5 rows rejected; nothing written" in result.err
    assert not (files / "out.csv").exists()
    to_stdout = cli("batch", "flex.csv", "--strict")
    assert to_stdout.code == 1 and to_stdout.out == ""
    assert list(files.iterdir()) == [files / "flex.csv"]  # no temporary left behind


def test_strict_passes_good_files_through(cli: Any, files: Path) -> None:
    (files / "good.csv").write_text("id,sector,value,entry_date\n1,autos,30000,2025-10-01\n")
    result = cli("batch", "good.csv", "--strict", "-s", "in-force")
    assert result.code == 0 and rows_of(result.out)[0]["in-force_duty"] == "4500.00"


def test_an_interrupted_run_leaves_the_old_output_and_no_temporary(
    cli: Any, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tariffcalc.studies import batch

    (files / "out.csv").write_text("precious")
    (files / "many.csv").write_text("sector,value\n" + "autos,100\n" * 50)
    scored = batch.Scorer.score
    calls = []

    def interrupted(self: batch.Scorer, row: InputRow) -> Any:
        calls.append(row)
        if len(calls) == 20:
            raise KeyboardInterrupt
        return scored(self, row)

    monkeypatch.setattr(batch.Scorer, "score", interrupted)
    result = cli("batch", "many.csv", "-o", "out.csv", "--errors", "err.csv", "--engine", "rows")
    assert result.code == 130
    assert (files / "out.csv").read_text() == "precious"
    assert sorted(p.name for p in files.iterdir()) == ["flex.csv", "many.csv", "out.csv"]
    assert (files / "many.csv").read_text().count("autos") == 50  # the input is untouched


def test_jsonl_from_stdin_to_stdout(cli: Any, files: Path) -> None:
    car = {"sku": "x1", "hts": "8703.23.01", "value": 30000, "entry_date": "2025-10-01"}
    steel = {
        "sku": "x2",
        "sector": "steel",
        "value": "10000",
        "metal_value": 4000,
        "mfn": 2,
        "entry_date": "2025-10-01",
        "extra": {"kept": True},
    }
    lines = json.dumps(car) + "\n" + json.dumps(steel) + "\n"
    result = cli("batch", "-", "--format", "jsonl", stdin=lines.encode())
    assert result.code == 0, result.err
    first, second = (json.loads(line) for line in result.out.splitlines())
    assert first["sku"] == "x1" and first["scenarios"]["in-force"]["duty"] == 4500.0
    assert (
        second["scenarios"]["in-force"]["duty"] == 2980.0
    )  # 200 MFN + 780 on non-metal + 2,000 on metal
    assert second["extra"] == {"kept": True} and second["line"] == 2  # passed through untouched
    assert second["value"] == "10000" and first["value"] == 30000


def test_tab_separated_with_defaults_from_options(cli: Any, files: Path) -> None:
    (files / "tabs.tsv").write_text("Item\tValue\n1\t10000\n")
    result = cli(
        "batch",
        "tabs.tsv",
        "--sector",
        "general",
        "--mfn",
        "2",
        "--origin",
        "DE",
        "--date",
        "2025-10-01",
        "-s",
        "in-force",
    )
    assert rows_of(result.out)[0]["in-force_duty"] == "1500.00"  # the EU's 15% all-in


def test_a_file_without_a_value_column(cli: Any, files: Path) -> None:
    (files / "novalue.csv").write_text("sku,hts\n1,8703.23.01\n")
    result = cli("batch", "novalue.csv")
    assert result.code == 1 and "no value column" in result.err and result.out == ""


def test_a_batch_run_from_python_writes_what_the_command_writes(
    cli: Any, files: Path, table: RateTable
) -> None:
    from tariffcalc.inputs.records import read_records
    from tariffcalc.output.rows import BatchTargets, write_batch
    from tariffcalc.studies.batch import row_defaults

    scorer = Scorer(table, ["in-force", "mfn"], row_defaults())
    targets = BatchTargets(output="scored.csv", errors="rejected.csv", summary="summary.json")
    with (files / "flex.csv").open(encoding="utf-8", newline="") as source:
        layout, records = read_records(source, "flex.csv")
        summary = write_batch(layout, records, scorer, targets)
    assert (summary.read, summary.scored, summary.rejected) == (5, 3, 2)
    command = cli("batch", "flex.csv", "-s", "in-force", "-s", "mfn")
    assert (files / "scored.csv").read_text() == command.out
    assert [e["id"] for e in rows_of((files / "rejected.csv").read_text())] == ["A3", "A5"]
    assert json.loads((files / "summary.json").read_text())["rows_scored"] == 3


# --- the property --------------------------------------------------------------------------

SECTORS = ["autos", "auto-parts", "steel", "aluminum", "copper", "general", "trucks", "pharma"]


@st.composite
def shipments(draw: Any) -> dict[str, str]:
    sector = draw(st.sampled_from(SECTORS))
    value = D(draw(st.integers(min_value=1, max_value=2_000_000_00))) / 100
    row = {
        "sector": sector,
        "value": str(value),
        "origin": draw(st.sampled_from(["JP", "DE", "GB", "KR"])),
        "entry_date": draw(
            st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))
        ).isoformat(),
        "mfn": str(D(draw(st.integers(min_value=0, max_value=3000))) / 100),
        "freight": str(D(draw(st.integers(min_value=0, max_value=500000))) / 100),
        "mode": draw(st.sampled_from(["ocean", "air"])),
    }
    if sector in ("steel", "aluminum", "copper") and draw(st.booleans()):
        row["metal_value"] = str(
            (value * D(draw(st.integers(min_value=0, max_value=100))) / 100).quantize(D("0.01"))
        )
    return row


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch_rows=st.lists(shipments(), min_size=1, max_size=4))
def test_every_batch_row_equals_duty_json(cli: Any, batch_rows: list[dict[str, str]]) -> None:
    lines = "".join(json.dumps(row) + "\n" for row in batch_rows)
    result = cli("batch", "-", "--format", "jsonl", stdin=lines.encode())
    assert result.code == 0, result.err
    for row, line in zip(batch_rows, result.out.splitlines(), strict=True):
        scored = json.loads(line)
        args = [
            "duty",
            "--json",
            "--sector",
            row["sector"],
            "--value",
            row["value"],
            "--origin",
            row["origin"],
            "--date",
            row["entry_date"],
            "--mfn",
            row["mfn"],
            "--freight",
            row["freight"],
            "--mode",
            row["mode"],
        ]
        if "metal_value" in row:
            args += ["--metal-value", row["metal_value"]]
        single = json.loads(cli(*args).out)
        for scenario in single["scenarios"]:
            mine = scored["scenarios"][scenario["id"]]
            assert mine["duty"] == scenario["duty"], (row, scenario["id"])
            assert mine["effective_rate"] == scenario["effective_rate"]
            assert mine["fees"] == scenario["fees"]["total"]
            assert mine["landed_cost"] == scenario["landed_cost"]
        assert set(scored["warnings"]) == set(single["warnings"]), row


@pytest.mark.parametrize("value", ["1000", "500000"])  # the informal fee; the formal at its max
def test_a_row_warns_as_duty_does_of_what_is_not_confirmed(table: RateTable, value: str) -> None:
    measure = table.measures["s232-autos-japan"]
    doubtful = measure._replace(confidence="L", note="the deal's text not yet published")
    table = table._replace(measures={**table.measures, doubtful.id: doubtful})
    scorer = Scorer(table, list(table.scenarios), Defaults(sector="autos"))
    fields = {"value": value, "entry_date": "2026-11-02"}  # FY2027: its MPF not confirmed
    scored = scorer.score(InputRow(2, dict(fields), fields))
    assert isinstance(scored, ScoredRow)
    shipment = make_shipment(table, value=value, sector="autos", entry_date="2026-11-02")
    expected = {w for result in assess_all(table, shipment) for w in result.warnings}
    assert set(scored.warnings) == expected
    assert "s232-autos-japan: not confirmed (confidence L): the deal's text not yet published" in (
        expected
    )
    assert any(w.startswith("MPF values for FY2027 not confirmed") for w in expected)


def _change_days(table: RateTable) -> list[date]:
    """The days around each change of the law or of the MPF terms, in a shuffled order."""
    periods = [p for m in table.measures.values() for p in m.in_force]
    periods += [y.period for y in table.fees.mpf_years]
    days = {d for p in periods for d in (p.start, p.end) if d is not None}
    around = sorted({d + timedelta(days=k) for d in days for k in (-1, 0, 1)})
    return around[::2] + around[1::2][::-1]  # later rows meet plans cached on other days


@pytest.mark.parametrize(
    "fields",
    [
        {"sector": "autos", "origin": "JP", "value": "30000"},
        {"sector": "general", "origin": "DE", "value": "1000"},  # the informal MPF
        {"sector": "steel", "origin": "GB", "value": "500000", "metal_value": "200000"},
        {"sector": "aluminum", "origin": "KR", "value": "10000", "metal_value": "10000"},
    ],
)
def test_a_plan_cached_on_another_day_gives_what_the_engine_gives(
    table: RateTable, fields: dict[str, str]
) -> None:
    """Rows of one kind share plans across entry dates; each row still equals `assess_all`."""
    days = _change_days(table)
    scorer = Scorer(table, list(table.scenarios), Defaults())
    for line, day in enumerate(days, 2):
        row = {**fields, "entry_date": day.isoformat()}
        scored = scorer.score(InputRow(line, dict(row), row))
        assert isinstance(scored, ScoredRow), scored
        shipment = make_shipment(
            table,
            value=row["value"],
            sector=row["sector"],
            origin=row["origin"],
            entry_date=row["entry_date"],
            metal_value=row.get("metal_value"),
        )
        results = assess_all(table, shipment)
        assert [tuple(f) for f in scored.figures] == [
            (r.duty, r.effective_rate, r.fees.total, r.landed_cost) for r in results
        ], day
        assert set(scored.warnings) == {w for r in results for w in r.warnings}, day
    assert len(scorer.assessor.plans) < len(days)  # so some rows used another day's plans


def test_worker_processes_give_the_same_output_in_the_same_order(cli: Any, files: Path) -> None:
    lines = ["sku,sector,value,entry_date,notes"]
    for i in range(12_000):  # more than two chunks of 5,000
        value = "oops" if i % 997 == 0 else str(100 + i)
        note = '"two\nlines"' if i % 1000 == 1 else "=1+1"
        lines.append(
            f"S{i},{['autos', 'steel', 'general'][i % 3]},{value},2025-{1 + i % 12:02d}-15,{note}"
        )
    (files / "many.csv").write_text("\n".join(lines) + "\n")
    one = cli("batch", "many.csv", "--jobs", "1", "--errors", "e1.csv", "--summary", "s1.json")
    two = cli("batch", "many.csv", "--jobs", "2", "--errors", "e2.csv", "--summary", "s2.json")
    assert one.code == two.code == 3
    assert one.out == two.out and len(rows_of(one.out)) == 12_000 - 13
    assert (files / "e1.csv").read_text() == (files / "e2.csv").read_text()
    assert json.loads((files / "s1.json").read_text()) == json.loads(
        (files / "s2.json").read_text()
    )
    first, second = rows_of(one.out)[:2]  # S0 was rejected: S1 (a quoted field on two lines), S2
    assert (first["sku"], first["notes"]) == ("S1", "two\nlines")
    assert (second["sku"], second["notes"]) == ("S2", "'=1+1")


def test_worker_processes_and_their_helpers_are_gone_when_batch_exits(files: Path) -> None:
    """No process of the command's group outlives it: not the workers, nor multiprocessing's
    fork server and resource tracker (orphans, and zombies where nothing reaps them)."""
    import subprocess
    import sys
    import time

    lines = "".join(f"S{i},general,{100 + i},2025-10-01\n" for i in range(12_000))
    (files / "many.csv").write_text("sku,sector,value,entry_date\n" + lines)
    tool = Path(sys.executable).with_name("tariffcalc")
    command = [str(tool), "batch", "many.csv", "--jobs", "2", "--engine", "rows", "-o", "x.csv"]
    batch = subprocess.Popen(command, cwd=files, stderr=subprocess.PIPE, start_new_session=True)
    _, error = batch.communicate()
    assert batch.returncode == 0 and b"Traceback" not in error and b"leaked" not in error, error
    time.sleep(0.5)  # an orphan's last moments
    assert _group_members(batch.pid) == []


def _group_members(group: int) -> list[str]:
    """The processes of a process group, from /proc: their states and names."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :]
        fields = rest.split()
        if int(fields[2]) == group:  # state, parent, group
            found.append(f"{fields[0]} {name}")
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parquet_output_keeps_exact_decimals(cli: Any, files: Path, jobs: str) -> None:
    parquet = pytest.importorskip("pyarrow.parquet")
    result = cli(
        "batch", "flex.csv", "-f", "parquet", "-o", "out.parquet", "-s", "in-force", "--jobs", jobs
    )
    assert result.code == 3 and result.out == ""
    rows = parquet.read_table(files / "out.parquet").to_pylist()
    assert [(r["SKU"], r["in-force_duty"]) for r in rows] == [
        ("A1", D("4500.00")),
        ("A2", D("4500.00")),
        ("A4", D("5650.00")),
    ]
    assert cli("batch", "flex.csv", "-f", "parquet").code == 1  # a file is needed
