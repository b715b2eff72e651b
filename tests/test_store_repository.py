"""Opportunity store: save before process, masking, merge order, provenance, history."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import get_settings
from assistant.errors import InputError
from assistant.schema import DiscoveryFields, Field, FieldStatus, TriageReport, Trigger
from assistant.store import MergeRules, NoteStatus, Store, open_store

PAN = "4111 1111 1111 1111"
RULES = MergeRules.from_settings(get_settings())


def _report(text: str, source: str) -> TriageReport:
    """A fake backend: reads 'key=value[?]' lines; '?' marks uncertain; 'promise' raises a commitment."""
    fields = DiscoveryFields()
    triggers: list[Trigger] = []
    for line in text.splitlines():
        if "=" not in line:
            continue
        key, raw = line.split("=", 1)
        status = FieldStatus.UNCERTAIN if raw.endswith("?") else FieldStatus.CONFIRMED
        value: object = raw.rstrip("?")
        if key in ("processor", "use_cases"):
            value = [value]
        if key == "device_count":
            value = int(str(value))
        fields.set(key, Field(value=value, status=status, evidence=[line]))
    if fields.processor.status is not FieldStatus.CONFIRMED:
        ev = fields.processor.evidence
        triggers.append(
            Trigger(id="processor_unknown", route_to=["certification_sme"], reason="processor?", evidence=ev)
        )
    if "promise" in text:
        triggers.append(
            Trigger(
                id="unapproved_commitment", route_to=["leadership"], reason="a promise", evidence=["promise"]
            )
        )
    return TriageReport(
        source=source, backend="fake", fields=fields, triggers=triggers, gate=RULES.gate(fields)
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'state' / 'assistant.db'}", rules=RULES)


def test_note_is_saved_masked_before_triage_and_survives_a_failure(store: Store) -> None:
    seen: list[str] = []

    def exploding(text: str, source: str) -> TriageReport:
        (note,) = store.notes("Acme kiosks")  # already committed when triage starts
        assert note.status == NoteStatus.SAVED
        seen.append(text)
        raise RuntimeError("LLM timed out")

    with pytest.raises(RuntimeError, match="LLM timed out"):
        store.process_note("Acme kiosks", f"company=Acme\ncard {PAN} cvv 123", exploding, source="call.txt")
    (note,) = store.notes("Acme kiosks")
    assert note.status == NoteStatus.FAILED
    assert note.error and "LLM timed out" in note.error
    assert PAN not in note.text and "1111" in note.text and "cvv ***" in note.text
    assert seen == [note.text]  # triage runs on what was stored, so evidence quotes the stored note
    assert len(note.text) == len(f"company=Acme\ncard {PAN} cvv 123")
    assert store.merged_report("Acme kiosks") is None  # nothing triaged yet
    (entry,) = store.history("Acme kiosks")
    assert entry.status == NoteStatus.FAILED and entry.error


def test_retry_failed_note_then_merge(store: Store) -> None:
    with pytest.raises(RuntimeError):
        store.process_note("Acme", "company=Acme", lambda t, s: (_ for _ in ()).throw(RuntimeError("down")))
    (note,) = store.notes("Acme")
    assert note.id is not None
    retried = store.retry_note(note.id, _report)
    assert retried.status == NoteStatus.TRIAGED and retried.error is None
    merged = store.merged_report("Acme")
    assert merged is not None and merged.report.fields.company.value == "Acme"


def test_merge_order_provenance_and_history(store: Store) -> None:
    first = store.process_note("Bolt EV", "company=Bolt\nprocessor=TSYS?\npromise", _report, kind="intro")
    second = store.process_note("Bolt EV", "device_count=40\nprocessor=Worldpay", _report, kind="discovery")
    third = store.process_note("Bolt EV", "device_count=60", _report, kind="validation")
    merged = store.merged_report("Bolt EV")
    assert merged is not None
    fields = merged.report.fields
    assert fields.processor.value == ["Worldpay"] and fields.processor.status is FieldStatus.CONFIRMED
    assert fields.device_count.value == 60  # newest confirmed statement
    assert [r.note_id for r in merged.provenance["processor"]] == [second.note.id]
    assert [r.note_id for r in merged.provenance["device_count"]] == [third.note.id]
    assert [r.note_id for r in merged.provenance["company"]] == [first.note.id]
    assert merged.provenance["company"][0].created_at == first.note.created_at
    # processor_unknown cleared by the later confirmed processor; the promise stays
    assert "processor_unknown" not in merged.report.trigger_ids()
    assert "unapproved_commitment" in merged.report.trigger_ids()
    required = len(RULES.gate_required)
    assert len(merged.report.gate.missing) == required - 3  # company, processor, device_count known

    history = store.history("Bolt EV")
    assert [h.kind for h in history] == ["intro", "discovery", "validation"]
    assert [h.gate_uncertain for h in history] == [["processor"], [], []]
    assert [h.gate_missing_count for h in history] == [required - 2, required - 2, required - 1]
    assert history[0].triggers == ["processor_unknown", "unapproved_commitment"]
    assert (
        "device_count" in history[0].merged_gate_missing and "processor" not in history[0].merged_gate_missing
    )
    assert "processor_unknown" in history[0].merged_triggers
    assert "processor_unknown" not in history[1].merged_triggers
    assert "unapproved_commitment" in history[1].merged_triggers
    assert len(history[2].merged_gate_missing) == required - 3


def test_opportunities_listed_newest_first_with_counts(store: Store) -> None:
    store.save_note("Old deal", "company=Old")
    store.save_note("New deal", "company=New")
    store.save_note("New deal", "company=New again")
    summaries = store.list_opportunities()
    assert [(s.name, s.notes) for s in summaries] == [("New deal", 2), ("Old deal", 1)]
    assert store.find_opportunity("  New   deal ") is not None  # names are whitespace-normalised


@pytest.mark.parametrize(
    ("name", "text", "kind"), [("", "notes", "other"), ("Acme", "  \n", "other"), ("Acme", "x", "bogus")]
)
def test_bad_input_saves_nothing(store: Store, name: str, text: str, kind: str) -> None:
    with pytest.raises(InputError):
        store.save_note(name, text, kind=kind)
    assert store.notes("Acme") == []


def test_open_store_uses_sqlite_under_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.config import get_settings

    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    store = open_store(get_settings())
    store.save_note("Acme", "company=Acme")
    assert (tmp_path / "home" / "assistant.db").exists()
    assert open_store(get_settings()) is store


@pytest.mark.skipif(
    not __import__("os").environ.get("ASSISTANT_TEST_POSTGRES_URL"),
    reason="set ASSISTANT_TEST_POSTGRES_URL=postgresql+psycopg://user:pw@127.0.0.1/db to run against Postgres",
)
def test_the_same_store_works_on_postgres() -> None:
    """A shared store: any SQLAlchemy URL, here a real PostgreSQL server on loopback."""
    import os
    import uuid

    store = Store(os.environ["ASSISTANT_TEST_POSTGRES_URL"], rules=RULES)
    name = f"Postgres Co {uuid.uuid4().hex[:8]}"
    store.process_note(name, f"processor=Fiserv?\ncard {PAN}", _report, kind="intro")
    store.process_note(name, "processor=Worldpay", _report, kind="discovery")
    merged = store.merged_report(name)
    assert merged is not None
    assert merged.report.fields.processor.value == ["Worldpay"]
    assert merged.report.fields.processor.status is FieldStatus.CONFIRMED
    assert all(PAN not in note.text for note in store.notes(name))
