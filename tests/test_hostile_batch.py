"""Hostile paths and files for the commands that write (batch, refunds): special files,
outputs over the input or each other, modes, links, unwritable places, signals, pipes,
formula cells, malformed rows. Everything happens inside the test's temporary directory."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import Cli
from tariffcalc import files

SHIPMENTS = "sku,value,sector\nA1,100,autos\nA2,200,steel\n"
TARIFFCALC = [sys.executable, "-m", "tariffcalc"]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text(SHIPMENTS)
    return tmp_path


# --- item 1: devices and FIFOs are written in place, never replaced ---------------------------


def _fifo_reader(path: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as fifo:
            got.append(fifo.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, got


@pytest.mark.parametrize("option", ["-o", "--errors", "--summary"])
def test_an_output_through_a_link_to_a_fifo_writes_into_the_fifo(
    cli: Cli, work: Path, option: str
) -> None:
    fifo = work / "pipe"
    os.mkfifo(fifo)
    (work / "link").symlink_to(fifo)
    thread, got = _fifo_reader(fifo)
    result = cli("batch", "in.csv", option, "link", "--scenario", "mfn")
    thread.join(timeout=10)
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a FIFO, not a regular file
    assert (work / "link").is_symlink()
    expected = {"-o": b"sku,value,sector", "--errors": b"line,id,field", "--summary": b"rows_read"}
    assert got and expected[option] in got[0]
    assert not list(work.glob(".*.tmp"))


# --- item 2: no output over the input or over another output ----------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--summary", "in.csv"], "--summary: in.csv is also the input FILE"),
        (["--errors", "in.csv"], "--errors: in.csv is also the input FILE"),
        (["-o", "./in.csv"], "--output: ./in.csv is also the input FILE"),
        (["-o", "x.csv", "--errors", "x.csv"], "--errors: x.csv is also --output"),
        (["--errors", "x.csv", "--summary", "x.csv"], "--summary: x.csv is also --errors"),
        (["-o", "hard.csv"], "--output: hard.csv is also the input FILE"),
    ],
)
def test_no_output_may_be_the_input_or_another_output(
    cli: Cli, work: Path, args: list[str], named: str
) -> None:
    os.link(work / "in.csv", work / "hard.csv")
    result = cli("batch", "in.csv", *args)
    assert result.code == 1
    assert named in result.err
    assert (work / "in.csv").read_text() == SHIPMENTS
    assert not (work / "x.csv").exists()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["-o", "in.csv"], "--output: in.csv is also the input FILE"),
        (["--errors", "hard.csv"], "--errors: hard.csv is also the input FILE"),
        (["-o", "x.csv", "--errors", "x.csv"], "--errors: x.csv is also --output"),
    ],
)
def test_refunds_outputs_are_guarded_alike(
    cli: Cli, work: Path, args: list[str], named: str
) -> None:
    os.link(work / "in.csv", work / "hard.csv")
    result = cli("refunds", "in.csv", *args)
    assert result.code == 1
    assert named in result.err
    assert (work / "in.csv").read_text() == SHIPMENTS


# --- item 14: modes, links, unwritable places, a full disk, `| head` -------------------------


def test_an_output_keeps_the_mode_of_the_file_it_replaces(cli: Cli, work: Path) -> None:
    (work / "out.csv").write_text("old")
    os.chmod(work / "out.csv", 0o664)
    assert cli("batch", "in.csv", "-o", "out.csv").code == 0
    assert stat.S_IMODE(os.stat(work / "out.csv").st_mode) == 0o664
    old = os.umask(0o022)
    try:
        assert cli("batch", "in.csv", "-o", "new.csv", "--summary", "s.json").code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(work / "new.csv").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(work / "s.json").st_mode) == 0o644


def test_a_linked_output_is_written_through_the_link(cli: Cli, work: Path) -> None:
    (work / "real").mkdir()
    (work / "real" / "out.csv").write_text("old")
    (work / "out.csv").symlink_to(work / "real" / "out.csv")
    assert cli("batch", "in.csv", "-o", "out.csv").code == 0
    assert (work / "out.csv").is_symlink()
    assert (work / "real" / "out.csv").read_text().startswith("sku,value,sector,")
    assert not list((work / "real").glob(".*.tmp"))


@pytest.mark.parametrize(
    ("option", "path", "said"),
    [
        ("-o", "missing/out.csv", "--output: missing/out.csv: no such directory"),
        ("--errors", "missing/e.csv", "--errors: missing/e.csv: no such directory"),
        ("-o", "adir", "--output: adir is a directory"),
        ("--summary", "adir", "--summary: adir is a directory"),
    ],
)
def test_an_unwritable_output_is_a_user_error(
    cli: Cli, work: Path, option: str, path: str, said: str
) -> None:
    (work / "adir").mkdir()
    result = cli("batch", "in.csv", option, path)
    assert result.code == 1, result.err
    assert said in result.err


def test_a_read_only_directory_is_a_user_error(
    cli: Cli, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated: root (CI containers) may write into a 0555 directory.
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    (work / "ro").mkdir()
    monkeypatch.setattr(files, "_open_exclusive", refused)
    result = cli("batch", "in.csv", "-o", "ro/out.csv")
    assert result.code == 1
    assert "--output: ro/out.csv: Permission denied" in result.err
    assert not list((work / "ro").iterdir())


def test_a_full_disk_is_a_user_error_and_leaves_nothing(
    cli: Cli, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    result = cli("batch", "in.csv", "-o", "out.csv")
    assert result.code == 1
    assert "--output: out.csv: No space left on device" in result.err
    assert sorted(p.name for p in work.iterdir()) == ["in.csv"]


def _big_input(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write("sku,value,sector,origin\n")
        for i in range(rows):
            out.write(f"S{i},{100 + i % 977},{('autos', 'steel', 'general')[i % 3]},CN\n")


def test_a_reader_that_stops_early_is_not_an_error(work: Path) -> None:
    _big_input(work / "big.csv", 30_000)
    batch = subprocess.Popen(
        [*TARIFFCALC, "batch", "big.csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert batch.stdout is not None and batch.stderr is not None
    batch.stdout.readline()
    batch.stdout.close()  # as `| head -1` does
    err = batch.stderr.read()
    assert batch.wait(timeout=60) == 0, err
    assert b"Traceback" not in err


# --- item 13: SIGTERM and SIGHUP leave no partial files ----------------------------------------


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_batch_leaves_no_temporary_file(work: Path, number: int) -> None:
    _big_input(work / "big.csv", 200_000)
    batch = subprocess.Popen(
        [*TARIFFCALC, "batch", "big.csv", "-o", "out.csv", "--errors", "e.csv"],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not list(work.glob(".out.csv.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(work.glob(".out.csv.*.tmp")), "the batch never started writing"
    batch.send_signal(number)
    assert batch.wait(timeout=30) == 128 + number
    assert sorted(p.name for p in work.iterdir()) == ["big.csv", "in.csv"]


def test_a_signal_just_as_a_temporary_file_is_made_leaves_nothing(
    cli: Cli, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The moment the test above can only hit by chance: SIGTERM as the file is made.
    make = files._open_exclusive

    def make_then_terminated(path: Path) -> int:
        made = make(path)
        os.kill(os.getpid(), signal.SIGTERM)
        return made

    monkeypatch.setattr(files, "_open_exclusive", make_then_terminated)
    result = cli("batch", "in.csv", "-o", "out.csv")
    assert result.code == 128 + signal.SIGTERM
    assert sorted(p.name for p in work.iterdir()) == ["in.csv"]


# --- item 3: a CR inside a cell is quoted; refunds' header cells are neutralised -----------


CR_CELL = 'sku,value,sector,note\nA1,100,autos,"text\r=cmd|x"\n'


@pytest.mark.parametrize("command", ["batch", "refunds"])
def test_a_carriage_return_in_a_cell_is_quoted(cli: Cli, work: Path, command: str) -> None:
    (work / "cr.csv").write_text(CR_CELL, newline="")
    result = cli(command, "cr.csv", "-o", "out.csv", "--format", "csv", "--date", "2025-10-01")
    assert result.code == 0, result.err
    written = (work / "out.csv").read_bytes()
    assert b'"text\r=cmd|x"' in written
    rows = list(csv.reader(io.StringIO(written.decode(), newline="")))
    assert rows[1][3] == "text\r=cmd|x" and len(rows) == 2  # one row, the cell whole


def test_refunds_neutralises_formula_like_header_cells(cli: Cli, work: Path) -> None:
    (work / "f.csv").write_text('sku,value,sector,=HYPERLINK("x")\nA1,100,autos,ok\n')
    assert cli("refunds", "f.csv", "-o", "out.csv", "--date", "2025-10-01").code == 0
    header = (work / "out.csv").read_text().splitlines()[0]
    assert header.startswith('sku,value,sector,"\'=HYPERLINK(""x"")",')


# --- item 7: a stray quote costs its row, in linear time ---------------------------------------


def test_a_stray_quote_rejects_its_row_and_the_rest_is_read(cli: Cli, work: Path) -> None:
    rows = [f"S{i},{100 + i},steel,plain {i}" for i in range(20_000)]
    rows[4] = 'S4,104,steel,"12 pipe'  # a quote that never closes
    rows[9] = 'S9,109,steel,12" pipe'  # a quote inside a field is text
    rows[12] = 'S12,112,steel,"two\nlines"'  # a quoted field may span lines
    (work / "q.csv").write_text("sku,value,sector,description\n" + "\n".join(rows) + "\n")
    started = time.monotonic()
    result = cli("batch", "q.csv", "-o", "out.csv", "--errors", "e.csv", "--scenario", "mfn")
    assert time.monotonic() - started < 20  # was quadratic: minutes
    assert result.code == 3, result.err
    assert "line 6: file: a quote that is not closed within 100 lines" in result.err
    out = list(csv.DictReader((work / "out.csv").open(newline="")))
    assert len(out) == 19_999
    assert [r["description"] for r in out if r["sku"] in ("S9", "S12")] == [
        '12" pipe',
        "two\nlines",
    ]
    assert out[-1]["sku"] == "S19999"


def test_a_runaway_field_rejects_its_row(cli: Cli, work: Path) -> None:
    big = "x" * 200_000
    (work / "big.csv").write_text(f"sku,value,sector,note\nA,1,steel,{big}\nB,2,steel,ok\n")
    result = cli("batch", "big.csv", "--scenario", "mfn")
    assert result.code == 3, result.err
    assert "line 2: file: a row longer than 131,072 characters" in result.err
    assert [r["sku"] for r in csv.DictReader(io.StringIO(result.out))] == ["B"]


# --- item 6: one bad row costs that row, not the run ---------------------------------------


def test_a_row_of_another_encoding_is_rejected_alone(cli: Cli, work: Path) -> None:
    (work / "l1.csv").write_bytes(b"sku,value,sector,note\nA,100,steel,caf\xe9\nB,200,steel,ok\n")
    result = cli("batch", "l1.csv", "--scenario", "mfn")
    assert result.code == 3, result.err
    assert "line 2: file: not UTF-8 text" in result.err
    assert [r["sku"] for r in csv.DictReader(io.StringIO(result.out))] == ["B"]
    strict = cli("batch", "l1.csv", "--scenario", "mfn", "-o", "out.csv", "--strict")
    assert strict.code == 1 and "--strict: 1 of 2 rows rejected" in strict.err
    assert not (work / "out.csv").exists()


def test_a_utf16_file_is_refused_plainly(cli: Cli, work: Path) -> None:
    (work / "u16.csv").write_bytes("sku,value,sector\nA,100,steel\n".encode("utf-16"))
    result = cli("batch", "u16.csv")
    assert result.code == 1
    assert "FILE: u16.csv: line 1: not UTF-8 text (UTF-16?)" in result.err


def test_bad_json_lines_are_rejected_alone(cli: Cli, work: Path) -> None:
    deep = '{"sku": "B", "value": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    lines = ['{"sku": "A", "value": 100, "sector": "steel"}', deep, "not json"]
    lines.append('{"sku": "C", "value": 100, "sector": "steel"}')
    (work / "in.jsonl").write_text("\n".join(lines) + "\n")
    result = cli("batch", "in.jsonl", "--scenario", "mfn", "-f", "jsonl")
    assert result.code == 3, result.err
    assert "line 2: file: JSON nested too deep\n" in result.err
    assert "line 3: file: not valid JSON (" in result.err
    assert [json.loads(line)["sku"] for line in result.out.splitlines()] == ["A", "C"]


def test_a_bad_byte_inside_an_open_quote_costs_only_the_two_rows(cli: Cli, work: Path) -> None:
    data = b'sku,value,sector,note\nA,1,steel,"open\nB,2,steel,caf\xe9\nC,3,steel,shut"\n'
    (work / "mix.csv").write_bytes(data)
    result = cli("batch", "mix.csv", "--scenario", "mfn")
    assert result.code == 3, result.err
    assert "line 2: file: a quote that is not closed" in result.err
    assert "line 3: file: not UTF-8 text" in result.err
    assert [r["sku"] for r in csv.DictReader(io.StringIO(result.out))] == ["C"]


def test_an_unreadable_rate_text_in_the_schedule_rejects_its_rows(
    cli: Cli, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tariffcalc.inputs.schedule import import_schedule

    monkeypatch.setenv("TARIFFCALC_DATA_DIR", str(work / "data"))
    row = {"indent": "0", "description": "Odd goods", "units": []}
    rows = [
        {**row, "htsno": "9999.10.10", "general": "about 5"},
        {**row, "htsno": "9999.10.20", "general": "5%"},
    ]
    import_schedule(json.dumps(rows).encode(), "hts_2026_rev_10.json")
    (work / "h.csv").write_text("sku,value,hts\nA,100,9999.10.10\nB,100,9999.10.20\n")
    result = cli("batch", "h.csv", "--scenario", "mfn")
    assert result.code == 3, result.err
    assert "line 2 (A): hts: 9999.10.10: the schedule's rate text cannot be read" in result.err
    assert [r["sku"] for r in csv.DictReader(io.StringIO(result.out))] == ["B"]


def test_ctrl_c_with_workers_says_nothing_of_them_and_leaves_nothing(work: Path) -> None:
    _big_input(work / "big.csv", 200_000)
    batch = subprocess.Popen(
        [*TARIFFCALC, "batch", "big.csv", "-o", "out.csv", "--jobs", "2"],
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # ... which takes Ctrl-C: a run started in the background by a shell without job
        # control (`pytest &`) ignores SIGINT, and so would batch, finishing with 0.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not _written(work, ".out.csv.*.tmp") and time.monotonic() < deadline:
        time.sleep(0.01)  # until the workers have scored a first chunk, and are scoring
    assert batch.poll() is None, "batch ended before the interrupt: a bigger input is needed"
    os.killpg(batch.pid, signal.SIGINT)  # what Ctrl-C sends: to every process of the group
    assert batch.stderr is not None
    err = batch.stderr.read().decode()
    assert batch.wait(timeout=30) != 0
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert sorted(p.name for p in work.iterdir()) == ["big.csv", "in.csv"]


def _written(folder: Path, pattern: str) -> bool:
    """Whether a file matching `pattern` has been written to (it may go meanwhile)."""
    for path in folder.glob(pattern):
        try:
            if path.stat().st_size > 0:
                return True
        except FileNotFoundError:
            pass
    return False


# --- items 5, 16: one column per field, no cell lost -----------------------------------------


@pytest.mark.parametrize(
    ("header", "said"),
    [
        ("sku,value,date,entry_date", "'date' and 'entry_date' both give the entry_date"),
        ("sku,amount,value,sector", "'amount' and 'value' both give the value"),
        ("sku,value,Country,origin", "'Country' and 'origin' both give the origin"),
        ("sku,value,note,note", "the column 'note' appears twice; rename one"),
    ],
)
def test_a_header_that_names_a_field_twice_is_refused(
    cli: Cli, work: Path, header: str, said: str
) -> None:
    (work / "h.csv").write_text(f"{header}\nA,100,2025-10-01,2026-03-01\n")
    result = cli("batch", "h.csv", "-o", "out.csv")
    assert result.code == 1
    assert f"FILE: h.csv: {said}" in result.err
    assert not (work / "out.csv").exists()


def test_a_json_row_that_names_a_field_twice_is_rejected(cli: Cli, work: Path) -> None:
    lines = ['{"sku": "A", "value": 1}', '{"sku": "B", "value": 2, "amount": 3}']
    (work / "j.jsonl").write_text("\n".join(lines) + "\n")
    result = cli("batch", "j.jsonl", "--scenario", "mfn", "-f", "jsonl")
    assert result.code == 3
    assert "line 2: file: this row: 'value' and 'amount' both give the value" in result.err


def test_a_row_with_more_cells_than_the_header_is_rejected(cli: Cli, work: Path) -> None:
    (work / "w.csv").write_text("sku,value,sector\nA,100,steel,lost\nB,200,steel,\n")
    result = cli("batch", "w.csv", "--scenario", "mfn")
    assert result.code == 3
    assert "line 2: file: 4 cells, but the header has 3" in result.err
    assert [r["sku"] for r in csv.DictReader(io.StringIO(result.out))] == ["B"]  # empty: fine


# --- item 17: refunds says what it cannot know -------------------------------------------------


def test_refunds_without_an_entry_date_column_needs_a_date(cli: Cli, work: Path) -> None:
    result = cli("refunds", "in.csv")
    assert result.code == 1
    assert "FILE: in.csv: no entry_date column" in result.err
    assert cli("refunds", "in.csv", "--date", "2025-10-01", "--json").code == 0


def test_refunds_warns_of_repeated_rows(cli: Cli, work: Path) -> None:
    row = "E1,100,steel,CN,2025-10-01"
    text = (
        "entry_number,value,sector,origin,entry_date\n"
        + f"{row}\n" * 3
        + "E2,5,steel,CN,2025-10-01\n"
    )
    (work / "r.csv").write_text(text)
    result = cli("refunds", "r.csv", "--json")
    assert result.code == 0, result.err
    assert "warning: 2 rows repeat an earlier row cell for cell (lines 3, 4)" in result.err
    assert json.loads(result.out)["totals"]["entries"] == 4  # still counted, but said


def test_an_output_that_is_an_open_descriptor_is_written_to_not_replaced(work: Path) -> None:
    """As `-o /dev/stdout` with `>> log`: a link (in the temporary directory) to the
    process's own descriptor 1, which is a file opened to append to."""
    (work / "fd1").symlink_to("/proc/self/fd/1")
    log = work / "log.txt"
    log.write_text("before\n")
    with log.open("a") as out:
        done = subprocess.run(
            [*TARIFFCALC, "batch", "in.csv", "-o", "fd1"], stdout=out, stderr=subprocess.PIPE
        )
    assert done.returncode == 0, done.stderr
    assert log.read_text().startswith("before\nsku,value,sector,")
    assert (work / "fd1").is_symlink()


def test_strict_writes_nothing_into_a_fifo_when_a_row_is_bad(cli: Cli, work: Path) -> None:
    fifo = work / "pipe"
    os.mkfifo(fifo)
    (work / "bad.csv").write_text(SHIPMENTS + "A3,abc,steel\n")
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader that never blocks
    try:
        result = cli("batch", "bad.csv", "-o", str(fifo), "--strict")
        assert result.code == 1 and "--strict: 1 of 3 rows rejected" in result.err
        assert os.read(reader, 1 << 16) == b""
        good = cli("batch", "in.csv", "-o", str(fifo), "--strict", "--scenario", "mfn")
        assert good.code == 0, good.err
        assert os.read(reader, 1 << 16).startswith(b"sku,value,sector,")
    finally:
        os.close(reader)
