"""What the app's buttons do, as plain functions (testable without a browser or gradio).

Each handler takes plain values (strings, paths) and the resolved :class:`Settings`,
and returns plain values; :mod:`assistant.app.ui` wires them to components.
User mistakes raise :class:`~assistant.errors.UserError` with a message saying how to fix.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, UserError
from ..text.display import plain_words
from . import views
from .export import export_path, write_export
from .workers import AppBusy, pool_for

if TYPE_CHECKING:
    from ..config import Settings
    from ..schema import TriageReport
    from ..store import MergedReport, Store

__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "AskView",
    "EmailView",
    "TriageView",
    "ask_question",
    "build_eml",
    "default_triage",
    "draft_email",
    "eml_text",
    "export_report",
    "load_opportunity",
    "opportunities_overview",
    "opportunity_choices",
    "read_upload",
    "retry_failed",
    "triage_note",
]

ALLOWED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".eml", ".vtt")
MAX_UPLOAD_BYTES = 1_000_000
Progress = Callable[..., Any]
TriageFn = Callable[[str, str], "TriageReport"]


@dataclass
class TriageView:
    """Everything the triage tab shows for one opportunity."""

    opportunity: str
    message: str
    data: dict[str, Any] | None = None
    fields: str = ""
    triggers: str = ""
    gate: str = ""
    history: str = ""
    choices: list[str] = dc_field(default_factory=list)


@dataclass
class EmailView:
    subject: str
    to: str
    body: str
    questions: str
    message: str


@dataclass
class AskView:
    history: list[dict[str, str]]
    contract: dict[str, Any]


def _store(settings: Settings) -> Store:
    from ..store import open_store

    return open_store(settings)


def _step(progress: Progress | None, fraction: float, desc: str) -> None:
    if progress is not None:
        progress(fraction, desc=desc)


# -- inputs ------------------------------------------------------------------------------------


def eml_text(raw: str) -> str:
    """Readable text of an .eml: kept verbatim when plain, else headers + decoded text/plain parts."""
    message = email.message_from_string(raw, policy=email.policy.default)
    encoding = str(message.get("Content-Transfer-Encoding", "")).lower()
    if not message.is_multipart() and encoding in ("", "7bit", "8bit"):
        return raw
    lines = [f"{key}: {message[key]}" for key in ("From", "To", "Date", "Subject") if message[key]]
    parts: list[str] = []
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_attachment():
            parts.append(str(part.get_content()))
    if not parts:
        raise InputError("the .eml has no plain-text part; paste the email body instead")
    return "\n".join(lines) + "\n\n" + "\n\n".join(part.strip("\n") for part in parts) + "\n"


def _opportunity_name(opportunity: str | None) -> str:
    """The name as stored: one line, printable, card data masked (empty when none was given)."""
    from ..text import mask_sensitive, safe_display

    return mask_sensitive(" ".join(safe_display(opportunity or "").split()))


def read_upload(path: str | Path) -> tuple[str, str]:
    """Read an uploaded file: (text, file name). Refuses wrong types and files over 1 MB.

    The raw upload is deleted once read (accepted or not): only the masked note is kept.
    """
    file = Path(path)
    try:
        return _read_upload(file)
    finally:
        file.unlink(missing_ok=True)


def _read_upload(file: Path) -> tuple[str, str]:
    from ..text import decode_text, mask_sensitive, normalize_newlines, safe_display

    name = mask_sensitive(safe_display(file.name))
    if file.suffix.lower() not in ALLOWED_SUFFIXES:
        raise InputError(
            f"{name}: {file.suffix or 'no extension'} files are not accepted; upload {', '.join(ALLOWED_SUFFIXES)}"
        )
    size = file.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise InputError(
            f"{name}: {size:,} bytes is over the {MAX_UPLOAD_BYTES:,}-byte upload limit; split the transcript"
        )
    text = decode_text(file.read_bytes(), name)
    if file.suffix.lower() == ".eml":
        text = normalize_newlines(eml_text(text))
    return text, name


def _pick_input(text: str | None, upload: str | None) -> tuple[str, str]:
    if upload:
        return read_upload(upload)
    from ..text import decode_text, has_control_characters

    if not text or not text.strip():
        raise InputError("nothing to triage: paste the notes or upload a .txt, .md, .eml or .vtt file")
    data = text.encode("utf-8")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(
            f"the pasted text is {len(data):,} bytes, over the {MAX_UPLOAD_BYTES:,}-byte limit; split it into notes"
        )
    if has_control_characters(text.replace("\f", "").replace("\v", "")):
        raise InputError("the pasted text holds control or escape characters; paste plain text")
    return decode_text(data, "pasted"), "pasted"  # empty, invisible-only text is refused before saving


# -- opportunities and triage ------------------------------------------------------------------


def opportunity_choices(settings: Settings) -> list[str]:
    return [summary.name for summary in _store(settings).list_opportunities()]


def _required(store: Store) -> tuple[str, ...]:
    return store.rules.gate_required


def _view(settings: Settings, opportunity: str, message: str, merged: MergedReport | None) -> TriageView:
    store = _store(settings)
    view = TriageView(
        opportunity=opportunity,
        message=message,
        history=views.history_html(store.history(opportunity)) if opportunity else "",
        choices=opportunity_choices(settings),
    )
    if merged is not None:
        data = merged.to_contract()
        view.data = data
        view.fields = views.fields_html(data)
        view.triggers = views.triggers_html(data)
        view.gate = views.gate_html(data, _required(store))
    return view


def default_triage(settings: Settings) -> TriageFn:
    """The real triage pipeline with the configured backend (rules by default, offline)."""

    def run(text: str, source: str) -> TriageReport:
        from ..triage import triage_text

        return triage_text(text, source=source, settings=settings)

    return run


def triage_note(
    opportunity: str,
    text: str | None,
    upload: str | None,
    kind: str,
    *,
    settings: Settings,
    progress: Progress | None = None,
    triage: TriageFn | None = None,
) -> TriageView:
    """Save the note (masked) under ``opportunity``, triage it, and show the merged report.

    Input mistakes (no name, empty text, bad upload) save nothing and raise ``UserError``.
    A failure during triage leaves the note saved (status ``failed``) and is reported in the view.
    """
    name = _opportunity_name(opportunity)
    if not name:
        raise InputError("pick an opportunity or type a new opportunity name first")
    _step(progress, 0.05, "reading input")
    body, source = _pick_input(text, upload)
    store = _store(settings)
    _step(progress, 0.15, "saving note")
    note = store.save_note(name, body, source=source, kind=kind or "other")
    assert note.id is not None
    run = triage or default_triage(settings)
    _step(progress, 0.3, "triaging")
    pool = pool_for(settings.app_workers, settings.app_queue, settings.triage_timeout_s)
    try:
        report = pool.run(lambda: run(note.text, note.source))  # bounded: never waits behind others
    except AppBusy as exc:
        store.record_failure(note.id, exc.message)  # nothing ran: the saved note waits for a retry
        raise
    except Exception as exc:  # the note is safe; say so and keep going
        store.record_failure(note.id, plain_words(str(exc)))
        merged = store.merged_report(name)
        message = views.message_html(
            f"Note #{note.id} saved, but triage failed ({plain_words(str(exc))}); fix the cause and press 'Retry failed notes'.",
            "error",
        )
        return _view(settings, name, message, merged)
    store.record_report(note.id, report)
    _step(progress, 0.85, "merging with earlier notes")
    merged = store.merged_report(name)
    _step(progress, 1.0, "done")
    count = len(merged.notes) if merged else 1
    message = views.message_html(
        f"Note #{note.id} ({source}) saved and triaged; report merges {count} note{'s' * (count != 1)}.", "ok"
    )
    return _view(settings, name, message, merged)


def load_opportunity(opportunity: str, *, settings: Settings) -> TriageView:
    """Show the merged report and history of an existing opportunity (nothing for a new name)."""
    name = _opportunity_name(opportunity)
    if not name:
        return TriageView(opportunity="", message="", choices=opportunity_choices(settings))
    store = _store(settings)
    if store.find_opportunity(name) is None:
        return _view(
            settings, name, views.message_html(f"New opportunity '{name}': paste its first note."), None
        )
    merged = store.merged_report(name)
    message = views.merged_summary(merged) if merged else "No triaged note yet."
    return _view(settings, name, views.message_html(message), merged)


def retry_failed(
    opportunity: str, *, settings: Settings, progress: Progress | None = None, triage: TriageFn | None = None
) -> TriageView:
    """Triage again every note of ``opportunity`` whose triage failed."""
    name = _opportunity_name(opportunity)
    store = _store(settings)
    failed = store.failed_notes(name)
    run = triage or default_triage(settings)
    pool = pool_for(settings.app_workers, settings.app_queue, settings.triage_timeout_s)
    errors = []
    for index, note in enumerate(failed):
        assert note.id is not None
        _step(progress, index / max(len(failed), 1), f"re-triaging note #{note.id}")
        note_id = note.id
        try:
            pool.run(lambda note_id=note_id: store.retry_note(note_id, run))  # type: ignore[misc]
        except Exception as exc:
            errors.append(f"#{note.id}: {plain_words(str(exc))}")
    if errors:
        message = views.message_html("Still failing: " + "; ".join(errors), "error")
    else:
        message = views.message_html(f"Re-triaged {len(failed)} note{'s' * (len(failed) != 1)}.", "ok")
    return _view(settings, name, message, store.merged_report(name) if name else None)


def _merged(opportunity: str, settings: Settings) -> MergedReport:
    name = _opportunity_name(opportunity)
    merged = _store(settings).merged_report(name) if name else None
    if merged is None:
        raise UserError("no triaged note for this opportunity yet; paste a note and press Triage first")
    return merged


def export_report(opportunity: str, fmt: str, *, settings: Settings) -> Path:
    """Write the merged report as JSON or CSV under the state directory; return its path."""
    merged = _merged(opportunity, settings)
    return write_export(settings.state_dir, opportunity, merged.to_contract(), fmt)


# -- email -------------------------------------------------------------------------------------


def _to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _questions(draft: Any) -> str:
    questions = list(getattr(draft, "questions", None) or [])
    if not questions:
        return ""
    return "**Open questions in the draft**\n\n" + "\n".join(f"- {question}" for question in questions)


def draft_email(opportunity: str, *, settings: Settings, polish: bool = False) -> EmailView:
    """Draft the follow-up email from the opportunity's merged report."""
    from ..drafting import draft_email as make_draft

    merged = _merged(opportunity, settings)
    draft = make_draft(merged.report, settings=settings, polish=polish)
    notes = ["Draft ready: edit it, copy it, or download it as .eml."]
    removed = list(getattr(getattr(draft, "guard", None), "removed", []) or [])
    if removed:
        notes.append(f"The commitment guard removed {len(removed)} sentence(s) only leadership may promise.")
    notes += [str(warning) for warning in getattr(draft, "warnings", []) or []]
    return EmailView(
        subject=str(getattr(draft, "subject", "")),
        to=_to_text(getattr(draft, "to", "")),
        body=str(getattr(draft, "body", "")),
        questions=_questions(draft),
        message=views.message_html(" ".join(notes), "ok"),
    )


def _with_edits(draft: Any, subject: str, to: str, body: str) -> Any:
    original_to = getattr(draft, "to", None)
    to_value: Any = (
        [part.strip() for part in to.split(",") if part.strip()] if isinstance(original_to, list) else to
    )
    updates = {"subject": subject, "to": to_value, "body": body}
    if hasattr(draft, "model_copy"):
        return draft.model_copy(update=updates)
    import dataclasses

    if dataclasses.is_dataclass(draft) and not isinstance(draft, type):
        return dataclasses.replace(draft, **updates)
    for key, value in updates.items():
        setattr(draft, key, value)
    return draft


def build_eml(opportunity: str, subject: str, to: str, body: str, *, settings: Settings) -> Path:
    """The edited draft as an .eml file under the state directory."""
    from ..drafting import draft_email as make_draft
    from ..drafting import to_eml

    if not (body or "").strip():
        raise UserError("the email body is empty; press 'Draft email' first or write the body")
    from ..text import mask_sensitive

    merged = _merged(opportunity, settings)
    edits = (mask_sensitive(subject or ""), mask_sensitive(to or ""), mask_sensitive(body))  # edited by hand
    draft = _with_edits(make_draft(merged.report, settings=settings, polish=False), *edits)
    path = export_path(settings.state_dir, opportunity or "draft", "eml")
    path.write_bytes(to_eml(draft))
    return path


# -- ask ---------------------------------------------------------------------------------------


def _answer_markdown(contract: dict[str, Any]) -> str:
    owners = contract.get("owners") or []
    owner_text = (
        ", ".join(f"{views.ROLE_LABELS.get(o, o)} (`{o}`)" for o in owners) or "not stated in the playbooks"
    )
    lines = [f"**Owners:** {owner_text}", "", str(contract.get("answer", ""))]
    sources = contract.get("sources") or []
    if sources:
        lines += ["", "**Sources**"]
        for source in sources:
            quote = str(source.get("quote", "")).replace("\n", " ")
            lines.append(f"> {quote}\n>\n> — `{source.get('doc', '')}` § {source.get('section', '')}\n")
    return "\n".join(lines)


def ask_question(question: str, history: list[dict[str, str]] | None, *, settings: Settings) -> AskView:
    """Answer a 'who owns this?' question from the playbooks, with owners and cited passages."""
    from ..retrieval import ask
    from ..text import mask_sensitive, safe_display

    question = mask_sensitive(safe_display(question or "")).strip()  # the chat shows it back
    if not question:
        raise InputError("type a question, e.g. 'who approves a 30% discount?'")
    answer = ask(question, settings=settings, backend="rules")
    contract = answer.to_contract()
    messages = [*(history or []), {"role": "user", "content": question}]
    messages.append({"role": "assistant", "content": _answer_markdown(contract)})
    return AskView(history=messages, contract=contract)


def opportunities_overview(*, settings: Settings) -> str:
    """The Opportunities tab: every deal with its note count and merged gate/trigger state."""
    store = _store(settings)
    rows = []
    for summary in store.list_opportunities():
        merged = store.merged_report(summary.name)
        if merged is None:
            state = "not triaged yet"
        else:
            gate = merged.report.gate
            triggers = ", ".join(merged.report.trigger_ids()) or "no triggers"
            state = (
                f"{'gate ready' if gate.ready else f'{len(gate.missing)} gate inputs missing'}; {triggers}"
            )
        rows.append(
            (summary.name, summary.notes, summary.updated_at.isoformat()[:16].replace("T", " "), state)
        )
    return views.opportunities_html(rows)
