"""Files of rows: CSV (comma, semicolon or tab), JSON Lines or .xlsx, with flexible headers.

A file's records stay text (`Record`) until `to_rows` parses them into `InputRow`s,
so that worker processes can do the parsing. Headers are matched to canonical
fields through their aliases, in any case and with spaces, underscores and hyphens
folded, so Flexport's bulk-upload layout is read as it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from tariffcalc.errors import InputError

# Canonical field -> the header names it goes by (compared lower-case, with spaces,
# underscores and hyphens folded). Flexport's bulk-upload layout is among them.
ALIASES = {
    "value": ["value", "value usd", "customs value", "entered value", "declared value", "amount"],
    "hts": ["hts", "us hts code", "hts code", "htsus", "hts number", "hts no"],
    "sector": ["sector"],
    "origin": ["origin", "origin country", "country of origin", "country", "coo"],
    "entry_date": ["entry date", "date", "date of entry"],
    "mfn": ["mfn", "mfn rate"],
    "metal_value": ["metal value", "metal content", "metal content value"],
    "us_content": ["us content", "us content value"],
    "freight": ["freight"],
    "insurance": ["insurance"],
    "mode": ["mode", "transport mode"],
    "quantity": ["quantity", "qty"],
    "unit": ["unit", "uom", "unit of quantity"],
    "currency": ["currency"],
    "fx": ["fx", "fx rate", "exchange rate"],
    "id": ["id", "sku", "line", "line id", "item", "item id"],
    "entry_number": ["entry number", "entry no"],
}
_FOLD = re.compile(r"[\s_\-]+")
LOOKUP = {
    _FOLD.sub(" ", alias).strip(): field for field, names in ALIASES.items() for alias in names
}
MALFORMED = "\x00"  # starts a record that is only the reason it cannot be read
MAX_RECORD_LINES = 100  # lines a quoted field may span
MAX_RECORD_CHARS = 131_072  # the csv module's own limit on a field
NOT_UTF8 = "not UTF-8 text (a byte of another encoding, such as Latin-1): save the file as UTF-8"
CHUNK = 5_000  # records read, parsed and scored together (a worker's share of the work)
# The delimiters a header row is tried with, and the names --delimiter takes for them.
DELIMITERS = {",": ",", "comma": ",", ";": ";", "semicolon": ";", "tab": "\t", "\\t": "\t"}
EXCEL_MISSING = ".xlsx files need openpyxl: pip install 'tariffcalc[excel]'"


def fold(header: str) -> str:
    return _FOLD.sub(" ", header.strip().lower()).strip()


class InputRow(NamedTuple):
    """A row of an input file, as read."""

    line: int  # line number in the file (the header is line 1 for CSV)
    cells: dict[str, Any]  # original header -> cell, as read (JSON values stay JSON values)
    fields: dict[str, str]  # canonical field -> cell
    malformed: str | None = None  # why the record could not be read as a row at all


class Layout(NamedTuple):
    """How to turn a file's records into rows."""

    name: str
    jsonl: bool
    header: list[str]  # for JSON Lines, the first object's keys
    delimiter: str = ","
    mapping: tuple[tuple[int, str], ...] = ()  # CSV column index -> canonical field


Record = tuple[int, str]  # (line number, the record's text)


def delimiter_named(name: str) -> str:
    """The delimiter --delimiter names: ',', ';', 'tab' (or a tab), 'comma', 'semicolon'."""
    found = "\t" if name == "\t" else DELIMITERS.get(name.strip().lower())
    if found is None:
        raise InputError("delimiter", f"expected ',', ';' or 'tab', got {name!r}")
    return found


def detect_delimiter(header: str) -> str:
    """The delimiter of a header row: the most frequent of comma, semicolon and tab (a
    comma when none is there, a one-column file)."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class Lines(Protocol):
    """What `read_records` reads: a text file, or lines from elsewhere (a workbook)."""

    def readline(self) -> str: ...

    def __iter__(self) -> Iterator[str]: ...


def read_records(
    stream: Lines, name: str, delimiter: str | None = None
) -> tuple[Layout, Iterator[Record]]:
    """The layout and the raw records of a CSV or JSON Lines stream; the CSV delimiter is
    `delimiter`, else the header row's (see `detect_delimiter`).

    Records stay text until `to_rows`, so that worker processes can parse them."""
    first = stream.readline()
    line = 1
    while first and not first.strip():
        first = stream.readline()
        line += 1
    if not first:
        raise InputError("file", f"{name}: empty, expected a header row or JSON Lines")
    if _not_utf8(first):
        raise InputError("file", f"{name}: line {line}: not UTF-8 text (UTF-16?): save it as UTF-8")
    if first.lstrip().startswith("{"):
        try:
            header = list(_json_object(first))
        except InputError as error:
            raise InputError("file", f"{name}: line {line}: {error.message}") from None
        _mapping(header, name)
        return Layout(name, True, header), _lines(stream, line, first)
    delimiter = delimiter or detect_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    mapping = tuple(_mapping(header, name))
    return Layout(name, False, header, delimiter, mapping), _csv_records(
        stream, line + 1, delimiter
    )


def _lines(stream: Lines, line: int, first: str) -> Iterator[Record]:
    yield line, first
    for number, text in enumerate(stream, line + 1):
        if not text.isascii() and _not_utf8(text):
            yield number, _malformed(NOT_UTF8)
        elif text.strip():
            yield number, text


def _csv_records(stream: Lines, line: int, delimiter: str) -> Iterator[Record]:
    """One record per row; a quoted field may span lines (its quotes are then unbalanced).

    A record still open after MAX_RECORD_LINES lines, or longer than MAX_RECORD_CHARS, is
    malformed (a stray quote, a runaway field): its first line is rejected and the lines
    after it are read again, so it costs one row and a bounded amount of work."""
    again: deque[tuple[int, str]] = deque()
    source = _numbered(stream, line, again)
    for number, text in source:
        if not text.isascii() and _not_utf8(text):
            yield number, _malformed(NOT_UTF8)
            continue
        if '"' not in text or _quoting(text, delimiter) != OPEN:
            if len(text) > MAX_RECORD_CHARS:
                yield number, _malformed(f"a row longer than {MAX_RECORD_CHARS:,} characters")
            elif text.strip():
                yield number, text
            continue
        pending, size, closed = [text], len(text), False
        for _, more in source:
            pending.append(more)
            size += len(more)
            if len(pending) > MAX_RECORD_LINES or size > MAX_RECORD_CHARS:
                break
            if not more.isascii() and _not_utf8(more):
                break  # rejected alone when read again
            state = _quoting("".join(pending), delimiter) if '"' in more else OPEN
            if state != OPEN:
                closed = state == CLOSED  # else a quote closed mid-field: the first was stray
                break
        if closed:
            yield number, "".join(pending)
        else:
            yield (
                number,
                _malformed(
                    "a quote that is not closed within"
                    f" {MAX_RECORD_LINES} lines or {MAX_RECORD_CHARS:,} characters"
                ),
            )
            again.extend(enumerate(pending[1:], number + 1))


def _numbered(stream: Lines, line: int, again: deque[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """A stream's numbered lines, the lines put in `again` to read again first."""
    for item in enumerate(stream, line):
        while again:
            yield again.popleft()
        yield item
    while again:
        yield again.popleft()


OPEN, CLOSED, MISPLACED = "open", "closed", "misplaced"


def _quoting(text: str, delimiter: str) -> str:
    """OPEN when `text` ends inside a quoted field (a quote opens one only at a field's
    start), MISPLACED when a closing quote is followed by more than a delimiter."""
    try:
        for _ in csv.reader([text], delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        return OPEN if "unexpected end of data" in str(error) else MISPLACED
    return CLOSED


def _not_utf8(text: str) -> bool:
    """Whether `text` holds bytes that were not UTF-8 (read as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _malformed(reason: str) -> str:
    return MALFORMED + reason


def to_rows(layout: Layout, records: list[Record]) -> Iterator[InputRow]:
    if layout.jsonl:
        for line, text in records:
            try:
                if text[:1] == MALFORMED:
                    raise InputError("file", text[1:])
                yield _json_row(line, _json_object(text))
            except InputError as error:
                yield InputRow(line, {}, {}, error.message)
        return
    header, width = layout.header, len(layout.header)
    texts = (text for _, text in records if text[:1] != MALFORMED)
    parsed = csv.reader(texts, delimiter=layout.delimiter)
    for line, text in records:
        if text[:1] == MALFORMED:
            yield InputRow(line, {}, {}, text[1:])
            continue
        cells = next(parsed)
        if len(cells) > width and any(cells[width:]):
            yield InputRow(line, {}, {}, f"{len(cells)} cells, but the header has {width}")
            continue
        cells += [""] * (width - len(cells))
        yield InputRow(
            line,
            dict(zip(header, cells, strict=False)),
            {field: cells[i] for i, field in layout.mapping},
        )


def _json_object(text: str) -> dict[str, Any]:
    """One JSON Lines record; the caller says where it is."""
    try:
        item = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError("file", f"not valid JSON ({error})") from None
    except RecursionError:
        raise InputError("file", "JSON nested too deep") from None
    if not isinstance(item, dict):
        raise InputError("file", "expected a JSON object")
    return {str(k): v for k, v in item.items()}


def _json_row(line: int, cells: dict[str, Any]) -> InputRow:
    fields = {}
    keys: dict[str, str] = {}
    for key, cell in cells.items():
        field = LOOKUP.get(fold(key))
        if field:
            if field in fields:
                raise InputError("file", _clash("this row", field, keys[field], key))
            fields[field] = text_of(cell)
            keys[field] = key
    return InputRow(line, cells, fields)


def _clash(where: str, field: str, first: str, second: str) -> str:
    return f"{where}: {first!r} and {second!r} both give the {field}; keep one of them"


def text_of(cell: Any) -> str:
    """A cell as text: strings as they are, other JSON values as JSON (null is empty)."""
    if isinstance(cell, str):
        return cell
    return "" if cell is None else json.dumps(cell, ensure_ascii=False)


def _mapping(header: list[str], name: str) -> list[tuple[int, str]]:
    """Column index -> canonical field; two columns for one field (`date` and `entry_date`)
    or two columns of one name are refused: which one is meant cannot be guessed."""
    mapping: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    names: set[str] = set()
    for i, column in enumerate(header):
        if column in names:
            raise InputError("file", f"{name}: the column {column!r} appears twice; rename one")
        names.add(column)
        field = LOOKUP.get(fold(column))
        if field in seen:
            raise InputError("file", _clash(name, field, seen[field], column))
        if field:
            mapping.append((i, field))
            seen[field] = column
    if "value" not in seen:
        raise InputError(
            "file",
            f"{name}: no value column; expected one of {', '.join(ALIASES['value'])}"
            f" (columns: {', '.join(header[:8])})",
        )
    return mapping


def fields_of(layout: Layout) -> set[str]:
    """The canonical fields a file's header gives (the first object's keys, for JSON Lines)."""
    return {field for h in layout.header if (field := LOOKUP.get(fold(h)))}


def rows_of(layout: Layout, records: Iterable[Record]) -> Iterator[InputRow]:
    """Every record as a row, parsed a chunk at a time."""
    return (row for chunk in chunks(records) for row in to_rows(layout, chunk))


def chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def read_workbook(path: str, delimiter: str = ",") -> tuple[Layout, Iterator[Record]]:
    """The first sheet of an .xlsx workbook as CSV records (openpyxl, the `excel` extra):
    dates as YYYY-MM-DD, numbers as written, so the rows take the CSV path from here."""
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise InputError("file", EXCEL_MISSING) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        raise InputError("file", f"{path}: {error.strerror or error}") from None
    except Exception as error:  # zipfile, XML: a file that is not a workbook
        raise InputError("file", f"{path}: not an .xlsx workbook ({error})") from None
    rows = book.worksheets[0].iter_rows()
    lines = (_csv_line(r, delimiter) for r in rows if any(c.value is not None for c in r))
    return read_records(_Lines(lines), path, delimiter)


def _csv_line(cells: tuple[Any, ...], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(map(_cell_text, cells))
    return out.getvalue()


def _cell_text(cell: Any) -> str:
    """A cell as the text a CSV export would hold: a date as YYYY-MM-DD, a percentage as
    the percentage shown (0.025 formatted as % is '2.5'), a whole number without '.0'."""
    value = cell.value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(repr(value))
        if "%" in (cell.number_format or ""):
            number *= 100
        return format(number.normalize(), "f")
    return "" if value is None else str(value)


class _Lines:
    """Lines as a text stream, for `read_records`."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines

    def readline(self) -> str:
        return next(self.lines, "")

    def __iter__(self) -> Iterator[str]:
        return self.lines
