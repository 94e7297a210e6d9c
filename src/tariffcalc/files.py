"""Files, below every layer (the law reads its table, inputs their files, output writes):
the one reader of a path or `-` (standard input), and atomic writes (files
that appear whole or not at all: written to a temporary file beside the target,
renamed over it on success, removed on any failure or interruption)."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tariffcalc.errors import InputError

STDIN = "-"
# Whole-file inputs (a flows file, an HTS export) are far smaller; batch files stream instead.
MAX_INPUT_BYTES = 256 * 1024 * 1024


def read_bytes(path: str, field: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The whole of a file, or of standard input for `-`, refused past `limit` bytes (a
    device such as /dev/zero, or a file far larger than any input the field takes)."""
    try:
        if path == STDIN:
            data = read_at_most(sys.stdin.buffer.read, limit)
        else:
            with open(path, "rb") as handle:
                data = read_at_most(handle.read, limit)
    except OSError as error:
        raise _unreadable(path, field, error) from None
    if data is None:
        raise InputError(
            field, f"{'standard input' if path == STDIN else path}: larger than {limit:,} bytes"
        )
    return data


def read_at_most(read: Callable[[int], bytes], limit: int) -> bytes | None:
    """All that `read` gives, or None past `limit` bytes: never an unbounded read."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = read(min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    return None


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
