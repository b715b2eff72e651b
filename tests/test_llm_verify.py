"""Evidence checks of the LLM backend: quotes repaired or dropped, values backed by their quote."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import get_settings
from assistant.extract.llm.quotes import locate_quote
from assistant.extract.llm.schema import ExtractionOutput, Finding, ProposedTrigger
from assistant.extract.llm.verify import Verifier
from assistant.policy import load_bundle
from assistant.schema import FieldStatus

TEXT = (
    "Dana (partner rep, Northgate): Intro for Omni. Harbor Transit Systems, about 350 employees.\n"
    "Luis Ortega (Harbor, Director of Fare Systems): We’re on Elavon. Not Fiserv, we left them last year.\n"
    "Luis: We run 40 depots x 3 lanes, plus the readers are Ingenico Self/4000 units.\n"
    "Luis: I think the gateway is Datacap, but I'd have to check.\n"
    "Luis: We'd want a fifth off, and can Omni handle the key injection?\n"
    "Luis: Kiosks? No. Parking pay stations yes, unattended.\n"
    "Luis: Go-live is planned for the spring; our CFO Maria Diaz signs.\n"
    "Priya (Omni SDR): I'll send the recap Friday.\n"
)


@pytest.fixture
def verifier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Verifier:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    return Verifier(
        TEXT, load_bundle(get_settings()), sellers={"priya", "dana"}, company="Harbor Transit Systems"
    )


def _find(field: str, value: str, quote: str, status: str = "confirmed") -> Finding:
    return Finding(field=field, value=value, status=status, quote=quote)


# -- quotes -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("We’re on Elavon", "We’re on Elavon"),  # verbatim
        ("we're on elavon", "We’re on Elavon"),  # case and apostrophe differ
        ("Luis Ortega: We’re on Elavon", "We’re on Elavon"),  # speaker label added
        (
            "I think the gateway is Datacap but I'd have to check",
            "I think the gateway is Datacap, but I'd have to check",
        ),
        (
            "We run 40 depots ... Ingenico Self/4000 units",
            "We run 40 depots x 3 lanes, plus the readers are Ingenico Self/4000 units",
        ),
        ("We run forty depots x 3 lanes, plus the readers", "We run 40 depots x 3 lanes, plus the readers"),
    ],
)
def test_near_miss_quotes_are_repaired_to_the_exact_span(quote: str, expected: str) -> None:
    span = locate_quote(quote, TEXT)
    assert span is not None
    assert TEXT[span[0] : span[1]] == expected


@pytest.mark.parametrize("quote", ["We are on TSYS for all lanes", "Harbor signed the contract", "ok"])
def test_quotes_not_in_the_text_are_not_found(quote: str) -> None:
    assert locate_quote(quote, TEXT) is None


def test_invented_quote_drops_the_value_and_counts_it(verifier: Verifier) -> None:
    assert verifier.finding(_find("processor", "TSYS", "We are on TSYS for all lanes")) == []
    assert verifier.stats.unlocated == 1
    assert verifier.stats.downgraded == 1


# -- values -------------------------------------------------------------------------------------
def test_lexicon_value_backed_by_its_quote_is_kept_with_canonical_name(verifier: Verifier) -> None:
    [candidate] = verifier.finding(_find("processor", "elavon", "We're on Elavon"))
    assert candidate.value == "Elavon"
    assert candidate.status is FieldStatus.CONFIRMED
    assert candidate.evidence == "We’re on Elavon"
    assert candidate.supported


def test_value_not_in_its_quote_is_dropped(verifier: Verifier) -> None:
    # a real quote, but it does not say TSYS
    assert verifier.finding(_find("processor", "TSYS", "We’re on Elavon")) == []
    assert verifier.stats.unsupported == 1


def test_negated_value_is_dropped(verifier: Verifier) -> None:
    assert verifier.finding(_find("processor", "Fiserv", "Not Fiserv, we left them last year")) == []
    assert verifier.finding(_find("use_cases", "kiosk", "Kiosks? No.")) == []
    assert verifier.stats.unsupported == 2


def test_value_of_the_wrong_lexicon_is_dropped(verifier: Verifier) -> None:
    # Datacap is a gateway, not a processor
    assert verifier.finding(_find("processor", "Datacap", "I think the gateway is Datacap")) == []


def test_hedged_quote_turns_confirmed_into_uncertain(verifier: Verifier) -> None:
    [candidate] = verifier.finding(_find("gateway", "Datacap", "I think the gateway is Datacap"))
    assert candidate.status is FieldStatus.UNCERTAIN
    assert candidate.hedged
    assert verifier.stats.hedged == 1


def test_list_value_is_split_and_each_item_checked(verifier: Verifier) -> None:
    found = verifier.finding(
        _find("use_cases", "parking, unattended, fuel", "Parking pay stations yes, unattended.")
    )
    assert sorted(c.value for c in found) == ["parking", "unattended"]
    assert verifier.stats.unsupported == 1  # fuel


def test_device_count_parses_from_quote_including_products(verifier: Verifier) -> None:
    [candidate] = verifier.finding(_find("device_count", "120", "We run 40 depots x 3 lanes"))
    assert candidate.value == 120 and candidate.supported
    # 350 is a headcount, not a device count
    assert verifier.finding(_find("device_count", "350", "Harbor Transit Systems, about 350 employees")) == []


def test_discount_idiom_parses(verifier: Verifier) -> None:
    [candidate] = verifier.finding(_find("discount_requested_pct", "20%", "We'd want a fifth off"))
    assert candidate.value == 20
    assert verifier.finding(_find("discount_requested_pct", "30", "We'd want a fifth off")) == []


def test_segment_follows_from_headcount(verifier: Verifier) -> None:
    [candidate] = verifier.finding(_find("segment", "mid-market", "about 350 employees"))
    assert candidate.value == "mid_market"
    assert verifier.finding(_find("segment", "enterprise", "about 350 employees")) == []


def test_deal_source_needs_its_cue(verifier: Verifier) -> None:
    [candidate] = verifier.finding(
        _find("deal_source", "external_rep", "Dana (partner rep, Northgate): Intro for Omni.")
    )
    assert candidate.value == "external_rep"
    assert (
        verifier.finding(_find("deal_source", "inbound", "Dana (partner rep, Northgate): Intro for Omni."))
        == []
    )


def test_partly_backed_free_text_is_kept_only_as_uncertain(verifier: Verifier) -> None:
    [kept] = verifier.finding(
        _find("company", "Harbor Transit Systems", "Harbor Transit Systems, about 350 employees")
    )
    assert kept.supported and kept.status is FieldStatus.CONFIRMED
    # a timeline quote that says "spring" but not "2026": partly backed, kept as uncertain
    [weak] = verifier.finding(_find("timeline", "spring 2026", "Go-live is planned for the spring"))
    assert not weak.supported and weak.status is FieldStatus.UNCERTAIN
    # a timeline quote that does not say Q3 2025 at all: dropped
    assert verifier.finding(_find("timeline", "Q3 2025", "Go-live is planned for the spring")) == []


def test_free_text_of_the_wrong_kind_is_dropped(verifier: Verifier) -> None:
    # "Friday" is when the SDR sends a recap, not a timeline
    assert verifier.finding(_find("timeline", "Friday", "I'll send the recap Friday")) == []
    # the Omni SDR is nobody's champion; the company is not a person
    assert verifier.finding(_find("champion", "Priya", "Priya (Omni SDR): I'll send the recap Friday.")) == []
    assert (
        verifier.finding(
            _find("economic_buyer", "Harbor Transit Systems", "Harbor Transit Systems, about 350 employees")
        )
        == []
    )
    [buyer] = verifier.finding(_find("economic_buyer", "Maria Diaz", "our CFO Maria Diaz signs"))
    assert buyer.supported and buyer.value == "Maria Diaz"
    assert verifier.stats.unsupported == 3


# -- triggers -----------------------------------------------------------------------------------
def test_proposed_trigger_needs_verified_quote_and_a_cue(verifier: Verifier) -> None:
    kept = verifier.trigger(
        ProposedTrigger(id="responsibility_transfer", quote="can Omni handle the key injection?")
    )
    assert kept is not None
    assert kept.evidence == ["can Omni handle the key injection?"]
    assert "leadership" in kept.route_to
    # quote is real but shows no discount
    assert (
        verifier.trigger(ProposedTrigger(id="discount_outside_guardrails", quote="We’re on Elavon")) is None
    )
    # invented quote
    assert (
        verifier.trigger(ProposedTrigger(id="high_risk_use_case", quote="We deploy kiosks everywhere"))
        is None
    )
    assert verifier.stats.triggers_kept == 1


def test_high_risk_trigger_ignores_negated_use_case(verifier: Verifier) -> None:
    assert verifier.trigger(ProposedTrigger(id="high_risk_use_case", quote="Kiosks? No.")) is None
    kept = verifier.trigger(
        ProposedTrigger(id="high_risk_use_case", quote="Parking pay stations yes, unattended.")
    )
    assert kept is not None


# -- the structured output is lenient --------------------------------------------------------------
def test_output_schema_drops_malformed_items_instead_of_failing() -> None:
    output = ExtractionOutput.model_validate(
        {
            "findings": [
                {
                    "field": "Processor",
                    "value": ["Elavon"],
                    "status": "Confirmed",
                    "quote": "We’re on Elavon",
                },
                {"field": "favourite_colour", "value": "blue", "quote": "blue"},
                {"value": 3},
                {"field": "device_count", "value": 120, "quote": "40 depots x 3 lanes"},
            ],
            "triggers": [{"id": "made_up", "quote": "x"}],
        }
    )
    assert [(f.field, f.value) for f in output.findings] == [("processor", "Elavon"), ("device_count", "120")]
    assert output.malformed == 3


def test_value_naming_several_entries_is_checked_entry_by_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    text = "proc: Chase or maybe Elavon?? she wasnt sure, said their fin guy would know\n"
    verifier = Verifier(text, load_bundle(get_settings()))
    found = verifier.finding(
        _find(
            "processor",
            "Chase or maybe Elavon?? she wasnt sure",
            "proc: Chase or maybe Elavon?? she wasnt sure",
        )
    )
    assert [(c.value, c.status) for c in found] == [
        ("Chase", FieldStatus.UNCERTAIN),
        ("Elavon", FieldStatus.UNCERTAIN),
    ]


def test_headcounts_and_site_counts_are_not_device_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    text = "TapLedger - ISV, ~40 ppl, London. Hearth: 340 locations, 3 lanes each.\n"
    verifier = Verifier(text, load_bundle(get_settings()))
    assert verifier.finding(_find("device_count", "40", "TapLedger - ISV, ~40 ppl")) == []
    assert verifier.finding(_find("device_count", "340", "340 locations, 3 lanes each")) == []
    [total] = verifier.finding(_find("device_count", "1020", "340 locations, 3 lanes each"))
    assert total.value == 1020


def test_a_promise_needs_an_object(verifier: Verifier) -> None:
    text = "Marcus, as promised. notes are rough sorry.\nRep: I promised them 20% off and go-live by March.\n"
    local = Verifier(text, verifier.bundle)
    assert local.trigger(ProposedTrigger(id="unapproved_commitment", quote="Marcus, as promised.")) is None
    kept = local.trigger(ProposedTrigger(id="unapproved_commitment", quote="I promised them 20% off"))
    assert kept is not None and kept.route_to == ["leadership"]


@pytest.mark.parametrize(
    "quote",
    [
        "i cant promise anything on price today that goes to my leadership",
        "We can't commit to dates until the SME reviews",
        "No promises on dates until they've seen it",
    ],
)
def test_a_refusal_to_promise_is_no_commitment(verifier: Verifier, quote: str) -> None:
    local = Verifier(quote + "\n", verifier.bundle)
    assert local.trigger(ProposedTrigger(id="unapproved_commitment", quote=quote)) is None


def test_negative_answer_after_a_mention_negates_it(verifier: Verifier) -> None:
    local = Verifier("Kiosks? Nah. Not this phase. Maybe never, honestly.\n", verifier.bundle)
    assert (
        local.finding(_find("use_cases", "kiosk", "Kiosks? Nah. Not this phase.", status="uncertain")) == []
    )


def test_a_price_someone_quoted_is_not_a_budget(verifier: Verifier) -> None:
    text = "We got a quote from CertifyNow for $38k for the whole thing.\nThe budget is approved: $60k.\n"
    local = Verifier(text, verifier.bundle)
    assert local.finding(_find("budget", "$38k", "We got a quote from CertifyNow for $38k")) == []
    [budget] = local.finding(_find("budget", "$60k", "The budget is approved: $60k."))
    assert budget.supported
