"""Merge logic (no database): field rule, provenance, trigger rule, gate over merged fields.

Rules come from the repository's policy files (``MergeRules.from_settings``), so the
recomputed triggers and gate are exactly what ``assistant.checks`` decides.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from assistant.config import get_settings
from assistant.schema import LIST_FIELDS, DiscoveryFields, Field, FieldStatus, Gate, TriageReport, Trigger
from assistant.store.merge import MergeRules, NoteRef, merge_fields, merge_reports

T0 = datetime(2025, 1, 6, 9, 0, 0)
C, U, M = FieldStatus.CONFIRMED, FieldStatus.UNCERTAIN, FieldStatus.MISSING


@pytest.fixture(scope="module")
def rules() -> MergeRules:
    return MergeRules.from_settings(get_settings())


def ref(note_id: int, minutes: int = 0) -> NoteRef:
    return NoteRef(
        note_id=note_id, created_at=T0 + timedelta(minutes=minutes or note_id), source=f"n{note_id}"
    )


def fields(**values: tuple[Any, FieldStatus, list[str]]) -> DiscoveryFields:
    out = DiscoveryFields()
    for name, (value, status, evidence) in values.items():
        out.set(name, Field(value=value, status=status, evidence=evidence))
    return out


def trig(trigger_id: str, evidence: list[str] | None = None, route: list[str] | None = None) -> Trigger:
    return Trigger(
        id=trigger_id,  # type: ignore[arg-type]
        route_to=route or ["certification_sme", "technical_pm"],  # type: ignore[arg-type]
        reason=f"{trigger_id} raised for review",
        evidence=evidence or [],
    )


def report(f: DiscoveryFields, triggers: list[Trigger] | None = None, source: str = "note") -> TriageReport:
    return TriageReport(
        source=source, backend="rules", fields=f, triggers=triggers or [], gate=Gate(ready=False)
    )


def test_later_confirmed_replaces_earlier_uncertain_and_keeps_provenance(rules: MergeRules) -> None:
    early = fields(processor=(["TSYS"], U, ["I think TSYS"]), company=("Acme", C, ["Acme"]))
    late = fields(processor=(["Worldpay"], C, ["we're on Worldpay"]))
    merged, prov = merge_fields([(ref(1), early), (ref(2), late)])
    assert merged.processor.value == ["Worldpay"]
    assert merged.processor.status is C
    assert merged.processor.evidence == ["we're on Worldpay"]
    assert [r.note_id for r in prov["processor"]] == [2]
    assert [r.note_id for r in prov["company"]] == [1]  # untouched by the later note
    assert "gateway" not in prov  # missing everywhere: no provenance


def test_order_is_by_time_not_argument_order(rules: MergeRules) -> None:
    early = fields(device_count=(200, C, ["about 200 terminals"]))
    late = fields(device_count=(350, C, ["350 lanes now"]))
    merged, prov = merge_fields([(ref(2), late), (ref(1), early)])
    assert merged.device_count.value == 350
    assert prov["device_count"][0].note_id == 2


def test_later_missing_never_erases_and_earlier_confirmed_lists_union(rules: MergeRules) -> None:
    one = fields(card_brands=(["Visa", "Mastercard"], C, ["Visa and Mastercard"]))
    two = fields(card_brands=(["Amex", "visa"], C, ["Amex too"]))
    three = fields()
    merged, prov = merge_fields([(ref(1), one), (ref(2), two), (ref(3), three)])
    assert merged.card_brands.value == ["Visa", "Mastercard", "Amex"]
    assert merged.card_brands.status is C
    assert merged.card_brands.evidence == ["Visa and Mastercard", "Amex too"]
    assert [r.note_id for r in prov["card_brands"]] == [1, 2]


def test_later_hedge_makes_a_confirmed_field_uncertain(rules: MergeRules) -> None:
    one = fields(timeline=("Q3", C, ["go live in Q3"]), processor=(["Elavon"], C, ["Elavon"]))
    two = fields(timeline=("maybe Q4", U, ["maybe Q4"]), processor=(["TSYS"], U, ["or TSYS, not sure"]))
    merged, prov = merge_fields([(ref(1), one), (ref(2), two)])
    assert merged.timeline.status is U and merged.timeline.value == "maybe Q4"
    assert merged.timeline.evidence == ["go live in Q3", "maybe Q4"]
    assert merged.processor.status is U and merged.processor.value == ["Elavon", "TSYS"]
    assert [r.note_id for r in prov["processor"]] == [1, 2]


def test_field_caused_trigger_cleared_by_later_confirmed_fact(rules: MergeRules) -> None:
    one = report(
        fields(processor=(["TSYS"], U, ["I think TSYS"])), [trig("processor_unknown", ["I think TSYS"])]
    )
    two = report(fields(processor=(["TSYS"], C, ["confirmed TSYS"])))
    merged = merge_reports([(ref(1), one), (ref(2), two)], rules)
    assert "processor_unknown" not in merged.report.trigger_ids()
    assert [r.note_id for r in merged.dropped_triggers["processor_unknown"]] == [1]


def test_field_caused_trigger_kept_when_later_note_hedges(rules: MergeRules) -> None:
    one = report(fields(processor=(["Elavon"], C, ["Elavon"])))
    two = report(fields(processor=(["TSYS"], U, ["maybe TSYS"])), [trig("processor_unknown", ["maybe TSYS"])])
    merged = merge_reports([(ref(1), one), (ref(2), two)], rules)
    assert "processor_unknown" in merged.report.trigger_ids()
    assert [r.note_id for r in merged.trigger_sources["processor_unknown"]] == [2]


def test_note_that_does_not_mention_a_field_does_not_reopen_it(rules: MergeRules) -> None:
    one = report(fields(processor=(["Elavon"], C, ["Elavon"])))
    two = report(fields(), [trig("processor_unknown")])  # raised only because note 2 never said it
    merged = merge_reports([(ref(1), one), (ref(2), two)], rules)
    assert "processor_unknown" not in merged.report.trigger_ids()


def test_high_risk_cleared_only_when_confirmed_use_cases_replace_the_doubt(rules: MergeRules) -> None:
    maybe_kiosk = report(
        fields(use_cases=(["kiosk"], U, ["maybe kiosks later"])),
        [trig("high_risk_use_case", ["maybe kiosks later"])],
    )
    attended = report(fields(use_cases=(["attended"], C, ["countertop only"])))
    merged = merge_reports([(ref(1), maybe_kiosk), (ref(2), attended)], rules)
    assert "high_risk_use_case" not in merged.report.trigger_ids()
    # a confirmed kiosk followed by a confirmed attended lane: union keeps the risk
    kiosk = report(fields(use_cases=(["kiosk"], C, ["kiosks"])), [trig("high_risk_use_case", ["kiosks"])])
    merged = merge_reports([(ref(1), kiosk), (ref(2), attended)], rules)
    assert "high_risk_use_case" in merged.report.trigger_ids()


def test_text_caused_triggers_are_sticky_and_union_routes_and_evidence(rules: MergeRules) -> None:
    promise = trig("unapproved_commitment", ["your rep said 20% off"], ["leadership"])
    one = report(fields(), [promise])
    two = report(
        fields(processor=(["Elavon"], C, ["Elavon"])),
        [trig("unapproved_commitment", ["we were promised June"], ["leadership", "sales_manager"])],
    )
    three = report(fields(processor=(["Elavon"], C, ["Elavon"])))
    merged = merge_reports([(ref(1), one), (ref(2), two), (ref(3), three)], rules)
    (kept,) = [t for t in merged.report.triggers if t.id == "unapproved_commitment"]
    assert kept.route_to == ["leadership", "sales_manager"]
    assert kept.evidence == ["your rep said 20% off", "we were promised June"]
    assert [r.note_id for r in merged.trigger_sources["unapproved_commitment"]] == [1, 2]


def test_discount_trigger_with_text_only_evidence_is_sticky(rules: MergeRules) -> None:
    # raised for "free work" (a pricing exception), not for the percentage: a later 10% does not clear it
    one = report(
        fields(discount_requested_pct=(20, C, ["20% off"])),
        [trig("discount_outside_guardrails", ["20% off", "throw in the setup for free"], ["leadership"])],
    )
    two = report(fields(discount_requested_pct=(10, C, ["10% is fine"])))
    merged = merge_reports([(ref(1), one), (ref(2), two)], rules)
    assert merged.report.fields.discount_requested_pct.value == 10
    assert "discount_outside_guardrails" in merged.report.trigger_ids()
    # raised for the percentage alone: the later confirmed 10% removes the cause
    pct_only = report(
        fields(discount_requested_pct=(20, C, ["20% off"])),
        [trig("discount_outside_guardrails", ["20% off"], ["leadership"])],
    )
    merged = merge_reports([(ref(1), pct_only), (ref(2), two)], rules)
    assert "discount_outside_guardrails" not in merged.report.trigger_ids()
    assert [r.note_id for r in merged.dropped_triggers["discount_outside_guardrails"]] == [1]


def test_gate_recomputed_over_merged_fields(rules: MergeRules) -> None:
    required = list(rules.gate_required)
    assert "processor" in required and "device_count" in required
    complete = {name: (["x"] if name in LIST_FIELDS else "x", C, [f"{name} said"]) for name in required}
    complete["device_count"] = (40, C, ["40 lanes"])
    one = report(fields(**{**complete, "processor": (["TSYS"], U, ["TSYS?"])}))
    del complete["device_count"]
    merged = merge_reports([(ref(1), one)], rules)
    assert merged.report.gate.missing == [] and merged.report.gate.uncertain == ["processor"]
    assert not merged.report.gate.ready  # an uncertain required input blocks (policy uncertain_blocks)
    two = report(fields(processor=(["TSYS"], C, ["TSYS, confirmed"])))
    merged = merge_reports([(ref(1), one), (ref(2), two)], rules)
    assert merged.report.gate.ready and merged.report.gate.uncertain == []
    three = report(fields(processor=(["Elavon"], U, ["or Elavon?"])))
    merged = merge_reports([(ref(1), one), (ref(2), two), (ref(3), three)], rules)
    assert merged.report.gate.uncertain == ["processor"]


def test_nonstandard_tooling_survives_the_merge(rules: MergeRules) -> None:
    kit = Field(value=["in-house test harness (non-standard)"], status=C, evidence=["our own harness"])
    kit.nonstandard = ["in-house test harness (non-standard)"]  # type: ignore[attr-defined]
    one = report(DiscoveryFields(tooling=kit), [trig("tooling_unclear", ["our own harness"])])
    two = report(fields(tooling=(["FIME"], C, ["FIME for contactless"])))
    merged = merge_reports([(ref(1), one), (ref(2), two)], rules)
    assert merged.report.fields.tooling.value == ["in-house test harness (non-standard)", "FIME"]
    assert "tooling_unclear" in merged.report.trigger_ids()


def test_tooling_doubt_in_words_cleared_only_by_a_later_confirmation(rules: MergeRules) -> None:
    words = report(fields(), [trig("tooling_unclear", ["we don't have any test cards yet"])])
    fime = report(fields(tooling=(["FIME"], C, ["we bought FIME"])))
    merged = merge_reports([(ref(1), words), (ref(2), fime)], rules)
    assert "tooling_unclear" not in merged.report.trigger_ids()
    assert [r.note_id for r in merged.dropped_triggers["tooling_unclear"]] == [1]
    # the confirmation came first: the later doubt stands
    merged = merge_reports([(ref(1), fime), (ref(2), words)], rules)
    assert "tooling_unclear" in merged.report.trigger_ids()
    # a non-standard kit in words is not resolved by also having a standard tool
    custom = report(fields(), [trig("tooling_unclear", ["they will build their own test harness"])])
    merged = merge_reports([(ref(1), custom), (ref(2), fime)], rules)
    assert "tooling_unclear" in merged.report.trigger_ids()


def test_only_the_merge_raises_it_cites_the_field_notes(rules: MergeRules) -> None:
    # note 2 has a newer scalar hedge but (an older backend) raised nothing: the merge still flags it
    one = report(fields(discount_requested_pct=(10, C, ["10% off"])))
    two = report(fields(discount_requested_pct=(25, U, ["maybe 25% off"])))
    merged = merge_reports([(ref(1), one), (ref(2), two)], rules)
    assert "discount_outside_guardrails" in merged.report.trigger_ids()
    assert [r.note_id for r in merged.trigger_sources["discount_outside_guardrails"]] == [1, 2]


def test_to_contract_carries_provenance_and_raised_by(rules: MergeRules) -> None:
    one = report(fields(company=("Acme", C, ["Acme"])), [trig("tooling_unclear")])
    data = merge_reports([(ref(7), one)], rules).to_contract()
    assert data["fields"]["company"]["provenance"][0]["note_id"] == 7
    assert data["fields"]["company"]["provenance"][0]["created_at"].startswith("2025-01-06T09:07")
    assert data["fields"]["gateway"]["provenance"] == []
    tooling = next(t for t in data["triggers"] if t["id"] == "tooling_unclear")
    assert [r["note_id"] for r in tooling["raised_by"]] == [7]
    assert [t["id"] for t in data["triggers"]] == ["processor_unknown", "tooling_unclear"]  # contract order
    assert set(data) >= {"source", "backend", "fields", "triggers", "gate"}


def test_merge_needs_a_report(rules: MergeRules) -> None:
    with pytest.raises(ValueError):
        merge_reports([], rules)
