"""The numpy MiniLM forward pass matches sentence-transformers (fixture made by
scripts/make_minilm_reference.py in a throwaway torch venv), and the embedders are swappable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.config import get_settings
from assistant.errors import ConfigError
from assistant.retrieval.embeddings import MiniLMEmbedder, OpenAIEmbedder, get_embedder

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minilm_reference.json"


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    embedder = get_embedder(get_settings(embeddings="minilm"))
    assert isinstance(embedder, MiniLMEmbedder)
    return embedder


def test_matches_sentence_transformers_reference(minilm: MiniLMEmbedder) -> None:
    reference = json.loads(FIXTURE.read_text(encoding="utf-8"))
    items = reference["items"]
    assert len(items) >= 8
    expected = np.asarray([item["vector"] for item in items], dtype=np.float64)
    got = minilm.encode([item["text"] for item in items]).astype(np.float64)
    assert got.shape == expected.shape == (len(items), 384)
    cosines = (got * expected).sum(axis=1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(expected, axis=1))
    for item, cosine in zip(items, cosines, strict=True):
        assert cosine >= 0.9999, f"{item['text'][:40]!r}: cosine {cosine:.6f}"


def test_vectors_are_unit_length_and_batch_independent(minilm: MiniLMEmbedder) -> None:
    texts = ["Who approves a 30% discount?", "ok", "The SDR owns follow-ups after every technical call."]
    together = minilm.encode(texts)
    alone = np.stack([minilm.encode([text])[0] for text in texts])
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)  # padding in a batch changes nothing
    assert minilm.encode([]).shape == (0, 384)


def test_similar_questions_are_closer_than_unrelated_ones(minilm: MiniLMEmbedder) -> None:
    a, b, c = minilm.encode(
        [
            "Who approves a large discount?",
            "Who signs off on a big price reduction?",
            "Who orders office coffee?",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.1


def test_follows_the_chroma_embedding_function_protocol(minilm: MiniLMEmbedder) -> None:
    vectors = minilm(["one", "two"])
    assert len(vectors) == 2 and vectors[0].shape == (384,)
    assert len(minilm.embed_query(["one"])) == 1
    assert minilm.name() == "assistant-minilm-numpy"
    assert minilm.get_config() == {"max_length": 256}
    assert minilm.id.startswith("minilm:")


class _FakeOpenAI:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(texts)
        return [[float(len(text)), 1.0, 0.0] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        self.calls.append(text)
        return [0.0, 3.0, 4.0]


def test_openai_embedder_normalises_and_uses_the_client() -> None:
    fake = _FakeOpenAI()
    embedder = OpenAIEmbedder(get_settings(), client=fake)
    docs = embedder(["abc", "abcdef"])
    assert np.allclose([np.linalg.norm(v) for v in docs], 1.0)
    (query,) = embedder.embed_query(["q"])
    assert np.allclose(query, [0.0, 0.6, 0.8])
    assert embedder.id == "openai:text-embedding-3-small"
    assert fake.calls == [["abc", "abcdef"], "q"]


def test_openai_embeddings_need_an_endpoint() -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_API_KEY"):
        get_embedder(get_settings(embeddings="openai"))


def test_unknown_embeddings_setting_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="minilm"):
        get_embedder(get_settings(embeddings="word2vec"))
