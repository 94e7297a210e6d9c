"""Hostile rate tables, flows files and caches (issue 13, items 8 to 12).

Everything happens in the test's temporary directory. What could hang or eat memory
on a broken build (a FIFO, a link to /dev/zero, a full disk) runs in a child process
with a time limit and a memory limit, so a regression fails the test, not the machine.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tariffcalc.errors import RatesError
from tariffcalc.law import ratetable
from tariffcalc.law.ratetable import CACHE_ENV, MAX_TABLE_BYTES, builtin_path, load_table

BUILTIN = builtin_path().read_text(encoding="utf-8")
JAPAN_24 = "ieepa-japan-24"
MEMORY_LIMIT = 1 << 30
CHILD_RSS_LIMIT_KB = 400 * 1024


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(directory))
    return directory


@pytest.fixture
def table_file(tmp_path: Path) -> Path:
    path = tmp_path / "rates.yaml"
    path.write_text(BUILTIN, encoding="utf-8")
    return path


def japan_rate(path: Path) -> Decimal:
    return load_table(path).measures[JAPAN_24].rate


def reciprocal_duty(cli: Any, table: Path) -> Decimal:
    result = cli("duty", "--sector", "general", "--value", "30000", "--json", "--rates", str(table))
    assert result.code == 0, result.err
    [scenario] = [s for s in json.loads(result.out)["scenarios"] if s["id"] == "reciprocal"]
    return Decimal(str(scenario["duty"]))


def the_cache_file(cache: Path) -> Path:
    [file] = cache.glob("table-*.pickle")
    return file


def doctor(cache_file: Path) -> None:
    """Rewrite a cache file as a fresh one holding a different Japan rate (99%)."""
    stamp, table = pickle.loads(cache_file.read_bytes())
    measure = table.measures[JAPAN_24]
    measures = {**table.measures, JAPAN_24: measure._replace(rate=Decimal("0.99"))}
    cache_file.write_bytes(pickle.dumps((stamp, table._replace(measures=measures))))


def run_child(
    code: str, env: dict[str, str], *, limits: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Python `code` in a child with at most 1 GiB of memory and 30 s; a hang fails the test."""

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if limits:
            limits()

    try:
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, **env},
            preexec_fn=bounded,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the child process hung")


def validate(cli: Any, tmp_path: Path, text: str) -> Any:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return cli("rates", "validate", str(path))


REPORT_RATE_AND_MEMORY = """
import resource, sys
from tariffcalc.law.ratetable import load_table
print(load_table({table!r}).measures['ieepa-japan-24'].rate)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


class Planted:
    """A pickle that runs `os.mkdir(marker)` when it is loaded."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (self.marker,))


# --- 8. the cache is keyed on the content (a shipped file: on its status, ctime included) ---


def test_an_edit_keeping_size_and_mtime_is_not_served_from_the_cache(
    cli: Any, table_file: Path
) -> None:
    before = reciprocal_duty(cli, table_file)  # fills the cache
    stat = table_file.stat()
    table_file.write_text(BUILTIN.replace("rate: 24%", "rate: 34%", 1), encoding="utf-8")
    os.utime(table_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as `cp -p` or `touch -r`
    assert table_file.stat().st_size == stat.st_size
    assert reciprocal_duty(cli, table_file) == before + Decimal("0.10") * 30000


def test_a_new_shipped_table_refreshes_a_cached_extension(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: Path
) -> None:
    shipped = tmp_path / "shipped.yaml"
    shipped.write_text(BUILTIN, encoding="utf-8")
    monkeypatch.setattr(ratetable, "builtin_path", lambda: shipped)
    extension = tmp_path / "mine.yaml"
    extension.write_text("extends: builtin\ntitle: mine\n", encoding="utf-8")
    assert japan_rate(extension) == Decimal("0.24")
    stat = shipped.stat()
    shipped.write_text(BUILTIN.replace("rate: 24%", "rate: 34%", 1), encoding="utf-8")
    os.utime(shipped, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert japan_rate(extension) == Decimal("0.34")


# --- 9. the cache cannot run code, and reads only this user's private files ----------------


def test_a_planted_pickle_never_runs(cli: Any, cache: Path, table_file: Path) -> None:
    marker = cache.parent / "pwned"
    before = reciprocal_duty(cli, table_file)
    the_cache_file(cache).write_bytes(pickle.dumps(("stamp", Planted(str(marker)))))
    assert reciprocal_duty(cli, table_file) == before
    assert not marker.exists()


def test_a_cache_file_is_read_when_it_is_private(cache: Path, table_file: Path) -> None:
    """The control for the test below: a doctored file is served when nothing is wrong with it."""
    japan_rate(table_file)
    doctor(the_cache_file(cache))
    assert japan_rate(table_file) == Decimal("0.99")


def _group_writable_file(cache: Path) -> None:
    the_cache_file(cache).chmod(0o620)


def _world_writable_directory(cache: Path) -> None:
    cache.chmod(0o777)


def _another_users_file(cache: Path) -> None:
    os.chown(the_cache_file(cache), 4242, 4242)


def _another_users_directory(cache: Path) -> None:
    os.chown(cache, 4242, 4242)


def _too_big_file(cache: Path) -> None:
    stamp, table = pickle.loads(the_cache_file(cache).read_bytes())
    padded = table._replace(title="x" * (5 << 20))
    the_cache_file(cache).write_bytes(pickle.dumps((stamp, padded)))


NOT_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root")


@pytest.mark.parametrize(
    "expose",
    [
        _group_writable_file,
        _world_writable_directory,
        _too_big_file,
        pytest.param(_another_users_file, marks=NOT_ROOT),
        pytest.param(_another_users_directory, marks=NOT_ROOT),
    ],
)
def test_a_cache_others_can_write_or_too_big_is_not_read(
    cache: Path, table_file: Path, expose: Callable[[Path], None]
) -> None:
    japan_rate(table_file)
    doctor(the_cache_file(cache))
    expose(cache)
    assert japan_rate(table_file) == Decimal("0.24")


def test_cache_directories_and_files_are_private_whatever_the_umask(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, table_file: Path
) -> None:
    cache = tmp_path / "home" / "cache" / "tariffcalc"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    previous = os.umask(0)
    try:
        japan_rate(table_file)
    finally:
        os.umask(previous)
    for directory in (tmp_path / "home", cache.parent, cache):
        assert directory.stat().st_mode & 0o777 == 0o700, directory
    assert [file.stat().st_mode & 0o777 for file in cache.iterdir()] == [0o600]


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_special_file_at_the_cache_path_costs_only_speed(
    cache: Path, table_file: Path, kind: str
) -> None:
    japan_rate(table_file)
    cache_file = the_cache_file(cache)
    cache_file.unlink()
    if kind == "fifo":
        os.mkfifo(cache_file, 0o600)
    else:
        cache_file.symlink_to("/dev/zero")
    child = run_child(REPORT_RATE_AND_MEMORY.format(table=str(table_file)), {CACHE_ENV: str(cache)})
    assert child.returncode == 0, child.stderr
    rate, max_rss_kb = child.stdout.split()
    assert Decimal(rate) == Decimal("0.24")
    assert int(max_rss_kb) < CHILD_RSS_LIMIT_KB


def test_a_full_disk_leaves_no_temporary_file_in_the_cache(cache: Path, table_file: Path) -> None:
    def tiny_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    child = run_child(
        REPORT_RATE_AND_MEMORY.format(table=str(table_file)),
        {CACHE_ENV: str(cache)},
        limits=tiny_disk,
    )
    assert child.returncode == 0, child.stderr
    assert Decimal(child.stdout.split()[0]) == Decimal("0.24")
    assert list(cache.iterdir()) == []


# --- 10. the rules of a table -------------------------------------------------------------


def test_a_supersedes_cycle_is_refused_naming_it(cli: Any, tmp_path: Path) -> None:
    text = BUILTIN.replace(
        "    scope_lists: [s232-autos]\n\n  - id: s232-auto-parts",
        "    scope_lists: [s232-autos]\n    supersedes: [s232-autos-japan]\n\n"
        "  - id: s232-auto-parts",
        1,
    )
    assert text != BUILTIN
    result = validate(cli, tmp_path, text)
    assert result.code == 1 and result.out == ""
    assert "supersedes forms a cycle: s232-autos -> s232-autos-japan -> s232-autos" in result.err


def test_one_hts_line_written_two_ways_is_a_duplicate(cli: Any, tmp_path: Path) -> None:
    line = '  "8703.23.01": {mfn: 2.5%'
    text = BUILTIN.replace(line, '  "87032301": {mfn: 9%, description: "again"}\n' + line, 1)
    result = validate(cli, tmp_path, text)
    assert result.code == 1
    assert "hts: '87032301' and '8703.23.01' are the same HTS line" in result.err


def test_an_absurd_rate_is_refused_with_its_path(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BUILTIN.replace("rate: 24%", "rate: 1" + "0" * 29 + "%", 1), encoding="utf-8")
    result = cli("duty", "--sector", "general", "--value", "30000", "--rates", str(path))
    assert result.code == 1 and result.out == ""
    assert "measures[1](ieepa-japan-24).rate: expected a percentage from 0% to 1000%" in result.err


@pytest.mark.parametrize(("rate", "ok"), [("1000%", True), ("1000.01%", False), ("0%", True)])
def test_rates_are_bounded_as_on_the_command_line(tmp_path: Path, rate: str, ok: bool) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text(BUILTIN.replace("rate: 24%", f"rate: {rate}", 1), encoding="utf-8")
    if ok:
        assert japan_rate(path) == Decimal(rate[:-1]) / 100
    else:
        with pytest.raises(RatesError, match="from 0% to 1000%"):
            japan_rate(path)


# --- 10 and 11. the YAML loader: duplicate keys, aliases, nesting, short messages ------


def test_a_duplicate_key_is_refused_with_its_line(cli: Any, tmp_path: Path) -> None:
    lines = BUILTIN.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line == "    rate: 24%\n")
    lines.insert(at + 1, "    rate: 34%\n")
    result = validate(cli, tmp_path, "".join(lines))
    assert result.code == 1 and result.out == ""
    assert f"line {at + 2}: key 'rate' appears twice (first on line {at + 1})" in result.err


def alias_bomb(levels: int) -> str:
    """Each level holds ten aliases of the one before: 10**levels strings when expanded."""
    lines = ['  - &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"  - &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def extension_with_rate(value: str) -> str:
    block = BUILTIN[BUILTIN.index("  - id: s232-autos\n") :]
    block = block[: block.index("\n\n")].replace("    rate: 25%", f"    rate: {value}")
    return f"extends: builtin\nmeasures:\n{block}\n"


def test_an_alias_bomb_in_a_table_is_refused_briefly(cli: Any, tmp_path: Path) -> None:
    text = extension_with_rate("\n" + alias_bomb(6).replace("  - ", "      - "))
    result = validate(cli, tmp_path, text)
    assert result.code == 1
    assert "aliases expand to more than" in result.err and len(result.err) < 1000


def test_an_alias_bomb_in_a_flows_file_is_refused_briefly(cli: Any, tmp_path: Path) -> None:
    flows = tmp_path / "flows.yaml"
    bomb = alias_bomb(6).replace("  - ", "      - ")
    flows.write_text(
        "name: bomb\ntitle: bomb\nyear: 2024\nflows:\n  - label: x\n    source: x\n"
        f"    confidence: L\n    value:\n{bomb}",
        encoding="utf-8",
    )
    result = cli("impact", "--flows", str(flows))
    assert result.code == 1
    assert "aliases expand to more than" in result.err and len(result.err) < 1000


def test_a_long_bad_value_is_shown_cut_short(cli: Any, tmp_path: Path) -> None:
    long_list = "[" + ", ".join(["a-fairly-long-word-repeated-many-times"] * 100) + "]"
    result = validate(cli, tmp_path, extension_with_rate(long_list))
    assert result.code == 1
    [line] = result.err.splitlines()
    assert "measures[6](s232-autos).rate: expected" in line
    shown = line.split(", got ", 1)[1]
    assert shown.startswith("['a-fairly-long-word") and len(shown) <= 80


@pytest.mark.parametrize("depth", [100, 5000])
def test_deep_nesting_is_refused(cli: Any, tmp_path: Path, depth: int) -> None:
    result = validate(cli, tmp_path, extension_with_rate("[" * depth + "]" * depth))
    assert result.code == 1
    # The tool's own bound; libyaml 0.2.5 and later refuse deeper flows first, in its words.
    said = "nested deeper than" if depth < 1000 else "nest"
    assert said in result.err and "Traceback" not in result.err and len(result.err) < 1000


def test_the_loader_is_libyaml_when_there_is_one() -> None:
    loader = ratetable.yaml_loader()
    if yaml.__with_libyaml__:
        assert issubclass(loader, yaml.CSafeLoader)
    assert issubclass(loader, yaml.constructor.SafeConstructor)


def test_anchors_within_the_bound_still_work(tmp_path: Path) -> None:
    text = BUILTIN.replace("rate: 24%", "rate: &japan 24%", 1).replace(
        "rate: 15%", "rate: *japan", 1
    )
    path = tmp_path / "rates.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_table(path, use_cache=False).measures["ieepa-japan-15"].rate == Decimal("0.24")


# --- 12. one bounded reader for every table ---------------------------------------------


def test_a_table_on_stdin_is_bounded(cli: Any) -> None:
    result = cli("rates", "validate", "-", stdin=b"#" * (MAX_TABLE_BYTES + 1))
    assert result.code == 1
    assert f"<stdin>: larger than {MAX_TABLE_BYTES} bytes" in result.err


def test_a_device_as_the_table_is_bounded(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    child = run_child(
        f"import sys; sys.argv = ['tariffcalc', 'rates', 'validate', {str(link)!r}]\n"
        "from tariffcalc.cli.main import main\nmain()",
        {},
    )
    assert child.returncode == 1
    assert f"larger than {MAX_TABLE_BYTES} bytes" in child.stderr


def test_a_table_from_a_pipe_is_read_whole() -> None:
    child = subprocess.run(
        [sys.executable, "-m", "tariffcalc", "rates", "validate", "/dev/stdin"],
        input=BUILTIN,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert child.returncode == 0 and ": ok:" in child.stdout


def test_a_carriage_return_in_a_table_text_quotes_its_csv_row(cli: Any, tmp_path: Path) -> None:
    # csv quotes only the line terminator's characters: a bare CR would let a reader that
    # splits on it start a row with "=cmd".
    label = "label: Section 232 automobile parts\n"
    assert label in BUILTIN
    table = tmp_path / "t.yaml"
    table.write_text(BUILTIN.replace(label, 'label: "parts\\r=cmd"\n'), encoding="utf-8")
    result = cli("rates", "list", "--rates", str(table), "--format", "csv")
    assert result.code == 0, result.err
    assert '"s232-auto-parts","parts\r=cmd",' in result.out
