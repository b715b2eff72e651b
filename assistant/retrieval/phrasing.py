"""Optional LLM phrasing of an ownership answer (``assistant ask --backend llm``).

The model only rewrites the answer in plain words (prompts: ``prompts/ask/system.j2``,
``prompts/ask/user.j2``).  What it claims is checked against the sources before it is
shown: owners must be contract role ids, never a must-not role, and
either the structured playbook's owners or roles named in a quote the model copied; every
quote must be an exact substring of the cited playbook.  Anything that fails is dropped,
and an unusable reply falls back to the deterministic answer.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..errors import BackendError
from ..schema import ROLE_IDS
from .answer import AskAnswer, Source, role_polarity

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Settings
    from .index import Retriever

__all__ = ["phrase_with_llm"]

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


def _chat_model(settings: Settings) -> Any:
    from ..providers import build_chat_model, require_endpoint

    require_endpoint(settings.llm, "--backend llm")
    return build_chat_model(settings.llm)


def _passages(draft: AskAnswer, retriever: Retriever, limit: int = 6) -> list[tuple[str, str, str]]:
    """(doc, section, text) of the chunks behind the draft's quotes, then the best other hits."""
    vector = retriever.embed([draft.question])[0]
    chunks = [hit.chunk for hit in retriever.search(vector, draft.question, k=limit)]
    quoted = [chunk for chunk in retriever.chunks if any(s.quote in chunk.text for s in draft.sources)]
    ordered = list(dict.fromkeys([*quoted, *chunks]))[:limit]
    return [(chunk.doc, chunk.section, chunk.text) for chunk in ordered]


def _parse(content: Any) -> dict[str, Any]:
    text = content if isinstance(content, str) else json.dumps(content)
    text = _FENCE.sub("", text.strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    data = json.loads(text[start : end + 1])
    if not isinstance(data, dict):
        raise ValueError("the reply is not a JSON object")
    return data


def phrase_with_llm(
    draft: AskAnswer, retriever: Retriever, settings: Settings, *, backend: str = "llm", chat: Any = None
) -> AskAnswer:
    """Let the chat model phrase ``draft``; keep only what the sources back up."""
    model_name = backend.split(":", 1)[1] if backend.startswith("llm:") else settings.llm.model
    chat = chat if chat is not None else _chat_model(settings)
    playbook = retriever.playbook
    passages = _passages(draft, retriever)
    from langchain_core.messages import HumanMessage, SystemMessage

    from ..prompts import render_prompt

    system = render_prompt("ask/system", settings=settings, role_ids=list(ROLE_IDS))
    user = render_prompt(
        "ask/user",
        settings=settings,
        question=draft.question,
        owners=list(draft.owners),
        must_not=list(draft.must_not),
        draft=draft.answer,
        passages=[{"doc": doc, "section": section, "text": text} for doc, section, text in passages],
    )
    messages = [SystemMessage(content=system), HumanMessage(content=user)]
    from ..providers import call_with_policy

    try:
        reply = call_with_policy(lambda: chat.invoke(messages), settings.llm).value
    except BackendError as exc:
        raise BackendError(f"the chat model did not answer: {exc.message}", model=model_name) from exc
    try:
        data = _parse(getattr(reply, "content", reply))
    except (ValueError, TypeError) as exc:
        return draft.model_copy(
            update={"warnings": [*draft.warnings, f"LLM reply unusable ({exc}); rules answer kept"]}
        )

    allowed_docs = {doc for doc, _, _ in passages} | {source.doc for source in draft.sources}
    quotes: list[Source] = []
    for item in data.get("quotes") or []:
        if not isinstance(item, dict):
            continue
        doc, quote = str(item.get("doc", "")), str(item.get("quote", "")).strip()
        text = retriever.doc_text.get(doc, "")
        if doc in allowed_docs and len(quote) > 10 and quote in text:
            section = next((c.section for c in retriever.chunks if c.doc == doc and quote in c.text), "")
            quotes.append(Source(doc=doc, section=section, quote=quote))
    quoted_roles = {role for source in quotes for role in role_polarity(source.quote, playbook)[0]}
    owners: list[str] = []
    rejected: list[str] = []
    for role in map(str, data.get("owners") or []):
        supported = role in draft.owners or role in quoted_roles
        if role in ROLE_IDS and role not in draft.must_not and supported:
            owners.extend([role] if role not in owners else [])
        else:
            rejected.append(role)
    if draft.owners and not owners:
        owners = list(draft.owners)
    answer = str(data.get("answer") or "").strip()
    warnings = list(draft.warnings)
    if rejected:  # the model named an owner the sources do not back: its wording cannot be trusted either
        warnings.append(f"LLM named unsupported owners {rejected}; the rules answer text is kept")
        answer = draft.answer
    return draft.model_copy(
        update={
            "owners": owners,
            "answer": answer or draft.answer,
            "sources": quotes or draft.sources,
            "backend": f"llm:{model_name}",
            "warnings": warnings,
        }
    )
