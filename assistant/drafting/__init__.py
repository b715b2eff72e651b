"""Follow-up email drafts from a triage report.

* :func:`draft_email` - recap to confirm, one question per gap, next steps owned
  by the SDR; optional LLM tone polish; the commitment guard checks every draft.
* :func:`to_eml` - the draft as an RFC 5322 message a mail client opens.

Wording lives in ``prompts/email/`` and the guard's rules in
``policy/email_guard.toml``.
"""

from .compose import draft_email, missing_essentials, to_eml
from .guard import EmailGuard, GuardPolicy, load_guard, load_guard_policy, mask_cards
from .models import DraftQuestion, EmailDraft, GuardFix, GuardResult

__all__ = [
    "DraftQuestion",
    "EmailDraft",
    "EmailGuard",
    "GuardFix",
    "GuardPolicy",
    "GuardResult",
    "draft_email",
    "load_guard",
    "load_guard_policy",
    "mask_cards",
    "missing_essentials",
    "to_eml",
]
