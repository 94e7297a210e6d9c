"""Parse the HTS "General Rate of Duty" text into something the engine can compute.

Shapes found in the schedule (HTS 2026 rev. 10 has 106 of them):
- `Free`, `Free, under bond, ...`                       -> free
- `2.5%`, `2.4¢/kg`, `$1.035/kg`, `5¢ each`, and sums of them (`2.4¢/kg + 5%`)
                                                         -> terms (ad valorem and specific)
- a term qualified by what it is charged on (`on the case`, `on drained weight`,
  `on lead content`, `of total sugars`)                   -> a term with a qualifier
- `The duty provided in the applicable subheading + 25%`, `See additional U.S. note 3`,
  `No change`, `A duty upon the value of the repairs ...` -> reference (set elsewhere)
- sliding scales and caps (`... less 0.020668¢/kg for each degree ...`, `... but if ...`)
                                                         -> formula

Only `free` and unqualified `terms` are computed outright; the rest say what
they need. Anything else is a parse failure, counted by the import.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal, NamedTuple

Shape = Literal["free", "terms", "reference", "formula"]
CENTS = Decimal(100)

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_AD_VALOREM = re.compile(
    rf"^(?P<n>{_NUMBER})\s*(?:%|percent)(?:\s*(?P<q>(?:on|of)\b.+))?$", re.IGNORECASE
)
_SPECIFIC = re.compile(
    rf"^(?:(?P<cents>{_NUMBER})\s*¢|\$\s*(?P<dollars>{_NUMBER}))\s*"
    r"(?:/\s*(?P<unit>.+?)|\s+(?P<each>each|for each .+|/?jewel.*))"
    r"(?:\s+(?P<q>(?:on|of)\b.+))?$",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"^(?:the (?:duty|rate)\b|see (?:additional )?u\.s\. note|no change$|a duty\b)", re.IGNORECASE
)
_FORMULA = re.compile(r"\bless\b|\bnot less than\b|\bbut if\b|\bin no case\b", re.IGNORECASE)
UNITS = {
    "kg": "kg",
    "liter": "liter",
    "liters": "liter",
    "l": "liter",
    "each": "each",
    "no.": "each",
    "no": "each",
    "pcs": "each",
    "doz.": "doz.",
    "doz": "doz.",
    "pr.": "pr.",
    "prs.": "pr.",
    "pr": "pr.",
    "t": "t",
    "bbl": "bbl",
    "gross": "gross",
    "m2": "m2",
    "m²": "m2",
    "m3": "m3",
    "head": "head",
    "pf.liter": "pf.liter",
    "pf.liters": "pf.liter",
    "g": "g",
}


class Term(NamedTuple):
    kind: Literal["ad_valorem", "specific"]
    amount: Decimal  # a fraction for ad valorem; USD per unit for specific
    unit: str | None = None  # normalised ('kg', 'liter', 'each', ...) for specific terms
    qualifier: str | None = None  # what it is charged on, when not the whole value or quantity

    def describe(self) -> str:
        if self.kind == "ad_valorem":
            text = f"{(self.amount * CENTS).normalize():f}%"
        else:
            text = f"${self.amount.normalize():f}/{self.unit}"
        return f"{text} {self.qualifier}" if self.qualifier else text


class Rate(NamedTuple):
    text: str  # as the schedule writes it
    shape: Shape
    terms: tuple[Term, ...] = ()

    @property
    def ad_valorem(self) -> Decimal:
        """The plain ad valorem part (unqualified terms)."""
        return sum(
            (t.amount for t in self.terms if t.kind == "ad_valorem" and not t.qualifier),
            Decimal(0),
        )

    @property
    def specific(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.kind == "specific")

    @property
    def computable(self) -> bool:
        """Whether value (and quantity, for specific terms) is all the duty needs."""
        if self.shape == "free":
            return True
        return self.shape == "terms" and not any(
            t.qualifier for t in self.terms if t.kind == "ad_valorem"
        )


class RateTextError(ValueError):
    pass


def parse_rate(text: str) -> Rate:
    """Parse a general rate text; RateTextError if its shape is not one the schedule uses."""
    clean = " ".join(text.split())
    if not clean:
        raise RateTextError("empty rate text")
    if re.match(r"^free\b", clean, re.IGNORECASE):
        return Rate(clean, "free")
    if _REFERENCE.match(clean):
        return Rate(clean, "reference", _trailing_terms(clean))
    if _FORMULA.search(clean):
        return Rate(clean, "formula")
    return Rate(clean, "terms", tuple(_term(part, clean) for part in _split(clean)))


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\s*\+\s*", text) if part.strip()]


def _trailing_terms(text: str) -> tuple[Term, ...]:
    """The `+ 25%` of `The duty provided in the applicable subheading + 25%`."""
    terms = []
    for part in _split(text)[1:]:
        match = _AD_VALOREM.match(part)
        if match and not match.group("q"):
            terms.append(Term("ad_valorem", _number(match.group("n")) / CENTS))
    return tuple(terms)


def _term(part: str, whole: str) -> Term:
    ad_valorem = _AD_VALOREM.match(part)
    if ad_valorem:
        return Term(
            "ad_valorem", _number(ad_valorem.group("n")) / CENTS, qualifier=ad_valorem.group("q")
        )
    specific = _SPECIFIC.match(part)
    if specific is None:
        raise RateTextError(f"cannot read {part!r} in {whole!r}")
    amount = (
        _number(specific.group("cents")) / CENTS
        if specific.group("cents")
        else _number(specific.group("dollars"))
    )
    raw_unit = (specific.group("unit") or "each").strip()
    unit, qualifier = _unit(raw_unit)
    if specific.group("each") and specific.group("each").lower() != "each":
        qualifier = specific.group("each")
    extra = specific.group("q")
    qualifier = " ".join(q for q in (qualifier, extra) if q) or None
    return Term("specific", amount, unit, qualifier)


def _unit(raw: str) -> tuple[str, str | None]:
    """'kg' -> ('kg', None); 'clean kg' -> ('kg', 'clean'); '1,000 pins' -> ('1,000 pins', ...)."""
    words = raw.replace("/ ", "/").replace("pf. liter", "pf.liter").split()
    lowered = [w.lower() for w in words]
    for i, word in enumerate(lowered):
        if word in UNITS:
            rest = " ".join(words[:i] + words[i + 1 :]) or None
            return UNITS[word], rest
    return raw.lower(), None


def normalize_unit(unit: str) -> str | None:
    """A unit typed by the user, as the parser names it; None if unknown."""
    return UNITS.get(unit.strip().lower())


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


# (unit given, unit of the rate) -> factor
_CONVERSIONS = {
    ("kg", "t"): Decimal("0.001"),
    ("t", "kg"): Decimal(1000),
    ("g", "kg"): Decimal("0.001"),
    ("kg", "g"): Decimal(1000),
    ("each", "doz."): Decimal(1) / 12,
    ("doz.", "each"): Decimal(12),
    ("each", "gross"): Decimal(1) / 144,
}


def quantity_in(unit: str | None, quantity: Decimal | None, given: str) -> Decimal | None:
    """`quantity` (counted in `given`) expressed in `unit`; None if unknown or not convertible."""
    if quantity is None or unit is None:
        return None
    if unit == given:
        return quantity
    factor = _CONVERSIONS.get((given, unit))
    return quantity * factor if factor is not None else None


def special_rates(special: str) -> dict[str, str]:
    """The HTS special column as program code -> rate text:
    'Free (A+,AU,KR) 1.2% (JO)' -> {'A+': 'Free', 'AU': 'Free', 'KR': 'Free', 'JO': '1.2%'}."""
    rates: dict[str, str] = {}
    for text, codes in re.findall(r"([^()]+?)\s*\(([^)]*)\)", special):
        for code in codes.split(","):
            rates.setdefault(code.strip(), text.strip())
    return rates
