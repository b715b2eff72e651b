"""Scoring on tiny hand-made reports: the numbers are worked out by hand in the comments."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.evaluation.labels import CaseLabels, FieldLabel, Question
from assistant.evaluation.metrics import (
    match_value,
    normalise_newlines,
    percentile,
    score_case,
    score_question,
    summarise,
    summarise_questions,
)

TEXT = "Rep: they're on Elavon.\r\nCustomer: about 200 lanes, Verifone and PAX. Target Q3."


def field(value: Any, status: str = "confirmed", evidence: list[str] | None = None) -> dict[str, Any]:
    return {"value": value, "status": status, "evidence": evidence or []}


def report(
    fields: dict[str, dict[str, Any]], triggers: list[str], evidence: list[str] | None = None
) -> dict[str, Any]:
    return {
        "source": "t",
        "backend": "fake",
        "fields": fields,
        "triggers": [
            {"id": t, "route_to": ["leadership"], "reason": "r", "evidence": evidence or []} for t in triggers
        ],
        "gate": {"ready": False, "missing": []},
    }


def labels(triggers: list[str], fields: dict[str, dict[str, Any]] | None = None, **extra: Any) -> CaseLabels:
    return CaseLabels.model_validate(
        {
            "id": "c1",
            "kind": "rep_intro",
            "description": "hand made",
            "triggers": triggers,
            "fields": fields or {},
        }
        | extra
    )


def test_trigger_counts_per_case() -> None:
    score = score_case(
        labels(["processor_unknown", "tooling_unclear"]),
        report({}, ["tooling_unclear", "high_risk_use_case"]),
    )
    assert score.triggers.missed == ["processor_unknown"]
    assert score.triggers.false_fired == ["high_risk_use_case"]
    assert not score.passed


def test_summary_precision_recall_micro_average() -> None:
    # case 1: gold {A=processor_unknown, B=tooling_unclear}, fired {B, C=high_risk}: A fn, B tp, C fp
    # case 2: gold {A}, fired {A}: A tp
    # case 3: gold {}, fired {}: nothing
    cases = [
        score_case(
            labels(["processor_unknown", "tooling_unclear"]),
            report({}, ["tooling_unclear", "high_risk_use_case"]),
        ),
        score_case(labels(["processor_unknown"]), report({}, ["processor_unknown"])),
        score_case(labels([]), report({}, [])),
    ]
    s = summarise(cases)
    pu = s.triggers["processor_unknown"]
    assert (pu.tp, pu.fp, pu.fn, pu.support) == (1, 0, 1, 2)
    assert pu.precision == 1.0 and pu.recall == 0.5
    assert pu.f1 == pytest.approx(2 * 1 * 0.5 / 1.5, abs=1e-4)
    hr = s.triggers["high_risk_use_case"]
    assert (hr.precision, hr.recall, hr.support) == (0.0, 1.0, 0)  # nothing to find: recall 1.0
    dg = s.triggers["discount_outside_guardrails"]
    assert (dg.precision, dg.recall) == (1.0, 1.0)  # never fired, never gold
    # micro: tp=2 (B, A), fp=1 (C), fn=1 (A in case 1)
    o = s.triggers_overall
    assert (o.tp, o.fp, o.fn) == (2, 1, 1)
    assert o.precision == pytest.approx(2 / 3, abs=1e-4)
    assert o.recall == pytest.approx(2 / 3, abs=1e-4)
    assert (s.n_cases, s.passed, s.failing) == (3, 2, ["c1"])


def test_field_status_and_value_accuracy() -> None:
    gold = labels(
        [],
        {
            "processor": {
                "status": "confirmed",
                "value": ["Elavon"],
            },  # status ok, value ok (case-insensitive)
            "terminal_vendor": {
                "status": "confirmed",
                "value": ["Verifone", "PAX"],
            },  # status ok, value wrong
            "device_count": {"status": "confirmed", "value": 200},  # status ok, value ok within 0.01
            "timeline": {"status": "uncertain", "value": "Q3"},  # status wrong, value ok (containment)
            "budget": {"status": "missing"},  # status wrong, value not scored
        },
    )
    pred = report(
        {
            "processor": field(["elavon"]),
            "terminal_vendor": field(["Verifone", "Ingenico"]),
            "device_count": field(200.004),
            "timeline": field("target Q3", "confirmed"),
            "budget": field("$50k", "confirmed"),
        },
        [],
    )
    s = summarise([score_case(gold, pred)])
    assert s.field_status_accuracy == pytest.approx(3 / 5)
    assert s.field_value_accuracy == pytest.approx(3 / 4)
    assert s.fields["budget"].value_n == 0
    tv = s.fields["terminal_vendor"]
    # items: Verifone tp, PAX fn, Ingenico fp
    assert tv.item_precision == 0.5 and tv.item_recall == 0.5
    # all list items: processor 1 tp; terminal_vendor 1 tp, 1 fp, 1 fn
    assert s.list_item_precision == pytest.approx(2 / 3, abs=1e-4)
    assert s.list_item_recall == pytest.approx(2 / 3, abs=1e-4)


@pytest.mark.parametrize(
    ("name", "gold", "pred", "ok"),
    [
        ("processor", {"value": ["Worldpay", "TSYS"]}, ["tsys", "WORLDPAY"], True),
        ("processor", {"value": ["Worldpay"]}, ["Worldpay", "TSYS"], False),
        ("processor", {"value": ["Worldpay"]}, None, False),
        ("discount_requested_pct", {"value": 12.5}, 12.5, True),
        ("discount_requested_pct", {"value": 20}, 20.02, False),
        ("discount_requested_pct", {"value": 20}, "20", True),
        ("device_count", {"value": 120}, 12, False),
        ("segment", {"value": "mid_market"}, "mid_market", True),
        ("segment", {"value": "mid_market"}, "enterprise", False),
        ("deal_source", {"value": "inbound"}, None, False),
        ("company", {"value": "Acme Parking Inc."}, "Acme Parking", True),
        ("company", {"value": "Acme Parking"}, "ACME  parking, inc", True),
        ("company", {"value": "Acme Parking"}, "Globex", False),
        ("company", {"value": "Acme Parking, Inc."}, "Acme Parking Inc", True),
        ("budget", {"value": "$1,200,000"}, "about $1,200,000 for phase 1", True),
        ("company", {"value": "Acme Parking", "accept": ["APC"]}, "apc", True),
        ("company", {"value": "Acme"}, "", False),
        (
            "next_steps",
            {"value": ["send recap", "book SME call"]},
            ["Send recap by Friday", "Book SME call"],
            True,
        ),
        ("next_steps", {"value": ["send recap", "book SME call"]}, ["send recap"], False),
    ],
)
def test_match_value(name: str, gold: dict[str, Any], pred: Any, ok: bool) -> None:
    assert match_value(name, FieldLabel(status="confirmed", **gold), pred)[0] is ok


def test_evidence_verbatim_against_normalised_text() -> None:
    hay = [normalise_newlines(TEXT)]
    pred = report(
        {"processor": field(["Elavon"], evidence=["they're on Elavon.\nCustomer: about 200"])},
        ["high_risk_use_case"],
        evidence=["200 lanes", "300 lanes", ""],
    )
    score = score_case(labels(["high_risk_use_case"]), pred, hay)
    assert (score.evidence.total, score.evidence.verbatim) == (4, 2)
    assert score.evidence.not_verbatim == [
        "trigger:high_risk_use_case: '300 lanes'",
        "trigger:high_risk_use_case: ''",
    ]
    assert not score.passed  # triggers right, but evidence not verbatim
    assert summarise([score]).evidence_verbatim_rate == 0.5


def test_backend_error_fails_case_and_counts() -> None:
    gold = labels(["processor_unknown"], {"processor": {"status": "missing"}})
    score = score_case(gold, None, error="BackendError: boom")
    assert score.triggers.missed == ["processor_unknown"]
    assert score.fields["processor"].status_ok is False  # no report: every labelled field is wrong
    assert not score.passed
    s = summarise([score])
    assert s.errors == 1 and s.latency_ms_p50 is None


def test_gate_missing_compared_when_labelled() -> None:
    gold = labels([], gate_missing=["processor", "tooling"])
    pred = report({}, [])
    pred["gate"]["missing"] = ["tooling", "processor"]
    assert score_case(gold, pred).gate_ok is True
    pred["gate"]["missing"] = ["tooling"]
    bad = score_case(gold, pred)
    assert bad.gate_ok is False and not bad.passed
    assert summarise([bad]).gate_accuracy == 0.0


def test_latency_percentiles_and_usage_per_input() -> None:
    cases = [
        score_case(labels([]), report({}, []), latency_ms=ms, words=500, usage=usage)
        for ms, usage in [
            (10.0, {"calls": 1, "input_tokens": 1000, "output_tokens": 100, "cost_usd": 0.01}),
            (20.0, {"calls": 1, "input_tokens": 3000, "output_tokens": 300, "cost_usd": 0.03}),
            (30.0, None),
            (40.0, None),
        ]
    ]
    s = summarise(cases)
    assert s.latency_ms_p50 == 25.0
    assert s.latency_ms_p95 == pytest.approx(38.5)
    assert s.ms_per_1k_words_p50 == 50.0  # 25 ms per 500 words
    assert s.usage_per_input == {
        "calls": 0.5,
        "input_tokens": 1000.0,
        "output_tokens": 100.0,
        "cost_usd": 0.01,
    }


def test_no_usage_means_none() -> None:
    assert summarise([score_case(labels([]), report({}, []))]).usage_per_input is None


def test_percentile_edges() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0


def test_question_scores() -> None:
    q1 = Question(
        id="q1",
        question="who approves a 30% discount?",
        owners=["leadership"],
        must_not=["certification_sme"],
    )
    q2 = Question(id="q2", question="who owns follow-ups?", owners=["internal_sdr", "external_rep"])
    q3 = Question(id="q3", question="what is the office wifi password?", owners=[])
    q4 = Question(id="q4", question="who owns the lunch order?", owners=[])
    scores = [
        score_question(q1, ["leadership", "certification_sme"]),  # top-1 ok, 1 must-not violation
        score_question(q2, ["external_rep"]),  # top-1 wrong, but in gold owners
        score_question(q3, []),  # refusal ok
        score_question(q4, ["leadership"]),  # invented owner
    ]
    assert [s.passed for s in scores] == [False, False, True, False]
    s = summarise_questions(scores)
    assert (s.n, s.answerable, s.unanswerable) == (4, 2, 2)
    assert s.owner_top1_accuracy == 0.5
    assert s.owner_top1_in_gold == 1.0
    assert s.refusal_accuracy == 0.5
    assert s.must_not_violations == 1
    assert s.failing == ["q1", "q2", "q4"]


def test_question_error_is_wrong_answer() -> None:
    q = Question(id="q", question="who owns pricing?", owners=["leadership"])
    score = score_question(q, None, error="RunError: no index")
    assert score.top1_ok is False and not score.passed


_ALIASES = None


def _aliases() -> Any:
    global _ALIASES
    if _ALIASES is None:
        from assistant.evaluation.matching import build_aliases
        from assistant.policy.loader import load_lexicons

        _ALIASES = build_aliases(load_lexicons())
    return _ALIASES


@pytest.mark.parametrize(
    ("name", "gold", "pred", "ok"),
    [
        # spellings of one canonical name match through the lexicons
        ("regions", {"value": ["US"]}, ["United States"], True),
        ("regions", {"value": ["US", "Canada"]}, ["United States", "Canada"], True),
        ("card_brands", {"value": ["Mastercard"]}, ["MC"], True),
        # a state counts as its country; two countries are still two
        ("regions", {"value": ["Ohio", "Indiana"]}, ["United States"], True),
        ("regions", {"value": ["US", "Canada"]}, ["United States"], False),
        ("regions", {"value": ["Spain"]}, ["Spain", "Portugal"], False),
        # an accepted rendering is no false positive, and stands for the whole list
        ("tooling", {"value": ["ADVT", "M-TIP"], "accept": ["brand card sets"]}, ["brand card sets"], True),
        (
            "tooling",
            {"value": ["ADVT", "M-TIP"], "accept": ["brand card sets"]},
            ["brand card sets", "Collis"],
            False,
        ),
        # phrase fields match on shared content words, both ways
        (
            "decision_process",
            {"value": "Derek and Raj pick the vendor, CFO Linda Marsh signs anything over $50k"},
            "Derek + Raj pick the vendor, CFO Linda Marsh signs anything over $50k",
            True,
        ),
        (
            "decision_process",
            {"value": "procurement runs it; GM Harold Jennings approves under $250k"},
            "The board approved, back in March, a plan to add open-loop payments",
            False,
        ),
        (
            "next_steps",
            {"value": ["Ana sends the summary of tech questions"]},
            ["I'll send the summary of the tech questions to you Sam by EOD"],
            True,
        ),
        ("next_steps", {"value": ["Ana sends the summary of tech questions"]}, ["book the SME call"], False),
        # names are not phrase fields: half a name is not the name
        ("contact", {"value": "Sarah Jones"}, "Sarah Smith", False),
    ],
)
def test_match_value_with_aliases(name: str, gold: dict[str, Any], pred: Any, ok: bool) -> None:
    assert match_value(name, FieldLabel(status="confirmed", **gold), pred, _aliases())[0] is ok
