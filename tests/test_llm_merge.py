"""Merging verified model values into the rules result: the rules are the floor."""

from __future__ import annotations

from assistant.extract.llm.merge import merge_fields
from assistant.extract.llm.verify import Candidate
from assistant.schema import DiscoveryFields, Field, FieldStatus

C, U, M = FieldStatus.CONFIRMED, FieldStatus.UNCERTAIN, FieldStatus.MISSING
TEXT = (
    "Customer: I think we're on TSYS, not sure.\n"
    "Customer: Checked with finance: we are on TSYS.\n"
    "Customer: Cards are Visa and Mastercard; maybe Amex later.\n"
    "Customer: About 200 lanes, 240 if you count the pilot stores.\n"
)


def _cand(field: str, value: object, status: FieldStatus, quote: str, *, supported: bool = True) -> Candidate:
    start = TEXT.index(quote)
    hedged = any(cue in quote.lower() for cue in ("think", "not sure", "maybe"))
    return Candidate(field, value, status, quote, start, start + len(quote), supported, hedged)


def _rules(**fields: Field) -> DiscoveryFields:
    result = DiscoveryFields()
    for name, value in fields.items():
        result.set(name, value)
    return result


def test_verified_value_fills_a_missing_field() -> None:
    merged, stats = merge_fields(DiscoveryFields(), [_cand("processor", "TSYS", C, "we are on TSYS")], TEXT)
    assert merged.processor.value == ["TSYS"] and merged.processor.status is C
    assert merged.processor.evidence == ["we are on TSYS"]
    assert stats.filled == 1


def test_rules_input_is_not_modified() -> None:
    rules = _rules(company=Field(value=None, status=M))
    merge_fields(rules, [_cand("company", "Acme", C, "Checked with finance", supported=False)], TEXT)
    assert rules.company.status is M


def test_uncertain_rules_field_is_sharpened_only_by_fresh_unhedged_evidence() -> None:
    hedged_rules = _rules(
        processor=Field(value=["TSYS"], status=U, evidence=["I think we're on TSYS, not sure"])
    )
    # the model re-reads the same hedged sentence as "confirmed": no sharpening
    same = [_cand("processor", "TSYS", C, "I think we're on TSYS")]
    merged, _ = merge_fields(hedged_rules, same, TEXT)
    assert merged.processor.status is U
    # a later, plain statement confirms it
    fresh = [_cand("processor", "TSYS", C, "we are on TSYS")]
    merged, stats = merge_fields(hedged_rules, fresh, TEXT)
    assert merged.processor.status is C
    assert stats.sharpened == 1


def test_confirmed_rules_value_is_not_overwritten() -> None:
    rules = _rules(timeline=Field(value="Q3", status=C, evidence=["About 200 lanes"]))
    weak = [_cand("timeline", "Q4", U, "Checked with finance", supported=False)]
    strong = [_cand("timeline", "Q1", C, "Checked with finance")]
    assert merge_fields(rules, weak, TEXT)[0].timeline.value == "Q3"
    assert merge_fields(rules, strong, TEXT)[0].timeline.value == "Q3"


def test_unverified_free_text_fills_a_missing_field_only_as_uncertain() -> None:
    merged, _ = merge_fields(
        DiscoveryFields(),
        [_cand("timeline", "next spring", C, "Checked with finance", supported=False)],
        TEXT,
    )
    assert merged.timeline.status is U


def test_larger_verified_device_count_replaces_the_rules_figure() -> None:
    rules = _rules(device_count=Field(value=200, status=C, evidence=["About 200 lanes"]))
    merged, _ = merge_fields(
        rules, [_cand("device_count", 240, C, "240 if you count the pilot stores")], TEXT
    )
    assert merged.device_count.value == 240
    assert merged.device_count.evidence == ["About 200 lanes", "240 if you count the pilot stores"]


def test_list_union_takes_only_verified_items() -> None:
    rules = _rules(card_brands=Field(value=["Visa"], status=C, evidence=["Cards are Visa and Mastercard"]))
    candidates = [
        _cand("card_brands", "Mastercard", C, "Cards are Visa and Mastercard"),
        _cand("card_brands", "Discover", C, "Cards are Visa and Mastercard", supported=False),
    ]
    merged, stats = merge_fields(rules, candidates, TEXT)
    assert merged.card_brands.value == ["Visa", "Mastercard"]
    assert merged.card_brands.status is C
    assert stats.items_added == 1


def test_hedged_item_added_to_a_confirmed_list_makes_it_uncertain_never_the_reverse() -> None:
    rules = _rules(
        card_brands=Field(value=["Visa", "Mastercard"], status=C, evidence=["Cards are Visa and Mastercard"])
    )
    merged, _ = merge_fields(rules, [_cand("card_brands", "Amex", U, "maybe Amex later")], TEXT)
    assert merged.card_brands.value == ["Visa", "Mastercard", "Amex"]
    assert merged.card_brands.status is U
    # an uncertain model item without a hedge in its quote is not added to a confirmed list
    plain = [_cand("card_brands", "Amex", U, "Checked with finance")]
    assert merge_fields(rules, plain, TEXT)[0].card_brands.value == ["Visa", "Mastercard"]


def test_duplicate_items_from_overlapping_chunks_are_pooled() -> None:
    twice = [_cand("processor", "TSYS", C, "we are on TSYS"), _cand("processor", "tsys", C, "we are on TSYS")]
    merged, _ = merge_fields(DiscoveryFields(), twice, TEXT)
    assert merged.processor.value == ["TSYS"]


def test_model_is_asked_only_for_what_the_rules_did_not_confirm() -> None:
    from assistant.extract.llm.backend import focus_fields

    assert focus_fields(DiscoveryFields()) == []  # nothing confirmed: ask for everything
    rules = _rules(
        company=Field(value="Acme", status=C, evidence=["x"]),
        processor=Field(value=["TSYS"], status=U, evidence=["x"]),
        use_cases=Field(value=["attended"], status=C, evidence=["x"]),
    )
    wanted = focus_fields(rules)
    assert "company" not in wanted
    assert "processor" in wanted and "gateway" in wanted
    assert "use_cases" in wanted  # always: a missed high-risk use case matters


def test_paraphrased_next_step_is_not_added_twice() -> None:
    text = "Sam: I'll send a recap by Friday and book the SME call.\nKara: Also loop in Ben.\n"
    rules = _rules(
        next_steps=Field(value=["I'll send a recap by Friday and book the SME call."], status=C,
                         evidence=["I'll send a recap by Friday and book the SME call."])
    )  # fmt: skip
    start = text.index("send a recap")
    same = Candidate(
        "next_steps", "send recap by Friday", C, "send a recap by Friday", start, start + 22, True, False
    )
    other_start = text.index("Also loop in Ben")
    new = Candidate(
        "next_steps", "loop in Ben", C, "Also loop in Ben", other_start, other_start + 16, True, False
    )
    merged, _ = merge_fields(rules, [same, new], text)
    assert merged.next_steps.value == ["I'll send a recap by Friday and book the SME call.", "loop in Ben"]
