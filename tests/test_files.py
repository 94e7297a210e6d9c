"""The one reader of a path or '-' (standard input), which every command uses."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

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
