"""The README cannot drift: every ```console block of README.md and docs/*.md is run.

A block is `$ command` lines, each followed by the output it prints (stdout, then
stderr). Each document's commands run in order in one temporary directory holding a
copy of examples/ and data/, with their own cache and HTS data directories, through
bash (so pipes into jq work) and with 80 columns. Only what must vary is normalised:
the temporary paths and timings. When the law or the output changes, regenerate:

    python tests/test_readme.py README.md [docs/FILE.md ...]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # run as a script, too
from conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SCHEDULE = "hts_2026_rev_10.json.gz"  # the official export the README imports
_FENCE = "```"
_TIMING = re.compile(r"\b\d+(\.\d+)? (s|ms)\b")


class Command(NamedTuple):
    line: int  # 1-based line of `$ command` in the document
    text: str
    expected: list[str]
    gap: bool  # a blank line follows the output before the next command


class Block(NamedTuple):
    line: int  # 1-based line of the opening fence
    commands: list[Command]


def parse(text: str) -> list[Block]:
    """The console blocks of a Markdown document."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != _FENCE + "console":
            i += 1
            continue
        start, i = i + 1, i + 1
        body: list[tuple[int, str]] = []
        while i < len(lines) and lines[i].strip() != _FENCE:
            body.append((i + 1, lines[i]))
            i += 1
        blocks.append(Block(start, _commands(body)))
        i += 1
    return blocks


def _commands(body: list[tuple[int, str]]) -> list[Command]:
    commands: list[Command] = []
    for number, text in body:
        if text.startswith("$ "):
            commands.append(Command(number, text[2:], [], False))
        elif commands:
            commands[-1].expected.append(text)
    return [_trimmed(command) for command in commands]


def _trimmed(command: Command) -> Command:
    expected = list(command.expected)
    gap = bool(expected) and not expected[-1].strip()
    while expected and not expected[-1].strip():
        expected.pop()
    return command._replace(expected=expected, gap=gap)


class Sandbox(NamedTuple):
    """Where a document's commands run."""

    cwd: Path
    env: dict[str, str]
    data_dir: Path


def make_sandbox(where: Path) -> Sandbox:
    """A working directory with examples/, data/ and, when the shared data is there, the
    official schedule, imported into the sandbox's own data directory."""
    cwd = where / "work"
    shutil.copytree(ROOT / "examples", cwd / "examples")
    shutil.copytree(ROOT / "data", cwd / "data")
    if (SHARED / "data" / SCHEDULE).exists():
        (cwd / SCHEDULE).symlink_to(SHARED / "data" / SCHEDULE)
    data_dir = where / "share"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "TARIFFCALC_CACHE_DIR": str(where / "cache"),
        "TARIFFCALC_DATA_DIR": str(data_dir),
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    for name in ("TARIFFCALC_RATES", "TARIFFCALC_DEBUG", "FORCE_COLOR"):
        env.pop(name, None)
    sandbox = Sandbox(cwd, env, data_dir)
    if (cwd / SCHEDULE).exists():
        run(sandbox, f"tariffcalc hts import {SCHEDULE}")
    return sandbox


def run(sandbox: Sandbox, command: str) -> list[str]:
    """What `command` prints, stdout then stderr, normalised, without trailing blanks."""
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=sandbox.cwd,
        env=sandbox.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return [normalise(line, sandbox) for line in lines]


def normalise(line: str, sandbox: Sandbox) -> str:
    line = line.replace(str(sandbox.data_dir), "~/.local/share/tariffcalc")
    line = line.replace(str(sandbox.cwd) + os.sep, "")
    return _TIMING.sub(lambda m: "N " + m.group(2), line)


def needs_schedule(block: Block) -> bool:
    return any(re.search(r"\bhts\b|--hts", c.text) for c in block.commands)


def _cases() -> Iterator[object]:
    for document in DOCUMENTS:
        for block in parse(document.read_text(encoding="utf-8")):
            name = f"{document.relative_to(ROOT)}:{block.line}"
            yield pytest.param(document, block, id=name)


@pytest.fixture(scope="module")
def sandboxes() -> dict[Path, Sandbox]:
    return {}


def _sandbox(sandboxes: dict[Path, Sandbox], document: Path, where: Path) -> Sandbox:
    """One sandbox per document: its commands run in order, as a reader would."""
    if document not in sandboxes:
        sandboxes[document] = make_sandbox(where)
    return sandboxes[document]


@pytest.mark.parametrize(("document", "block"), list(_cases()))
def test_console_block(
    document: Path,
    block: Block,
    sandboxes: dict[Path, Sandbox],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    sandbox = _sandbox(sandboxes, document, tmp_path_factory.mktemp("readme"))
    if needs_schedule(block) and not (sandbox.cwd / SCHEDULE).exists():
        pytest.skip("needs the USITC schedule of the shared data (TARIFFCALC_SHARED)")
    for command in block.commands:
        actual = run(sandbox, command.text)
        assert "Traceback" not in "\n".join(actual), command.text
        assert actual == command.expected, (
            f"{document.name}:{command.line}: $ {command.text}\n"
            "regenerate with: python tests/test_readme.py " + str(document.relative_to(ROOT))
        )


def regenerate(document: Path, sandbox: Sandbox) -> None:
    """Rewrite the expected output of every console block of `document` from real runs,
    the blocks run in order (a later one may use what an earlier one made)."""
    lines = document.read_text(encoding="utf-8").splitlines()
    bodies = [(block, _real_body(block, sandbox)) for block in parse("\n".join(lines))]
    for block, body in reversed(bodies):  # from the end: earlier line numbers stay right
        end = block.line
        while lines[end].strip() != _FENCE:
            end += 1
        lines[block.line : end] = body
    document.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _real_body(block: Block, sandbox: Sandbox) -> list[str]:
    body: list[str] = []
    for command in block.commands:
        body += [f"$ {command.text}", *run(sandbox, command.text)]
        body += [""] if command.gap else []
    return body


def _main(paths: list[str]) -> None:
    import tempfile

    for path in paths:
        with tempfile.TemporaryDirectory() as where:
            regenerate(Path(path).resolve(), make_sandbox(Path(where)))
            print(f"rewrote {path}")


if __name__ == "__main__":
    _main(sys.argv[1:])
