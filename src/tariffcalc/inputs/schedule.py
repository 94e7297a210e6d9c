"""The full Harmonized Tariff Schedule: import the USITC export once, then look lines up fast.

`tariffcalc hts import FILE` reads the USITC JSON export (gzipped or not) or the
CSV the USITC site exports, and writes a compact SQLite index to the user's data
directory ($TARIFFCALC_DATA_DIR, else $XDG_DATA_HOME/tariffcalc or
~/.local/share/tariffcalc). A lookup is one indexed query, so `duty --hts` with
the schedule costs about as much as with the curated table.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from tariffcalc.errors import TariffcalcError
from tariffcalc.law.hts import hts_digits, spreadsheet_hint
from tariffcalc.law.ratetext import Rate, RateTextError, parse_rate

DATA_ENV = "TARIFFCALC_DATA_DIR"
INDEX_NAME = "hts.sqlite3"
INDEX_VERSION = "3"  # 3: statistical suffixes inherit the special and column 2 too
# The 2026 revision 10 JSON export is 13.5 MB (0.7 MB gzipped): this bound leaves room for
# nearly five times that, and stops a small gzip that expands to gigabytes.
MAX_EXPORT_BYTES = 64 * 1024 * 1024
# `hts search` words: enough for any description, few enough that a query stays fast.
MAX_SEARCH_WORDS = 32
MAX_WORD_CHARACTERS = 64
CSV_HEADER = [
    "HTS Number",
    "Indent",
    "Description",
    "Unit of Quantity",
    "General Rate of Duty",
    "Special Rate of Duty",
    "Column 2 Rate of Duty",
    "Quota Quantity",
    "Additional Duties",
]


class ScheduleError(TariffcalcError):
    pass


class RawRow(NamedTuple):
    code: str  # digits only; '' for a row that only groups the rows below it
    indent: int
    description: str
    general: str
    special: str
    other: str
    units: tuple[str, ...]


class ScheduleLine(NamedTuple):
    code: str  # digits
    indent: int
    description: str
    general: str  # the general rate text that applies (a statistical suffix inherits it)
    rate_from: str  # the code that carries that rate text
    special: str
    other: str
    units: tuple[str, ...]
    parents: tuple[str, ...]  # descriptions of the enclosing rows, outermost first

    @property
    def rate(self) -> Rate | None:
        return parse_rate(self.general) if self.general else None


class ImportReport(NamedTuple):
    path: Path
    revision: str
    rows: int
    lines: int  # rows with an HTS number
    rated: int  # rows with their own general rate text
    unparsed: list[tuple[str, str]]  # (code, rate text) the parser could not read
    seconds: float


def data_dir() -> Path:
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return Path(base) / "tariffcalc"


def index_path() -> Path:
    return data_dir() / INDEX_NAME


# --- reading the export ---------------------------------------------------------------


def read_rows(data: bytes, name: str) -> list[RawRow]:
    """Rows of a USITC export: JSON (a list of objects) or CSV, gzipped or not."""
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, name)
    if len(data) > MAX_EXPORT_BYTES:
        raise ScheduleError(_too_large(name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScheduleError(f"{name}: expected UTF-8 text (the USITC JSON or CSV export)") from None
    if text.lstrip().startswith("["):
        return _json_rows(text, name)
    return _csv_rows(text, name)


def _gunzip(data: bytes, name: str) -> bytes:
    """The decompressed bytes, read no further than one byte past the bound."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as file:
            return file.read(MAX_EXPORT_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise ScheduleError(f"{name}: not a valid gzip file ({error})") from None


def _too_large(name: str) -> str:
    return (
        f"{name}: expected a USITC export of at most {MAX_EXPORT_BYTES // 2**20} MB"
        " (uncompressed); this one is larger"
    )


def _json_rows(text: str, name: str) -> list[RawRow]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScheduleError(f"{name}: not valid JSON ({error})") from None
    except RecursionError:
        raise ScheduleError(f"{name}: not the USITC export (JSON nested too deep)") from None
    rows = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or "description" not in item or "indent" not in item:
            raise ScheduleError(
                f"{name}: row {number}: expected an object with htsno, indent, description,"
                " general, special, other, units"
            )
        rows.append(
            _row(
                number,
                name,
                item.get("htsno"),
                item["indent"],
                item["description"],
                item.get("general"),
                item.get("special"),
                item.get("other"),
                item.get("units"),
            )
        )
    return rows


def _csv_rows(text: str, name: str) -> list[RawRow]:
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader, [])]
    if header[: len(CSV_HEADER)] != CSV_HEADER:
        raise ScheduleError(
            f"{name}: expected the USITC JSON export or a CSV with the header"
            f" {', '.join(CSV_HEADER)}; got {', '.join(header[:4]) or 'nothing'}, ..."
        )
    rows = []
    for number, cells in enumerate(reader, 2):
        if not any(cells):
            continue
        cells += [""] * (len(CSV_HEADER) - len(cells))
        units = _csv_units(cells[3], number, name)
        rows.append(
            _row(number, name, cells[0], cells[1], cells[2], cells[4], cells[5], cells[6], units)
        )
    return rows


def _csv_units(cell: str, number: int, name: str) -> list[str]:
    cell = cell.strip()
    if not cell:
        return []
    try:
        units = json.loads(cell)
    except json.JSONDecodeError:
        units = None
    if not isinstance(units, list):
        raise ScheduleError(
            f'{name}: line {number}: units: expected a JSON array such as ["No.","kg"]'
        )
    return [str(u) for u in units]


def _row(
    number: int,
    name: str,
    code: Any,
    indent: Any,
    description: Any,
    general: Any,
    special: Any,
    other: Any,
    units: Any,
) -> RawRow:
    digits = hts_digits(str(code or ""))
    if digits and (not digits.isdigit() or len(digits) not in (2, 4, 6, 8, 10)):
        hint = spreadsheet_hint(str(code)) or f"expected 4 to 10 digits, got {code!r}"
        raise ScheduleError(f"{name}: row {number}: htsno: {hint}")
    try:
        level = int(str(indent).strip() or 0)
    except ValueError:
        raise ScheduleError(
            f"{name}: row {number}: indent: expected a number, got {indent!r}"
        ) from None
    return RawRow(
        code=digits,
        indent=level,
        description=" ".join(str(description or "").split()),
        general=" ".join(str(general or "").split()),
        special=" ".join(str(special or "").split()),
        other=" ".join(str(other or "").split()),
        units=_units(units, number, name),
    )


def _units(units: Any, number: int, name: str) -> tuple[str, ...]:
    """The units of quantity: a list, or one unit as a string ("kg" is ["kg"], not
    ["k", "g"])."""
    if isinstance(units, str):
        units = [units]
    if units is None:
        units = []
    if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
        raise ScheduleError(
            f'{name}: row {number}: units: expected a list of units such as ["No.", "kg"],'
            f" got {str(units)[:40]!r}"
        )
    return tuple(u.strip() for u in units if u.strip())


# --- the index --------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE line(
    id INTEGER PRIMARY KEY, code TEXT NOT NULL, indent INTEGER NOT NULL, description TEXT NOT NULL,
    general TEXT NOT NULL, rate_from TEXT NOT NULL, special TEXT NOT NULL, other TEXT NOT NULL,
    units TEXT NOT NULL, parent INTEGER
);
CREATE INDEX line_code ON line(code);
"""


def import_schedule(
    data: bytes, name: str, *, revision: str | None = None, destination: Path | None = None
) -> ImportReport:
    """Index an export; the previous index is replaced only once the new one is complete."""
    started = time.perf_counter()
    rows = read_rows(data, name)
    if not any(row.code for row in rows):
        raise ScheduleError(f"{name}: no HTS lines found")
    destination = destination or index_path()
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    unparsed = []
    try:
        with sqlite3.connect(temporary) as db:
            db.executescript(_SCHEMA)
            records = list(_records(rows))
            db.executemany(
                "INSERT INTO line VALUES (?,?,?,?,?,?,?,?,?,?)", [r[:-1] for r in records]
            )
            search = _create_search(db, [(r[0], r[-1]) for r in records if r[1]])
            meta = {
                "index_version": INDEX_VERSION,
                "revision": revision or _revision_from_name(name),
                "source": name,
                "imported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "rows": str(len(rows)),
                "search": search,
            }
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        for row in rows:
            if row.general:
                try:
                    parse_rate(row.general)
                except RateTextError:
                    unparsed.append((row.code, row.general))
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
    return ImportReport(
        path=destination,
        revision=meta["revision"],
        rows=len(rows),
        lines=sum(1 for row in rows if row.code),
        rated=sum(1 for row in rows if row.general),
        unparsed=unparsed,
        seconds=time.perf_counter() - started,
    )


def _records(rows: list[RawRow]) -> Iterator[tuple[Any, ...]]:
    """One record a row, with its parent (by indent) and the rates it inherits."""
    stack: list[tuple[int, RawRow, _Rates]] = []  # (id, row, rates in force)
    for row_id, row in enumerate(rows, 1):
        while stack and stack[-1][1].indent >= row.indent:
            stack.pop()
        parent = stack[-1] if stack else None
        # A row without a rate of its own inherits its parent's columns, the special and
        # column 2 with the general (statistical suffixes do).
        inherited = parent[2] if parent else _Rates("", "", "", "")
        rates = (
            _Rates(row.general, row.code, row.special, row.other)
            if row.general
            else _Rates(
                inherited.general,
                inherited.rate_from,
                row.special or inherited.special,
                row.other or inherited.other,
            )
        )
        path = " ".join([*(entry[1].description for entry in stack), row.description])
        yield (
            row_id,
            row.code,
            row.indent,
            row.description,
            rates.general,
            rates.rate_from,
            rates.special,
            rates.other,
            json.dumps(row.units),
            parent[0] if parent else None,
            path,
        )
        stack.append((row_id, row, rates))


class _Rates(NamedTuple):
    general: str
    rate_from: str  # the code whose row carries them
    special: str
    other: str


def _create_search(db: sqlite3.Connection, paths: list[tuple[int, str]]) -> str:
    """Full-text search over each line's words and its parents' where SQLite has FTS5
    (contentless: the index only, not a copy of the text); else LIKE on descriptions."""
    try:
        db.execute("CREATE VIRTUAL TABLE line_text USING fts5(path, content='')")
    except sqlite3.OperationalError:
        return "like"
    db.executemany("INSERT INTO line_text(rowid, path) VALUES (?, ?)", paths)
    return "fts5"


def _revision_from_name(name: str) -> str:
    match = re.search(r"(\d{4})[_ -]?rev(?:ision)?[_ -]?(\d+)", Path(name).name, re.IGNORECASE)
    if match:
        return f"{match.group(1)} revision {match.group(2)}"
    return f"unknown (from {Path(name).name})"


class Schedule:
    """An imported schedule, read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            self.meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as error:
            raise ScheduleError(
                f"{path}: not a usable HTS index ({error}); run `tariffcalc hts import FILE` again"
            ) from None
        if self.meta.get("index_version") != INDEX_VERSION:
            raise ScheduleError(
                f"{path}: made by another version; run `tariffcalc hts import FILE` again"
            )

    @property
    def revision(self) -> str:
        return str(self.meta.get("revision", "unknown"))

    def line(self, digits: str) -> ScheduleLine | None:
        found = self.db.execute(
            "SELECT * FROM line WHERE code = ? ORDER BY id LIMIT 1", (digits,)
        ).fetchone()
        return self._line(found) if found else None

    def under(self, digits: str, limit: int = 50) -> list[ScheduleLine]:
        """Lines whose code starts with `digits` (its subheadings and statistical suffixes)."""
        # A range, not LIKE, so that the code index serves it (codes are digits; ':' follows '9').
        found = self.db.execute(
            "SELECT * FROM line WHERE code > ? AND code < ? ORDER BY id LIMIT ?",
            (digits, digits + ":", limit),
        ).fetchall()
        return [self._line(row) for row in found]

    def rate_line(self, digits: str) -> ScheduleLine | None:
        """The line that carries a rate for `digits`: itself, or its one rated line below."""
        line = self.line(digits)
        if line is not None and line.general:
            return line
        rated = {below.general: below for below in self.under(digits, 200) if below.general}
        if len(digits) >= 8 and len(rated) == 1:
            return next(iter(rated.values()))
        return None

    def closest(self, digits: str, count: int = 5) -> list[str]:
        """Valid codes sharing the longest prefix with `digits`."""
        for length in range(len(digits) - 1, 1, -1):
            found = self.db.execute(
                "SELECT code FROM line WHERE code >= ? AND code < ? AND length(code) >= 8"
                " ORDER BY id LIMIT ?",
                (digits[:length], digits[:length] + ":", count),
            ).fetchall()
            if found:
                return [code for (code,) in found]
        return []

    def search(self, words: str, limit: int = 20) -> list[ScheduleLine]:
        terms = search_terms(words)
        if not terms:
            return []
        if self.meta.get("search") == "fts5":
            # Each term a quoted prefix: a term is letters and digits only, never a quote
            # or an FTS5 operator.
            query = " ".join(f'"{t}"*' for t in terms)
            found = self.db.execute(
                "SELECT line.* FROM line_text JOIN line ON line.id = line_text.rowid"
                " WHERE line_text MATCH ? ORDER BY line_text.rank, line.id LIMIT ?",
                (query, limit),
            ).fetchall()
        else:
            # Only "?" placeholders are put into the SQL text; the words are parameters.
            where = " AND ".join("lower(description) LIKE ?" for _ in terms)
            found = self.db.execute(
                f"SELECT * FROM line WHERE code != '' AND {where} ORDER BY id LIMIT ?",
                (*(f"%{t}%" for t in terms), limit),
            ).fetchall()
        return [self._line(row) for row in found]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM line WHERE code != ''").fetchone()[0])

    def _line(self, row: tuple[Any, ...]) -> ScheduleLine:
        _, code, indent, description, general, rate_from, special, other, units, parent = row
        return ScheduleLine(
            code,
            indent,
            description,
            general,
            rate_from,
            special,
            other,
            tuple(json.loads(units)),
            tuple(self._parents(parent)),
        )

    def _parents(self, parent: int | None) -> Iterable[str]:
        chain: list[str] = []
        while parent is not None:
            found = self.db.execute(
                "SELECT description, parent FROM line WHERE id = ?", (parent,)
            ).fetchone()
            if found is None:
                break
            chain.append(found[0])
            parent = found[1]
        return reversed(chain)


def search_terms(words: str) -> list[str]:
    """The distinct words of a search, in order, bounded in number and length: each word
    costs a pass over the lines its prefix matches."""
    terms = list(dict.fromkeys(re.findall(r"\w+", words.lower())))
    if len(terms) > MAX_SEARCH_WORDS:
        raise ScheduleError(
            f"search: expected at most {MAX_SEARCH_WORDS} different words, got {len(terms)}"
        )
    long = next((t for t in terms if len(t) > MAX_WORD_CHARACTERS), None)
    if long is not None:
        raise ScheduleError(
            f"search: expected words of at most {MAX_WORD_CHARACTERS} characters,"
            f" got one of {len(long)}"
        )
    return terms


def open_schedule() -> Schedule | None:
    """The imported schedule, or None when there is none."""
    path = index_path()
    return Schedule(path) if path.is_file() else None
