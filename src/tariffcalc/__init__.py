"""tariffcalc: US duty on a shipment under the law on its entry date and under policy scenarios.

The Python API (names load on first use, so `import tariffcalc` stays cheap)::

    from tariffcalc import load_table, make_shipment, assess_all
    table = load_table()                       # the shipped rate table
    shipment = make_shipment(table, sector="autos", value="30000", entry_date="2025-10-01")
    for result in assess_all(table, shipment):
        print(result.scenario, result.duty, result.landed_cost)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {
    "load_table": "tariffcalc.rates",
    "parse_table": "tariffcalc.rates",
    "builtin_path": "tariffcalc.rates",
    "make_shipment": "tariffcalc.shipment",
    "assess": "tariffcalc.engine",
    "assess_all": "tariffcalc.engine",
    "to_json": "tariffcalc.report",
    "Assessment": "tariffcalc.domain",
    "DutyLine": "tariffcalc.domain",
    "RateTable": "tariffcalc.domain",
    "Shipment": "tariffcalc.domain",
    "TariffcalcError": "tariffcalc.errors",
    "RatesError": "tariffcalc.errors",
}
__all__ = [
    "Assessment",
    "DutyLine",
    "RateTable",
    "RatesError",
    "Shipment",
    "TariffcalcError",
    "__version__",
    "assess",
    "assess_all",
    "builtin_path",
    "load_table",
    "make_shipment",
    "parse_table",
    "to_json",
]

if TYPE_CHECKING:
    from tariffcalc.domain import Assessment, DutyLine, RateTable, Shipment
    from tariffcalc.engine import assess, assess_all
    from tariffcalc.errors import RatesError, TariffcalcError
    from tariffcalc.rates import builtin_path, load_table, parse_table
    from tariffcalc.report import to_json
    from tariffcalc.shipment import make_shipment


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'tariffcalc' has no attribute {name!r}")
