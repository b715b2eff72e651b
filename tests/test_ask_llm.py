"""``ask(..., backend="llm")``: the model phrases, the sources decide (fake chat models, no network)."""

from __future__ import annotations

import pytest

from assistant.config import Settings, get_settings
from assistant.errors import BackendError
from assistant.retrieval import ask, build_index
from assistant.retrieval.phrasing import _chat_model
from assistant.testing import ScriptedChatModel


@pytest.fixture(scope="module")
def settings() -> Settings:
    settings = get_settings(llm={"api_key": "test-key", "model": "fake-model"})
    build_index(settings, progress=False)
    return settings


QUESTION = "Who chases the customer after the SME call?"
SDR_QUOTE = "SMEs advise and validate; they do not own customer follow-ups."


def test_the_model_phrases_and_checked_claims_survive(settings: Settings) -> None:
    chat = ScriptedChatModel(
        {
            "answer": "The internal SDR does the chasing; the SME only advises.",
            "owners": ["internal_sdr"],
            "quotes": [{"doc": "knowledge/deal-ownership.md", "quote": SDR_QUOTE}],
        }
    )
    answer = ask(QUESTION, settings, backend="llm", chat=chat)
    assert answer.backend == "llm:fake-model"
    assert answer.answer == "The internal SDR does the chasing; the SME only advises."
    assert answer.owners == ["internal_sdr"]
    assert [(s.doc, s.section, s.quote) for s in answer.sources] == [
        ("knowledge/deal-ownership.md", "Customer follow-ups", SDR_QUOTE)
    ]
    prompt = "\n".join(str(message.content) for message in chat.calls[-1])
    assert QUESTION in prompt and "internal_sdr" in prompt and "Customer follow-ups" in prompt


def test_must_not_owners_and_invented_quotes_are_dropped(settings: Settings) -> None:
    chat = ScriptedChatModel(
        {
            "answer": "The SME should chase them.",
            "owners": ["certification_sme", "office_manager", "internal_sdr"],
            "quotes": [
                {"doc": "knowledge/deal-ownership.md", "quote": "The SME chases every customer personally."},
                {"doc": "knowledge/not-a-file.md", "quote": SDR_QUOTE},
            ],
        }
    )
    answer = ask(QUESTION, settings, backend="llm:other-model", chat=chat)
    assert answer.owners == ["internal_sdr"]
    assert answer.backend == "llm:other-model"
    rules = ask(QUESTION, settings)
    assert answer.sources == rules.sources  # no valid quote came back: the rules citations stay
    assert answer.answer == rules.answer  # text that names a must-not owner is not shown
    assert any("certification_sme" in warning for warning in answer.warnings)


def test_an_owner_the_sources_do_not_support_is_not_invented(settings: Settings) -> None:
    chat = ScriptedChatModel(
        {"answer": "The program manager orders it.", "owners": ["program_manager"], "quotes": []}
    )
    answer = ask("Who orders the office coffee?", settings, backend="llm", chat=chat)
    assert answer.owners == []
    assert "do not say" in answer.answer


def test_no_owners_from_the_model_falls_back_to_the_playbook_owners(settings: Settings) -> None:
    chat = ScriptedChatModel({"answer": "Someone on the sales side.", "owners": [], "quotes": []})
    answer = ask("Who signs off a 22% discount?", settings, backend="llm", chat=chat)
    assert answer.owners == ["leadership", "deal_desk"]


def test_an_unusable_reply_keeps_the_rules_answer(settings: Settings) -> None:
    answer = ask(QUESTION, settings, backend="llm", chat=ScriptedChatModel("I think the SDR, probably."))
    rules = ask(QUESTION, settings)
    assert answer.owners == rules.owners and answer.answer == rules.answer
    assert answer.backend == "rules" and answer.warnings


def test_a_fenced_json_reply_is_accepted(settings: Settings) -> None:
    reply = '```json\n{"answer": "Omni Leadership approves it.", "owners": ["leadership"], "quotes": []}\n```'
    answer = ask("Who has to approve a 30% discount?", settings, backend="llm", chat=ScriptedChatModel(reply))
    assert answer.answer == "Omni Leadership approves it." and answer.owners == ["leadership"]


def test_a_failing_model_is_a_backend_error(settings: Settings) -> None:
    with pytest.raises(BackendError, match="did not answer"):
        ask(QUESTION, settings, backend="llm", chat=ScriptedChatModel(TimeoutError("read timed out")))


def test_the_real_chat_model_is_built_from_settings_without_calling_it(settings: Settings) -> None:
    chat = _chat_model(get_settings(llm={"api_key": "k", "base_url": "http://127.0.0.1:9/v1", "model": "m"}))
    assert chat.model_name == "m"
    assert str(chat.openai_api_base) == "http://127.0.0.1:9/v1"
