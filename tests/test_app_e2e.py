"""End to end: launch the app on a free loopback port and drive it with gradio_client."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PAN = "4111 1111 1111 1111"
pytestmark = pytest.mark.filterwarnings("ignore:.*:Warning:gradio.queueing")
TRANSCRIPT = f"""Call notes - Kestrel Parking, discovery call
Omni SDR (Sam): Thanks for joining. Which processor are you on today?
Dana Ruiz (Kestrel, VP Operations): Honestly I'm not sure, maybe TSYS or Fiserv, finance would know.
Dana Ruiz (Kestrel, VP Operations): We run 300 unattended parking kiosks with PAX IM30 readers in the United States.
Dana Ruiz (Kestrel, VP Operations): We need Visa, Mastercard and Amex. Our test card is {PAN}.
Omni SDR (Sam): Thanks. I'll send a recap on Friday with the open questions.
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The real app (rules backend, offline) on 127.0.0.1 with a temp state directory."""
    from assistant.app import launch_app
    from assistant.config import get_settings

    home = tmp_path_factory.mktemp("home")
    settings = get_settings(home=home, database_url=f"sqlite:///{home / 'assistant.db'}", backend="rules")
    port = _free_port()
    demo = launch_app(settings, "127.0.0.1", port, block=False, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/", settings
    finally:
        demo.close()


@pytest.fixture(scope="module")
def client(app_url: tuple[str, Any]) -> Any:
    from gradio_client import Client

    return Client(app_url[0], verbose=False)


OUTPUTS = [
    "status",
    "triggers",
    "gate",
    "fields",
    "history",
    "report",
    "opportunity",
    "notes",
    "audit",
    "field_choices",
    "conflicts",
    "trigger_choices",
    "json",
    "csv",
    "crm",
    "email_status",
    "subject",
    "to",
    "cc",
    "body",
    "questions",
    "mailto",
    "eml",
]


def _named(outputs: Any) -> dict[str, Any]:
    """The triage/review outputs by name (the app's ``triage_outputs``; the API leaves out layout rows)."""
    return {name: _plain(value) for name, value in zip(OUTPUTS, outputs, strict=False)}


def _plain(value: Any) -> Any:
    """A component update (``{"__type__": "update", "value": ...}``) as its value."""
    return value.get("value") if isinstance(value, dict) and value.get("__type__") == "update" else value


def _trigger_ids(report: dict[str, Any]) -> list[str]:
    return [trigger["id"] for trigger in report["triggers"]]


def _path(value: Any) -> Path:
    return Path(value if isinstance(value, str) else value["value"] if "value" in value else value["path"])


def test_triage_then_history_and_store(client: Any, app_url: tuple[str, Any]) -> None:
    out = _named(client.predict("Kestrel Parking", "discovery", TRANSCRIPT, None, api_name="/triage"))
    report = out["report"]
    assert "saved and triaged" in out["status"]
    assert {"processor_unknown", "high_risk_use_case"} <= set(_trigger_ids(report))
    assert 'data-trigger="processor_unknown"' in out["triggers"] and "Certification SME" in out["triggers"]
    assert "Processor not confirmed" in out["triggers"]
    assert "NOT READY" in out["gate"] and 'data-field="processor"' in out["fields"]
    assert report["fields"]["processor"]["status"] == "uncertain"
    assert report["fields"]["processor"]["provenance"][0]["note_id"] >= 1
    assert out["opportunity"] == "Kestrel Parking"
    assert PAN not in str(report)
    assert "Draft for Kestrel Parking" in out["email_status"] and "Dana" in out["body"]

    # a later validation call confirms the processor: the merged report drops processor_unknown
    follow_up = "Dana Ruiz (Kestrel, VP Operations): Finance confirmed it, we're on Worldpay.\n"
    merged = _named(client.predict("Kestrel Parking", "validation", follow_up, None, api_name="/triage"))[
        "report"
    ]
    processor = merged["fields"]["processor"]
    assert processor["status"] == "confirmed" and processor["value"] == ["Worldpay"]
    assert "processor_unknown" not in _trigger_ids(merged)  # a later confirmed fact removed the cause
    assert processor["provenance"][-1]["note_id"] == merged["notes"][-1]["note_id"]
    assert "high_risk_use_case" in _trigger_ids(merged)  # sticky across notes until a later fact removes it

    loaded = _named(client.predict("Kestrel Parking", api_name="/load_opportunity"))
    assert loaded["history"].count("<tr data-note=") == 2 and "Higher-risk deployment" in loaded["history"]
    again = _named(client.predict("Kestrel Parking", "validation", follow_up, None, api_name="/triage"))
    assert "not saved again" in again["status"]

    from assistant.store import Store

    settings = app_url[1]
    notes = Store(settings.database_url).notes("Kestrel Parking")
    assert [note.kind for note in notes] == ["discovery", "validation"]
    assert PAN not in notes[0].text and "1111" in notes[0].text  # saved masked
    overview = client.predict(api_name="/opportunities")
    assert "Kestrel Parking" in str(overview)


def test_review_exports_and_email(client: Any) -> None:
    out = _named(client.predict("Acme Transit", "intro", TRANSCRIPT, None, api_name="/triage"))
    reviewed = _named(client.predict("Acme Transit", "processor", "Worldpay", api_name="/set_field"))
    assert reviewed["report"]["fields"]["processor"]["value"] == ["Worldpay"]
    assert "set by" in reviewed["fields"]
    json_path, csv_path, crm_path = (_path(reviewed[key]) for key in ("json", "csv", "crm"))
    assert json_path.suffix == ".json" and '"set_by"' in json_path.read_text()
    assert csv_path.read_text().startswith("kind,name,status,value,evidence,route_to,notes")
    assert crm_path.read_text().startswith("Opportunity Name,Account Name,Opportunity Owner")
    done = _named(
        client.predict(
            "Acme Transit", "high_risk_use_case", "resolved", "SME scoped kiosks", api_name="/review_trigger"
        )
    )
    assert 'data-review="resolved"' in done["triggers"] and "SME scoped kiosks" in done["audit"]
    email_status, subject, _to, _cc, body, *_ = (
        _plain(value) for value in client.predict("Acme Transit", api_name="/draft_email")
    )
    assert "Draft for Acme Transit" in email_status and subject and body.strip()
    assert "Worldpay" in body and out["body"] != body


def test_uploads_refused_with_a_message(client: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    big = tmp_path / "huge.txt"
    big.write_text("Dana: we're on Elavon.\n" * 50_000, encoding="utf-8")  # ~1.15 MB
    status, *_ = client.predict("Big deal", "other", "", handle_file(str(big)), api_name="/triage")
    assert "over the 1,000,000-byte upload limit" in status
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4 not text")
    with pytest.raises(Exception, match=r"(?i)file type"):
        client.predict("Big deal", "other", "", handle_file(str(pdf)), api_name="/triage")
    good = tmp_path / "call.md"
    good.write_text(TRANSCRIPT, encoding="utf-8")
    status, *_ = client.predict("Big deal", "other", "", handle_file(str(good)), api_name="/triage")
    assert "(call.md) saved and triaged" in status


def test_ask_shows_owners_and_sources(client: Any) -> None:
    history, cleared, contract = client.predict("who approves a 30% discount?", [], api_name="/ask")
    assert cleared == ""
    assert contract["owners"] and contract["owners"][0] == "leadership"
    assert contract["sources"] and all(source["quote"] for source in contract["sources"])
    answer = history[-1]["content"]
    answer_text = answer if isinstance(answer, str) else str(answer)
    assert "Owners:" in answer_text and "Sources" in answer_text


def test_credentials_turn_on_gradio_auth(tmp_path: Path) -> None:
    from gradio_client import Client

    from assistant.app import launch_app
    from assistant.config import get_settings

    settings = get_settings(
        home=tmp_path, database_url=f"sqlite:///{tmp_path / 'a.db'}", app_user="sdr", app_password="pw-123"
    )
    port = _free_port()
    demo = launch_app(settings, "127.0.0.1", port, block=False, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a plain error without a login
            Client(url, verbose=False)
        authed = Client(url, auth=("sdr", "pw-123"), verbose=False)
        assert "Kestrel" not in str(authed.predict(api_name="/opportunities"))
    finally:
        demo.close()
