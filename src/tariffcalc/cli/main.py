"""The Typer app and the console entry point.

Each command is a module of this package that registers itself on `app` when
imported: parse the options, call a study, hand the result to a view and a
writer. A run imports only the module of the command asked for, so Rich, YAML
and pydantic load only when that command needs them.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import NoReturn

import typer

from tariffcalc import __version__
from tariffcalc.cli.options import SETTINGS
from tariffcalc.errors import Exit, InputError, RatesError, TariffcalcError

# Command (or group) name -> its module, in the order `--help` lists them.
COMMANDS = {
    "duty": "duty",
    "compare": "compare",
    "sweep": "sweep",
    "timeline": "timeline",
    "impact": "impact",
    "batch": "batch",
    "refunds": "refunds",
    "plans": "plans",
    "rates": "rates",
    "hts": "hts",
}

app = typer.Typer(
    name="tariffcalc",
    help=(
        "US duty on a shipment under the law on its entry date and under every policy scenario.\n\n"
        "Examples:\n\n"
        "  tariffcalc duty --sector autos --value 30000\n\n"
        "  tariffcalc duty --hts 8703.23.01 --value 30000 --date 2025-10-01 --json\n\n"
        "  tariffcalc compare --sector autos --sector steel --sector general --value 30000\n\n"
        "  tariffcalc timeline --sector autos --value 30000\n\n"
        "  tariffcalc sweep --sector autos --value 30000 --measure s232-autos --from 0 --to 50"
        " --step 5"
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings=SETTINGS,
)


def _version(show: bool) -> None:
    if show:
        print(f"tariffcalc {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """US duty on a shipment under the law on its entry date and under every policy scenario."""


# Fields that are positional arguments, named in errors as their help names them.
POSITIONAL = {"file": "FILE", "code": "CODE", "id": "ID", "words": "WORDS", "directory": "DIR"}


def field_name(field: str) -> str:
    """How an error names an input: `FILE` for an argument, `--metal-value` for an option."""
    return POSITIONAL.get(field) or f"--{field.replace('_', '-')}"


def in_our_words(problem: str) -> str:
    """A rate-table problem in the tool's wording ('expected ...'), not pydantic's."""
    return problem.replace(": Input should be ", ": expected ", 1).replace(
        ": Field required", ": missing: this key is required", 1
    )


def _fail(message: str, code: Exit) -> NoReturn:
    print(f"tariffcalc: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _name(module: str) -> str:
    return module.rsplit(".", 1)[-1]


@contextmanager
def _only_the_command_asked_for(argv: list[str]) -> Iterator[None]:
    """Import and build only the command the first argument names (Typer builds every
    registered command's options on each run: ~12 ms for all, a tenth of the main job's
    start-up). Top-level help, completion and mistyped names see them all, in order."""
    name = argv[1] if len(argv) > 1 else ""
    only = name in COMMANDS and not os.environ.get("_TARIFFCALC_COMPLETE")
    for module in [COMMANDS[name]] if only else COMMANDS.values():
        import_module(f"tariffcalc.cli.{module}")
    order = list(COMMANDS.values())
    commands = sorted(
        app.registered_commands, key=lambda c: order.index(_name(c.callback.__module__))
    )
    groups = sorted(app.registered_groups, key=lambda g: order.index(g.name or ""))
    if only:
        app.registered_commands = [c for c in commands if _name(c.callback.__module__) == name]
        app.registered_groups = [g for g in groups if g.name == name]
    else:
        app.registered_commands, app.registered_groups = commands, groups
    try:
        yield
    finally:
        app.registered_commands, app.registered_groups = commands, groups


@contextmanager
def _termination_unwinds() -> Iterator[None]:
    """SIGTERM and SIGHUP (`timeout`, `kill`, a closed terminal) end the run by unwinding it,
    as an exception: the atomic writers then remove their temporary files."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    except ValueError:  # not the main thread (an embedding program): leave its handlers be
        previous = {}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _reader_went_away(done: SystemExit) -> bool:
    """Click answers a broken pipe (`| head`) with exit 1, raised while handling it."""
    return done.code == 1 and isinstance(done.__context__, BrokenPipeError)


def main() -> None:
    """Console entry point: user errors as one line, never a traceback."""
    try:
        with _termination_unwinds(), _only_the_command_asked_for(sys.argv):
            app()
    except SystemExit as done:
        if not _reader_went_away(done):
            raise
        # The reader went away (`| head`): not an error. Silence the final flush too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(Exit.OK) from None
    except RatesError as error:
        if len(error.problems) == 1:
            _fail(in_our_words(str(error)), Exit.BAD_INPUT)
        print(f"tariffcalc: error: {error.source}: {len(error.problems)} problems", file=sys.stderr)
        for problem in error.problems:
            print(f"  {in_our_words(problem)}", file=sys.stderr)
        raise SystemExit(Exit.BAD_INPUT) from None
    except InputError as error:
        _fail(f"{field_name(error.field)}: {error.message}", Exit.BAD_INPUT)
    except TariffcalcError as error:
        _fail(str(error), Exit.BAD_INPUT)
    except KeyboardInterrupt:
        raise SystemExit(Exit.INTERRUPTED) from None
    except Exception as error:  # a bug: say so plainly, no traceback unless asked
        if os.environ.get("TARIFFCALC_DEBUG"):
            raise
        _fail(
            f"internal error ({type(error).__name__}: {error}); set TARIFFCALC_DEBUG=1 for details",
            Exit.INTERNAL,
        )
