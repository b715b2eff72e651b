"""Lexicon fields: processor, gateway, vendor, models, KIF, tooling, brands, regions, use cases."""

from __future__ import annotations

import pytest

from assistant.schema import FieldStatus
from assistant.triage import triage_text


def fields(text: str):  # type: ignore[no-untyped-def]
    return triage_text(text).fields


def test_aliases_map_to_canonical_names() -> None:
    f = fields(
        "Customer: we process with First Data and the gateway is Auth.net.\nCustomer: Cards: visa, mc, AmEx.\n"
    )
    assert f.processor.value == ["Fiserv"]
    assert f.processor.status is FieldStatus.CONFIRMED
    assert f.gateway.value == ["Authorize.net"]
    assert set(f.card_brands.value) == {"Visa", "Mastercard", "Amex"}


@pytest.mark.parametrize(
    "text",
    [
        "- proc: Fiserv (I think)",
        "Customer: I think we're on Fiserv but don't quote me.",
        "Customer: Probably Fiserv? Finance would know.",
        "- processor: Fiserv, TBD",
    ],
)
def test_hedged_processor_is_uncertain(text: str) -> None:
    f = fields(text)
    assert f.processor.value == ["Fiserv"]
    assert f.processor.status is FieldStatus.UNCERTAIN
    assert all(quote in text for quote in f.processor.evidence)


def test_either_or_is_a_guess() -> None:
    f = fields(
        "Dana (Acme): It's either Fiserv or Global, finance would know.\nSam (Omni): ok\nDana (Acme): yes"
    )
    assert f.processor.value == ["Fiserv", "Global Payments"]
    assert f.processor.status is FieldStatus.UNCERTAIN


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Customer: We are not on Fiserv, it's Elavon.", ["Elavon"]),
        ("Customer: We're on TSYS, sorry, we moved to Worldpay last year.", ["Worldpay"]),
        ("Customer: We used to be on Heartland; these days it's Chase Paymentech.", ["Chase"]),
        ("Customer: We migrated from TSYS to Worldpay in May.", ["Worldpay"]),
    ],
)
def test_negations_and_corrections_keep_the_final_answer(text: str, expected: list[str]) -> None:
    f = fields(text)
    assert f.processor.value == expected
    assert f.processor.status is FieldStatus.CONFIRMED


def test_question_by_omni_is_not_a_value_until_answered() -> None:
    asked = "Sam (Omni): Are you on Fiserv?\nDana (Acme): Let me move on to the terminals first.\n"
    assert fields(asked).processor.status is FieldStatus.MISSING
    answered = "Sam (Omni): Are you on Fiserv?\nDana (Acme): Yep, Fiserv.\n"
    f = fields(answered)
    assert f.processor.value == ["Fiserv"] and f.processor.status is FieldStatus.CONFIRMED
    denied = "Sam (Omni): Are you on Fiserv?\nDana (Acme): No.\nSam (Omni): ok\nDana (Acme): bye\n"
    assert fields(denied).processor.status is FieldStatus.MISSING


def test_omni_talking_about_itself_is_not_the_customers_stack() -> None:
    text = "Sam (Omni): We certify a lot of Ingenico work.\nDana (Acme): Nice. We run Verifone P400s.\n"
    f = fields(text)
    assert f.terminal_vendor.value == ["Verifone"]
    assert f.terminal_models.value == ["P400"]


def test_model_implies_vendor_and_slash_lists() -> None:
    f = fields("Customer: about 300 A920 Pros and some IM30s for the unattended bays.")
    assert "PAX" in f.terminal_vendor.value
    assert {"A920 Pro", "IM30"} <= set(f.terminal_models.value)


@pytest.mark.parametrize(
    "text,included,excluded",
    [
        (
            "Customer: no kiosks, definitely not unattended, all attended lanes.",
            {"attended"},
            {"kiosk", "unattended"},
        ),
        ("Customer: 40 SCOs plus staffed lanes.", {"self_checkout"}, set()),
        (
            "Customer: EV chargers at the depots, and pay at the pump on the forecourt.",
            {"ev_charging", "fuel"},
            set(),
        ),
        ("Customer: We had a wedding in the car park last week.", set(), {"parking"}),
        ("Customer: Kiosks: no. Vending: maybe next year.", {"vending"}, {"kiosk"}),
    ],
)
def test_use_cases(text: str, included: set[str], excluded: set[str]) -> None:
    value = set(fields(text).use_cases.value or [])
    assert included <= value
    assert not (excluded & value)


def test_tooling_and_nonstandard_kits() -> None:
    f = fields("Customer: QA has ICC Solutions and a homegrown harness for host sims.")
    assert "ICC Solutions" in f.tooling.value
    assert "in-house test harness (non-standard)" in f.tooling.value


def test_regions_from_cities_and_provinces() -> None:
    f = fields("Customer: 42 stores across Ontario and Quebec, plus two in London.")
    assert set(f.regions.value) == {"Canada", "United Kingdom"}


def test_unknown_label_values_are_uncertain() -> None:
    f = fields("- KIF: TBD\n- tools: ?? didnt come up\n")
    assert f.kif.status is FieldStatus.UNCERTAIN and f.kif.value is None
    assert f.tooling.status is FieldStatus.MISSING
