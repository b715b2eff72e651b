"""Bad input gets a clear, one-line error; nothing is lost."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.text import MAX_INPUT_BYTES, decode_text, read_source


def test_reads_utf8_and_normalises_newlines(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"Proc: Fiserv\r\nKiosks: no\r")
    source = read_source(path)
    assert source.text == "Proc: Fiserv\nKiosks: no\n"
    assert source.source == str(path)


def test_utf8_bom_is_accepted() -> None:
    assert decode_text("\ufeffhello".encode(), "x") == "hello"


def test_stdin_dash() -> None:
    source = read_source("-", stdin=io.BytesIO(b"Customer is on TSYS"))
    assert source.source == "stdin"
    assert source.text == "Customer is on TSYS"


@pytest.mark.parametrize(
    "data,needle",
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        ("caf\xe9".encode("latin-1"), "UTF-8"),
        (b"\x01\x02\x03\x04\x05\x06 abc", "control characters"),
    ],
)
def test_bad_bytes_raise_input_error(data: bytes, needle: str) -> None:
    with pytest.raises(InputError) as info:
        decode_text(data, "notes.txt")
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_oversized_input_is_refused() -> None:
    with pytest.raises(InputError, match="limit"):
        decode_text(b"a" * (MAX_INPUT_BYTES + 1), "big.txt")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read_source(tmp_path)
