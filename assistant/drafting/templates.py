"""From a triage report to the template draft: recap, questions, notes, subject and body.

Wording is data: ``prompts/email/questions.yaml`` (one question per field),
``prompts/email/phrases.yaml`` (recap sentences, use-case words, trigger notes)
and the Jinja templates ``prompts/email/followup_subject.j2`` /
``followup_body.j2`` rendered through :mod:`assistant.prompts`.  Every value
echoed from the transcript is checked by the guard first and left out when it
would carry a price, date, promise or card number into the email.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import AssistantError, PromptError
from ..prompts import prompts_root, render_prompt
from ..schema import FIELD_NAMES, HIGH_RISK_USE_CASES, Field, FieldStatus, TriageReport
from .guard import EmailGuard, mask_cards
from .models import DraftQuestion, GuardFix, Phrasebook, QuestionBank

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "BODY_PROMPT",
    "SUBJECT_PROMPT",
    "TemplateDraft",
    "build_template_draft",
    "greeting_name",
    "human_join",
    "load_phrasebook",
    "load_question_bank",
    "open_questions",
]

SUBJECT_PROMPT = "email/followup_subject"
BODY_PROMPT = "email/followup_body"
QUESTIONS_FILE = "email/questions.yaml"
PHRASES_FILE = "email/phrases.yaml"

# Triggers that mean a field is an open point even when the gate did not list it.
_TRIGGER_FIELDS = {"processor_unknown": "processor", "tooling_unclear": "tooling"}
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir"}
# free-text recap topics echoed only when they read like a name/title
_SHORT_TEXT_TOPICS = frozenset({"economic_buyer"})
_SHORT_TEXT_WORDS = 8

_M = TypeVar("_M", bound=BaseModel)


# --------------------------------------------------------------------------- data files


def _load_yaml(settings: Settings | None, relative: str, model: type[_M]) -> _M:
    path = prompts_root(settings) / relative
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise PromptError(f"phrasing file {path} not found; restore prompts/{relative}") from exc
    loaded: _M = _load_yaml_cached(str(path), stamp, model)
    return loaded


@lru_cache(maxsize=16)
def _load_yaml_cached(path: str, stamp: int, model: type[BaseModel]) -> Any:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"cannot read phrasing file {path}: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PromptError(f"invalid phrasing file {path}: {where}: {first['msg']}") from exc


def load_question_bank(settings: Settings | None = None) -> QuestionBank:
    """The question bank of the email templates for ``settings``."""
    return _load_yaml(settings, QUESTIONS_FILE, QuestionBank)


def load_phrasebook(settings: Settings | None = None) -> Phrasebook:
    """The phrasebook (greetings, recap and closing lines) for ``settings``."""
    return _load_yaml(settings, PHRASES_FILE, Phrasebook)


# --------------------------------------------------------------------------- wording helpers


def human_join(items: list[str]) -> str:
    """``["A"]`` -> ``A``; ``["A", "B", "C"]`` -> ``A, B and C``."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(item).strip() for item in value if str(item).strip()]
    text = str(value).strip()
    return [text] if text else []


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple, set)):
        return human_join(_as_list(value))
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return re.sub(r"\s+", " ", str(value)).strip().rstrip(".;,")


def greeting_name(contact: Field) -> str:
    """First name of the contact ("Dana Whitfield" -> "Dana"); "" when unknown or not a name."""
    name = _contact_name(contact)
    if not name:
        return ""
    tokens = name.split()
    if len(tokens) > 1 and tokens[0].lower().rstrip(".") not in _TITLES:
        return tokens[0]
    return name


def _contact_name(contact: Field) -> str:
    if contact.status is not FieldStatus.CONFIRMED:
        return ""  # greet only someone the input names plainly
    name = _as_text(contact.value)
    name = re.sub(r"\([^)]*\)|<[^>]*>|\S+@\S+", " ", name)  # no roles in brackets, no addresses
    name = re.sub(r"\s+", " ", name).strip(" ,;-")
    return mask_cards(name) if name and not any(ch.isdigit() for ch in name) else ""


def _contact_email(contact: Field) -> str | None:
    """The contact's address when the input gave one (``contact.email``), else None: never invented."""
    extra = contact.model_extra or {}
    address = extra.get("email") if _contact_name(contact) else None
    return (
        address
        if isinstance(address, str) and re.fullmatch(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", address)
        else None
    )


# --------------------------------------------------------------------------- pieces of the draft


@dataclass
class TemplateDraft:
    """The template draft before the guard: subject, body and the questions asked."""

    subject: str
    body: str
    to: str | None
    questions: list[DraftQuestion]
    to_email: str | None = None
    omitted: list[GuardFix] = field(default_factory=list)  # echoed values the guard kept out
    warnings: list[str] = field(default_factory=list)


def _required_fields(settings: Settings, warnings: list[str]) -> tuple[str, ...]:
    try:
        from ..policy import load_policy  # type: ignore[attr-defined,unused-ignore]

        return tuple(load_policy(settings).gate.required)
    except (ImportError, AttributeError, AssistantError) as exc:
        warnings.append(f"gate policy not available ({exc}); asking only about the gate's listed gaps")
        return ()


def open_questions(
    report: TriageReport, bank: QuestionBank, guard: EmailGuard, *, required: tuple[str, ...] = ()
) -> list[DraftQuestion]:
    """One question per gate input that is missing or uncertain, in contract field order."""
    wanted = set(report.gate.missing)
    wanted.update(getattr(report.gate, "uncertain", None) or [])
    wanted.update(name for name in required if report.fields.get(name).status is FieldStatus.UNCERTAIN)
    for trigger_id in report.trigger_ids():
        name = _TRIGGER_FIELDS.get(trigger_id)
        if name and report.fields.get(name).status is not FieldStatus.CONFIRMED:
            wanted.add(name)
    questions = []
    for name in FIELD_NAMES:
        if name not in wanted:
            continue
        spec = bank.fields[name]
        current = report.fields.get(name)
        status = "uncertain" if current.status is FieldStatus.UNCERTAIN else "missing"
        text = spec.question
        heard = _as_text(current.value) if status == "uncertain" else ""
        if spec.heard and heard:
            lead_in = spec.heard.format(heard=heard)
            if guard.is_clean(lead_in):
                text = f"{lead_in} {spec.question}"
        questions.append(DraftQuestion(field=name, question=text, hint=spec.hint.strip(), status=status))
    return questions


def _topic_value(report: TriageReport, topic: str, phrases: Phrasebook) -> str | None:
    """The confirmed value of a recap topic in words, or None when there is nothing to recap."""
    fields = report.fields
    if topic == "devices":
        vendor, models = fields.get("terminal_vendor"), fields.get("terminal_models")
        vendors = _as_list(vendor.value) if vendor.status is FieldStatus.CONFIRMED else []
        model_names = _as_list(models.value) if models.status is FieldStatus.CONFIRMED else []
        if vendors and model_names:
            return f"{human_join(vendors)} devices ({human_join(model_names)})"
        if vendors or model_names:
            return f"{human_join(vendors or model_names)} devices"
        return None
    current = fields.get(topic)
    if current.status is not FieldStatus.CONFIRMED or current.value in (None, "", []):
        return None
    if topic == "regions":
        names = {name.lower() for name in phrases.the_names}
        return human_join(
            [f"the {name}" if name.lower() in names else name for name in _as_list(current.value)]
        )
    if topic == "use_cases":
        return human_join(
            [phrases.use_cases.get(name, name.replace("_", " ")) for name in _as_list(current.value)]
        )
    text = _as_text(current.value)
    if topic in _SHORT_TEXT_TOPICS and (len(text.split()) > _SHORT_TEXT_WORDS or "\n" in str(current.value)):
        return None  # a sentence, not a name: never echo free text the buyer did not write as such
    return text or None


def recap_lines(
    report: TriageReport, phrases: Phrasebook, guard: EmailGuard
) -> tuple[list[str], list[GuardFix]]:
    """Confirmed facts as buyer-language sentences; offending echoes are left out (and reported)."""
    lines: list[str] = []
    omitted: list[GuardFix] = []
    for topic, phrase in phrases.recap.items():
        value = _topic_value(report, topic, phrases)
        if value is None:
            continue
        line = phrase.format(value=value) if "{value}" in phrase else phrase
        rule = guard.offence(line)
        if rule is not None:
            omitted.append(GuardFix(rule=rule.id, action="omit", sentence=mask_cards(line)))
            continue
        lines.append(line)
    return lines, omitted


def trigger_notes(
    report: TriageReport,
    phrases: Phrasebook,
    guard: EmailGuard,
    *,
    high_risk: frozenset[str] = HIGH_RISK_USE_CASES,
) -> list[str]:
    """What each raised trigger means for the buyer, in their words (no ids, no process names)."""
    use_cases = report.fields.get("use_cases")
    risky = [name for name in _as_list(use_cases.value) if name in high_risk] if use_cases.present else []
    requested = report.fields.get("requested_responsibilities")
    values = {
        "risky_use_cases": human_join([phrases.use_cases.get(name, name) for name in risky]),
        "requested": _as_text(requested.value) if requested.present else "",
    }
    notes: list[str] = []
    raised = set(report.trigger_ids())
    for trigger_id, phrase in phrases.notes.items():
        if trigger_id not in raised or not phrase:
            continue
        note = phrase.format(**{key: values[key] or phrases.fallback[key] for key in values})
        if not guard.is_clean(note):
            note = phrase.format(**phrases.fallback)
        if guard.is_clean(note) and note not in notes:
            notes.append(note)
    return notes


# --------------------------------------------------------------------------- the whole template draft


def build_template_draft(
    report: TriageReport, guard: EmailGuard, settings: Settings, *, with_recap: bool = True
) -> TemplateDraft:
    """Render subject and body from the report (deterministic; no model involved)."""
    warnings: list[str] = []
    bank = load_question_bank(settings)
    phrases = load_phrasebook(settings)
    required = _required_fields(settings, warnings)
    questions = open_questions(report, bank, guard, required=required)
    recap, omitted = recap_lines(report, phrases, guard) if with_recap else ([], [])
    notes = trigger_notes(report, phrases, guard, high_risk=_high_risk(settings))

    company_field = report.fields.get("company")
    company = _as_text(company_field.value) if company_field.present else ""
    if company and not guard.is_clean(company):
        company = ""
    contact = report.fields.get("contact")
    greeting = greeting_name(contact)

    subject = render_prompt(
        SUBJECT_PROMPT, settings=settings, company=company, question_count=len(questions)
    ).strip()
    if not guard.is_clean(subject):
        subject = render_prompt(
            SUBJECT_PROMPT, settings=settings, company="", question_count=len(questions)
        ).strip()
    body = render_prompt(
        BODY_PROMPT,
        settings=settings,
        greeting_name=greeting,
        company=company,
        recap=recap,
        questions=[{"question": q.question, "hint": q.hint} for q in questions],
        notes=notes,
        review_pending=bool(report.triggers),
        sender_name=settings.sender_name,
        signature=settings.signature,
    )
    return TemplateDraft(
        subject=subject,
        body=re.sub(r"\n{3,}", "\n\n", body).strip("\n") + "\n",
        to=_contact_name(contact) or None,
        to_email=_contact_email(contact),
        questions=questions,
        omitted=omitted,
        warnings=warnings,
    )


def _high_risk(settings: Settings) -> frozenset[str]:
    try:
        from ..policy import load_policy  # type: ignore[attr-defined,unused-ignore]

        return frozenset(load_policy(settings).high_risk_use_cases)
    except (ImportError, AttributeError, AssistantError):
        return HIGH_RISK_USE_CASES
