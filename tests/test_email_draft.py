"""Follow-up drafts from constructed triage reports: recap, questions, notes, polish, .eml."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assistant.config import get_settings
from assistant.drafting import EmailDraft, draft_email, to_eml
from assistant.drafting import templates as drafting_templates
from assistant.errors import ConfigError, InputError
from assistant.schema import (
    FIELD_NAMES,
    ROLE_IDS,
    TRIGGER_IDS,
    DiscoveryFields,
    Field,
    Gate,
    TriageReport,
    Trigger,
)
from assistant.testing import ScriptedChatModel

COMMERCIALS = "We'll come back to you on commercials once the scope is confirmed."
TIMING = "We'll confirm realistic timing once our team has reviewed the scope."


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    for name in ("ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY", "ASSISTANT_LLM_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in (
        "ASSISTANT_SENDER_NAME",
        "ASSISTANT_SENDER_EMAIL",
        "ASSISTANT_SIGNATURE",
        "ASSISTANT_PROMPTS_DIR",
    ):
        monkeypatch.delenv(name, raising=False)


def _field(value: Any, status: str = "confirmed") -> Field:
    return Field(value=value, status=status, evidence=["(test)"])


def _trigger(trigger_id: str) -> Trigger:
    routes = {
        "discount_outside_guardrails": ["leadership"],
        "unapproved_commitment": ["leadership"],
        "responsibility_transfer": ["leadership", "certification_sme"],
    }
    return Trigger(
        id=trigger_id,
        route_to=routes.get(trigger_id, ["certification_sme", "technical_pm"]),
        reason="test reason",
    )


def make_report(
    values: dict[str, Field] | None = None,
    *,
    triggers: list[str] = (),  # type: ignore[assignment]
    missing: list[str] = (),  # type: ignore[assignment]
    gate: Gate | None = None,
) -> TriageReport:
    fields = DiscoveryFields()
    for name, field in (values or {}).items():
        fields.set(name, field)
    return TriageReport(
        source="test.txt",
        backend="rules",
        fields=fields,
        triggers=[_trigger(t) for t in triggers],
        gate=gate or Gate(ready=not missing, missing=list(missing)),
    )


def kiosk_report() -> TriageReport:
    return make_report(
        {
            "company": _field("Acme Fuels"),
            "contact": _field("Dana Whitfield"),
            "processor": _field(["TSYS"], "uncertain"),
            "terminal_vendor": _field(["PAX"]),
            "terminal_models": _field(["A920", "IM30"]),
            "use_cases": _field(["kiosk", "attended"]),
            "card_brands": _field(["Visa", "Mastercard", "Amex"]),
            "regions": _field(["United States", "Canada"]),
            "device_count": _field(1200),
            "timeline": _field("go-live by March 3"),
            "budget": _field("$250K approved"),
            "discount_requested_pct": _field(30),
            "requested_responsibilities": _field(["key injection"]),
        },
        triggers=[
            "processor_unknown",
            "high_risk_use_case",
            "discount_outside_guardrails",
            "responsibility_transfer",
        ],
        missing=["processor", "kif", "tooling", "economic_buyer"],
    )


def assert_no_commitment_or_jargon(text: str) -> None:
    assert not re.search(r"\d\s*%|\bpercent\b", text, re.IGNORECASE), text
    assert not re.search(r"[$€£]\s*\d", text), text
    assert not re.search(
        r"\b(?:by|on|in)\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b",
        text,
    )
    assert "guarantee" not in text.lower()
    for word in ("escalat", "guardrail", "trigger", "leadership", "sme"):
        assert not re.search(rf"\b{word}", text.lower()), word
    for name in (*TRIGGER_IDS, *(r for r in ROLE_IDS if "_" in r), *(n for n in FIELD_NAMES if "_" in n)):
        assert name not in text, name


# --------------------------------------------------------------------------- template draft


def test_recap_uses_buyer_language_for_confirmed_fields_only() -> None:
    draft = draft_email(kiosk_report())
    body = draft.body
    assert "Could you confirm it's accurate, or correct anything we got wrong?" in body
    assert "- You're deploying PAX devices (A920 and IM30)." in body
    assert "- The rollout covers self-service kiosks and staffed checkout lanes." in body
    assert "- You need to accept Visa, Mastercard and Amex." in body
    assert "- You're rolling out in the United States and Canada." in body
    assert "- You expect around 1,200 devices in total." in body
    # uncertain processor is asked about, not recapped as fact
    assert "You process card payments through" not in body
    # timeline and budget are acknowledged without echoing the date or the amount
    assert "target go-live window" in body and "March" not in body
    assert "budget stands" in body and "250" not in body
    assert_no_commitment_or_jargon(body)
    assert_no_commitment_or_jargon(draft.subject)


def test_one_question_per_gap_in_field_order_with_hints() -> None:
    draft = draft_email(kiosk_report())
    assert [q.field for q in draft.questions] == ["processor", "kif", "tooling", "economic_buyer"]
    processor = draft.questions[0]
    assert processor.status == "uncertain"
    assert processor.question == (
        "We noted TSYS, but it didn't sound settled. Which processor will these terminals certify with?"
    )
    assert processor.hint == "Your finance team or POS provider will know."
    assert draft.questions[1].status == "missing"
    for number, question in enumerate(draft.questions, start=1):
        assert f"{number}. {question.question}" in draft.body
    assert "could you help with these open points?" in draft.body


def test_trigger_fields_are_asked_even_when_the_gate_did_not_list_them() -> None:
    report = make_report({"tooling": _field(["in-house harness"], "uncertain")}, triggers=["tooling_unclear"])
    assert [q.field for q in draft_email(report).questions] == ["tooling"]


def test_gate_uncertain_and_required_uncertain_fields_get_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    class GateWithUncertain(Gate):
        uncertain: list[str] = []  # noqa: RUF012

    report = make_report(
        {"timeline": _field("maybe March", "uncertain"), "regions": _field(["Canada"], "uncertain")},
        gate=GateWithUncertain(ready=False, missing=["kif"], uncertain=["timeline"]),
    )
    monkeypatch.setattr(drafting_templates, "_required_fields", lambda settings, warnings: ("regions",))
    draft = draft_email(report)
    assert [q.field for q in draft.questions] == ["kif", "regions", "timeline"]
    regions, timeline = draft.questions[1], draft.questions[2]
    assert regions.question.startswith("We noted Canada")
    # timeline has no 'heard' phrasing: the tentative date is never echoed
    assert "March" not in draft.body
    assert timeline.question == "When are you hoping to be live, and is anything driving that timing?"


def test_single_open_point_reads_naturally() -> None:
    draft = draft_email(make_report(missing=["kif"]))
    assert "could you help with this open point?" in draft.body
    assert "We didn't capture many specifics yet" in draft.body


def test_no_gaps_means_no_question_section() -> None:
    draft = draft_email(make_report({"processor": _field(["Elavon"])}))
    assert draft.questions == []
    assert "open point" not in draft.body
    assert "- You process card payments through Elavon." in draft.body
    assert "I'll coordinate the review" not in draft.body  # nothing to review without triggers


def test_triggers_become_buyer_language_notes() -> None:
    draft = draft_email(kiosk_report())
    body = draft.body
    assert "our certification team will review that set-up with you before we send a proposal" in body
    assert "Because the rollout includes self-service kiosks" in body
    assert COMMERCIALS in body
    assert "You asked whether we could take on key injection" in body
    assert "I'll coordinate the review on our side" in body
    assert not re.search(r"\b30\b", body)  # the requested discount never appears
    assert_no_commitment_or_jargon(body)


def test_unapproved_commitment_resets_expectations_without_numbers() -> None:
    draft = draft_email(make_report(triggers=["unapproved_commitment"]))
    assert "pricing, timing and scope are set out only in our written proposal" in draft.body
    assert_no_commitment_or_jargon(draft.body)


def test_next_steps_are_owned_by_the_sdr() -> None:
    body = draft_email(kiosk_report()).body
    steps = body.split("Next steps:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert steps and all(step.startswith(("- I'll", "- I'm")) for step in steps)


def test_recipient_and_greeting_come_from_the_contact_name() -> None:
    draft = draft_email(kiosk_report())
    assert draft.to == "Dana Whitfield"
    assert draft.body.startswith("Hi Dana,\n")
    assert "@" not in (draft.to or "")


def test_contact_with_an_address_never_leaks_it() -> None:
    draft = draft_email(make_report({"contact": _field("Dana Whitfield <dana@acme.example>")}))
    assert draft.to == "Dana Whitfield"
    assert "acme.example" not in draft.body


def test_no_contact_means_no_recipient_and_a_neutral_greeting() -> None:
    draft = draft_email(make_report(missing=["contact"]))
    assert draft.to is None
    assert draft.body.startswith("Hi there,\n")
    assert draft.questions[0].question == "Who should be our main day-to-day contact on your side?"


def test_titles_keep_the_full_name() -> None:
    draft = draft_email(make_report({"contact": _field("Dr. Patel")}))
    assert draft.body.startswith("Hi Dr. Patel,\n")


def test_sender_and_signature_come_from_settings() -> None:
    settings = get_settings(
        sender_name="Sam Rivera", sender_email="sam@omni.example", signature="Omni | FastFlex"
    )
    draft = draft_email(kiosk_report(), settings=settings)
    assert draft.body.rstrip().endswith("Best regards,\nSam Rivera\nOmni | FastFlex")
    assert (draft.sender_name, draft.sender_email) == ("Sam Rivera", "sam@omni.example")


def test_offline_draft_is_deterministic() -> None:
    first, second = draft_email(kiosk_report()), draft_email(kiosk_report())
    assert first.model_dump() == second.model_dump()
    assert first.backend == "template"
    assert first.guard.fell_back is False


def test_echoed_values_that_break_the_guard_are_left_out_and_reported() -> None:
    report = make_report(
        {
            "economic_buyer": _field("CFO, anything over $50K"),
            "kif": _field(["card on file 4111 1111 1111 1111"]),
            "gateway": _field(["Authorize.net"]),
        }
    )
    draft = draft_email(report)
    assert "$50K" not in draft.body and "4111" not in draft.body
    assert "- Transactions are routed through Authorize.net." in draft.body
    omitted = [fix for fix in draft.guard.fixes if fix.action == "omit"]
    assert {fix.rule for fix in omitted} == {"price", "card_number"}
    assert all("1111 1111 1111" not in fix.sentence for fix in omitted)


def test_free_text_sentences_are_not_echoed() -> None:
    note = "Rahul asked if Omni can own the kernel piece, told him I'd flag it, didnt say yes"
    draft = draft_email(make_report({"decision_process": _field(note), "economic_buyer": _field(note)}))
    assert "Rahul" not in draft.body
    assert "- You walked us through how the decision will be made and who's involved." in draft.body
    assert "Final sign-off" not in draft.body
    short = draft_email(make_report({"economic_buyer": _field("Annette Roy (CFO)")}))
    assert "- Final sign-off: Annette Roy (CFO)." in short.body


def test_company_with_a_date_is_left_out_of_the_subject() -> None:
    draft = draft_email(make_report({"company": _field("Acme by March 3")}, missing=["kif"]))
    assert "March" not in draft.subject
    assert draft.subject == "Recap of our call and a few open questions"


def test_json_shape() -> None:
    data = draft_email(kiosk_report()).to_json()
    assert {"subject", "to", "body", "questions", "guard"} <= set(data)
    assert data["questions"][0]["field"] == "processor" and "question" in data["questions"][0]
    assert {"removed", "fell_back"} <= set(data["guard"])
    assert data["guard"]["fell_back"] is False


# --------------------------------------------------------------------------- polish


def _polished(draft: EmailDraft, *, replace: dict[str, str] | None = None, extra: str = "") -> str:
    body = draft.body.replace("Thank you for your time", "Thanks so much for your time")
    for old, new in (replace or {}).items():
        body = body.replace(old, new)
    return body.replace("Next steps:", f"{extra}\n\nNext steps:" if extra else "Next steps:")


def test_polish_is_kept_when_clean_and_the_prompt_carries_the_draft() -> None:
    template = draft_email(kiosk_report())
    chat = ScriptedChatModel("```\n" + _polished(template) + "```")
    draft = draft_email(kiosk_report(), polish=True, chat_model=chat)
    assert draft.body.startswith("Hi Dana,\n\nThanks so much for your time")
    assert draft.backend.startswith("llm:")
    assert draft.guard.fell_back is False
    system, user = chat.calls[0]
    assert "Never mention a price" in system.content
    assert template.body.strip() in user.content


def test_polish_that_sneaks_in_a_discount_gets_it_rewritten() -> None:
    template = draft_email(make_report({"processor": _field(["Elavon"])}, missing=["kif"]))
    sneaky = _polished(template, extra="Good news: we can do 20% off if you sign quickly.")
    draft = draft_email(
        make_report({"processor": _field(["Elavon"])}, missing=["kif"]),
        polish=True,
        chat_model=ScriptedChatModel(sneaky),
    )
    assert "20%" not in draft.body
    assert COMMERCIALS in draft.body and "Good news" not in draft.body
    assert draft.guard.fell_back is False
    assert draft.backend.startswith("llm:")
    assert "Good news: we can do 20% off if you sign quickly." in draft.guard.removed
    assert draft.guard.fixes[-1].stage == "polish"


def test_polish_that_promises_a_certification_date_gets_it_rewritten() -> None:
    report = make_report({"processor": _field(["Elavon"])}, missing=["kif"])
    template = draft_email(report)
    sneaky = _polished(template, extra="You'll be certified by March 3.")
    draft = draft_email(report, polish=True, chat_model=ScriptedChatModel(sneaky))
    assert "March" not in draft.body
    assert TIMING in draft.body
    assert draft.guard.fell_back is False


def test_polish_that_drops_a_question_falls_back_to_the_template() -> None:
    report = kiosk_report()
    template = draft_email(report)
    lossy = _polished(template, replace={template.questions[1].question: "Who does your keys?"})
    draft = draft_email(report, polish=True, chat_model=ScriptedChatModel(lossy))
    assert draft.guard.fell_back is True
    assert "kif" in (draft.guard.reason or "")
    assert draft.body == template.body
    assert draft.backend == "template"


def test_polish_that_cannot_be_repaired_falls_back_to_the_template() -> None:
    report = make_report({"processor": _field(["Elavon"])}, missing=["kif"])
    template = draft_email(report)
    reckless = _polished(
        template,
        extra=(
            "We guarantee a first-time pass. We can do 25% off. It is only $9,000. "
            "You will be live by June 1. We'll handle the key injection too."
        ),
    )
    draft = draft_email(report, polish=True, chat_model=ScriptedChatModel(reckless))
    assert draft.guard.fell_back is True
    assert "limit" in (draft.guard.reason or "")
    assert draft.body == template.body
    assert_no_commitment_or_jargon(draft.body)
    assert len([fix for fix in draft.guard.fixes if fix.stage == "polish"]) == 5


def test_polish_failure_keeps_the_template_with_a_warning() -> None:
    report = kiosk_report()
    draft = draft_email(
        report, polish=True, chat_model=ScriptedChatModel(ConnectionError("no route to host"))
    )
    assert draft.body == draft_email(report).body
    assert any("no route to host" in warning for warning in draft.warnings)
    assert draft.guard.fell_back is False


def test_polish_without_a_configured_llm_is_skipped() -> None:
    draft = draft_email(kiosk_report(), polish=True)
    assert draft.backend == "template"
    assert any("no LLM configured" in warning for warning in draft.warnings)


def test_configured_llm_builds_a_chat_openai_model() -> None:
    from langchain_openai import ChatOpenAI

    from assistant.drafting.polish import make_chat_model

    settings = get_settings(llm={"base_url": "http://localhost:9/v1", "model": "local-model"})
    model = make_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "local-model"


# --------------------------------------------------------------------------- .eml


def test_eml_is_a_standard_message_a_client_can_parse() -> None:
    draft = draft_email(kiosk_report())
    raw = to_eml(draft, date=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == draft.subject
    assert message["From"].addresses[0].addr_spec == "sales@omni.example"
    assert message["From"].addresses[0].display_name == "Omni Sales"
    assert message["To"] is None  # a bare name, no address in the notes: no invented address, no empty group
    assert message["Date"].datetime == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert message["Message-ID"].endswith("@omni.example>")
    assert message["X-Unsent"] == "1"
    assert message.get_content_type() == "text/plain"
    assert message.get_content().replace("\r\n", "\n") == draft.body


def test_eml_to_and_cc_carry_addresses_and_refuse_line_breaks() -> None:
    draft = draft_email(kiosk_report()).model_copy(
        update={"to": "Dana Whitfield <dana@acme.example>", "cc": "Lee Park <lee@acme.example>, Finance"}
    )
    message = email.message_from_bytes(to_eml(draft), policy=email.policy.default)
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Dana Whitfield", "dana@acme.example")
    ]
    assert [a.addr_spec for a in message["Cc"].addresses] == ["lee@acme.example"]
    assert ":;" not in to_eml(draft).decode()
    for update in (
        {"to": "dana@acme.example\r\nBcc: x@evil.example"},
        {"subject": "Hi\nBcc: x@evil.example"},
    ):
        with pytest.raises(InputError, match="line break"):
            to_eml(draft.model_copy(update=update))


def test_eml_without_contact_has_no_to_header() -> None:
    raw = to_eml(draft_email(make_report(missing=["contact"])))
    assert email.message_from_bytes(raw, policy=email.policy.default)["To"] is None


def test_eml_with_a_bad_sender_address_is_a_config_error() -> None:
    draft = draft_email(kiosk_report(), settings=get_settings(sender_email="not an address"))
    with pytest.raises(ConfigError, match="ASSISTANT_SENDER_EMAIL"):
        to_eml(draft)
