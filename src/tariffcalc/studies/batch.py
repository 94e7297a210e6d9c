"""Score a whole file of shipments under every scenario: streaming, with shared plans.

Rows stream through in bounded memory. Rows alike in classification, origin,
date and currency share one shipment template; the engine's `Assessor` does the
arithmetic, sharing plans between rows alike: a batch row equals `duty --json`
for the same inputs. The scored rows go to an `Output` the caller gives (the
writers are in `output/rows.py`); worker processes get its class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from tariffcalc.errors import InputError
from tariffcalc.inputs.records import InputRow, Layout, Record, chunks, to_rows
from tariffcalc.inputs.shipment import date_pattern, parse_date, shipment_template, with_amounts
from tariffcalc.law.coverage import coverage_of
from tariffcalc.law.domain import DEFAULT_ORIGIN, RateTable, Shipment
from tariffcalc.law.engine import Assessor, Figures
from tariffcalc.law.hts import check_leading_zero
from tariffcalc.law.ratetext import RateTextError

if TYPE_CHECKING:
    from tariffcalc.inputs.schedule import Schedule

MAX_TEMPLATES = 100_000  # templates kept; the cache starts over beyond it


class Defaults(NamedTuple):
    """Values for columns a file does not have: the command's own options."""

    origin: str = DEFAULT_ORIGIN
    entry_date: date | None = None
    currency: str = "USD"
    fx: str | None = None
    mode: str = "ocean"
    sector: str | None = None
    mfn: str | None = None
    date_format: str | None = None  # of the file's dates (see `date_pattern`); None: ISO


def row_defaults(
    origin: str = DEFAULT_ORIGIN,
    entry_date: str | None = None,
    currency: str = "USD",
    fx: str | None = None,
    mode: str = "ocean",
    sector: str | None = None,
    mfn: str | None = None,
    date_format: str | None = None,
) -> Defaults:
    """Defaults from options as typed; the entry date is parsed (today when not given;
    YYYY-MM-DD, as everywhere on the command line: `date_format` is the file's)."""
    if date_format:
        date_pattern(date_format)  # a bad format is the command's error, not every row's
    day = parse_date("date", entry_date) if entry_date else date.today()
    return Defaults(
        origin=origin,
        entry_date=day,
        currency=currency,
        fx=fx,
        mode=mode,
        sector=sector,
        mfn=mfn,
        date_format=date_format,
    )


class Columnar(NamedTuple):
    """A CSV file the columnar engine reads itself (`studies/columnar.py`)."""

    path: Path
    crlf: bool  # some lines end with CR LF
    lines: int  # how many the file has
    done: list[float]  # the share of the work done, for `share_read` (one cell, set as it goes)

    def share_read(self) -> float:
        """The share of the work done so far, for a progress display."""
        return self.done[0]


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
        self.columnar: Columnar | None = None  # a CSV file DuckDB reads itself

    def score(self, row: InputRow) -> ScoredRow | Rejected:
        if row.malformed is not None:
            return Rejected(row, "file", row.malformed)
        try:
            shipment = self.shipment(row.fields)
            figures, warnings = self.assessor.figures(shipment)
        except InputError as error:
            return Rejected(row, error.field, error.message)
        coverage = coverage_of(self.table, shipment.origin).warning
        return ScoredRow(row, shipment, figures, [coverage, *warnings] if coverage else warnings)

    def shipment(self, fields: dict[str, str]) -> Shipment:
        template = self.template(fields)
        raw_date = fields.get("entry_date")
        if raw_date:
            day = self.dates.get(raw_date)
            if day is None:
                day = parse_date("entry_date", raw_date, self.defaults.date_format)
                self.dates[raw_date] = day
            template = template._replace(entry_date=day)
        return with_amounts(
            self.table,
            template,
            value=fields["value"],
            metal_value=fields.get("metal_value") or None,
            us_content=fields.get("us_content") or None,
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
                origin=origin or DEFAULT_ORIGIN,
                entry_date=day,
                currency=currency or "USD",
                fx=fx,
                mode=mode or "ocean",
                unit=unit,
                schedule=self.schedule if hts is not None else None,
            )
        except InputError as error:
            return error
        except RateTextError as error:  # the schedule's own text, taken as imported
            return InputError("hts", f"{hts}: the schedule's rate text cannot be read ({error})")


def make_scorer(table: RateTable, scenarios: list[str], defaults: Defaults) -> Scorer:
    """A row scorer that looks HTS codes up in the imported schedule, when there is one."""
    from tariffcalc.inputs.schedule import open_schedule

    return Scorer(table, scenarios, defaults, open_schedule())


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

    def add_totals(
        self,
        sector: str,
        origin: str,
        count: int,
        value: Decimal,
        duty: list[Decimal],
        landed: list[Decimal],
    ) -> None:
        """The totals of `count` rows of one sector and origin, scored elsewhere (in SQL)."""
        self.scored += count
        self.value += value
        self.duty = [a + b for a, b in zip(self.duty, duty, strict=True)]
        self.landed = [a + b for a, b in zip(self.landed, landed, strict=True)]
        for key in (("sector", sector), ("origin", origin)):
            totals = self._group(key)
            totals[:] = [a + b for a, b in zip(totals, [value, *duty], strict=True)]

    def _group(self, key: tuple[str, str]) -> list[Decimal]:
        totals = self.groups.get(key)
        if totals is None:
            totals = self.groups[key] = [Decimal(0)] * (1 + len(self.scenarios))
        return totals

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


# --- a run -------------------------------------------------------------------------------


class ChunkWriter(Protocol):
    """What a worker process writes a chunk's scored rows to."""

    def write(self, scored: ScoredRow) -> None: ...

    def payload(self) -> Any:
        """What the chunk's rows became (picklable), for the main output's `write_chunk`."""


class Output(Protocol):
    """Where scored rows go, in input order (the writers are in `output/rows.py`). Its class
    is sent to worker processes, for `for_worker`: define it at the top of a module."""

    def start(self) -> None: ...

    def write(self, scored: ScoredRow) -> None: ...

    def write_chunk(self, payload: Any) -> None: ...

    def close(self) -> None: ...

    @classmethod
    def for_worker(cls, header: list[str], scenarios: list[str]) -> ChunkWriter: ...


def score_file(
    layout: Layout,
    records: Iterable[Record],
    scorer: Scorer,
    output: Output,
    on_rejected: Callable[[Rejected], None] = lambda rejected: None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> Summary:
    """Score every record of a file (see `inputs.records.read_records`) into `output`, in
    input order; rejected rows go to `on_rejected`. The totals are returned.

    A CSV file the scorer names as `columnar` is read and scored by DuckDB
    (`studies/columnar.py`), with the same output. With jobs > 1, worker processes
    score chunks of rows while this one reads and writes; chunks are written in input
    order, and only a few are in flight at once, so memory stays bounded."""
    if scorer.columnar is not None and not layout.jsonl:
        from tariffcalc.studies.columnar import score_columnar

        return score_columnar(scorer.columnar, layout, scorer, output, on_rejected, progress)
    sink = _Sink(output, Summary(scorer.scenarios), on_rejected, progress)
    output.start()
    if jobs > 1:
        _score_in_workers(layout, records, scorer, sink, jobs)
    else:
        for chunk in chunks(records):
            sink.summary.read += len(chunk)
            score_rows(scorer, to_rows(layout, chunk), output, sink.summary, on_rejected)
            sink.tick()
    output.close()
    return sink.summary


class _Sink(NamedTuple):
    """Where scored chunks go: the output, the totals, the rejected rows, the progress."""

    output: Output
    summary: Summary
    on_rejected: Callable[[Rejected], None]
    progress: Callable[[int], None] | None

    def take(self, payload: Any, rejected: list[Rejected], part: Summary) -> None:
        """A chunk scored by a worker, in input order."""
        self.output.write_chunk(payload)
        for item in rejected:
            self.on_rejected(item)
        self.summary.merge(part)
        self.tick()

    def tick(self) -> None:
        if self.progress is not None:
            self.progress(self.summary.read)


def score_rows(
    scorer: Scorer,
    rows: Iterable[InputRow],
    output: ChunkWriter | Output,
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


class _Worker(NamedTuple):
    scorer: Scorer
    layout: Layout
    output: type[Output] | None


_WORKER: list[_Worker] = []  # a worker process's own scorer and output, set when it starts


def worker_scorer() -> Scorer:
    """The scorer of this worker process (see `worker_pool`)."""
    return _WORKER[0].scorer


def _start_worker(
    table: RateTable,
    scenarios: list[str],
    defaults: Defaults,
    schedule_path: Path | None,
    layout: Layout,
    output: type[Output] | None,
) -> None:
    """A worker's own scorer: a database connection does not cross processes, so the
    worker opens the parent's schedule by its path (not by its own environment). Ctrl-C is
    the main process's to handle: it stops the workers (one message, not one per process)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    schedule = None
    if schedule_path is not None:
        from tariffcalc.inputs.schedule import Schedule

        schedule = Schedule(schedule_path)
    _WORKER.append(_Worker(Scorer(table, scenarios, defaults, schedule), layout, output))


def _score_chunk(records: list[Record]) -> tuple[Any, list[Rejected], Summary]:
    scorer, layout, output = _WORKER[0]
    assert output is not None
    summary = Summary(scorer.scenarios)
    summary.read = len(records)
    rejected: list[Rejected] = []
    out = output.for_worker(layout.header, scorer.scenarios)
    score_rows(scorer, to_rows(layout, records), out, summary, rejected.append)
    return out.payload(), rejected, summary


def _score_in_workers(
    layout: Layout, records: Iterable[Record], scorer: Scorer, sink: _Sink, jobs: int
) -> None:
    from collections import deque

    with worker_pool(scorer, jobs, layout, type(sink.output)) as pool:
        pending: deque[Any] = deque()
        for chunk in chunks(records):
            pending.append(pool.apply_async(_score_chunk, (chunk,)))
            if len(pending) >= 2 * jobs:
                sink.take(*pending.popleft().get())
        while pending:
            sink.take(*pending.popleft().get())


class Workers:
    """A pool's `apply_async`, without the pool: the pool must go before its helper
    processes stop (see `worker_pool`), and a caller's frame holding it would keep it."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def apply_async(self, function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        return self.pool.apply_async(function, args)


@contextmanager
def worker_pool(
    scorer: Scorer, jobs: int, layout: Layout, output: type[Output] | None = None
) -> Iterator[Workers]:
    """A pool of `jobs` processes, each with its own scorer (`_WORKER`); gone afterwards,
    with multiprocessing's helper processes."""
    import multiprocessing

    # Not "fork": the progress display runs a thread, and forking a threaded process is unsafe.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    start = (
        scorer.table,
        scorer.scenarios,
        scorer.defaults,
        scorer.schedule.path if scorer.schedule is not None else None,
        layout,
        output,
    )
    workers = Workers(context.Pool(jobs, initializer=_start_worker, initargs=start))
    with workers.pool:
        yield workers
    # Not on an interrupt: its traceback keeps the pool's semaphores, which the tracker
    # would unlink as it stops and their finalizers again, each with a traceback.
    workers.pool = None
    _stop_helper_processes()


def _stop_helper_processes() -> None:
    """Stop multiprocessing's fork server and resource tracker, and wait for them: left to
    stop when this process exits, they outlive it, orphans in its process group (zombies
    where nothing reaps them, as in some containers)."""
    import gc
    from multiprocessing import forkserver, resource_tracker

    gc.collect()  # the pool's semaphores, which the tracker is told of as they go
    for module, name in ((forkserver, "_forkserver"), (resource_tracker, "_resource_tracker")):
        stop = getattr(getattr(module, name, None), "_stop", None)  # private: may not be there
        if stop is not None:
            stop()
