"""How much of an origin's law the table states: the origins its origin files cover, and
what it knows it leaves out (docs/rates.md, "Origins")."""

from __future__ import annotations

from typing import Literal, NamedTuple

from tariffcalc.law.domain import RateTable

Status = Literal["full", "partial"]


class Coverage(NamedTuple):
    origin: str
    status: Status | None  # None: the table has no origin files, so it says nothing
    missing: tuple[str, ...]  # measures of the origin's law the table leaves out

    @property
    def warning(self) -> str | None:
        """What a result for a partly covered origin must say on stderr."""
        if self.status != "partial":
            return None
        return (
            f"origin {self.origin}: coverage partial, not in the table: {'; '.join(self.missing)}"
        )


def coverage_of(table: RateTable, origin: str) -> Coverage:
    """Full for an origin an origin file states (its gaps are the products the table cannot
    check); partial for any other, with what the table says is missing for those. A member
    of a country group is covered by the group's file (DE by the EU's)."""
    if not table.coverage:
        return Coverage(origin, None, ())
    groups = [code for code, members in table.country_groups.items() if origin in members]
    for code in (origin, *groups):
        if code in table.coverage:
            return Coverage(origin, "full", table.coverage[code])
    return Coverage(origin, "partial", table.uncovered)
