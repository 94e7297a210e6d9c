"""Values for shell completion: sectors, scenarios and measures of the rate table in use
(--rates is not known yet while a line is typed: TARIFFCALC_RATES or the shipped one),
and origins. Each runs only under completion; a table that cannot load completes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tariffcalc.law.domain import RateTable


def _table() -> RateTable | None:
    from tariffcalc.cli.common import load_rates
    from tariffcalc.errors import TariffcalcError

    try:
        return load_rates(None)
    except (TariffcalcError, OSError):
        return None


def _starting(values: list[str], incomplete: str) -> list[str]:
    return [v for v in values if v.lower().startswith(incomplete.lower())]


def sectors(incomplete: str) -> list[str]:
    table = _table()
    return _starting(list(table.sectors) if table else [], incomplete)


def scenarios(incomplete: str) -> list[str]:
    table = _table()
    return _starting(list(table.scenarios) if table else [], incomplete)


def measures(incomplete: str) -> list[str]:
    table = _table()
    return _starting(list(table.measures) if table else [], incomplete)


def measure_settings(incomplete: str) -> list[str]:
    """--set MEASURE=PCT: the measure ids, ready for the rate."""
    return [f"{m}=" for m in measures(incomplete)]


def origins(incomplete: str) -> list[tuple[str, str]]:
    """ISO codes with the country's name as help."""
    from tariffcalc.law.countries import NAMES

    return [(code, name) for code, name in NAMES.items() if code.startswith(incomplete.upper())]
