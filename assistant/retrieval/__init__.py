"""Playbook retrieval: "who owns this?" answered from Omni's own playbooks, with citations.

* :func:`build_index` - heading-aware chunks of ``knowledge/*.md`` in a Chroma collection
  (numpy MiniLM embeddings by default) plus BM25, rebuilt only when the content changes.
* :func:`warm_up` - build or load all of it at app start, so the first answer is quick.
* :func:`ask` - owners (role ids, most responsible first), who must not own it, an answer,
  and verbatim quotes from the cited playbook files; ``[]`` owners when the playbooks
  do not say.

Chroma, langchain and the model load lazily, on first use.
"""

from __future__ import annotations

from typing import Any

from ..config import Settings
from .answer import AskAnswer, Source, answer_question, resolve_settings
from .detect import parse_percent
from .index import IndexStats, build_index, get_retriever

__all__ = ["AskAnswer", "IndexStats", "Source", "ask", "build_index", "parse_percent", "warm_up"]


def warm_up(settings: Settings | None = None, *, progress: bool = True) -> IndexStats:
    """Build or load the playbook index and the model, and answer one question, so that the
    first real answer is quick.  The app calls it at start, in a background thread; with
    ``progress`` a (re)build shows a progress bar on stderr."""
    settings = resolve_settings(settings)
    stats = build_index(settings, progress=progress)
    answer_question("Who approves a 20% discount?", get_retriever(settings))
    return stats


def ask(
    question: str, settings: Settings | None = None, backend: str = "rules", *, chat: Any = None
) -> AskAnswer:
    """Answer an ownership question.

    ``backend`` is "rules" (offline, deterministic) or "llm"/"llm:<model>" (the configured
    chat model phrases the answer; owners and quotes are still checked against the
    sources).  ``chat`` injects a chat model (tests).
    """
    from ..errors import InputError

    if not question or not question.strip():
        raise InputError('empty question; ask something like: assistant ask "who approves a 20% discount?"')
    from ..text import mask_sensitive

    question = mask_sensitive(question)  # the answer echoes it, the LLM phrasing sends it out
    settings = resolve_settings(settings)
    retriever = get_retriever(settings)
    result = answer_question(question, retriever)
    if backend == "rules":
        return result
    if backend == "llm" or backend.startswith("llm:"):
        from .phrasing import phrase_with_llm

        return phrase_with_llm(result, retriever, settings, backend=backend, chat=chat)
    from ..errors import ConfigError

    raise ConfigError(f"unknown ask backend {backend!r}; use 'rules' or 'llm'")
