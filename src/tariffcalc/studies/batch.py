"""Score a whole file of shipments under every scenario: streaming, with shared plans.

Rows stream through in bounded memory. Rows alike in classification, origin,
date and currency share one shipment template; the engine's `Assessor` does the
arithmetic, sharing plans between rows alike: a batch row equals `duty --json`
for the same inputs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO

from tariffcalc.errors import InputError
from tariffcalc.inputs.records import InputRow, Layout, Record, chunks, text_of, to_rows
from tariffcalc.inputs.shipment import parse_date, shipment_template, with_amounts
from tariffcalc.law.domain import RateTable, Shipment
from tariffcalc.law.engine import Assessor, Figures, effective_rate
from tariffcalc.law.hts import check_leading_zero

if TYPE_CHECKING:
    from tariffcalc.inputs.schedule import Schedule

MAX_TEMPLATES = 100_000  # templates kept; the cache starts over beyond it
FORMULA_START = frozenset("=+-@\t\r")


class Defaults(NamedTuple):
    """Values for columns a file does not have: the command's own options."""

    origin: str = "JP"
    entry_date: date | None = None
    currency: str = "USD"
    fx: str | None = None
    mode: str = "ocean"
    sector: str | None = None
    mfn: str | None = None


class ScoredRow(NamedTuple):
    """A row scored under every scenario."""

    row: InputRow
    shipment: Shipment
    figures: list[Figures]  # one per scenario, in order
    warnings: list[str]


class Rejected(NamedTuple):
    """A row that could not be scored: the field at fault, and why."""

    row: InputRow
    field: str
    reason: str


# --- scoring ------------------------------------------------------------------------------


class Scorer:
    """Scores rows: builds each row's shipment from a template shared by rows alike, and
    leaves the arithmetic to the engine's `Assessor`."""

    def __init__(
        self,
        table: RateTable,
        scenarios: list[str],
        defaults: Defaults,
        schedule: Schedule | None = None,
    ) -> None:
        self.table = table
        self.scenarios = scenarios
        self.defaults = defaults
        self.schedule = schedule
        self.assessor = Assessor(table, scenarios)
        self.templates: dict[tuple[str | None, ...], Shipment | InputError] = {}
        self.dates: dict[str, date] = {}

    def score(self, row: InputRow) -> ScoredRow | Rejected:
        try:
            shipment = self.shipment(row.fields)
            figures, warnings = self.assessor.figures(shipment)
        except InputError as error:
            return Rejected(row, error.field, error.message)
        return ScoredRow(row, shipment, figures, warnings)

    def shipment(self, fields: dict[str, str]) -> Shipment:
        template = self.template(fields)
        raw_date = fields.get("entry_date")
        if raw_date:
            day = self.dates.get(raw_date)
            if day is None:
                day = self.dates[raw_date] = parse_date("entry_date", raw_date)
            template = template._replace(entry_date=day)
        return with_amounts(
            self.table,
            template,
            value=fields["value"],
            metal_value=fields.get("metal_value") or None,
            freight=fields.get("freight") or Decimal(0),
            insurance=fields.get("insurance") or Decimal(0),
            quantity=fields.get("quantity") or None,
        )

    def template(self, fields: dict[str, str]) -> Shipment:
        d = self.defaults
        hts = fields.get("hts") or None
        sector = None if hts else fields.get("sector") or d.sector
        key = (  # the entry date is not in it: `shipment` sets each row's own
            sector,
            hts,
            fields.get("mfn") or d.mfn,
            fields.get("origin") or d.origin,
            d.entry_date.isoformat() if d.entry_date else None,
            fields.get("currency") or d.currency,
            fields.get("fx") or d.fx,
            fields.get("mode") or d.mode,
            fields.get("unit") or None,
        )
        found = self.templates.get(key)
        if found is None:
            found = self._build_template(key)
            if len(self.templates) >= MAX_TEMPLATES:
                self.templates.clear()
            self.templates[key] = found
        if isinstance(found, InputError):
            raise found
        return found

    def _build_template(self, key: tuple[str | None, ...]) -> Shipment | InputError:
        sector, hts, mfn, origin, day, currency, fx, mode, unit = key
        try:
            if hts is not None:
                check_leading_zero(hts)
            return shipment_template(
                self.table,
                sector=sector,
                hts=hts,
                mfn=mfn,
                origin=origin or "JP",
                entry_date=day,
                currency=currency or "USD",
                fx=fx,
                mode=mode or "ocean",
                unit=unit,
                schedule=self.schedule if hts is not None else None,
            )
        except InputError as error:
            return error


# --- writing ---------------------------------------------------------------------------------


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


class CsvOut:
    def __init__(self, out: TextIO, header: list[str], scenarios: list[str]) -> None:
        self.out = out
        self.writer = csv.writer(out, lineterminator="\n")
        self.header = header
        self.scenarios = scenarios

    def start(self) -> None:
        self.writer.writerow([*map(neutralise, self.header), *result_columns(self.scenarios)])

    def write_chunk(self, text: str) -> None:
        self.out.write(text)

    def write(self, scored: ScoredRow) -> None:
        cells = scored.row.cells
        texts = [text_of(cells.get(h, "")) for h in self.header]
        safe = [c if c[:1] not in FORMULA_START else neutralise(c) for c in texts]
        self.writer.writerow([*safe, *result_cells(scored)])

    def close(self) -> None:
        pass


class JsonlOut:
    def __init__(self, out: TextIO, header: list[str], scenarios: list[str]) -> None:
        self.out = out
        self.scenarios = scenarios

    def start(self) -> None:
        pass

    def write_chunk(self, text: str) -> None:
        self.out.write(text)

    def write(self, scored: ScoredRow) -> None:
        document: dict[str, Any] = dict(scored.row.cells)
        document["line"] = scored.row.line
        document["classified_sector"] = scored.shipment.sector
        document["customs_value_usd"] = float(scored.shipment.customs_value)
        document["scenarios"] = {
            scenario: {
                "duty": float(f.duty),
                "effective_rate": float(f.effective_rate),
                "fees": float(f.fees),
                "landed_cost": float(f.landed_cost),
            }
            for scenario, f in zip(self.scenarios, scored.figures, strict=True)
        }
        document["warnings"] = scored.warnings
        self.out.write(json.dumps(document, ensure_ascii=False))
        self.out.write("\n")

    def close(self) -> None:
        pass


def parquet_cells(header: list[str], scored: ScoredRow) -> list[Any]:
    cells = scored.row.cells
    return [*(text_of(cells.get(h, "")) for h in header), *result_cells(scored)]


class ParquetRows:
    """What a worker returns for Parquet: the rows' cells, written by the main process."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.rows: list[list[Any]] = []

    def write(self, scored: ScoredRow) -> None:
        self.rows.append(parquet_cells(self.header, scored))


class ParquetOut:
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
        self.names = [*header, *result_columns(scenarios)]
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

    def start(self) -> None:
        pass

    def write(self, scored: ScoredRow) -> None:
        self.write_chunk([parquet_cells(self.header, scored)])

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


# --- the summary -------------------------------------------------------------------------


class Summary:
    """Totals per scenario, and by sector and origin."""

    def __init__(self, scenarios: list[str]) -> None:
        self.scenarios = scenarios
        self.read = 0
        self.scored = 0
        self.rejected = 0
        self.value = Decimal(0)
        self.duty = [Decimal(0)] * len(scenarios)
        self.landed = [Decimal(0)] * len(scenarios)
        self.groups: dict[tuple[str, str], list[Decimal]] = {}  # (by, key) -> [value, duties...]

    def add(self, scored: ScoredRow) -> None:
        self.scored += 1
        value = scored.shipment.customs_value
        self.value += value
        by_sector = self._group(("sector", scored.shipment.sector))
        by_origin = self._group(("origin", scored.shipment.origin))
        by_sector[0] += value
        by_origin[0] += value
        duty, landed = self.duty, self.landed
        for i, f in enumerate(scored.figures):
            duty[i] += f.duty
            landed[i] += f.landed_cost
            by_sector[i + 1] += f.duty
            by_origin[i + 1] += f.duty

    def _group(self, key: tuple[str, str]) -> list[Decimal]:
        totals = self.groups.get(key)
        if totals is None:
            totals = self.groups[key] = [Decimal(0)] * (1 + len(self.scenarios))
        return totals

    def document(self) -> dict[str, Any]:
        def rate(duty: Decimal, value: Decimal) -> float | None:
            return float(effective_rate(duty, value)) if value else None

        breakdown: dict[str, dict[str, Any]] = {"sector": {}, "origin": {}}
        for (by, key), totals in sorted(self.groups.items()):
            breakdown[by][key] = {
                "customs_value": float(totals[0]),
                "scenarios": {
                    s: {"duty": float(d), "effective_rate": rate(d, totals[0])}
                    for s, d in zip(self.scenarios, totals[1:], strict=True)
                },
            }
        return {
            "rows_read": self.read,
            "rows_scored": self.scored,
            "rows_rejected": self.rejected,
            "scenarios": {
                s: {
                    "customs_value": float(self.value),
                    "duty": float(self.duty[i]),
                    "effective_rate": rate(self.duty[i], self.value),
                    "landed_cost": float(self.landed[i]),
                }
                for i, s in enumerate(self.scenarios)
            },
            "by_sector": breakdown["sector"],
            "by_origin": breakdown["origin"],
        }

    def merge(self, other: Summary) -> None:
        self.read += other.read
        self.scored += other.scored
        self.rejected += other.rejected
        self.value += other.value
        self.duty = [a + b for a, b in zip(self.duty, other.duty, strict=True)]
        self.landed = [a + b for a, b in zip(self.landed, other.landed, strict=True)]
        for key, totals in other.groups.items():
            mine = self._group(key)
            mine[:] = [a + b for a, b in zip(mine, totals, strict=True)]

    def lines(self) -> list[str]:
        text = [f"rows read {self.read:,}, scored {self.scored:,}, rejected {self.rejected:,}"]
        for i, s in enumerate(self.scenarios):
            rate = f"{self.duty[i] / self.value * 100:.2f}%" if self.value else "n/a"
            text.append(
                f"{s}: customs value ${self.value:,.2f}, duty ${self.duty[i]:,.2f} ({rate}),"
                f" landed cost ${self.landed[i]:,.2f}"
            )
        return text


Output = CsvOut | JsonlOut | ParquetOut


def run(
    layout: Layout,
    records: Iterable[Record],
    scorer: Scorer,
    output: Output,
    summary: Summary,
    on_rejected: Callable[[Rejected], None],
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> None:
    """Score every row into `output`, in input order; rejected rows go to `on_rejected`.

    With jobs > 1, worker processes score chunks of rows while this one reads and
    writes; chunks are written in input order, and only a few are in flight at once,
    so memory stays bounded."""
    output.start()
    if jobs > 1:
        _run_parallel(layout, records, scorer, output, summary, on_rejected, progress, jobs)
    else:
        for chunk in chunks(records):
            summary.read += len(chunk)
            _score_rows(scorer, to_rows(layout, chunk), output, summary, on_rejected)
            if progress is not None:
                progress(summary.read)
    output.close()


class RowWriter(Protocol):
    def write(self, scored: ScoredRow) -> None: ...


def _score_rows(
    scorer: Scorer,
    rows: Iterable[InputRow],
    output: RowWriter,
    summary: Summary,
    on_rejected: Callable[[Rejected], None],
) -> None:
    """Score rows into `output` and `summary`, the one loop of a process or a worker."""
    for row in rows:
        result = scorer.score(row)
        if isinstance(result, Rejected):
            summary.rejected += 1
            on_rejected(result)
        else:
            summary.add(result)
            output.write(result)


_WORKER: dict[str, Any] = {}  # a worker process's scorer and output shape, set when it starts


def _start_worker(
    table: RateTable,
    scenarios: list[str],
    defaults: Defaults,
    with_schedule: bool,
    layout: Layout,
    parquet: bool,
    jsonl: bool,
) -> None:
    """A worker's own scorer: a database connection does not cross processes."""
    schedule = None
    if with_schedule:
        from tariffcalc.inputs.schedule import open_schedule

        schedule = open_schedule()
    scorer = Scorer(table, scenarios, defaults, schedule)
    _WORKER.update(scorer=scorer, layout=layout, parquet=parquet, jsonl=jsonl)


def _score_chunk(records: list[Record]) -> tuple[Any, list[Rejected], Summary]:
    scorer: Scorer = _WORKER["scorer"]
    layout: Layout = _WORKER["layout"]
    summary = Summary(scorer.scenarios)
    summary.read = len(records)
    rejected: list[Rejected] = []
    buffer = io.StringIO()
    out: Any
    if _WORKER["parquet"]:
        out = ParquetRows(layout.header)
    else:
        out = (JsonlOut if _WORKER["jsonl"] else CsvOut)(buffer, layout.header, scorer.scenarios)
    _score_rows(scorer, to_rows(layout, records), out, summary, rejected.append)
    return (out.rows if _WORKER["parquet"] else buffer.getvalue()), rejected, summary


def _run_parallel(
    layout: Layout,
    records: Iterable[Record],
    scorer: Scorer,
    output: Output,
    summary: Summary,
    on_rejected: Callable[[Rejected], None],
    progress: Callable[[int], None] | None,
    jobs: int,
) -> None:
    import multiprocessing
    from collections import deque

    # Not "fork": the progress display runs a thread, and forking a threaded process is unsafe.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    start = (
        scorer.table,
        scorer.scenarios,
        scorer.defaults,
        scorer.schedule is not None,
        layout,
        isinstance(output, ParquetOut),
        isinstance(output, JsonlOut),
    )
    with context.Pool(jobs, initializer=_start_worker, initargs=start) as pool:
        pending: deque[Any] = deque()

        def finish_oldest() -> None:
            payload, rejected, part = pending.popleft().get()
            output.write_chunk(payload)
            for item in rejected:
                on_rejected(item)
            summary.merge(part)
            if progress is not None:
                progress(summary.read)

        for chunk in chunks(records):
            pending.append(pool.apply_async(_score_chunk, (chunk,)))
            if len(pending) >= 2 * jobs:
                finish_oldest()
        while pending:
            finish_oldest()


class ErrorsOut:
    """Rejected rows as CSV: line, id, field, reason."""

    def __init__(self, out: TextIO) -> None:
        self.writer = csv.writer(out, lineterminator="\n")
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
