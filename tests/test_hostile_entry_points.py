"""Every place text enters goes through masking first; views drop control characters.

One test per entry point asserts that no card number survives: triage (JSON, terminal view,
file name), email (transcript and saved report), ask, the app (opportunity names, upload file
names, raw uploads, edited drafts), the store, eval run files, failure messages and LLM requests.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from assistant.app import handlers
from assistant.cli import main
from assistant.config import Settings, get_settings
from assistant.drafting import to_eml
from assistant.drafting.models import EmailDraft
from assistant.errors import InputError
from assistant.evaluation.report import write_run_folder
from assistant.render import render_report
from assistant.store import Store
from assistant.text import decode_text
from assistant.triage import triage_text

PAN = "4111111111111111"
FORMS = [
    "4111  1111  1111  1111",
    "4111–1111–1111–1111",
    "PAN:4111111111111111exp1228",
    "4111\u00a01111\u00a01111\u00a01111",
]
NOTE = "Acme Grocers - grocer\n- proc: Fiserv\n- card " + FORMS[0] + " and " + FORMS[2] + "\n- 40 kiosks\n"


def no_pan(text: str) -> bool:
    return PAN[:12] not in re.sub(r"\D", "", text) and "4111 1111 1111" not in text


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    return get_settings()


def test_triage_json_terminal_view_and_file_name(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / f"call-{PAN}.txt"
    path.write_text(NOTE, encoding="utf-8")
    result = CliRunner().invoke(main, ["triage", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert no_pan(result.output) and "call-************1111.txt" in result.output
    view = CliRunner().invoke(main, ["triage", str(path)])
    assert view.exit_code == 0 and no_pan(view.output)


def test_email_from_transcript_and_from_saved_report(tmp_path: Path, settings: Settings) -> None:
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    assert no_pan(CliRunner().invoke(main, ["email", str(note), "--json"]).output)
    saved = tmp_path / "report.json"
    report = triage_text("Acme Grocers - grocer\nproc: Fiserv", source="x").to_contract()
    report["fields"]["company"]["evidence"] = [f"Acme Grocers {FORMS[1]}"]
    report["fields"]["company"]["value"] = f"Acme {FORMS[1]}"
    saved.write_text(json.dumps(report), encoding="utf-8")
    result = CliRunner().invoke(main, ["email", str(saved)])
    assert no_pan(result.output), result.output


def test_ask_does_not_echo_a_card_number(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    import assistant.retrieval as retrieval

    seen: list[str] = []
    monkeypatch.setattr(retrieval, "get_retriever", lambda settings: None)
    monkeypatch.setattr(
        retrieval, "answer_question", lambda question, retriever: seen.append(question) or question
    )
    echoed: Any = retrieval.ask(f"who owns a refund on card {FORMS[0]}?", settings=settings)
    assert no_pan(seen[0]) and no_pan(echoed)


def test_app_ask_chat_does_not_show_a_card_number(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    import assistant.retrieval as retrieval

    class Answer:
        def __init__(self, question: str) -> None:
            self.question = question

        def to_contract(self) -> dict[str, Any]:
            return {"question": self.question, "owners": [], "answer": "", "sources": [], "must_not": []}

    monkeypatch.setattr(retrieval, "ask", lambda question, **kwargs: Answer(question))
    view = handlers.ask_question(f"refund on card {FORMS[2]}?", None, settings=settings)
    assert no_pan(json.dumps(view.history)) and no_pan(json.dumps(view.contract))


def test_app_names_uploads_and_edited_drafts(tmp_path: Path, settings: Settings) -> None:
    upload = tmp_path / f"notes {PAN}.txt"
    upload.write_text(NOTE, encoding="utf-8")
    view = handlers.triage_note(f"Acme {FORMS[3]}", None, str(upload), "intro", settings=settings)
    assert not upload.exists()  # the raw upload is deleted once read
    shown = view.message + view.history + view.fields + " ".join(view.choices)
    assert no_pan(shown), shown
    store = Store(settings.database_url)
    assert all(no_pan(s.name) for s in store.list_opportunities())
    for note in store.notes(view.opportunity):
        assert no_pan(note.text) and no_pan(note.source)
    eml = handlers.build_eml(
        view.opportunity, f"Re {PAN}", "Dana", f"card {FORMS[1]} noted", settings=settings
    )
    assert no_pan(eml.read_text(encoding="utf-8"))


def test_refused_upload_is_deleted_too(tmp_path: Path) -> None:
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF")
    with pytest.raises(InputError):
        handlers.read_upload(bad)
    assert not bad.exists()


def test_store_masks_names_sources_text_and_errors(settings: Settings) -> None:
    store = Store(settings.database_url)
    note = store.save_note(f"Deal {PAN}", f"card {FORMS[2]}", source=f"file-{PAN}.txt")
    failed = store.record_failure(note.id or 0, f"boom on {PAN}")
    assert no_pan(note.text) and no_pan(note.source) and no_pan(failed.error or "")
    assert all(no_pan(s.name) for s in store.list_opportunities())


def test_eval_run_files(tmp_path: Path) -> None:
    from assistant.evaluation.labels import CaseLabels
    from assistant.evaluation.metrics import score_case, summarise

    labels = CaseLabels(id="c1", kind="hard_case", description="hand made", triggers=["tooling_unclear"])
    score = score_case(labels, {"fields": {}, "triggers": [], "gate": {"missing": []}})
    from assistant.evaluation.metrics import RunInfo

    info = RunInfo(
        name="r",
        backend="fake",
        report_backend="fake",
        split="dev",
        started_at="now",
        duration_s=0.1,
        python="3",
        evals_dir=".",
    )
    summary = summarise([score]).model_copy(update={"run": info})
    failures = [*score.failures(), f"company: value None (gold 'Acme {PAN}')"]
    case = {"id": "c1", "kind": "hard_case", "split": "dev", "passed": False, "failures": failures}
    write_run_folder(tmp_path / "run", summary, [case])
    files = [p for p in (tmp_path / "run").rglob("*") if p.is_file() and p.suffix in (".json", ".md")]
    assert len(files) >= 3
    for path in files:
        assert no_pan(path.read_text(encoding="utf-8")), path


def test_llm_requests_carry_no_card_number(settings: Settings) -> None:
    from assistant.extract.llm.backend import LLMBackend
    from assistant.text import Document

    sent: list[str] = []

    class Capture:
        def call(self, messages: Any, **_: Any) -> Any:
            sent.append(json.dumps(messages, default=str))
            from assistant.errors import BackendError

            raise BackendError("stop here")

    backend = LLMBackend(settings)
    backend.client = lambda: Capture()  # type: ignore[method-assign]
    extraction = backend.extract(Document.from_text(NOTE))
    assert sent and all(no_pan(body) for body in sent)
    assert any("did not answer usably (stop here)" in w for w in extraction.warnings)


# -- control characters and headers ----------------------------------------------------------


def test_escape_sequences_never_reach_the_terminal(settings: Settings) -> None:
    report = triage_text(
        "Acme\x1b]0;pwned\x07 Grocers - grocer\n\x1b[2Jproc: Fiserv\x9b31m\n" + "- 40 kiosks, 20% off\n" * 20,
        source="a\x1b[2J.txt",
    )
    buffer = io.StringIO()
    render_report(report, Console(file=buffer, force_terminal=False, width=160))
    assert (
        "\x1b" not in buffer.getvalue()
        and "\x9b" not in buffer.getvalue()
        and "\x07" not in buffer.getvalue()
    )


def test_app_views_drop_control_characters(settings: Settings) -> None:
    from assistant.app import views

    html = views.message_html("note\x1b[2J \x07saved")
    assert "\x1b" not in html and "\x07" not in html


@pytest.mark.parametrize("header", ["to", "subject", "sender_name"])
def test_line_breaks_in_email_headers_are_refused(header: str) -> None:
    fields: dict[str, Any] = {"to": "Dana", "subject": "Recap", "sender_name": "Omni", "body": "Hi"}
    fields[header] = "Dana\r\nBcc: evil@example.com"
    draft = EmailDraft.model_construct(sender_email="sales@omni.example", **fields)
    with pytest.raises(InputError, match="line break"):
        to_eml(draft)


# -- the minor items -----------------------------------------------------------------------------


def test_size_error_gives_the_exact_byte_count(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 1_048_576)
    result = CliRunner().invoke(main, ["triage", str(big)])
    assert result.exit_code == 2 and "1,048,576 bytes" in result.output


@pytest.mark.parametrize("text", ["\u200b\u200b\u200b", "\u00a0\u00a0\n\u00a0", "\ufeff\u200d \u2060"])
def test_invisible_only_text_is_empty_input(text: str, tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["triage", str(path), "--json"])
    assert result.exit_code == 2 and "empty" in result.output
    with pytest.raises(InputError):
        decode_text(text.encode(), "x")


def test_a_control_character_paste_is_refused_before_it_is_saved(settings: Settings) -> None:
    with pytest.raises(InputError, match="control"):
        handlers.triage_note("Acme", "\x1b[2J\x1b]0;x\x07 notes", None, "intro", settings=settings)
    assert Store(settings.database_url).list_opportunities() == []


@pytest.mark.parametrize("mode", [["--json"], []])
def test_llm_fallback_warning_is_on_stderr_in_plain_words(
    mode: list[str], monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("ASSISTANT_LLM_MAX_RETRIES", "0")
    result = CliRunner().invoke(main, ["triage", "-", "--backend", "llm", *mode], input=NOTE)
    assert result.exit_code == 0
    [line] = [line for line in result.stderr.splitlines() if line.startswith("warning: stdin: LLM backend")]
    assert "rules backend alone" in line and "Traceback" not in line and "{" not in line
