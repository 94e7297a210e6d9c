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
    "load_table": "tariffcalc.law.ratetable",
    "parse_table": "tariffcalc.law.ratetable",
    "builtin_path": "tariffcalc.law.ratetable",
    "make_shipment": "tariffcalc.inputs.shipment",
    "assess": "tariffcalc.law.engine",
    "assess_all": "tariffcalc.law.engine",
    "to_json": "tariffcalc.output.views.duty",
    "Assessment": "tariffcalc.law.domain",
    "DutyLine": "tariffcalc.law.domain",
    "RateTable": "tariffcalc.law.domain",
    "Shipment": "tariffcalc.law.domain",
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
    from tariffcalc.errors import RatesError, TariffcalcError
    from tariffcalc.inputs.shipment import make_shipment
    from tariffcalc.law.domain import Assessment, DutyLine, RateTable, Shipment
    from tariffcalc.law.engine import assess, assess_all
    from tariffcalc.law.ratetable import builtin_path, load_table, parse_table
    from tariffcalc.output.views.duty import to_json


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'tariffcalc' has no attribute {name!r}")
