"""The batch at columnar speed: DuckDB reads a CSV file itself, checks its cells in SQL and
does each row's arithmetic exactly from the plan table (`law/plantable.py`), in bounded
memory. Same output as `score_file`, byte for byte.

What DuckDB does, each step a parallel pass into a table of its own (in memory up to
`MEMORY_LIMIT`, spilled to a folder of its own beyond it): number the file's lines;
split each line into its cells, check its shape, parse its amounts once and key its plan;
find the distinct entry dates and plan keys (thousands, however many rows), which the one
Python engine turns into plan-table rows (dates grouped into the periods between rule
changes); join; compute in integer cents each duty line rounded half-up on its own, the
MFN with its specific part, the MPF within its limits per entry, HMF, landed cost and the
effective rate (half-even to a millionth, as `effective_rate`), and each output line as
text; sum the totals; read the lines back in input order, a sorted window at a time (joins
do not keep the order). What it leaves to the row-by-row `Scorer`: any row it cannot
vouch for (an amount that is not a plain decimal with at most four places, a formula-like
cell, a cell with a comma, a count of cells other than the header's, a key or date the
engine refuses, another currency, rates of more than eight places, a specific MFN under an
inclusive rate): those rows, with their line numbers, are scored or rejected exactly as
before, in place.

Files it does not take (`columnar_source` says None; the caller uses `score_file`): stdin,
JSON Lines, .xlsx, a file holding a double quote, a carriage return not before a line
feed, a byte 0x01, a line over 1 MB, a BOM or bytes that are not UTF-8.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tariffcalc.errors import InputError, TariffcalcError
from tariffcalc.inputs.records import MALFORMED, MAX_RECORD_CHARS, Layout, to_rows
from tariffcalc.law.coverage import coverage_of
from tariffcalc.law.plantable import Plan, fee_day, period_start, plan_rows, rule_changes
from tariffcalc.money import MAX_AMOUNT
from tariffcalc.studies.batch import Columnar, Output, Rejected, Scorer, Summary, score_rows

if TYPE_CHECKING:
    import duckdb

THREADS = min(os.cpu_count() or 1, 4)
# DuckDB's own, per thread: it spills to its temporary folder beyond it. At 64 MB a thread
# its passes ran on one thread of two (timed on a million rows); 96 MB kept both busy.
MEMORY_LIMIT = f"{96 * THREADS}MB"
FETCH = 5_000  # output lines taken from DuckDB at a time (a progress display's step)
# The share of the work done after each pass (as timed on a million rows), for a progress
# display; writing the output in line order takes the rest.
SHARE_LINES, SHARE_CELLS, SHARE_PLANS, SHARE_SCORED = 0.05, 0.25, 0.4, 0.75
PLAN_CHUNK = 2_000  # plan keys a worker process takes at a time (about half a second)
POOL_KEYS = 10_000  # keys worth starting worker processes for (about a second to start)
WINDOW_BYTES = 128 << 20  # of output lines sorted at a time, in memory
OUTPUT_BYTES = 256  # what scoring adds to a line, about, for five scenarios
REP_VALUE = Decimal(10_000)  # a representative shipment's value: plans depend on parts only
METAL_OF = {"none": None, "zero": Decimal(0), "all": REP_VALUE, "part": REP_VALUE / 2}
KEY_FIELDS = ("sector", "hts", "mfn", "origin", "currency", "fx", "mode", "unit")
AMOUNT = r"(?:0|[1-9][0-9]{0,12})(?:\.[0-9]{1,4})?"  # what DECIMAL(18,4) holds exactly
QUANTITY = r"(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,3})?"
UNSAFE = ('"', "\r", "\n")  # texts that CSV would quote: their rows go row by row
BLOCK = 1 << 20
MAX_LINE = 1 << 20  # bytes; the row reader rejects lines of over 131,072 characters
GLOB = "*?[]{}"  # what makes a path a pattern to DuckDB


def columnar_source(path: str, layout: Layout) -> Columnar | None:
    """The file, when the columnar engine can read it as the row reader would: a CSV file
    with no quotes, 0x01 bytes or BOM, all of it UTF-8, lines ended by LF or CR LF, none
    over `MAX_LINE` bytes, and a name DuckDB does not take for a pattern of names."""
    if path == "-" or layout.jsonl or path.lower().endswith(".xlsx") or not Path(path).is_file():
        return None
    if any(c in GLOB for c in path):  # read_csv('ship[1].csv') reads ship1.csv
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    crlf, line, lines = False, 0, 1  # line: bytes since the last line end
    with open(path, "rb") as source:
        first = True
        while block := source.read(BLOCK):
            if first and block.startswith(codecs.BOM_UTF8):
                return None
            first = False
            if block.endswith(b"\r"):
                block += source.read(1)
            if b'"' in block or b"\x01" in block or block.count(b"\r") != block.count(b"\r\n"):
                return None
            crlf = crlf or b"\r" in block
            lines += block.count(b"\n")
            end = block.find(b"\n")
            if line + (end if end >= 0 else len(block)) > MAX_LINE:
                return None  # DuckDB would stop at it
            line = len(block) - 1 - block.rfind(b"\n") if end >= 0 else line + len(block)
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return None
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return Columnar(Path(path).absolute(), crlf, lines, [0.0])  # no '~' for DuckDB to expand


def has_duckdb() -> bool:
    try:
        import_duckdb()
    except TariffcalcError:
        return False
    return True


def import_duckdb() -> Any:
    """DuckDB, or a clear message naming the extra that brings it."""
    try:
        import duckdb
    except ImportError:
        raise TariffcalcError(
            "the columnar engine needs duckdb: pip install 'tariffcalc[columnar]'"
        ) from None
    return duckdb


def score_columnar(
    source: Columnar,
    layout: Layout,
    scorer: Scorer,
    output: Output,
    on_rejected: Callable[[Rejected], None] = lambda rejected: None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Score a CSV file (see `columnar_source`) into `output`, as `score_file` does."""
    import tempfile

    duckdb = import_duckdb()
    # Where DuckDB spills beyond its memory limit: a folder of its own, gone afterwards
    # (an in-memory database would spill into ./.tmp, in the user's folder).
    spill = tempfile.TemporaryDirectory(prefix="tariffcalc-duckdb-")
    config = {"memory_limit": MEMORY_LIMIT, "threads": THREADS, "temp_directory": spill.name}
    con = duckdb.connect(config=config)
    # The file's rows stay the probe side of every join (without this, DuckDB may build its
    # hash table from them, in memory).
    con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    con.execute("SET enable_progress_bar = false")  # its bar on a terminal's stderr
    summary = Summary(scorer.scenarios)

    def passed(share: float) -> None:
        source.done[0] = share
        if progress is not None:
            progress(summary.read)

    try:
        query = _Query(source, layout, scorer)
        query.prepare(con, passed)
        query.score(con)
        passed(SHARE_SCORED)
        output.start()
        query.stream(con, output, summary, on_rejected, passed)
        query.totals(con, summary)
        output.close()
        return summary
    except (duckdb.OutOfMemoryException, duckdb.IOException) as error:
        where = tempfile.gettempdir()
        raise InputError(
            "engine",
            f"DuckDB stopped: {str(error).splitlines()[0]} It keeps its tables in {where}"
            " beyond its memory: set TMPDIR to a folder with more room, or use --engine rows"
            " (slower, no temporary tables)",
        ) from None
    finally:
        con.close()
        spill.cleanup()


class _Query:
    """The SQL of one file, in tables each made in one parallel pass: its lines, their
    cells and plan keys, the plans, the scored lines; then the output, in input order."""

    def __init__(self, source: Columnar, layout: Layout, scorer: Scorer) -> None:
        self.layout = layout
        self.scorer = scorer
        self.source = source
        self.width = 0

    def prepare(self, con: duckdb.DuckDBPyConnection, passed: Callable[[float], None]) -> None:
        """The file's cells, and the tables of the entry dates and plan keys they use."""
        for macro in MACROS:
            con.execute(macro)
        # Lines are numbered in a pass of their own: a numbering window in the same pass
        # would keep the parsing that follows on one thread.
        con.execute(f"CREATE TEMP TABLE lines AS {_lines_sql(self.source)}")
        passed(SHARE_LINES)
        con.execute(f"CREATE TEMP TABLE cells AS {_cells_sql(self.source, self.layout)}")
        con.execute("DROP TABLE lines")
        passed(SHARE_CELLS)
        days = _Days(self.scorer)
        for (text,) in con.execute(
            "SELECT DISTINCT entry_date FROM cells WHERE shape_ok"
        ).fetchall():
            days.period(text)
        _create_days(con, days)
        # Each (key, period) once, streamed: a file of HTS lines can have nearly a key a row.
        con.execute(
            "CREATE TEMP TABLE keys AS SELECT DISTINCT c.plan_key, d.period"
            " FROM cells c JOIN days d USING (entry_date) WHERE c.shape_ok"
        )
        (count,) = con.execute("SELECT count(*) FROM keys").fetchone() or (0,)
        keys = con.execute("SELECT * FROM keys")
        self.width = _create_plans(con, self.scorer, keys, self.layout, count)
        passed(SHARE_PLANS)

    def score(self, con: duckdb.DuckDBPyConnection) -> None:
        """Every line's figures and output text, in a table (in no particular order: joins
        do not keep it), from which the totals and then the output are read."""
        scored = _scored_sql(self.scorer, self.width, self.layout.delimiter)
        con.execute(f"CREATE TEMP TABLE scored AS {scored}")
        con.execute("DROP TABLE cells")

    def stream(
        self,
        con: duckdb.DuckDBPyConnection,
        output: Output,
        summary: Summary,
        on_rejected: Callable[[Rejected], None],
        passed: Callable[[float], None],
    ) -> None:
        """Every line in input order: DuckDB's text for the rows it scored, the row-by-row
        scorer's for the others (it scores or rejects them with their line numbers)."""
        lines = max(self.source.lines, 1)
        for batch in self._in_order(con):
            texts = [text for _, _, text in batch]
            if None in texts:  # rows for the row engine, or blank lines
                self._with_rows(batch, output, summary, on_rejected)
            else:
                summary.read += len(texts)
                output.write_chunk("".join(texts))
            passed(SHARE_SCORED + (1 - SHARE_SCORED) * min(batch[-1][0] / lines, 1.0))

    def _with_rows(
        self,
        batch: list[tuple[Any, ...]],
        output: Output,
        summary: Summary,
        on_rejected: Callable[[Rejected], None],
    ) -> None:
        texts: list[str] = []
        for line, raw, text in batch:
            if text is not None:
                texts.append(text)
                summary.read += 1
            elif raw is not None and raw.strip():
                output.write_chunk("".join(texts))
                texts = []
                self._by_row(line, raw, output, summary, on_rejected)
        output.write_chunk("".join(texts))

    def _in_order(self, con: duckdb.DuckDBPyConnection) -> Iterator[list[tuple[Any, ...]]]:
        """The scored table's (line, raw, text) in line order, a window of lines at a time:
        each window is sorted in memory, and the table's row groups that hold none of its
        lines are skipped, where one sort of the whole table would spill to disk."""
        first, last = con.execute(
            "SELECT COALESCE(min(line), 0), COALESCE(max(line), 0) FROM scored"
        ).fetchone() or (0, 0)
        size = self.source.path.stat().st_size / max(self.source.lines, 1)
        window = max(1_000, int(WINDOW_BYTES // (size + OUTPUT_BYTES)))
        for start in range(first, last + 1, window):
            result = con.execute(
                "SELECT line, raw, text FROM scored WHERE line >= ? AND line < ? ORDER BY line",
                [start, start + window],
            )
            while batch := result.fetchmany(FETCH):
                yield batch

    def _by_row(
        self,
        line: int,
        raw: str,
        output: Output,
        summary: Summary,
        on_rejected: Callable[[Rejected], None],
    ) -> None:
        summary.read += 1
        text = raw + "\n"
        if len(text) > MAX_RECORD_CHARS:
            text = f"{MALFORMED}a row longer than {MAX_RECORD_CHARS:,} characters"
        score_rows(self.scorer, to_rows(self.layout, [(line, text)]), output, summary, on_rejected)

    def totals(self, con: duckdb.DuckDBPyConnection, summary: Summary) -> None:
        """The totals of the rows DuckDB scored, added to those scored row by row."""
        scenarios = range(len(self.scorer.scenarios))
        sums = ", ".join(f"SUM(duty_{i}), SUM(landed_{i})" for i in scenarios)
        rows = con.execute(
            f"SELECT sector_out, origin_out, COUNT(*), SUM(v), {sums}"
            " FROM scored WHERE scored GROUP BY ALL"
        ).fetchall()
        for sector, origin, count, *cents in rows:
            value, *figures = (Decimal(c).scaleb(-2) for c in cents)
            summary.add_totals(sector, origin, count, value, figures[0::2], figures[1::2])


# --- plan keys and entry dates --------------------------------------------------------------


class _Days:
    """Entry dates as the rows give them: the period of rule changes each falls in."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.changes = rule_changes(scorer.table)
        self.found: dict[str, tuple[date, date] | None] = {}

    def period(self, text: str) -> date | None:
        if text not in self.found:
            self.found[text] = self._parse(text)
        found = self.found[text]
        return None if found is None else found[1]

    def _parse(self, text: str) -> tuple[date, date] | None:
        from tariffcalc.inputs.shipment import parse_date

        try:
            defaults = self.scorer.defaults
            day = parse_date("entry_date", text, defaults.date_format) if text else None
            day = day or defaults.entry_date
        except InputError:
            return None
        return None if day is None else (day, period_start(self.changes, day))


def _plan(scorer: Scorer, plan_key: str, period: date) -> _KeyPlan | None:
    """The plan-table rows of a key (`_cells_sql` says what it holds), from a representative
    shipment entered on the first day of the period; None when the engine refuses the key
    or the columnar arithmetic cannot carry it (its rows go row by row)."""
    from tariffcalc.inputs.shipment import with_amounts

    *texts, metal, quantity_given = plan_key.split("\x01")
    fields = dict(zip(KEY_FIELDS, texts, strict=True))
    try:
        template = scorer.template(fields)
        shipment = with_amounts(
            scorer.table,
            template._replace(entry_date=period),
            value=REP_VALUE,
            metal_value=METAL_OF[metal],
            quantity=Decimal(1) if quantity_given == "true" else None,
        )
    except InputError:
        return None
    if template.fx is not None:
        return None
    plan = plan_rows(scorer.assessor, shipment)
    coverage = coverage_of(scorer.table, shipment.origin).warning  # first, as `Scorer.score`
    plan = plan._replace(warnings=[coverage, *plan.warnings] if coverage else plan.warnings)
    texts = [plan.sector, *plan.warnings]
    if not plan.exact or any(c in text for text in texts for c in UNSAFE) or "," in plan.sector:
        return None
    return _KeyPlan(plan, shipment.mode in scorer.table.fees.hmf_modes)


class _KeyPlan(NamedTuple):
    plan: Plan
    hmf: bool  # the mode pays the harbor maintenance fee


def _create_days(con: duckdb.DuckDBPyConnection, days: _Days) -> None:
    """The fee terms of each entry date the rows give: money in cents, rates scaled by
    RATE; and the texts that a fee taken as the table gives it is written as."""
    con.execute(
        "CREATE TEMP TABLE days (entry_date VARCHAR, period DATE, informal_max BIGINT,"
        " flat BIGINT, mpf_rate BIGINT, low BIGINT, high BIGINT, hmf_rate BIGINT,"
        " flat_text VARCHAR, low_text VARCHAR, high_text VARCHAR, warn_informal VARCHAR,"
        " warn_limit VARCHAR)"
    )
    rows = []
    for text, found in days.found.items():
        fees = None if found is None else fee_day(days.scorer.table.fees, found[0])
        if found is None or fees is None:
            continue
        money = [_scaled(x, CENT) for x in (fees.informal_max, fees.flat, fees.low, fees.high)]
        rates = [_scaled(x, RATE) for x in (fees.mpf_rate, fees.hmf_rate)]
        warnings = [fees.informal_warning, fees.limit_warning]
        unsafe = any(w is not None and any(c in w for c in UNSAFE) for w in warnings)
        if unsafe or None in (*money[:3], *rates) or (fees.high is not None and money[3] is None):
            continue  # its rows go row by row
        texts = [None if x is None else str(x + 0) for x in (fees.flat, fees.low, fees.high)]
        rows.append((text, found[1], *money[:2], rates[0], *money[2:], rates[1], *texts, *warnings))
    load_rows(con, "days", rows)


RATE = 10**8  # rates as integers: what plantable.RATE_SCALE allows
SPECIFIC = 10**7  # USD per unit as integers (plantable.SPECIFIC_SCALE)
CENT = 100
QUANTUM = 10**3  # quantities as integers (the QUANTITY pattern's places)
BIG_DUTY = 9 * 10**12  # cents: duty times 1e6 stays within BIGINT below it
RATE_BOUND = 10**11  # duty / value: its rate in millionths stays within BIGINT below it


def _scaled(number: Decimal | None, scale: int) -> int | None:
    """`number` times `scale` when that is a whole number, else None."""
    if number is None:
        return None
    scaled = number * scale
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _create_plans(
    con: duckdb.DuckDBPyConnection,
    scorer: Scorer,
    keys: duckdb.DuckDBPyConnection,
    layout: Layout,
    count: int,
) -> int:
    """The plans of the keys (a pending result of (plan key, period)), one wide row each:
    for each line after the MFN, each scenario's (rate charged, scaled by RATE; base part),
    lines charging nothing left out. Rows stream to a scratch file, as long as their widest
    scenario; the table is as wide as the widest row. Its number of lines after the MFN."""
    width = 0

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal width
        for planned, widest in _planned(scorer, keys, layout, count):
            width = max(width, widest)
            yield from planned

    with scratch_csv(rows()) as scratch:
        line_columns = [
            f"a_{s}_{j} BIGINT, b_{s}_{j} VARCHAR"
            for j in range(1, width + 1)
            for s in range(len(scorer.scenarios))
        ]
        con.execute(
            "CREATE TABLE plans (plan_key VARCHAR, period DATE, sector_out VARCHAR,"
            " origin_out VARCHAR, hmf BOOLEAN, warnings VARCHAR, mfn_rate BIGINT,"
            " specific BIGINT" + "".join(", " + c for c in line_columns) + ")"
        )
        copy_csv(con, "plans", scratch, padded=True)
    return width


PlanRows = tuple[list[tuple[Any, ...]], int]  # rows of the plans table, their widest


def _planned(
    scorer: Scorer, keys: duckdb.DuckDBPyConnection, layout: Layout, count: int
) -> Iterator[PlanRows]:
    """The plan rows of the `count` keys, a chunk at a time. A file of HTS lines can have
    nearly a key a row, each a plan of a few hundred microseconds: worker processes share
    many keys (as the row engine's workers share rows), where their start pays."""
    from collections import deque

    from tariffcalc.studies.batch import worker_pool

    if count < POOL_KEYS or THREADS == 1:
        while chunk := keys.fetchmany(PLAN_CHUNK):
            yield _plan_chunk(scorer, chunk)
        return
    with worker_pool(scorer, THREADS, layout) as pool:
        pending: deque[Any] = deque()
        while chunk := keys.fetchmany(PLAN_CHUNK):
            pending.append(pool.apply_async(_plan_chunk_in_worker, (chunk,)))
            if len(pending) >= 2 * THREADS:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _plan_chunk_in_worker(keys: list[tuple[str, date]]) -> PlanRows:
    from tariffcalc.studies.batch import worker_scorer

    return _plan_chunk(worker_scorer(), keys)


def _plan_chunk(scorer: Scorer, keys: list[tuple[str, date]]) -> PlanRows:
    rows, widest = [], 0
    for plan_key, period in keys:
        found = _plan(scorer, plan_key, period)
        if found is not None:
            charged = _charged(found.plan, scorer.scenarios)
            widest = max(widest, *map(len, charged))
            rows.append(_wide((plan_key, period), found, charged))
    return rows, widest


def _charged(plan: Plan, scenarios: list[str]) -> list[list[tuple[int, str]]]:
    """Each scenario's lines after the MFN that charge something: (rate scaled by RATE,
    base part). An inclusive rate is charged max(0, cap - MFN): a plan the columnar engine
    takes has an ad valorem MFN (`plan_rows` says it is not exact otherwise)."""
    mfn = plan.lines[0].ad_valorem or Decimal(0)
    found: list[list[tuple[int, str]]] = []
    for scenario in scenarios:
        lines: list[tuple[int, str]] = []
        for line in plan.lines:
            if line.scenario == scenario and line.line > 0:
                rate = line.ad_valorem if line.cap is None else max(Decimal(0), line.cap - mfn)
                scaled = _scaled(rate, RATE)
                if scaled:
                    lines.append((scaled, line.base))
        found.append(lines)
    return found


def load_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows into a table through a scratch CSV file, written as they come: a million rows
    in seconds, where SQL literals take a minute (executemany a millisecond a row)."""
    with scratch_csv(rows) as scratch:
        copy_csv(con, table, scratch)


@contextmanager
def scratch_csv(rows: Iterable[tuple[Any, ...]]) -> Iterator[Path]:
    """A scratch CSV file of the rows, gone afterwards. Text is quoted and None is not, so
    an empty text stays empty and None is NULL; the rest is cast by the column."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tariffcalc-rows-") as folder:
        scratch = Path(folder) / "rows.csv"
        with scratch.open("w", encoding="utf-8", newline="") as out:
            out.writelines(",".join(map(_csv_cell, row)) + "\n" for row in rows)
        yield scratch


def copy_csv(
    con: duckdb.DuckDBPyConnection, table: str, scratch: Path, padded: bool = False
) -> None:
    """A `scratch_csv` into a table; `padded`: rows shorter than the table end in NULLs."""
    con.execute(
        f"COPY {table} FROM {sql_string(str(scratch))} (FORMAT csv, HEADER false,"
        " DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR '', ALLOW_QUOTED_NULLS false,"
        f" AUTO_DETECT false, NULL_PADDING {str(padded).lower()})"
    )


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    return str(value)  # a number, a date or a bool: read by the column's type


def _wide(
    key: tuple[str, date], found: _KeyPlan, charged: list[list[tuple[int, str]]]
) -> tuple[Any, ...]:
    """A plan's row of the plans table: line by line, each scenario's rate and base."""
    plan = found.plan
    mfn = plan.lines[0]
    cells: list[Any] = [*key, plan.sector, plan.origin, found.hmf, "; ".join(plan.warnings)]
    cells += [_scaled(mfn.ad_valorem, RATE), _scaled(mfn.specific, SPECIFIC)]
    for j in range(max(map(len, charged))):
        for lines in charged:
            cells += lines[j] if j < len(lines) else (None, None)
    return tuple(cells)


# --- the SQL ----------------------------------------------------------------------------------


def sql_string(text: str) -> str:
    """A text as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _lines_sql(source: Columnar) -> str:
    """Every line of the file with its number, as one text column (no quotes to honour).
    Told that lines end with CR LF, DuckDB takes a lone LF as a line end too, not a CR."""
    newline = "\\r\\n" if source.crlf else "\\n"
    return (
        f"SELECT row_number() OVER () AS line, raw FROM read_csv({sql_string(str(source.path))},"
        " columns={'raw': 'VARCHAR'}, delim='\\x01', quote='', escape='', header=false,"
        f" new_line='{newline}', auto_detect=false, strict_mode=false,"
        f" max_line_size={MAX_LINE + 2})"  # DuckDB's bound excludes it; the CR, the LF
    )


def _cells_sql(source: Columnar, layout: Layout) -> str:
    """Each data line with the fields that key its plan (one text, `plan_key`), its amounts
    in cents, and whether its shape and amounts let SQL score it. Each amount is parsed
    once, in its own layer: an expression written out again in a later layer would be
    computed again for every use."""
    delimiter = layout.delimiter
    index = {field: i + 1 for i, field in layout.mapping}

    def cell(field: str) -> str:
        return f"c[{index[field]}]" if field in index else "''"

    shape = (
        f"length(raw) < {MAX_RECORD_CHARS - 1}"
        f" AND regexp_full_match(raw, {sql_string(_row_pattern(layout))})"
    )
    fields = ", ".join(f"{cell(f)} AS {f}" for f in ("entry_date", *KEY_FIELDS))
    # Exact: only cells that AMOUNT and QUANTITY match are scored; '' is NULL.
    numbers = ", ".join(
        [
            *(f"TRY_CAST({cell(f)} AS DECIMAL(18,4)) AS d_{f}" for f in _AMOUNTS),
            f"TRY_CAST(NULLIF({cell('quantity')}, '') AS DECIMAL(38,3)) AS d_quantity",
        ]
    )
    amounts = (
        f"{_cents('d_value')} AS v, {_cents('d_metal_value')} AS metal_given,"
        f" COALESCE({_cents('d_freight')}, 0) + COALESCE({_cents('d_insurance')}, 0) AS outside,"
        f" CAST(d_quantity * {QUANTUM} AS BIGINT) AS q,"
        + " AND ".join(f"COALESCE(d_{f}, 0) <= {MAX_AMOUNT:f}" for f in _AMOUNTS)
        + " AND COALESCE(d_quantity > 0, true) AS amounts_ok"
    )
    metal = (
        "CASE WHEN metal_given IS NULL THEN 'none' WHEN metal_given = 0 THEN 'zero'"
        " WHEN metal_given = v THEN 'all' ELSE 'part' END"
    )
    key = ", ".join([*KEY_FIELDS, metal, "CAST(d_quantity IS NOT NULL AS VARCHAR)"])
    return (
        f"SELECT line, raw, entry_date, shape_ok, v, COALESCE(metal_given, v) AS mv, outside, q,"
        f" amounts_ok AND v > 0 AND COALESCE(metal_given, 0) <= v AS amounts_ok,"
        f" concat_ws(chr(1), {key}) AS plan_key"
        f" FROM (SELECT *, {amounts}"
        f" FROM (SELECT line, raw, {fields}, {numbers}, {shape} AS shape_ok"
        f" FROM (SELECT line, raw, string_split(raw, {sql_string(delimiter)}) AS c"
        f" FROM lines WHERE line > {header_line(source.path)})))"
    )


def _row_pattern(layout: Layout) -> str:
    """What a row DuckDB scores looks like, in one regular expression: as many cells as the
    header; amounts and quantities as plain decimals; no control characters; no text a
    spreadsheet would run (`neutralise` would change it; a signed number it leaves)."""
    # A cell holds no delimiter, no comma (which CSV output would quote), no control character.
    free = "^\\x00-\\x1f\\x7f," + (";" if layout.delimiter == ";" else "")
    text = f"(?:[{free}=+@-][{free}]*|[+-][0-9]+(?:\\.[0-9]*)?)?"
    fields = dict(layout.mapping)
    patterns = {"value": AMOUNT, "quantity": f"(?:{QUANTITY})?"}
    patterns |= {f: f"(?:{AMOUNT})?" for f in _OPTIONAL}
    # A field the SQL does not read (us_content) must be empty: rows giving one go row by row.
    patterns |= {f: "" for f in fields.values() if f not in _READ and f not in _CARRIED}
    cells = [patterns.get(fields.get(i, ""), text) for i in range(len(layout.header))]
    return _re_delimiter(layout.delimiter).join(cells)


_OPTIONAL = ("metal_value", "freight", "insurance")
_AMOUNTS = ("value", *_OPTIONAL)
_READ = {"entry_date", "quantity", *KEY_FIELDS, *_AMOUNTS}  # the fields `_cells_sql` reads
_CARRIED = {"id", "entry_number"}  # fields that change no figure, carried as text


def _re_delimiter(delimiter: str) -> str:
    return "\\t" if delimiter == "\t" else delimiter


def header_line(path: Path) -> int:
    """The header's line number: the first line that is not blank, as `read_records` reads."""
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            if text.strip():
                return number
    return 0


def _figures_sql(scorer: Scorer, width: int) -> str:
    """Every data line, `scored` when DuckDB scores it: its amounts in cents, its plan and
    fee terms, and each scenario's duty and landed cost in cents (from the cells table).

    BIGINT arithmetic, exact: cents (at most 1e14) times rates scaled by 1e8 (at most 1e9)
    are split by `half_up` so that no product passes 1e17; the MFN with a specific part
    (rare) is summed in HUGEINT before its one rounding, as the engine does."""
    rows = (
        "SELECT r.* EXCLUDE (entry_date, plan_key), p.*, d.*,"
        " COALESCE(r.shape_ok AND r.amounts_ok AND p.sector_out IS NOT NULL, false) AS scored"
        " FROM cells r LEFT JOIN days d ON r.entry_date = d.entry_date"
        " LEFT JOIN plans p ON r.plan_key = p.plan_key AND p.period = d.period"
    )
    mfn = (
        "CASE WHEN specific IS NULL THEN half_up(v, mfn_rate) ELSE CAST((CAST(v AS HUGEINT)"
        f" * mfn_rate + CAST(specific AS HUGEINT) * q + {RATE // 2}) // {RATE} AS BIGINT) END"
    )
    fees = (
        "CASE WHEN v <= informal_max THEN flat WHEN mpf_ad < low THEN low"
        " WHEN high IS NOT NULL AND mpf_ad > high THEN high ELSE mpf_ad END AS mpf,"
        f" CASE WHEN hmf THEN half_up(v, hmf_rate) ELSE 0 END AS hmf_amount, {mfn} AS mfn_duty"
    )
    scenarios = range(len(scorer.scenarios))
    duties = ", ".join(f"{_duty_sql(s, width)} AS duty_{s}" for s in scenarios)
    landed = ", ".join(
        f"v + outside + mpf + hmf_amount + duty_{s} AS landed_{s}" for s in scenarios
    )
    return (
        f"SELECT *, {landed} FROM (SELECT *, {duties} FROM (SELECT *, {fees} FROM"
        f" (SELECT *, half_up(v, mpf_rate) AS mpf_ad FROM ({rows}))))"
    )


MACROS = (
    # round(x * r / 1e8) half-up, x and r not negative, x < 1e14, r <= 1e9, in BIGINT:
    # x = h * 1e7 + l; x * r = (h * r) * 1e7 + l * r, neither product above 1e16.
    f"CREATE TEMP MACRO half_up(x, r) AS ((x // 10000000) * r) // 10"
    f" + ((((x // 10000000) * r) % 10) * 10000000 + (x % 10000000) * r + {RATE // 2})"
    f" // {RATE}",
    # Cents as text, through DECIMAL(18,2) (int64 inside: amounts stay below 1e16 cents).
    "CREATE TEMP MACRO cents_text(x) AS CAST(x::DECIMAL(16,0) * 0.01::DECIMAL(2,2) AS VARCHAR)",
)


def _cents(number: str) -> str:
    """An amount in USD as the shipment holds it, in cents: rounded half-up to the cent."""
    return f"CAST(ROUND({number}, 2) * 100 AS BIGINT)"


def _duty_sql(scenario: int, width: int) -> str:
    """A scenario's duty: the MFN's, then each line's amount rounded half-up on its own."""
    lines = [
        f"COALESCE(half_up(CASE b_{scenario}_{j} WHEN 'value' THEN v WHEN 'metal' THEN mv"
        f" ELSE v - mv END, a_{scenario}_{j}), 0)"
        for j in range(1, width + 1)
    ]
    return " + ".join(["mfn_duty", *lines])


def _scored_sql(scorer: Scorer, width: int, delimiter: str) -> str:
    """Every data line in input order: its number, its text, and DuckDB's output line when
    it scored it. Built in layers, so that each expression is computed once."""
    scenarios = range(len(scorer.scenarios))

    # duty / value to a millionth, half-even as the engine's `effective_rate`, exactly: in
    # one BIGINT division below $90bn of duty, else a long division three digits at a time.
    def long(d: str) -> tuple[str, str]:
        r2 = f"({d} % dv) * 1000 % dv"
        return f"(({d} // dv) * 1000 + ({d} % dv) * 1000 // dv) * 1000 + {r2} * 1000 // dv", (
            f"{r2} * 1000 % dv"
        )

    quotients = []
    for s in scenarios:
        q, r = long(f"duty_{s}")
        quotients.append(
            f"CASE WHEN duty_{s} < {BIG_DUTY} THEN duty_{s} * 1000000 // dv ELSE {q} END AS q_{s},"
            f" CASE WHEN duty_{s} < {BIG_DUTY} THEN duty_{s} * 1000000 % dv ELSE {r} END AS r_{s}"
        )
    rates = [
        f"q_{s} + CASE WHEN 2 * r_{s} > dv OR (2 * r_{s} = dv AND q_{s} % 2 = 1)"
        f" THEN 1 ELSE 0 END AS e_{s}"
        for s in scenarios
    ]
    steps = [", ".join(quotients), ", ".join(rates)]
    fees = (
        "CASE WHEN hmf THEN cents_text(mpf + hmf_amount)"
        " WHEN v <= informal_max THEN flat_text WHEN mpf_ad < low THEN low_text"
        " WHEN high IS NOT NULL AND mpf_ad > high THEN high_text"
        " ELSE cents_text(mpf) END AS fee_text,"
        " CASE WHEN v <= informal_max THEN warn_informal"
        " WHEN mpf <> mpf_ad THEN warn_limit END AS fee_warning"
    )
    warnings = (
        "CASE WHEN fee_warning IS NULL THEN warnings WHEN warnings = '' THEN fee_warning"
        " ELSE warnings || '; ' || fee_warning END AS w"
    )
    # A duty of RATE_BOUND times the value or more (a specific rate on a huge quantity
    # worth a cent) goes row by row: its rate in millionths would not fit in BIGINT.
    fits = " AND ".join(f"duty_{s} // NULLIF(v, 0) < {RATE_BOUND}" for s in scenarios)
    sql = (
        f"SELECT * REPLACE (COALESCE(scored AND {fits}, false) AS scored)"
        f" FROM ({_figures_sql(scorer, width)})"
    )
    sql = f"SELECT *, CASE WHEN scored THEN v END AS dv, {fees} FROM ({sql})"
    for layer in [*steps, warnings]:
        sql = f"SELECT *, {layer} FROM ({sql})"
    figures = ", ".join(f"duty_{s}, landed_{s}" for s in scenarios)
    return (
        f"SELECT line, scored, sector_out, origin_out, v, {figures},"
        " CASE WHEN NOT scored THEN raw END AS raw,"
        f" CASE WHEN scored THEN {_text_sql(scorer, delimiter)} END AS text"
        f" FROM ({sql})"
    )


def _text_sql(scorer: Scorer, delimiter: str) -> str:
    """The output line: the row's own cells, then the results, as `CsvOut` writes them."""
    source = "raw" if delimiter == "," else f"replace(raw, chr({ord(delimiter)}), ',')"
    cells = [source, "sector_out", "cents_text(v)"]
    for s in range(len(scorer.scenarios)):
        cells += [
            f"cents_text(duty_{s})",
            f"CAST(e_{s}::DECIMAL(18,0) * 0.000001::DECIMAL(7,6) AS VARCHAR)",
            "fee_text",
            f"cents_text(landed_{s})",
        ]
    cells.append("CASE WHEN contains(w, ',') THEN '\"' || w || '\"' ELSE w END")
    return f"concat({', chr(44), '.join(cells)}, chr(10))"
