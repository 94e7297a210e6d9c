"""Files: the one reader of a path or `-` (standard input), and atomic writes (files
that appear whole or not at all: written to a temporary file beside the target,
renamed over it on success, removed on any failure or interruption)."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tariffcalc.errors import InputError

STDIN = "-"


def read_bytes(path: str, field: str) -> bytes:
    """The whole of a file, or of standard input for `-`."""
    if path == STDIN:
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise _unreadable(path, field, error) from None


def open_text(path: str, field: str) -> TextIO:
    """A file, or standard input for `-`, as UTF-8 text (a byte-order mark is skipped)
    with its line endings untouched, for the csv module."""
    if path == STDIN:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise _unreadable(path, field, error) from None


def _unreadable(path: str, field: str, error: OSError) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError(field, f"no such file: {path}")
    if isinstance(error, IsADirectoryError):
        return InputError(field, f"{path} is a directory, expected a file")
    return InputError(field, f"{path}: {error.strerror or error}")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path to write; renamed to `target` when the block ends without error."""
    target = Path(target)
    handle, name = tempfile.mkstemp(
        dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_text(target: Path) -> Iterator[TextIO]:
    with atomic_path(target) as temporary, temporary.open("w", encoding="utf-8", newline="") as out:
        yield out
