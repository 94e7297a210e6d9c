"""Turn what a user typed into a Shipment: parse, check, resolve, convert to USD.

Every error names the field and what was expected, and suggests the close
match for a mistyped name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from tariffcalc.errors import InputError, suggest
from tariffcalc.law.countries import CURRENCIES, country_suggestions, resolve_country
from tariffcalc.law.domain import DEFAULT_ORIGIN, MODES, Mode, RateTable, Shipment
from tariffcalc.law.hts import format_hts, normalize_hts, sector_of
from tariffcalc.law.lists import on_content_list
from tariffcalc.money import HUNDRED, MAX_AMOUNT, cents, parse_decimal, percent

if TYPE_CHECKING:
    from tariffcalc.inputs.schedule import Schedule
    from tariffcalc.law.ratetext import Shape, Term

Number = Decimal | int | str
# Entry dates outside these are typos (0025-10-01), not shipments.
EARLIEST_DATE, LATEST_DATE = date(1980, 1, 1), date(2100, 12, 31)
# Units of a currency per 1 USD: from gold (about 0.0003 XAU) to the weakest currencies
# (about 1,000,000 IRR at the market rate), with room on both sides.
LOWEST_FX, HIGHEST_FX = Decimal("0.000001"), Decimal("10000000")
# Per-unit figures divide by the quantity: a smaller one makes amounts past what the
# arithmetic holds to the cent.
LEAST_QUANTITY = Decimal("0.000001")
# A bad value is quoted in the error up to this many characters.
SHOWN_CHARACTERS = 40


def make_shipment(
    table: RateTable,
    *,
    value: Number,
    sector: str | None = None,
    hts: str | None = None,
    mfn: Number | None = None,
    origin: str = DEFAULT_ORIGIN,
    entry_date: date | str | None = None,
    currency: str = "USD",
    fx: Number | None = None,
    metal_value: Number | None = None,
    us_content: Number | None = None,
    freight: Number = 0,
    insurance: Number = 0,
    mode: str = "ocean",
    quantity: Number | None = None,
    unit: str | None = None,
    schedule: Schedule | None = None,
    claims: Iterable[str] = (),
) -> Shipment:
    """Build a shipment; amounts are in `currency`, converted to USD at `fx` per USD.

    An HTS code is looked up in `schedule` (an imported schedule) when given, else in
    the rate table's curated lines. `--mfn` replaces the line's whole rate."""
    template = shipment_template(
        table,
        sector=sector,
        hts=hts,
        mfn=mfn,
        origin=origin,
        entry_date=entry_date,
        currency=currency,
        fx=fx,
        mode=mode,
        unit=unit,
        schedule=schedule,
        claims=claims,
    )
    return with_amounts(
        table,
        template,
        value=value,
        metal_value=metal_value,
        us_content=us_content,
        freight=freight,
        insurance=insurance,
        quantity=quantity,
    )


def shipment_template(
    table: RateTable,
    *,
    sector: str | None = None,
    hts: str | None = None,
    mfn: Number | None = None,
    origin: str = DEFAULT_ORIGIN,
    entry_date: date | str | None = None,
    currency: str = "USD",
    fx: Number | None = None,
    mode: str = "ocean",
    unit: str | None = None,
    schedule: Schedule | None = None,
    claims: Iterable[str] = (),
) -> Shipment:
    """Everything of a shipment but its amounts (which `with_amounts` adds): shipments
    that share these share a template, and the engine's plans."""
    code, rate = _currency(currency, fx)
    found = _classify(table, sector, hts, schedule)
    wanted, country = claimed(table, claims), origin_code(origin, table)
    if mfn is not None:
        override = rate_percent("mfn", mfn)
        # The whole rate: the line's specific and qualified parts go with its text.
        found = found._replace(
            mfn_rate=override,
            mfn_source=f"--mfn {percent(override)}",
            text=None,
            shape="terms",
            terms=(),
            special="",
        )
    found, notes = _with_preference(table, found, wanted, country)
    return Shipment(
        notes=notes,
        customs_value=Decimal(0),
        origin=country,
        entry_date=parse_date("date", entry_date) if entry_date is not None else date.today(),
        sector=found.sector,
        mfn_rate=found.mfn_rate,
        mfn_source=found.mfn_source,
        mfn_is_default=found.hts is None and mfn is None,
        hts=found.hts,
        hts_description=found.description,
        hts_source=found.hts_source,
        mfn_text=found.text,
        mfn_shape=found.shape,
        mfn_terms=found.terms,
        mode=_mode(mode),
        unit=_unit(unit) if unit is not None else "each",
        currency=code,
        fx=rate,
        claims=wanted,
    )


def _special_rates(special: str) -> dict[str, str]:
    """The line's special column by program code; rate texts are parsed only when there is
    one (a sector or a curated line has none, and `duty` then never loads the parser)."""
    if not special:
        return {}
    from tariffcalc.law.ratetext import special_rates

    return special_rates(special)


def _with_preference(
    table: RateTable, found: Classification, claims: frozenset[str], origin: str
) -> tuple[Classification, tuple[str, ...]]:
    """The special rate of a claimed preference where the line lists it (HTS special
    column); without a claim, the general rate and a note naming what the line could claim."""
    offered = _special_rates(found.special)
    for claim in sorted(claims & table.preferences.keys()):
        program = table.preferences[claim]
        if program.origins is not None and origin not in program.origins:
            allowed = ", ".join(sorted(program.origins))
            raise InputError("claim", f"{claim}: {program.label} is open to goods of {allowed}")
        code = next((c for c in program.codes if c in offered), None)
        if code is None:
            why = (
                "the line's special column does not list it"
                if found.special
                else (
                    "no special column for this line (--mfn, a sector, or a curated line:"
                    " `tariffcalc hts import` brings the schedule's)"
                )
            )
            return found, (f"--claim {claim}: the general rate applies: {why}",)
        from tariffcalc.law.ratetext import parse_rate

        rate = parse_rate(offered[code])
        return found._replace(
            mfn_rate=rate.ad_valorem,
            mfn_source=f"HTS special rate {rate.text} ({code}: {program.label}, claimed)",
            text=rate.text,
            shape=rate.shape,
            terms=tuple(t for t in rate.terms if t.kind == "specific" or t.qualifier),
        ), ()
    could = [
        f"{offered[code]} under {program.label} ({code}): --claim {program.id}"
        for program in table.preferences.values()
        if program.origins is None or origin in program.origins
        for code in program.codes[:1]
        if code in offered
    ]
    return found, tuple(f"the general rate applies; if the goods qualify, {c}" for c in could)


def with_amounts(
    table: RateTable,
    template: Shipment,
    *,
    value: Number,
    metal_value: Number | None = None,
    us_content: Number | None = None,
    freight: Number = 0,
    insurance: Number = 0,
    quantity: Number | None = None,
) -> Shipment:
    """The template with its amounts, checked and converted to USD."""
    rate = template.fx
    in_currency = amount("value", value, positive=True)
    customs_value = _to_usd("value", in_currency, rate)
    if customs_value == 0:  # nothing to assess, and no effective rate
        raise InputError(
            "value",
            f"expected a customs value of at least $0.01, got {_shown(value)}"
            f"{'' if rate is None else f' {template.currency}'}, which is $0.00 at the cent",
        )
    metal = None
    if metal_value is not None:
        in_usd = _to_usd("metal_value", amount("metal_value", metal_value), rate)
        metal = _metal(table, template, in_usd)
        if metal > customs_value:
            raise InputError(
                "metal_value",
                f"expected at most the customs value ({customs_value} USD), got {metal} USD",
            )
    return template._replace(
        customs_value=customs_value,
        metal_value=metal,
        us_content=_us_content(us_content, rate, customs_value),
        freight=_to_usd("freight", amount("freight", freight), rate),
        insurance=_to_usd("insurance", amount("insurance", insurance), rate),
        quantity=None if quantity is None else _quantity(quantity),
        value_in_currency=in_currency if template.currency != "USD" else None,
    )


def _us_content(raw: Number | None, fx: Decimal | None, customs_value: Decimal) -> Decimal | None:
    """The value of the US-origin content, in USD: at most the customs value."""
    if raw is None:
        return None
    us_content = _to_usd("us_content", amount("us_content", raw), fx)
    if us_content > customs_value:
        raise InputError(
            "us_content",
            f"expected at most the customs value ({customs_value} USD), got {us_content} USD",
        )
    return us_content


def claimed(table: RateTable, claims: Iterable[str]) -> frozenset[str]:
    """The importer's claims, each one a list or measure of the table can take
    (civil-aircraft, ...)."""
    wanted = frozenset(claim.strip().lower() for claim in claims)
    if not wanted:  # most shipments: the known claims are not worth listing
        return wanted
    known = sorted(
        {each.claim for each in table.lists.values() if each.claim}
        | {c for m in table.measures.values() for c in (m.unless_claimed, m.only_if_claimed) if c}
        | set(table.preferences)
    )
    for claim in sorted(wanted - set(known)):
        raise InputError(
            "claim",
            f"unknown claim {_shown(claim)}: expected one of {', '.join(known) or 'none'}"
            + suggest(claim, known),
        )
    return wanted


def amount(field: str, raw: Number, *, positive: bool = False) -> Decimal:
    number = _number(field, raw, "a number such as 30000 or 30000.50")
    if number < 0 or (positive and number == 0):
        raise InputError(
            field,
            f"expected a {'positive' if positive else 'non-negative'} amount, got {_shown(raw)}",
        )
    if number > MAX_AMOUNT:
        raise InputError(field, f"expected at most {MAX_AMOUNT:,.0f}, got {_shown(raw)}")
    return number


def rate_percent(field: str, raw: Number) -> Decimal:
    """A rate typed as a percentage: '3.7' is 3.7%."""
    expected = "a percentage from 0 to 1000 (3.7 is 3.7%)"
    number = _number(field, raw, expected, percent_sign=True)
    if number < 0 or number > 1000:
        raise InputError(field, f"expected {expected}, got {_shown(raw)}")
    return number / HUNDRED


def fx_rate(raw: Number) -> Decimal:
    """An exchange rate in units of a currency per 1 USD, within what any currency has."""
    rate = amount("fx", raw, positive=True)
    if not LOWEST_FX <= rate <= HIGHEST_FX:
        raise InputError(
            "fx",
            f"expected units of the currency per 1 USD, from {LOWEST_FX} to {HIGHEST_FX:,},"
            f" got {_shown(raw)}",
        )
    return rate


def _quantity(raw: Number) -> Decimal:
    quantity = amount("quantity", raw, positive=True)
    if quantity < LEAST_QUANTITY:
        raise InputError("quantity", f"expected at least {LEAST_QUANTITY}, got {_shown(raw)}")
    return quantity


def _number(field: str, raw: Number, expected: str, *, percent_sign: bool = False) -> Decimal:
    """Every number typed or read from a file, through the one parser: an error names the
    field, what was expected and, for a decimal comma, why it was refused."""
    why = ""
    if isinstance(raw, Decimal):
        if raw.is_finite():
            return raw
    else:
        text = raw if isinstance(raw, str) else str(raw)
        if "$" in text or "USD" in text:
            text = _without_dollars(text)
        try:
            return parse_decimal(text.strip().removesuffix("%") if percent_sign else text)
        except ValueError as error:
            why = f"; {error}" if str(error) else ""
    raise InputError(field, f"expected {expected}, got {_shown(raw)}{why}")


_DOLLARS = re.compile(r"^\s*(?:US\$|\$|USD\s?)\s*|\s*USD\s*$")


def _without_dollars(text: str) -> str:
    """'$30,000.00', 'US$ 30,000', '30000 USD' -> the number (thousands separators are
    parse_decimal's): amounts as spreadsheets write them."""
    return _DOLLARS.sub("", text)


def _shown(raw: object) -> str:
    """A bad value quoted in an error, cut short: a cell may hold megabytes."""
    text = raw if isinstance(raw, str) else str(raw)
    if len(text) <= SHOWN_CHARACTERS:
        return repr(text)
    return f"{text[:SHOWN_CHARACTERS]!r}... ({len(text):,} characters)"


def parse_date(field: str, raw: date | str, date_format: str | None = None) -> date:
    """An entry date: YYYY-MM-DD, or in `date_format` (see `date_pattern`)."""
    if isinstance(raw, date):
        return raw
    if date_format and date_format != ISO_DATE:
        day = _formatted_date(field, raw, date_format)
    else:
        day = _iso_date(field, raw)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InputError(
            field, f"expected an entry date from {EARLIEST_DATE} to {LATEST_DATE}, got {raw}"
        )
    return day


ISO_DATE = "YYYY-MM-DD"
_DATE_TOKENS = {"YYYY": "%Y", "MM": "%m", "DD": "%d"}


def date_pattern(date_format: str) -> str:
    """--date-format as strptime's pattern: YYYY, MM and DD between separators.

    >>> date_pattern("MM/DD/YYYY")
    '%m/%d/%Y'
    """
    parts = re.split(r"(YYYY|MM|DD)", date_format.strip().upper())
    tokens = parts[1::2]
    separators = parts[0::2]
    if sorted(tokens) != ["DD", "MM", "YYYY"] or any(re.search(r"\w", s) for s in separators):
        raise InputError(
            "date_format",
            f"expected YYYY, MM and DD with separators (MM/DD/YYYY), got {date_format!r}",
        )
    return "".join(_DATE_TOKENS.get(p, p.replace("%", "%%")) for p in parts)


def _formatted_date(field: str, raw: str, date_format: str) -> date:
    try:
        return datetime.strptime(raw.strip(), date_pattern(date_format)).date()
    except ValueError:
        raise InputError(field, f"expected a date {date_format.upper()}, got {raw!r}") from None


def _iso_date(field: str, raw: str) -> date:
    text = raw.strip()
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text):
        separator = re.sub(r"\d", "", text)[0]
        us, europe = (f"{a}{separator}{b}{separator}YYYY" for a, b in (("MM", "DD"), ("DD", "MM")))
        raise InputError(
            field,
            f"expected a date YYYY-MM-DD, got {raw!r}: say which comes first, the month or"
            f" the day: --date-format {us} or --date-format {europe}",
        )
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise InputError(field, f"expected a date YYYY-MM-DD, got {raw!r} ({error})") from None
    if len(text) != 10:
        raise InputError(field, f"expected a date YYYY-MM-DD, got {raw!r}")
    return day


def origin_code(raw: str, table: RateTable | None = None) -> str:
    group = raw.strip().upper()
    if table is not None and group in table.country_groups:
        # Goods have one country of origin; a group's members share its measures.
        member = min(table.country_groups[group])
        raise InputError(
            "origin",
            f"{group} is a group of {len(table.country_groups[group])} countries: give the"
            f" member the goods come from, such as {member} (the group's measures apply to each)",
        )
    code = resolve_country(raw)
    if code is None:
        close = country_suggestions(raw)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise InputError(
            "origin", f"unknown country {raw!r}: expected an ISO 3166 code or name{hint}"
        )
    return code


def _currency(code: str, fx: Number | None) -> tuple[str, Decimal | None]:
    code = code.strip().upper()
    if code not in CURRENCIES:
        raise InputError("currency", f"expected an ISO 4217 code such as USD or JPY, got {code!r}")
    if code == "USD":
        if fx is not None and fx_rate(fx) != 1:
            raise InputError("fx", "the currency is USD: give --fx only with --currency")
        return code, None
    if fx is None:
        raise InputError("fx", f"expected the rate for {code}, in {code} per 1 USD (e.g. --fx 150)")
    return code, fx_rate(fx)


def _to_usd(field: str, value: Decimal, fx: Decimal | None) -> Decimal:
    """An amount in USD, within the cap that amounts in USD are held to: a small --fx
    makes a large amount of a small one."""
    in_usd = value if fx is None else value / fx
    if in_usd > MAX_AMOUNT:
        raise InputError(
            field,
            f"expected at most {MAX_AMOUNT:,.0f} USD, got {value:,f} at {fx} per USD,"
            f" which is {in_usd:,.0f} USD",
        )
    return cents(in_usd)


def _unit(raw: str) -> str:
    from tariffcalc.law.ratetext import UNITS, normalize_unit

    unit = normalize_unit(raw)
    if unit is None:
        known = ", ".join(sorted(set(UNITS.values())))
        raise InputError("unit", f"expected a unit of quantity ({known}), got {raw!r}")
    return unit


def _mode(raw: str) -> Mode:
    mode = raw.strip().lower()
    for known in MODES:
        if mode == known:
            return known
    raise InputError(
        "mode", f"expected one of {', '.join(MODES)}, got {raw!r}{suggest(mode, list(MODES))}"
    )


def _metal(table: RateTable, template: Shipment, metal: Decimal) -> Decimal:
    """A metal content makes sense for a sector of metals or a line on a content list."""
    sector = template.sector
    on_list = template.hts is not None and on_content_list(table, template.hts)
    if not table.sectors[sector].metal_content and not on_list:
        metals = [s.id for s in table.sectors.values() if s.metal_content]
        raise InputError(
            "metal_value",
            f"sector {sector!r} has no metal-content measure; a derivative is given as"
            f" --sector {'|'.join(metals)} with --metal-value",
        )
    return metal


class Classification(NamedTuple):
    sector: str
    hts: str | None  # digits
    description: str | None
    mfn_rate: Decimal  # the plain ad valorem part
    mfn_source: str  # where it came from, for the reader
    hts_source: str | None = None  # which HTS list the line came from
    text: str | None = None  # the schedule's rate text
    shape: Shape = "terms"
    terms: tuple[Term, ...] = ()  # specific and qualified parts beyond mfn_rate
    special: str = ""  # the schedule's special column: preference programs and their rates


def _classify(
    table: RateTable, sector: str | None, hts: str | None, schedule: Schedule | None
) -> Classification:
    if sector is not None and hts is not None:
        raise InputError("sector", "give --sector or --hts, not both")
    if hts is not None:
        digits = normalize_hts(hts)
        if schedule is not None:
            return _from_schedule(table, schedule, hts, digits)
        return _from_curated(table, hts, digits)
    if sector is None:
        raise InputError("sector", f"expected --sector ({', '.join(table.sectors)}) or --hts CODE")
    key = sector.strip().lower()
    if key not in table.sectors:
        raise InputError(
            "sector",
            f"unknown sector {sector!r}: expected one of {', '.join(table.sectors)}"
            f"{suggest(key, list(table.sectors))}",
        )
    return Classification(key, None, None, table.sectors[key].mfn, f"sector default for {key}")


def _from_curated(table: RateTable, raw: str, digits: str) -> Classification:
    line = table.hts.get(digits) or table.hts.get(digits[:8])
    if line is None:
        raise InputError("hts", _unknown_hts(table, raw, digits))
    where = f"the rate table's curated lines ({table.hts_source or table.source})"
    return Classification(
        sector_of(table, digits),
        digits,
        line.description,
        line.mfn,
        f"HTS {format_hts(line.code)}",
        where,
    )


def _from_schedule(table: RateTable, schedule: Schedule, raw: str, digits: str) -> Classification:
    line = schedule.rate_line(digits)
    if line is None:
        exists = schedule.line(digits) is not None
        close = [format_hts(c) for c in schedule.closest(digits)]
        what = "has no rate of its own (a heading)" if exists else "is not in the schedule"
        raise InputError(
            "hts",
            f"{raw!r} {what} ({schedule.revision}); "
            + (f"close: {', '.join(close)}" if close else "give an 8- or 10-digit line"),
        )
    rate = line.rate
    assert rate is not None  # rate_line only returns rated lines
    source = f"HTS {format_hts(line.rate_from)}"
    where = f"the imported USITC schedule, {schedule.revision}"
    extra = tuple(t for t in rate.terms if t.kind == "specific" or t.qualifier)
    return Classification(
        sector_of(table, digits),
        line.code,
        line.description,
        rate.ad_valorem,
        source,
        where,
        rate.text,
        rate.shape,
        extra,
        line.special,
    )


def _unknown_hts(table: RateTable, raw: str, digits: str) -> str:
    from difflib import get_close_matches

    close = [format_hts(c) for c in table.hts if c.startswith(digits[:4])][:5]
    if not close:
        close = get_close_matches(digits, list(table.hts), n=3, cutoff=0.5)
        close = [format_hts(c) for c in close]
    hint = f"; close: {', '.join(close)}" if close else ""
    sector = sector_of(table, digits)
    return (
        f"{raw!r} is not a line of the curated HTS table{hint}"
        f" (or give --sector {sector} with --mfn for this line's rate)"
    )
