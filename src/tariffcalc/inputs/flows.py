"""Trade flows to score with `impact`: a YAML or CSV file (or standard input), a shipped
set by name (`japan-2024`), or one flow typed on the command line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.files import STDIN, read_bytes
from tariffcalc.inputs.shipment import amount, rate_percent
from tariffcalc.law.domain import DEFAULT_ORIGIN
from tariffcalc.law.ratetable import MAX_TABLE_BYTES


class Flow(NamedTuple):
    label: str
    value: Decimal  # USD a year
    sector: str | None = None
    hts: str | None = None
    origin: str = DEFAULT_ORIGIN
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


def chosen_flows(
    flows: str | None,
    *,
    sector: str | None,
    hts: str | None,
    origin: str,
    units: str | None,
    unit_value: str | None,
    value: str | None,
    mfn: str | None,
) -> FlowSet:
    """`--flows FILE|NAME`, or the one flow of `--sector`/`--hts` with its amounts."""
    if flows is not None:
        if sector or hts or units or unit_value or value:
            raise InputError("flows", "give --flows, or one flow with --sector/--hts, not both")
        return load_flows(flows)
    flow = single_flow(
        sector=sector,
        hts=hts,
        origin=origin,
        units=units,
        unit_value=unit_value,
        value=value,
        mfn=mfn,
    )
    return FlowSet("flow", f"{hts or sector} from {flow.origin}", (flow,))


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


def load_flows(name_or_path: str) -> FlowSet:
    """A flows file (YAML, or CSV by its .csv suffix), standard input for `-` (CSV when its
    first line looks like a CSV header), or the name of a shipped set (`japan-2024`)."""
    if name_or_path == STDIN:
        data = read_bytes(STDIN, "flows", MAX_TABLE_BYTES)
        csv = _looks_like_csv(data)
        return _csv_flows(data, "<stdin>") if csv else _yaml_flows(data, "<stdin>")
    path = _flows_path(name_or_path)
    data = read_bytes(str(path), "flows", MAX_TABLE_BYTES)
    if path.suffix.lower() == ".csv":
        return _csv_flows(data, str(path))
    return _yaml_flows(data, str(path))


def _flows_path(name_or_path: str) -> Path:
    """The file named, or the shipped set of that name when no such file is here."""
    from tariffcalc.law.ratetable import shipped_data

    path = Path(name_or_path)
    if path.exists() or "/" in name_or_path or path.suffix:
        return path
    shipped = shipped_data("flows") / f"{name_or_path}.yaml"
    if not shipped.is_file():
        known = sorted(p.stem for p in shipped_data("flows").glob("*.yaml"))
        raise InputError(
            "flows", f"no file or shipped flows {name_or_path!r}; shipped: {', '.join(known)}"
        )
    return shipped


def _looks_like_csv(data: bytes) -> bool:
    """A header row such as `label,sector,value`: commas, and no YAML `key:`."""
    for line in data.decode("utf-8-sig", errors="replace").splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            return "," in text and ":" not in text
    return False


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
        try:
            flows.append(_csv_flow(cell, line))
        except InputError as error:
            raise InputError(error.field, f"{source}: line {line}: {error.message}") from None
    if not flows:
        raise InputError("flows", f"{source}: no flows")
    return FlowSet(Path(source).stem, f"flows of {source}", tuple(flows))


def _csv_flow(cell: dict[str, str], line: int) -> Flow:
    return Flow(
        label=cell.get("label") or cell.get("sector") or cell.get("hts") or f"line {line}",
        value=amount("value", cell["value"], positive=True),
        sector=cell.get("sector") or None,
        hts=cell.get("hts") or None,
        origin=cell.get("origin") or DEFAULT_ORIGIN,
        units=amount("units", cell["units"], positive=True) if cell.get("units") else None,
        mfn=_mfn(cell.get("mfn")),
    )
