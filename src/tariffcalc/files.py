"""Files, below every layer (the law reads its table, inputs their files, output writes):
the one reader of a path or `-` (standard input), and atomic writes (files
that appear whole or not at all: written to a temporary file beside the target,
renamed over it on success, removed on any failure or interruption)."""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
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
    with its line endings untouched, for the csv module. Bytes that are not UTF-8 come
    through as lone surrogates (see `inputs.records`), so that they cost a row, not a run."""
    if path == STDIN:
        return io.TextIOWrapper(
            sys.stdin.buffer, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
    try:
        return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as error:
        raise _unreadable(path, field, error) from None


def _unreadable(path: str, field: str, error: OSError) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError(field, f"no such file: {path}")
    if isinstance(error, IsADirectoryError):
        return InputError(field, f"{path} is a directory, expected a file")
    return InputError(field, f"{path}: {error.strerror or error}")


# Errors of the disk, not of the program: said as the output's own fault (exit 1).
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def check_outputs(source: str, outputs: dict[str, str | None]) -> None:
    """Refuse, before anything is written, an output that is the input file or another
    output (the same path, through a link or not). Devices and FIFOs (/dev/null) may repeat."""
    taken = [] if source == STDIN else [("the input FILE", source)]
    for option, path in outputs.items():
        if not path or _is_special(path):
            continue
        for other, other_path in taken:
            if _same_file(path, other_path):
                raise InputError(option, f"{path} is also {other}; it would be overwritten")
        taken.append((f"--{option.replace('_', '-')}", path))


def _is_special(path: str) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links
    except OSError:
        return False


@contextmanager
def atomic_path(target: Path | str, field: str = "output") -> Iterator[Path]:
    """A temporary path to write; renamed to `target` when the block ends without error.

    An existing file keeps its mode (a new one gets the umask's); a symbolic link is
    written through, to its target. A device or FIFO (/dev/null, /dev/stdout) is written
    in place: it cannot be replaced. A path that cannot be written, or a full disk, is
    an InputError of `field`."""
    where = str(target)
    try:
        status: os.stat_result | None = os.stat(where)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _unwritable(where, field, error) from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise InputError(field, f"{where} is a directory, expected a file")
    if status is not None and _in_place(where, status):
        with _said_as(where, field, Path(where)) as direct:
            yield direct
        return
    real = Path(os.path.realpath(where))
    # Named before it exists, so that the `finally` removing it is in place before it is
    # made: a signal just as the file appears cannot leave it behind (masking signals
    # cannot promise that: another thread may take the signal for the main one).
    temporary = _temporary_beside(real)
    try:
        while (handle := _create_new(temporary, where, field)) is None:
            temporary = _temporary_beside(real)  # another writer's name: not ours to remove
        os.fchmod(handle, stat.S_IMODE(status.st_mode) if status else _new_file_mode())
        os.close(handle)
        with _said_as(where, field, temporary):
            yield temporary
            os.replace(temporary, real)
    finally:
        temporary.unlink(missing_ok=True)


def _temporary_beside(real: Path) -> Path:
    # os.urandom, not `secrets`: that module costs every start-up 3 ms of imports.
    return real.with_name(f".{real.name}.{os.urandom(6).hex()}.tmp")


def _create_new(temporary: Path, where: str, field: str) -> int | None:
    """A descriptor of `temporary`, made now; None if that name exists already. An
    InputError of `field` if the directory refuses."""
    try:
        return _open_exclusive(temporary)
    except FileExistsError:
        return None
    except OSError as error:
        raise _unwritable(where, field, error) from None


def _open_exclusive(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)


def written_in_place(path: str) -> bool:
    """Whether `atomic_path` writes `path` in place: a device, FIFO or open descriptor."""
    try:
        return _in_place(path, os.stat(path))
    except OSError:
        return False


def _in_place(path: str, status: os.stat_result) -> bool:
    return not stat.S_ISREG(status.st_mode) or _a_descriptor(path)


def _a_descriptor(path: str) -> bool:
    """Whether `path` is, or links to, an open descriptor (/dev/stdout, /dev/fd/1): a file
    the caller opened, maybe to append to, that only it may replace."""
    path = os.path.abspath(path)
    for _ in range(40):  # the kernel's own bound on links followed
        parts = os.path.realpath(os.path.dirname(path)).split("/")
        if len(parts) == 4 and parts[1] == "proc" and parts[3] == "fd":
            return True
        if not os.path.islink(path):
            return False
        path = os.path.join(os.path.dirname(path), os.readlink(path))
    return False


@contextmanager
def _said_as(where: str, field: str, path: Path) -> Iterator[Path]:
    """Errors writing `path` (opening it, a full disk) said as the output's, naming `where`."""
    try:
        yield path
    except OSError as error:
        if error.errno in DISK_FULL or error.filename in (str(path), where):
            raise _unwritable(where, field, error) from None
        raise


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _unwritable(path: str, field: str, error: OSError) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError(field, f"{path}: no such directory")
    return InputError(field, f"{path}: {error.strerror or error}")


def append_to(path: Path) -> TextIO:
    """The path `atomic_path` gives, opened to write: appending, which is writing for its
    temporary file (new, empty) and keeps what the caller wrote before for a descriptor."""
    return path.open("a", encoding="utf-8", newline="")


@contextmanager
def atomic_text(target: Path | str, field: str = "output") -> Iterator[TextIO]:
    with (
        atomic_path(target, field) as temporary,
        append_to(temporary) as out,
    ):
        yield out
