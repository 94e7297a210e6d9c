"""Build the dated HTS lists in data/lists/ from ../shared/data/exemptions/ (issue 11).

    python3 scripts/build_lists.py [--shared DIR] [--out DIR] [--check]

Each list is read from its CSV (the dated reading of the official notes text) and checked
against the HTS chapter 99 notes text itself: every line the list holds at the end of the regime
must be printed in the note's line range, and nothing else may be. The files are written by hand
(one flow mapping per entry), sorted, so a rebuild gives identical bytes. `--check` rebuilds in
memory and exits 1 naming every file that differs from the shipped one (for CI).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
NOTES_TEXT = "exemptions/chapter99_notes_2026_rev_6.txt.gz"  # under shared/data
IEEPA_END = "2026-02-23"  # last entry date of IEEPA collection (EO 14389; CSMS #67834313)
S122_END = "2026-07-23"  # last entry date of Section 122 (Proclamation 11012 cl. 7)
HTS_SHAPE = re.compile(r"\d{4}(?:\.\d{2}(?:\.\d{2}(?:\d{2})?)?)?")
DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
CITED_LINE = re.compile(r"\bline (\d+)")
RULE = (
    "# Each entry is an HTS prefix with the entry dates on which it joins (`from`) and leaves\n"
    "# (`to`, inclusive) the list; no `to` means still a member. The end of the regime is not a\n"
    "# change of the list: the measure's own dates in data/rates.yaml end it.\n"
)


class BuildError(Exception):
    """The shared data do not read as this script expects; nothing is written."""


@dataclass(frozen=True)
class Group:
    """Rows of one instrument: how to recognise them and what to say about each."""

    source: str  # regular expression matched at the start of the CSV `source`
    removed: bool  # whether these rows must end before the regime ends
    confidence: str | None = None  # None: the list's own
    note: str | None = None


@dataclass(frozen=True)
class ListSpec:
    id: str
    label: str
    heading: str
    authority: str
    csv_file: str  # under shared/data
    notes_lines: tuple[int, int]  # where the official text prints the list
    regime_end: str
    kind: str  # exemption | conditional | partial
    note: str
    about: str  # one comment line on what the list is
    claim: str | None = None
    origins: str = "all"
    row_source: str = ""  # only the CSV rows whose `source` contains this
    groups: tuple[Group, ...] = (Group("", removed=False),)


class Entry(NamedTuple):
    hts: str
    start: str
    end: str | None
    article: str | None
    confidence: str | None
    note: str | None


ANNEX_II_GROUPS = (
    Group(r"EO 14257 Annex II$", removed=False),
    Group(r"Presidential Memorandum 2025-04-11", False, None, "2025-04-11 memo, retroactive"),
    Group(
        r"EO 14257 Annex II \(probable\)",
        False,
        "M",
        "probable: not in the July 2025 transcription; covered by heading 8542 anyway",
    ),
    Group(r"EO 14346 \(2025-09-05\) Annex I", False, None, "EO 14346 addition (CSMS #66151866)"),
    Group(r"EO 14257 Annex II; removed by EO 14346", True, None, "removed by EO 14346 Annex I"),
    Group(
        r"EO 14257 Annex II; dropped when s232 copper",
        True,
        "M",
        "removed for s232 copper (CSMS #65794272); end date inferred",
    ),
    Group(
        r"EO 14257 Annex II; removed by Proclamation 10976",
        True,
        "M",
        "removed for s232 timber (Proc. 10976 Annex, secondary sources); set by diff",
    ),
    Group(
        r"EO 14360 \(2025-11-14\) Annex I",
        False,
        "M",
        "EO 14360 addition (derived by diff; count matches CSMS #66814923)",
    ),
)

SPECS = (
    ListSpec(
        id="ieepa-annex-ii",
        label="IEEPA reciprocal tariff exemptions (Annex II)",
        heading="9903.01.32",
        authority=(
            "EO 14257 Annex II, as amended by the memorandum of 2025-04-11, EO 14346 and "
            "EO 14360; HTS US note 2(v)(iii)(a)"
        ),
        csv_file="exemptions/ieepa_annex_ii.csv",
        notes_lines=(12382, 12801),
        regime_end=IEEPA_END,
        kind="exemption",
        groups=ANNEX_II_GROUPS,
        about="IEEPA Annex II: lines exempt from the reciprocal tariffs (baseline, country rates).",
        note=(
            "Exempts from headings 9903.01.25, .35, .39, .63 and 9903.02.01-.73, .79-.80, .82-.83, "
            ".87-.88 (baseline, country rates and the EU/JP/KR/CH/LI 15% floors), not from the "
            "Brazil or India orders. The lines dated 2025-04-05 without a note come from a July "
            "2025 transcription of the note (hts-hero); the April annex itself was not seen, but "
            "the transcription plus the dated changes gives exactly the 1,082 lines of rev 6. "
            "The memorandum of 2025-04-11 added its lines retroactively to 2025-04-05. "
            "8505.11.0070 covers that statistical line only."
        ),
    ),
    ListSpec(
        id="ieepa-particular-articles",
        label="IEEPA reciprocal tariff exemptions: particular articles (9903.02.78)",
        heading="9903.02.78",
        authority="EO 14360 (2025-11-14) Annex I; HTS US note 2(v)(iii)(b)",
        csv_file="exemptions/ieepa_particular_articles_9903_02_78.csv",
        notes_lines=(12802, 12831),
        regime_end=IEEPA_END,
        kind="partial",
        claim="particular-article",
        about="IEEPA note 2(v)(iii)(b): farm articles exempt only as described, any origin.",
        note=(
            "Only the article described is exempt, not the whole line. Exempts from headings "
            "9903.01.25, .35, .39 and 9903.02.02-.73; later floor headings (e.g. 9903.02.79/.80, "
            "Korea) also except 9903.02.78 in their own text. Effective for entries on or after "
            "12:01 a.m. EST 2025-11-13 (CSMS #66814923)."
        ),
    ),
    ListSpec(
        id="japan-civil-aircraft",
        label="Japan civil aircraft exemption (9903.96.02)",
        heading="9903.96.02",
        authority=(
            "EO 14345 sec. 3; Commerce notice Implementing Certain Tariff-Related Elements of "
            "the U.S.-Japan Agreement (FR 2025-09-16); HTS US note 35(b)"
        ),
        csv_file="exemptions/japan_civil_aircraft_9903_96_02.csv",
        notes_lines=(36007, 36068),
        regime_end=IEEPA_END,
        kind="conditional",
        claim="civil-aircraft",
        origins="[JP]",
        about="US note 35(b): civil aircraft and their parts of Japan, exempt from the deal rate.",
        note=(
            "Civil aircraft (not military or unmanned), their engines, parts, components and "
            "subassemblies, and ground flight simulators, meeting general note 6. Exempts from "
            "9903.02.72/.73 (the deal rate) and, as rev 6 reads, from the s232 metals headings "
            "9903.82.02 and .04-.17, so the list outlives IEEPA collection. Entries on or after "
            "12:01 a.m. EDT 2025-09-16 (CSMS #66242844), not retroactive to 2025-08-07. The "
            "list is as printed in rev 6; the September 2025 version was not checked."
        ),
    ),
    ListSpec(
        id="s122-exempt",
        label="Section 122 surcharge exemptions (9903.03.03)",
        heading="9903.03.03",
        authority=(
            "Proclamation 11012 (2026-02-20), Annex I (label not confirmed); HTS US note 2(aa)(ii)"
        ),
        csv_file="exemptions/s122_exempt.csv",
        notes_lines=(14829, 15088),
        regime_end=S122_END,
        kind="exemption",
        about="Section 122 note 2(aa)(ii): lines exempt from the 10% surcharge, any origin.",
        note=(
            "The final IEEPA Annex II list without the 16 ch.48/49 printed-matter lines (covered "
            "by the informational-materials exemption 9903.03.11), with headings 8471, 8473.30, "
            "8486, 8524 and 8542 written out as their subheadings. Verified as of rev 6 (about "
            "April 2026); amendments from May to July 2026 were not checked."
        ),
    ),
    ListSpec(
        id="s122-particular-articles",
        label="Section 122 surcharge exemptions: particular articles (9903.03.04)",
        heading="9903.03.04",
        authority="Proclamation 11012 (2026-02-20); HTS US note 2(aa)(iii)",
        csv_file="exemptions/s122_exempt_conditional.csv",
        row_source="2(aa)(iii)",
        notes_lines=(15089, 15117),
        regime_end=S122_END,
        kind="partial",
        claim="particular-article",
        about="Section 122 note 2(aa)(iii): articles exempt only as described, any origin.",
        note="Only the article described is exempt, not the whole line.",
    ),
    ListSpec(
        id="s122-civil-aircraft",
        label="Section 122 civil aircraft exemption (9903.03.05)",
        heading="9903.03.05",
        authority="Proclamation 11012 (2026-02-20); HTS US note 2(aa)(iv)",
        csv_file="exemptions/s122_exempt_conditional.csv",
        row_source="2(aa)(iv)",
        notes_lines=(15127, 15261),
        regime_end=S122_END,
        kind="conditional",
        claim="civil-aircraft",
        about="Section 122 note 2(aa)(iv): civil aircraft and their parts, any origin.",
        note=(
            "Civil aircraft, their engines, parts and components, and ground flight simulators, "
            "meeting general note 6, of any country."
        ),
    ),
)


def read_csv(shared: Path, spec: ListSpec) -> list[dict[str, str]]:
    with (shared / "data" / spec.csv_file).open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if spec.row_source in row["source"]]
    if not rows:
        raise BuildError(f"{spec.csv_file}: no rows for {spec.id}")
    return rows


def group_of(spec: ListSpec, row: dict[str, str]) -> Group:
    for group in spec.groups:
        if re.match(group.source, row["source"]):
            return group
    raise BuildError(f"{spec.csv_file}: {row['hts']}: unknown source {row['source']!r}")


def article_of(spec: ListSpec, row: dict[str, str]) -> str | None:
    """The description of a partial list's row, without the item number or the common note."""
    if spec.kind != "partial":
        return None
    found = re.match(r"PARTIAL - only this article: \(\d+\) (.+?)(?:; note .*)?$", row["note"])
    if found is None:
        raise BuildError(f"{spec.csv_file}: {row['hts']}: no article description in its note")
    return found.group(1)


def check_row(spec: ListSpec, row: dict[str, str]) -> None:
    """The shape of one CSV row, and that it belongs in a list of this kind."""
    where = f"{spec.csv_file}: {row['hts']}"
    if not HTS_SHAPE.fullmatch(row["hts"]):
        raise BuildError(f"{where}: not an HTS number with its dots")
    for date in (row["effective_from"], row["effective_to"]):
        if date and not DATE_SHAPE.fullmatch(date):
            raise BuildError(f"{where}: bad date {date!r}")
    if row["effective_to"] and not row["effective_from"] <= row["effective_to"] <= spec.regime_end:
        raise BuildError(f"{where}: dates outside {row['effective_from']}..{spec.regime_end}")
    marks = {"exemption": "", "conditional": "CONDITIONAL", "partial": "PARTIAL"}
    mark = marks[spec.kind]
    if (mark and mark not in row["note"]) or (
        not mark and ("PARTIAL" in row["note"] or "CONDITIONAL" in row["note"])
    ):
        raise BuildError(f"{where}: its note does not fit a list of kind {spec.kind}")


def entry_of(spec: ListSpec, row: dict[str, str]) -> Entry:
    """One list entry; the regime's end is the measure's, so it is not written as `to`."""
    check_row(spec, row)
    group = group_of(spec, row)
    end = row["effective_to"] if row["effective_to"] not in ("", spec.regime_end) else None
    if (end is not None) != group.removed:
        raise BuildError(f"{spec.csv_file}: {row['hts']}: end {row['effective_to']!r} unexpected")
    note = group.note
    cited = CITED_LINE.search(row["note"])
    if note and cited:
        note = f"{note}; rev 6 line {cited.group(1)}"
    article = article_of(spec, row)
    return Entry(row["hts"], row["effective_from"], end, article, group.confidence, note)


def check_against_notes(spec: ListSpec, rows: list[dict[str, str]], notes: list[str]) -> None:
    """The lines still listed at the regime's end are exactly those the official note prints."""
    first, last = spec.notes_lines
    # Page headers ("... Revision 6 (2026)") carry a year that reads as a 4-digit heading.
    printed = [line for line in notes[first - 1 : last] if "Revision" not in line]
    tokens = {word.strip(".,;()") for line in printed for word in line.split()}
    listed = {t for t in tokens if HTS_SHAPE.fullmatch(t) and not t.startswith("99")}
    current = {row["hts"] for row in rows if row["effective_to"] in ("", spec.regime_end)}
    if listed != current:
        extra, missing = sorted(listed - current)[:5], sorted(current - listed)[:5]
        raise BuildError(
            f"{spec.id}: notes lines {first}-{last} differ from {spec.csv_file}: "
            f"only in the notes {extra}, only in the CSV {missing}"
        )
    for row in rows:
        cited = CITED_LINE.search(row["note"])
        if cited and row["hts"] not in notes[int(cited.group(1)) - 1]:
            raise BuildError(f"{spec.csv_file}: {row['hts']} is not on its cited line")
    text = " ".join(" ".join(printed).split())
    for row in rows:
        article = article_of(spec, row)
        if article is not None and article not in text:
            raise BuildError(f"{spec.csv_file}: {row['hts']}: article not in the notes text")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text)


def plain(text: str) -> str:
    """A plain YAML scalar when it reads back unchanged as a string, else a quoted one."""
    if re.fullmatch(r"[A-Za-z][\w ,.;()/'&-]*", text) and not text.endswith(" "):
        return text
    return quoted(text)


def entry_line(entry: Entry) -> str:
    fields = [f"hts: {quoted(entry.hts)}", f"from: {entry.start}"]
    if entry.end is not None:
        fields.append(f"to: {entry.end}")
    if entry.article is not None:
        fields.append(f"article: {quoted(entry.article)}")
    if entry.confidence is not None:
        fields.append(f"confidence: {entry.confidence}")
    if entry.note is not None:
        fields.append(f"note: {quoted(entry.note)}")
    return "  - {" + ", ".join(fields) + "}\n"


class Header(NamedTuple):
    """What a list file says of itself, above its lines."""

    id: str
    label: str
    heading: str
    authority: str
    source: str
    confidence: str
    kind: str
    claim: str | None
    origins: str
    note: str
    about: str
    made_from: str  # the shared files it is built from, for the first comment line


def header_of(spec: ListSpec) -> Header:
    first, last = spec.notes_lines
    source = f"HTS chapter 99 notes, 2026 rev 6, lines {first}-{last} (shared/data/{spec.csv_file})"
    return Header(
        spec.id,
        spec.label,
        spec.heading,
        spec.authority,
        source,
        "H",
        spec.kind,
        spec.claim,
        spec.origins,
        spec.note,
        spec.about,
        f"../shared/data/{spec.csv_file}",
    )


def render(head: Header, entries: list[Entry], hashes: dict[str, str]) -> str:
    claim = head.claim if head.claim is not None else "null"
    note = textwrap.fill(
        head.note, width=96, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False
    )
    lines = [
        f"# Built by scripts/build_lists.py from {head.made_from}; do not edit by hand.\n",
        f"# {head.about}\n",
        RULE,
        "schema: 1\n",
        f"id: {head.id}\n",
        f"label: {plain(head.label)}\n",
        f"heading: {quoted(head.heading)}\n",
        f"authority: {plain(head.authority)}\n",
        f"source: {plain(head.source)}\n",
        f"confidence: {head.confidence}\n",
        f"kind: {head.kind}  # exemption (whole line) | conditional | partial (by description)\n",
        f"claim: {claim}  # what the user must claim for a conditional or partial list\n",
        f"origins: {head.origins}\n",
        "built_from:\n",
        *(f"  - {{file: {name}, sha256: {quoted(digest)}}}\n" for name, digest in hashes.items()),
        f"note: >-\n{note}\n",
        f"lines:  # {len(entries)} entries, sorted by hts then from\n",
    ]
    return "".join(lines) + "".join(entry_line(entry) for entry in entries)


def build_one(spec: ListSpec, shared: Path, notes: list[str]) -> str:
    rows = read_csv(shared, spec)
    check_against_notes(spec, rows, notes)
    entries = sorted((entry_of(spec, row) for row in rows), key=lambda e: (e.hts, e.start))
    keys = [(entry.hts, entry.start) for entry in entries]
    if len(set(keys)) != len(keys):
        raise BuildError(f"{spec.csv_file}: a line is listed twice with the same start date")
    hashes = {name: sha256_of(shared / "data" / name) for name in (spec.csv_file, NOTES_TEXT)}
    return render(header_of(spec), entries, hashes)


# --- Section 232 scope lists ---------------------------------------------------------------
# Built from ../shared/data/s232/ (the Yale tracker's reading of the proclamations' annexes),
# s232_auto_parts.txt and s232_metals_annex_2026-04-06.csv; where the 2026 rev 6 notes text
# prints a list (note 33(b) and (g), note 16(c)), the list must be exactly what it prints.

S232_SOURCES = {
    "vehicles": "s232/s232_vehicle_wood_prefixes.csv",
    "auto_parts": "s232_auto_parts.txt",
    "mhd_parts": "s232/s232_mhd_parts.txt",
    "copper": "s232/s232_copper_products.csv",
    "derivatives": "s232/s232_derivative_products.csv",
    "semis": "s232/s232_semi_products.csv",
    "annexes": "s232_metals_annex_2026-04-06.csv",
    "schedule": "hts_2026_rev_10.json.gz",
}
METALS_2025_START = "2025-03-12"  # Proclamations 10895/10896
CONTENT_BASE_FROM = "2025-06-04"  # Proclamation 10947 cl. 6: ch. 73/76 on their metal content
ANNEXES_START = "2026-04-06"
ANNEX_III_END = "2027-12-31"  # then Annex III goods pay the I-B rate
ANNEX_III_AS_IB = "2028-01-01"
CHAPTER_METALS = {"72": "steel", "73": "steel", "74": "copper", "76": "aluminum"}
# Where rev 6 prints each list (page headers in between are skipped).
ANNEX_LINES = {"1a": (15665, 15774), "1b": (15775, 15910), "3": (15911, 15929)}
AUTOS_LINES = (35338, 35349)  # note 33(b)
AUTO_PARTS_LINES = (35441, 35487)  # note 33(g)
AUTO_PARTS_SOURCE = "HTS chapter 99 notes, 2026 rev 6, note 33(g) (shared/data/s232_auto_parts.txt)"
MHD_VEHICLES_LINES = (36276, 36286)  # note 38(b)
BUSES_LINES = (36287, 36293)  # note 38(c)
MHD_PARTS_LINES = (36371, 36420)  # note 38(i)
WOOD_LINES = {  # note 37(b), (d), (f)
    "softwood_lumber": (36096, 36104),
    "wood_furniture": (36121, 36129),
    "kitchen_cabinets": (36157, 36165),
}
SEMIS_LINES = (36488, 36494)  # note 39(b)
MHD_PARTS_SOURCE = (
    "HTS chapter 99 notes, 2026 rev 6, note 38(i) (shared/data/s232/s232_mhd_parts.txt)"
)
UNPRINTED = (
    "Not printed in the 2026 rev 6 notes text this builder checks against: as compiled by the "
    "Yale Budget Lab tariff-rate-tracker from the proclamation's annex (shared/data/s232)."
)


class Member(NamedTuple):
    """One prefix of a Section 232 list (digits), over the entry dates it is a member."""

    digits: str
    start: str
    end: str | None = None
    confidence: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ScopeSpec:
    id: str
    label: str
    heading: str
    authority: str
    source: str
    confidence: str
    note: str
    about: str
    sources: tuple[str, ...]  # keys of S232_SOURCES
    kind: str = "scope"
    claim: str | None = None


class S232Data:
    """The shared files the Section 232 lists are read from, parsed once."""

    def __init__(self, shared: Path, notes: list[str]) -> None:
        data = shared / "data"
        self.notes = notes
        self.vehicles: dict[str, list[str]] = {}
        for row in _rows(data / S232_SOURCES["vehicles"]):
            self.vehicles.setdefault(row["program"], []).append(_digits(row["hts_prefix"]))
        self.auto_parts = _codes(data / S232_SOURCES["auto_parts"])
        self.mhd_parts = _codes(data / S232_SOURCES["mhd_parts"])
        self.copper = [_digits(row["hts10"]) for row in _rows(data / S232_SOURCES["copper"])]
        self.derivatives = _rows(data / S232_SOURCES["derivatives"])
        self.semis = [_digits(row["hts10"]) for row in _rows(data / S232_SOURCES["semis"])]
        self.annexes = _rows(data / S232_SOURCES["annexes"])
        # (annex, copper or not) -> the tracker's rows that note 16(c) does not print
        self.unprinted: dict[tuple[str, bool], list[str]] = {}
        schedule = json.loads(gzip.decompress((data / S232_SOURCES["schedule"]).read_bytes()))
        self.schedule = {row["htsno"].replace(".", "") for row in schedule if row["htsno"]}
        self.descriptions = _description_chains(schedule)


def _description_chains(schedule: list[dict[str, str]]) -> dict[str, str]:
    """HTS digits -> the descriptions of the line and of every level above it, joined."""
    chains: dict[str, str] = {}
    above: list[tuple[int, str]] = []
    for row in schedule:
        indent = int(row["indent"] or 0)
        while above and above[-1][0] >= indent:
            above.pop()
        above.append((indent, row["description"]))
        digits = row["htsno"].replace(".", "")
        if digits:
            chains.setdefault(digits, " / ".join(text for _, text in above))
    return chains


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _codes(path: Path) -> list[str]:
    codes = [_digits(line) for line in path.read_text(encoding="utf-8").split()]
    if len(set(codes)) != len(codes):
        raise BuildError(f"{path.name}: a code is listed twice")
    return codes


def _digits(code: str) -> str:
    digits = code.strip().replace(".", "")
    if not re.fullmatch(r"\d{4}(\d{2}){0,3}", digits):
        raise BuildError(f"not an HTS code of 4, 6, 8 or 10 digits: {code!r}")
    return digits


def dotted(digits: str) -> str:
    """8407901060 -> 8407.90.1060, as the legal text writes it."""
    parts = [digits[:4], digits[4:6], digits[6:]]
    return ".".join(part for part in parts if part)


def printed_codes(notes: list[str], first: int, last: int) -> set[str]:
    """The HTS codes the notes text prints in a line range (not the chapter 99 headings)."""
    # Page headers ("... Revision 6 (2026)") carry a year that reads as a 4-digit heading.
    printed = [line for line in notes[first - 1 : last] if "Revision" not in line]
    tokens = {word.strip(".,;()") for line in printed for word in line.split()}
    return {t for t in tokens if HTS_SHAPE.fullmatch(t) and not t.startswith("99")}


def check_printed(what: str, notes: list[str], lines: tuple[int, int], listed: set[str]) -> None:
    """The codes of a list are exactly those the notes text prints for it."""
    printed = printed_codes(notes, *lines)
    if printed != listed:
        extra, missing = sorted(printed - listed)[:5], sorted(listed - printed)[:5]
        raise BuildError(
            f"{what}: notes lines {lines[0]}-{lines[1]} differ: only in the notes {extra},"
            f" only in the data {missing}"
        )


def _related(code: str, prefixes: list[str]) -> bool:
    """Whether a prefix covers the code or a line under it."""
    return any(code.startswith(prefix) or prefix.startswith(code) for prefix in prefixes)


# --- the lists ---------------------------------------------------------------------------


Codes = Callable[["S232Data"], list[str]]


def programs(*names: str) -> Codes:
    """The tracker's prefixes of some programs of s232_vehicle_wood_prefixes.csv."""
    return lambda data: [code for name in names for code in data.vehicles[name]]


def printed_list(
    lines: tuple[int, int], tracker: Codes, start: str
) -> Callable[[S232Data], list[Member]]:
    """A list as the notes print it; the tracker's prefixes must cover it (a line they miss
    says so), and each of them that the schedule has must fall under a printed line."""

    def members(data: S232Data) -> list[Member]:
        printed = sorted(_digits(code) for code in printed_codes(data.notes, *lines))
        prefixes = tracker(data)
        stray = [
            p
            for p in prefixes
            if p in data.schedule
            and not any(code.startswith(p) or p.startswith(code) for code in printed)
        ]
        if stray:  # a prefix the schedule does not have (8703.34) names nothing
            raise BuildError(f"lines {lines}: tracker prefixes not printed in the notes: {stray}")
        missed = "printed in the notes (rev 6); not in the tracker's list"
        return [
            Member(code, start, note=None if _related(code, prefixes) else missed)
            for code in printed
        ]

    return members


def checked(codes: Codes, lines: tuple[int, int], start: str) -> Callable[[S232Data], list[Member]]:
    """The tracker's list, which must be exactly what the notes print."""

    def members(data: S232Data) -> list[Member]:
        check_printed(f"lines {lines}", data.notes, lines, {dotted(c) for c in codes(data)})
        return [Member(code, start) for code in codes(data)]

    return members


# A provision whose official description (or a level above it) names vehicles holds vehicle
# parts; one that does not (computers, bearings, motors, batteries) holds other goods too.
VEHICLES = re.compile(r"vehicle|motor car|tractor|truck|\bbuses\b|automotive", re.IGNORECASE)


def for_vehicles(data: S232Data, code: str) -> bool:
    """Whether the schedule describes the provision as made for vehicles (ch. 87 always)."""
    if code.startswith("87"):
        return True
    chain = data.descriptions.get(code)
    if chain is None:
        chain = next(text for digits, text in data.descriptions.items() if digits.startswith(code))
    return VEHICLES.search(chain) is not None


def parts(
    codes: Codes, lines: tuple[int, int], start: str, *, vehicles: bool, chapter_87: bool = True
) -> Callable[[S232Data], list[Member]]:
    """The printed provisions (checked against the notes) that the schedule describes as made
    for vehicles, or those it does not; `chapter_87=False` leaves chapter 87 out."""

    def members(data: S232Data) -> list[Member]:
        check_printed(f"lines {lines}", data.notes, lines, {dotted(c) for c in codes(data)})
        return [
            Member(code, start)
            for code in codes(data)
            if for_vehicles(data, code) == vehicles and (chapter_87 or not code.startswith("87"))
        ]

    return members


def _metals_2025(data: S232Data) -> dict[str, str]:
    """Prefix -> first day on the 2025 steel and aluminum lists: the articles and derivatives
    of chapters 72, 73 and 76 as note 16(c) prints them (Annex I-A, read back to the March
    2025 proclamations) and the derivatives of the tracker's list with their inclusion dates."""
    first = {
        digits: METALS_2025_START
        for digits, metal in annex_parts(data)["1a"]
        if metal != "copper" and digits[:2] in ("72", "73", "76")
    }
    for row in data.derivatives:
        digits = _digits(row["hts_prefix"])
        start = row["effective_date"] or METALS_2025_START
        first[digits] = min(first.get(digits, start), start)  # a line listed twice: the first
    return first


def _full_value_always(digits: str) -> bool:
    """Chapter 72 and the primary aluminum of 7601-7609 stayed on their full value."""
    return digits.startswith("72") or "7601" <= digits[:4] <= "7609"


def metals_2025_full_value(data: S232Data) -> list[Member]:
    members = []
    for digits, start in sorted(_metals_2025(data).items()):
        if _full_value_always(digits):
            members.append(Member(digits, start))
        elif digits[:2] in ("73", "76") and start < CONTENT_BASE_FROM:
            members.append(Member(digits, start, "2025-06-03"))
    return members


def metals_2025_content(data: S232Data) -> list[Member]:
    members = []
    for digits, start in sorted(_metals_2025(data).items()):
        if _full_value_always(digits):
            continue
        if digits[:2] in ("73", "76"):
            start = max(start, CONTENT_BASE_FROM)
        members.append(Member(digits, start))
    return members


def annex_parts(data: S232Data) -> dict[str, list[tuple[str, str]]]:
    """Annex -> (digits, metal) of its lines: the provisions note 16(c) prints for it, on one
    annex each. The tracker's CSV gives each line's metal (else its chapter does); its rows
    that name no printed line are noted in the list."""
    printed = {
        name: sorted(_digits(code) for code in printed_codes(data.notes, *lines))
        for name, lines in ANNEX_LINES.items()
    }
    metals: dict[str, dict[str, str]] = {name: {} for name in printed}
    for row in data.annexes:
        if row["annex"] not in printed:
            continue  # Annex II: removed from Section 232, not printed
        digits = _digits(row["hts_prefix"])
        named = [c for c in printed[row["annex"]] if c.startswith(digits) or digits.startswith(c)]
        if not named:
            where = (row["annex"], row["metal_type"] == "copper")
            data.unprinted.setdefault(where, []).append(dotted(digits))
        for code in named:
            metals[row["annex"]].setdefault(code, row["metal_type"])
    nested = [
        (code, hole)
        for name, codes in printed.items()
        for other, more in printed.items()
        if other != name
        for code in codes
        for hole in more
        if hole.startswith(code)
    ]
    if nested:  # the annexes are mutually exclusive (note 16(a)): a line is on one only
        raise BuildError(f"note 16(c): provisions on two annexes: {nested[:5]}")
    parts = {
        name: [
            (code, metals[name].get(code) or CHAPTER_METALS.get(code[:2], "steel"))
            for code in codes
        ]
        for name, codes in printed.items()
    }
    return parts


def annex(name: str, copper: bool) -> Callable[[S232Data], list[Member]]:
    def members(data: S232Data) -> list[Member]:
        parts = annex_parts(data)
        chosen = [
            Member(d, ANNEXES_START) for d, metal in parts[name] if (metal == "copper") == copper
        ]
        if name == "1b" and not copper:  # Annex III pays the I-B rate from 2028
            chosen += [Member(d, ANNEX_III_AS_IB) for d, _ in parts["3"]]
        if name == "3":
            chosen = [m._replace(end=ANNEX_III_END) for m in chosen]
        return chosen

    return members


def annex_low_weight(data: S232Data) -> list[Member]:
    """Annex lines outside chapters 72, 73, 74 and 76: not subject when the metal is under
    15% of the article's weight (note 16(c))."""
    parts = annex_parts(data)
    return [
        Member(d, ANNEXES_START)
        for name in ("1a", "1b", "3")
        for d, _ in parts[name]
        if d[:2] not in ("72", "73", "74", "76")
    ]


@dataclass(frozen=True)
class PartsList:
    """A parts list of the notes, split three ways: its provisions described as made for
    vehicles; its other provisions (in scope only when claimed); and a claim that goods of
    a vehicle provision outside chapter 87 are not such parts."""

    name: str  # auto-parts: the lists are s232-auto-parts, -general and -use
    note: str  # where the notes print it: 33(g)
    out: str  # the note's subdivision for goods that are not such parts: 33(h)(ii)
    out_heading: str
    heading: str
    authority: str
    source: str
    lines: tuple[int, int]
    start: str
    parts_of: str  # what they are parts of
    other_use: str  # what else a vehicle provision outside chapter 87 holds
    claim: str  # that the goods of a general provision are such parts
    not_claim: str  # that the goods of a vehicle provision are not
    codes: Codes
    extra: str  # more for the vehicle list's note


def parts_lists(spec: PartsList) -> list[tuple[ScopeSpec, Callable[[S232Data], list[Member]]]]:
    list_id = f"s232-{spec.name}"
    reading = " The {} is this project's reading (confidence M)."
    vehicle = ScopeSpec(
        id=list_id,
        label=f"Section 232 parts of {spec.parts_of} (note {spec.note})",
        heading=spec.heading,
        authority=spec.authority,
        source=spec.source,
        confidence="H",
        about=f"Note {spec.note}: its provisions made for vehicles, from {spec.start}.",
        note=(
            f"The provisions of note {spec.note} (rev 6) that the official schedule describes "
            "as made for vehicles: their goods are such parts unless the importer claims "
            f"otherwise (list {list_id}-use); the other provisions are {list_id}-general."
            + spec.extra
        ),
        sources=(spec.name.replace("-", "_"), "schedule"),
    )
    general = replace(
        vehicle,
        id=f"{list_id}-general",
        label=f"Section 232 parts of {spec.parts_of} (note {spec.note}): general provisions",
        confidence="M",
        about=f"Note {spec.note}: its provisions of general goods, parts only when claimed.",
        note=(
            f"The provisions of note {spec.note} that the official schedule does not describe "
            "as made for vehicles (computers, pumps, bearings, motors, batteries ...): most of "
            f"their goods are not parts of {spec.parts_of} ({spec.out}), so the tariff "
            f"applies only when the importer says they are (--claim {spec.claim})."
            + reading.format("split by description")
        ),
        claim=spec.claim,
    )
    use = replace(
        vehicle,
        id=f"{list_id}-use",
        label=f"Section 232 parts of {spec.parts_of}: vehicle provisions, other uses",
        authority=f"{spec.authority}, {spec.out}",
        confidence="M",
        about=f"Note {spec.out}: a claim that goods made for vehicles are not such parts.",
        note=(
            f"Heading {spec.out_heading} (note {spec.out}) takes out the articles of "
            f"{spec.note} that are not parts of {spec.parts_of}. Outside chapter 87 a vehicle "
            f"provision also holds {spec.other_use}: the duty is collected unless the "
            f"importer claims the goods are not such parts (--claim {spec.not_claim})."
            + reading.format("reading of the note")
        ),
        kind="conditional",
        claim=spec.not_claim,
    )
    codes, lines, start = spec.codes, spec.lines, spec.start
    return [
        (vehicle, parts(codes, lines, start, vehicles=True)),
        (general, parts(codes, lines, start, vehicles=False)),
        (use, parts(codes, lines, start, vehicles=True, chapter_87=False)),
    ]


S232_NOTE_16 = (
    "HTS chapter 99 notes, 2026 rev 6, note 16(c) (shared/data/s232_metals_annex_2026-04-06.csv)"
)
ANNEX_NOTE = (
    "Each annex as note 16(c) of rev 6 prints it (the tracker's CSV, coarser, gives the metals). "
    "The annexes are mutually exclusive (note 16(a)): no provision is on two of them. "
    "Outside chapters 72, 73, 74 and 76 a line is subject "
    "only when the metal is at least 15% of the article's weight (list s232-metals-low-weight)."
)
SCOPE_SPECS: tuple[tuple[ScopeSpec, Callable[[S232Data], list[Member]]], ...] = (
    (
        ScopeSpec(
            id="s232-autos",
            label="Section 232 passenger vehicles and light trucks (note 33(b))",
            heading="9903.94.01",
            authority="Proclamation 10908; HTS US note 33(b)",
            source="HTS chapter 99 notes, 2026 rev 6, note 33(b)"
            " (shared/data/s232/s232_vehicle_wood_prefixes.csv)",
            confidence="H",
            about="Note 33(b): the vehicles of the Section 232 automobile tariff, from 2025-04-03.",
            note=(
                "As note 33(b) prints it; the tracker's prefixes cover every line but 8704.60.00. "
                "Vehicles of this list are not subject to the metals tariffs (EO 14289)."
            ),
            sources=("vehicles",),
        ),
        printed_list(AUTOS_LINES, programs("autos_passenger", "autos_light_trucks"), "2025-04-03"),
    ),
    *parts_lists(
        PartsList(
            name="auto-parts",
            note="33(g)",
            out="33(h)(ii)",
            out_heading="9903.94.06",
            heading="9903.94.05",
            authority="Proclamation 10908, Annex I; HTS US note 33(g)",
            source=AUTO_PARTS_SOURCE,
            lines=AUTO_PARTS_LINES,
            start="2025-05-03",
            parts_of="passenger vehicles and light trucks",
            other_use="parts of buses and heavy trucks",
            claim="auto-part",
            not_claim="not-auto-part",
            codes=lambda data: data.auto_parts,
            extra="",
        )
    ),
    (
        ScopeSpec(
            id="s232-mhd-vehicles",
            label="Section 232 medium and heavy-duty vehicles (note 38(b))",
            heading="9903.74.01",
            authority="Proclamation 10984, Annex; HTS US note 38(b)",
            source="HTS chapter 99 notes, 2026 rev 6, note 38(b)"
            " (shared/data/s232/s232_vehicle_wood_prefixes.csv)",
            confidence="H",
            about="Note 38(b): medium and heavy-duty vehicles, from 2025-11-01.",
            note=(
                "As note 38(b) prints it. 8704.60.00 is also in note 33(b) (light trucks): such a "
                "vehicle pays the automobile tariff (s232-trucks yields to it). Vehicles of this "
                "list are not subject to the metals tariffs (note 38(a))."
            ),
            sources=("vehicles",),
        ),
        printed_list(MHD_VEHICLES_LINES, programs("mhd_vehicles"), "2025-11-01"),
    ),
    *parts_lists(
        PartsList(
            name="mhd-parts",
            note="38(i)",
            out="38(l)",
            out_heading="9903.74.11",
            heading="9903.74.08",
            authority="Proclamation 10984, Annex I; HTS US note 38(i)",
            source=MHD_PARTS_SOURCE,
            lines=MHD_PARTS_LINES,
            start="2025-11-01",
            parts_of="medium and heavy-duty vehicles",
            other_use="parts of cars",
            claim="mhd-part",
            not_claim="not-mhd-part",
            codes=lambda data: data.mhd_parts,
            extra=(
                " Most are also auto parts of note 33(g): such a part pays the auto-parts tariff "
                "(s232-trucks yields to it; which one applies is not in the facts). Parts of this "
                "list are not subject to the metals or wood tariffs (note 38(h))."
            ),
        )
    ),
    (
        ScopeSpec(
            id="s232-buses",
            label="Section 232 buses (note 38(c))",
            heading="9903.74.02",
            authority="Proclamation 10984; HTS US note 38(c)",
            source="HTS chapter 99 notes, 2026 rev 6, note 38(c)"
            " (shared/data/s232/s232_vehicle_wood_prefixes.csv)",
            confidence="H",
            about="Note 38(c): buses of heading 8702, from 2025-11-01.",
            note="As note 38(c) prints it (the tracker gives heading 8702 whole).",
            sources=("vehicles",),
        ),
        printed_list(BUSES_LINES, programs("buses"), "2025-11-01"),
    ),
    (
        ScopeSpec(
            id="s232-copper",
            label="Section 232 semi-finished copper and intensive copper derivatives (note 36)",
            heading="9903.78.01",
            authority="Proclamation 10962; HTS US note 36",
            source="shared/data/s232/s232_copper_products.csv",
            confidence="M",
            about="Note 36: copper articles, on their copper content, from 2025-08-01.",
            note=UNPRINTED
            + " Note 36 is deleted in rev 6: from 2026-04-06 copper is in the annexes of note 16.",
            sources=("copper",),
        ),
        lambda data: [Member(code, "2025-08-01") for code in data.copper],
    ),
    (
        ScopeSpec(
            id="s232-steel-alu-full-value",
            label="Section 232 steel and aluminum articles charged on their full value (2025)",
            heading="9903.81.87",
            authority="Proclamations 10895, 10896 and 10947 (cl. 6); HTS 9903.81.87, 9903.85.02",
            source=S232_NOTE_16 + " and shared/data/s232/s232_derivative_products.csv",
            confidence="M",
            about="Steel and aluminum articles on their full value, from 2025-03-12.",
            note=(
                "Chapter 72 and the primary aluminum of 7601-7609 throughout; the articles of "
                "chapters 73 and 76 until 2025-06-03 (from 2025-06-04 only their metal content, "
                "list s232-steel-alu-content). The 2025 article lists are read back from Annex "
                "I-A of note 16 (rev 6), which carried them over: the March 2025 annexes were "
                "not in the shared data (confidence M)."
            ),
            sources=("annexes", "derivatives"),
        ),
        metals_2025_full_value,
    ),
    (
        ScopeSpec(
            id="s232-steel-alu-content",
            label="Section 232 steel and aluminum articles charged on their metal content (2025)",
            heading="9903.81.91",
            authority=(
                "Proclamations 10895, 10896 and 10947 (cl. 6), inclusions of 2025-08-18; "
                "HTS 9903.81.89-.91, 9903.85.04/.07/.08"
            ),
            source=S232_NOTE_16 + " and shared/data/s232/s232_derivative_products.csv",
            confidence="M",
            about="Steel and aluminum derivatives on their metal content, from 2025-03-12.",
            note=(
                "Derivatives outside chapters 72, 73 and 76 from the March 2025 proclamations or "
                "the inclusions of 2025-08-18; the articles of chapters 73 and 76 (but 7601-7609) "
                "from 2025-06-04 (Proclamation 10947 cl. 6). Without --metal-value the duty falls "
                "on the full value (CBP's rule when the content is not reported)."
            ),
            sources=("annexes", "derivatives"),
        ),
        metals_2025_content,
    ),
    *(
        (
            ScopeSpec(
                id=f"s232-metals-annex-{name}{'-copper' if copper else ''}",
                label=f"Section 232 metals Annex {label}{' (copper)' if copper else ''}",
                heading=heading,
                authority="Proclamation 11021 (2026-04-02); HTS US note 16(c)",
                source=S232_NOTE_16,
                confidence="H",
                about=f"Note 16(c), Annex {label}{' (copper)' if copper else ''}: {what}.",
                note=ANNEX_NOTE + extra,
                sources=("annexes",),
            ),
            annex(name, copper),
        )
        for name, copper, label, heading, what, extra in (
            (
                "1a",
                False,
                "I-A",
                "9903.82.02",
                "steel and aluminum articles, +50% from 2026-04-06",
                "",
            ),
            ("1a", True, "I-A", "9903.82.02", "copper articles, +50% from 2026-04-06", ""),
            (
                "1b",
                False,
                "I-B",
                "9903.82.09",
                "steel and aluminum derivatives, +25% from 2026-04-06",
                " The lines of Annex III join this list on 2028-01-01 (they pay the I-B rate).",
            ),
            ("1b", True, "I-B", "9903.82.09", "copper derivatives, +25% from 2026-04-06", ""),
            ("3", False, "III", "9903.82.10", "15% in all until 2027-12-31, then Annex I-B", ""),
        )
    ),
    (
        ScopeSpec(
            id="s232-metals-low-weight",
            label="Section 232 metals annexes: articles whose metal is under 15% of their weight",
            heading="9903.82.03",
            authority="Proclamation 11021 (2026-04-02); HTS US note 16(c)",
            source=S232_NOTE_16,
            confidence="H",
            about="Note 16(c): annex lines outside ch. 72/73/74/76, exempt by the 15% weight test.",
            note=(
                "Outside chapters 72, 73, 74 and 76 the annex headings apply only where the metal "
                "is at least 15% of the article's weight (aggregate weight of the listed metals). "
                "The duty is collected unless the importer claims it is not "
                "(--claim metal-under-15-percent)."
            ),
            sources=("annexes",),
            kind="conditional",
            claim="metal-under-15-percent",
        ),
        annex_low_weight,
    ),
    (
        ScopeSpec(
            id="s232-semiconductors",
            label="Section 232 semiconductor articles (note 39(b))",
            heading="9903.79.01",
            authority="Proclamation of 2026-01-14; HTS US note 39(b)",
            source="HTS chapter 99 notes, 2026 rev 6, note 39(b)"
            " (shared/data/s232/s232_semi_products.csv)",
            confidence="H",
            about="Note 39(b): the provisions of semiconductor articles, from 2026-01-15.",
            note=(
                "The provisions note 39(b) prints. Only logic integrated circuits (or articles "
                "holding one) within its performance and bandwidth parameters are covered: the "
                "duty is collected unless the importer claims the goods fall outside them (list "
                "s232-semiconductors-parameters). They pay no auto, MHD or metals tariff (39(a))."
            ),
            sources=("semis",),
        ),
        printed_list(SEMIS_LINES, lambda data: data.semis, "2026-01-15"),
    ),
    (
        ScopeSpec(
            id="s232-semiconductors-parameters",
            label="Section 232 semiconductors: articles outside the technical parameters",
            heading="9903.79.01",
            authority="Proclamation of 2026-01-14; HTS US note 39(b)",
            source="HTS chapter 99 notes, 2026 rev 6, note 39(b)"
            " (shared/data/s232/s232_semi_products.csv)",
            confidence="H",
            about="Note 39(b): a claim that the goods are not semiconductor articles.",
            note=(
                "Note 39(b) covers only logic integrated circuits, or articles holding one, of a "
                "total processing performance and DRAM bandwidth within its two windows. The "
                "duty is collected unless the importer claims the goods are outside them "
                "(--claim not-semiconductor-article). The end-use exemptions of "
                "9903.79.03-.09 are not encoded."
            ),
            sources=("semis",),
            kind="conditional",
            claim="not-semiconductor-article",
        ),
        printed_list(SEMIS_LINES, lambda data: data.semis, "2026-01-15"),
    ),
    *(
        (
            ScopeSpec(
                id=f"s232-{program_name.replace('_', '-')}",
                label=f"Section 232 {label} (note 37{part})",
                heading=heading,
                authority=f"Proclamation 10976; HTS US note 37{part}",
                source=f"HTS chapter 99 notes, 2026 rev 6, note 37{part}"
                " (shared/data/s232/s232_vehicle_wood_prefixes.csv)",
                confidence="H",
                about=f"Note 37{part}: {label}, from 2025-10-14.",
                note=f"As note 37{part} prints it.",
                sources=("vehicles",),
            ),
            checked(programs(program_name), WOOD_LINES[program_name], "2025-10-14"),
        )
        for program_name, label, heading, part in (
            ("softwood_lumber", "softwood timber and lumber", "9903.76.01", "(b)"),
            ("wood_furniture", "upholstered wooden furniture", "9903.76.02", "(d)"),
            ("kitchen_cabinets", "kitchen cabinets and vanities", "9903.76.03", "(f)"),
        )
    ),
)


def build_scope(spec: ScopeSpec, members: list[Member], shared: Path) -> str:
    entries = sorted(
        (Entry(dotted(m.digits), m.start, m.end, None, m.confidence, m.note) for m in members),
        key=lambda e: (e.hts, e.start),
    )
    keys = [(entry.hts, entry.start) for entry in entries]
    if not entries or len(set(keys)) != len(keys):
        raise BuildError(f"{spec.id}: empty, or a line listed twice with the same start date")
    names = [S232_SOURCES[key] for key in spec.sources]
    if spec.confidence == "H":
        names.append(NOTES_TEXT)
    hashes = {name: sha256_of(shared / "data" / name) for name in names}
    head = Header(
        spec.id,
        spec.label,
        spec.heading,
        spec.authority,
        spec.source,
        spec.confidence,
        spec.kind,
        spec.claim,
        "all",
        spec.note,
        spec.about,
        ", ".join(f"../shared/data/{name}" for name in names[:2]),
    )
    return render(head, entries, hashes)


def build_s232(shared: Path, notes: list[str]) -> dict[str, str]:
    data = S232Data(shared, notes)
    built = {}
    for spec, members in SCOPE_SPECS:
        lines = members(data)  # first: reading an annex notes the tracker's unprinted rows
        built[f"{spec.id}.yaml"] = build_scope(_with_unprinted(spec, data), lines, shared)
    return built


def _with_unprinted(spec: ScopeSpec, data: S232Data) -> ScopeSpec:
    """An annex list says which of the tracker's rows for it rev 6 does not print."""
    found = re.fullmatch(r"s232-metals-annex-(\w+?)(-copper)?", spec.id)
    where = (found.group(1), found.group(2) is not None) if found else None
    left_out = data.unprinted.get(where, []) if where else []
    if not left_out:
        return spec
    extra = (
        f" The tracker's rows {', '.join(sorted(set(left_out)))} are not printed in this annex"
        " of rev 6 and are left out (perhaps Annex I-C from 2026-06-08, not in the data)."
    )
    return replace(spec, note=spec.note + extra)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_all(shared: Path) -> dict[str, str]:
    """File name -> text of every list."""
    # Latin-1: the notes text is a PDF extraction whose dashes are single 0xFF bytes; split on
    # "\n" only, as the CSVs count lines.
    notes = gzip.decompress((shared / "data" / NOTES_TEXT).read_bytes()).decode("latin-1")
    lines = notes.split("\n")
    built = {f"{spec.id}.yaml": build_one(spec, shared, lines) for spec in SPECS}
    return built | build_s232(shared, lines)


def differing(out: Path, built: dict[str, str]) -> list[str]:
    """Names of the files that are missing, stale or not made by this script (another
    builder's lists, such as scripts/build_origins.py's, say so in their first line)."""
    on_disk = {
        path.name
        for path in out.glob("*.yaml")
        if not path.read_text(encoding="utf-8").startswith("# Built by scripts/build_origins.py")
    }
    names = sorted(on_disk | built.keys())
    return [
        name
        for name in names
        if name not in built
        or name not in on_disk
        or (out / name).read_text(encoding="utf-8") != built[name]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build data/lists/*.yaml from the shared data.")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "lists")
    parser.add_argument("--check", action="store_true", help="exit 1 if a shipped file differs")
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "exemptions").is_dir():
        print(
            f"build_lists: error: no {args.shared}/data/exemptions (see --shared)", file=sys.stderr
        )
        return 2
    try:
        built = build_all(args.shared)
    except (BuildError, OSError, KeyError) as error:
        print(f"build_lists: error: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = differing(args.out, built)
        for name in stale:
            print(f"build_lists: {args.out / name} differs from a fresh build", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in built.items():
        (args.out / name).write_text(text, encoding="utf-8", newline="\n")
    print(f"build_lists: wrote {len(built)} lists to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
