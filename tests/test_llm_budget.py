"""Token budget: tiktoken seeded offline from bpe-openai, transcripts split on line boundaries."""

from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.extract.llm.budget import (
    ENCODINGS,
    encoding_for_model,
    seed_tiktoken_cache,
    split_text,
)


def _blob_key(name: str) -> str:
    url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    return hashlib.sha1(url.encode()).hexdigest()


def test_cache_is_seeded_under_the_names_and_hashes_tiktoken_expects(tmp_path: Path) -> None:
    cache = seed_tiktoken_cache(tmp_path / "tiktoken")
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(cache)
    for name, sha256 in ENCODINGS.items():
        blob = (cache / _blob_key(name)).read_bytes()
        assert hashlib.sha256(blob).hexdigest() == sha256


def test_corrupt_cache_file_is_replaced_not_downloaded(tmp_path: Path) -> None:
    cache = tmp_path / "tiktoken"
    cache.mkdir()
    (cache / _blob_key("cl100k_base")).write_bytes(b"garbage")
    seed_tiktoken_cache(cache)
    blob = (cache / _blob_key("cl100k_base")).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == ENCODINGS["cl100k_base"]


def test_counting_works_with_the_network_blocked(tmp_path: Path) -> None:
    # a fresh process (tiktoken caches encodings in memory) with every socket connect failing
    code = (
        "import socket, sys\n"
        "def no_network(*a, **k): raise AssertionError('tiktoken tried to reach the network')\n"
        "socket.socket.connect = no_network\n"
        "socket.create_connection = no_network\n"
        "from pathlib import Path\n"
        "from assistant.extract.llm.budget import get_counter\n"
        "for model in ('gpt-4o-mini', 'gpt-3.5-turbo'):\n"
        "    counter = get_counter(model, Path(sys.argv[1]))\n"
        "    print(counter.encoding_name, counter('Visa, Mastercard and Amex in the US and Canada.'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TIKTOKEN_CACHE_DIR"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "home")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0].startswith("o200k_base ") and lines[1].startswith("cl100k_base ")
    assert int(lines[0].split()[1]) > 5


def test_encoding_follows_the_model_family() -> None:
    assert encoding_for_model("gpt-4.1-mini") == "o200k_base"
    assert encoding_for_model("azure/gpt-4o") == "o200k_base"
    assert encoding_for_model("gpt-3.5-turbo") == "cl100k_base"
    assert encoding_for_model("qwen2.5-coder-1.5b-instruct") == "cl100k_base"


def _words(text: str) -> int:
    return len(text.split())


LINES = [
    f"Speaker {i % 3}: utterance number {i} says something about terminals and lanes." for i in range(40)
]
TRANSCRIPT = "\n".join(LINES) + "\n"


def test_text_that_fits_is_one_chunk() -> None:
    [chunk] = split_text(TRANSCRIPT, 10_000, _words)
    assert (chunk.start, chunk.end) == (0, len(TRANSCRIPT))


def test_long_text_is_split_on_line_boundaries_with_overlap() -> None:
    chunks = split_text(TRANSCRIPT, 120, _words, overlap_ratio=0.2)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.tokens <= 120
        assert chunk.text == TRANSCRIPT[chunk.start : chunk.end]
        assert chunk.start == 0 or TRANSCRIPT[chunk.start - 1] == "\n"  # starts at a line
        assert chunk.text.endswith("\n")  # ends at a line
    for before, after in itertools.pairwise(chunks):
        assert after.start < before.end  # overlap: the next chunk repeats the last lines
        assert after.start > before.start  # and still moves forward
    assert chunks[0].start == 0 and chunks[-1].end == len(TRANSCRIPT)
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert covered == set(range(len(TRANSCRIPT)))


def test_a_single_line_over_budget_is_cut_at_sentences() -> None:
    line = " ".join(f"Sentence {i} is about a kiosk." for i in range(60))
    chunks = split_text(line, 50, _words, overlap_ratio=0.0)
    assert len(chunks) > 1
    assert "".join(chunk.text for chunk in chunks) == line
    assert all(chunk.tokens <= 50 for chunk in chunks)


def test_budget_too_small_for_the_prompt_is_a_config_error() -> None:
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="MAX_INPUT_TOKENS"):
        split_text(TRANSCRIPT, 10, _words)
