"""tariffcalc: US duty on a shipment under the law on its entry date and under policy scenarios.

The Python API (names load on first use, so `import tariffcalc` stays cheap)::

    from tariffcalc import load_table, make_shipment, assess_all
    table = load_table()                       # the shipped rate table
    shipment = make_shipment(table, sector="autos", value="30000", entry_date="2025-10-01")
    for result in assess_all(table, shipment):
        print(result.scenario, result.duty, result.landed_cost)

Every command is a study here, returning typed results: `duty`, `compare`, `sweep`,
`history` (and `timeline`), `lookup` and `impact`. `sweep` and `history` take a
`shipment_template` (a shipment without its amounts); `open_schedule()` is the
imported HTS schedule, for `make_shipment(..., schedule=...)` and `lookup`.
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
    "shipment_template": "tariffcalc.inputs.shipment",
    "open_schedule": "tariffcalc.inputs.schedule",
    "import_schedule": "tariffcalc.inputs.schedule",
    "Schedule": "tariffcalc.inputs.schedule",
    "ScheduleLine": "tariffcalc.inputs.schedule",
    "load_flows": "tariffcalc.inputs.flows",
    "Flow": "tariffcalc.inputs.flows",
    "FlowSet": "tariffcalc.inputs.flows",
    "assess": "tariffcalc.law.engine",
    "assess_all": "tariffcalc.law.engine",
    "duty": "tariffcalc.studies.duty",
    "Duty": "tariffcalc.studies.duty",
    "compare": "tariffcalc.studies.compare",
    "Comparison": "tariffcalc.studies.compare",
    "Compared": "tariffcalc.studies.compare",
    "sweep": "tariffcalc.studies.sweep",
    "Sweep": "tariffcalc.studies.sweep",
    "SweepPoint": "tariffcalc.studies.sweep",
    "history": "tariffcalc.studies.timeline",
    "History": "tariffcalc.studies.timeline",
    "timeline": "tariffcalc.studies.timeline",
    "TimelinePeriod": "tariffcalc.studies.timeline",
    "law_on_date": "tariffcalc.studies.timeline",
    "lookup": "tariffcalc.studies.lookup",
    "Lookup": "tariffcalc.studies.lookup",
    "impact": "tariffcalc.studies.impact",
    "Impact": "tariffcalc.studies.impact",
    "Pricing": "tariffcalc.studies.impact",
    "to_json": "tariffcalc.output.views.duty",
    "Assessment": "tariffcalc.law.domain",
    "DutyLine": "tariffcalc.law.domain",
    "RateTable": "tariffcalc.law.domain",
    "Shipment": "tariffcalc.law.domain",
    "TariffcalcError": "tariffcalc.errors",
    "InputError": "tariffcalc.errors",
    "RatesError": "tariffcalc.errors",
}
__all__ = [
    "Assessment",
    "Compared",
    "Comparison",
    "Duty",
    "DutyLine",
    "Flow",
    "FlowSet",
    "History",
    "Impact",
    "InputError",
    "Lookup",
    "Pricing",
    "RateTable",
    "RatesError",
    "Schedule",
    "ScheduleLine",
    "Shipment",
    "Sweep",
    "SweepPoint",
    "TariffcalcError",
    "TimelinePeriod",
    "__version__",
    "assess",
    "assess_all",
    "builtin_path",
    "compare",
    "duty",
    "history",
    "impact",
    "import_schedule",
    "law_on_date",
    "load_flows",
    "load_table",
    "lookup",
    "make_shipment",
    "open_schedule",
    "parse_table",
    "shipment_template",
    "sweep",
    "timeline",
    "to_json",
]

if TYPE_CHECKING:
    from tariffcalc.errors import InputError, RatesError, TariffcalcError
    from tariffcalc.inputs.flows import Flow, FlowSet, load_flows
    from tariffcalc.inputs.schedule import Schedule, ScheduleLine, import_schedule, open_schedule
    from tariffcalc.inputs.shipment import make_shipment, shipment_template
    from tariffcalc.law.domain import Assessment, DutyLine, RateTable, Shipment
    from tariffcalc.law.engine import assess, assess_all
    from tariffcalc.law.ratetable import builtin_path, load_table, parse_table
    from tariffcalc.output.views.duty import to_json
    from tariffcalc.studies.compare import Compared, Comparison, compare
    from tariffcalc.studies.duty import Duty, duty
    from tariffcalc.studies.impact import Impact, Pricing, impact
    from tariffcalc.studies.lookup import Lookup, lookup
    from tariffcalc.studies.sweep import Sweep, SweepPoint, sweep
    from tariffcalc.studies.timeline import History, TimelinePeriod, history, law_on_date, timeline


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'tariffcalc' has no attribute {name!r}")
