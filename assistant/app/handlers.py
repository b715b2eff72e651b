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

from ..errors import InputError
from ..text.display import plain_words
from . import review_views, views
from .export import export_path, write_export, write_file
from .mail import EmailView, build_eml, draft_email, email_hint, email_view, mailto_link
from .review import (
    Opportunity,
    current_user,
    load_reviewed,
    opportunity_name,
    reviewed_opportunity,
    trigger_titles,
)
from .workers import AppBusy, pool_for

if TYPE_CHECKING:
    from ..config import Settings
    from ..schema import TriageReport
    from ..store import Store

__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "AskView",
    "EmailView",
    "TriageView",
    "ask_question",
    "build_eml",
    "crm_export",
    "current_value",
    "default_triage",
    "draft_email",
    "email_hint",
    "eml_text",
    "export_report",
    "load_opportunity",
    "mailto_link",
    "opportunities_rows",
    "opportunity_choices",
    "opportunity_detail",
    "owner_of",
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
    notes: str = ""
    audit: str = ""
    field_choices: list[tuple[str, str]] = dc_field(default_factory=list)
    conflict_choices: list[tuple[str, str]] = dc_field(default_factory=list)
    trigger_choices: list[tuple[str, str]] = dc_field(default_factory=list)
    exports: dict[str, Path] = dc_field(default_factory=dict)
    email: EmailView | None = None


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


def _label(name: str) -> str:
    return name.replace("_", " ")


def _choices(opp: Opportunity, titles: dict[str, str]) -> tuple[list[Any], list[Any], list[Any]]:
    """Dropdown choices: every field, every open conflict value, every trigger."""
    from ..schema import FIELD_NAMES

    data = opp.data or {"fields": {}, "triggers": []}
    fields = []
    for name in FIELD_NAMES:
        current = data["fields"].get(name, {})
        value = (
            views.plain_value(current.get("value")) if current.get("status") != "missing" else "not discussed"
        )
        fields.append((f"{_label(name)}: {value}"[:90], name))
    conflicts = []
    for name, field in data["fields"].items():
        for item in (field.get("conflict") or {}).get("values", []):
            label = f"{_label(name)} = {views.plain_value(item['value'])} ({views.note_label(item['note_id'], opp.numbers)})"
            conflicts.append((label[:120], f"{name}|{item['note_id']}"))
    triggers = [(titles.get(t["id"], t["id"]), t["id"]) for t in data["triggers"]]
    return fields, conflicts, triggers


def owner_of(store: Store, opportunity: str, settings: Settings, user: str = "") -> str:
    """The SDR who owns the opportunity: whoever added its first note (else the acting user)."""
    from ..store.review import audit_log

    added = [entry for entry in audit_log(store, opportunity) if entry.action == "note added"]
    return added[-1].user if added else current_user(user or None, settings)


def _exports(settings: Settings, opp: Opportunity, owner: str, crm_system: str | None) -> dict[str, Path]:
    data = opp.data
    if data is None:
        return {}
    out = {fmt: write_export(settings.state_dir, opp.name, data, fmt) for fmt in ("json", "csv")}
    out["crm"] = crm_export(settings, opp, owner, crm_system)
    return out


def crm_export(settings: Settings, opp: Opportunity, owner: str, system: str | None = None) -> Path:
    """The CRM-ready CSV of the reviewed opportunity for ``system`` (first in the mapping by default)."""
    from .crm import crm_csv, load_crm_mapping

    assert opp.data is not None
    mapping = load_crm_mapping(settings)
    name = system if system in mapping.systems else next(iter(mapping.systems))
    titles = trigger_titles(settings)
    extras = {
        "opportunity": opp.name,
        "owner": owner,
        "gate_ready": bool(opp.data["gate"].get("ready")),
        "gate_missing": [_label(item) for item in opp.data["gate"].get("missing", [])],
        "open_triggers": [titles.get(t, t) for t in (opp.reviewed.open_triggers if opp.reviewed else [])],
    }
    path = export_path(settings.state_dir, f"{opp.name}-{name}", "csv")
    return write_file(path, crm_csv(mapping.systems[name], opp.data, extras))


def _view(
    settings: Settings,
    opportunity: str,
    message: str,
    *,
    user: str = "",
    crm_system: str | None = None,
) -> TriageView:
    store = _store(settings)
    opp = load_reviewed(store, opportunity, settings) if opportunity else None
    titles = trigger_titles(settings)
    view = TriageView(opportunity=opportunity, message=message, choices=opportunity_choices(settings))
    if opp is None:
        return view
    from ..store.review import audit_log

    view.history = views.history_html(store.history(opportunity), opp.numbers, titles)
    view.audit = review_views.audit_html(audit_log(store, opportunity), opp.numbers)
    view.notes = review_views.notes_html(opp.notes, opp.numbers, opp.data)
    view.field_choices, view.conflict_choices, view.trigger_choices = _choices(opp, titles)
    if opp.data is not None:
        view.data = opp.data
        view.fields = views.fields_html(opp.data, numbers=opp.numbers)
        view.triggers = views.triggers_html(opp.data, titles, opp.numbers)
        view.gate = views.gate_html(opp.data, _required(store))
        owner = owner_of(store, opportunity, settings, user)
        view.exports = _exports(settings, opp, owner, crm_system)
        view.email = email_view(settings, opp)
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
    user: str = "",
) -> TriageView:
    """Save the note (masked) under ``opportunity``, triage it, and show the reviewed report.

    Input mistakes (no name, empty text, bad upload) save nothing and raise ``UserError``.
    A note identical to one the opportunity already has is not saved again.
    A failure during triage leaves the note saved (status ``failed``) and is reported in the view.
    """
    from ..store.review import find_duplicate, log, note_numbers

    name = opportunity_name(opportunity)
    if not name:
        raise InputError("pick an opportunity or type a new opportunity name first")
    _step(progress, 0.05, "reading input")
    body, source = _pick_input(text, upload)
    store = _store(settings)
    who = current_user(user or None, settings)
    duplicate = find_duplicate(store, name, body)
    if duplicate is not None and duplicate.id is not None:
        number = note_numbers(store.notes(name))[duplicate.id]
        message = views.message_html(
            f"This note is identical to note {number} of {name} (saved {views.when(duplicate.created_at)}); "
            "it was not saved again.",
            "warn",
        )
        return _view(settings, name, message, user=who)
    _step(progress, 0.15, "saving note")
    note = store.save_note(name, body, source=source, kind=kind or "other")
    assert note.id is not None
    number = len(store.notes(name))
    log(store, name, who, "note added", target=source, note_id=note.id, comment=kind or "other")
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
        message = views.message_html(
            f"Note {number} saved, but triage failed ({plain_words(str(exc))}); fix the cause and press 'Retry failed notes'.",
            "error",
        )
        return _view(settings, name, message, user=who)
    store.record_report(note.id, report)
    _step(progress, 0.85, "merging with earlier notes")
    view = _view(settings, name, "", user=who)
    _step(progress, 1.0, "done")
    count = len(view.data.get("notes", [])) if view.data else 1
    conflicts = [label for label, _ in view.conflict_choices]
    text_out = f"Note {number} ({source}) saved and triaged; report merges {count} note{'s' * (count != 1)}."
    if conflicts:
        text_out += " Notes disagree on some fields: pick a value under Review."
    # what the report warns about (off-topic input, no customer, masked card data aside)
    warnings = [w for w in report.warnings if not w.startswith("card data")]
    text_out = " ".join([text_out, *(f"Warning: {w}." for w in warnings)])
    view.message = views.message_html(text_out, "warn" if conflicts or warnings else "ok")
    return view


def load_opportunity(opportunity: str, *, settings: Settings, user: str = "") -> TriageView:
    """Show the reviewed report and history of an existing opportunity (nothing for a new name)."""
    name = opportunity_name(opportunity)
    if not name:
        return TriageView(opportunity="", message="", choices=opportunity_choices(settings))
    store = _store(settings)
    if store.find_opportunity(name) is None:
        view = _view(settings, "", views.message_html(f"New opportunity '{name}': paste its first note."))
        view.opportunity = name
        return view
    view = _view(settings, name, "", user=user)
    if view.data is None:
        view.message = views.message_html("No triaged note yet.")
    else:
        open_count = len(
            [t for t in view.data["triggers"] if (t.get("review") or {}).get("action") != "resolved"]
        )
        notes = len(view.data.get("notes", []))
        view.message = views.message_html(
            f"Merged {notes} note{'s' * (notes != 1)}: {open_count} trigger{'s' * (open_count != 1)} to review."
        )
    return view


def retry_failed(
    opportunity: str,
    *,
    settings: Settings,
    progress: Progress | None = None,
    triage: TriageFn | None = None,
    user: str = "",
) -> TriageView:
    """Triage again every note of ``opportunity`` whose triage failed."""
    name = opportunity_name(opportunity)
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
    return _view(settings, name, message, user=user)


def export_report(opportunity: str, fmt: str, *, settings: Settings, crm_system: str | None = None) -> Path:
    """Write the reviewed report as JSON, CSV or CRM CSV under the state directory; return its path."""
    opp = reviewed_opportunity(opportunity, settings)
    assert opp.data is not None
    if fmt == "crm":
        return crm_export(settings, opp, owner_of(_store(settings), opp.name, settings), crm_system)
    return write_export(settings.state_dir, opportunity, opp.data, fmt)


# -- ask ---------------------------------------------------------------------------------------


_MAINTAINER_HINT = "knowledge/"  # a refusal's advice to edit the playbooks is for maintainers, not SDRs
SDR_REFUSAL_HINT = (
    "Ask your sales-ops lead to add this to the playbooks; until then, check with your manager."
)


def _in_words(text: str) -> str:
    """Role ids ("certification_sme") replaced with their names; maintainer advice replaced."""
    for role, label in views.ROLE_LABELS.items():
        text = text.replace(f"`{role}`", label).replace(role, label)
    sentences = [part for part in text.split(". ") if _MAINTAINER_HINT not in part]
    if len(sentences) < len(text.split(". ")):
        return ". ".join(sentences).rstrip(". ") + ". " + SDR_REFUSAL_HINT
    return text


def _answer_markdown(contract: dict[str, Any]) -> str:
    owners = contract.get("owners") or []
    owner_text = ", ".join(views.ROLE_LABELS.get(o, o.replace("_", " ")) for o in owners)
    lines = [
        f"**Owners:** {owner_text or 'not stated in the playbooks'}",
        "",
        _in_words(str(contract.get("answer", ""))),
    ]
    sources = contract.get("sources") or []
    if sources:
        lines += ["", "**Sources**"]
        for source in sources:
            quote = _in_words(str(source.get("quote", "")).replace("\n", " "))
            lines.append(f"> {quote}\n>\n> — {source.get('doc', '')} § {source.get('section', '')}\n")
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


def opportunities_rows(*, settings: Settings) -> list[list[Any]]:
    """The Opportunities table: name, notes, updated, gate, open triggers (in words), owner."""
    store = _store(settings)
    titles = trigger_titles(settings)
    rows = []
    for summary in store.list_opportunities():
        opp = load_reviewed(store, summary.name, settings)
        if opp.reviewed is None:
            gate, triggers = "not triaged yet", ""
        else:
            missing = len(opp.reviewed.report.gate.missing)
            gate = "ready" if opp.reviewed.report.gate.ready else f"{missing} missing"
            triggers = ", ".join(titles.get(t, t) for t in opp.reviewed.open_triggers) or "none"
        rows.append(
            [
                summary.name,
                summary.notes,
                views.when(summary.updated_at),
                gate,
                triggers,
                owner_of(store, summary.name, settings),
            ]
        )
    return rows


def current_value(opportunity: str, field: str, *, settings: Settings) -> str:
    """The reviewed value of ``field`` as the rep would type it ("" when missing or unknown)."""
    name = opportunity_name(opportunity)
    if not name or not field:
        return ""
    data = load_reviewed(_store(settings), name, settings).data or {"fields": {}}
    payload = data["fields"].get(field) or {}
    return "" if payload.get("status", "missing") == "missing" else views.plain_value(payload.get("value"))


def opportunity_detail(opportunity: str, *, settings: Settings) -> str:
    """One opportunity: owner, timeline, open triggers, gate, next steps and reviewed fields."""
    store = _store(settings)
    opp = load_reviewed(store, opportunity, settings)
    return review_views.opportunity_html(
        opp.name,
        owner_of(store, opp.name, settings),
        opp.notes,
        opp.numbers,
        opp.data,
        trigger_titles(settings),
        _required(store),
    )
