"""Build the origin measures in data/origins/ and the China Section 301 lists in data/lists/
from ../shared/data/origins/ and ../shared/facts/us-tariffs-by-origin.md (issue 12).

    python3 scripts/build_origins.py [--shared DIR] [--out DATA_DIR] [--check]

Each row of measures_by_origin.csv becomes a measure of the rate table, or a gap: a measure
of that origin's law the table knows it leaves out (the coverage the output reports). The
rules that turn a row into a measure (which generic measure it replaces, what it yields to,
which claim takes goods out) are the `LAYERS` below, by the row id's suffix: data for the
one evaluator, no origin named in code. Rows equal to a measure for all origins in
rates.yaml (the 10% baseline, Section 122 without a USMCA exception) are not repeated.
Labels come from the facts sheet's tables. The files are written by hand, sorted as the
CSV, so a rebuild gives identical bytes; `--check` rebuilds in memory and exits 1 naming
every file that differs (the tests run it).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, cast

REPO = Path(__file__).resolve().parents[1]
MEASURES_CSV = "data/origins/measures_by_origin.csv"
LISTS_CSV = "data/origins/s301_china_product_lists.csv"
FACTS = "facts/us-tariffs-by-origin.md"
HEADING = re.compile(r"9903\.\d{2}\.\d{2}")
USMCA_FROM = "2025-03-07"  # USMCA goods left the CA/MX border duties (EO 14231, EO 14232)
EXCLUSIONS_END = "2026-11-09"  # last day of the China 301 product exclusions (9903.88.69/.70)
LIST_START = "2025-01-01"  # the facts' first day; the lists date from 2018-2019

# Output file -> the origin codes whose rows it holds (every other origin: `others`).
FILES: dict[str, tuple[str, ...]] = {
    "china": ("CN", "HK", "MO"),
    "north-america": ("MX", "CA"),
    "eu": ("EU",),
    "uk": ("GB",),
    "korea": ("KR",),
    "taiwan": ("TW",),
    "vietnam": ("VN",),
    "india": ("IN",),
    "switzerland": ("CH", "LI"),
    "brazil": ("BR",),
    "thailand": ("TH",),
    "singapore-australia": ("SG", "AU"),
}
OTHERS = "others"
UNSTATED = "OTHER"  # the facts' rows for origins named in no list

IEEPA_LISTS = ["ieepa-annex-ii", "ieepa-particular-articles"]
S122_LISTS = ["s122-exempt", "s122-particular-articles", "s122-civil-aircraft"]


class Layer(NamedTuple):
    """How the rows of one kind become measures of the table."""

    legal_basis: str
    groups: tuple[str, ...]
    yields_to: tuple[str, ...] = ("s232",)
    supersedes: tuple[str, ...] = ()
    except_lists: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()  # () = all
    generic: str | None = None  # the measure for all origins a row equal to it leaves alone
    claim: str | None = None  # goods named by description only: the claim that says they are


RECIPROCAL = Layer(
    "ieepa",
    ("country-wide",),
    supersedes=("ieepa-baseline",),
    except_lists=tuple(IEEPA_LISTS),
    generic="ieepa-baseline",
)
S301_CHINA = Layer("s301", ("s301-china",), yields_to=())
AUTOS_232 = ("s232", "s232-auto")

# Row id suffix (after the origin's prefix) -> its layer. Longest suffix first.
LAYERS: dict[str, Layer] = {
    "recip": RECIPROCAL,
    "recip-base": RECIPROCAL,
    "recip-base-a": RECIPROCAL,
    "recip-base-b": RECIPROCAL,
    "recip-0409": RECIPROCAL,
    "recip-p2": RECIPROCAL,
    "recip-15": RECIPROCAL,
    "recip-84": RECIPROCAL,
    "recip-125": RECIPROCAL,
    "recip-10b": RECIPROCAL,
    "s122": Layer(
        "s122",
        ("country-wide",),
        supersedes=("s122-surcharge",),
        except_lists=tuple(S122_LISTS),
        generic="s122-surcharge",
    ),
    "fl301": Layer("s301", ("country-wide",)),
    # China and Hong Kong: no Section 232 carve-out (notes 2(s), 2(u))
    "fent-10a": Layer("ieepa", ("fentanyl",), yields_to=()),
    "fent-20": Layer("ieepa", ("fentanyl",), yields_to=()),
    "fent-10b": Layer("ieepa", ("fentanyl",), yields_to=()),
    # Canada and Mexico: instead of the reciprocal duty, not on Section 232 goods
    "fent-25": Layer("ieepa", ("country-wide",), supersedes=("ieepa-baseline",)),
    "fent-35": Layer("ieepa", ("country-wide",), supersedes=("ieepa-baseline",)),
    # Canada and Mexico: goods named by description, at 10% instead of the border duty
    "energy": Layer("ieepa", ("country-wide",), supersedes=("ieepa-baseline",), claim="energy"),
    "potash": Layer("ieepa", ("country-wide",), supersedes=("ieepa-baseline",), claim="potash"),
    "russia-oil": Layer("ieepa", ("ieepa-additional",), except_lists=tuple(IEEPA_LISTS)),
    "ieepa-40": Layer("ieepa", ("ieepa-additional",)),
    "301": Layer("s301", ("s301-country",)),
    "301-list1": S301_CHINA,
    "301-list2": S301_CHINA,
    "301-list3": S301_CHINA,
    "301-list4a": S301_CHINA,
    "301-9101": S301_CHINA,
    "301-9102": S301_CHINA,
    "301-9103": S301_CHINA,
    "301-9105": S301_CHINA,
    "301-9106": S301_CHINA,
    "301-9107": S301_CHINA,
    "301-9108": S301_CHINA,
    "301-9111": S301_CHINA,
    "301-cranes": S301_CHINA,
    "232-autos": Layer(
        "s232", AUTOS_232, (), ("s232-autos", "s232-auto-parts"), sectors=("autos", "auto-parts")
    ),
    "232-autos-quota": Layer("s232", AUTOS_232, (), ("s232-autos",), sectors=("autos",)),
    "232-auto-parts": Layer("s232", AUTOS_232, (), ("s232-auto-parts",), sectors=("auto-parts",)),
    "232-parts-usmca": Layer("s232", AUTOS_232, (), ("s232-auto-parts",), sectors=("auto-parts",)),
    "232-pharma": Layer("s232", ("s232",), (), ("s232-pharma",), sectors=("pharma",)),
}
# China's Section 301 lists by the heading their lines are entered under: the list's id,
# and the earlier lists that take a line on several (the headings' "except" clauses).
S301_LISTS: dict[str, str] = {
    "9903.88.01": "s301-list1",
    "9903.88.02": "s301-list2",
    "9903.88.03": "s301-list3",
    "9903.88.04": "s301-list3-addl",
    "9903.88.15": "s301-list4a",
    "9903.91.01": "s301-9101",
    "9903.91.02": "s301-9102",
    "9903.91.03": "s301-9103",
    "9903.91.05": "s301-9105",
    "9903.91.06": "s301-9106",
    "9903.91.07": "s301-9107",
    "9903.91.08": "s301-9108",
    "9903.91.11": "s301-9111",
    "9903.92.10": "s301-cranes",
}
NOTE_20 = ("301-list1", "301-list2", "301-list3", "301-list4a")  # product exclusions: a claim
# Rows that rates.yaml already states (the United Kingdom's metals rates), by its measure.
IN_TABLE = {
    "gb-232-steel-alu-25": "s232-steel-alu-uk",
    "gb-232-metals-i-a": "s232-metals-annex-1a-uk",
    "gb-232-metals-i-b": "s232-metals-annex-1b-uk",
}
# Copies of a measure for all origins that a claim takes the goods out of, by the row's
# suffix: the generic row the rate comes from.
CLAIMED_COPY = {"232-parts-usmca": "u-232-auto-parts"}
# Generated labels for the rows of the facts' compact table (section 14).
LABELS = {
    "recip-0409": "IEEPA country rate of 2 Apr 2025 ({name}), one day",
    "recip-p2": "IEEPA country rate from 7 Aug 2025 ({name})",
    "fl301": "Section 301 forced-labour action ({name})",
    "recip": "No IEEPA reciprocal duty ({name})",
}
# Rows that need no measure: the end of IEEPA is the measures' own end date; the others
# say why nothing is due (suspended, not investigated); the exclusions are a claim.
# The country rates of EO 14257 Annex I (announced 2 April 2025, in force on 2025-04-09 only)
# and the origins it spared: the `reciprocal` scenario's measures for every origin.
ANNOUNCED = "announced-2025-04-02"
ANNOUNCED_ROWS = ("recip-0409", "recip-84", "recip")
COLUMN_2_ROW = ("RU", "CU", "KP", "BY")  # Russia's row, then the origins that share it
SKIPPED = {"ieepa-end", "301-list4b", "301-exclusions", "301-airbus", "301", "fl301"}
# Why a row is left out, by the start of its suffix (the first that matches).
WHY_LEFT_OUT = {
    "232": "not encoded: Section 232 is scoped by sector; this rate's products or base"
    " (non-US content) are not in the table",
    "338": "not encoded: its HTS line lists are not in the shared data",
    "aircraft": "not encoded: civil aircraft pay this origin's other rates in the table",
    "transship": "not a default rate: CBP applies it case by case",
    "": "not encoded: the table has no HTS list of its products",
}


# Measures encoded without an exemption list of their own, by suffix: a gap as well.
OWN_LIST_MISSING = {
    "ieepa-40": "encoded without its own exemption list (EO 14323 Annex I, note 2(x)(iii)):"
    " a good on that list is charged",
    "301": "encoded without its exemption lists (note 50(a)(ii) subheadings, particular"
    " articles): a listed good is charged",
}


# The preferences of the HTS special column an importer may claim (facts section 13): claim
# -> (label, special codes, origins or () for any). GSP expired in 2020 and is left out.
PROGRAMS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "usmca": ("USMCA", ("S", "S+"), ("CA", "MX")),
    "korus": ("KORUS", ("KR",), ("KR",)),
    "us-japan": ("US-Japan Trade Agreement", ("JP",), ("JP",)),
    "ausfta": ("US-Australia FTA", ("AU",), ("AU",)),
    "singapore": ("US-Singapore FTA", ("SG",), ("SG",)),
    "cafta-dr": ("CAFTA-DR", ("P", "P+"), ("CR", "DO", "SV", "GT", "HN", "NI")),
    "chile": ("US-Chile FTA", ("CL",), ("CL",)),
    "colombia": ("US-Colombia TPA", ("CO",), ("CO",)),
    "israel": ("US-Israel FTA", ("IL",), ("IL",)),
    "jordan": ("US-Jordan FTA", ("JO",), ("JO",)),
    "morocco": ("US-Morocco FTA", ("MA",), ("MA",)),
    "oman": ("US-Oman FTA", ("OM",), ("OM",)),
    "panama": ("US-Panama TPA", ("PA",), ("PA",)),
    "peru": ("US-Peru TPA", ("PE",), ("PE",)),
    "bahrain": ("US-Bahrain FTA", ("BH",), ("BH",)),
    "agoa": ("AGOA (beneficiary countries only; not checked)", ("D",), ()),
    "cbera": ("CBERA (beneficiary countries only; not checked)", ("E", "E*"), ()),
}
PREFERENCES = "preferences"
PROGRAMS_SOURCE = "facts: us-tariffs-by-origin.md section 13; HTS general notes"


def preferences_file(hashes: dict[str, str]) -> str:
    head = [
        "# Built by scripts/build_origins.py from ../shared/facts/us-tariffs-by-origin.md\n",
        "# section 13 (FTA preferences); do not edit by hand (docs/rates.md). A claim applies\n",
        "# the line's special rate where the HTS special column lists one of the codes.\n",
        "schema: 1\n",
        'title: "Preferences of the HTS special column"\n',
        "built_from:\n",
        *(f"  - {{file: {file}, sha256: {quoted(digest)}}}\n" for file, digest in hashes.items()),
        "preferences:\n",
    ]
    for claim, (label, codes, origins) in PROGRAMS.items():
        head += [
            f"  {claim}:\n",
            f"    label: {quoted(label)}\n",
            f"    codes: {yaml_value(list(codes))}\n",
            f"    origins: {yaml_value(list(origins)) if origins else 'all'}\n",
            f"    source: {quoted(PROGRAMS_SOURCE)}\n",
        ]
    return "".join(head)


class BuildError(Exception):
    """The shared data do not read as this script expects; nothing is written."""


class Built(NamedTuple):
    measures: list[dict[str, object]]
    gaps: dict[str, list[str]]  # origin -> what is left out


def suffix_of(row: dict[str, str]) -> str:
    return row["id"].split("-", 1)[1]


def read_labels(facts: str) -> dict[str, str]:
    """Measure id -> its name in the facts sheet's tables."""
    labels = {}
    for line in facts.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 3 and re.fullmatch(r"[a-z]+-[a-z0-9-]+", cells[1]):
            labels[cells[1]] = cells[2]
    return labels


def label_of(row: dict[str, str], labels: dict[str, str]) -> str:
    from tariffcalc.law.countries import country_name

    if row["id"] in labels:
        return labels[row["id"]]
    pattern = LABELS.get(suffix_of(row))
    if pattern is None:
        raise BuildError(f"{row['id']}: no label in the facts sheet")
    name = "European Union" if row["origin"] == "EU" else country_name(row["origin"])
    return pattern.format(name=name)


def equals_generic(row: dict[str, str], layer: Layer) -> bool:
    """A row that states what the measure for all origins already charges."""
    if layer.generic is None or "USMCA" in row["exempt_rules"] + row["scope"]:
        return False
    heading = "9903.01.25" if layer.generic == "ieepa-baseline" else "9903.03.01"
    return (
        row["kind"] == "additional" and row["rate"] == "10" and row["headings"].startswith(heading)
    )


def gap(row: dict[str, str], labels: dict[str, str], why: str) -> str:
    until = row["to"] or "open"
    return f"{row['id']}: {label_of(row, labels)} ({row['from']} → {until}): {why}"


def measures_of(
    row: dict[str, str], labels: dict[str, str], generic: dict[str, dict[str, str]]
) -> list[dict[str, object]] | str | None:
    """The measures of one row; a gap (why it is left out); or None when nothing is missing."""
    suffix = suffix_of(row)
    nothing_due = row["kind"] == "none" and suffix in SKIPPED
    if suffix in SKIPPED - {"301", "fl301"} or nothing_due:
        return None
    if row["id"] in IN_TABLE or row["origin"] == UNSTATED:
        return None
    layer = LAYERS.get(suffix)
    if layer is None:
        why = next(text for start, text in WHY_LEFT_OUT.items() if suffix.startswith(start))
        return gap(row, labels, why)
    if equals_generic(row, layer):
        return None
    return list(_split(_measure(row, layer, labels, generic)))


def _measure(
    row: dict[str, str], layer: Layer, labels: dict[str, str], generic: dict[str, dict[str, str]]
) -> dict[str, object]:
    suffix = suffix_of(row)
    rate_row = generic[CLAIMED_COPY[suffix]] if suffix in CLAIMED_COPY else row
    headings = HEADING.findall(rate_row["headings"])
    authority = row["legal_basis"] + (f"; HTS {row['headings']}" if row["headings"] != "-" else "")
    usmca = row["origin"] in ("CA", "MX") and "USMCA" in row["exempt_rules"] + row["scope"]
    measure: dict[str, object] = {
        "id": row["id"],
        "label": label_of(row, labels),
        "authority": authority,
        "source": row["source"],
        "confidence": row["confidence"],
        "legal_basis": layer.legal_basis,
        "origins": [row["origin"]],
        "sectors": list(layer.sectors) or "all",
        "kind": "additional" if rate_row["kind"] == "none" else rate_row["kind"],
        "rate": f"{rate_row['rate']}%",
        "base": "value",
        "in_force": [(row["from"], row["to"] or None)],
        "headings": headings,
        "supersedes": list(layer.supersedes),
        "groups": list(layer.groups),
        "yields_to": list(layer.yields_to),
        "except_lists": list(layer.except_lists),
        "scope_lists": _scope_lists(row) if layer is S301_CHINA else [],
        "unless_claimed": "usmca" if usmca or suffix in CLAIMED_COPY else None,
        "only_if_claimed": layer.claim,
        "note": _note(row),
    }
    if layer is S301_CHINA:
        measure["supersedes"] = _earlier_lists(suffix, row["origin"])
    if suffix in ANNOUNCED_ROWS:
        measure["groups"] = [*layer.groups, ANNOUNCED]
    return measure


def _scope_lists(row: dict[str, str]) -> list[str]:
    return [S301_LISTS[h] for h in HEADING.findall(row["headings"]) if h in S301_LISTS]


def _earlier_lists(suffix: str, origin: str) -> list[str]:
    """A line on several China 301 lists pays the first: note 31 before note 20, List 1 first."""
    prefix = origin.lower()
    if suffix in NOTE_20:
        later = NOTE_20[NOTE_20.index(suffix) + 1 :]
    elif suffix.startswith("301-9"):
        later = NOTE_20
    else:
        return []
    return [f"{prefix}-{name}{part}" for name in later for part in ("", "-after-exclusions")]


def _split(measure: dict[str, object]) -> Iterator[dict[str, object]]:
    """CA/MX border duties spared USMCA goods only from 2025-03-07; China's product
    exclusions (a claim) lapse after 2026-11-09: one measure on each side of the date."""
    periods = cast("list[tuple[str, str | None]]", measure["in_force"])
    start, end = periods[0]
    measure_id = str(measure["id"])
    if measure["unless_claimed"] == "usmca" and start < USMCA_FROM:
        yield {
            **measure,
            "id": f"{measure_id}-before-usmca",
            "in_force": [(start, "2025-03-06")],
            "unless_claimed": None,
        }
        yield {**measure, "in_force": [(USMCA_FROM, end)]}
    elif any(measure_id.endswith(suffix) for suffix in NOTE_20):
        yield {**measure, "in_force": [(start, EXCLUSIONS_END)], "unless_claimed": "s301-exclusion"}
        yield {
            **measure,
            "id": f"{measure_id}-after-exclusions",
            "in_force": [("2026-11-10", end)],
            "note": f"{measure['note']} The product exclusions lapsed after {EXCLUSIONS_END}.",
        }
    else:
        yield measure


def _note(row: dict[str, str]) -> str:
    scope = "" if row["scope"] in ("all goods", "") else f"Scope: {row['scope']}. "
    return f"{scope}Exemptions: {row['exempt_rules'] or '-'} (facts: {row['id']})".strip()


def build_measures(shared: Path) -> dict[str, Built]:
    rows = list(csv.DictReader((shared / MEASURES_CSV).open(encoding="utf-8")))
    labels = read_labels((shared / FACTS).read_text(encoding="utf-8"))
    generic = {row["id"]: row for row in rows if row["origin"] == "*"}
    file_of = {code: name for name, codes in FILES.items() for code in codes}
    built: dict[str, Built] = {name: Built([], {}) for name in (*FILES, OTHERS)}
    for row in rows:
        if row["origin"] == "*":
            continue
        target = built[file_of.get(row["origin"], OTHERS)]
        origin_gaps = target.gaps.setdefault(row["origin"], [])
        found = measures_of(row, labels, generic)
        if isinstance(found, str):
            origin_gaps.append(found)
        elif found:
            target.measures.extend(found)
            if suffix_of(row) in OWN_LIST_MISSING:
                origin_gaps.append(gap(row, labels, OWN_LIST_MISSING[suffix_of(row)]))
    built[OTHERS].measures.extend(_column_2(rows, labels, generic))
    for each in built.values():
        _instead_of_border_duty(each.measures)
    return built


def _instead_of_border_duty(measures: list[dict[str, object]]) -> None:
    """A rate of goods named by description (Canada's energy, potash) replaces the origin's
    border duty on them, each of its pieces."""
    for measure in measures:
        if measure["only_if_claimed"] is None:
            continue
        origins = measure["origins"]
        border = [
            str(m["id"]) for m in measures if m["origins"] == origins and "-fent-" in str(m["id"])
        ]
        measure["supersedes"] = [*cast("list[str]", measure["supersedes"]), *border]


def _column_2(
    rows: list[dict[str, str]], labels: dict[str, str], generic: dict[str, dict[str, str]]
) -> Iterator[dict[str, object]]:
    """Russia's row for the other column 2 origins, which the facts' OTHER row excludes from
    the reciprocal duty too (9903.01.29); their other measures are the OTHER rows'."""
    (russia,) = (row for row in rows if row["id"] == f"{COLUMN_2_ROW[0].lower()}-recip")
    for code in COLUMN_2_ROW[1:]:
        row = {**russia, "origin": code, "id": f"{code.lower()}-recip"}
        yield from _split(_measure(row, RECIPROCAL, labels, generic))


# --- rendering -------------------------------------------------------------------


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


YAML_BOOLEANS = {"Y", "N", "NO", "ON", "OFF", "YES"}  # YAML 1.1 reads Norway's code as false


def yaml_value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    text = str(value)
    plain = re.fullmatch(r"[a-z0-9][a-z0-9-]*|[A-Z]{2}|all", text) and text not in YAML_BOOLEANS
    return text if plain else quoted(text)


def measure_text(measure: dict[str, object]) -> str:
    lines = [f"  - id: {measure['id']}\n"]
    for key, value in measure.items():
        if key == "id" or value in (None, []):
            continue
        if key == "in_force":
            periods = ", ".join(
                f"{{from: {start}, to: {end or 'null'}}}"
                for start, end in value  # type: ignore[attr-defined]
            )
            lines.append(f"    in_force: [{periods}]\n")
        elif key in ("rate",):
            lines.append(f"    {key}: {quoted(str(value))}\n")
        else:
            lines.append(f"    {key}: {yaml_value(value)}\n")
    return "".join(lines)


def origin_file(name: str, built: Built, hashes: dict[str, str], uncovered: list[str]) -> str:
    covered = {code: gaps for code, gaps in built.gaps.items() if code != UNSTATED}
    head = [
        "# Built by scripts/build_origins.py from ../shared/data/origins/measures_by_origin.csv\n",
        "# and ../shared/facts/us-tariffs-by-origin.md; do not edit by hand (docs/rates.md).\n",
        "schema: 1\n",
        f"title: {quoted(title_of(name, list(covered)))}\n",
        "built_from:\n",
        *(f"  - {{file: {file}, sha256: {quoted(digest)}}}\n" for file, digest in hashes.items()),
        "origins:\n",
    ]
    for code, gaps in covered.items():
        head.append(f"  {yaml_value(code)}:\n    gaps:" + (" []\n" if not gaps else "\n"))
        head += [f"      - {quoted(text)}\n" for text in gaps]
    if uncovered:
        head.append("uncovered:\n")
        head += [f"  - {quoted(text)}\n" for text in uncovered]
    body = "".join(measure_text(m) for m in built.measures)
    return "".join(head) + ("measures:\n" + body if body else "measures: []\n")


def title_of(name: str, codes: list[str]) -> str:
    from tariffcalc.law.countries import country_name

    if name == OTHERS:
        return f"The {len(codes)} other origins of the facts sheet (section 14)"
    named = ("European Union" if c == "EU" else country_name(c) for c in codes)
    return ", ".join(f"{n} ({c})" for n, c in zip(named, codes, strict=True))


UNCOVERED = [
    "this origin's own rates, deals and exemptions, if any (the facts name it in no list:"
    " their OTHER rows apply, the IEEPA 10% baseline, Section 122 10%, no forced-labour 301)",
]


def list_file(list_id: str, heading: str, lines: list[str], hashes: dict[str, str]) -> str:
    label = f"Section 301 China: lines entered under {heading}"
    head = [
        f"# Built by scripts/build_origins.py from ../shared/{LISTS_CSV}; do not edit by hand.\n",
        "# The lines a China Section 301 measure applies to (its scope), by HTS-8; membership\n",
        f"# from {LIST_START}, the facts' first day (the lists date from 2018-2024); the\n",
        "# measures' own dates in data/origins/china.yaml start and end the duty.\n",
        "schema: 1\n",
        f"id: {list_id}\n",
        f"label: {quoted(label)}\n",
        f"heading: {quoted(heading)}\n",
        "authority: Section 301 (China); HTS US notes 20 and 31\n",
        f"source: {quoted(f'shared/{LISTS_CSV} (as compiled by the Yale tariff-rate tracker)')}\n",
        "confidence: M\n",
        "kind: scope\n",
        "claim: null\n",
        "origins: [CN]\n",
        "built_from:\n",
        *(f"  - {{file: {file}, sha256: {quoted(digest)}}}\n" for file, digest in hashes.items()),
        "note: >-\n  A line on several lists pays the first (see the measures' supersedes).\n",
        f"lines:  # {len(lines)} entries, sorted by hts\n",
    ]
    return "".join(head) + "".join(
        f'  - {{hts: "{h[:4]}.{h[4:6]}.{h[6:8]}", from: {LIST_START}}}\n' for h in lines
    )


def build_lists(shared: Path) -> dict[str, str]:
    by_list: dict[str, set[str]] = {}
    for row in csv.DictReader((shared / LISTS_CSV).open(encoding="utf-8")):
        if row["ch99_code"] in S301_LISTS:
            by_list.setdefault(row["ch99_code"], set()).add(row["hts8"])
    hashes = {LISTS_CSV.removeprefix("data/"): sha256_of(shared / LISTS_CSV)}
    return {
        f"{S301_LISTS[heading]}.yaml": list_file(S301_LISTS[heading], heading, sorted(h), hashes)
        for heading, h in sorted(by_list.items())
    }


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_all(shared: Path, out: Path) -> dict[Path, str]:
    """Path -> text of every file this script makes, under the data folder `out`."""
    hashes = {
        name.removeprefix("data/"): sha256_of(shared / name) for name in (MEASURES_CSV, FACTS)
    }
    built = build_measures(shared)
    files = {
        out / "origins" / f"{name}.yaml": origin_file(
            name, entry, hashes, UNCOVERED if name == OTHERS else []
        )
        for name, entry in built.items()
    }
    files[out / "origins" / f"{PREFERENCES}.yaml"] = preferences_file({FACTS: hashes[FACTS]})
    lists = build_lists(shared)
    return files | {out / "lists" / name: text for name, text in lists.items()}


def differing(out: Path, built: dict[Path, str]) -> list[Path]:
    """Files missing or stale, and files of data/origins or s301 lists it did not make
    (Japan's file is written by hand: its measures are in rates.yaml)."""
    made = {*(out / "origins").glob("*.yaml"), *(out / "lists").glob("s301-*.yaml")}
    made.discard(out / "origins" / "japan.yaml")
    return sorted(
        path
        for path in made | built.keys()
        if path not in built or not path.exists() or path.read_text(encoding="utf-8") != built[path]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build data/origins/*.yaml from the shared data.")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "data", help="the data folder")
    parser.add_argument("--check", action="store_true", help="exit 1 if a shipped file differs")
    args = parser.parse_args(argv)
    if not (args.shared / MEASURES_CSV).is_file():
        print(
            f"build_origins: error: no {args.shared / MEASURES_CSV} (see --shared)", file=sys.stderr
        )
        return 2
    try:
        built = build_all(args.shared, args.out)
    except (BuildError, OSError, KeyError) as error:
        print(f"build_origins: error: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = differing(args.out, built)
        for path in stale:
            print(f"build_origins: {path} differs from a fresh build", file=sys.stderr)
        return 1 if stale else 0
    for path, text in built.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    print(f"build_origins: wrote {len(built)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
