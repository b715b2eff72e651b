"""Read and validate one input (a file path or ``-`` for stdin).

Bad input never crashes a run: it raises :class:`~assistant.errors.InputError`
with a one-line message saying what is wrong and how to fix it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError

__all__ = ["MAX_INPUT_BYTES", "SourceText", "decode_text", "normalize_newlines", "read_source"]

MAX_INPUT_BYTES = 1_000_000


@dataclass(frozen=True)
class SourceText:
    source: str  # the path as given, or "stdin"
    text: str  # decoded, newline-normalised


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes (evidence stays verbatim)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# characters that show nothing: text made only of these (and whitespace) is empty
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"


def _too_large(source: str, size: int) -> InputError:
    return InputError(
        f"{source}: input is {size:,} bytes, over the {MAX_INPUT_BYTES:,}-byte limit; "
        "split the transcript into smaller files"
    )


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 input, refusing binary, non-UTF-8, oversized and empty data."""
    if len(data) > MAX_INPUT_BYTES:
        raise _too_large(source, len(data))
    if b"\x00" in data:
        raise InputError(
            f"{source}: looks like a binary file, not text; paste or save the notes as plain text"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not valid UTF-8 (byte {exc.start}); re-save the file as UTF-8 text"
        ) from None
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f\v")
    if text and controls / len(text) > 0.05:
        raise InputError(f"{source}: mostly control characters, not readable text; check the file")
    text = normalize_newlines(text)
    if not text.strip().strip(_INVISIBLE + " \t\n\u00a0\u2007\u202f").strip():
        raise InputError(f"{source}: the input is empty; paste the rep's notes or a call transcript")
    return text


def _read_limited(stream: BinaryIO, source: str) -> bytes:
    """Read at most the limit; past it, count the rest without keeping it (exact size in the error)."""
    data = stream.read(MAX_INPUT_BYTES + 1)
    data = data if isinstance(data, bytes) else bytes(data)
    if len(data) > MAX_INPUT_BYTES:
        size = len(data)
        while chunk := stream.read(1 << 20):
            size += len(chunk)
        raise _too_large(source, size)
    return data


def read_source(path: str | Path, *, stdin: BinaryIO | None = None) -> SourceText:
    """Read ``path`` (or stdin for ``-``) and return decoded, normalised text."""
    name = str(path)
    if name == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return SourceText("stdin", decode_text(_read_limited(stream, "stdin"), "stdin"))
    file = Path(path)
    if not file.exists():
        raise InputError(f"{name}: no such file; check the path")
    if file.is_dir():
        raise InputError(f"{name}: is a directory; pass a text file")
    try:
        with file.open("rb") as handle:
            data = _read_limited(handle, name)
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror}); check its permissions") from None
    return SourceText(name, decode_text(data, name))
