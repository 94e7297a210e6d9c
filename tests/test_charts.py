"""--plot (issue 14 item 3): timeline, sweep and impact charts, PNG or SVG, through the
optional `plot` extra (matplotlib)."""

from __future__ import annotations

import struct
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Cli
from tariffcalc.law.domain import RateTable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TIMELINE = ("timeline", "--sector", "general", "--mfn", "2", "--value", "10000")
SWEEP = (
    *("sweep", "--sector", "autos", "--value", "30000", "--date", "2025-10-01"),
    *("--measure", "s232-autos", "--from", "0", "--to", "50", "--step", "10"),
)
IMPACT = ("impact", "--flows", "japan-2024", "--date", "2026-01-01")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("command", [TIMELINE, SWEEP, IMPACT], ids=["timeline", "sweep", "impact"])
def test_each_chart_is_a_png_of_800_by_450(cli: Cli, tmp_path: Path, command: tuple[str]) -> None:
    chart = tmp_path / "chart.png"
    result = cli(*command, "--plot", str(chart))
    assert result.code == 0, result.err
    assert png_size(chart) == (800, 450)
    assert f"chart written to {chart}" in result.err
    assert result.out == cli(*command).out  # the table is printed as without --plot


def test_an_svg_chart_is_valid_xml_of_576_by_324_points(cli: Cli, tmp_path: Path) -> None:
    chart = tmp_path / "chart.svg"
    assert cli(*SWEEP, "--plot", str(chart)).code == 0
    root = ET.parse(chart).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("576pt", "324pt")
    again = tmp_path / "again.svg"
    cli(*SWEEP, "--plot", str(again))
    assert chart.read_bytes() == again.read_bytes()  # no date stamped: reproducible


def test_another_suffix_is_refused_before_any_work(cli: Cli, tmp_path: Path) -> None:
    result = cli(*TIMELINE, "--plot", str(tmp_path / "chart.jpg"))
    assert result.code == 2 and result.out == ""  # a usage error, as a bad --format
    assert "'--plot': expected a file ending .png or .svg" in result.err


def test_without_matplotlib_the_message_names_the_extra(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m.startswith("matplotlib")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = cli(*TIMELINE, "--plot", str(tmp_path / "chart.png"))
    assert result.code == 1 and "pip install 'tariffcalc[plot]'" in result.err
    assert not (tmp_path / "chart.png").exists()


def test_the_timeline_steps_of_every_scenario(table: RateTable) -> None:
    from tariffcalc import make_shipment
    from tariffcalc.studies.timeline import history, scenario_steps

    template = make_shipment(table, sector="general", mfn="2", value="10000")
    found = history(table, template, value="10000")
    steps = scenario_steps(table, found)
    # A $10,000 machine from Japan, MFN 2% ($200): before 2025-04-05 MFN only; the 10%
    # baseline ($1,200); the 24% of 2025-04-09 only (facts section 0, $2,600), then 10% again;
    # Japan's 15% inclusive from 2025-08-07 ($1,500); Section 122's 10% from 2026-02-24
    # ($1,200); Section 301's 12.5% inclusive of MFN from 2026-07-24 ($1,250).
    expected = ("200", "1200", "2600", "1200", "1500", "1200", "1250")
    assert steps["in-force"] == [Decimal(v) for v in expected]
    # The hypothetical worlds do not move with the dates: 2% + 24% is $2,600.
    assert set(steps["reciprocal"]) == {Decimal("2600.00")}
    assert set(steps["deal"]) == {Decimal("1500.00")}
    assert set(steps["mfn"]) == {Decimal("200.00")}
