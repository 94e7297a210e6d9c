"""The batch at columnar speed: DuckDB reads a CSV file itself, checks its cells in SQL and
does each row's arithmetic in exact DECIMAL from the plan table (`law/plantable.py`),
streaming, in bounded memory. Same output as `score_file`, byte for byte.

What DuckDB does: split each line into its cells; find the distinct entry dates and plan
keys (thousands, however many rows), which the one Python engine turns into plan-table
rows; join; compute each duty line rounded half-up on its own, the fees, landed cost and
effective rate (integer division, half-even to a millionth as `effective_rate`); write
each output line as text. What it leaves to the row-by-row `Scorer`: any row whose cells
it cannot vouch for (a number that is not a plain decimal with at most two places, a
formula-like cell, a count of cells other than the header's, a key or date the engine
refuses, rates beyond DECIMAL(38, 12)): those rows, with their line numbers, are scored
or rejected exactly as before and merged back in input order.

Files it does not take (`columnar_source` says None; the caller uses `score_file`): stdin,
JSON Lines, a file holding a double quote, a carriage return not before a line feed, a
byte 0x01, a BOM or bytes that are not UTF-8.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.inputs.records import MALFORMED, MAX_RECORD_CHARS, Layout, to_rows
from tariffcalc.law.plantable import Plan, fee_day, period_start, plan_rows, rule_changes
from tariffcalc.money import MAX_AMOUNT
from tariffcalc.studies.batch import Columnar, Output, Rejected, Scorer, Summary

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = "256MB"  # DuckDB's own; it spills to its temporary directory beyond it
THREADS = 2
FETCH = 20_000  # output lines taken from DuckDB at a time
REP_VALUE = Decimal(10_000)  # a representative shipment's value: plans depend on parts only
METAL_OF = {"none": None, "zero": Decimal(0), "all": REP_VALUE, "part": REP_VALUE / 2}
KEY_FIELDS = ("sector", "hts", "mfn", "origin", "currency", "fx", "mode", "unit")
AMOUNT = r"^(0|[1-9][0-9]{0,12})(\.[0-9]{1,6})?$"  # plain decimals DECIMAL(38,6) holds exactly
QUANTITY = r"^(0|[1-9][0-9]{0,8})(\.[0-9]{1,3})?$"
# A cell a spreadsheet would run, which `neutralise` prefixes (its rows go row by row);
# numbers such as -5 are left as they are, and here too.
PLAIN_SIGNED = r"^[+-][0-9]+(\.[0-9]*)?$"
UNSAFE = ('"', "\r", "\n")  # texts that CSV would quote: their rows go row by row
BLOCK = 1 << 20


def columnar_source(path: str, layout: Layout) -> Columnar | None:
    """The file, when the columnar engine can read it as the row reader would: a CSV file
    with no quotes, 0x01 bytes or BOM, all of it UTF-8, lines ended by LF or CR LF."""
    if path == "-" or layout.jsonl or not Path(path).is_file():
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    crlf = False
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
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return None
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return Columnar(Path(path), crlf)


def has_duckdb() -> bool:
    try:
        import_duckdb()
    except InputError:
        return False
    return True


def import_duckdb() -> Any:
    """DuckDB, or a clear message naming the extra that brings it."""
    try:
        import duckdb
    except ImportError:
        raise InputError(
            "batch", "the columnar engine needs duckdb: pip install 'tariffcalc[columnar]'"
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
    duckdb = import_duckdb()
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": THREADS})
    # The file's rows stay the probe side of every join, so they come out in input order
    # (without this, DuckDB may build its hash table from them: reordered, and in memory).
    con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    try:
        query = _Query(source, layout, scorer)
        query.prepare(con)
        summary = Summary(scorer.scenarios)
        output.start()
        query.stream(con, output, summary, on_rejected, progress)
        query.totals(con, summary)
        output.close()
        return summary
    finally:
        con.close()


class _Query:
    """The SQL of one file: its rows, their plan keys, and the scored lines."""

    def __init__(self, source: Columnar, layout: Layout, scorer: Scorer) -> None:
        self.layout = layout
        self.scorer = scorer
        self.source = source
        self.width = 0

    def prepare(self, con: duckdb.DuckDBPyConnection) -> None:
        """The tables of entry dates and plan keys the file's rows use."""
        con.execute(f"CREATE TEMP VIEW cells AS {_cells_sql(self.source, self.layout)}")
        found = con.execute(
            f"SELECT DISTINCT entry_date, {', '.join(KEY_FIELDS)}, metal, quantity_given"
            " FROM cells WHERE shape_ok"
        ).fetchall()
        days = _Days(self.scorer)
        keys: dict[tuple[Any, ...], _KeyPlan | None] = {}
        for entry_date, *rest in found:
            period = days.period(entry_date)
            key = (*rest, period)
            if period is not None and key not in keys:
                keys[key] = _plan(self.scorer, key)
        _create_days(con, days)
        self.width = _create_plans(con, self.scorer.scenarios, keys)

    def stream(
        self,
        con: duckdb.DuckDBPyConnection,
        output: Output,
        summary: Summary,
        on_rejected: Callable[[Rejected], None],
        progress: Callable[[int], None] | None,
    ) -> None:
        """Every line in input order: DuckDB's text for the rows it scored, the row-by-row
        scorer's for the others (it scores or rejects them with their line numbers)."""
        result = con.execute(_scored_sql(self.scorer, self.width, self.layout.delimiter))
        last = 0
        while batch := result.fetchmany(FETCH):
            texts: list[str] = []
            if batch[0][0] <= last or any(a[0] >= b[0] for a, b in pairwise(batch)):
                raise RuntimeError("DuckDB returned the rows out of input order")
            last = batch[-1][0]
            for line, raw, text in batch:
                if text is not None:
                    texts.append(text)
                    summary.read += 1
                elif raw is not None and raw.strip():
                    output.write_chunk("".join(texts))
                    texts = []
                    self._by_row(line, raw, output, summary, on_rejected)
            output.write_chunk("".join(texts))
            if progress is not None:
                progress(summary.read)

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
        for row in to_rows(self.layout, [(line, text)]):
            result = self.scorer.score(row)
            if isinstance(result, Rejected):
                summary.rejected += 1
                on_rejected(result)
            else:
                summary.add(result)
                output.write(result)

    def totals(self, con: duckdb.DuckDBPyConnection, summary: Summary) -> None:
        """The totals of the rows DuckDB scored, added to those scored row by row."""
        scenarios = range(len(self.scorer.scenarios))
        sums = ", ".join(f"SUM(duty_{i}), SUM(landed_{i})" for i in scenarios)
        rows = con.execute(
            f"SELECT sector_out, origin_out, COUNT(*), SUM(v), {sums}"
            f" FROM ({_figures_sql(self.scorer, self.width)}) WHERE scored GROUP BY ALL"
        ).fetchall()
        for sector, origin, count, value, *figures in rows:
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
            day = parse_date("entry_date", text) if text else self.scorer.defaults.entry_date
        except InputError:
            return None
        return None if day is None else (day, period_start(self.changes, day))


def _plan(scorer: Scorer, key: tuple[Any, ...]) -> _KeyPlan | None:
    """The plan-table rows of a key, from a representative shipment; None when the engine
    refuses the key or the columnar arithmetic cannot carry it (its rows go row by row)."""
    from tariffcalc.inputs.shipment import with_amounts

    *texts, metal, quantity_given, period = key
    fields = dict(zip(KEY_FIELDS, texts, strict=True))
    try:
        template = scorer.template(fields)
        shipment = with_amounts(
            scorer.table,
            template._replace(entry_date=period),
            value=REP_VALUE,
            metal_value=METAL_OF[metal],
            quantity=Decimal(1) if quantity_given else None,
        )
    except InputError:
        return None
    if template.fx is not None:
        return None
    plan = plan_rows(scorer.assessor, shipment)
    texts = [plan.sector, *plan.warnings]
    if not plan.exact or any(c in text for text in texts for c in UNSAFE) or "," in plan.sector:
        return None
    return _KeyPlan(plan, shipment.mode in scorer.table.fees.hmf_modes)


class _KeyPlan(NamedTuple):
    plan: Plan
    hmf: bool  # the mode pays the harbor maintenance fee


def _create_days(con: duckdb.DuckDBPyConnection, days: _Days) -> None:
    con.execute(
        "CREATE TEMP TABLE days (entry_date VARCHAR, period DATE, informal_max DECIMAL(38,2),"
        " flat DECIMAL(38,2), mpf_rate DECIMAL(38,12), low DECIMAL(38,2), high DECIMAL(38,2),"
        " hmf_rate DECIMAL(38,12), flat_text VARCHAR, low_text VARCHAR, high_text VARCHAR,"
        " warn_informal VARCHAR, warn_limit VARCHAR)"
    )
    rows = []
    for text, found in days.found.items():
        if found is None:
            continue
        fees = fee_day(days.scorer.table.fees, found[0])
        texts = [str(x + 0) if x is not None else None for x in (fees.flat, fees.low, fees.high)]
        warnings = [fees.informal_warning, fees.limit_warning]
        if any(w is not None and any(c in w for c in UNSAFE) for w in warnings):
            continue
        money = (fees.informal_max, fees.flat, fees.low, fees.high)
        if any(x is not None and _places(x) > 2 for x in money):
            continue
        rows.append(
            (text, found[1], *fees[1:4], fees.low, fees.high, fees.hmf_rate, *texts, *warnings)
        )
    _insert(con, "days", rows)


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _create_plans(
    con: duckdb.DuckDBPyConnection,
    scenarios: list[str],
    keys: dict[tuple[Any, ...], _KeyPlan | None],
) -> int:
    """The plans of the keys as one wide row each (the lines of each scenario side by side);
    the number of lines after the MFN that the widest scenario has."""
    plans = {key: plan for key, plan in keys.items() if plan is not None}
    width = max((line.line for each in plans.values() for line in each.plan.lines), default=0)
    line_columns = [
        f"a_{s}_{j} DECIMAL(38,12), c_{s}_{j} DECIMAL(38,12), b_{s}_{j} VARCHAR"
        for s in range(len(scenarios))
        for j in range(1, width + 1)
    ]
    con.execute(
        "CREATE TEMP TABLE plans ("
        + ", ".join(f"{f} VARCHAR" for f in KEY_FIELDS)
        + ", metal VARCHAR, quantity_given BOOLEAN, period DATE, sector_out VARCHAR,"
        " origin_out VARCHAR, hmf BOOLEAN, warnings VARCHAR, mfn_rate DECIMAL(38,12),"
        " specific DECIMAL(38,11)" + "".join(", " + c for c in line_columns) + ")"
    )
    _insert(con, "plans", [_wide(key, plan, scenarios, width) for key, plan in plans.items()])
    return width


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Rows into a table in one statement, as SQL literals (executemany takes a
    millisecond a row)."""
    if rows:
        values = ", ".join("(" + ", ".join(map(_literal, row)) + ")" for row in rows)
        con.execute(f"INSERT INTO {table} VALUES {values}")


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _quoted(str(value))  # text, a Decimal or a date: cast by the column's type


def _wide(
    key: tuple[Any, ...], found: _KeyPlan, scenarios: list[str], width: int
) -> tuple[Any, ...]:
    plan = found.plan
    mfn = plan.lines[0]
    cells: list[Any] = [*key, plan.sector, plan.origin, found.hmf, "; ".join(plan.warnings)]
    cells += [mfn.ad_valorem, mfn.specific]
    for scenario in scenarios:
        lines = {line.line: line for line in plan.lines if line.scenario == scenario}
        for j in range(1, width + 1):
            line = lines.get(j)
            cells += [None, None, None] if line is None else [line.ad_valorem, line.cap, line.base]
    return tuple(cells)


# --- the SQL ----------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _lines_sql(source: Columnar) -> str:
    """Every line of the file with its number, as one text column (no quotes to honour).
    Told that lines end with CR LF, DuckDB takes a lone LF as a line end too, not a CR."""
    newline = "\\r\\n" if source.crlf else "\\n"
    return (
        f"SELECT row_number() OVER () AS line, raw FROM read_csv({_quoted(str(source.path))},"
        " columns={'raw': 'VARCHAR'}, delim='\\x01', quote='', escape='', header=false,"
        f" new_line='{newline}', auto_detect=false, strict_mode=false,"
        " max_line_size=16777216)"
    )


def _cells_sql(source: Columnar, layout: Layout) -> str:
    """Each data line's cells, the fields it gives, and whether its shape lets SQL score it."""
    delimiter = layout.delimiter
    index = {field: i + 1 for i, field in layout.mapping}

    def cell(field: str) -> str:
        return f"c[{index[field]}]" if field in index else "''"

    other = "," if delimiter == "\t" else "\\t"
    shape = " AND ".join(
        [
            "raw IS NOT NULL",
            f"len(c) = {len(layout.header)}",
            f"length(raw) < {MAX_RECORD_CHARS - 1}",
            f"NOT regexp_matches(raw, '[\\x00-\\x08\\x0a-\\x1f\\x7f{other}]')",
            f"(NOT regexp_matches(raw, '(^|{_re_delimiter(delimiter)})[=+@-]') OR NOT"
            " list_bool_or(list_transform(c, lambda x: regexp_matches(x, '^[=+@-]')"
            f" AND NOT regexp_matches(x, '{PLAIN_SIGNED}'))))",
            f"regexp_matches(value, '{AMOUNT}')",
            *(f"(x_{f} = '' OR regexp_matches(x_{f}, '{AMOUNT}'))" for f in _OPTIONAL),
            f"(quantity = '' OR regexp_matches(quantity, '{QUANTITY}'))",
        ]
    )
    fields = ", ".join(f"{cell(f)} AS {f}" for f in ("value", "entry_date", *KEY_FIELDS))
    optional = ", ".join(f"{cell(f)} AS x_{f}" for f in _OPTIONAL)
    return (
        f"SELECT *, {shape} AS shape_ok,"
        f" CASE WHEN x_metal_value = '' THEN 'none' WHEN {_cast('x_metal_value')} = 0 THEN 'zero'"
        f" WHEN {_cast('x_metal_value')} = {_cast('value')} THEN 'all' ELSE 'part' END AS metal,"
        " quantity <> '' AS quantity_given"
        f" FROM (SELECT line, raw, c, {fields}, {optional}, {cell('quantity')} AS quantity"
        f" FROM (SELECT line, raw, string_split(raw, {_quoted(delimiter)}) AS c"
        f" FROM ({_lines_sql(source)})"
        f" WHERE line > {header_line(source.path)}))"
    )


_OPTIONAL = ("metal_value", "freight", "insurance")
_AMOUNTS = ("value", *(f"x_{f}" for f in _OPTIONAL))


def _re_delimiter(delimiter: str) -> str:
    return "\\t" if delimiter == "\t" else ","


def header_line(path: Path) -> int:
    """The header's line number: the first line that is not blank, as `read_records` reads."""
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            if text.strip():
                return number
    return 0


def _figures_sql(scorer: Scorer, width: int) -> str:
    """Every data line, `scored` when DuckDB scores it: its amounts as DECIMAL, its plan and
    fee terms, and each scenario's duty and landed cost (one pass over the file)."""
    amounts = (
        f"{_cast('value')} AS v,"
        f" CASE WHEN x_metal_value = '' THEN {_cast('value')} ELSE {_cast('x_metal_value')} END"
        f" AS mv, {_or_zero('x_freight')} + {_or_zero('x_insurance')} AS outside,"
        " CASE WHEN quantity = '' THEN NULL ELSE TRY_CAST(quantity AS DECIMAL(38,3)) END AS q"
    )
    join = " AND ".join(f"r.{f} = p.{f}" for f in (*KEY_FIELDS, "metal", "quantity_given"))
    scored = (
        f"r.shape_ok AND p.sector_out IS NOT NULL AND {_cast('value')} > 0"
        + "".join(f" AND COALESCE({_exact(c)}, 0) <= {MAX_AMOUNT:f}" for c in _AMOUNTS)
        + f" AND (x_metal_value = '' OR {_cast('x_metal_value')} <= {_cast('value')})"
        " AND (quantity = '' OR TRY_CAST(quantity AS DECIMAL(38,3)) > 0)"
    )
    rows = (
        f"SELECT r.line, r.raw, r.value, p.*, d.*, {amounts}, COALESCE({scored}, false) AS scored"
        " FROM cells r LEFT JOIN days d ON r.entry_date = d.entry_date"
        f" LEFT JOIN plans p ON {join} AND p.period = d.period"
    )
    fees = (
        "CASE WHEN v <= informal_max THEN flat WHEN mpf_ad < low THEN low"
        " WHEN high IS NOT NULL AND mpf_ad > high THEN high ELSE mpf_ad END AS mpf,"
        " CASE WHEN hmf THEN ROUND(v * hmf_rate, 2) ELSE 0 END AS hmf_amount,"
        " ROUND(v * mfn_rate + COALESCE(q * specific, 0), 2) AS mfn_duty"
    )
    scenarios = range(len(scorer.scenarios))
    duties = ", ".join(f"{_duty_sql(s, width)} AS duty_{s}" for s in scenarios)
    landed = ", ".join(
        f"v + outside + mpf + hmf_amount + duty_{s} AS landed_{s}" for s in scenarios
    )
    return (
        f"SELECT *, {landed} FROM (SELECT *, {duties} FROM (SELECT *, {fees} FROM"
        f" (SELECT *, ROUND(v * mpf_rate, 2) AS mpf_ad FROM ({rows}))))"
    )


def _exact(column: str) -> str:
    """A cell as the number it says: only cells that `AMOUNT` matches are scored."""
    return f"TRY_CAST({column} AS DECIMAL(38,6))"


def _cast(column: str) -> str:
    """An amount in USD as the shipment holds it: rounded half-up to the cent."""
    return f"ROUND({_exact(column)}, 2)"


def _or_zero(column: str) -> str:
    return f"CASE WHEN {column} = '' THEN 0 ELSE {_cast(column)} END"


def _duty_sql(scenario: int, width: int) -> str:
    """A scenario's duty: the MFN's, then each line's amount rounded half-up on its own."""
    lines = [
        f"COALESCE(ROUND(COALESCE(a_{scenario}_{j}, GREATEST(c_{scenario}_{j} - mfn_rate, 0))"
        f" * CASE b_{scenario}_{j} WHEN 'value' THEN v WHEN 'metal' THEN mv ELSE v - mv END,"
        " 2), 0)"
        for j in range(1, width + 1)
    ]
    return " + ".join(["mfn_duty", *lines])


def _scored_sql(scorer: Scorer, width: int, delimiter: str) -> str:
    """Every data line in input order: its number, its text, and DuckDB's output line when
    it scored it. Built in layers, so that each expression is computed once."""
    scenarios = range(len(scorer.scenarios))
    quotients = ", ".join(
        f"(CAST(duty_{s} * 100 AS HUGEINT) * 1000000) // cents AS q_{s},"
        f" (CAST(duty_{s} * 100 AS HUGEINT) * 1000000) % cents AS r_{s}"
        for s in scenarios
    )
    # duty / value to a millionth, half-even as the engine's `effective_rate`: in integers,
    # exactly (a quotient of cents repeats long before Decimal's 28 digits matter).
    rates = ", ".join(
        f"q_{s} + CASE WHEN 2 * r_{s} > cents OR (2 * r_{s} = cents AND q_{s} % 2 = 1)"
        f" THEN 1 ELSE 0 END AS e_{s}"
        for s in scenarios
    )
    fees = (
        "CASE WHEN hmf THEN CAST(mpf + hmf_amount AS VARCHAR)"
        " WHEN v <= informal_max THEN flat_text WHEN mpf_ad < low THEN low_text"
        " WHEN high IS NOT NULL AND mpf_ad > high THEN high_text"
        " ELSE CAST(mpf AS VARCHAR) END AS fee_text,"
        " CASE WHEN v <= informal_max THEN warn_informal"
        " WHEN mpf <> mpf_ad THEN warn_limit END AS fee_warning"
    )
    warnings = (
        "CASE WHEN fee_warning IS NULL THEN warnings WHEN warnings = '' THEN fee_warning"
        " ELSE warnings || '; ' || fee_warning END AS w"
    )
    layers = [
        f"SELECT *, NULLIF(CAST(v * 100 AS HUGEINT), 0) AS cents, {fees}"
        f" FROM ({_figures_sql(scorer, width)})",
        f"SELECT *, {quotients}, {warnings} FROM",
        f"SELECT *, {rates} FROM",
        f"SELECT line, raw, CASE WHEN scored THEN {_text_sql(scorer, delimiter)} END AS text FROM",
    ]
    sql = layers[0]
    for layer in layers[1:]:
        sql = f"{layer} ({sql})"
    return sql


def _text_sql(scorer: Scorer, delimiter: str) -> str:
    """The output line: the row's own cells, then the results, as `CsvOut` writes them."""
    source = "raw" if delimiter == "," else "replace(raw, chr(9), ',')"
    cells = [source, "sector_out", "CAST(v AS VARCHAR)"]
    for s in range(len(scorer.scenarios)):
        cells += [
            f"CAST(duty_{s} AS VARCHAR)",
            f"CAST(e_{s} // 1000000 AS VARCHAR) || '.' || lpad(CAST(e_{s} % 1000000 AS VARCHAR),"
            " 6, '0')",
            "fee_text",
            f"CAST(landed_{s} AS VARCHAR)",
        ]
    cells.append("CASE WHEN contains(w, ',') THEN '\"' || w || '\"' ELSE w END")
    return " || ',' || ".join(cells) + " || chr(10)"
