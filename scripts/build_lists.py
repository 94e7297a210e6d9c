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
from dataclasses import dataclass
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


def render(spec: ListSpec, entries: list[Entry], hashes: dict[str, str]) -> str:
    first, last = spec.notes_lines
    claim = spec.claim if spec.claim is not None else "null"
    note = textwrap.fill(
        spec.note, width=96, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False
    )
    head = [
        f"# Built by scripts/build_lists.py from ../shared/data/{spec.csv_file};"
        " do not edit by hand.\n",
        f"# {spec.about}\n",
        RULE,
        "schema: 1\n",
        f"id: {spec.id}\n",
        f"label: {plain(spec.label)}\n",
        f"heading: {quoted(spec.heading)}\n",
        f"authority: {plain(spec.authority)}\n",
        f"source: HTS chapter 99 notes, 2026 rev 6, lines {first}-{last} "
        f"(shared/data/{spec.csv_file})\n",
        "confidence: H\n",
        f"kind: {spec.kind}  # exemption (whole line) | conditional | partial (by description)\n",
        f"claim: {claim}  # what the user must claim for a conditional or partial list\n",
        f"origins: {spec.origins}\n",
        "built_from:\n",
        *(f"  - {{file: {name}, sha256: {quoted(digest)}}}\n" for name, digest in hashes.items()),
        f"note: >-\n{note}\n",
        f"lines:  # {len(entries)} entries, sorted by hts then from\n",
    ]
    return "".join(head) + "".join(entry_line(entry) for entry in entries)


def build_one(spec: ListSpec, shared: Path, notes: list[str]) -> str:
    rows = read_csv(shared, spec)
    check_against_notes(spec, rows, notes)
    entries = sorted((entry_of(spec, row) for row in rows), key=lambda e: (e.hts, e.start))
    keys = [(entry.hts, entry.start) for entry in entries]
    if len(set(keys)) != len(keys):
        raise BuildError(f"{spec.csv_file}: a line is listed twice with the same start date")
    hashes = {name: sha256_of(shared / "data" / name) for name in (spec.csv_file, NOTES_TEXT)}
    return render(spec, entries, hashes)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_all(shared: Path) -> dict[str, str]:
    """File name -> text of every list."""
    # Latin-1: the notes text is a PDF extraction whose dashes are single 0xFF bytes; split on
    # "\n" only, as the CSVs count lines.
    notes = gzip.decompress((shared / "data" / NOTES_TEXT).read_bytes()).decode("latin-1")
    lines = notes.split("\n")
    return {f"{spec.id}.yaml": build_one(spec, shared, lines) for spec in SPECS}


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
