"""The one reader of a path or '-' (standard input), which every command uses."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from conftest import Cli
from tariffcalc.errors import InputError
from tariffcalc.files import open_text, read_bytes


def test_the_reader_names_the_field_and_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^flows: no such file: "):
        read_bytes(str(tmp_path / "none.yaml"), "flows")
    with pytest.raises(InputError, match="is a directory, expected a file"):
        read_bytes(str(tmp_path), "file")
    with pytest.raises(InputError, match="is a directory, expected a file"):
        open_text(str(tmp_path), "file")
    text = tmp_path / "bom.csv"
    text.write_bytes(b"\xef\xbb\xbfa,b\r\n1,2\r\n")
    with open_text(str(text), "file") as opened:
        assert opened.read() == "a,b\r\n1,2\r\n"  # no byte-order mark, line endings kept


def test_a_dash_is_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfname: x\n")))
    assert read_bytes("-", "flows") == b"\xef\xbb\xbfname: x\n"  # bytes as given
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfa,b\n")))
    assert open_text("-", "file").read() == "a,b\n"  # text without the byte-order mark


def test_a_whole_file_past_its_bound_is_refused_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact, over = tmp_path / "exact.bin", tmp_path / "over.bin"
    exact.write_bytes(b"x" * 100)
    over.write_bytes(b"x" * 101)
    assert read_bytes(str(exact), "file", limit=100) == b"x" * 100
    with pytest.raises(InputError, match=r"^file: .*over\.bin: larger than 100 bytes"):
        read_bytes(str(over), "file", limit=100)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"y" * 101)))
    with pytest.raises(InputError, match="standard input: larger than 100 bytes"):
        read_bytes("-", "flows", limit=100)


def test_a_flows_file_is_bounded_like_a_rate_table(cli: Cli, tmp_path: Path) -> None:
    from tariffcalc.law.ratetable import MAX_TABLE_BYTES

    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * (MAX_TABLE_BYTES + 1))
    result = cli("impact", "--flows", str(huge), "--date", "2026-01-01")
    assert result.code == 1 and "--flows: " in result.err and "larger than" in result.err
