"""The law line by line: worked examples of the dated HTS lists, to the cent.

Each case was computed by hand from shared/facts/us-tariffs-on-japan.md (its section 0), the
dated lists of shared/data/exemptions/ and the official schedule's MFN rate, by someone who
had not seen the code; its arithmetic and sources are in the comment above it. Duty only
(fees are worked elsewhere). They run through `main()` on the imported official schedule
(HTS 2026 rev 10), so they skip where shared/ is absent. The engine-level tests at the end
need no shared data.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import Cli
from tariffcalc.errors import InputError
from tariffcalc.inputs.shipment import claimed
from tariffcalc.law.domain import RateTable, Shipment
from tariffcalc.law.engine import assess, assess_all
from tariffcalc.studies.timeline import boundaries


class Case(NamedTuple):
    id: str
    hts: str
    origin: str
    entry_date: str
    value: str
    quantity: str | None  # "1000 bbl": the specific MFN needs it
    scenario: str
    claims: tuple[str, ...]
    mfn: str  # the MFN line's amount
    duty: str  # the total duty
    gap: str | None = None  # what the tool does not encode yet: the case must fail until it does


CASES = [
    # JP-P1-01 (Medicaments in measured doses, containing antibiotics; confidence H): 0% x
    # 10000.00 = 0.00; baseline 9903.01.25 not due: ieepa_annex_ii.csv row 3004.20.00
    # (2025-04-05..2026-02-23, EO 14257 Annex II); facts JP s1 ieepa-baseline
    Case(
        "JP-P1-01",
        "3004.20.00",
        "JP",
        "2025-05-15",
        "10000.00",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P1-02 (Electronic integrated circuits: processors and controllers; confidence H): 0% x
    # 12345.67 = 0.00; ieepa_annex_ii.csv rows 8542 (memo 2025-04-11, retroactive to 2025-04-05)
    # and 8542.31.00 (EO 14257 Annex II), both 2025-04-05..2026-02-23
    Case(
        "JP-P1-02",
        "8542.31.00",
        "JP",
        "2025-06-02",
        "12345.67",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P1-03 (Portable automatic data processing machines (laptops), <= 10 kg; confidence H): 0%
    # x 23456.78 = 0.00; ieepa_annex_ii.csv row 8471 (memo 2025-04-11, from 2025-04-05). Heading
    # 8471 is on the auto-parts list (note 33(g); s232_auto_parts.txt) but 9903.94.06 covers
    # listed articles that are not vehicle parts (note 33(h)(ii)): a laptop pays no 232 auto-parts
    # duty
    Case(
        "JP-P1-03",
        "8471.30.01",
        "JP",
        "2025-07-01",
        "23456.78",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P1-04 (Crude petroleum oils, testing 25 degrees API or more (1,000 bbl); confidence H):
    # 0.105 USD x 1000 bbl = 105.00; ieepa_annex_ii.csv row 2709.00.20 (2025-04-05..2026-02-23)
    Case(
        "JP-P1-04",
        "2709.00.20",
        "JP",
        "2025-04-15",
        "68432.10",
        "1000 bbl",
        "in-force",
        (),
        "105.00",
        "105.00",
    ),
    # JP-P1-05 (Electronic integrated circuits: processors and controllers; confidence H): The
    # one-day Japan 24% (9903.01.53; facts JP s0 '2025-04-09', conf M) does not reach an Annex II
    # line: 0% x 12345.67 = 0.00. Same result if the day is treated as 10% baseline
    Case(
        "JP-P1-05",
        "8542.31.00",
        "JP",
        "2025-04-09",
        "12345.67",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P1-06 (Epoxide resins, in primary forms; confidence H): 6.1% x 8765.43 = 534.69123 ->
    # 534.69; ieepa_annex_ii.csv row 3907.30.00 (2025-04-05..2025-09-07, removed by EO 14346)
    Case(
        "JP-P1-06",
        "3907.30.00",
        "JP",
        "2025-06-16",
        "8765.43",
        None,
        "in-force",
        (),
        "534.69",
        "534.69",
    ),
    # JP-P2-01 (Medicaments in measured doses, containing antibiotics (bug report case);
    # confidence H): Without Annex II it would be 9903.02.73 (15% total = 1500.00); Annex II row
    # 3004.20.00 (to 2026-02-23) exempts: 0% x 10000.00 = 0.00. Facts JP s0 Annex II, s1 ieepa-
    # japan-15
    Case(
        "JP-P2-01",
        "3004.20.00",
        "JP",
        "2025-12-01",
        "10000.00",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P2-02 (Electronic integrated circuits: processors and controllers; confidence H): 0% x
    # 12345.67 = 0.00; Annex II rows 8542 / 8542.31.00
    Case(
        "JP-P2-02",
        "8542.31.00",
        "JP",
        "2025-10-01",
        "12345.67",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P2-03 (Portable automatic data processing machines (laptops), <= 10 kg; confidence H): 0%
    # x 23456.78 = 0.00; Annex II row 8471. The semiconductor 232 (9903.79.01, from 2026-01-15)
    # covers only 8471.50, 8471.80, 8473.30 articles meeting note 39(b) parameters: not 8471.30
    Case(
        "JP-P2-03",
        "8471.30.01",
        "JP",
        "2026-01-20",
        "23456.78",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P2-04 (Crude petroleum oils, testing 25 degrees API or more (1,000 bbl); confidence H):
    # 0.105 x 1000 = 105.00 (AVE 0.153% < 15% would have put it in 9903.02.73, but Annex II row
    # 2709.00.20 exempts)
    Case(
        "JP-P2-04",
        "2709.00.20",
        "JP",
        "2025-09-02",
        "68432.10",
        "1000 bbl",
        "in-force",
        (),
        "105.00",
        "105.00",
    ),
    # JP-P2-05 (Crude petroleum oils, testing under 25 degrees API (2,000 bbl); confidence H):
    # 0.0525 x 2000 = 105.00; Annex II row 2709.00.10 (2025-04-05..2026-02-23)
    Case(
        "JP-P2-05",
        "2709.00.10",
        "JP",
        "2025-12-15",
        "123456.78",
        "2000 bbl",
        "in-force",
        (),
        "105.00",
        "105.00",
    ),
    # JP-P3-01 (Medicaments in measured doses, containing antibiotics; confidence H): 0% x
    # 10000.00 = 0.00; s122_exempt.csv row 3004.20.00 (2026-02-24..2026-07-23); facts JP s1
    # s122-surcharge
    Case(
        "JP-P3-01",
        "3004.20.00",
        "JP",
        "2026-03-02",
        "10000.00",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P3-02 (Electronic integrated circuits: processors and controllers; confidence H): 0% x
    # 12345.67 = 0.00; s122_exempt.csv row 8542.31.00; no 8542 prefix in
    # s232_metals_annex_2026-04-06.csv or s232_semi_products.csv
    Case(
        "JP-P3-02",
        "8542.31.00",
        "JP",
        "2026-05-01",
        "12345.67",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P3-03 (Portable automatic data processing machines (laptops), <= 10 kg; confidence H): 0%
    # x 23456.78 = 0.00; s122_exempt.csv row 8471.30.01 (date chosen before the 2026-04-06 metals
    # annexes, which list 8471 as I-B aluminium)
    Case(
        "JP-P3-03",
        "8471.30.01",
        "JP",
        "2026-03-10",
        "23456.78",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # JP-P3-04 (Crude petroleum oils, testing 25 degrees API or more (1,000 bbl); confidence H):
    # 0.105 x 1000 = 105.00; s122_exempt.csv row 2709.00.20
    Case(
        "JP-P3-04",
        "2709.00.20",
        "JP",
        "2026-04-01",
        "68432.10",
        "1000 bbl",
        "in-force",
        (),
        "105.00",
        "105.00",
    ),
    # JP-P4-01 (Medicaments in measured doses, containing antibiotics; confidence L): Annex II
    # ended 2026-02-23, S122 list ended 2026-07-23; FL301 Japan 12.5% incl. of MFN (facts JP s1
    # s301-forced-labor-japan): (12.5% - 0%) x 10000.00 = 1250.00. Pharma 232 not before
    # 2026-07-31 (facts JP s0)
    Case(
        "JP-P4-01",
        "3004.20.00",
        "JP",
        "2026-07-24",
        "10000.00",
        None,
        "in-force",
        (),
        "0.00",
        "1250.00",
    ),
    # JP-P4-02 (Electronic integrated circuits: processors and controllers; confidence L): 12.5% x
    # 12345.67 = 1543.20875 -> 1543.21; FL301 Japan 12.5% inclusive (facts JP s1); no 232 for 8542
    # (note 39(b) lists only 8471.50/.80, 8473.30)
    Case(
        "JP-P4-02",
        "8542.31.00",
        "JP",
        "2026-07-24",
        "12345.67",
        None,
        "in-force",
        (),
        "0.00",
        "1543.21",
    ),
    # JP-P4-03 (Portable automatic data processing machines (laptops), <= 10 kg; confidence L):
    # 12.5% x 23456.78 = 2932.0975 -> 2932.10. 8471 is Annex I-B (aluminium) in
    # s232_metals_annex_2026-04-06.csv; below the 15%-by-weight metal test (9903.82.03) it is not
    # 232 and pays FL301. If it met the test: 232 I-B 25% on full value instead, no FL301
    Case(
        "JP-P4-03",
        "8471.30.01",
        "JP",
        "2026-08-03",
        "23456.78",
        None,
        "in-force",
        (),
        "0.00",
        "2932.10",
    ),
    # JP-P4-04 (Crude petroleum oils, testing 25 degrees API or more (1,000 bbl); confidence L):
    # MFN 0.105 x 1000 = 105.00; FL301: 12.5% x 68432.10 = 8554.0125, less 105.00 = 8449.0125 ->
    # 8449.01; total 8554.01 (= 12.5% of value). AVE rule: by-origin sheet conventions
    Case(
        "JP-P4-04",
        "2709.00.20",
        "JP",
        "2026-07-24",
        "68432.10",
        "1000 bbl",
        "in-force",
        (),
        "105.00",
        "8554.01",
    ),
    # B-0908-ADD-a (Nickel sulphate; confidence H): Not yet on Annex II (row 2833.24.00 from
    # 2025-09-08, EO 14346 Annex I): Japan 15% incl.: 3.2% x 15000 = 480.00 + (15-3.2=11.8%) x
    # 15000 = 1770.00 = 2250.00
    Case(
        "B-0908-ADD-a",
        "2833.24.00",
        "JP",
        "2025-09-07",
        "15000.00",
        None,
        "in-force",
        (),
        "480.00",
        "2250.00",
    ),
    # B-0908-ADD-b (Nickel sulphate; confidence H): 3.2% x 15000.00 = 480.00; ieepa_annex_ii.csv
    # row 2833.24.00 effective_from 2025-09-08 (EO 14346, 12:01 a.m. EDT 2025-09-08)
    Case(
        "B-0908-ADD-b",
        "2833.24.00",
        "JP",
        "2025-09-08",
        "15000.00",
        None,
        "in-force",
        (),
        "480.00",
        "480.00",
    ),
    # B-0908-ADD-c (Permanent magnets of metal: sintered neodymium-iron-boron; confidence H):
    # Annex II row 8505.11.0070 only from 2025-09-08: 2.1% x 7777 = 163.317 -> 163.32; 12.9% x
    # 7777 = 1003.233 -> 1003.23; total 1166.55 (= 15% x 7777)
    Case(
        "B-0908-ADD-c",
        "8505.11.00.70",
        "JP",
        "2025-09-07",
        "7777.00",
        None,
        "in-force",
        (),
        "163.32",
        "1166.55",
    ),
    # B-0908-ADD-d (Permanent magnets of metal: sintered neodymium-iron-boron; confidence H): 2.1%
    # x 7777.00 = 163.317 -> 163.32; ieepa_annex_ii.csv row 8505.11.0070 from 2025-09-08 (EO 14346
    # insertion)
    Case(
        "B-0908-ADD-d",
        "8505.11.00.70",
        "JP",
        "2025-09-08",
        "7777.00",
        None,
        "in-force",
        (),
        "163.32",
        "163.32",
    ),
    # B-0908-ADD-e (Permanent magnets of metal: ceramic (not on the list: only .70 is); confidence
    # H): The Annex II row is the 10-digit 8505.11.0070 only; .30 is not covered: 163.32 + 1003.23
    # = 1166.55 (15% x 7777)
    Case(
        "B-0908-ADD-e",
        "8505.11.00.30",
        "JP",
        "2025-09-08",
        "7777.00",
        None,
        "in-force",
        (),
        "163.32",
        "1166.55",
    ),
    # B-0908-REM-a (Epoxide resins, in primary forms; confidence H): 6.1% x 8765.43 = 534.69123 ->
    # 534.69; ieepa_annex_ii.csv row 3907.30.00 effective_to 2025-09-07 (EO 14346 Annex I removal)
    Case(
        "B-0908-REM-a",
        "3907.30.00",
        "JP",
        "2025-09-07",
        "8765.43",
        None,
        "in-force",
        (),
        "534.69",
        "534.69",
    ),
    # B-0908-REM-b (Epoxide resins, in primary forms; confidence H): Removed from Annex II: 534.69
    # + (15-6.1=8.9%) x 8765.43 = 780.12327 -> 780.12; total 1314.81 (= 15% x 8765.43 = 1314.8145)
    Case(
        "B-0908-REM-b",
        "3907.30.00",
        "JP",
        "2025-09-08",
        "8765.43",
        None,
        "in-force",
        (),
        "534.69",
        "1314.81",
    ),
    # B-1113-a (Green tea, flavored, in packings <= 3 kg; confidence M): Annex II row 0902.10.10
    # only from 2025-11-13: 6.4% x 4321.09 = 276.54976 -> 276.55; 8.6% x 4321.09 = 371.61374 ->
    # 371.61; total 648.16 (= 15% x 4321.09 = 648.1635)
    Case(
        "B-1113-a",
        "0902.10.10",
        "JP",
        "2025-11-12",
        "4321.09",
        None,
        "in-force",
        (),
        "276.55",
        "648.16",
    ),
    # B-1113-b (Green tea, flavored, in packings <= 3 kg; confidence H): 6.4% x 4321.09 =
    # 276.54976 -> 276.55; ieepa_annex_ii.csv row 0902.10.10 from 2025-11-13 (EO 14360, 12:01 a.m.
    # EST 2025-11-13)
    Case(
        "B-1113-b",
        "0902.10.10",
        "JP",
        "2025-11-13",
        "4321.09",
        None,
        "in-force",
        (),
        "276.55",
        "276.55",
    ),
    # B-1113-c (Frozen boneless bovine meat, other (over-quota); confidence H): Not yet Annex II;
    # MFN 26.4% >= 15% so Japan heading 9903.02.72 adds 0: 26.4% x 20000 = 5280.00
    Case(
        "B-1113-c",
        "0202.30.80",
        "JP",
        "2025-11-12",
        "20000.00",
        None,
        "in-force",
        (),
        "5280.00",
        "5280.00",
    ),
    # B-1113-d (Frozen boneless bovine meat, other (over-quota); confidence H): 26.4% x 20000 =
    # 5280.00; ieepa_annex_ii.csv row 0202.30.80 from 2025-11-13; same total as the day before
    # (MFN above the 15% cap)
    Case(
        "B-1113-d",
        "0202.30.80",
        "JP",
        "2025-11-13",
        "20000.00",
        None,
        "in-force",
        (),
        "5280.00",
        "5280.00",
    ),
    # B-CU-a (Refined copper wire, max cross-section over 6 mm but not over 9.5 mm; confidence M):
    # 3% x 50000 = 1500.00; ieepa_annex_ii.csv row 7408.11.60 effective_to 2025-07-31 (copper
    # removal, end date inferred)
    Case(
        "B-CU-a",
        "7408.11.60",
        "JP",
        "2025-07-31",
        "50000.00",
        None,
        "in-force",
        (),
        "1500.00",
        "1500.00",
    ),
    # B-CU-b (Refined copper wire, max cross-section over 6 mm but not over 9.5 mm; confidence M):
    # 232 copper from 2025-08-01 on copper content (facts JP s2 s232-copper;
    # s232_copper_products.csv 74081160): 1500.00 + 50% x 50000 = 25000.00; total 26500.00
    Case(
        "B-CU-b",
        "7408.11.60",
        "JP",
        "2025-08-01",
        "50000.00",
        None,
        "in-force",
        (),
        "1500.00",
        "26500.00",
    ),
    # B-WD-a (Pine wood sawn lengthwise (lumber), > 6 mm thick; confidence M): 0% x 30000 = 0.00;
    # ieepa_annex_ii.csv row 4407.11.00 effective_to 2025-10-13 (removed by Proclamation 10976
    # annex)
    Case(
        "B-WD-a", "4407.11.00", "JP", "2025-10-13", "30000.00", None, "in-force", (), "0.00", "0.00"
    ),
    # B-WD-b (Pine wood sawn lengthwise (lumber), > 6 mm thick; confidence H): Softwood lumber 232
    # +10% from 2025-10-14 (note 37(b) lists 4407.11.00; by-origin u-232-softwood): 10% x 30000 =
    # 3000.00; Japan 15% cap 9903.76.21 is only for note 37(d)/(f) furniture/cabinets
    Case(
        "B-WD-b",
        "4407.11.00",
        "JP",
        "2025-10-14",
        "30000.00",
        None,
        "in-force",
        (),
        "0.00",
        "3000.00",
    ),
    # B-WD-c (Plywood of bamboo; confidence M): 8% x 10000 = 800.00; ieepa_annex_ii.csv row
    # 4412.10.05 effective_to 2025-10-13
    Case(
        "B-WD-c",
        "4412.10.05",
        "JP",
        "2025-10-13",
        "10000.00",
        None,
        "in-force",
        (),
        "800.00",
        "800.00",
    ),
    # B-WD-d (Plywood of bamboo (removed from Annex II, but not a note 37 232 wood product);
    # confidence M): Off Annex II from 2025-10-14 and not in note 37(b)/(d)/(f): Japan 15% incl.:
    # 800.00 + (15-8=7%) x 10000 = 700.00 = 1500.00
    Case(
        "B-WD-d",
        "4412.10.05",
        "JP",
        "2025-10-14",
        "10000.00",
        None,
        "in-force",
        (),
        "800.00",
        "1500.00",
    ),
    # B-0224-a (Electronic integrated circuits: processors and controllers; confidence H): 0.00;
    # Annex II effective_to 2026-02-23 = end of IEEPA collection, not a removal
    Case(
        "B-0224-a",
        "8542.31.00",
        "JP",
        "2026-02-23",
        "12345.67",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # B-0224-b (Electronic integrated circuits: processors and controllers; confidence H): IEEPA
    # over; S122 10% not due: s122_exempt.csv row 8542.31.00 from 2026-02-24
    Case(
        "B-0224-b",
        "8542.31.00",
        "JP",
        "2026-02-24",
        "12345.67",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # B-0224-c (Epoxide resins, in primary forms (off Annex II since 2025-09-08); confidence H):
    # Last IEEPA day, Japan 15% incl.: 534.69 + 780.12 = 1314.81
    Case(
        "B-0224-c",
        "3907.30.00",
        "JP",
        "2026-02-23",
        "8765.43",
        None,
        "in-force",
        (),
        "534.69",
        "1314.81",
    ),
    # B-0224-d (Epoxide resins, in primary forms (not on the S122 list); confidence H): S122 10%
    # additional, no Japan cap (facts JP s1 s122-surcharge): 534.69 + 10% x 8765.43 = 876.543 ->
    # 876.54; total 1411.23
    Case(
        "B-0224-d",
        "3907.30.00",
        "JP",
        "2026-02-24",
        "8765.43",
        None,
        "in-force",
        (),
        "534.69",
        "1411.23",
    ),
    # B-0724-a (Medicaments in measured doses, containing antibiotics; confidence H): 0.00;
    # s122_exempt.csv effective_to 2026-07-23 = end of the S122 regime (Proclamation 11012 cl. 7)
    Case(
        "B-0724-a",
        "3004.20.00",
        "JP",
        "2026-07-23",
        "10000.00",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
    ),
    # B-0724-b (Crude petroleum oils, testing 25 degrees API or more (1,000 bbl); confidence H):
    # 0.105 x 1000 = 105.00; compare JP-P4-04 on 2026-07-24
    Case(
        "B-0724-b",
        "2709.00.20",
        "JP",
        "2026-07-23",
        "68432.10",
        "1000 bbl",
        "in-force",
        (),
        "105.00",
        "105.00",
    ),
    # B-0724-c (Epoxide resins, in primary forms (not on the S122 list); confidence H): Last S122
    # day: 534.69 + 876.54 = 1411.23
    Case(
        "B-0724-c",
        "3907.30.00",
        "JP",
        "2026-07-23",
        "8765.43",
        None,
        "in-force",
        (),
        "534.69",
        "1411.23",
    ),
    # B-0724-d (Epoxide resins, in primary forms; confidence M): FL301 Japan 12.5% incl.: 534.69 +
    # (12.5-6.1=6.4%) x 8765.43 = 560.98752 -> 560.99; total 1095.68 (= 12.5% x 8765.43 =
    # 1095.67875)
    Case(
        "B-0724-d",
        "3907.30.00",
        "JP",
        "2026-07-24",
        "8765.43",
        None,
        "in-force",
        (),
        "534.69",
        "1095.68",
    ),
    # S122-a (Medicaments in measured doses, containing antibiotics (on both lists); confidence
    # H): 0.00; ieepa_annex_ii.csv row 3004.20.00
    Case(
        "S122-a", "3004.20.00", "JP", "2026-02-23", "10000.00", None, "in-force", (), "0.00", "0.00"
    ),
    # S122-b (Medicaments in measured doses, containing antibiotics (on both lists); confidence
    # H): 0.00; s122_exempt.csv row 3004.20.00
    Case(
        "S122-b", "3004.20.00", "JP", "2026-02-24", "10000.00", None, "in-force", (), "0.00", "0.00"
    ),
    # S122-c (Printed books, other (not single sheets, not dictionaries/encyclopaedias);
    # confidence H): 0.00; ieepa_annex_ii.csv row 4901.99.00 (2025-04-05..2026-02-23)
    Case(
        "S122-c", "4901.99.00", "JP", "2026-02-23", "5432.10", None, "in-force", (), "0.00", "0.00"
    ),
    # S122-d (Printed books, other; confidence M): Not on s122_exempt.csv (the 16 ch.48/49 lines
    # were dropped), but books are publications: 9903.03.11 (exemption_rules.csv S122 row
    # 9903.03.11, 'replaces the ch.48/49 printed-matter lines'); 0.00. A line-list-only reading
    # would give 10% x 5432.10 = 543.21
    Case(
        "S122-d",
        "4901.99.00",
        "JP",
        "2026-02-24",
        "5432.10",
        None,
        "in-force",
        (),
        "0.00",
        "0.00",
        gap="Section 122's informational-materials rule (9903.03.11, a rule by"
        " article type, not a list) is not encoded (issue 11)",
    ),
    # S122-e (Exercise books; confidence H): 0.00; ieepa_annex_ii.csv row 4820.20.00 (to
    # 2026-02-23)
    Case(
        "S122-e", "4820.20.00", "JP", "2026-02-23", "5432.10", None, "in-force", (), "0.00", "0.00"
    ),
    # S122-f (Exercise books; confidence L): Not on s122_exempt.csv; blank exercise books are
    # stationery, not publications, so 9903.03.11 should not apply: 10% x 5432.10 = 543.21
    Case(
        "S122-f",
        "4820.20.00",
        "JP",
        "2026-02-24",
        "5432.10",
        None,
        "in-force",
        (),
        "0.00",
        "543.21",
    ),
    # AC-a (Parts of gas turbines, other: parts of aircraft gas turbines (stat. .90); confidence
    # H): Claim made but 9903.96.02 starts 2025-09-16, not retroactive
    # (japan_civil_aircraft_9903_96_02.csv row 8411.99.90 from 2025-09-16): 600.00 + 12.6% x 25000
    # = 3150.00 = 3750.00; not on Annex II
    Case(
        "AC-a",
        "8411.99.90",
        "JP",
        "2025-09-15",
        "25000.00",
        None,
        "in-force",
        ("civil-aircraft",),
        "600.00",
        "3750.00",
    ),
    # AC-b (Parts of aircraft gas turbines; confidence H): No claim, Japan 15% incl.: 600.00 +
    # 3150.00 = 3750.00
    Case(
        "AC-b",
        "8411.99.90",
        "JP",
        "2025-09-15",
        "25000.00",
        None,
        "in-force",
        (),
        "600.00",
        "3750.00",
    ),
    # AC-c (Parts of aircraft gas turbines; confidence H): 2.4% x 25000 = 600.00;
    # japan_civil_aircraft_9903_96_02.csv row 8411.99.90 (2025-09-16..2026-02-23), claim made (GN
    # 6 civil aircraft)
    Case(
        "AC-c",
        "8411.99.90",
        "JP",
        "2025-09-16",
        "25000.00",
        None,
        "in-force",
        ("civil-aircraft",),
        "600.00",
        "600.00",
    ),
    # AC-d (Parts of aircraft gas turbines; confidence H): Exemption is conditional on the civil-
    # aircraft claim; without it Japan 15% incl.: 600.00 + 3150.00 = 3750.00
    Case(
        "AC-d",
        "8411.99.90",
        "JP",
        "2025-09-16",
        "25000.00",
        None,
        "in-force",
        (),
        "600.00",
        "3750.00",
    ),
    # AC-e (Parts of aircraft gas turbines; confidence H): 600.00; s122_exempt_conditional.csv row
    # 8411.99.90 (9903.03.05, 2026-02-24..2026-07-23), claim made; not on s122_exempt.csv; date
    # before the 2026-04-06 metals annexes (8411.99.90 not listed there anyway)
    Case(
        "AC-e",
        "8411.99.90",
        "JP",
        "2026-03-16",
        "25000.00",
        None,
        "in-force",
        ("civil-aircraft",),
        "600.00",
        "600.00",
    ),
    # AC-f (Parts of aircraft gas turbines; confidence H): No claim: S122 +10% additional: 600.00
    # + 2500.00 = 3100.00
    Case(
        "AC-f",
        "8411.99.90",
        "JP",
        "2026-03-16",
        "25000.00",
        None,
        "in-force",
        (),
        "600.00",
        "3100.00",
    ),
    # OR-a (Medicaments in measured doses, containing antibiotics; confidence H): EU paid the 10%
    # baseline 2025-04-10..2025-08-06 (by-origin s3 eu-recip-base-b, R-EX); Annex II row
    # 3004.20.00 exempts: 0.00
    Case(
        "OR-a", "3004.20.00", "DE", "2025-06-16", "10000.00", None, "in-force", (), "0.00", "0.00"
    ),
    # OR-b (Electronic integrated circuits: processors and controllers; confidence H): Korea 10%
    # baseline 2025-04-10..2025-08-06 (by-origin s5 kr-recip-base-b); Annex II rows
    # 8542/8542.31.00: 0.00
    Case(
        "OR-b", "8542.31.00", "KR", "2025-05-20", "12345.67", None, "in-force", (), "0.00", "0.00"
    ),
    # OR-c (Portable automatic data processing machines (laptops), <= 10 kg; confidence H): Korea
    # 10% baseline period (kr-recip-base-b); Annex II row 8471; not an auto part (9903.94.06):
    # 0.00
    Case(
        "OR-c", "8471.30.01", "KR", "2025-07-15", "23456.78", None, "in-force", (), "0.00", "0.00"
    ),
    # OR-d (Epoxide resins, in primary forms; confidence H): EU baseline period; still on Annex
    # II: 6.1% x 8765.43 = 534.69123 -> 534.69
    Case(
        "OR-d",
        "3907.30.00",
        "DE",
        "2025-06-16",
        "8765.43",
        None,
        "in-force",
        (),
        "534.69",
        "534.69",
    ),
    # SC-a (Crude petroleum oils, testing 25 degrees API or more (1,000 bbl); confidence H):
    # Baseline scenario (10% + 232): 9903.01.25 excepts headings 9903.01.26-.33; no 232 on crude:
    # 105.00
    Case(
        "SC-a",
        "2709.00.20",
        "JP",
        "2025-12-01",
        "68432.10",
        "1000 bbl",
        "baseline",
        (),
        "105.00",
        "105.00",
    ),
    # SC-b (Medicaments in measured doses, containing antibiotics; confidence H): Reciprocal
    # scenario, Japan 24% (9903.01.53 excepts products of 9903.01.28-.33): 0.00
    Case(
        "SC-b", "3004.20.00", "JP", "2025-12-01", "10000.00", None, "reciprocal", (), "0.00", "0.00"
    ),
    # SC-c (Portable automatic data processing machines (laptops), <= 10 kg; confidence H): Deal
    # scenario, 15% incl. (9903.02.72/.73 except 9903.01.30-.33): 0.00 (would be 15% x 23456.78 =
    # 3518.52 without Annex II)
    Case("SC-c", "8471.30.01", "JP", "2025-12-01", "23456.78", None, "deal", (), "0.00", "0.00"),
]


def _params() -> list[object]:
    marks = {case.id: pytest.mark.xfail(strict=True, reason=case.gap) for case in CASES if case.gap}
    return [pytest.param(case, id=case.id, marks=marks.get(case.id, ())) for case in CASES]


@pytest.mark.parametrize("case", _params())
def test_worked_example(
    case: Case, real_schedule: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(real_schedule))
    args = ["duty", "--hts", case.hts, "--value", case.value, "--origin", case.origin]
    args += ["--date", case.entry_date, "--scenario", case.scenario, "--json"]
    for claim in case.claims:
        args += ["--claim", claim]
    if case.quantity:
        amount, unit = case.quantity.split()
        args += ["--quantity", amount, "--unit", unit]
    result = cli(*args)
    assert result.code == 0, result.err
    (scenario,) = json.loads(result.out)["scenarios"]
    assert f"{scenario['lines'][0]['amount']:.2f}" == case.mfn
    assert f"{scenario['duty']:.2f}" == case.duty, scenario["lines"]


# --- the engine on its own: no shared data needed ---------------------------------------------


def _line(table: RateTable, hts: str, day: str, *claims: str, origin: str = "JP") -> Shipment:
    """A shipment of an HTS line as the schedule would classify it: MFN Free, $10,000."""
    return Shipment(
        customs_value=Decimal("10000.00"),
        origin=origin,
        entry_date=date.fromisoformat(day),
        sector="general",
        mfn_rate=Decimal(0),
        mfn_source="test",
        mfn_is_default=False,
        hts=hts.replace(".", ""),
        claims=claimed(table, claims),
    )


def _exempt(table: RateTable, shipment: Shipment, scenario: str = "in-force") -> dict[str, str]:
    result = assess(table, shipment, scenario)
    return {n.measure: n.detail for n in result.not_applied if n.reason == "exempt"}


def test_an_annex_ii_line_is_exempt_from_the_deal_rate_and_says_which_list(
    table: RateTable,
) -> None:
    shipment = _line(table, "3004.20.00", "2025-12-01")
    assert assess(table, shipment, "in-force").duty == 0
    detail = _exempt(table, shipment)["ieepa-japan-15"]
    assert "Annex II" in detail and "9903.01.32" in detail and "since 2025-04-05" in detail


def test_a_line_removed_from_annex_ii_pays_from_the_day_after(table: RateTable) -> None:
    # 3907.30.00 (epoxide resins) left Annex II by EO 14346: exempt to 2025-09-07 only.
    before = _line(table, "3907.30.00", "2025-09-07")
    after = _line(table, "3907.30.00", "2025-09-08")
    assert assess(table, before, "in-force").duty == 0
    assert assess(table, after, "in-force").duty == Decimal("1500.00")  # 15% inclusive, MFN 0


def test_a_conditional_list_needs_its_claim_and_says_so_without_it(table: RateTable) -> None:
    # 8411.99.90 is on Japan's civil-aircraft list (9903.96.02) from 2025-09-16.
    unclaimed = assess(table, _line(table, "8411.99.90", "2025-09-16"), "in-force")
    assert unclaimed.duty == Decimal("1500.00")
    assert any("--claim civil-aircraft" in note for note in unclaimed.notes)
    claimed_ = _line(table, "8411.99.90", "2025-09-16", "civil-aircraft")
    assert assess(table, claimed_, "in-force").duty == 0
    # Not before the list's first day, claim or not.
    early = _line(table, "8411.99.90", "2025-09-15", "civil-aircraft")
    assert assess(table, early, "in-force").duty == Decimal("1500.00")


def test_a_country_list_does_not_reach_other_origins(table: RateTable) -> None:
    # Japan's civil-aircraft list: a German engine part under the 10% baseline of 2025-06.
    german = _line(table, "8411.99.90", "2025-06-16", "civil-aircraft", origin="DE")
    assert assess(table, german, "in-force").duty == Decimal("1000.00")


def test_hypothetical_scenarios_read_a_list_as_first_published(table: RateTable) -> None:
    # Entered before Annex II existed: the deal scenario still exempts a listed line, the law
    # on that date does not (no reciprocal duty then at all).
    early = _line(table, "3004.20.00", "2025-03-01")
    assert assess(table, early, "deal").duty == 0
    assert "ieepa-japan-15" in _exempt(table, early, "deal")


def test_plans_shared_by_batch_rows_respect_each_line_on_its_date(table: RateTable) -> None:
    from tariffcalc.law.engine import Assessor

    assessor = Assessor(table, list(table.scenarios))
    shipments = [
        _line(table, code, day)
        for code in ("3004.20.00", "3907.30.00", "8411.99.90", "2833.24.00")
        for day in ("2025-09-07", "2025-09-08", "2025-12-01", "2026-03-02")
    ]
    for shipment in shipments:
        figures, _ = assessor.figures(shipment)
        expected = [r.duty for r in assess_all(table, shipment)]
        assert [f.duty for f in figures] == expected, shipment


def test_a_timeline_breaks_where_the_line_joins_or_leaves_a_list(table: RateTable) -> None:
    days = boundaries(table, _line(table, "2833.24.00", "2025-01-01"))
    assert date(2025, 9, 8) in days  # EO 14346 added it to Annex II
    assert date(2025, 9, 8) not in boundaries(table, _line(table, "8703.23.01", "2025-01-01"))


def test_a_claim_must_be_one_a_list_takes(table: RateTable) -> None:
    with pytest.raises(InputError, match=r"unknown claim 'civil-aircrafts'.*did you mean"):
        claimed(table, ["civil-aircrafts"])
    assert claimed(table, [" Civil-Aircraft "]) == {"civil-aircraft"}


def test_every_list_is_loaded_with_its_size_and_heading(table: RateTable) -> None:
    sizes = {name: each.size for name, each in table.lists.items()}
    assert sizes["ieepa-annex-ii"] == 1324 and sizes["s122-exempt"] == 1098
    assert table.lists["japan-civil-aircraft"].heading == "9903.96.02"
    assert table.lists["japan-civil-aircraft"].origins == frozenset({"JP"})


def test_without_a_code_the_output_says_when_the_sectors_lines_could_be_listed(
    table: RateTable,
) -> None:
    from tariffcalc.inputs.shipment import make_shipment

    def notes(sector: str, day: str) -> str:
        shipment = make_shipment(table, sector=sector, value="10000", entry_date=day)
        return " ".join(assess(table, shipment, "in-force").notes)

    assert "sector pharma are on IEEPA reciprocal tariff exemptions (Annex II)" in notes(
        "pharma", "2025-10-01"
    )
    # Copper's semi-finished lines left Annex II after 2025-07-31 (for Section 232 copper).
    assert "Annex II" in notes("copper", "2025-06-01")
    assert "Annex II" not in notes("copper", "2025-10-01")
    # A car is on no list: nothing to say.
    assert "give --hts" not in notes("autos", "2025-10-01")
