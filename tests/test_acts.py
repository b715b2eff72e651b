"""The acts layer: vocabulary examples, compositional judgement, fields and triggers agreeing."""

from __future__ import annotations

import pytest

from assistant.checks import run_checks
from assistant.extract.rules.acts import document_clauses
from assistant.extract.rules.context import Context
from assistant.policy import load_bundle
from assistant.schema import DiscoveryFields, Field, FieldStatus
from assistant.text import Document
from assistant.triage import triage_text

BUNDLE = load_bundle()
VOCABULARY = BUNDLE.acts


def fired(text: str) -> set[str]:
    return set(triage_text(text).trigger_ids())


# -- the vocabulary's own examples are regression tests ------------------------------------
@pytest.mark.parametrize(
    ("act", "sentence"),
    [(entry.name, example) for entry in VOCABULARY.acts for example in entry.examples],
)
def test_every_act_example_shows_its_act(act: str, sentence: str) -> None:
    assert act in VOCABULARY.acts_in(sentence), f"{act!r} not found in {sentence!r}"


@pytest.mark.parametrize(
    ("act", "sentence"),
    [(entry.name, example) for entry in VOCABULARY.acts for example in entry.counter_examples],
)
def test_no_act_counter_example_shows_its_act(act: str, sentence: str) -> None:
    assert act not in VOCABULARY.acts_in(sentence), f"{act!r} wrongly found in {sentence!r}"


@pytest.mark.parametrize(
    ("name", "sentence"),
    [(entry.name, example) for entry in VOCABULARY.pricing for example in entry.examples],
)
def test_every_pricing_example_is_a_pricing_ask(name: str, sentence: str) -> None:
    hit = VOCABULARY.pricing_ask(sentence)
    assert hit is not None and hit[0] == name


@pytest.mark.parametrize(
    "sentence", [example for entry in VOCABULARY.pricing for example in entry.counter_examples]
)
def test_pricing_counter_examples_are_no_pricing_ask(sentence: str) -> None:
    assert VOCABULARY.pricing_ask(sentence) is None


@pytest.mark.parametrize("sentence", VOCABULARY.targets.examples)
def test_target_examples_name_omni(sentence: str) -> None:
    assert VOCABULARY.target_matcher.search(sentence) is not None


def test_apostrophes_dropped_by_speech_to_text_still_match() -> None:
    assert "decline" in VOCABULARY.acts_in("i cant commit to that date")
    assert "promise" in VOCABULARY.acts_in("we could probably absorb the key loading")


# -- clauses carry their parts --------------------------------------------------------------
def clauses(text: str) -> list:  # type: ignore[type-arg]
    return document_clauses(Context.create(Document.from_text(text), BUNDLE))


def test_that_part_points_back_at_work_named_two_sentences_before() -> None:
    text = (
        "Dana (Acme): Right now BlueStar does the remote key loading for us. They keep pushing us out.\n"
        "Dana (Acme): Honestly it would be lovely if that part could sit with you."
    )
    last = clauses(text)[-1]
    assert "wish" in last.acts and last.target is not None
    assert last.work is not None and last.work.owner == "kif" and last.work.via == "anaphora"


def test_a_possessive_party_makes_generic_work_theirs() -> None:
    [clause] = clauses("Dana (Acme): Could Omni take over Ingenico's re-certification?")
    assert clause.work is not None and clause.work.owner == "terminal_vendor"


def test_certification_with_a_processor_is_omnis_own_work() -> None:
    [clause] = clauses("Dana (Acme): Could you run our certification with Fiserv?")
    assert clause.work is None or clause.work.owner is None


# -- requests -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Dana (Acme): Honestly it would be lovely if the key loading could sit with you lot.",
        "Dana (Acme): Fiserv's cert team told us Omni would do their side of host testing.",
        "Dana (Acme): Would Omni be able to take the signing of our app builds off Payter's hands?",
        "Sam (Omni SDR): Derek asked if Omni could take over Datacap's half of the integration cert.",
        "Dana (Acme): We want one supplier. You handle everything - the certification and the key loading.",
        "dana (acme): we were kind of assuming youd sort out the mids with the processor",
    ],
)
def test_asks_for_another_partys_work_are_transfers(text: str) -> None:
    assert "responsibility_transfer" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        "Dana (Acme): We'll handle the key loading ourselves, BlueStar is great.",
        "Dana (Acme): Could you run the L3 certification with Fiserv for us?",
        "Sam (Omni SDR): Who does the key injection for you today?",
        "Dana (Acme): Verifone does our firmware updates every quarter.",
    ],
)
def test_keeping_work_questions_and_omnis_own_work_are_no_transfer(text: str) -> None:
    assert "responsibility_transfer" not in fired(text)


def test_a_requested_responsibility_owned_by_another_party_raises_the_trigger() -> None:
    """Fields and triggers agree, whoever filled the field (an LLM backend's verified item too)."""
    text = "Dana (Acme): We're on Elavon with ICC Solutions tools. Please handle the Cybersource sign-off."
    doc = Document.from_text(text)
    fields = DiscoveryFields()
    fields.requested_responsibilities = Field(
        value=["the Cybersource certification sign-off"],
        status=FieldStatus.CONFIRMED,
        evidence=["Please handle the Cybersource sign-off."],
    )
    triggers = {t.id: t for t in run_checks(fields, doc, BUNDLE)}
    transfer = triggers["responsibility_transfer"]
    assert any(entry["owner"] == "gateway" for entry in transfer.transfers)  # type: ignore[attr-defined]


# -- commitments ------------------------------------------------------------------------------
def test_a_hedged_promise_by_the_rep_still_counts_and_names_who_made_it() -> None:
    text = (
        "Dana (Acme): Can we be live before Christmas?\n"
        "Greg (partner rep, Apex Channel): Should be fine I reckon, we'll have you live by December.\n"
    )
    report = triage_text(text)
    [trigger] = [t for t in report.triggers if t.id == "unapproved_commitment"]
    assert trigger.commitments[0]["by"] == "external_rep"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "line",
    [
        "I'd love to say we'll have you live by March, but I can't commit to that today.",
        "I'll take the 20% back to leadership and come back to you.",
        "I'll do the summary and send it round by Friday.",
        "100% agree, the lanes come first.",
    ],
)
def test_declines_deferrals_own_tasks_and_idioms_are_no_commitment(line: str) -> None:
    text = f"Dana (Acme): We need this live by March.\nSam (Omni SDR): {line}\n"
    assert "unapproved_commitment" not in fired(text)


def test_a_customer_reporting_a_relayed_promise_counts() -> None:
    text = 'Dana (Acme): As discussed with Ramesh, he told us "we can definitely have that done by June".'
    assert "unapproved_commitment" in fired(text)


# -- pricing asks -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Dana (Acme): Your quote came in at $62,000. Our board approved $48,000. Can you get there?",
        "Dana (Acme): Can you knock $30k off the $100k quote?",
        "Dana (Acme): We received a quote from another lab that is 20% lower. If you can match it, we sign.",
        "Dana (Acme): Could we start with a free pilot in two stores? Actually, scratch that, forget the pilot.",
    ],
)
def test_money_against_a_quote_matching_and_withdrawn_asks_fire(text: str) -> None:
    assert "discount_outside_guardrails" in fired(text)


def test_money_against_a_quote_fills_the_discount_in_percent() -> None:
    report = triage_text("Dana (Acme): Can you knock $30k off the $100k quote?")
    assert report.fields.discount_requested_pct.value == 30


@pytest.mark.parametrize(
    "line",
    [
        "Legal signed the NDA waiver yesterday.",
        "Feel free to send the deck.",
        "Don't worry about the contractor induction, we'll waive it for a one-day visit.",
        "We're 100% on board with kicking off in April.",
    ],
)
def test_forms_idioms_and_the_customers_own_waivers_are_no_pricing_ask(line: str) -> None:
    text = f"Dana (Acme): We're on Elavon with ICC Solutions tools.\nDana (Acme): {line}"
    assert "discount_outside_guardrails" not in fired(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("we'll have you live by the end of March", "dates"),
        ("you'll be certified within six weeks", "dates"),
        ("I'll make sure you get 20% off", "price"),
        ("we'll take care of the key injection", "scope"),
        ("I'll send the deck over", None),
    ],
)
def test_what_a_promise_is_about(text: str, kind: str | None) -> None:
    assert VOCABULARY.promised_object(text) == kind


# -- phrasings no list holds, in other registers (written for these tests, not from the eval cases) --
@pytest.mark.parametrize(
    ("text", "trigger", "fires"),
    [
        (
            "Speaker 1: so we want just one vendor for all of it\n"
            "Speaker 1: including the terminal maker's re-certification if thats possible",
            "responsibility_transfer",
            True,
        ),
        (
            "Dana (Acme): Our device vendor is painfully slow with software signing. "
            "Could you do that for us instead?",
            "responsibility_transfer",
            True,
        ),
        (
            "[09:14] dana.k: tbh the keys r a nightmare w/ our KIF\n"
            "[09:15] dana.k: wd be ace if u lot could own that bit",
            "responsibility_transfer",
            True,
        ),
        (
            "Priya (Omni certification SME): Don't worry, the go-live on 1 March is fine, that's on us.",
            "unapproved_commitment",
            True,
        ),
        ("Dana (Acme): We were quoted £80,000. We can do £60,000.", "discount_outside_guardrails", True),
        (
            "Dana (Acme): Our KIF does the key loading and we're keeping it that way.",
            "responsibility_transfer",
            False,
        ),
        (
            "Sam (Omni SDR): okay so i'll send you a recap and we'll get our cert lead on a call next week",
            "unapproved_commitment",
            False,
        ),
        (
            "Mark (Acme): The Worldpay boarding is a mess. Any appetite on your side to run it?",
            "responsibility_transfer",
            True,
        ),
        (
            "Mark (Acme): re the firmware - would your team be up for pushing it to the fleet?",
            "responsibility_transfer",
            True,
        ),
        (
            "Tom (partner rep): I already said to them Omni would do it for 45k flat.",
            "unapproved_commitment",
            True,
        ),
        (
            "Jo (Omni SME): We won't be touching the firmware, that stays with PAX.",
            "responsibility_transfer",
            False,
        ),
        ("Jo (Omni PM): yes yes we can promise april, no issue", "unapproved_commitment", True),
        ("Jo (Omni PM): I promise I'll send the slides tonight", "unapproved_commitment", False),
        (
            "Mark (Acme): We have been offered 25% less by Adyen's partner, can you do the same?",
            "discount_outside_guardrails",
            True,
        ),
        (
            "Mark (Acme): Please send the waiver form for the site visit.",
            "discount_outside_guardrails",
            False,
        ),
    ],
)
def test_unseen_phrasings(text: str, trigger: str, fires: bool) -> None:
    assert (trigger in fired(text)) is fires


def test_a_sellers_promise_counts_even_when_the_speaker_is_misread_as_the_customer() -> None:
    text = (
        "Speaker 1: we need to be live for the holidays, can you do the keys?\n"
        "Speaker 2: yeah no don't worry about it we'll have you live before christmas easy\n"
    )
    assert VOCABULARY.seller_only_matcher.search(VOCABULARY.seller_only.examples[0]) is not None
    assert "unapproved_commitment" in fired(text)


# -- the LLM verifier reads quotes through the same layer ----------------------------------------
def test_llm_proposals_are_judged_by_the_acts_layer() -> None:
    from assistant.extract.llm.schema import ProposedTrigger
    from assistant.extract.llm.verify import Verifier

    text = (
        "Dana (Acme): It would be lovely if Ingenico's re-certification could sit with you lot.\n"
        "Sam (Omni SDR): I can't commit to that, I'll take it back to leadership.\n"
        "Greg (partner rep): Honestly the re-cert is on us, you'll be live by March.\n"
        "Dana (Acme): Legal signed the NDA waiver.\n"
    )
    verifier = Verifier(text, BUNDLE)

    def kept(trigger: str, quote: str) -> bool:
        return verifier.trigger(ProposedTrigger(id=trigger, quote=quote)) is not None  # type: ignore[arg-type]

    assert kept(
        "responsibility_transfer", "It would be lovely if Ingenico's re-certification could sit with you lot."
    )
    assert kept("unapproved_commitment", "Honestly the re-cert is on us, you'll be live by March.")
    assert not kept("unapproved_commitment", "I can't commit to that, I'll take it back to leadership.")
    assert not kept("discount_outside_guardrails", "Legal signed the NDA waiver.")
