"""Files that appear whole or not at all: written to a temporary file beside the
target, renamed over it on success, removed on any failure or interruption."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


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
