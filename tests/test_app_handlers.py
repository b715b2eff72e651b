"""App handlers without a browser: triage flow, uploads, exports, email, ask, launch security."""

from __future__ import annotations

import base64
import csv
import io
import json
from email import message_from_bytes
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.app import handlers, plan_launch, views
from assistant.config import Settings, get_settings
from assistant.errors import ConfigError, InputError, UserError
from assistant.schema import DiscoveryFields, Field, FieldStatus, Gate, TriageReport, Trigger


def fake_triage(text: str, source: str) -> TriageReport:
    """'key=value[?]' lines; '?' = uncertain; the word 'promise' raises unapproved_commitment."""
    fields = DiscoveryFields()
    for line in text.splitlines():
        key, sep, raw = line.partition("=")
        if not sep:
            continue
        status = FieldStatus.UNCERTAIN if raw.endswith("?") else FieldStatus.CONFIRMED
        value: Any = [raw.rstrip("?")] if key in ("processor", "use_cases") else raw.rstrip("?")
        fields.set(key, Field(value=value, status=status, evidence=[line]))
    triggers = []
    if fields.processor.status is not FieldStatus.CONFIRMED:
        triggers.append(
            Trigger(
                id="processor_unknown",
                route_to=["certification_sme", "technical_pm"],
                reason="processor?",
                evidence=fields.processor.evidence,
            )
        )
    if "promise" in text:
        quote = next(line for line in text.splitlines() if "promise" in line)
        triggers.append(
            Trigger(id="unapproved_commitment", route_to=["leadership"], reason="a promise", evidence=[quote])
        )
    return TriageReport(
        source=source,
        backend="fake",
        fields=fields,
        triggers=triggers,
        gate=Gate(ready=False, missing=["company"]),
    )


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    monkeypatch.setattr(handlers, "default_triage", lambda settings: fake_triage)
    return get_settings()


def test_triage_saves_merges_and_renders(settings: Settings) -> None:
    first = handlers.triage_note(
        "Acme", "company=Acme\nprocessor=TSYS?\nrep: promise June go-live", None, "intro", settings=settings
    )
    assert "saved and triaged" in first.message
    assert 'data-trigger="processor_unknown"' in first.triggers and "Certification SME" in first.triggers
    assert 'data-trigger="unapproved_commitment"' in first.triggers and "Omni Leadership" in first.triggers
    assert 'data-status="uncertain"' in first.fields and "<q>processor=TSYS?</q>" in first.fields
    assert 'href="#quote-processor"' in first.fields and 'id="quote-processor"' in first.notes
    assert "Processor not confirmed" in first.triggers and ">processor_unknown<" not in first.triggers
    assert first.choices == ["Acme"]
    second = handlers.triage_note("Acme", "processor=Worldpay", None, "discovery", settings=settings)
    assert second.data is not None
    ids = [t["id"] for t in second.data["triggers"]]
    assert "processor_unknown" not in ids and "unapproved_commitment" in ids
    assert ids.index("tooling_unclear") < ids.index("unapproved_commitment")  # contract order
    provenance = second.data["fields"]["processor"]["provenance"]
    assert len(provenance) == 1 and provenance[0]["note_id"] == 2
    assert second.history.count("<tr data-note=") == 2
    assert "Processor not confirmed, Commitment made without approval" in second.history  # note 1 raised both


def test_failed_triage_keeps_the_note_and_retry_recovers(settings: Settings) -> None:
    def broken(text: str, source: str) -> TriageReport:
        raise TimeoutError("model did not answer")

    view = handlers.triage_note("Bolt", "company=Bolt", None, "discovery", settings=settings, triage=broken)
    assert "Note 1 saved, but triage failed" in view.message and "model did not answer" in view.message
    assert "failed" in view.history and view.data is None
    view = handlers.retry_failed("Bolt", settings=settings)
    assert "Re-triaged 1 note" in view.message
    assert view.data is not None and view.data["fields"]["company"]["value"] == "Bolt"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [("", "company=Acme", "opportunity"), ("Acme", "   ", "nothing to triage")],
)
def test_bad_input_is_refused_and_saves_nothing(
    settings: Settings, name: str, text: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        handlers.triage_note(name, text, None, "other", settings=settings)
    assert handlers.opportunity_choices(settings) == []


def test_upload_types_and_size(tmp_path: Path, settings: Settings) -> None:
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match=r"\.pdf files are not accepted"):
        handlers.read_upload(pdf)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (handlers.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(InputError, match="over the 1,000,000-byte upload limit"):
        handlers.read_upload(big)
    vtt = tmp_path / "call.vtt"
    content = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Dana>We're on Elavon.</v>\n"
    vtt.write_text(content, encoding="utf-8")
    text, name = handlers.read_upload(vtt)
    assert name == "call.vtt" and "<v Dana>We're on Elavon.</v>" in text
    assert not vtt.exists()  # the raw upload is deleted once read
    vtt.write_text(content, encoding="utf-8")
    view = handlers.triage_note("Acme", "", str(vtt), "discovery", settings=settings)
    assert "(call.vtt) saved" in view.message


def test_eml_plain_kept_verbatim_and_encoded_decoded(tmp_path: Path) -> None:
    plain = "From: Dana <dana@acme.example>\nSubject: notes\n\nWe're on Elavon.\n"
    assert handlers.eml_text(plain) == plain
    payload = base64.b64encode(b"Processor: Elavon, 200 lanes").decode()
    encoded = (
        "From: Dana <dana@acme.example>\nSubject: recap\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + payload + "\n"
    )
    path = tmp_path / "recap.eml"
    path.write_text(encoded, encoding="utf-8")
    text, _ = handlers.read_upload(path)
    assert "Processor: Elavon, 200 lanes" in text and "Subject: recap" in text


def test_exports_json_and_csv(settings: Settings) -> None:
    handlers.triage_note(
        "Acme / Kiosks", "company==cmd|calc\nprocessor=TSYS?", None, "intro", settings=settings
    )
    json_path = handlers.export_report("Acme / Kiosks", "json", settings=settings)
    assert json_path.parent == settings.home / "exports" and json_path.suffix == ".json"
    data = json.loads(json_path.read_text())
    assert data["fields"]["processor"]["status"] == "uncertain"
    assert data["triggers"][0]["raised_by"][0]["note_id"] == 1
    csv_path = handlers.export_report("Acme / Kiosks", "csv", settings=settings)
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    company = next(row for row in rows if row["name"] == "company")
    assert company["value"] == "'=cmd|calc"  # no spreadsheet formula
    trigger = next(row for row in rows if row["kind"] == "trigger")
    assert trigger["name"] == "processor_unknown" and "certification_sme" in trigger["route_to"]
    crm_path = handlers.export_report("Acme / Kiosks", "crm", settings=settings, crm_system="hubspot")
    crm_rows = list(csv.DictReader(io.StringIO(crm_path.read_text())))
    assert crm_rows[0]["Deal Name"] == "Acme / Kiosks" and crm_rows[0]["Associated Company"] == "'=cmd|calc"
    assert crm_rows[0]["escalations"].startswith("Processor not confirmed; ")
    with pytest.raises(UserError, match="no triaged note"):
        handlers.export_report("Unknown deal", "json", settings=settings)


def test_email_draft_and_edited_eml(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.drafting as drafting
    from assistant.drafting import EmailDraft

    def fake_draft(report: TriageReport, settings: Any = None, polish: bool = False) -> EmailDraft:
        return EmailDraft(
            subject=f"Recap: {report.fields.company.value}",
            to=None,
            body="Hi,\n\nThanks for the call.",
            questions=[],
            sender_name="Omni Sales",
            sender_email="sales@omni.example",
        )

    monkeypatch.setattr(drafting, "draft_email", fake_draft)
    handlers.triage_note("Acme", "company=Acme", None, "intro", settings=settings)
    view = handlers.draft_email("Acme", settings=settings)
    assert view.subject == "Recap: Acme" and view.to == "" and "Thanks for the call" in view.body
    assert view.eml is not None and view.eml.suffix == ".eml" and view.mailto.startswith("mailto:?")
    path = handlers.build_eml(
        "Acme", "Edited subject", "Dana <dana@acme.example>", "Edited body line", settings=settings
    )
    message = message_from_bytes(path.read_bytes())
    assert path.suffix == ".eml"
    assert message["Subject"] == "Edited subject" and message["To"] == "Dana <dana@acme.example>"
    with pytest.raises(UserError, match="line break"):
        handlers.build_eml("Acme", "s\r\nBcc: x@evil.example", "", "body", settings=settings)
    assert "Edited body line" in message.get_payload(decode=True).decode()
    with pytest.raises(UserError, match="body is empty"):
        handlers.build_eml("Acme", "s", "", "  ", settings=settings)


def test_ask_shows_owners_and_cited_passages(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.retrieval as retrieval

    contract = {
        "question": "who approves a 30% discount?",
        "owners": ["leadership"],
        "answer": "Omni Leadership approves discounting outside guardrails.",
        "sources": [
            {
                "doc": "knowledge/ops.md",
                "section": "Escalation",
                "quote": "discounting outside established guardrails",
            }
        ],
        "backend": "rules",
    }
    calls: list[tuple[str, str]] = []

    def fake_ask(question: str, settings: Any = None, backend: str = "rules") -> Any:
        calls.append((question, backend))
        return SimpleNamespace(to_contract=lambda: contract)

    monkeypatch.setattr(retrieval, "ask", fake_ask, raising=False)
    view = handlers.ask_question("  who approves a 30% discount? ", [], settings=settings)
    assert calls == [("who approves a 30% discount?", "rules")]
    assert view.history[0] == {"role": "user", "content": "who approves a 30% discount?"}
    answer = view.history[1]["content"]
    assert "**Owners:** Omni Leadership" in answer and "`leadership`" not in answer
    assert "> discounting outside established guardrails" in answer
    assert "knowledge/ops.md § Escalation" in answer
    contract.update(
        owners=[],
        answer="The playbooks do not say who owns this, so no owner is named. "
        "Add a playbook section that covers it to knowledge/ and re-index.",
        sources=[],
    )
    refusal = handlers.ask_question("who paints the office?", [], settings=settings).history[1]["content"]
    assert "re-index" not in refusal and "sales-ops lead" in refusal
    with pytest.raises(InputError):
        handlers.ask_question(" ", [], settings=settings)


def test_views_escape_note_text() -> None:
    data = {
        "fields": {
            "company": {"value": "<b>x</b>", "status": "confirmed", "evidence": ["<script>alert(1)</script>"]}
        },
        "triggers": [
            {"id": "processor_unknown", "route_to": ["technical_pm"], "reason": "<i>r</i>", "evidence": []}
        ],
        "gate": {"ready": False, "missing": ["processor"]},
    }
    html = (
        views.fields_html(data) + views.triggers_html(data) + views.gate_html(data, ["company", "processor"])
    )
    assert "<script>" not in html and "&lt;script&gt;" in html and "<i>r</i>" not in html
    assert "NOT READY: 1 missing" in html


def test_launch_plan_security(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    for name in ("ASSISTANT_APP_USER", "ASSISTANT_APP_PASSWORD", "ASSISTANT_HOST", "ASSISTANT_PORT"):
        monkeypatch.delenv(name, raising=False)
    plan = plan_launch(get_settings(), None, 7999)
    assert (plan.host, plan.port, plan.auth) == ("127.0.0.1", 7999, None)
    with pytest.raises(ConfigError, match="ASSISTANT_APP_USER and ASSISTANT_APP_PASSWORD"):
        plan_launch(get_settings(), "0.0.0.0", None)
    monkeypatch.setenv("ASSISTANT_HOST", "10.1.2.3")
    with pytest.raises(ConfigError, match=r"binding to 10\.1\.2\.3"):
        plan_launch(get_settings())
    monkeypatch.setenv("ASSISTANT_APP_USER", "sdr")
    with pytest.raises(ConfigError, match="set both"):
        plan_launch(get_settings())
    monkeypatch.setenv("ASSISTANT_APP_PASSWORD", "s3cret")
    assert plan_launch(get_settings()).auth == ("sdr", "s3cret")
    assert plan_launch(get_settings(), "localhost").host == "localhost"


def test_cli_refuses_open_bind_and_share(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    monkeypatch.delenv("ASSISTANT_APP_USER", raising=False)
    monkeypatch.delenv("ASSISTANT_APP_PASSWORD", raising=False)
    result = CliRunner().invoke(main, ["app", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "ASSISTANT_APP_PASSWORD" in result.output
    result = CliRunner().invoke(main, ["app", "--share"])
    assert result.exit_code == 2 and "--share is disabled" in result.output
