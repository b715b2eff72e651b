"""The Chroma + BM25 index: built from the playbooks, rebuilt only when their content changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import Settings, get_settings
from assistant.retrieval import ask, build_index
from assistant.retrieval.index import COLLECTION, _client, get_retriever, index_dir

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

SMALL_PLAYBOOK = """# Booth duty

## Trade shows

The program manager books booth space for trade shows and ships the demo terminals.

## Other

Nothing else to see here.
"""


@pytest.fixture(scope="module")
def shipped() -> Settings:
    settings = get_settings()  # the session's temp ASSISTANT_HOME, the repository's knowledge/
    build_index(settings, progress=False)
    return settings


@pytest.fixture
def small(tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for name in ("roles.yaml", "duties.yaml"):
        shutil.copy(KNOWLEDGE / name, knowledge / name)
    (knowledge / "booth.md").write_text(SMALL_PLAYBOOK, encoding="utf-8")
    return get_settings(home=tmp_path / "home", knowledge_dir=knowledge)


def test_shipped_index_lives_under_the_state_directory(shipped: Settings) -> None:
    stats = build_index(shipped, progress=False)
    assert stats.rebuilt is False  # the fixture built it already
    assert stats.files >= 8 and stats.chunks >= 40
    folder = index_dir(shipped)
    assert folder == shipped.home / "index"
    assert (folder / "manifest.json").is_file() and (folder / "chroma").is_dir()
    client = _client(folder / "chroma")
    assert client.get_settings().anonymized_telemetry is False
    assert client.get_collection(COLLECTION).count() == stats.chunks


def test_second_build_is_a_no_op_and_a_change_rebuilds(small: Settings) -> None:
    first = build_index(small, progress=False)
    assert first.rebuilt and first.files == 3 and first.chunks == 2
    again = build_index(small, progress=False)
    assert not again.rebuilt and again.content_hash == first.content_hash
    playbook = small.knowledge_dir / "booth.md"
    playbook.write_text(
        SMALL_PLAYBOOK.replace("ships the demo terminals", "ships two demo terminals"), "utf-8"
    )
    changed = build_index(small, progress=False)
    assert changed.rebuilt and changed.content_hash != first.content_hash
    assert not build_index(small, progress=False).rebuilt
    assert build_index(small, force=True, progress=False).rebuilt


def test_a_dropped_in_playbook_is_indexed_and_answers(small: Settings) -> None:
    build_index(small, progress=False)
    extra = """# Partner events

## Webinars

The deal desk schedules partner webinars with external sales reps every quarter.
"""
    (small.knowledge_dir / "events.md").write_text(extra, encoding="utf-8")
    assert build_index(small, progress=False).rebuilt
    answer = ask("Who schedules partner webinars?", settings=small)
    assert answer.owners == ["deal_desk"]  # the subject of the sentence, not the reps it mentions
    assert answer.sources[0].doc == "knowledge/events.md"
    assert answer.sources[0].quote in extra
    booth = ask("Who books booth space for trade shows?", settings=small)
    assert booth.owners == ["program_manager"]


def test_ask_builds_a_missing_index_itself(small: Settings) -> None:
    assert not (index_dir(small) / "manifest.json").exists()
    answer = ask("Who books booth space for trade shows?", settings=small)
    assert answer.owners == ["program_manager"]
    assert (index_dir(small) / "manifest.json").exists()


def test_search_fuses_dense_and_bm25_results(shipped: Settings) -> None:
    retriever = get_retriever(shipped)
    question = "Who reviews the liability clause in the MSA redlines?"
    hits = retriever.search(retriever.embed([question])[0], question, k=5)
    assert len(hits) == 5
    assert [hit.rank for hit in hits] == list(range(5))
    assert hits == sorted(hits, key=lambda hit: -hit.fused)
    assert any(hit.bm25 > 0 for hit in hits) and any(hit.dense > 0 for hit in hits)
    # a term only BM25 can match well still surfaces the chunk that contains it
    rare = "MEDDPICC"
    top = retriever.search(retriever.embed([rare])[0], rare, k=3)
    assert any("MEDDPICC" in hit.chunk.text for hit in top)


def test_duty_examples_are_embedded_at_build(shipped: Settings) -> None:
    retriever = get_retriever(shipped)
    vector = retriever.embed(["Who chases the customer after the SME call?"])[0]
    similarity = retriever.duty_similarity(vector)
    assert max(similarity, key=similarity.__getitem__) == "customer_follow_up"


class _HashingEmbeddings:
    """A deterministic stand-in for OpenAIEmbeddings (no network): bag of hashed words."""

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * 64
        for word in text.lower().split():
            vector[sum(map(ord, word)) % 64] += 1.0
        return vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def test_switching_embedders_rebuilds_with_the_openai_embedder(
    small: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.retrieval import index as index_module
    from assistant.retrieval.embeddings import OpenAIEmbedder

    assert build_index(small, progress=False).embedder.startswith("minilm:")
    openai_settings = small.model_copy(update={"embeddings": "openai"})
    monkeypatch.setattr(
        index_module, "get_embedder", lambda s: OpenAIEmbedder(s, client=_HashingEmbeddings())
    )
    stats = build_index(openai_settings, progress=False)
    assert stats.rebuilt and stats.embedder == "openai:text-embedding-3-small"
    assert not build_index(openai_settings, progress=False).rebuilt
    answer = ask("Who books booth space for trade shows?", settings=openai_settings)
    assert answer.sources and answer.sources[0].doc == "knowledge/booth.md"
