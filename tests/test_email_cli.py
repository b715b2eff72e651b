"""``assistant email PATH [--json|--eml]``."""

from __future__ import annotations

import email
import email.policy
import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.schema import DiscoveryFields, Field, Gate, TriageReport, Trigger

needs_triage = pytest.mark.skipif(
    importlib.util.find_spec("assistant.triage") is None, reason="assistant.triage not built yet"
)


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    for name in ("ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY", "ASSISTANT_LLM_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    fields = DiscoveryFields()
    fields.set("company", Field(value="Acme Fuels", status="confirmed", evidence=["Acme Fuels"]))
    fields.set("contact", Field(value="Dana Whitfield", status="confirmed", evidence=["Dana Whitfield"]))
    fields.set("use_cases", Field(value=["fuel"], status="confirmed", evidence=["pumps"]))
    fields.set("discount_requested_pct", Field(value=25, status="confirmed", evidence=["25% off"]))
    report = TriageReport(
        source="call.txt",
        backend="rules",
        fields=fields,
        triggers=[
            Trigger(id="high_risk_use_case", route_to=["certification_sme", "technical_pm"], reason="fuel"),
            Trigger(id="discount_outside_guardrails", route_to=["leadership"], reason="25%"),
        ],
        gate=Gate(ready=False, missing=["processor", "tooling"]),
    )
    path = tmp_path / "report.json"
    path.write_text(json.dumps([report.to_contract()]), encoding="utf-8")
    return path


def test_json_output(report_file: Path) -> None:
    result = CliRunner().invoke(main, ["email", str(report_file), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["to"] == "Dana Whitfield"
    assert data["subject"].startswith("Acme Fuels and FastFlex")
    assert [q["field"] for q in data["questions"]] == ["processor", "tooling"]
    assert data["guard"] == {"removed": [], "fell_back": False, "reason": None, "fixes": []}
    assert "fuel pumps" in data["body"] and "25" not in data["body"]


def test_default_output_is_readable_text(report_file: Path) -> None:
    result = CliRunner().invoke(main, ["email", str(report_file)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("To: Dana Whitfield\nSubject: Acme Fuels and FastFlex")
    assert "\n\nHi Dana,\n" in result.stdout


def test_eml_to_a_file(report_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.eml"
    result = CliRunner().invoke(main, ["email", str(report_file), "--eml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    message = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert message["To"] is None  # the notes give no address: none is invented
    assert "Which processor will these terminals certify with?" in message.get_content()


def test_eml_to_stdout(report_file: Path) -> None:
    result = CliRunner().invoke(main, ["email", str(report_file), "--eml"])
    assert result.exit_code == 0
    assert b"\nSubject: Acme Fuels and FastFlex" in result.stdout_bytes
    assert b"MIME-Version: 1.0" in result.stdout_bytes


def test_json_and_eml_are_exclusive(report_file: Path) -> None:
    result = CliRunner().invoke(main, ["email", str(report_file), "--json", "--eml"])
    assert result.exit_code == 2
    assert "choose one of --json and --eml" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), ('{"fields": 1}', "not a triage report"), ("[]", "holds 0 reports")],
)
def test_bad_report_file_exits_2_with_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["email", str(path), "--json"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["email", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_polish_without_llm_warns_and_keeps_the_template(report_file: Path) -> None:
    result = CliRunner().invoke(main, ["email", str(report_file), "--json", "--polish"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["backend"] == "template"
    assert "no LLM configured" in result.stderr


@needs_triage
def test_transcript_from_stdin() -> None:
    text = (
        "Rep: Intro to Dana Whitfield, Head of Payments at Acme Fuels. They run 300 fuel pumps on Verifone "
        "and want them certified. Dana thinks they're on TSYS but isn't sure.\n"
    )
    result = CliRunner().invoke(main, ["email", "-", "--json"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["body"].startswith("Hi ")
    assert "%" not in data["body"]
