"""Output: every command builds Grids of raw values; one writer per format shows them.

The same Grid becomes a Rich table, Markdown or CSV, so the formats carry the
same figures. JSON documents are built by each command (see `report`) and
written with the json module, never through Rich (it would wrap long lines).
Rich is imported only for a table, so scripts do not pay for it.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TextIO

from tariffcalc.money import percent, usd

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

FORMATS = ("table", "json", "csv", "markdown")
# "total" and "total_delta": aggregate money, shortened on screen ($11.3B), whole in CSV.
CellKind = Literal[
    "text", "money", "delta", "rate", "bar", "date", "amount", "total", "total_delta"
]
Cell = str | Decimal | None
BAR_WIDTH = 24
_RATE_PLACES = Decimal("0.0001")
LEFT = ("text", "bar", "date")  # left-aligned kinds; figures are right-aligned


class Column(NamedTuple):
    key: str  # CSV header
    title: str  # table and Markdown header
    kind: CellKind = "text"
    in_table: bool = True  # False: CSV only (detail the screen has no room for)


class Row(NamedTuple):
    cells: tuple[Cell, ...]
    marker: str = ""  # shown after the first cell on screen: " [1]", " *"


class Grid(NamedTuple):
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    heading: str | None = None  # a line above the table
    title: str | None = None  # the table's own title
    footnotes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def display(value: Cell, kind: CellKind) -> str:
    if value is None:
        return "…" if kind == "date" else ""
    if isinstance(value, str):
        return value
    if kind == "money":
        return usd(value)
    if kind == "delta":
        return ("+" if value > 0 else "") + usd(value)
    if kind == "total":
        return compact_usd(value)
    if kind == "total_delta":
        return ("+" if value > 0 else "") + compact_usd(value)
    if kind == "amount":  # in another currency: the number as it is, with thousands separators
        return f"{value:,}"
    if kind == "rate":
        return percent(value.quantize(_RATE_PLACES))
    if kind == "bar":
        return _text_bar(value)
    return str(value)


def compact_usd(amount: Decimal) -> str:
    """Aggregates shortened from a million on: $1.03B, $11.3B, $850.5M; below, whole dollars.

    >>> compact_usd(Decimal("11302500000"))
    '$11.3B'
    """
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    for power, suffix in ((12, "T"), (9, "B"), (6, "M")):
        if size >= Decimal(10) ** power:
            shown = size.scaleb(-power)
            return f"{sign}${shown:.{2 if shown < 10 else 1}f}{suffix}"
    return f"{sign}${size:,.0f}"


def _text_bar(fraction: Decimal) -> str:
    eighths = int(max(Decimal(0), min(fraction, Decimal(1))) * BAR_WIDTH * 8)
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


def write(out: TextIO, grids: list[Grid], output_format: str) -> None:
    {"table": write_table, "markdown": write_markdown, "csv": write_csv}[output_format](out, grids)


def write_json(out: TextIO, document: Any) -> None:
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


class CsvRows:
    """csv.writer for "\\n"-ended rows, except that a row with a carriage return in a cell is
    quoted whole: the csv module quotes only the line terminator's characters, and a reader
    that splits on CR would otherwise start a row with what follows it (`=cmd|...`)."""

    def __init__(self, out: TextIO) -> None:
        self.plain = csv.writer(out, lineterminator="\n")
        self.quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, cells: list[Any], texts: list[str] | None = None) -> None:
        """`texts`: the cells that can hold a CR, when the caller knows (else all)."""
        if texts is None:
            texts = [c for c in cells if isinstance(c, str)]
        if "\r" in "".join(texts):
            self.quoted.writerow(cells)
        else:
            self.plain.writerow(cells)


def write_csv(out: TextIO, grids: list[Grid]) -> None:
    """Raw values (fractions for rates, plain decimals for money), one header per grid."""
    writer = CsvRows(out)
    for grid in grids:
        columns = [i for i, column in enumerate(grid.columns) if column.kind != "bar"]
        writer.writerow([grid.columns[i].key for i in columns])
        for row in grid.rows:
            writer.writerow(["" if row.cells[i] is None else row.cells[i] for i in columns])


def _shown(grid: Grid) -> list[int]:
    return [i for i, column in enumerate(grid.columns) if column.in_table]


def _cells(grid: Grid, row: Row) -> list[str]:
    shown = _shown(grid)
    cells = [display(row.cells[i], grid.columns[i].kind) for i in shown]
    cells[0] += row.marker
    return cells


def write_markdown(out: TextIO, grids: list[Grid]) -> None:
    for grid in grids:
        if grid.heading:
            out.write(f"{grid.heading}\n\n")
        if grid.title:
            out.write(f"### {grid.title}\n\n")
        shown = [grid.columns[i] for i in _shown(grid)]
        out.write("| " + " | ".join(column.title for column in shown) + " |\n")
        aligns = ["---" if c.kind in LEFT else "---:" for c in shown]
        out.write("|" + "|".join(aligns) + "|\n")
        for row in grid.rows:
            out.write("| " + " | ".join(_cells(grid, row)) + " |\n")
        extra = [*grid.footnotes, *grid.notes]
        if extra:
            out.write("\n" + "".join(f"- {line}\n" for line in extra))
        out.write("\n")


def write_table(out: TextIO, grids: list[Grid]) -> None:
    from rich.bar import Bar

    console = make_console(out)
    for grid in grids:
        if grid.heading:
            console.print(grid.heading, highlight=False, markup=False, soft_wrap=True)
        texts = [_cells(grid, row) for row in grid.rows]
        table, bar_width = _table(grid, texts, console.width)
        for row, cells in zip(grid.rows, texts, strict=True):
            shown: list[Any] = list(cells)
            for position, i in enumerate(_shown(grid)):
                value = row.cells[i]
                if grid.columns[i].kind == "bar" and isinstance(value, Decimal):
                    shown[position] = Bar(1, 0, float(value), width=bar_width)
            table.add_row(*shown)
        print_unclipped(console, table)
        for line in grid.footnotes:
            console.print(line, highlight=False, markup=False, soft_wrap=True)
        for line in grid.notes:
            console.print(
                f"note: {line}", style="dim", highlight=False, markup=False, soft_wrap=True
            )


def _table(grid: Grid, texts: list[list[str]], screen: int) -> tuple[Table, int]:
    """The grid's columns, and the width of its bars: free text in WRAPPING wraps (a long
    word folds, never cut); every other column is as wide as its widest cell, so that no
    figure is cut; bars take what the screen has left, from 8 to BAR_WIDTH."""
    from rich.cells import cell_len
    from rich.table import Table

    shown = _shown(grid)
    widths = [
        max([cell_len(grid.columns[i].title), *(cell_len(t[position]) for t in texts)])
        for position, i in enumerate(shown)
    ]
    # Each column takes its width, a space either side and a border; the table one more.
    taken = 1 + sum(
        w + 3 for w, i in zip(widths, shown, strict=True) if grid.columns[i].kind != "bar"
    )
    bar_width = max(8, min(BAR_WIDTH, screen - taken - 3))
    table = Table(title=grid.title, title_justify="left", header_style="bold")
    for widest, i in zip(widths, shown, strict=True):
        column = grid.columns[i]
        wraps = column.kind == "text" and i != 0 and column.key in WRAPPING
        table.add_column(
            column.title,
            justify="left" if column.kind in LEFT else "right",
            no_wrap=not wraps,
            overflow="fold" if wraps else "ellipsis",
            max_width=WRAPPING[column.key] if wraps else None,
            min_width=None if wraps else widest,
            width=bar_width if column.kind == "bar" else None,
        )
    return table, bar_width


# Free-text columns that may wrap on screen, with their widest; every other column keeps its width.
WRAPPING = {"authority": 32, "label": 40, "measures": 40, "value": 72, "rate": 21}


def print_unclipped(console: Console, table: Table) -> None:
    """Figures are never cut to fit: free-text columns wrap to fit the screen where they
    can, and a table still wider than the screen is printed at its width."""
    from rich.measure import Measurement

    unbounded = console.options.update(width=10_000)
    needed = Measurement.get(console, unbounded, table).minimum
    screen = console.width
    console.width = max(screen, needed)
    console.print(table)
    console.width = screen


def make_console(out: TextIO) -> Console:
    """Colour only on a terminal; Rich itself honours NO_COLOR."""
    from rich.console import Console

    return Console(file=out, soft_wrap=False)
