"""Review before anything leaves: rep's values, conflicts between notes, trigger reviews, audit."""

from __future__ import annotations

import csv
import io
import json
import shutil
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from test_app_handlers import fake_triage

from assistant.app import handlers, review_actions
from assistant.app.recipients import find_recipients
from assistant.app.review import current_user
from assistant.config import Settings, get_settings
from assistant.errors import InputError
from assistant.store.conflicts import load_review_policy
from assistant.store.review import coerce_value


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ASSISTANT_SENDER_NAME", "Sam Rivera")
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    monkeypatch.setattr(handlers, "default_triage", lambda settings: fake_triage)
    return get_settings()


def test_rep_value_wins_over_later_notes_and_is_marked(settings: Settings) -> None:
    handlers.triage_note("Acme", "company=Acme\neconomic_buyer=Cybersource", None, "intro", settings=settings)
    view = review_actions.set_field_value("Acme", "economic_buyer", " Maria Lopez (CFO) ", settings=settings)
    assert view.data is not None
    buyer = view.data["fields"]["economic_buyer"]
    assert buyer == buyer | {"value": "Maria Lopez (CFO)", "status": "confirmed", "set_by": "Sam Rivera"}
    assert "set by Sam Rivera" in view.fields
    assert handlers.current_value("Acme", "economic_buyer", settings=settings) == "Maria Lopez (CFO)"
    assert handlers.current_value("Acme", "budget", settings=settings) == ""
    later = handlers.triage_note("Acme", "economic_buyer=Procurement", None, "follow_up", settings=settings)
    assert later.data is not None and later.data["fields"]["economic_buyer"]["value"] == "Maria Lopez (CFO)"
    assert "Notes disagree" in later.fields  # the rep sees that a later note says otherwise
    reverted = review_actions.revert_field_value("Acme", "economic_buyer", settings=settings)
    assert reverted.data is not None and reverted.data["fields"]["economic_buyer"]["value"] == "Procurement"
    assert "set_by" not in reverted.data["fields"]["economic_buyer"] and "field reverted" in reverted.audit
    with pytest.raises(InputError, match="no value of yours"):
        review_actions.revert_field_value("Acme", "economic_buyer", settings=settings)
    cleared = review_actions.clear_field_value("Acme", "economic_buyer", settings=settings, user="dana.lead")
    assert cleared.data is not None and cleared.data["fields"]["economic_buyer"]["status"] == "missing"
    assert "economic_buyer" in cleared.data["gate"]["missing"]
    assert (
        "dana.lead" in cleared.audit
        and "field cleared" in cleared.audit
        and "Maria Lopez (CFO)" in cleared.audit
    )


def test_typed_values_and_mistakes(settings: Settings) -> None:
    assert coerce_value("processor", "Fiserv, TSYS") == ["Fiserv", "TSYS"]
    assert coerce_value("device_count", "40") == 40
    assert coerce_value("discount_requested_pct", "18%") == 18.0
    with pytest.raises(InputError, match="device count"):
        coerce_value("device_count", "forty-ish")
    with pytest.raises(InputError, match="Clear"):
        coerce_value("timeline", "  ")
    with pytest.raises(InputError, match=r"triage a note first|no opportunity"):
        review_actions.set_field_value("Nobody", "timeline", "Q3", settings=settings)


def test_conflicting_notes_are_shown_and_the_rep_picks(settings: Settings) -> None:
    assert "device_count" in load_review_policy(settings).conflict_fields
    handlers.triage_note("Kestrel", "processor=Fiserv\ndevice_count=210", None, "intro", settings=settings)
    view = handlers.triage_note(
        "Kestrel", "processor=Elavon\ndevice_count=40", None, "follow_up", settings=settings
    )
    assert view.data is not None
    count = view.data["fields"]["device_count"]
    assert count["status"] == "uncertain"
    assert [item["value"] for item in count["conflict"]["values"]] == ["210", "40"]
    assert "Notes disagree" in view.message
    labels = [label for label, _ in view.conflict_choices]
    assert "device count = 210 (note 1)" in labels and "processor = Elavon (note 2)" in labels
    picked = review_actions.pick_conflict_value("Kestrel", "processor|2", settings=settings)
    assert picked.data is not None
    processor = picked.data["fields"]["processor"]
    assert processor["value"] == ["Elavon"] and processor["status"] == "confirmed"
    assert "conflict" not in processor and processor["picked_from_note"] == 2
    assert "field picked" in picked.audit and "note 2" in picked.audit
    with pytest.raises(InputError, match="already resolved"):
        review_actions.pick_conflict_value("Kestrel", "processor|1", settings=settings)


def test_identical_note_is_not_saved_twice(settings: Settings) -> None:
    handlers.triage_note("Acme", "company=Acme\nprocessor=TSYS", None, "intro", settings=settings)
    again = handlers.triage_note(
        "Acme", "  company=Acme\n\nprocessor=TSYS  ", None, "intro", settings=settings
    )
    assert "identical to note 1" in again.message and "not saved again" in again.message
    other = handlers.triage_note(
        "Other deal", "company=Acme\nprocessor=TSYS", None, "intro", settings=settings
    )
    assert "saved and triaged" in other.message  # same text, another opportunity: a new note
    assert handlers.load_opportunity("Acme", settings=settings).history.count("<tr data-note=") == 1


def test_triggers_acknowledged_and_resolved_with_a_reviewer(settings: Settings) -> None:
    handlers.triage_note(
        "Acme", "company=Acme\nprocessor=TSYS?\nrep: promise a June go-live", None, "intro", settings=settings
    )
    with pytest.raises(InputError, match="how it was resolved"):
        review_actions.review_trigger("Acme", "unapproved_commitment", "resolved", " ", settings=settings)
    ack = review_actions.review_trigger("Acme", "processor_unknown", "acknowledged", "", settings=settings)
    assert 'data-trigger="processor_unknown" data-review="acknowledged"' in ack.triggers
    done = review_actions.review_trigger(
        "Acme",
        "unapproved_commitment",
        "resolved",
        "Leadership: no date promised",
        settings=settings,
        user="lee",
    )
    assert done.data is not None
    review = next(t for t in done.data["triggers"] if t["id"] == "unapproved_commitment")["review"]
    assert review["action"] == "resolved" and review["reviewer"] == "lee"
    assert "resolved</b> by lee" in done.triggers and "Leadership: no date promised" in done.audit
    again = handlers.triage_note("Acme", "rep: promise a free pilot", None, "follow_up", settings=settings)
    assert again.data is not None
    reopened = next(t for t in again.data["triggers"] if t["id"] == "unapproved_commitment")
    assert "review" not in reopened  # raised again after the review: open until someone looks again
    assert "raised again by a later note after lee resolved it" in again.triggers
    review_actions.review_trigger(
        "Acme", "unapproved_commitment", "resolved", "No pilot promised", settings=settings, user="lee"
    )
    rows = handlers.opportunities_rows(settings=settings)
    assert rows[0][0] == "Acme" and "Commitment made without approval" not in rows[0][4]
    assert "Processor not confirmed" in rows[0][4] and rows[0][5] == "Sam Rivera"  # owner: who added note 1


def test_email_uses_reviewed_values_and_addresses_from_the_notes(settings: Settings) -> None:
    notes = (
        "company=Acme Fuels\ncontact=Dana Whitfield\nprocessor=TSYS?\n"
        "From: Dana Whitfield <dana.whitfield@acmefuels.example>\n"
        "cc Lee Park <lee.park@acmefuels.example>, Sam <sam@omni.example>"
    )
    view = handlers.triage_note("Acme Fuels", notes, None, "intro", settings=settings)
    assert view.email is not None and view.email.opportunity == "Acme Fuels"
    assert view.email.to == "Dana Whitfield <dana.whitfield@acmefuels.example>"
    assert view.email.cc == "Lee Park <lee.park@acmefuels.example>"  # same company; never our own domain
    assert "processor" in view.email.questions.lower() or "Which processor" in view.email.body
    reviewed = review_actions.set_field_value("Acme Fuels", "processor", "Worldpay", settings=settings)
    assert reviewed.email is not None and "Sam Rivera" in reviewed.email.body  # signed by the SDR
    assert "Worldpay" in reviewed.email.body and "Which processor" not in reviewed.email.body
    assert reviewed.email.mailto.startswith("mailto:dana.whitfield@acmefuels.example?cc=lee.park")
    assert reviewed.email.eml is not None
    message = message_from_bytes(reviewed.email.eml.read_bytes(), policy=default_policy)
    assert message["To"].addresses[0].addr_spec == "dana.whitfield@acmefuels.example"
    assert message["From"].addresses[0].display_name == "Sam Rivera"
    assert ":;" not in reviewed.email.eml.read_text()
    crm = list(csv.DictReader(io.StringIO(reviewed.exports["crm"].read_text())))
    assert crm[0]["Processor__c"] == "Worldpay" and crm[0]["Opportunity Owner"] == "Sam Rivera"
    assert json.loads(reviewed.exports["json"].read_text())["fields"]["processor"]["set_by"] == "Sam Rivera"
    files = sorted(path.name for path in (settings.home / "exports").iterdir())
    assert files == [  # one file per format, rewritten on each change: the folder does not grow
        "acme-fuels-salesforce.csv",
        "acme-fuels.csv",
        "acme-fuels.eml",
        "acme-fuels.json",
    ]


def test_switching_opportunity_switches_the_draft(settings: Settings) -> None:
    handlers.triage_note("One", "company=One Corp", None, "intro", settings=settings)
    handlers.triage_note("Two", "company=Two Corp", None, "intro", settings=settings)
    first = handlers.load_opportunity("One", settings=settings)
    second = handlers.load_opportunity("Two", settings=settings)
    assert first.email is not None and "One Corp" in first.email.body
    assert (
        second.email is not None and "Two Corp" in second.email.body and "One Corp" not in second.email.body
    )
    assert handlers.load_opportunity("Brand new", settings=settings).email is None


def test_opportunity_detail_shows_owner_timeline_triggers_gate_next_steps(settings: Settings) -> None:
    handlers.triage_note(
        "Acme", "company=Acme\nprocessor=TSYS?\nnext_steps=send recap", None, "intro", settings=settings
    )
    handlers.triage_note("Acme", "processor=TSYS", None, "follow_up", settings=settings)
    html = handlers.opportunity_detail("Acme", settings=settings)
    assert "Owner (SDR):</b> Sam Rivera" in html
    assert "Note 1" in html and "Note 2" in html and "follow up" in html
    assert "Open triggers" in html and "Stage gate" in html and "send recap" in html


def test_recipients_and_user_name(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["Attendees: Dana Ruiz (dana@kestrel.example), Bo Li <bo@kestrel.example>, me@omni.example"]
    found = find_recipients(texts, "Dana Ruiz", "sales@omni.example")
    assert (
        found.header("to") == "Dana Ruiz <dana@kestrel.example>"
        and found.header("cc") == "Bo Li <bo@kestrel.example>"
    )
    assert find_recipients(texts, "Pat Jones", "sales@omni.example").header("to") == ""
    settings = get_settings(sender_name="Sam Rivera")
    assert current_user("login-user", settings) == "login-user"
    assert current_user(None, settings) == "Sam Rivera"
    monkeypatch.delenv("ASSISTANT_SENDER_NAME", raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "osuser")
    assert current_user(None, get_settings()) == "osuser"


def test_policy_files_are_validated(tmp_path: Path) -> None:
    from assistant.app.crm import load_crm_mapping
    from assistant.errors import ConfigError

    policy = tmp_path / "policy"
    shutil.copytree(get_settings().policy_dir, policy)
    settings = get_settings(policy_dir=policy)
    mapping = load_crm_mapping(settings)
    assert mapping.systems["salesforce"].columns["device_count"] == "Device_Count__c"
    assert mapping.systems["hubspot"].columns["opportunity"] == "Deal Name"
    (policy / "crm_mapping.toml").write_text(
        '[systems.x]\nlabel = "X CRM"\n[systems.x.columns]\nproccessor = "Processor"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="proccessor"):
        load_crm_mapping(settings)
    (policy / "review.toml").write_text('conflict_fields = ["device_cnt"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="device_cnt"):
        load_review_policy(settings)
