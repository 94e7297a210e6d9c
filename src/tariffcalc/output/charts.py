"""Charts for `--plot FILE.png|.svg`: timeline, sweep and impact, through matplotlib.

matplotlib is the optional `plot` extra, imported only here and only when a chart is
asked for. Figures are drawn on the Agg canvas without pyplot (no global state, no
display), 8 x 4.5 inches: 800 x 450 pixels as PNG, 576 x 324 points as SVG.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffcalc.errors import InputError
from tariffcalc.files import atomic_path
from tariffcalc.money import usd
from tariffcalc.output.render import compact_usd

if TYPE_CHECKING:
    from tariffcalc.studies.impact import Impact
    from tariffcalc.studies.sweep import Sweep
    from tariffcalc.studies.timeline import History

KINDS = (".png", ".svg")
SIZE = (8.0, 4.5)  # inches
DPI = 100
MISSING = "charts need matplotlib: pip install 'tariffcalc[plot]'"
MARGIN = timedelta(days=90)  # shown before the first change and after the last


def chart_kind(path: str) -> str:
    """'png' or 'svg', from the file's suffix; checked before any work is done."""
    suffix = Path(path).suffix.lower()
    if suffix not in KINDS:
        raise InputError("plot", f"expected a file ending .png or .svg, got {path!r}")
    return suffix[1:]


def _figure() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("plot", MISSING) from None
    return Figure(figsize=SIZE, dpi=DPI, layout="constrained")


def _save(figure: Any, path: str) -> None:
    """Written whole or not at all; no date or version stamped in it (reproducible)."""
    kind = chart_kind(path)
    metadata = {"Date": None, "Creator": None} if kind == "svg" else {"Software": None}
    from matplotlib import rc_context

    with atomic_path(path, "plot") as target, rc_context({"svg.hashsalt": "tariffcalc"}):
        figure.savefig(target, format=kind, metadata=metadata)


def _money_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.yaxis.set_major_formatter(FuncFormatter(lambda y, _: compact_usd(Decimal(str(float(y))))))


def timeline_chart(path: str, found: History, steps: dict[str, list[Decimal]]) -> None:
    """A step chart of the duty (or the effective rate, without a value) by scenario over
    time, each change of the law marked with the measures it brought in."""
    figure = _figure()
    axis = figure.add_subplot()
    starts = [p.start for p in found.periods if p.start is not None]
    ends = [p.end for p in found.periods if p.end is not None]
    first = min(starts, default=date.today()) - MARGIN
    last = max([*starts, *ends], default=date.today()) + MARGIN
    edges = [p.start or first for p in found.periods] + [last]
    for scenario, values in steps.items():
        shown = [v if found.with_duty else v * 100 for v in values]
        axis.stairs(
            [float(v) for v in shown],
            edges,
            label=scenario,
            linewidth=2.5 if scenario == "in-force" else 1.2,
            linestyle="-" if scenario == "in-force" else "--",
            baseline=None,
        )
    previous: set[str] = set()
    for period in found.periods:
        brought = [m for m in period.measures if m not in previous and m != "mfn"]
        previous = set(period.measures)
        if period.start is not None and brought:
            axis.axvline(period.start, color="grey", linewidth=0.6, linestyle=":")
            axis.annotate(
                f"{period.start} {', '.join(brought)}",
                (period.start, 0.03),
                xycoords=("data", "axes fraction"),
                xytext=(3, 0),
                textcoords="offset points",
                rotation=90,
                va="bottom",
                ha="left",
                fontsize=7,
                color="dimgrey",
            )
    if found.with_duty:
        _money_axis(axis)
        axis.set_ylabel(f"duty on {usd(found.shipment.customs_value)}")
    else:
        axis.set_ylabel("effective rate (%)")
    axis.set_title(f"{found.shipment.sector} from {found.shipment.origin}: the law through time")
    figure.legend(fontsize=8, loc="outside right upper")
    _save(figure, path)


def sweep_chart(path: str, found: Sweep) -> None:
    """Duty and landed cost against the swept rate or customs value."""
    figure = _figure()
    axis = figure.add_subplot()
    by_value = found.variable == "value"
    xs = [float(p.x if by_value else p.x * 100) for p in found.points]
    axis.plot(xs, [float(p.result.duty) for p in found.points], marker="o", label="duty")
    axis.plot(
        xs, [float(p.result.landed_cost) for p in found.points], marker="s", label="landed cost"
    )
    axis.set_xlabel("customs value (USD)" if by_value else f"rate of {found.variable} (%)")
    _money_axis(axis)
    axis.set_title(f"scenario {found.scenario}: duty and landed cost")
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3)
    _save(figure, path)


def impact_chart(
    path: str, found: Impact, sectors: dict[str, list[tuple[Decimal, Decimal]]]
) -> None:
    """Grouped bars: the duty of each sector under each scenario."""
    figure = _figure()
    axis = figure.add_subplot()
    scenarios = [i.scenario for i in found.impacts]
    width = 0.8 / max(len(scenarios), 1)
    for n, scenario in enumerate(scenarios):
        positions = [i + n * width for i in range(len(sectors))]
        duties = [float(rows[n][1]) for rows in sectors.values()]
        axis.bar(positions, duties, width, label=scenario)
    axis.set_xticks([i + width * (len(scenarios) - 1) / 2 for i in range(len(sectors))])
    axis.set_xticklabels(list(sectors))
    _money_axis(axis)
    axis.set_ylabel("duty a year")
    axis.set_title(f"duty by sector and scenario ({found.flows.name})")
    figure.legend(fontsize=8, loc="outside right upper")
    _save(figure, path)
