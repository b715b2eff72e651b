"""The Email tab: the follow-up draft of one opportunity, its recipients, mailto link and .eml.

The draft is made from the *reviewed* report (the rep's values win; resolved triggers no
longer shape it); To/Cc are addresses found in the opportunity's notes (never invented).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from . import views
from .export import export_path, write_file
from .review import Opportunity, reviewed_opportunity

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["EmailView", "build_eml", "draft_email", "email_hint", "email_view", "mailto_link"]


@dataclass
class EmailView:
    """The Email tab for one opportunity."""

    subject: str
    to: str
    body: str
    questions: str
    message: str
    cc: str = ""
    opportunity: str = ""
    mailto: str = ""
    eml: Path | None = None


def _questions(draft: Any) -> str:
    questions = list(getattr(draft, "questions", None) or [])
    if not questions:
        return ""
    return "**Open questions in the draft**\n\n" + "\n".join(f"- {question}" for question in questions)


def mailto_link(to: str, cc: str, subject: str, body: str) -> str:
    """A ``mailto:`` URL (RFC 6068) that opens the draft in the rep's mail client."""
    from email.utils import getaddresses
    from urllib.parse import quote

    def addresses(text: str) -> str:
        return ",".join(quote(addr, safe="@") for _, addr in getaddresses([text]) if "@" in addr)

    query = [
        f"subject={quote(subject, safe='')}",
        f"body={quote(body.replace(chr(10), chr(13) + chr(10)), safe='')}",
    ]
    if addresses(cc):
        query.insert(0, f"cc={addresses(cc)}")
    return f"mailto:{addresses(to)}?{'&'.join(query)}"


def email_hint(opportunity: str = "") -> EmailView:
    """What the Email tab shows before a draft exists."""
    text = (
        f"No triaged note for {opportunity} yet: paste one on the Triage tab."
        if opportunity
        else "Pick an opportunity on the Triage tab (or open one under Opportunities); its draft appears here."
    )
    return EmailView(
        subject="", to="", body="", questions="", message=views.message_html(text), opportunity=opportunity
    )


def email_view(settings: Settings, opp: Opportunity, *, polish: bool = False) -> EmailView:
    from ..drafting import draft_email as make_draft
    from ..drafting import to_eml
    from .recipients import find_recipients

    assert opp.reviewed is not None
    report = opp.reviewed.report
    open_ids = set(opp.reviewed.open_triggers)
    report = report.model_copy(update={"triggers": [t for t in report.triggers if t.id in open_ids]})
    draft = make_draft(report, settings=settings, polish=polish)
    contact = report.fields.get("contact")
    name = str(contact.value) if contact.present and contact.value else ""
    recipients = find_recipients((note.text for note in opp.notes), name, settings.sender_email)
    given = f"{draft.to} <{draft.to_email}>" if draft.to and draft.to_email else (draft.to or "")
    to = recipients.header("to") or given
    cc = recipients.header("cc")
    draft = draft.model_copy(update={"to": to, "cc": cc})
    notes = [
        f"Draft for {opp.name}: review it, then copy it, open it in your mail client or download the .eml."
    ]
    if not recipients.to:
        notes.append("The notes give no address for the contact: add it in your mail client.")
    removed = list(draft.guard.removed)
    if removed:
        notes.append(f"The commitment guard removed {len(removed)} sentence(s) only leadership may promise.")
    notes += [str(warning) for warning in draft.warnings]
    path = write_file(export_path(settings.state_dir, opp.name or "draft", "eml"), to_eml(draft))
    return EmailView(
        subject=draft.subject,
        to=to,
        cc=cc,
        body=draft.body,
        questions=_questions(draft),
        message=views.message_html(" ".join(notes), "ok"),
        opportunity=opp.name,
        mailto=mailto_link(to, cc, draft.subject, draft.body),
        eml=path,
    )


def draft_email(opportunity: str, *, settings: Settings, polish: bool = False) -> EmailView:
    """Draft the follow-up email from the opportunity's reviewed report (the rep's values win)."""
    return email_view(settings, reviewed_opportunity(opportunity, settings), polish=polish)


def build_eml(
    opportunity: str, subject: str, to: str, body: str, *, settings: Settings, cc: str = ""
) -> Path:
    """The edited draft as an .eml file under the state directory (CR/LF in a header is refused)."""
    from ..drafting import EmailDraft, to_eml
    from ..text import mask_sensitive

    if not (body or "").strip():
        raise UserError("the email body is empty; press 'Draft email' first or write the body")
    reviewed_opportunity(opportunity, settings)
    draft = EmailDraft(  # edited by hand: card data is masked before anything is written
        subject=mask_sensitive(subject or ""),
        to=mask_sensitive(to or ""),
        cc=mask_sensitive(cc or ""),
        body=mask_sensitive(body),
        sender_name=settings.sender_name,
        sender_email=settings.sender_email,
    )
    data = to_eml(draft)
    return write_file(export_path(settings.state_dir, opportunity or "draft", "eml"), data)
