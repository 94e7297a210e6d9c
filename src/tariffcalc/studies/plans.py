"""The plan table for other engines: Parquet files of the engine's decisions, and one SQL
query that joins them to a table of entries and computes batch's figures, so that the same
calculation runs on DuckDB, Spark SQL or Trino over data no single machine holds.

`plans.parquet`: one row per (sector, origin, period between rule changes, metal state,
scenario, line): line 0 is the MFN, then each measure with its ad valorem rate or its
inclusive cap and the part of the value it is charged on (`law/plantable.py`).
`fees.parquet`: the MPF and HMF terms of each period between fiscal-year changes.
`duty.sql`: the query, over `entries`, `plans` and `fees` (see its header).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from tariffcalc.errors import InputError
from tariffcalc.files import atomic_path, atomic_text
from tariffcalc.inputs.shipment import make_shipment
from tariffcalc.law.domain import RateTable
from tariffcalc.law.engine import Assessor
from tariffcalc.law.plantable import FeeDay, fee_day, plan_rows, rule_changes
from tariffcalc.studies.columnar import import_duckdb, load_rows, sql_string

METALS = {"none": None, "zero": "0", "all": "10000", "part": "5000"}
PLAN_COLUMNS = (
    "sector VARCHAR, origin VARCHAR, period_start DATE, period_end DATE, metal_state VARCHAR,"
    " scenario VARCHAR, line INTEGER, measure VARCHAR, ad_valorem DECIMAL(18,8),"
    " cap DECIMAL(18,8), base VARCHAR"
)
FEE_COLUMNS = (
    "period_start DATE, period_end DATE, informal_max DECIMAL(18,2), flat DECIMAL(18,2),"
    " mpf_rate DECIMAL(18,8), low DECIMAL(18,2), high DECIMAL(18,2), hmf_rate DECIMAL(18,8)"
)


class Exported(NamedTuple):
    plans: int  # rows of plans.parquet
    fees: int
    files: list[Path]


def origins_of(table: RateTable) -> list[str]:
    """The origins the table's measures name, each of which may be planned differently."""
    return sorted({o for m in table.measures.values() for o in (m.origins or ())})


def export_plans(
    table: RateTable, scenarios: list[str], origins: list[str], directory: Path
) -> Exported:
    """Write plans.parquet, fees.parquet and duty.sql into `directory` (made if need be),
    each file whole or not at all. The plan rows stream through a scratch file."""
    duckdb = import_duckdb()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError("directory", f"{directory}: {error.strerror}: expected a folder") from None
    tables = (
        ("plans", PLAN_COLUMNS, plan_table(table, scenarios, origins)),
        ("fees", FEE_COLUMNS, fee_rows(table)),
    )
    counts = []
    con = duckdb.connect()
    try:
        for name, columns, rows in tables:
            con.execute(f"CREATE TABLE {name} ({columns})")
            load_rows(con, name, rows)
            counts.append(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
            with atomic_path(directory / f"{name}.parquet", "directory") as path:
                con.execute(f"COPY {name} TO {sql_string(str(path))} (FORMAT parquet)")
    finally:
        con.close()
    with atomic_text(directory / "duty.sql", "directory") as out:
        out.write(duty_sql(table, scenarios))
    names = ["plans.parquet", "fees.parquet", "duty.sql"]
    return Exported(counts[0], counts[1], [directory / n for n in names])


def periods(changes: list[date]) -> list[tuple[date, date | None]]:
    """(first day, last day or None) of each period between changes, from the first day
    there is (0001-01-01) to none."""
    starts = [date.min, *changes]
    ends: list[date | None] = [d - timedelta(days=1) for d in changes]
    return list(zip(starts, [*ends, None], strict=True))


def plan_table(
    table: RateTable, scenarios: list[str], origins: list[str]
) -> Iterator[tuple[Any, ...]]:
    """The plan rows of every sector, origin, period and metal state."""
    assessor = Assessor(table, scenarios)
    for start, end in periods(rule_changes(table)):
        for sector, spec in table.sectors.items():
            metals = list(METALS) if spec.metal_content else ["none"]
            for origin in origins:
                for metal in metals:
                    shipment = make_shipment(
                        table,
                        value="10000",
                        sector=sector,
                        origin=origin,
                        entry_date=end if start == date.min and end else start,
                        metal_value=METALS[metal],
                    )
                    for line in plan_rows(assessor, shipment).lines:
                        key = (sector, shipment.origin, start, end, metal)
                        yield (*key, *line[:4], line.cap, line.base)


def fee_periods(table: RateTable) -> list[tuple[date, date | None]]:
    """Periods whose fee terms are the same: between the starts and ends of fiscal years."""
    days = {y.period.start for y in table.fees.mpf_years}
    days |= {y.period.end + timedelta(days=1) for y in table.fees.mpf_years if y.period.end}
    return periods(sorted(days))


def fee_rows(table: RateTable) -> list[tuple[Any, ...]]:
    """Each fee period's terms (those of its first day)."""
    rows = []
    for start, end in fee_periods(table):
        day: FeeDay = fee_day(table.fees, start if start != date.min else end or start)
        rows.append(
            (start, end, day.informal_max, day.flat, day.mpf_rate, day.low, day.high, day.hmf_rate)
        )
    return rows


def duty_sql(table: RateTable, scenarios: list[str]) -> str:
    """The query: batch's figures for each entry, from the plans and fees tables."""
    modes = ", ".join(f"'{m}'" for m in sorted(table.fees.hmf_modes))
    pivot = ",\n  ".join(
        f"SUM(CASE WHEN scenario = '{s}' THEN {column} END) AS \"{s}_{column}\""
        for s in scenarios
        for column in ("duty", "effective_rate")
    )
    figures = ",\n  ".join(
        f'w."{s}_duty",\n  w."{s}_effective_rate",\n  f.fees AS "{s}_fees",\n'
        f'  e.v + e.outside + f.fees + w."{s}_duty" AS "{s}_landed_cost"'
        for s in scenarios
    )
    return SQL.format(modes=modes, pivot=pivot, figures=figures).lstrip()


SQL = """
-- tariffcalc plans export: batch's figures for every row of `entries`, under every scenario.
-- Tables: plans and fees (plans.parquet, fees.parquet, written with this file), and
-- entries (id unique, sector, origin, entry_date DATE, value, metal_value or NULL,
-- freight, insurance, mode): amounts in USD with cents. Each duty line is rounded half-up
-- to the cent on its own; an inclusive rate is charged max(0, cap - MFN); the MPF stays
-- within its minimum and maximum per entry. Plain SQL: DuckDB, Trino, Spark SQL (3.4 or
-- later, with spark.sql.ansi.enabled and spark.sql.ansi.doubleQuotedIdentifiers true).
-- An entry whose sector, origin and date no plan row covers gets no figures.
WITH e AS (
  SELECT
    id, sector, origin, entry_date, mode,
    CAST(value AS DECIMAL(19,2)) AS v,
    CAST(COALESCE(metal_value, value) AS DECIMAL(19,2)) AS mv,
    CAST(COALESCE(freight, 0) + COALESCE(insurance, 0) AS DECIMAL(19,2)) AS outside,
    CASE WHEN metal_value IS NULL THEN 'none' WHEN metal_value = 0 THEN 'zero'
      WHEN metal_value = value THEN 'all' ELSE 'part' END AS metal_state
  FROM entries
),
planned AS (
  SELECT e.id, p.scenario, p.line, p.ad_valorem, p.cap, p.base, e.v, e.mv,
    sector, origin, p.period_start, metal_state
  FROM e JOIN plans p USING (sector, origin, metal_state)
  WHERE e.entry_date >= p.period_start AND (p.period_end IS NULL OR e.entry_date <= p.period_end)
),
mfn AS (
  SELECT id, scenario, ad_valorem AS mfn_rate FROM planned WHERE line = 0
),
lines AS (
  SELECT l.id, l.scenario,
    ROUND(
      CAST(COALESCE(l.ad_valorem, GREATEST(l.cap - m.mfn_rate, 0)) AS DECIMAL(18,8))
      * CASE l.base WHEN 'value' THEN l.v WHEN 'metal' THEN l.mv ELSE l.v - l.mv END,
      2) AS amount
  FROM planned l JOIN mfn m ON m.id = l.id AND m.scenario = l.scenario
),
duties AS (
  SELECT id, scenario, SUM(amount) AS duty FROM lines GROUP BY id, scenario
),
-- The effective rate: duty / value to a millionth, half-even, exactly (no engine's own
-- division or rounding is trusted): t / c in whole millionths, the quotient corrected by
-- one either way with exact products, then rounded on the remainder.
divided AS (
  SELECT d.id, d.scenario, d.duty,
    CAST(d.duty * 100000000 AS DECIMAL(38,0)) AS t, CAST(e.v * 100 AS DECIMAL(38,0)) AS c
  FROM duties d JOIN e ON e.id = d.id
),
guessed AS (
  SELECT id, scenario, duty, t, c, CAST(FLOOR(t / NULLIF(c, 0)) AS DECIMAL(38,0)) AS q0
  FROM divided
),
quotients AS (
  SELECT id, scenario, duty, t, c,
    q0 - CASE WHEN q0 * c > t THEN 1 ELSE 0 END
      + CASE WHEN (q0 + 1) * c <= t THEN 1 ELSE 0 END AS q
  FROM guessed
),
rated AS (
  SELECT id, scenario, duty,
    CAST(q + CASE WHEN 2 * (t - q * c) > c
        OR (2 * (t - q * c) = c AND CAST(q AS BIGINT) % 2 = 1) THEN 1 ELSE 0 END
      AS DECIMAL(20,0)) * CAST(0.000001 AS DECIMAL(7,6)) AS effective_rate
  FROM quotients
),
w AS (
  SELECT id,
  {pivot}
  FROM rated GROUP BY id
),
f AS (
  SELECT e.id,
    CASE WHEN e.v <= t.informal_max THEN t.flat
      ELSE LEAST(GREATEST(ROUND(e.v * t.mpf_rate, 2), t.low),
                 COALESCE(t.high, ROUND(e.v * t.mpf_rate, 2))) END
    + CASE WHEN e.mode IN ({modes}) THEN ROUND(e.v * t.hmf_rate, 2) ELSE 0 END AS fees
  FROM e JOIN fees t
    ON e.entry_date >= t.period_start AND (t.period_end IS NULL OR e.entry_date <= t.period_end)
)
SELECT
  e.id, e.sector, e.origin, e.entry_date, e.v AS customs_value_usd,
  {figures}
FROM e JOIN w ON w.id = e.id JOIN f ON f.id = e.id
ORDER BY e.id
"""
