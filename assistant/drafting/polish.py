"""Optional tone polish of a template draft by a chat model.

The model only rewords; it never decides content.  Its output goes back through
the commitment guard (see :func:`assistant.drafting.draft_email`), and a draft
that lost a question or broke a rule is dropped for the template.  langchain is
imported inside the functions so importing the drafter stays cheap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import BackendError
from ..prompts import render_prompt

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["POLISH_SYSTEM_PROMPT", "POLISH_USER_PROMPT", "clean_model_text", "make_chat_model", "polish_body"]

POLISH_SYSTEM_PROMPT = "email/polish_system"
POLISH_USER_PROMPT = "email/polish_user"
_FENCE = re.compile(r"^```[a-zA-Z]*\n(?P<body>.*?)\n```$", re.DOTALL)


def make_chat_model(settings: Settings) -> Any:
    """The provider layer's chat model for ``settings.llm`` (OpenAI, Azure or any compatible URL)."""
    from ..providers import build_chat_model

    return build_chat_model(settings.llm)


def clean_model_text(text: str) -> str:
    """Strip code fences, the ``<<< >>>`` delimiters and a stray ``Subject:`` line from a reply."""
    text = text.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group("body").strip()
    text = text.removeprefix("<<<").removesuffix(">>>").strip()
    lines = text.splitlines()
    if lines and lines[0].lower().startswith("subject:"):
        lines = lines[1:]
    return "\n".join(lines).strip("\n") + "\n"


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return "".join(parts)
    return str(content)


def polish_body(*, subject: str, body: str, settings: Settings, chat_model: Any | None = None) -> str:
    """Ask the model to polish ``body``; raises :class:`BackendError` when the call fails or returns nothing."""
    from langchain_core.messages import HumanMessage, SystemMessage

    model = chat_model if chat_model is not None else make_chat_model(settings)
    messages = [
        SystemMessage(content=render_prompt(POLISH_SYSTEM_PROMPT, settings=settings)),
        HumanMessage(
            content=render_prompt(POLISH_USER_PROMPT, settings=settings, subject=subject, body=body)
        ),
    ]
    from ..providers import call_with_policy

    try:  # one retry and deadline policy for every model call (assistant.providers)
        reply = call_with_policy(lambda: model.invoke(messages), settings.llm).value
    except BackendError as exc:  # network, auth, rate limit, deadline: all end the polish attempt
        raise BackendError(f"email polish failed: {exc.message}", model=settings.llm.model) from exc
    text = clean_model_text(_content_text(getattr(reply, "content", reply)))
    if not text.strip():
        raise BackendError("email polish returned an empty reply", model=settings.llm.model)
    return text
