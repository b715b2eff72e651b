"""``draft_email``: template draft, optional polish, commitment guard, template fallback."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, getaddresses, make_msgid
from typing import TYPE_CHECKING, Any

from ..errors import BackendError, ConfigError, InputError, RunError
from ..schema import TriageReport
from .guard import EmailGuard, load_guard
from .models import DraftQuestion, EmailDraft, GuardFix, GuardResult
from .polish import polish_body
from .templates import build_template_draft

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["draft_email", "missing_essentials", "to_eml"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def missing_essentials(body: str, questions: list[DraftQuestion], sender_name: str) -> list[str]:
    """What a polished body lost that the template had: a question (verbatim) or the sender's name."""
    flat = _squash(body)
    problems = [
        f"question about {q.field} changed or dropped" for q in questions if _squash(q.question) not in flat
    ]
    if _squash(sender_name) not in flat:
        problems.append("sender name dropped")
    return problems


def draft_email(
    report: TriageReport,
    settings: Settings | None = None,
    polish: bool = False,
    *,
    chat_model: Any | None = None,
    guard: EmailGuard | None = None,
) -> EmailDraft:
    """Draft the follow-up email for ``report``.

    Offline (``polish=False``) the result is deterministic: the template draft,
    checked by the guard.  With ``polish=True`` and a model (``chat_model``, or
    ``settings.llm`` configured) the model rewords the body; the guard repairs
    the result, and it is dropped for the template draft (``guard.fell_back``)
    when it cannot be repaired, needed too many fixes, or lost a question.
    """
    if settings is None:
        from ..config import get_settings

        settings = get_settings()
    guard = guard or load_guard(settings)

    template = build_template_draft(report, guard, settings)
    fixes: list[GuardFix] = list(template.omitted)
    warnings = list(template.warnings)
    checked = guard.repair(template.body, stage="template")
    fixes.extend(checked.fixes)
    body = checked.text
    if not checked.ok:  # should not happen: the template itself offends; use the bare template
        bare = build_template_draft(report, guard, settings, with_recap=False)
        rechecked = guard.repair(bare.body, stage="template")
        if not rechecked.ok:
            raise RunError(
                "the email template breaks the commitment guard; fix prompts/email or policy/email_guard.toml",
                rules=sorted({fix.rule for fix in rechecked.remaining}),
            )
        fixes.extend(rechecked.fixes)
        body = rechecked.text
        warnings.append("recap left out: it could not be made to pass the commitment guard")

    result = GuardResult()
    backend = "template"
    if polish:
        if chat_model is None and not settings.llm.configured:
            warnings.append(
                "polish skipped: no LLM configured (set ASSISTANT_LLM_API_KEY or ASSISTANT_LLM_BASE_URL)"
            )
        else:
            try:
                polished = polish_body(
                    subject=template.subject, body=body, settings=settings, chat_model=chat_model
                )
            except BackendError as exc:
                warnings.append(f"polish skipped: {exc}")
            else:
                repaired = guard.repair(polished, stage="polish")
                fixes.extend(repaired.fixes)
                problems = [f"{fix.rule} could not be repaired" for fix in repaired.remaining]
                if len(repaired.fixes) > guard.policy.max_polish_fixes:
                    problems.append(
                        f"{len(repaired.fixes)} sentences needed fixing (limit {guard.policy.max_polish_fixes})"
                    )
                problems.extend(missing_essentials(repaired.text, template.questions, settings.sender_name))
                if problems:
                    result.fell_back = True
                    result.reason = "polished draft discarded: " + "; ".join(problems)
                else:
                    body = repaired.text
                    backend = f"llm:{settings.llm.model}" if chat_model is None else _model_label(chat_model)

    result.fixes = fixes
    subject = template.subject if guard.is_clean(template.subject) else "Following up on our call"
    return EmailDraft(
        subject=subject,
        to=template.to,
        to_email=template.to_email,
        body=body,
        questions=template.questions,
        guard=result,
        sender_name=settings.sender_name,
        sender_email=settings.sender_email,
        source=report.source,
        backend=backend,
        warnings=warnings,
    )


def _model_label(chat_model: Any) -> str:
    name = getattr(chat_model, "model_name", None) or getattr(chat_model, "model", None)
    return f"llm:{name}" if isinstance(name, str) and name else f"llm:{type(chat_model).__name__}"


_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def to_eml(draft: EmailDraft, *, date: datetime | None = None) -> bytes:
    """The draft as an RFC 5322 message (``text/plain``, UTF-8) that a mail client opens.

    ``To`` and ``Cc`` carry only mailboxes with an address (``Dana Ruiz <dana@x.example>``);
    a bare name is left out rather than written as an empty group, so the SDR adds the
    address in the mail client; no address is invented.  A header value with a line
    break is refused (header injection).  ``X-Unsent: 1`` makes Outlook open it as a draft.
    """
    headers = (
        ("To", draft.to),
        ("To", draft.to_email),
        ("Cc", draft.cc),
        ("Subject", draft.subject),
        ("From", draft.sender_name),
    )
    for header, value in headers:
        values = value if isinstance(value, list) else [value or ""]
        if any(_BREAK.search(str(item)) for item in values):
            raise InputError(
                f"the {header} header holds a line break; an e-mail header must be one line (remove it)"
            )
    msg = EmailMessage(policy=default_policy)
    try:
        sender = Address(display_name=draft.sender_name, addr_spec=draft.sender_email)
        msg["From"] = sender
    except (ValueError, IndexError, TypeError) as exc:
        raise ConfigError(
            f"invalid sender email {draft.sender_email!r}; set ASSISTANT_SENDER_EMAIL to an address like sales@omni.example"
        ) from exc
    to = draft.to
    if to and draft.to_email and "<" not in to:
        to = f"{to} <{draft.to_email}>"  # the address the input gave for the contact
    for header, text in (("To", to), ("Cc", draft.cc)):
        mailboxes = _mailboxes(text or "")
        if mailboxes:
            msg[header] = mailboxes
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=sender.domain or None)
    msg["X-Unsent"] = "1"
    msg.set_content(draft.body)
    return msg.as_bytes()


def _mailboxes(text: str) -> tuple[Address, ...]:
    """The ``Name <address>`` entries of a header value that have a valid address."""
    out = []
    for name, addr in getaddresses([text]):
        if "@" not in addr:
            continue
        try:
            out.append(Address(display_name=name, addr_spec=addr))
        except (ValueError, IndexError, TypeError) as exc:
            raise InputError(f"{addr!r} is not an email address; fix the To or Cc line") from exc
    return tuple(out)
