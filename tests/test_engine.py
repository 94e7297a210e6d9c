"""Worked examples of the law, to the cent: one per measure and per date boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tariffcalc.inputs.shipment import make_shipment
from tariffcalc.law.domain import Assessment, RateTable
from tariffcalc.law.engine import assess, assess_all


def run(table: RateTable, scenario: str = "in-force", **inputs: object) -> Assessment:
    inputs.setdefault("origin", "JP")
    shipment = make_shipment(table, **inputs)  # type: ignore[arg-type]
    return assess(table, shipment, scenario)


def lines(result: Assessment) -> dict[str, Decimal]:
    return {line.measure: line.amount for line in result.lines}


D = Decimal

# (entry date, expected lines) for a Japanese good, MFN 2%, customs value $10,000.
GENERAL_TIMELINE = [
    ("2025-04-04", {"mfn": D("200.00")}),
    ("2025-04-05", {"mfn": D("200.00"), "ieepa-baseline": D("1000.00")}),
    ("2025-08-06", {"mfn": D("200.00"), "ieepa-baseline": D("1000.00")}),
    ("2025-08-07", {"mfn": D("200.00"), "ieepa-japan-15": D("1300.00")}),
    ("2026-02-23", {"mfn": D("200.00"), "ieepa-japan-15": D("1300.00")}),
    ("2026-02-24", {"mfn": D("200.00"), "s122-surcharge": D("1000.00")}),
    ("2026-07-23", {"mfn": D("200.00"), "s122-surcharge": D("1000.00")}),
    ("2026-07-24", {"mfn": D("200.00"), "s301-forced-labor-japan": D("1050.00")}),
    ("2026-11-21", {"mfn": D("200.00"), "s301-forced-labor-japan": D("1050.00")}),
]


@pytest.mark.parametrize(("day", "expected"), GENERAL_TIMELINE)
def test_country_wide_measures_through_time(
    table: RateTable, day: str, expected: dict[str, Decimal]
) -> None:
    result = run(table, sector="general", mfn="2", value="10000", entry_date=day)
    assert lines(result) == expected
    assert result.duty == sum(expected.values())


@pytest.mark.parametrize(
    ("mfn", "japan_15", "s301"),
    [
        ("0", "1500.00", "1250.00"),
        ("2.5", "1250.00", "1000.00"),
        ("12.5", "250.00", "0.00"),
        ("15", "0.00", "0.00"),
        ("20", "0.00", "0.00"),
    ],
)
def test_inclusive_rates_below_and_above_the_cap(
    table: RateTable, mfn: str, japan_15: str, s301: str
) -> None:
    deal = run(table, sector="general", mfn=mfn, value="10000", entry_date="2025-10-01")
    later = run(table, sector="general", mfn=mfn, value="10000", entry_date="2026-08-01")
    mfn_amount = D(mfn) * 100
    assert lines(deal) == {"mfn": mfn_amount, "ieepa-japan-15": D(japan_15)}
    assert lines(later) == {"mfn": mfn_amount, "s301-forced-labor-japan": D(s301)}
    # Inclusive of MFN: the total is the cap when MFN is below it, else MFN alone.
    assert deal.duty == max(mfn_amount, D("1500.00"))


def test_other_origins_keep_the_universal_baseline(table: RateTable) -> None:
    result = run(
        table, sector="general", mfn="2", value="10000", entry_date="2025-10-01", origin="KE"
    )
    assert lines(result) == {"mfn": D("200.00"), "ieepa-baseline": D("1000.00")}
    assert any("no measure of this table names origin KE" in note for note in result.notes)
    # A German good pays the EU rate: 15% all-in, 2% MFN + 13%.
    german = run(
        table, sector="general", mfn="2", value="10000", entry_date="2025-10-01", origin="DE"
    )
    assert lines(german) == {"mfn": D("200.00"), "eu-recip-15": D("1300.00")}


CAR_TIMELINE = [
    ("2025-04-02", {"mfn": D("750.00")}),
    ("2025-04-03", {"mfn": D("750.00"), "s232-autos": D("7500.00")}),
    ("2025-04-05", {"mfn": D("750.00"), "s232-autos": D("7500.00")}),
    ("2025-09-15", {"mfn": D("750.00"), "s232-autos": D("7500.00")}),
    ("2025-09-16", {"mfn": D("750.00"), "s232-autos-japan": D("3750.00")}),
    ("2026-11-21", {"mfn": D("750.00"), "s232-autos-japan": D("3750.00")}),
]


@pytest.mark.parametrize(("day", "expected"), CAR_TIMELINE)
def test_japanese_car_through_time(
    table: RateTable, day: str, expected: dict[str, Decimal]
) -> None:
    result = run(table, sector="autos", value="30000", entry_date=day)
    assert lines(result) == expected


def test_section_232_exempts_a_car_from_the_country_wide_measures(table: RateTable) -> None:
    result = run(table, sector="autos", value="30000", entry_date="2025-10-01")
    exempt = {n.measure: n for n in result.not_applied if n.reason == "exempt"}
    assert set(exempt) == {"ieepa-japan-15"}
    assert "Section 232" in exempt["ieepa-japan-15"].detail
    superseded = {n.measure for n in result.not_applied if n.reason == "superseded"}
    assert superseded == {"s232-autos", "ieepa-baseline"}


def test_design_example_car_today(table: RateTable) -> None:
    result = run(table, sector="autos", value="30000", entry_date="2026-11-21", mode="truck")
    assert (result.duty, result.effective_rate) == (D("4500.00"), D("0.15"))
    assert (result.fees.mpf, result.fees.hmf, result.landed_cost) == (
        D("103.92"),
        D(0),
        D("34603.92"),
    )


def test_light_truck_pays_its_mfn_only_under_the_japan_auto_rate(table: RateTable) -> None:
    result = run(table, hts="8704.21.01", value="40000", entry_date="2025-10-01")
    assert lines(result) == {"mfn": D("10000.00"), "s232-autos-japan": D("0.00")}
    before = run(table, hts="8704.21.01", value="40000", entry_date="2025-09-15")
    assert lines(before) == {"mfn": D("10000.00"), "s232-autos": D("10000.00")}


def test_german_car_pays_the_eu_auto_rate(table: RateTable) -> None:
    result = run(table, sector="autos", value="30000", entry_date="2025-10-01", origin="Germany")
    assert lines(result) == {"mfn": D("750.00"), "eu-232-autos": D("3750.00")}  # 15% all-in
    before = run(table, sector="autos", value="30000", entry_date="2025-07-31", origin="DE")
    assert lines(before) == {"mfn": D("750.00"), "s232-autos": D("7500.00")}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-05-02", {"mfn": D("250.00"), "ieepa-baseline": D("1000.00")}),
        ("2025-05-03", {"mfn": D("250.00"), "s232-auto-parts": D("2500.00")}),
        ("2025-09-16", {"mfn": D("250.00"), "s232-autos-japan": D("1250.00")}),
    ],
)
def test_auto_parts_boundaries(table: RateTable, day: str, expected: dict[str, Decimal]) -> None:
    assert lines(run(table, sector="auto-parts", value="10000", entry_date=day)) == expected


STEEL_TIMELINE = [
    ("2025-03-11", {"mfn": D("0.00")}),
    ("2025-03-12", {"mfn": D("0.00"), "s232-steel-alu-25": D("2500.00")}),
    ("2025-06-03", {"mfn": D("0.00"), "s232-steel-alu-25": D("2500.00")}),
    ("2025-06-04", {"mfn": D("0.00"), "s232-steel-alu-50": D("5000.00")}),
    ("2026-04-05", {"mfn": D("0.00"), "s232-steel-alu-50": D("5000.00")}),
    ("2026-04-06", {"mfn": D("0.00"), "s232-metals-annex-1a": D("5000.00")}),
]


@pytest.mark.parametrize(("day", "expected"), STEEL_TIMELINE)
def test_steel_article_through_time(
    table: RateTable, day: str, expected: dict[str, Decimal]
) -> None:
    assert lines(run(table, sector="steel", value="10000", entry_date=day)) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Before 2026-04-06 only the metal part is under 232; the rest pays the country-wide rate.
        (
            "2025-05-01",
            {"mfn": D("200.00"), "ieepa-baseline": D("600.00"), "s232-steel-alu-25": D("1000.00")},
        ),
        (
            "2025-10-01",
            {"mfn": D("200.00"), "ieepa-japan-15": D("780.00"), "s232-steel-alu-50": D("2000.00")},
        ),
        (
            "2026-03-01",
            {"mfn": D("200.00"), "s122-surcharge": D("600.00"), "s232-steel-alu-50": D("2000.00")},
        ),
        # From 2026-04-06 the annex regime charges the full value: no country-wide duty.
        ("2026-04-06", {"mfn": D("200.00"), "s232-metals-annex-1b": D("2500.00")}),
    ],
)
def test_steel_derivative_metal_content(
    table: RateTable, day: str, expected: dict[str, Decimal]
) -> None:
    result = run(table, sector="steel", value="10000", metal_value="4000", mfn="2", entry_date=day)
    assert lines(result) == expected
    bases = {line.measure: (line.base_kind, line.base) for line in result.lines}
    if day < "2026-04-06":
        assert bases["s232-steel-alu-25" if day < "2025-06-04" else "s232-steel-alu-50"] == (
            "metal",
            D(4000),
        )
        country_wide = next(m for m in expected if m not in ("mfn",) and not m.startswith("s232"))
        assert bases[country_wide] == ("non_metal", D(6000))


def test_united_kingdom_steel_rates(table: RateTable) -> None:
    mid = run(table, sector="steel", value="10000", entry_date="2025-10-01", origin="GB")
    annex = run(table, sector="aluminum", value="10000", entry_date="2026-05-01", origin="UK")
    assert lines(mid) == {"mfn": D("0.00"), "s232-steel-alu-uk": D("2500.00")}
    assert {n.measure: n.reason for n in mid.not_applied if n.reason != "not-in-force"} == {
        "s232-steel-alu-50": "superseded",
        "ieepa-baseline": "superseded",  # by the UK's own 10% (9903.02.66)
        "gb-recip-p2": "exempt",
    }
    assert lines(annex) == {"mfn": D("0.00"), "s232-metals-annex-1a-uk": D("2500.00")}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-07-31", {"mfn": D("100.00"), "ieepa-baseline": D("1000.00")}),
        ("2025-08-01", {"mfn": D("100.00"), "s232-copper": D("5000.00")}),
        ("2026-04-06", {"mfn": D("100.00"), "s232-metals-annex-1a": D("5000.00")}),
    ],
)
def test_copper_boundaries(table: RateTable, day: str, expected: dict[str, Decimal]) -> None:
    assert lines(run(table, sector="copper", value="10000", entry_date=day)) == expected


@pytest.mark.parametrize(
    ("sector", "day", "expected"),
    [
        ("trucks", "2025-10-31", {"mfn": D("25000.00"), "ieepa-japan-15": D("0.00")}),
        ("trucks", "2025-11-01", {"mfn": D("25000.00"), "s232-trucks": D("25000.00")}),
        ("buses", "2025-11-01", {"mfn": D("2000.00"), "s232-buses": D("10000.00")}),
        ("pharma", "2026-07-30", {"mfn": D("0.00"), "s301-forced-labor-japan": D("12500.00")}),
        # from 2026-09-29 unless the company is on Annex III (facts section 0)
        ("pharma", "2026-07-31", {"mfn": D("0.00"), "s301-forced-labor-japan": D("12500.00")}),
        ("pharma", "2026-09-29", {"mfn": D("0.00"), "s232-pharma-japan": D("15000.00")}),
        ("furniture", "2025-10-13", {"mfn": D("0.00"), "ieepa-japan-15": D("15000.00")}),
        ("furniture", "2025-10-14", {"mfn": D("0.00"), "s232-wood-japan": D("15000.00")}),
        ("semiconductors", "2026-01-14", {"mfn": D("0.00"), "ieepa-japan-15": D("15000.00")}),
        ("semiconductors", "2026-01-15", {"mfn": D("0.00"), "s232-semiconductors": D("25000.00")}),
        ("polysilicon", "2026-12-03", {"mfn": D("0.00"), "s301-forced-labor-japan": D("12500.00")}),
        ("polysilicon", "2026-12-04", {"mfn": D("0.00"), "s232-polysilicon-japan": D("15000.00")}),
        ("civil-aircraft", "2025-09-15", {"mfn": D("0.00"), "ieepa-japan-15": D("15000.00")}),
        (
            "civil-aircraft",
            "2025-09-16",
            {"mfn": D("0.00"), "ieepa-japan-civil-aircraft": D("0.00")},
        ),
    ],
)
def test_other_section_232_sectors(
    table: RateTable, sector: str, day: str, expected: dict[str, Decimal]
) -> None:
    assert lines(run(table, sector=sector, value="100000", entry_date=day)) == expected


def test_patented_drugs_from_elsewhere_pay_100_percent(table: RateTable) -> None:
    # (Switzerland has its own 15% since the origin files; India has none)
    result = run(table, sector="pharma", value="10000", entry_date="2026-09-29", origin="IN")
    assert lines(result) == {"mfn": D("0.00"), "s232-pharma": D("10000.00")}


@pytest.mark.parametrize(
    ("scenario", "car", "machine"),
    [
        ("mfn", {"mfn": D("750.00")}, {"mfn": D("200.00")}),
        (
            "baseline",
            {"mfn": D("750.00"), "s232-autos": D("7500.00")},
            {"mfn": D("200.00"), "ieepa-baseline": D("1000.00")},
        ),
        (
            "reciprocal",
            {"mfn": D("750.00"), "s232-autos": D("7500.00")},
            {"mfn": D("200.00"), "ieepa-japan-24": D("2400.00")},
        ),
        (
            "deal",
            {"mfn": D("750.00"), "s232-autos-japan": D("3750.00")},
            {"mfn": D("200.00"), "ieepa-japan-15": D("1300.00")},
        ),
    ],
)
def test_named_scenarios_ignore_the_date(
    table: RateTable, scenario: str, car: dict[str, Decimal], machine: dict[str, Decimal]
) -> None:
    for day in ("2025-01-01", "2026-11-21"):
        assert lines(run(table, scenario, sector="autos", value="30000", entry_date=day)) == car
        assert (
            lines(run(table, scenario, sector="general", mfn="2", value="10000", entry_date=day))
            == machine
        )


def test_steel_in_the_deal_scenario_pays_50_percent_on_metal(table: RateTable) -> None:
    result = run(table, "deal", sector="steel", value="10000", entry_date="2026-11-21")
    assert lines(result) == {"mfn": D("0.00"), "s232-steel-alu-50": D("5000.00")}


@pytest.mark.parametrize(
    ("value", "day", "mpf", "fiscal_year"),
    [
        ("5000", "2025-06-01", "32.71", 2025),  # 17.32 below the FY2025 minimum
        ("500000", "2025-06-01", "634.62", 2025),  # 1,732.00 above the FY2025 maximum
        ("30000", "2025-06-01", "103.92", 2025),
        ("5000", "2025-10-01", "33.58", 2026),
        ("500000", "2025-10-01", "651.50", 2026),
        ("2500", "2025-10-01", "2.69", 2026),  # informal entry, flat fee
        ("2500.01", "2025-10-01", "33.58", 2026),
    ],
)
def test_merchandise_processing_fee(
    table: RateTable, value: str, day: str, mpf: str, fiscal_year: int
) -> None:
    result = run(table, sector="general", value=value, entry_date=day)
    assert result.fees.mpf == D(mpf)
    assert result.fees.mpf_fiscal_year == fiscal_year
    assert result.warnings == ()


def test_unconfirmed_fy2027_limits_fall_back_and_warn_only_when_they_matter(
    table: RateTable,
) -> None:
    at_max = run(table, sector="general", value="1000000", entry_date="2026-11-21")
    assert at_max.fees.mpf == D("651.50")
    assert any("FY2027" in w and "FY2026 values used" in w for w in at_max.warnings)
    mid = run(table, sector="general", value="30000", entry_date="2026-11-21")
    assert mid.fees.mpf == D("103.92") and mid.warnings == ()
    assert not any("FY2027" in note for note in mid.notes)  # the limits changed nothing


def test_informal_fee_of_a_year_without_one_warns(table: RateTable) -> None:
    result = run(table, sector="general", value="1000", entry_date="2025-06-01")
    assert result.fees.mpf == D("2.69")
    assert any("FY2025" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("mode", "hmf"), [("ocean", "37.50"), ("air", "0"), ("truck", "0"), ("rail", "0")]
)
def test_harbor_maintenance_fee_is_for_ocean_only(table: RateTable, mode: str, hmf: str) -> None:
    result = run(table, sector="autos", value="30000", entry_date="2025-10-01", mode=mode)
    assert result.fees.hmf == D(hmf)


def test_landed_cost_adds_freight_and_insurance_but_they_are_not_dutiable(table: RateTable) -> None:
    plain = run(table, sector="autos", value="30000", entry_date="2025-10-01")
    shipped = run(
        table,
        sector="autos",
        value="30000",
        entry_date="2025-10-01",
        freight="1500",
        insurance="120.50",
    )
    assert shipped.duty == plain.duty == D("4500.00")
    assert shipped.fees == plain.fees
    # 30,000 + 1,500 + 120.50 + 4,500 duty + 103.92 MPF + 37.50 HMF
    assert shipped.landed_cost == D("36261.92")


def test_yen_shipment_is_converted_to_dollars(table: RateTable) -> None:
    shipment = make_shipment(
        table,
        sector="autos",
        value="4350000",
        currency="JPY",
        fx="145",
        entry_date="2025-10-01",
        freight="217500",
    )
    assert (shipment.customs_value, shipment.freight) == (D("30000.00"), D("1500.00"))
    result = assess(table, shipment, "in-force")
    assert result.duty == D("4500.00")
    assert result.landed_cost == D("36141.42")


def test_each_line_is_rounded_half_up_to_the_cent(table: RateTable) -> None:
    # 2.5% of 100.20 is 2.505: half-up gives 2.51 (banker's rounding would give 2.50).
    result = run(table, sector="general", mfn="2.5", value="100.20", entry_date="2025-01-01")
    assert lines(result) == {"mfn": D("2.51")}
    # Totals are sums of rounded lines: 0.125 + 0.1 -> 0.13 + 0.10.
    two = run(table, sector="general", mfn="12.5", value="1", entry_date="2025-04-05")
    assert lines(two) == {"mfn": D("0.13"), "ieepa-baseline": D("0.10")}
    assert two.duty == D("0.23")


def test_assess_all_defaults_to_every_scenario_in_table_order(table: RateTable) -> None:
    shipment = make_shipment(table, sector="autos", value="30000", entry_date="2025-10-01")
    assert [r.scenario for r in assess_all(table, shipment)] == list(table.scenarios)


def test_de_minimis_is_only_flagged_while_it_was_available(table: RateTable) -> None:
    before = run(table, sector="general", value="500", entry_date="2025-08-28")
    after = run(table, sector="general", value="500", entry_date="2025-08-29")
    assert any("de minimis" in note for note in before.notes)
    assert not any("de minimis" in note for note in after.notes)
    # The figures assume a regular entry either way (15% deal rate on both days).
    assert before.duty == after.duty == D("75.00")
