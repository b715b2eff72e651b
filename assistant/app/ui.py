"""The Gradio Blocks layout: Triage, Email, Ask and Opportunities tabs.

Only wiring lives here; the work is done by :mod:`assistant.app.handlers`.  Import
this module after :func:`assistant.app.server.prepare_environment` (no analytics).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from ..errors import UserError
from . import handlers, review_actions, views
from .crm import load_crm_mapping

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["APP_CSS", "build_app"]

APP_CSS = """
.trigger details, .fields details { margin: 2px 0 0 0; }
.fields q, .trigger q { font-style: italic; }
table.fields td, table.fields th, table.history td, table.history th,
table.opportunities td, table.opportunities th, table.audit td, table.audit th
  { border-left: none !important; border-right: none !important; }
.fields .quote { font-size: 0.9em; opacity: .85; margin-top: 2px; }
a.show-in-note { font-size: 0.85em; white-space: nowrap; }
.notes mark { background: #fef7c3; color: inherit; border-radius: 2px; }
.notes mark:target { background: #fdb022; outline: 2px solid #dc6803; }
"""
NOTE_KIND_CHOICES = [
    ("Intro notes (external rep)", "intro"),
    ("Discovery call", "discovery"),
    ("Validation call", "validation"),
    ("Follow-up", "follow_up"),
    ("Other", "other"),
]
PROGRESS = gr.Progress()  # gradio tracks progress per event; one default instance is the usual pattern
PLACEHOLDER = "Paste the external rep's intro notes or a call transcript (speaker: text) here..."


BODY_LINES, MAX_BODY_LINES = 12, 400
TRIGGER_ACTION_CHOICES = [
    ("Acknowledge (seen, review under way)", "acknowledged"),
    ("Resolve (decided)", "resolved"),
]
COPY_ALL_JS = """(to, cc, subject, body) => {
  const text = `To: ${to}\n` + (cc ? `Cc: ${cc}\n` : "") + `Subject: ${subject}\n\n${body}`;
  if (navigator.clipboard) { navigator.clipboard.writeText(text); }
  return [];
}"""


def _mailto_html(view: handlers.EmailView) -> str:
    if not view.mailto:
        return ""
    return (
        f'<a id="mailto-link" class="mailto" href="{escape(view.mailto)}" '
        'style="display:inline-block;padding:6px 14px;border:1px solid #8886;border-radius:6px;'
        'text-decoration:none;font-weight:600">Open in mail client</a>'
    )


def _download(path: Path | None) -> Any:
    return gr.DownloadButton(value=str(path) if path else None, interactive=path is not None)


def _email_outputs(view: handlers.EmailView) -> tuple[Any, ...]:
    return (
        view.message,
        view.subject,
        view.to,
        view.cc,
        gr.Textbox(value=view.body, lines=max(BODY_LINES, view.body.count("\n") + 2)),  # the whole draft
        view.questions,
        _mailto_html(view),
        _download(view.eml),
        gr.Column(visible=bool(view.body)),  # the editor only once there is a draft; a hint before
    )


def _triage_outputs(view: handlers.TriageView) -> tuple[Any, ...]:
    email = view.email or handlers.email_hint(view.opportunity if view.data is None else "")
    return (
        view.message,
        view.triggers,
        view.gate,
        view.fields,
        view.history,
        view.data,
        gr.Dropdown(choices=view.choices, value=view.opportunity or None),
        view.notes,
        view.audit,
        gr.Dropdown(choices=view.field_choices, value=None),
        gr.Row(visible=bool(view.conflict_choices)),
        gr.Dropdown(choices=view.conflict_choices, value=None),
        gr.Dropdown(choices=view.trigger_choices, value=None),
        _download(view.exports.get("json")),
        _download(view.exports.get("csv")),
        _download(view.exports.get("crm")),
        *_email_outputs(email),
    )


def _user_errors(fn: Callable[..., Any], count: int) -> Callable[..., Any]:
    """Show a ``UserError`` in the status box and leave the other outputs unchanged."""

    @functools.wraps(fn)  # keeps the signature: gradio finds the gr.Progress / gr.Request parameters
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            return (views.message_html(str(exc), "error"), *([gr.skip()] * (count - 1)))

    return wrapper


def _user(request: gr.Request | None) -> str:
    return str(getattr(request, "username", None) or "")


def build_app(settings: Settings) -> gr.Blocks:
    """The app bound to ``settings`` (store, backend, state directory)."""

    def triage(
        opportunity: str,
        kind: str,
        text: str,
        upload: str | None,
        request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> Any:
        view = handlers.triage_note(
            opportunity, text, upload, kind, settings=settings, progress=progress, user=_user(request)
        )
        return (*_triage_outputs(view), None)

    def load(opportunity: str, request: gr.Request) -> Any:
        return _triage_outputs(handlers.load_opportunity(opportunity, settings=settings, user=_user(request)))

    def retry(opportunity: str, request: gr.Request, progress: gr.Progress = PROGRESS) -> Any:
        view = handlers.retry_failed(opportunity, settings=settings, progress=progress, user=_user(request))
        return _triage_outputs(view)

    def set_value(opportunity: str, field: str, value: str, request: gr.Request) -> Any:
        view = review_actions.set_field_value(
            opportunity, field, value, settings=settings, user=_user(request)
        )
        return (*_triage_outputs(view), "")

    def clear_value(opportunity: str, field: str, request: gr.Request) -> Any:
        view = review_actions.clear_field_value(opportunity, field, settings=settings, user=_user(request))
        return (*_triage_outputs(view), "")

    def revert_value(opportunity: str, field: str, request: gr.Request) -> Any:
        view = review_actions.revert_field_value(opportunity, field, settings=settings, user=_user(request))
        return (*_triage_outputs(view), "")

    def pick(opportunity: str, choice: str, request: gr.Request) -> Any:
        view = review_actions.pick_conflict_value(opportunity, choice, settings=settings, user=_user(request))
        return _triage_outputs(view)

    def review_trigger(opportunity: str, trigger: str, action: str, comment: str, request: gr.Request) -> Any:
        view = review_actions.review_trigger(
            opportunity, trigger, action, comment, settings=settings, user=_user(request)
        )
        return (*_triage_outputs(view), "")

    def crm(opportunity: str, system: str) -> Any:
        if not (opportunity or "").strip():
            return gr.skip()
        try:
            path = handlers.export_report(opportunity, "crm", settings=settings, crm_system=system)
        except UserError:
            return _download(None)
        return _download(path)

    def draft(opportunity: str) -> Any:
        try:
            view = handlers.draft_email(opportunity, settings=settings)
        except UserError as exc:
            view = handlers.email_hint()
            view.message = views.message_html(str(exc), "error")
        return (*_email_outputs(view), gr.Tabs(selected="email"))

    def eml(opportunity: str, subject: str, to: str, cc: str, body: str) -> Any:
        try:
            path = handlers.build_eml(opportunity, subject, to, body, settings=settings, cc=cc)
        except UserError as exc:
            return views.message_html(str(exc), "error"), gr.skip(), _download(None)
        view = handlers.EmailView(subject, to, body, "", "", cc=cc)
        view.mailto = handlers.mailto_link(to, cc, subject, body)
        return (
            views.message_html("Draft updated: the .eml and the mail link carry your edits.", "ok"),
            _mailto_html(view),
            _download(path),
        )

    def ask(question: str, history: list[dict[str, str]] | None) -> Any:
        try:
            view = handlers.ask_question(question, history, settings=settings)
        except UserError as exc:
            raise gr.Error(str(exc)) from None
        return view.history, "", view.contract

    def overview() -> Any:
        return handlers.opportunities_rows(settings=settings)

    def open_row(event: gr.SelectData, request: gr.Request) -> Any:
        row = event.row_value or []
        name = str(row[0]) if row else ""
        if not name:
            return (gr.skip(),) * (len(triage_outputs) + 1)
        detail = handlers.opportunity_detail(name, settings=settings)
        view = handlers.load_opportunity(name, settings=settings, user=_user(request))
        return (detail, *_triage_outputs(view))

    def choices() -> Any:
        return gr.Dropdown(choices=handlers.opportunity_choices(settings))

    crm_systems = list(load_crm_mapping(settings).systems.items())
    with gr.Blocks(
        title="FastFlex pre-sales assistant", analytics_enabled=False, delete_cache=(3600, 86400)
    ) as demo:
        gr.Markdown(
            "## FastFlex pre-sales assistant\nTriage discovery notes, review what they say, route escalations, "
            "send the follow-up."
        )
        with gr.Tabs(selected="triage") as tabs:
            with gr.Tab("Triage", id="triage"), gr.Row():
                with gr.Column(scale=2):
                    opportunity = gr.Dropdown(
                        label="Opportunity",
                        info="Pick one, or type a new name and press Enter",
                        choices=handlers.opportunity_choices(settings),
                        value=None,
                        allow_custom_value=True,
                        elem_id="opportunity",
                    )
                    kind = gr.Dropdown(
                        NOTE_KIND_CHOICES, value="discovery", label="This note is", elem_id="kind"
                    )
                    notes = gr.Textbox(
                        label="Notes or transcript", lines=14, placeholder=PLACEHOLDER, elem_id="notes"
                    )
                    upload = gr.File(
                        label="...or upload a file (.txt, .md, .eml, .vtt; 1 MB max)",
                        file_types=list(handlers.ALLOWED_SUFFIXES),
                        type="filepath",
                        elem_id="upload",
                    )
                    with gr.Row():
                        triage_btn = gr.Button("Triage", variant="primary", elem_id="triage-btn")
                        email_btn = gr.Button("Draft email", elem_id="draft-btn")
                    gr.Markdown("**Export** the reviewed report (one click downloads)")
                    with gr.Row():
                        json_dl = gr.DownloadButton(
                            "JSON", size="sm", interactive=False, elem_id="export-json"
                        )
                        csv_dl = gr.DownloadButton("CSV", size="sm", interactive=False, elem_id="export-csv")
                        crm_dl = gr.DownloadButton(
                            "CRM CSV", size="sm", interactive=False, elem_id="export-crm"
                        )
                    crm_system = gr.Dropdown(
                        [(system.label, key) for key, system in crm_systems],
                        value=crm_systems[0][0],
                        label="CRM column names (policy/crm_mapping.toml)",
                        elem_id="crm-system",
                    )
                with gr.Column(scale=3):
                    status = gr.HTML(elem_id="status")
                    gr.Markdown("### Escalation triggers")
                    triggers = gr.HTML(elem_id="triggers")
                    gr.Markdown("### Stage gate")
                    gate = gr.HTML(elem_id="gate")
                    with gr.Accordion(
                        "Review: correct a field, pick between notes, review a trigger", open=True
                    ):
                        with gr.Row():
                            field_dd = gr.Dropdown([], label="Field", scale=2, elem_id="review-field")
                            field_value = gr.Textbox(
                                label="Your value (lists: comma-separated)", scale=3, elem_id="review-value"
                            )
                        with gr.Row():
                            set_btn = gr.Button(
                                "Save value", size="sm", variant="primary", elem_id="set-field"
                            )
                            clear_btn = gr.Button("Clear (not discussed)", size="sm", elem_id="clear-field")
                            revert_btn = gr.Button(
                                "Back to the notes' value", size="sm", elem_id="revert-field"
                            )
                        with gr.Row(visible=False) as conflict_row:
                            conflict_dd = gr.Dropdown(
                                [],
                                label="Notes disagree: keep which value?",
                                scale=4,
                                elem_id="conflict",
                            )
                            pick_btn = gr.Button("Use this value", size="sm", scale=1, elem_id="pick-value")
                        with gr.Row():
                            trigger_dd = gr.Dropdown([], label="Trigger", scale=2, elem_id="review-trigger")
                            action = gr.Radio(
                                TRIGGER_ACTION_CHOICES,
                                value="acknowledged",
                                label="Decision",
                                scale=2,
                                elem_id="review-action",
                            )
                        with gr.Row():
                            comment = gr.Textbox(
                                label="Review note (who decided what)", scale=4, elem_id="review-comment"
                            )
                            review_btn = gr.Button("Save review", size="sm", scale=1, elem_id="save-review")
                    with gr.Accordion(
                        "Discovery fields (first quote; 'show in note' highlights it)", open=True
                    ):
                        fields = gr.HTML(elem_id="fields")
                    with gr.Accordion("Notes of this opportunity (quotes highlighted)", open=True):
                        notes_view = gr.HTML(elem_id="notes-view")
                    with gr.Accordion("Audit log (who changed what, when, from which note)", open=False):
                        audit = gr.HTML(elem_id="audit")
                    with gr.Accordion("History of this opportunity", open=False):
                        history = gr.HTML(elem_id="history")
                        retry_btn = gr.Button("Retry failed notes", size="sm")
                    with gr.Accordion("Report JSON (contract)", open=False):
                        raw = gr.JSON(elem_id="report-json")
            with gr.Tab("Email", id="email"):
                hint = handlers.email_hint()
                email_status = gr.HTML(hint.message, elem_id="email-status")
                with gr.Column(visible=False, elem_id="email-editor") as email_editor:
                    to = gr.Textbox(label="To", elem_id="email-to")
                    cc = gr.Textbox(label="Cc", elem_id="email-cc")
                    subject = gr.Textbox(label="Subject", elem_id="email-subject")
                    body = gr.Textbox(
                        label="Body (editable; the whole draft, sign-off included)",
                        lines=BODY_LINES,
                        max_lines=MAX_BODY_LINES,
                        autoscroll=False,
                        buttons=["copy"],
                        elem_id="email-body",
                    )
                    with gr.Row():
                        copy_btn = gr.Button("Copy all (To, Cc, Subject, Body)", elem_id="copy-all")
                        mailto = gr.HTML(elem_id="mailto")
                        eml_dl = gr.DownloadButton(
                            "Download .eml", variant="primary", interactive=False, elem_id="eml-download"
                        )
                    questions = gr.Markdown(elem_id="email-questions")
            with gr.Tab("Ask", id="ask"):
                chat = gr.Chatbot(
                    label="Who owns this? (answers cite the playbooks)", height=420, elem_id="chat"
                )
                with gr.Row():
                    question = gr.Textbox(
                        label="Question",
                        placeholder="who approves a 30% discount?",
                        scale=5,
                        elem_id="question",
                    )
                    ask_btn = gr.Button("Ask", variant="primary", scale=1)
                with gr.Accordion("Answer JSON", open=False):
                    answer_json = gr.JSON()
            with gr.Tab("Opportunities", id="opportunities") as opp_tab:
                gr.Markdown(
                    "Click a row to open the opportunity (it also becomes the one on the Triage and Email tabs)."
                )
                table = gr.Dataframe(
                    headers=["opportunity", "notes", "updated", "gate", "open triggers", "owner"],
                    interactive=False,
                    wrap=True,
                    elem_id="opportunities",
                )
                refresh_btn = gr.Button("Refresh", size="sm")
                detail = gr.HTML(elem_id="opportunity-detail")

        email_outputs = [email_status, subject, to, cc, body, questions, mailto, eml_dl, email_editor]
        triage_outputs = [
            status,
            triggers,
            gate,
            fields,
            history,
            raw,
            opportunity,
            notes_view,
            audit,
            field_dd,
            conflict_row,
            conflict_dd,
            trigger_dd,
            json_dl,
            csv_dl,
            crm_dl,
            *email_outputs,
        ]
        count = len(triage_outputs)
        triage_btn.click(
            _user_errors(triage, count + 1),
            inputs=[opportunity, kind, notes, upload],
            outputs=[*triage_outputs, upload],
            api_name="triage",
            concurrency_limit=settings.app_workers + settings.app_queue,  # the triage pool bounds the work
        )
        opportunity.input(
            _user_errors(load, count), inputs=opportunity, outputs=triage_outputs, api_name="load_opportunity"
        )
        retry_btn.click(
            _user_errors(retry, count), inputs=opportunity, outputs=triage_outputs, api_name="retry_failed"
        )
        set_btn.click(
            _user_errors(set_value, count + 1),
            inputs=[opportunity, field_dd, field_value],
            outputs=[*triage_outputs, field_value],
            api_name="set_field",
        )
        field_dd.input(
            lambda name, field: handlers.current_value(name, field, settings=settings),
            inputs=[opportunity, field_dd],
            outputs=field_value,
            api_visibility="private",
        )
        clear_btn.click(
            _user_errors(clear_value, count + 1),
            inputs=[opportunity, field_dd],
            outputs=[*triage_outputs, field_value],
            api_name="clear_field",
        )
        revert_btn.click(
            _user_errors(revert_value, count + 1),
            inputs=[opportunity, field_dd],
            outputs=[*triage_outputs, field_value],
            api_name="revert_field",
        )
        pick_btn.click(
            _user_errors(pick, count),
            inputs=[opportunity, conflict_dd],
            outputs=triage_outputs,
            api_name="pick_value",
        )
        review_btn.click(
            _user_errors(review_trigger, count + 1),
            inputs=[opportunity, trigger_dd, action, comment],
            outputs=[*triage_outputs, comment],
            api_name="review_trigger",
        )
        crm_system.change(crm, inputs=[opportunity, crm_system], outputs=crm_dl, api_visibility="private")
        email_btn.click(draft, inputs=opportunity, outputs=[*email_outputs, tabs], api_name="draft_email")
        for box in (subject, to, cc, body):
            box.blur(
                eml,
                inputs=[opportunity, subject, to, cc, body],
                outputs=[email_status, mailto, eml_dl],
                api_visibility="private",
            )
        copy_btn.click(None, inputs=[to, cc, subject, body], js=COPY_ALL_JS)
        ask_btn.click(ask, inputs=[question, chat], outputs=[chat, question, answer_json], api_name="ask")
        question.submit(
            ask, inputs=[question, chat], outputs=[chat, question, answer_json], api_visibility="private"
        )
        refresh_btn.click(overview, outputs=table, api_name="opportunities")
        opp_tab.select(overview, outputs=table, api_visibility="private")
        table.select(open_row, outputs=[detail, *triage_outputs], api_visibility="private")
        demo.load(choices, outputs=opportunity, api_visibility="private")
    return demo
