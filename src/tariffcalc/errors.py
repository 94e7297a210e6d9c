"""Errors a user can act on. The CLI prints them as one line and exits 1."""


class TariffcalcError(Exception):
    """Bad input or bad data: the message names the field and what was expected."""


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
