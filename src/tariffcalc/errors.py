"""Errors a user can act on, and the exit statuses. The CLI prints an error as one line."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    BAD_INPUT = 1  # bad input or bad data
    USAGE = 2  # the command line itself is wrong (click's own code for it)
    REJECTED_ROWS = 3  # batch, refunds: some rows were rejected, the rest was written
    INTERNAL = 70  # a bug: reported without a traceback unless TARIFFCALC_DEBUG is set
    INTERRUPTED = 130


class TariffcalcError(Exception):
    """Bad input or bad data: the message names the field and what was expected."""


class InputError(TariffcalcError):
    """A value the user gave, named by its field (`entry_date`), and what was expected."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class RatesError(TariffcalcError):
    """A rate table that cannot be used: every problem, each with its path in the file."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def close_matches(word: str, choices: list[str], n: int = 1) -> list[str]:
    """The choices a user probably meant: a ratio of 0.7 admits a dropped, doubled or swapped
    letter ('dael' for 'deal') but not words that merely share letters ('nope' for 'copper')."""
    from difflib import get_close_matches

    return get_close_matches(word, choices, n=n, cutoff=0.7)


def suggest(name: str, choices: list[str]) -> str:
    """' (did you mean 'deal'?)' for a likely typo of one of `choices`, else ''."""
    close = close_matches(name, choices)
    return f" (did you mean {close[0]!r}?)" if close else ""
