"""The full schedule: import (JSON, CSV, gzip), lookup, search, rate texts, and duty --hts."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REAL, SHARED, Cli
from tariffcalc.errors import InputError
from tariffcalc.inputs.schedule import (
    CSV_HEADER,
    ImportReport,
    Schedule,
    ScheduleError,
    import_schedule,
    open_schedule,
)
from tariffcalc.inputs.shipment import make_shipment
from tariffcalc.law.domain import RateTable
from tariffcalc.law.engine import assess
from tariffcalc.law.ratetext import RateTextError, parse_rate

D = Decimal

# A small schedule in the USITC JSON export's shape: headings without codes,
# 8-digit rate lines, 10-digit statistical suffixes that inherit their rate.
ROWS = [
    {
        "htsno": "0207",
        "indent": "0",
        "description": "Meat and edible offal of poultry:",
        "general": "",
        "units": [],
    },
    {"htsno": "", "indent": "1", "description": "Of chickens:", "general": "", "units": []},
    {
        "htsno": "0207.14.00",
        "indent": "2",
        "description": "Cuts and offal, frozen",
        "general": "17.6¢/kg",
        "special": "Free (A+,AU,KR,S)",
        "other": "22¢/kg",
        "units": [],
    },
    {
        "htsno": "0207.14.00.20",
        "indent": "3",
        "description": "Wings",
        "general": "",
        "units": ["kg"],
    },
    {
        "htsno": "0402.99.90.00",
        "indent": "2",
        "description": "Milk, other",
        "general": "46.3¢/kg + 14.9%",
        "units": ["kg"],
    },
    {
        "htsno": "7606",
        "indent": "0",
        "description": "Aluminum plates, sheets and strip:",
        "general": "",
        "units": [],
    },
    {
        "htsno": "7606.12.60.00",
        "indent": "1",
        "description": "Clad",
        "general": "6.5%",
        "units": ["kg"],
    },
    {"htsno": "8703", "indent": "0", "description": "Motor cars:", "general": "", "units": []},
    {
        "htsno": "8703.23.01",
        "indent": "1",
        "description": "Of a cylinder capacity over 1,500 cc",
        "general": "2.5%",
        "special": "Free (KR)",
        "other": "10%",
        "units": [],
    },
    {
        "htsno": "8703.23.01.10",
        "indent": "2",
        "description": "Sedans",
        "general": "",
        "units": ["No."],
    },
    {
        "htsno": "9903.01.25",
        "indent": "1",
        "description": "Reciprocal baseline",
        "general": "The duty provided in the applicable subheading + 10%",
        "units": [],
    },
]


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def schedule(data_dir: Path) -> Schedule:
    import_schedule(json.dumps(ROWS).encode(), "hts_2026_rev_10.json")
    found = open_schedule()
    assert found is not None
    return found


# --- rate texts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shape", "terms"),
    [
        ("Free", "free", []),
        ("Free, under bond, as prescribed in U.S. note 1", "free", []),
        ("2.5%", "terms", ["2.5%"]),
        ("2.4¢/kg", "terms", ["$0.024/kg"]),
        ("$1.035/kg", "terms", ["$1.035/kg"]),
        ("2.4¢/kg + 5%", "terms", ["$0.024/kg", "5%"]),
        ("5¢ each + 3%", "terms", ["$0.05/each", "3%"]),
        ("7.5¢/doz. + 6%", "terms", ["$0.075/doz.", "6%"]),
        ("1.4¢/kg on drained weight", "terms", ["$0.014/kg on drained weight"]),
        (
            "51¢ each + 6.25% on the case + 5.3% on the battery",
            "terms",
            ["$0.51/each", "6.25% on the case", "5.3% on the battery"],
        ),
        ("The duty provided in the applicable subheading + 25%", "reference", ["25%"]),
        ("See additional U.S. note 3", "reference", []),
        ("No change", "reference", []),
        ("35.4¢/kg less 0.020668¢/kg for each degree under 100 degrees", "formula", []),
    ],
)
def test_rate_texts(text: str, shape: str, terms: list[str]) -> None:
    rate = parse_rate(text)
    assert rate.shape == shape
    assert [t.describe() for t in rate.terms] == terms


def test_compound_rate_parts() -> None:
    rate = parse_rate("46.3¢/kg + 14.9%")
    assert rate.ad_valorem == D("0.149") and rate.computable
    assert [(t.amount, t.unit) for t in rate.specific] == [(D("0.463"), "kg")]
    assert not parse_rate("6% on the case").computable


@pytest.mark.parametrize("text", ["", "about 5", "5 dollars", "2.4¢/kg + something"])
def test_unreadable_rate_texts(text: str) -> None:
    with pytest.raises(RateTextError):
        parse_rate(text)


# --- import and lookup -------------------------------------------------------------------


def test_import_records_the_revision_and_counts(data_dir: Path) -> None:
    report = import_schedule(json.dumps(ROWS).encode(), "some/dir/hts_2026_rev_10.json")
    assert (report.revision, report.rows, report.lines, report.unparsed) == (
        "2026 revision 10",
        11,
        10,
        [],
    )
    assert report.path == data_dir / "hts.sqlite3"


def test_gzip_and_csv_exports_give_the_same_schedule(data_dir: Path, tmp_path: Path) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in ROWS:
        writer.writerow(
            [
                row["htsno"],
                row["indent"],
                row["description"],
                json.dumps(row["units"]),
                row["general"],
                row.get("special", ""),
                row.get("other", ""),
                "",
                "",
            ]
        )
    import_schedule(buffer.getvalue().encode(), "export.csv", revision="my rev")
    from_csv = open_schedule()
    assert from_csv is not None and from_csv.revision == "my rev"
    csv_line = from_csv.line("87032301")
    import_schedule(gzip.compress(json.dumps(ROWS).encode()), "x.json.gz")
    from_json = open_schedule()
    assert from_json is not None and from_json.line("87032301") == csv_line


def test_lookup_inherits_rates_and_names_the_parents(schedule: Schedule) -> None:
    wings = schedule.line("0207140020")
    assert wings is not None
    assert (wings.general, wings.rate_from, wings.units) == ("17.6¢/kg", "02071400", ("kg",))
    assert (wings.special, wings.other) == ("Free (A+,AU,KR,S)", "22¢/kg")  # the claims' rates
    assert wings.parents == (
        "Meat and edible offal of poultry:",
        "Of chickens:",
        "Cuts and offal, frozen",
    )
    # An 8-digit code whose rate sits on its only 10-digit line.
    clad = schedule.rate_line("76061260")
    assert clad is not None and clad.general == "6.5%"
    assert schedule.rate_line("8703") is None  # a heading has no rate
    assert schedule.closest("8703230199")[:2] == ["87032301", "8703230110"]


def test_search_finds_lines_by_their_and_their_parents_words(schedule: Schedule) -> None:
    assert [line.code for line in schedule.search("chickens wings")] == ["0207140020"]
    assert "87032301" in [line.code for line in schedule.search("motor cars")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[1, 2]", "row 1: expected an object"),
        (b"not json", "expected the USITC JSON export or a CSV with the header"),
        (b"\x1f\x8bbroken", "not a valid gzip file"),
        (
            json.dumps([{"htsno": "87x", "indent": "0", "description": "x"}]).encode(),
            "htsno: expected 4 to 10 digits",
        ),
        (b"[]", "no HTS lines found"),
        (
            (",".join(CSV_HEADER) + "\n8703,0,Cars,kg,,,,,\n").encode(),
            r"line 2: units: expected a JSON array",
        ),
        (
            (",".join(CSV_HEADER) + '\n8703,0,Cars,"{""a"": 1}",,,,,\n').encode(),
            r"line 2: units: expected a JSON array",
        ),
    ],
)
def test_bad_exports_are_refused_and_leave_the_old_index(
    schedule: Schedule, data: bytes, message: str
) -> None:
    with pytest.raises(ScheduleError, match=message):
        import_schedule(data, "bad.json")
    still = open_schedule()
    assert still is not None and still.line("87032301") is not None


# --- duty with the schedule -------------------------------------------------------------------


def test_duty_uses_the_imported_schedule_and_says_so(cli: Cli, schedule: Schedule) -> None:
    document = json.loads(
        cli(
            "duty", "--hts", "8703.23.01.10", "--value", "30000", "--date", "2025-10-01", "--json"
        ).out
    )
    assert document["shipment"]["hts_source"] == "the imported USITC schedule, 2026 revision 10"
    assert document["shipment"]["sector"] == "autos"
    assert document["scenarios"][-1]["duty"] == 4500.0


def test_duty_uses_the_curated_lines_without_a_schedule(cli: Cli, data_dir: Path) -> None:
    document = json.loads(cli("duty", "--hts", "8703.23.01", "--value", "30000", "--json").out)
    assert document["shipment"]["hts_source"].startswith("the rate table's curated lines")


def test_specific_rate_needs_a_quantity(table: RateTable, schedule: Schedule) -> None:
    shipment = make_shipment(
        table, hts="0207.14.00.20", value="10000", entry_date="2025-10-01", schedule=schedule
    )
    result = assess(table, shipment, "in-force")
    assert result.lines[0].amount == D("0.00")
    assert any(
        "specific part $0.176/kg not computed: give --quantity and --unit kg" in w
        for w in result.warnings
    )
    # 2 t = 2,000 kg x 17.6¢ = $352: an ad valorem equivalent of 3.52%,
    # so the 15% inclusive rate adds 11.48%.
    weighed = make_shipment(
        table,
        hts="0207.14.00.20",
        value="10000",
        entry_date="2025-10-01",
        quantity="2",
        unit="t",
        schedule=schedule,
    )
    result = assess(table, weighed, "in-force")
    assert [(line.measure, line.rate, line.amount) for line in result.lines] == [
        ("mfn", D("0.0352"), D("352.00")),
        ("ieepa-japan-15", D("0.1148"), D("1148.00")),
    ]
    assert result.warnings == ()


def test_compound_rate_with_quantity(table: RateTable, schedule: Schedule) -> None:
    shipment = make_shipment(
        table,
        hts="0402.99.90.00",
        value="10000",
        entry_date="2025-01-01",
        quantity="1000",
        unit="kg",
        schedule=schedule,
    )
    # 46.3¢ x 1,000 kg + 14.9% x $10,000
    assert assess(table, shipment, "in-force").lines[0].amount == D("1953.00")


def test_unknown_codes_suggest_close_ones(table: RateTable, schedule: Schedule) -> None:
    with pytest.raises(InputError, match=r"is not in the schedule .*close: 8703.23.01"):
        make_shipment(table, hts="8703.23.99", value="1", schedule=schedule)
    with pytest.raises(InputError, match="has no rate of its own"):
        make_shipment(table, hts="8703", value="1", schedule=schedule)


def test_unknown_unit(table: RateTable) -> None:
    with pytest.raises(InputError, match="unit: expected a unit of quantity"):
        make_shipment(table, sector="general", value="1", quantity="1", unit="bushel")


def test_hts_commands(cli: Cli, schedule: Schedule) -> None:
    heading = json.loads(cli("hts", "lookup", "8703", "--json").out)
    assert heading["children"] == ["8703.23.01", "8703.23.01.10"]
    no_row = json.loads(cli("hts", "lookup", "870323", "--json").out)  # listed, though not a row
    assert [x["hts"] for x in no_row["lines"]] == ["8703.23.01", "8703.23.01.10"]
    line = json.loads(cli("hts", "lookup", "8703.23.01", "--date", "2025-10-01", "--json").out)
    assert (line["general"], line["special"], line["column_2"], line["sector"]) == (
        "2.5%",
        "Free (KR)",
        "10%",
        "autos",
    )
    assert [m["measure"] for m in line["measures"]["applied"]] == ["s232-autos-japan"]
    found = json.loads(cli("hts", "search", "wings", "--json").out)
    assert [x["hts"] for x in found["lines"]] == ["0207.14.00.20"]
    status = json.loads(cli("hts", "status", "--json").out)
    assert status["active"] == "imported" and status["revision"] == "2026 revision 10"
    missing = cli("hts", "lookup", "9999.99")
    assert missing.code == 1 and "not in the schedule" in missing.err


def test_hts_commands_without_a_schedule(cli: Cli, data_dir: Path) -> None:
    result = cli("hts", "lookup", "8703.23.01")
    assert result.code == 1 and "no schedule imported yet" in result.err
    assert json.loads(cli("hts", "status", "--json").out)["active"] == "curated"
    assert cli("hts", "import", str(data_dir / "nope.json")).code == 1


# --- the real schedule ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportReport, Schedule]:
    if not REAL.is_file():
        pytest.skip(f"{REAL} is not here")
    destination = tmp_path_factory.mktemp("real") / "hts.sqlite3"
    report = import_schedule(REAL.read_bytes(), str(REAL), destination=destination)
    return report, Schedule(destination)


def test_every_rate_text_of_the_real_schedule_parses(real: tuple[ImportReport, Schedule]) -> None:
    report, _ = real
    assert report.rows == 35509
    assert report.unparsed == [], (
        f"{len(report.unparsed)} rate texts not understood: {report.unparsed[:20]}"
    )


@pytest.mark.parametrize(
    ("code", "general"),
    [
        ("8703.23.01", "2.5%"),
        ("8704.21.01", "25%"),
        ("7606.12.60", "6.5%"),
        ("8501.52.40", "3.7%"),
        ("0101.21.00", "Free"),
        ("0901.21.00.20", "Free"),
    ],
)
def test_real_spot_checks(real: tuple[ImportReport, Schedule], code: str, general: str) -> None:
    _, schedule = real
    line = schedule.rate_line(code.replace(".", ""))
    assert line is not None and line.general == general


def test_real_auto_parts_of_heading_8708_classify_as_auto_parts(table: RateTable) -> None:
    parts = SHARED / "data" / "s232_auto_parts.txt"
    if not parts.is_file():
        pytest.skip(f"{parts} is not here")
    from tariffcalc.law.hts import sector_of

    codes = [c.strip() for c in parts.read_text().split() if c.strip()]
    in_8708 = [c for c in codes if c.startswith("8708")]
    assert in_8708 and all(sector_of(table, c) == "auto-parts" for c in in_8708)
