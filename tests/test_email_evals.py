"""Follow-up drafts over every recorded eval transcript (evals/cases/*/*.txt).

Checks written independently of the guard's own patterns: a question for each
gate gap, no card number, no commitment (percentages, amounts, dates,
guarantees), no internal jargon; and a polished draft that sneaks in a
discount and a date is repaired.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, get_settings
from assistant.drafting import EmailDraft, draft_email
from assistant.schema import FIELD_NAMES, ROLE_IDS, TRIGGER_IDS, TriageReport
from assistant.testing import ScriptedChatModel
from assistant.text import luhn_valid

CASES = sorted((PROJECT_ROOT / "evals" / "cases").glob("*/*.txt"))
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_PROMISE = re.compile(
    rf"\b(?:by|on|in|until|before|from|end of|early|mid|late)\s+(?:{MONTHS})\b|\b(?:{MONTHS})\s+\d{{1,2}}\b"
    r"|\b\d{1,2}/\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\bQ[1-4]\b|\b20\d\d\b"
    r"|\b(?:in|within)\s+(?:\d+|a|one|two|three|four|six)\s+(?:days?|weeks?|months?)\b",
)
JARGON = [
    *TRIGGER_IDS,
    *(role for role in ROLE_IDS if "_" in role),
    *(name for name in FIELD_NAMES if "_" in name),
]

pytestmark = pytest.mark.skipif(not CASES, reason="no eval transcripts yet")


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    for name in ("ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY", "ASSISTANT_LLM_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@cache
def _report(path: Path) -> TriageReport:
    from assistant.triage import triage_text

    return triage_text(path.read_text(encoding="utf-8"), source=str(path), backend="rules")


def _card_numbers(text: str) -> list[str]:
    found = []
    for match in re.finditer(r"\d(?:[ \-.]?\d){12,18}", text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found.append(digits)
    return found


def assert_safe(draft: EmailDraft, transcript: str) -> None:
    text = f"{draft.subject}\n{draft.to or ''}\n{draft.body}"
    assert not _card_numbers(text), "card number in the draft"
    for digits in _card_numbers(transcript):
        assert digits[:12] not in re.sub(r"\D", "", text)
    assert not re.search(r"\d\s*(?:%|percent|per cent)", text, re.IGNORECASE), "percentage"
    assert not re.search(r"[$€£]\s*\d|\b\d+(?:\.\d+)?\s*(?:k|USD|dollars)\b", text, re.IGNORECASE), "amount"
    assert not DATE_PROMISE.search(text), f"date: {DATE_PROMISE.search(text)}"
    assert not re.search(r"guarantee|promise", text, re.IGNORECASE), "guarantee"
    lowered = text.lower()
    for word in ("escalat", "guardrail", "leadership", "trigger", "stage gate", "deal desk"):
        assert word not in lowered, word
    assert not re.search(r"\bSMEs?\b", text)
    for name in JARGON:
        assert name not in lowered, name


@pytest.mark.parametrize("path", CASES, ids=[case.stem for case in CASES])
def test_template_draft_over_eval_transcript(path: Path) -> None:
    report = _report(path)
    draft = draft_email(report, settings=get_settings(backend="rules"))
    transcript = path.read_text(encoding="utf-8")

    asked = {question.field for question in draft.questions}
    gaps = set(report.gate.missing) | set(getattr(report.gate, "uncertain", None) or [])
    assert gaps <= asked, f"no question for {sorted(gaps - asked)}"
    for question in draft.questions:
        assert question.question in draft.body
        assert question.question.endswith("?")
    assert_safe(draft, transcript)

    assert draft.body.startswith("Hi ")
    assert any(
        opening in draft.body
        for opening in (
            "Could you confirm it's accurate",
            "We didn't capture many specifics",
            "just reply to this email",
        )
    )
    assert draft.body.rstrip().endswith(f"{draft.sender_name}\n{get_settings().signature}")
    assert draft.guard.fell_back is False
    ids = set(report.trigger_ids())
    if "discount_outside_guardrails" in ids:
        assert "We'll come back to you on commercials once the scope is confirmed." in draft.body
    if "high_risk_use_case" in ids:
        assert "our certification team will review" in draft.body


@pytest.mark.parametrize("path", CASES, ids=[case.stem for case in CASES])
def test_polished_draft_over_eval_transcript_is_repaired(path: Path) -> None:
    report = _report(path)
    settings = get_settings(backend="rules")
    template = draft_email(report, settings=settings)
    sneaky = template.body.replace(
        "Next steps:", "Happy to say we can do 20% off, and you'll be certified by March 3.\n\nNext steps:"
    )
    draft = draft_email(report, settings=settings, polish=True, chat_model=ScriptedChatModel(sneaky))
    assert_safe(draft, path.read_text(encoding="utf-8"))
    assert draft.guard.fell_back is False
    assert any(fix.stage == "polish" for fix in draft.guard.fixes)
