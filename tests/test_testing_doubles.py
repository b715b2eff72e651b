"""The test doubles shipped in ``assistant.testing`` behave as documented."""

from __future__ import annotations

import pytest

import assistant
from assistant.config import get_settings
from assistant.extract.base import BACKENDS
from assistant.schema import DiscoveryFields
from assistant.testing import (
    FunctionBackend,
    ScriptedBackend,
    ScriptedChatModel,
    confirmed,
    uncertain,
    use_backend,
)

TEXT = "Dana (Acme): we're on Elavon I think. Jordan (partner rep): I told them 25% off.\n"


def test_scripted_backend_returns_its_fields_and_checks_still_run() -> None:
    backend = ScriptedBackend({"processor": uncertain(["Elavon"], "we're on Elavon I think")})
    report = assistant.triage_text(TEXT, backend=backend)
    assert report.backend == "scripted"
    assert report.fields.processor.value == ["Elavon"] and report.fields.processor.status.value == "uncertain"
    assert "discount_outside_guardrails" in report.trigger_ids()  # the checks read the text themselves
    assert [doc.text for doc in backend.documents] == [TEXT]


def test_scripted_backend_can_fail() -> None:
    with pytest.raises(RuntimeError, match="went away"):
        assistant.triage_text(TEXT, backend=ScriptedBackend(error=RuntimeError("went away")))


def test_function_backend_sees_the_masked_document() -> None:
    def extract(doc: object) -> DiscoveryFields:
        fields = DiscoveryFields()
        if "Elavon" in doc.text:  # type: ignore[attr-defined]
            fields.set("processor", confirmed(["Elavon"], "Elavon"))
        return fields

    backend = FunctionBackend(extract)
    report = assistant.triage_text(TEXT + "Card 4111 1111 1111 1111.\n", backend=backend)
    assert report.fields.processor.status.value == "confirmed"
    assert "4111 1111 1111 1111" not in backend.documents[0].text


def test_use_backend_registers_by_name_and_restores() -> None:
    with use_backend("double", ScriptedBackend(name="double")) as backend:
        assert assistant.get_backend("double", get_settings()) is backend
        assert assistant.triage_text(TEXT, backend="double").backend == "double"
    assert "double" not in BACKENDS


def test_scripted_chat_model_replies_in_order_and_records() -> None:
    chat = ScriptedChatModel("first", {"answer": "x"}, TimeoutError("late"))
    assert chat.invoke(["hi"]).content == "first"
    assert chat.invoke(["again"]).content == '{"answer": "x"}'
    with pytest.raises(TimeoutError):
        chat.invoke(["third"])
    assert chat.calls == [["hi"], ["again"], ["third"]]
