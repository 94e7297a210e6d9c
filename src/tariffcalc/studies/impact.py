"""What a tariff scenario means for a whole trade flow, and for the price a buyer pays.

A flow is a year's imports of one sector (or HTS line) from one origin, scored as
one shipment of its whole value: duty is collected on value, so the total is
the effective rate times the value. Fees are per entry and left out. Pure,
like the engine; reading a flows file is in `load_flows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal, NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.shipment import amount, make_shipment, rate_percent
from tariffcalc.law.domain import Assessment, RateTable, Shipment
from tariffcalc.law.engine import assess_all, effective_rate
from tariffcalc.money import cents

MarkupMode = Literal["percent", "dollars"]
UPPER_BOUND_NOTE = (
    "sector-level flows ignore product-level exemptions (Annex II goods, generic drugs,"
    " civil aircraft, each line's own MFN rate): the duty is an upper bound against"
    " line-level estimates"
)


class Flow(NamedTuple):
    label: str
    value: Decimal  # USD a year
    sector: str | None = None
    hts: str | None = None
    origin: str = "JP"
    units: Decimal | None = None
    mfn: Decimal | None = None  # percent, as typed
    source: str | None = None
    confidence: str | None = None
    note: str | None = None


class FlowSet(NamedTuple):
    name: str
    title: str
    flows: tuple[Flow, ...]
    reference_rate: Decimal | None = None  # a published effective rate to compare with
    reference_label: str | None = None


class Pricing(NamedTuple):
    pass_through: Decimal = Decimal(1)  # share of the duty increase passed to the buyer
    margin: Decimal = Decimal(0)  # the importer's markup on landed cost
    mode: MarkupMode = "percent"  # the markup keeps its percentage, or its dollar amount


class Scored(NamedTuple):
    flow: Flow
    shipment: Shipment
    results: list[Assessment]


class PriceChange(NamedTuple):
    """Per unit when the flow has units, else for the whole flow."""

    importer_cost: Decimal  # the duty increase over MFN
    buyer_price: Decimal  # what the buyer pays more
    price_before: Decimal  # the buyer's price under MFN


class ScenarioImpact(NamedTuple):
    scenario: str
    label: str
    value: Decimal
    duty: Decimal
    effective_rate: Decimal
    change_vs_mfn: Decimal
    units: Decimal | None
    per_unit: PriceChange | None
    buyer_total: Decimal  # the buyer's price increase on the whole flow
    overrides: tuple[str, ...]


def score(table: RateTable, flows: Iterable[Flow], day: date, scenarios: list[str]) -> list[Scored]:
    scored = []
    for flow in flows:
        shipment = make_shipment(
            table,
            value=flow.value,
            sector=flow.sector,
            hts=flow.hts,
            origin=flow.origin,
            entry_date=day,
            mfn=flow.mfn,
            quantity=flow.units,
        )
        scored.append(Scored(flow, shipment, assess_all(table, shipment, scenarios)))
    return scored


def totals(scored: list[Scored], pricing: Pricing) -> list[ScenarioImpact]:
    """Per scenario: the flows' value, duty, import-weighted effective rate and prices."""
    impacts = []
    value = sum((s.shipment.customs_value for s in scored), Decimal(0))
    units = _units(scored)
    mfn_duty = sum((s.results[0].lines[0].amount for s in scored), Decimal(0))
    for i, first in enumerate(scored[0].results):
        duty = sum((s.results[i].duty for s in scored), Decimal(0))
        change = duty - mfn_duty
        per_unit = price_change(value, mfn_duty, change, units, pricing) if units else None
        whole = price_change(value, mfn_duty, change, None, pricing)
        impacts.append(
            ScenarioImpact(
                scenario=first.scenario,
                label=first.label,
                value=value,
                duty=duty,
                effective_rate=effective_rate(duty, value),
                change_vs_mfn=change,
                units=units,
                per_unit=per_unit,
                buyer_total=whole.buyer_price,
                overrides=tuple(sorted({o for s in scored for o in s.results[i].overrides})),
            )
        )
    return impacts


def _units(scored: list[Scored]) -> Decimal | None:
    """Units of the whole flow, when every part of it has them."""
    counts = [s.flow.units for s in scored]
    if any(c is None for c in counts):
        return None
    return sum((c for c in counts if c is not None), Decimal(0))


def price_change(
    value: Decimal, mfn_duty: Decimal, increase: Decimal, units: Decimal | None, pricing: Pricing
) -> PriceChange:
    """The buyer's price moves by the passed-through duty increase, marked up in percent
    mode (the markup is a share of landed cost) and not in dollars mode."""
    count = units or Decimal(1)
    landed_before = (value + mfn_duty) / count  # customs value plus MFN duty, no fees or freight
    cost = increase / count
    passed = cost * pricing.pass_through
    buyer = passed * (1 + pricing.margin) if pricing.mode == "percent" else passed
    return PriceChange(cents(cost), cents(buyer), cents(landed_before * (1 + pricing.margin)))


def by_sector(scored: list[Scored]) -> dict[str, list[tuple[Decimal, Decimal]]]:
    """sector -> per scenario (value, duty), in the order of the scenarios."""
    sectors: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for s in scored:
        rows = sectors.setdefault(s.shipment.sector, [(Decimal(0), Decimal(0))] * len(s.results))
        sectors[s.shipment.sector] = [
            (v + s.shipment.customs_value, d + r.duty)
            for (v, d), r in zip(rows, s.results, strict=True)
        ]
    return sectors


def single_flow(
    *,
    sector: str | None,
    hts: str | None,
    origin: str,
    units: str | None,
    unit_value: str | None,
    value: str | None,
    mfn: str | None,
) -> Flow:
    """The flow of `impact --sector ... --units N --unit-value X` (or `--value`)."""
    if value is not None and (units is not None or unit_value is not None):
        raise InputError("value", "give --value, or --units with --unit-value, not both")
    if value is not None:
        total = amount("value", value, positive=True)
        count = None
    elif units is not None and unit_value is not None:
        count = amount("units", units, positive=True)
        total = count * amount("unit_value", unit_value, positive=True)
    else:
        raise InputError("units", "expected --units N with --unit-value AMOUNT, or --value AMOUNT")
    return Flow(
        label=hts or sector or "flow",
        value=total,
        sector=sector,
        hts=hts,
        origin=origin,
        units=count,
        mfn=_mfn(mfn),
    )


def _mfn(text: str | None) -> Decimal | None:
    """A typed MFN percentage, checked; kept in percent as make_shipment takes it."""
    return None if not text else rate_percent("mfn", text) * 100


def pricing(pass_through: str, margin: str, mode: str) -> Pricing:
    share = rate_percent("pass_through", pass_through)
    if share > 1:
        raise InputError("pass_through", f"expected a percentage from 0 to 100, got {pass_through}")
    if mode not in ("percent", "dollars"):
        raise InputError("markup_mode", f"expected percent or dollars, got {mode!r}")
    return Pricing(share, rate_percent("margin", margin), mode)  # type: ignore[arg-type]


# --- flows files ---------------------------------------------------------------------------


def load_flows(name_or_path: str) -> FlowSet:
    """A flows file (YAML or CSV), or the name of a shipped one (`japan-2024`)."""
    from tariffcalc.law.ratetable import shipped_data

    path = Path(name_or_path)
    if not path.exists() and "/" not in name_or_path and not path.suffix:
        shipped = shipped_data("flows") / f"{name_or_path}.yaml"
        if not shipped.is_file():
            known = sorted(p.stem for p in shipped_data("flows").glob("*.yaml"))
            raise InputError(
                "flows", f"no file or shipped flows {name_or_path!r}; shipped: {', '.join(known)}"
            )
        path = shipped
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError("flows", f"{path}: {error.strerror or error}") from None
    if path.suffix.lower() == ".csv":
        return _csv_flows(data, str(path))
    return _yaml_flows(data, str(path))


def _yaml_flows(data: bytes, source: str) -> FlowSet:
    from tariffcalc.law.ratetable import validated, yaml_mapping
    from tariffcalc.law.schema import FlowsModel

    model = validated(FlowsModel, yaml_mapping(data, source, "name, title and flows"), source)
    flows = tuple(
        Flow(
            f.label,
            f.value,
            f.sector,
            f.hts,
            f.origin,
            f.units,
            f.mfn * 100 if f.mfn is not None else None,
            f.source,
            f.confidence,
            f.note,
        )
        for f in model.flows
    )
    reference = model.reference
    return FlowSet(
        model.name,
        model.title,
        flows,
        reference.effective_rate if reference else None,
        f"{reference.label}: {reference.effective_rate * 100:.1f}%" if reference else None,
    )


def _csv_flows(data: bytes, source: str) -> FlowSet:
    """Columns: label, sector or hts, value, and optionally origin, units, mfn (percent)."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    fields = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    if "value" not in fields or not ({"sector", "hts"} & set(fields)):
        raise InputError(
            "flows",
            f"{source}: expected columns label, sector or hts, value (origin, units, mfn optional)",
        )
    flows = []
    for line, row in enumerate(reader, 2):
        cell = {key: (row.get(name) or "").strip() for key, name in fields.items()}
        where = f"{source}: line {line}"
        try:
            flows.append(
                Flow(
                    label=cell.get("label")
                    or cell.get("sector")
                    or cell.get("hts")
                    or f"line {line}",
                    value=amount("value", cell["value"], positive=True),
                    sector=cell.get("sector") or None,
                    hts=cell.get("hts") or None,
                    origin=cell.get("origin") or "JP",
                    units=amount("units", cell["units"], positive=True)
                    if cell.get("units")
                    else None,
                    mfn=_mfn(cell.get("mfn")),
                )
            )
        except InputError as error:
            raise InputError(error.field, f"{where}: {error.message}") from None
    if not flows:
        raise InputError("flows", f"{source}: no flows")
    return FlowSet(Path(source).stem, f"flows of {source}", tuple(flows))
