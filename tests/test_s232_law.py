"""Section 232 line by line: worked examples of the 232 lists and the Japan corrections of
section 0, to the cent.

Each case was computed by hand, before running the tool, from shared/facts/us-tariffs-on-japan.md
(section 0 first, then section 2), shared/facts/us-tariffs-by-origin.md (section 0, the rows
u-232-*), the Section 232 data of shared/data (s232/, s232_auto_parts.txt, the metals annex CSV)
as printed in the chapter 99 notes (2026 rev 6), the exemption lists of shared/data/exemptions
and the MFN rate of the official schedule (HTS 2026 rev 10). The arithmetic is in the comment
beside each case. Duty only; $10,000 unless said. `metal` is --metal-value. They run through
`main()` on the imported schedule, so they skip where shared/ is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import Cli


class Case(NamedTuple):
    id: str
    good: str  # an HTS code, or "sector:NAME" for a good given by its sector
    origin: str
    entry_date: str
    duty: str  # the total duty, MFN included
    metal: str | None = None
    claims: tuple[str, ...] = ()
    value: str = "10000.00"
    us: str | None = None  # --us-content
    gap: str | None = None  # what the tool does not encode yet: the case must fail until it does


NA = ("not-auto-part",)
LOW = ("metal-under-15-percent",)
CASES = [
    # --- the one-day 24% (section 0: 2025-04-09, CSMS 64701128); 8457.10.00 MFN 4.2% ---------
    Case("24-before", "8457.10.00", "JP", "2025-04-08", "1420.00"),  # 420 + baseline 10% 1000
    Case("24-day", "8457.10.00", "JP", "2025-04-09", "2820.00"),  # 420 + 24% 2400
    Case("24-after", "8457.10.00", "JP", "2025-04-10", "1420.00"),  # 420 + 10% 1000 again
    # --- US content of 20% or more: the reciprocal duty on the non-US content (9903.01.34) ---
    Case("us-30", "8457.10.00", "JP", "2025-06-01", "1120.00", us="3000"),  # 420 + 10% x 7000
    Case("us-20", "8457.10.00", "JP", "2025-06-01", "1220.00", us="2000"),  # 420 + 10% x 8000
    Case("us-10", "8457.10.00", "JP", "2025-06-01", "1420.00", us="1000"),  # under 20%: 1000
    # 9031.80.80 (Free; first worked on 8457.10.00, a steel derivative from 2025-08-18)
    Case("us-deal", "9031.80.80", "JP", "2025-10-01", "1050.00", us="3000"),  # 15% x 7000
    Case("us-s122", "9031.80.80", "JP", "2026-03-01", "1000.00", us="3000"),  # no such rule
    # --- autos, note 33(b) (from 2025-04-03; Japan 15% incl. from 2025-09-16) ----------------
    Case("car-0402", "8703.23.01", "JP", "2025-04-02", "250.00"),  # MFN 2.5% only, no baseline
    Case("car-0403", "8703.23.01", "JP", "2025-04-03", "2750.00"),  # 250 + 25% 2500
    Case("car-0915", "8703.23.01", "JP", "2025-09-15", "2750.00"),  # deal not retroactive
    Case("car-0916", "8703.23.01", "JP", "2025-09-16", "1500.00"),  # 250 + (15-2.5)% 1250
    # 8704.60.00 (electric truck, MFN 25%) is printed in 33(b), outside the sector's prefixes
    Case("ev-truck-0601", "8704.60.00", "JP", "2025-06-01", "5000.00"),  # 2500 + 25% 2500
    Case("ev-truck-1001", "8704.60.00", "JP", "2025-10-01", "2500.00"),  # MFN 25% >= 15%: +0
    # --- auto parts, note 33(g) (from 2025-05-03); 8708.99.68 listed, MFN 2.5% --------------
    # before 05-03 it is an aluminum derivative (s232_derivative_products.csv, since March):
    # 250 + 25% of the full value (no --metal-value) 2500; the baseline has nothing left.
    # (First worked as 1250, missing that list.)
    Case("part-0502", "8708.99.68", "JP", "2025-05-02", "2750.00"),
    # 250 + 25% x 2000 = 500 + baseline 10% x 8000 = 800 (first added up as 1750)
    Case("part-0502-metal", "8708.99.68", "JP", "2025-05-02", "1550.00", metal="2000"),
    Case("part-0503", "8708.99.68", "JP", "2025-05-03", "2750.00"),  # 250 + 25% 2500
    Case("part-1001", "8708.99.68", "JP", "2025-10-01", "1500.00"),  # 250 + 12.5% 1250
    # 8708.99.81 is not in 33(g): general goods until it joins the steel derivatives on
    # 2025-08-18 (s232_derivative_products.csv; first worked as 1500 and 1250, missing it)
    Case("unlisted-0601", "8708.99.81", "JP", "2025-06-01", "1250.00"),  # 250 + 10% 1000
    Case("unlisted-0817", "8708.99.81", "JP", "2025-08-17", "1500.00"),  # 250 + 12.5% 1250
    Case("unlisted-1001", "8708.99.81", "JP", "2025-10-01", "5250.00"),  # 250 + 50% 5000
    # 250 + 50% x 3000 = 1500 + S122 10% x 7000 = 700
    Case("unlisted-s122", "8708.99.81", "JP", "2026-03-01", "2450.00", metal="3000"),
    # tires 4011.10.10 (MFN 4%), listed outside 8708
    Case("tire-0601", "4011.10.10", "JP", "2025-06-01", "2900.00"),  # 400 + 25% 2500
    Case("tire-1001", "4011.10.10", "JP", "2025-10-01", "1500.00"),  # 400 + (15-4)% 1100
    # 33(g) covers only parts of passenger vehicles (33(h)(ii)): a claim for other goods.
    # 9401.20.00 vehicle seats (Free), also in note 38(i) (MHD parts): parts 15% incl. 1500;
    # not a car part: a truck part, 25% 2500; neither (38(l)): S122 10% 1000 (first worked
    # as 1000 with the one claim, missing 38(i))
    Case("seat-s122", "9401.20.00", "JP", "2026-03-01", "1500.00"),
    Case("seat-truck", "9401.20.00", "JP", "2026-03-01", "2500.00", claims=NA),
    Case("seat-claimed", "9401.20.00", "JP", "2026-03-01", "1000.00", claims=(*NA, "not-mhd-part")),
    # 8471 is in 33(g) and on Annex II (Free). Its description does not name vehicles: an
    # auto part only when claimed (--claim auto-part), then 25%; else nothing (first worked
    # as 2500 by default, before general provisions were read this way)
    Case("laptop-0601", "8471.30.01", "JP", "2025-06-01", "0.00"),
    Case("laptop-part", "8471.30.01", "JP", "2025-06-01", "2500.00", claims=("auto-part",)),
    Case("laptop-claimed", "8471.30.01", "JP", "2025-06-01", "0.00", claims=NA),
    # 8501.52.40 motors (MFN 3.7% = 370): a general provision of 33(g) and of 38(i). No claim:
    # the deal's (15-3.7)% 1130; an auto part: the parts deal rate, the same 1130; an MHD part:
    # 25% 2500, the deal yielding to Section 232
    Case("motor-1115", "8501.52.40", "JP", "2025-11-15", "1500.00"),
    Case("motor-auto", "8501.52.40", "JP", "2025-11-15", "1500.00", claims=("auto-part",)),
    Case("motor-mhd", "8501.52.40", "JP", "2025-11-15", "2870.00", claims=("mhd-part",)),
    # --- medium and heavy vehicles and parts, buses (from 2025-11-01, no Japan rate) --------
    Case("hd-truck-1031", "8704.23.01", "JP", "2025-10-31", "2500.00"),  # MFN 25%, deal +0
    Case("hd-truck-1101", "8704.23.01", "JP", "2025-11-01", "5000.00"),  # 2500 + 25% 2500
    # road tractors 8701.21.00 (MFN 4%): a steel derivative from 2025-08-18 (first worked as
    # 1500, missing it), 400 + 50% 5000; an MHD vehicle from 11-01, not subject to the metals
    # tariff (note 38(a)): 400 + 25% 2500
    Case("tractor-0817", "8701.21.00", "JP", "2025-08-17", "1500.00"),  # 400 + (15-4)% 1100
    Case("tractor-1031", "8701.21.00", "JP", "2025-10-31", "5400.00"),
    Case("tractor-1101", "8701.21.00", "JP", "2025-11-01", "2900.00"),
    # 8708.40.50.00 gear boxes (MFN 2.5%): MHD parts list only
    Case("gearbox-1031", "8708.40.5000", "JP", "2025-10-31", "1500.00"),  # 250 + 1250
    Case("gearbox-1101", "8708.40.5000", "JP", "2025-11-01", "2750.00"),  # 250 + 25% 2500
    # 4011.10.50 (MFN 3.4%) is on both lists: the auto-parts deal rate, (15-3.4)% = 1160
    Case("both-lists", "4011.10.50", "JP", "2025-11-15", "1500.00"),  # 340 + 1160
    # buses 8702.10.61 (MFN 2%): a steel derivative from 2025-08-18 too (first worked as
    # 1500), 200 + 50% 5000; from 11-01 the bus tariff only (note 38(a)): 200 + 10% 1000
    Case("bus-0817", "8702.10.61", "JP", "2025-08-17", "1500.00"),  # 200 + (15-2)% 1300
    Case("bus-1031", "8702.10.61", "JP", "2025-10-31", "5200.00"),
    Case("bus-1101", "8702.10.61", "JP", "2025-11-01", "1200.00"),
    # --- steel and aluminum 2025: ch. 72 full value; ch. 73/76 full value, then from ---------
    # 2025-06-04 on their metal content (section 0), the rest paying the country-wide duty
    Case("plate-0311", "7208.51.00", "JP", "2025-03-11", "0.00"),  # Free; nothing yet
    Case("plate-0312", "7208.51.00", "JP", "2025-03-12", "2500.00"),  # 25% of 10000
    Case("plate-0604", "7208.51.00", "JP", "2025-06-04", "5000.00", metal="6000"),  # 50% full
    # screws 7318.15.80 (MFN 8.5% = 850)
    Case("screw-0501", "7318.15.80", "JP", "2025-05-01", "3350.00", metal="6000"),  # 850+2500
    # 850 + 50% x 6000 = 3000 + baseline 10% x 4000 = 400
    Case("screw-0604", "7318.15.80", "JP", "2025-06-04", "4250.00", metal="6000"),
    # 850 + 3000 + deal (15-8.5)% x 4000 = 260
    Case("screw-0901", "7318.15.80", "JP", "2025-09-01", "4110.00", metal="6000"),
    Case("screw-0901-full", "7318.15.80", "JP", "2025-09-01", "5850.00"),  # 850 + 50% 5000
    # primary aluminum 7601.10.30 (MFN 2.6%): full value even with a metal value, 260 + 5000
    Case("ingot-0701", "7601.10.30", "JP", "2025-07-01", "5260.00", metal="6000"),
    # aluminum windows 7610.10.00 (MFN 5.7% = 570), metal 5000
    Case("window-0501", "7610.10.00", "JP", "2025-05-01", "3070.00", metal="5000"),  # 570+2500
    # 570 + 50% x 5000 = 2500 + baseline 10% x 5000 = 500
    Case("window-0701", "7610.10.00", "JP", "2025-07-01", "3570.00", metal="5000"),
    # steel derivative of the 2025-08-18 inclusions, 8407.90.10 (Free)
    Case("engine-0817", "8407.90.10", "JP", "2025-08-17", "1500.00", metal="4000"),  # deal 15%
    # 50% x 4000 = 2000 + deal 15% x 6000 = 900
    Case("engine-0818", "8407.90.10", "JP", "2025-08-18", "2900.00", metal="4000"),
    # without a metal value the duty falls on the full value (CBP), Annex II aside
    Case("engine-0818-full", "8407.90.10", "JP", "2025-08-18", "5000.00"),
    # aluminum derivative since March 2025, castors 8302.20.00 (MFN 5.7% = 570)
    Case("castor-0311", "8302.20.00", "JP", "2025-03-11", "570.00", metal="3000"),
    # 570 + 25% x 3000 = 750 + baseline 10% x 7000 = 700
    Case("castor-0501", "8302.20.00", "JP", "2025-05-01", "2020.00", metal="3000"),
    # 3004.90.92 medicaments: aluminum derivative from 2025-08-18 and on Annex II (Free):
    # 50% x 200 = 100, the rest exempt; without a metal value 50% of 10000
    Case("medicament-alu", "3004.90.92", "JP", "2025-12-01", "100.00", metal="200"),
    Case("medicament-full", "3004.90.92", "JP", "2025-12-01", "5000.00"),
    # --- copper (from 2025-08-01, content), 7408.11.60 MFN 3% = 300 -------------------------
    Case("wire-0731", "7408.11.60", "JP", "2025-07-31", "300.00", metal="7000"),  # Annex II
    # 300 + 50% x 7000 = 3500 + baseline 10% x 3000 = 300 (off Annex II after 07-31)
    Case("wire-0801", "7408.11.60", "JP", "2025-08-01", "4100.00", metal="7000"),
    Case("wire-0405", "7408.11.60", "JP", "2026-04-05", "5300.00"),  # 300 + 50% of 10000
    # --- metals annexes from 2026-04-06, full value (note 16(c)) ----------------------------
    Case("wire-annex", "7408.11.60", "JP", "2026-04-06", "5300.00", metal="7000"),  # I-A 50%
    Case("plate-annex", "7208.51.00", "JP", "2026-04-06", "5000.00"),  # I-A 50%
    Case("screw-annex", "7318.15.80", "JP", "2026-04-06", "5850.00", metal="6000"),  # 850+5000
    Case("stove-1001", "7321.11.10", "JP", "2025-10-01", "1500.00"),  # 570 + deal 930
    Case("stove-annex", "7321.11.10", "JP", "2026-04-06", "3070.00"),  # I-B 570 + 2500
    Case("castor-annex", "8302.20.00", "JP", "2026-04-06", "3070.00"),  # I-B 570 + 2500
    # outside ch. 72-76, metal under 15% of the weight: not 232; S122 570 + 1000
    Case("castor-light", "8302.20.00", "JP", "2026-04-06", "1570.00", claims=LOW),
    # axial fans 8414.59.6590 (MFN 2.3% = 230), I-B: 230 + 2500; claimed light: FL301
    # 12.5% incl. (12.5-2.3)% = 1020
    Case("fan-annex", "8414.59.6590", "JP", "2026-07-24", "2730.00"),
    Case("fan-light", "8414.59.6590", "JP", "2026-07-24", "1250.00", claims=LOW),
    # Annex III 8479.89.9599 (MFN 2.5% = 250): 15% in all to 2027-12-31, then I-B 25%
    Case("machine-annex-iii", "8479.89.9599", "JP", "2026-04-06", "1500.00"),  # 250 + 1250
    Case("machine-light", "8479.89.9599", "JP", "2026-04-06", "1250.00", claims=LOW),  # S122
    Case("machine-2027", "8479.89.9599", "JP", "2027-12-31", "1500.00"),
    Case("machine-2028", "8479.89.9599", "JP", "2028-01-01", "2750.00"),  # 250 + 25% 2500
    # Japanese civil aircraft articles (note 35(b), 9903.96.02) are out of 9903.82.02 and
    # .04-.17 when claimed; Section 122's civil-aircraft list (9903.03.05) holds them too.
    # 7304.41.30 (Free, I-A) and 7322.90.00 (Free, I-B) are on both lists.
    Case("tube-annex", "7304.41.30", "JP", "2026-05-01", "5000.00"),  # I-A 50%
    Case("tube-aircraft", "7304.41.30", "JP", "2026-05-01", "0.00", claims=("civil-aircraft",)),
    Case("heater-annex", "7322.90.00", "JP", "2026-05-01", "2500.00"),  # I-B 25%
    Case("heater-aircraft", "7322.90.00", "JP", "2026-05-01", "0.00", claims=("civil-aircraft",)),
    # --- semiconductors, note 39 (from 2026-01-15); Annex II and S122 list before ------------
    Case("memory-0114", "8473.30.1140", "JP", "2026-01-14", "0.00"),  # Annex II 8473.30
    Case("memory-0115", "8473.30.1140", "JP", "2026-01-15", "2500.00"),  # 25%
    Case("memory-s122", "8473.30.1140", "JP", "2026-03-01", "2500.00"),  # S122 yields
    Case("cpu-0115", "8471.50.0150", "JP", "2026-01-15", "2500.00", claims=NA),
    # --- wood (from 2025-10-14): lumber +10%; furniture, cabinets 25%, Japan 15% in all ------
    Case("lumber-1013", "4407.11.00", "JP", "2025-10-13", "0.00"),  # Annex II to 10-13
    Case("lumber-1014", "4407.11.00", "JP", "2025-10-14", "1000.00"),  # 10%
    Case("sofa-jp", "9401.61.4011", "JP", "2025-10-14", "1500.00"),  # 15% incl., Free
    # New Zealand's EO 14326 rate, 15% (first worked as the 10% baseline, missing it)
    Case("sofa-nz-1013", "9401.61.4011", "NZ", "2025-10-13", "1500.00"),
    Case("sofa-nz", "9401.61.4011", "NZ", "2026-03-01", "2500.00"),  # 25%, S122 yields
    Case("cabinet-jp", "9403.40.9060", "JP", "2025-10-14", "1500.00"),
    Case("cabinet-nz", "9403.40.9060", "NZ", "2026-03-01", "2500.00"),
    # --- patented pharma (section 0): 2026-09-29, or 2026-07-31 for Annex III companies -----
    # 3004.90.92 Free; before it FL301 12.5% incl. = 1250; Japan 15% incl. = 1500
    Case("pharma-0731", "3004.90.92", "JP", "2026-07-31", "1250.00"),
    Case(
        "pharma-0731-listed",
        "3004.90.92",
        "JP",
        "2026-07-31",
        "1500.00",
        claims=("pharma-annex-iii-company",),
    ),
    Case("pharma-0929", "3004.90.92", "JP", "2026-09-29", "1500.00"),
    Case(
        "pharma-generic",
        "3004.90.92",
        "JP",
        "2026-09-29",
        "1250.00",
        claims=("generic-pharmaceutical",),
    ),
    # --- Annex I-C and drones: their lists are not in the data, by sector (MFN 0%) ----------
    Case("annex-1c-0607", "sector:metals-annex-1c", "JP", "2026-06-07", "1000.00"),  # S122
    Case("annex-1c-0608", "sector:metals-annex-1c", "JP", "2026-06-08", "1500.00"),  # 15%
    Case("drone-0902", "sector:drones", "JP", "2026-09-02", "1250.00"),  # FL301 12.5%
    Case("drone-0903", "sector:drones", "JP", "2026-09-03", "10000.00"),  # 100%
    Case(
        "drone-certified",
        "sector:drones",
        "JP",
        "2026-09-03",
        "1500.00",
        claims=("certified-components",),
    ),
]


def _params() -> list[object]:
    marks = {case.id: pytest.mark.xfail(strict=True, reason=case.gap) for case in CASES if case.gap}
    return [pytest.param(case, id=case.id, marks=marks.get(case.id, ())) for case in CASES]


def _args(case: Case) -> list[str]:
    good = ["--sector", case.good[7:]] if case.good.startswith("sector:") else ["--hts", case.good]
    args = ["duty", *good, "--value", case.value, "--origin", case.origin]
    args += ["--date", case.entry_date, "--scenario", "in-force", "--json"]
    if case.metal is not None:
        args += ["--metal-value", case.metal]
    if case.us is not None:
        args += ["--us-content", case.us]
    for claim in case.claims:
        args += ["--claim", claim]
    return args


@pytest.mark.parametrize("case", _params())
def test_worked_example(
    case: Case, real_schedule: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(real_schedule))
    result = cli(*_args(case))
    assert result.code == 0, result.err
    (scenario,) = json.loads(result.out)["scenarios"]
    assert f"{scenario['duty']:.2f}" == case.duty, scenario["lines"]


def test_the_worked_examples_cover_every_232_list() -> None:
    assert len(CASES) >= 40


def test_batch_rows_with_a_us_content_equal_duty(
    real_schedule: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(real_schedule))
    rows = [
        {"hts": "9031.80.80", "value": 10000, "entry_date": "2025-10-01", "us_content": 3000},
        {"hts": "9031.80.80", "value": 10000, "entry_date": "2025-10-01", "US content": 1000},
        {"hts": "8407.90.10", "value": 10000, "entry_date": "2025-09-01", "metal_value": 4000},
    ]
    lines = "".join(json.dumps(row) + "\n" for row in rows)
    result = cli("batch", "-", "--format", "jsonl", "--scenario", "in-force", stdin=lines.encode())
    assert result.code == 0, result.err
    duties = [json.loads(line)["scenarios"]["in-force"]["duty"] for line in result.out.splitlines()]
    assert duties == [1050.0, 1500.0, 2900.0]  # 15% x 7000; 15% x 10000; 50% x 4000 + 15% x 6000


def test_a_us_content_above_the_value_is_refused(cli: Cli) -> None:
    result = cli("duty", "--sector", "general", "--value", "1000", "--us-content", "1500")
    assert result.code == 1 and "--us-content: expected at most the customs value" in result.err
