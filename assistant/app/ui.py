"""The Gradio Blocks layout: Triage, Email, Ask and Opportunities tabs.

Only wiring lives here; the work is done by :mod:`assistant.app.handlers`.  Import
this module after :func:`assistant.app.server.prepare_environment` (no analytics).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import gradio as gr

from ..errors import UserError
from . import handlers, views

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["APP_CSS", "build_app"]

APP_CSS = """
.trigger details, .fields details { margin: 2px 0 0 0; }
.fields q, .trigger q { font-style: italic; }
table.fields td, table.fields th, table.history td, table.history th,
table.opportunities td, table.opportunities th { border-left: none !important; border-right: none !important; }
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


def _triage_outputs(view: handlers.TriageView) -> tuple[Any, ...]:
    return (
        view.message,
        view.triggers,
        view.gate,
        view.fields,
        view.history,
        view.data,
        gr.Dropdown(choices=view.choices, value=view.opportunity or None),
    )


def _user_errors(fn: Callable[..., Any], count: int) -> Callable[..., Any]:
    """Show a ``UserError`` in the status box and leave the other outputs unchanged."""

    @functools.wraps(fn)  # keeps the signature: gradio finds the gr.Progress parameter through it
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            return (views.message_html(str(exc), "error"), *([gr.skip()] * (count - 1)))

    return wrapper


def build_app(settings: Settings) -> gr.Blocks:
    """The app bound to ``settings`` (store, backend, state directory)."""

    def triage(
        opportunity: str, kind: str, text: str, upload: str | None, progress: gr.Progress = PROGRESS
    ) -> Any:
        view = handlers.triage_note(opportunity, text, upload, kind, settings=settings, progress=progress)
        return (*_triage_outputs(view), None)

    def load(opportunity: str) -> Any:
        return _triage_outputs(handlers.load_opportunity(opportunity, settings=settings))

    def retry(opportunity: str, progress: gr.Progress = PROGRESS) -> Any:
        return _triage_outputs(handlers.retry_failed(opportunity, settings=settings, progress=progress))

    def export(opportunity: str, fmt: str) -> str:
        try:
            return str(handlers.export_report(opportunity, fmt, settings=settings))
        except UserError as exc:
            raise gr.Error(str(exc)) from None

    def export_json(opportunity: str) -> str:
        return export(opportunity, "json")

    def export_csv(opportunity: str) -> str:
        return export(opportunity, "csv")

    def draft(opportunity: str, progress: gr.Progress = PROGRESS) -> Any:
        progress(0.2, desc="drafting the follow-up")
        try:
            view = handlers.draft_email(opportunity, settings=settings)
        except UserError as exc:
            raise gr.Error(str(exc)) from None
        return view.message, view.subject, view.to, view.body, view.questions, gr.Tabs(selected="email")

    def eml(opportunity: str, subject: str, to: str, body: str) -> str:
        try:
            return str(handlers.build_eml(opportunity, subject, to, body, settings=settings))
        except UserError as exc:
            raise gr.Error(str(exc)) from None

    def ask(question: str, history: list[dict[str, str]] | None) -> Any:
        try:
            view = handlers.ask_question(question, history, settings=settings)
        except UserError as exc:
            raise gr.Error(str(exc)) from None
        return view.history, "", view.contract

    def overview() -> str:
        return handlers.opportunities_overview(settings=settings)

    def choices() -> Any:
        return gr.Dropdown(choices=handlers.opportunity_choices(settings))

    with gr.Blocks(
        title="FastFlex pre-sales assistant", analytics_enabled=False, delete_cache=(3600, 86400)
    ) as demo:
        gr.Markdown(
            "## FastFlex pre-sales assistant\nTriage discovery notes, route escalations, draft the follow-up."
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
                    with gr.Row():
                        json_btn = gr.Button("Export JSON", size="sm")
                        csv_btn = gr.Button("Export CSV", size="sm")
                    export_file = gr.File(label="Export", interactive=False, elem_id="export-file")
                with gr.Column(scale=3):
                    status = gr.HTML(elem_id="status")
                    gr.Markdown("### Escalation triggers")
                    triggers = gr.HTML(elem_id="triggers")
                    gr.Markdown("### Stage gate")
                    gate = gr.HTML(elem_id="gate")
                    with gr.Accordion("Discovery fields (expand a value for its evidence)", open=True):
                        fields = gr.HTML(elem_id="fields")
                    with gr.Accordion("History of this opportunity", open=False):
                        history = gr.HTML(elem_id="history")
                        retry_btn = gr.Button("Retry failed notes", size="sm")
                    with gr.Accordion("Report JSON (contract)", open=False):
                        raw = gr.JSON(elem_id="report-json")
            with gr.Tab("Email", id="email"):
                email_status = gr.HTML()
                subject = gr.Textbox(label="Subject", elem_id="email-subject")
                to = gr.Textbox(label="To", elem_id="email-to")
                body = gr.Textbox(label="Body (editable)", lines=20, buttons=["copy"], elem_id="email-body")
                questions = gr.Markdown()
                with gr.Row():
                    eml_btn = gr.Button("Download as .eml", variant="primary")
                eml_file = gr.File(label=".eml", interactive=False)
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
                overview_html = gr.HTML(elem_id="opportunities")
                refresh_btn = gr.Button("Refresh", size="sm")

        triage_outputs = [status, triggers, gate, fields, history, raw, opportunity]
        triage_btn.click(
            _user_errors(triage, len(triage_outputs) + 1),
            inputs=[opportunity, kind, notes, upload],
            outputs=[*triage_outputs, upload],
            api_name="triage",
            concurrency_limit=settings.app_workers + settings.app_queue,  # the triage pool bounds the work
        )
        opportunity.input(
            _user_errors(load, len(triage_outputs)),
            inputs=opportunity,
            outputs=triage_outputs,
            api_name="load_opportunity",
        )
        retry_btn.click(
            _user_errors(retry, len(triage_outputs)),
            inputs=opportunity,
            outputs=triage_outputs,
            api_name="retry_failed",
        )
        json_btn.click(export_json, inputs=opportunity, outputs=export_file, api_name="export_json")
        csv_btn.click(export_csv, inputs=opportunity, outputs=export_file, api_name="export_csv")
        email_btn.click(
            draft,
            inputs=opportunity,
            outputs=[email_status, subject, to, body, questions, tabs],
            api_name="draft_email",
        )
        eml_btn.click(eml, inputs=[opportunity, subject, to, body], outputs=eml_file, api_name="build_eml")
        ask_btn.click(ask, inputs=[question, chat], outputs=[chat, question, answer_json], api_name="ask")
        question.submit(
            ask, inputs=[question, chat], outputs=[chat, question, answer_json], api_visibility="private"
        )
        refresh_btn.click(overview, outputs=overview_html, api_name="opportunities")
        opp_tab.select(overview, outputs=overview_html, api_visibility="private")
        demo.load(choices, outputs=opportunity, api_visibility="private")
    return demo
