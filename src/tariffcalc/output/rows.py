"""Scored rows written out: CSV, JSON Lines or Parquet, the rejected rows as CSV, and
a batch's summary; and a whole batch run's files (`write_batch`). Text cells a
spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from tariffcalc.errors import InputError
from tariffcalc.files import (
    append_to,
    atomic_path,
    atomic_text,
    check_outputs,
    written_in_place,
)
from tariffcalc.inputs.records import Layout, Record, text_of
from tariffcalc.law.engine import effective_rate
from tariffcalc.output.render import CsvRows, Grid
from tariffcalc.output.views.common import number
from tariffcalc.studies.batch import Output, Rejected, ScoredRow, Scorer, Summary, score_file

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
FILE_FORMATS = ("parquet", "xlsx")  # written to a file only, never to a stream
FORMULA_START = frozenset("=+-@\t\r")
SHOWN_REJECTED = 20  # rejected rows said on stderr; the rest are counted


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if cell[:1] in FORMULA_START and cell and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(cell: str) -> bool:
    try:
        Decimal(cell)
    except ArithmeticError:
        return False
    return True


def result_columns(scenarios: list[str]) -> list[str]:
    columns = ["classified_sector", "customs_value_usd"]
    for scenario in scenarios:
        columns += [
            f"{scenario}_duty",
            f"{scenario}_effective_rate",
            f"{scenario}_fees",
            f"{scenario}_landed_cost",
        ]
    return [*columns, "warnings"]


def result_cells(scored: ScoredRow) -> list[Any]:
    cells: list[Any] = [scored.shipment.sector, scored.shipment.customs_value]
    for f in scored.figures:
        cells += [f.duty, f.effective_rate, f.fees, f.landed_cost]
    return [*cells, "; ".join(scored.warnings)]


class _TextOut:
    """A text format: the rows of worker processes arrive as text, written as it is."""

    def __init__(self, out: TextIO, header: list[str], scenarios: list[str]) -> None:
        self.out = out
        self.header = header
        self.scenarios = scenarios

    @classmethod
    def for_worker(cls, header: list[str], scenarios: list[str]) -> _TextChunk:
        return _TextChunk(cls, header, scenarios)

    def start(self) -> None:
        pass

    def write(self, scored: ScoredRow) -> None:
        raise NotImplementedError  # each format's own

    def write_chunk(self, text: str) -> None:
        self.out.write(text)

    def close(self) -> None:
        pass


class _TextChunk:
    """A worker's writer of a text format: a chunk's rows as text, for `write_chunk`."""

    def __init__(self, writer: type[_TextOut], header: list[str], scenarios: list[str]) -> None:
        self.buffer = io.StringIO()
        self.write: Callable[[ScoredRow], None] = writer(self.buffer, header, scenarios).write

    def payload(self) -> str:
        return self.buffer.getvalue()


class CsvOut(_TextOut):
    """The file's own columns (formula-like cells neutralised), then the results."""

    def __init__(self, out: TextIO, header: list[str], scenarios: list[str]) -> None:
        super().__init__(out, header, scenarios)
        self.writer = CsvRows(out)

    def start(self) -> None:
        self.writer.writerow([*map(neutralise, self.header), *result_columns(self.scenarios)])

    def write(self, scored: ScoredRow) -> None:
        cells = scored.row.cells
        texts = [text_of(cells.get(h, "")) for h in self.header]
        safe = [c if c[:1] not in FORMULA_START else neutralise(c) for c in texts]
        self.writer.writerow([*safe, *result_cells(scored)], texts)


class JsonlOut(_TextOut):
    """Each row's own object, with its line, sector, value and each scenario's figures."""

    def write(self, scored: ScoredRow) -> None:
        document: dict[str, Any] = dict(scored.row.cells)
        document["line"] = scored.row.line
        document["classified_sector"] = scored.shipment.sector
        document["customs_value_usd"] = number(scored.shipment.customs_value)
        document["scenarios"] = {
            scenario: {
                "duty": number(f.duty),
                "effective_rate": number(f.effective_rate),
                "fees": number(f.fees),
                "landed_cost": number(f.landed_cost),
            }
            for scenario, f in zip(self.scenarios, scored.figures, strict=True)
        }
        document["warnings"] = scored.warnings
        self.out.write(json.dumps(document, ensure_ascii=False))
        self.out.write("\n")


def parquet_cells(header: list[str], scored: ScoredRow) -> list[Any]:
    cells = scored.row.cells
    return [*(text_of(cells.get(h, "")) for h in header), *result_cells(scored)]


class ParquetRows:
    """A worker's writer for Parquet: the rows' cells, written by the main process."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.rows: list[list[Any]] = []

    def write(self, scored: ScoredRow) -> None:
        self.rows.append(parquet_cells(self.header, scored))

    def payload(self) -> list[list[Any]]:
        return self.rows


class _TypedCellsOut:
    """An output of typed cells (`parquet_cells`), that workers hand as Parquet rows."""

    header: list[str]

    @classmethod
    def for_worker(cls, header: list[str], scenarios: list[str]) -> ParquetRows:
        return ParquetRows(header)

    def start(self) -> None:
        pass

    def write(self, scored: ScoredRow) -> None:
        self.write_chunk([parquet_cells(self.header, scored)])

    def write_chunk(self, rows: list[list[Any]]) -> None:
        raise NotImplementedError


class ParquetOut(_TypedCellsOut):
    """Parquet through pyarrow (optional): row groups of 65,536 rows, exact decimals."""

    GROUP = 65_536

    def __init__(self, path: str, header: list[str], scenarios: list[str]) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise InputError(
                "format", "parquet output needs pyarrow: pip install 'tariffcalc[parquet]'"
            ) from None
        self.pa = pa
        self.header = header
        money = pa.decimal128(18, 2)
        results = [pa.field("classified_sector", pa.string()), pa.field("customs_value_usd", money)]
        for scenario in scenarios:
            results += [
                pa.field(f"{scenario}_duty", money),
                pa.field(f"{scenario}_effective_rate", pa.decimal128(12, 6)),
                pa.field(f"{scenario}_fees", money),
                pa.field(f"{scenario}_landed_cost", money),
            ]
        texts = [pa.field(h, pa.string()) for h in header]
        self.schema = pa.schema([*texts, *results, pa.field("warnings", pa.string())])
        self.writer = pq.ParquetWriter(path, self.schema)
        self.buffer: list[list[Any]] = []

    def write_chunk(self, rows: list[list[Any]]) -> None:
        self.buffer += rows
        if len(self.buffer) >= self.GROUP:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            columns = list(zip(*self.buffer, strict=True))
            self.writer.write_table(
                self.pa.Table.from_arrays(
                    [
                        self.pa.array(c, type=f.type)
                        for c, f in zip(columns, self.schema, strict=True)
                    ],
                    schema=self.schema,
                )
            )
            self.buffer = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


def open_workbook() -> Any:
    """A write-only openpyxl workbook (the `excel` extra), or the error naming the extra."""
    try:
        from openpyxl import Workbook
    except ImportError:
        from tariffcalc.inputs.records import EXCEL_MISSING

        raise InputError("format", EXCEL_MISSING) from None
    return Workbook(write_only=True)


def sheet_cell(cell: Any) -> Any:
    """A cell for a sheet: numbers stay numbers; text a spreadsheet would run is neutralised
    (openpyxl takes any text that starts with '=' as a formula)."""
    return neutralise(cell) if isinstance(cell, str) else cell


class XlsxOut(_TypedCellsOut):
    """One sheet of rows through openpyxl (optional): the file's cells as text, the
    figures as numbers (exact decimals), saved when the batch is done."""

    def __init__(self, path: str, header: list[str], scenarios: list[str]) -> None:
        self.book = open_workbook()
        self.sheet = self.book.create_sheet("scored")
        self.path = path
        self.header = header
        self.sheet.append([*map(neutralise, header), *result_columns(scenarios)])

    def write_chunk(self, rows: list[list[Any]]) -> None:
        for row in rows:
            self.sheet.append([sheet_cell(c) for c in row])

    def close(self) -> None:
        self.book.save(self.path)


def write_grid_xlsx(path: Path, grid: Grid) -> None:
    """A grid's raw values as one sheet (the `excel` extra), its text neutralised."""
    book = open_workbook()
    sheet = book.create_sheet("results")
    sheet.append([c.key for c in grid.columns])
    for row in grid.rows:
        sheet.append([sheet_cell(c) for c in row.cells])
    book.save(path)


def write_grid_csv(out: TextIO, grid: Grid) -> None:
    """A grid's raw values as CSV, through `CsvRows` (its text cells neutralised by the view)."""
    writer = CsvRows(out)
    writer.writerow([c.key for c in grid.columns])
    for row in grid.rows:
        writer.writerow(["" if cell is None else cell for cell in row.cells])


class ErrorsOut:
    """Rejected rows as CSV: line, id, field, reason."""

    def __init__(self, out: TextIO) -> None:
        self.writer = CsvRows(out)
        self.writer.writerow(["line", "id", "field", "reason"])

    def write(self, rejected: Rejected) -> None:
        row = rejected.row
        self.writer.writerow(
            [
                row.line,
                neutralise(row.fields.get("id", "")),
                rejected.field,
                neutralise(rejected.reason),
            ]
        )


# --- the summary -----------------------------------------------------------------------------


def summary_document(summary: Summary) -> dict[str, Any]:
    """The totals as JSON: per scenario, and by sector and origin."""
    breakdown: dict[str, dict[str, Any]] = {"sector": {}, "origin": {}}
    for (by, key), totals in sorted(summary.groups.items()):
        breakdown[by][key] = {
            "customs_value": number(totals[0]),
            "scenarios": {
                s: {"duty": number(d), "effective_rate": _rate(d, totals[0])}
                for s, d in zip(summary.scenarios, totals[1:], strict=True)
            },
        }
    return {
        "rows_read": summary.read,
        "rows_scored": summary.scored,
        "rows_rejected": summary.rejected,
        "scenarios": {
            s: {
                "customs_value": number(summary.value),
                "duty": number(summary.duty[i]),
                "effective_rate": _rate(summary.duty[i], summary.value),
                "landed_cost": number(summary.landed[i]),
            }
            for i, s in enumerate(summary.scenarios)
        },
        "by_sector": breakdown["sector"],
        "by_origin": breakdown["origin"],
    }


def _rate(duty: Decimal, value: Decimal) -> float | None:
    return number(effective_rate(duty, value)) if value else None


def summary_lines(summary: Summary) -> list[str]:
    """The totals in a few lines of text: rows, then each scenario's."""
    read, scored, rejected = summary.read, summary.scored, summary.rejected
    text = [f"rows read {read:,}, scored {scored:,}, rejected {rejected:,}"]
    value = summary.value
    for s, duty, landed in zip(summary.scenarios, summary.duty, summary.landed, strict=True):
        rate = f"{duty / value * 100:.2f}%" if value else "n/a"
        text.append(
            f"{s}: customs value ${value:,.2f}, duty ${duty:,.2f} ({rate}),"
            f" landed cost ${landed:,.2f}"
        )
    return text


def write_summary(summary: Summary, path: str | None) -> None:
    """The totals as JSON to a file (atomically), or as lines on stderr."""
    if path is None:
        for line in summary_lines(summary):
            print(f"tariffcalc: {line}", file=sys.stderr)
        return
    from tariffcalc.output.render import write_json

    with atomic_text(path, "summary") as out:
        write_json(out, summary_document(summary))


# --- a batch run --------------------------------------------------------------------------------


def say_rejected(item: Rejected) -> None:
    """A rejected row on stderr: its line, its id when it has one, the field and why."""
    fields = item.row.fields
    where = f"line {item.row.line}" + (f" ({fields['id']})" if fields.get("id") else "")
    print(f"tariffcalc: {where}: {item.field}: {item.reason}", file=sys.stderr)


class RejectedReport:
    """Rejected rows: the first few said on stderr, the rest counted; every one written to
    the errors file, when there is one."""

    def __init__(self, errors: ErrorsOut | None) -> None:
        self.errors = errors
        self.count = 0

    def __call__(self, item: Rejected) -> None:
        self.count += 1
        if self.count <= SHOWN_REJECTED:
            say_rejected(item)
        if self.errors is not None:
            self.errors.write(item)

    def say_the_rest(self, errors_path: str | None) -> None:
        if self.count > SHOWN_REJECTED:
            more = f" (all in {errors_path})" if errors_path else " (--errors FILE lists them)"
            rest = self.count - SHOWN_REJECTED
            print(f"tariffcalc: ... and {rest:,} more rejected rows{more}", file=sys.stderr)


class BatchTargets(NamedTuple):
    """Where a batch run writes."""

    output: str | None = None  # a file, written atomically; None: standard output
    format: str = "csv"  # one of FORMATS; parquet only to a file
    errors: str | None = None  # the rejected rows as CSV
    summary: str | None = None  # the totals as JSON; None: a few lines on stderr
    strict: bool = False  # a rejected row is an error, and nothing is written

    def check(self, source: str) -> None:
        """Refuse what cannot be written: Parquet to stdout, over the input file ('-': stdin)
        or over another output."""
        if self.format in FILE_FORMATS and self.output is None:
            raise InputError("output", f"{self.format} is written to a file: give -o FILE")
        check_outputs(
            source, {"output": self.output, "errors": self.errors, "summary": self.summary}
        )


def write_batch(
    layout: Layout,
    records: Iterable[Record],
    scorer: Scorer,
    targets: BatchTargets,
    *,
    jobs: int = 1,
    progress: bool = False,
    share_read: Callable[[], float] | None = None,
) -> Summary:
    """Score every record into the targets, and return the totals (see `score_file`).

    Rejected rows are said on stderr (the first 20, then how many more) and written
    to the errors file. A file output appears whole or not at all; with `strict`, a
    rejected row raises InputError and nothing is written, and output to stdout
    waits in a temporary file until every row is known to be good."""
    with ExitStack() as stack:
        errors = (
            stack.enter_context(atomic_text(targets.errors, "errors")) if targets.errors else None
        )
        report = RejectedReport(ErrorsOut(errors) if errors is not None else None)
        target = _target(stack, targets)
        output, stream = _open_output(stack, targets.format, target, layout, scorer.scenarios)
        with progress_bar(progress, share_read) as tick:
            summary = score_file(layout, records, scorer, output, report, tick, jobs)
        if targets.strict and summary.rejected:
            raise InputError(
                "strict", f"{summary.rejected:,} of {summary.read:,} rows rejected; nothing written"
            )
        if _waits(targets) and target is not None and stream is not None:
            stream.flush()
            _deliver(target, targets.output)
    report.say_the_rest(targets.errors)
    write_summary(summary, targets.summary)
    return summary


def _target(stack: ExitStack, targets: BatchTargets) -> Path | None:
    """The path to write the rows to: the output's temporary twin, a scratch file for
    --strict to stdout or a device, or None for stdout itself."""
    if _waits(targets):
        return stack.enter_context(_scratch_file())
    if targets.output is not None:
        return stack.enter_context(atomic_path(targets.output, "output"))
    return None


def _waits(targets: BatchTargets) -> bool:
    """With --strict, rows bound for stdout or a device wait in a scratch file until every
    row is known to be good (a regular file waits in its own temporary twin)."""
    return (
        targets.strict
        and targets.format not in FILE_FORMATS
        and (targets.output is None or written_in_place(targets.output))
    )


def _deliver(scratch: Path, output: str | None) -> None:
    import shutil

    with scratch.open(encoding="utf-8", newline="") as rows:
        if output is None:
            shutil.copyfileobj(rows, sys.stdout)
            return
        with atomic_path(output, "output") as direct, append_to(direct) as out:
            shutil.copyfileobj(rows, out)


def _open_output(
    stack: ExitStack, chosen: str, target: Path | None, layout: Layout, scenarios: list[str]
) -> tuple[Output, TextIO | None]:
    """The writer of the chosen format, and the text stream it writes to (none for a
    format written to a file only)."""
    if chosen in FILE_FORMATS:
        to_file = ParquetOut if chosen == "parquet" else XlsxOut
        return to_file(str(target), layout.header, scenarios), None
    stream: TextIO = stack.enter_context(append_to(target)) if target else sys.stdout
    writer = CsvOut if chosen == "csv" else JsonlOut
    return writer(stream, layout.header, scenarios), stream


@contextmanager
def _scratch_file() -> Iterator[Path]:
    import tempfile

    handle, name = tempfile.mkstemp(prefix="tariffcalc-", suffix=".out")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


@contextmanager
def progress_bar(
    enabled: bool, share_read: Callable[[], float] | None = None
) -> Iterator[Callable[[int], None] | None]:
    """A progress line on stderr when it is a terminal, nothing when piped: rows scored,
    and with `share_read` (the share of the file read) the percentage and time left."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        Progress,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns: list[ProgressColumn] = [TextColumn("scoring {task.fields[rows]:,} rows")]
    if share_read is not None:
        columns += [TaskProgressColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, console=Console(file=sys.stderr), transient=True) as bar:
        task = bar.add_task("rows", total=100 if share_read else None, rows=0)

        def tick(count: int) -> None:
            done = 100 * share_read() if share_read is not None else None
            # Drawn at each chunk, not only on the clock: a busy machine starves the clock's
            # thread, and the line would jump from 0 to the end.
            bar.update(task, completed=done, rows=count, refresh=True)

        yield tick
