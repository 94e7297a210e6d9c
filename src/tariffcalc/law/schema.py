"""The schema of a rate table file (pydantic, strict), documented in docs/rates.md.

Checks that need the whole table (references between measures, scenarios and
sectors) live in `rates.cross_check`, so that every problem is reported with
its path in one pass.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from tariffcalc.law.domain import DEFAULT_ORIGIN
from tariffcalc.law.ratetable import shown

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_ID = r"^[a-z0-9][a-z0-9-]*$"
MAX_PERCENT = Decimal(1000)  # as --mfn and --set accept


def _percent(value: object) -> Decimal:
    """'15%' -> Decimal('0.15'). A bare number is refused: 0.15 and 15 are both plausible."""
    match = _PERCENT.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"expected a non-negative percentage such as '15%', got {shown(value)}")
    percent = Decimal(match.group(1))
    if percent > MAX_PERCENT:
        raise ValueError(f"expected a percentage from 0% to {MAX_PERCENT}%, got {shown(value)}")
    return percent / 100


def _amount(value: object) -> Decimal:
    """A non-negative amount. YAML reads 32.71 as a float; its repr is the number as written."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected an amount such as 32.71, got {shown(value)}")
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else str(value))
    except ArithmeticError:
        raise ValueError(f"expected an amount such as 32.71, got {shown(value)}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"expected a non-negative amount, got {shown(value)}")
    return amount


Percent = Annotated[Decimal, BeforeValidator(_percent), PlainSerializer(str, return_type=str)]
Amount = Annotated[Decimal, BeforeValidator(_amount), PlainSerializer(str, return_type=str)]
Identifier = Annotated[str, Field(pattern=_ID, max_length=64)]
Confidence = Literal["H", "M", "L"]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]  # ISO 3166 alpha-2, or a country group


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class PeriodModel(Strict):
    start: date = Field(alias="from")
    end: date | None = Field(alias="to")


class SectorModel(Strict):
    label: str
    mfn: Percent
    hts: list[Annotated[str, Field(pattern=r"^\d{2,10}$")]]
    metal_content: bool = False
    note: str | None = None
    mfn_note: str | None = None


class HtsLineModel(Strict):
    mfn: Percent
    description: str


class MeasureModel(Strict):
    id: Identifier
    label: str
    authority: str
    source: str
    confidence: Confidence
    legal_basis: Identifier
    origins: Literal["all"] | list[Country]
    sectors: Literal["all"] | list[Identifier]
    derivative: bool | None = None
    kind: Literal["additional", "inclusive"]
    rate: Percent
    base: Literal["value", "metal", "non_metal"]
    in_force: list[PeriodModel]
    headings: list[Annotated[str, Field(pattern=r"^9903\.\d{2}\.\d{2}$")]] = []
    supersedes: list[Identifier] = []
    groups: list[Identifier] = []
    yields_to: list[Identifier] = []
    note: str | None = None
    except_lists: list[Identifier] = []
    scope_lists: list[Identifier] = []
    unless_claimed: Identifier | None = None
    only_if_claimed: Identifier | None = None
    us_content_min: Percent | None = None


class ListLineModel(Strict):
    hts: Annotated[str, Field(pattern=r"^\d{4}(\.\d{2}(\.\d{2}(\d{2})?)?)?$")]
    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")
    confidence: Confidence | None = None  # below the list's own, where a date is inferred
    note: str | None = None
    article: str | None = None


class HtsListModel(Strict):
    """A file of data/lists/, built by scripts/build_lists.py (docs/rates.md)."""

    schema_version: Literal[1] = Field(alias="schema")
    id: Identifier
    label: str
    heading: Annotated[str, Field(pattern=r"^9903\.\d{2}\.\d{2}$")]
    authority: str
    source: str
    confidence: Confidence
    kind: Literal["exemption", "conditional", "partial", "scope"]
    claim: Identifier | None = None
    origins: Literal["all"] | list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]]
    built_from: list[dict[str, str]] = []
    note: str | None = None
    lines: list[ListLineModel] = Field(min_length=1)


class RulingModel(Strict):
    legal_basis: Identifier
    status: Literal["struck-down"]
    decided: date
    authority: str
    source: str
    confidence: Confidence
    note: str | None = None


class ScenarioModel(Strict):
    id: Identifier
    label: str
    measures: list[Identifier] = []
    measure_groups: list[Identifier] = []  # and every measure of these groups
    origins: list[Country] | None = None  # the origins it means something for; None = all
    by_date: bool = False


class MpfYearModel(Strict):
    fiscal_year: int = Field(ge=1900, le=2200)
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    min: Amount | None = None
    max: Amount | None = None
    informal: Amount | None = None
    confidence: Confidence
    note: str | None = None


class MpfModel(Strict):
    label: str
    authority: str
    rate: Percent
    informal_max_value: Amount
    years: list[MpfYearModel] = Field(min_length=1)


class HmfModel(Strict):
    label: str
    authority: str
    rate: Percent
    modes: list[Literal["ocean", "air", "truck", "rail"]]
    confidence: Confidence


class DeMinimisModel(Strict):
    label: str
    authority: str
    max_value: Amount
    available: list[PeriodModel]
    confidence: Confidence
    note: str | None = None


class FeesModel(Strict):
    mpf: MpfModel
    hmf: HmfModel
    de_minimis: DeMinimisModel | None = None


class CountryGroupModel(Strict):
    label: str
    members: list[Country] = Field(min_length=1)


class OriginModel(Strict):
    gaps: list[str] = []  # measures of this origin's law the table knows it leaves out


class PreferenceModel(Strict):
    label: str
    codes: list[Annotated[str, Field(pattern=r"^[A-Z]{1,2}[*+]?$")]] = Field(min_length=1)
    origins: Literal["all"] | list[Country]
    source: str


class OriginFileModel(Strict):
    """A file of data/origins/, named in a table's `origin_files` (docs/rates.md)."""

    schema_version: Literal[1] = Field(alias="schema")
    title: str
    built_from: list[dict[str, str]] = []
    origins: dict[Country, OriginModel] = {}  # the origins whose law this file states
    uncovered: list[str] = []  # what is missing for an origin no file states
    preferences: dict[Identifier, PreferenceModel] = {}  # claims of the HTS special column
    measures: list[MeasureModel] = []


class RateTableModel(Strict):
    schema_version: Literal[1] = Field(alias="schema")
    title: str
    as_of: date
    origin_files: list[Identifier] = []
    country_groups: dict[Country, CountryGroupModel] = {}
    legal_bases: dict[Identifier, str] = Field(min_length=1)
    rulings: list[RulingModel] = []
    sectors: dict[Identifier, SectorModel] = Field(min_length=1)
    hts_source: str = ""
    hts: dict[Annotated[str, Field(pattern=r"^\d{4}(\.?\d{2}){0,3}$")], HtsLineModel] = {}
    measures: list[MeasureModel]
    scenarios: list[ScenarioModel] = Field(min_length=1)
    fees: FeesModel


class FlowModel(Strict):
    label: str
    sector: Identifier | None = None
    hts: str | None = None
    origin: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = DEFAULT_ORIGIN
    value: Amount
    units: Amount | None = None
    mfn: Percent | None = None
    source: str
    confidence: Confidence
    note: str | None = None


class ReferenceModel(Strict):
    label: str
    effective_rate: Percent
    date: date
    confidence: Confidence


class TotalModel(Strict):
    value: Amount
    source: str
    confidence: Confidence


class FlowsModel(Strict):
    """A flows file for `tariffcalc impact --flows` (see docs/rates.md)."""

    name: Identifier
    title: str
    year: int
    total: TotalModel | None = None
    reference: ReferenceModel | None = None
    flows: list[FlowModel] = Field(min_length=1)
