"""Confirmed means confirmed: typed value checks, and the confirmed-value precision metric."""

from __future__ import annotations

import pytest

from assistant.evaluation.labels import CaseLabels
from assistant.evaluation.metrics import score_case, summarise
from assistant.extract.validate import valid_company, valid_person, valid_timeline, validate_fields
from assistant.policy import load_bundle
from assistant.schema import DiscoveryFields, Field, FieldStatus
from assistant.text import Document
from assistant.triage import triage_text

DOC = Document.from_text(
    "Attendees: Kim Alvarez (Brightwave Payments), Jonah Reyes (Cobble Creek Bakeries)\n"
    "Kim Alvarez: we onboard three hundred merchants a year.\n"
    "Jonah Reyes: we run forty cafes.\n"
    "Kim Alvarez: great.\n"
)


@pytest.mark.parametrize(
    "name",
    [
        "Tue, Mar 3",  # a date after " - " in a title line
        "2026-03-03",
        "It's",  # the first word of a sentence
        "Like",
        "Recap",  # an e-mail subject
        "Proposal questions",
        "VP Sales",  # a job title
        "COO",
        "Hi team",  # a greeting
        "Omni",
        "Brightwave Payments",  # the seller's own firm
        "Kim Alvarez",  # a person
        "Lane replacement",  # a phrase, not a name
        "Cybersource",  # a vendor
    ],
)
def test_what_is_never_a_company(name: str) -> None:
    assert not valid_company(name, DOC, load_bundle())


@pytest.mark.parametrize(
    "name", ["Cobble Creek Bakeries", "Harbor and Pine", "Northern Leaf Cannabis Co.", "LRTA"]
)
def test_organisation_names_pass(name: str) -> None:
    assert valid_company(name, DOC, load_bundle())


def test_a_person_is_a_person_on_the_customer_side() -> None:
    bundle = load_bundle()
    assert valid_person("Jonah Reyes", DOC, bundle)
    assert valid_person("the CFO", DOC, bundle)
    assert not valid_person("Cybersource", DOC, bundle)  # a vendor never signs for the customer
    assert not valid_person("Kim Alvarez", DOC, bundle)  # the seller's rep is no customer champion
    assert not valid_person("Speaker 2", DOC, bundle)
    assert not valid_person("Primary Contact", DOC, bundle)


@pytest.mark.parametrize(
    "value,ok",
    [("Mon, 45 min", False), ("30 minutes", False), ("end of Q3", True), ("before Black Friday", True)],
)
def test_a_timeline_is_a_date_or_a_window(value: str, ok: bool) -> None:
    assert valid_timeline(value, load_bundle()) is ok


def _confirmed(value: object) -> Field:
    return Field(value=value, status=FieldStatus.CONFIRMED, evidence=["x"])


def test_junk_values_are_dropped_before_the_report() -> None:
    fields = DiscoveryFields()
    fields.budget = _confirmed("not discussed")
    fields.decision_process = _confirmed("that")
    fields.next_steps = _confirmed(["#followup", "Jonah forwards the depot invoice"])
    fields.economic_buyer = _confirmed("Cybersource")
    fields.timeline = _confirmed("Mon, 45 min")
    fields.company = _confirmed("RE: Proposal questions")
    dropped = validate_fields(fields, DOC, load_bundle())
    assert set(dropped) >= {"budget", "decision_process", "economic_buyer", "timeline", "company"}
    assert fields.next_steps.value == ["Jonah forwards the depot invoice"]


def test_a_correction_takes_the_final_figure() -> None:
    report = triage_text("Dana (Acme): we have 120, no wait, 140 lanes in total.\nSam (Omni): thanks.\n")
    assert report.fields.device_count.value == 140


def test_budget_not_discussed_is_missing() -> None:
    report = triage_text("Company: Acme Foods\nBudget: not discussed\nProcessor: Fiserv\n")
    assert report.fields.budget.status is FieldStatus.MISSING


def test_confirmed_value_precision_counts_confirmed_values_only() -> None:
    labels = CaseLabels.model_validate(
        {
            "id": "c1",
            "kind": "hard_case",
            "description": "confirmed values, right and wrong",
            "triggers": [],
            "fields": {
                "company": {"status": "confirmed", "value": "Acme"},
                "processor": {"status": "missing"},
                "timeline": {"status": "uncertain", "value": "Q3"},
                "budget": {"status": "confirmed", "value": "$50k"},
            },
        }
    )
    report = {
        "fields": {
            "company": {"value": "Acme", "status": "confirmed", "evidence": []},  # right
            "processor": {"value": ["Fiserv"], "status": "confirmed", "evidence": []},  # gold: missing
            "timeline": {"value": "Q3", "status": "uncertain", "evidence": []},  # not confirmed: not counted
            "budget": {"value": None, "status": "missing", "evidence": []},  # nothing confirmed
        }
    }
    case = score_case(labels, report)
    assert case.fields["company"].confirmed_ok is True
    assert case.fields["processor"].confirmed_ok is False
    assert case.fields["timeline"].confirmed_ok is None
    assert summarise([case]).confirmed_value_precision == 0.5
