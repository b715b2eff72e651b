"""Heading-aware chunking of the playbooks and the text helpers retrieval relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieval.chunking import (
    SourceDoc,
    chunk_documents,
    content_hash,
    load_documents,
    sentences,
    split_markdown,
    stem,
    words,
)

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

PLAYBOOK = """# Field guide

Intro paragraph that sits under the title.

## Follow-ups

The internal SDR owns every follow-up. SMEs advise; they do not chase customers.

### Edge cases

- Leadership does not run day-to-day follow-ups.
- A rep may forward a customer email to the SDR.

## Pricing

Discounts up to 15%: the sales manager approves.
"""


def _doc(text: str = PLAYBOOK) -> SourceDoc:
    return SourceDoc(doc="knowledge/guide.md", path=Path("guide.md"), text=text)


def test_chunks_keep_their_heading_path() -> None:
    chunks = split_markdown(_doc())
    by_section = {chunk.section: chunk for chunk in chunks}
    assert set(by_section) == {"Field guide", "Follow-ups", "Edge cases", "Pricing"}
    assert by_section["Edge cases"].headings == ("Field guide", "Follow-ups", "Edge cases")
    assert by_section["Pricing"].headings == ("Field guide", "Pricing")
    # heading lines are not body text, but the heading path leads what is embedded and searched
    assert "##" not in by_section["Pricing"].text
    assert by_section["Edge cases"].search_text.startswith("Field guide > Follow-ups > Edge cases\n")


def test_no_chunk_straddles_two_sections() -> None:
    for chunk in split_markdown(_doc()):
        if chunk.section == "Follow-ups":
            assert "Discounts" not in chunk.text and "Leadership does not" not in chunk.text


def test_long_sections_are_split_but_every_chunk_is_verbatim() -> None:
    body = "\n".join(
        f"- Rule {i}: the program manager records decision {i} in the project log." for i in range(60)
    )
    text = f"# Long\n\n## Rules\n\n{body}\n"
    chunks = split_markdown(_doc(text))
    assert len(chunks) > 3
    assert all(chunk.section == "Rules" for chunk in chunks)
    for chunk in chunks:
        for line in chunk.text.split("\n"):
            assert line in text


def test_sentences_are_exact_substrings_of_the_shipped_playbooks() -> None:
    docs = load_documents(KNOWLEDGE)
    assert {doc.doc for doc in docs} >= {"knowledge/operating-model.md", "knowledge/deal-ownership.md"}
    texts = {doc.doc: doc.text for doc in docs}
    count = 0
    for chunk in chunk_documents(docs):
        for sentence in sentences(chunk.text):
            assert sentence in texts[chunk.doc]
            assert not sentence.startswith(("- ", "* ", "#"))
            count += 1
    assert count > 100


def test_sentences_split_a_line_and_drop_list_markers() -> None:
    assert sentences("- The SDR owns it. SMEs advise.\n1. Leadership approves.") == [
        "The SDR owns it.",
        "SMEs advise.",
        "Leadership approves.",
    ]


@pytest.mark.parametrize(
    ("variants", "same"),
    [
        (["chase", "chases", "chasing", "chased"], True),
        (["approve", "approves", "approving", "approved", "approvals"], True),
        (["negotiate", "negotiating", "negotiation"], True),
        (["run", "running", "runs"], True),
        (["price", "follow"], False),
    ],
)
def test_stemmer_conflates_inflections(variants: list[str], same: bool) -> None:
    assert (len({stem(word) for word in variants}) == 1) is same


def test_words_keep_numbers_and_percent_signs() -> None:
    assert words("Who signs off a 22% discount?")[-3:] == ["22", "%", "discount"]


def test_content_hash_changes_with_content_and_embedder(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    first = content_hash(tmp_path, "embedder-1")
    assert content_hash(tmp_path, "embedder-1") == first
    assert content_hash(tmp_path, "embedder-2") != first
    (tmp_path / "a.md").write_text("# A\n\nOther text.\n", encoding="utf-8")
    assert content_hash(tmp_path, "embedder-1") != first
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")  # only .md and .yaml count
    second = content_hash(tmp_path, "embedder-1")
    (tmp_path / "notes.txt").write_text("still ignored", encoding="utf-8")
    assert content_hash(tmp_path, "embedder-1") == second
