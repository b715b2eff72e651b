"""Small talk, the seller's precedents and a customer checking back are no asks of this deal.

Sentences are written for these tests (fictional people and firms).
"""

from __future__ import annotations

from assistant.policy import load_bundle
from assistant.text import Document
from assistant.triage import triage_text

_HEAD = (
    "Nadia (Omni SDR): Thanks for joining, Carl.\n"
    "Carl (Brookline Grocers): We have 300 lanes on Ingenico Lane/5000s with Elavon; tap must be certified by June.\n"
)


def _triggers(line: str) -> set[str]:
    report = triage_text(_HEAD + line + "\n", source="off-deal", backend="rules")
    return {trigger.id for trigger in report.triggers}


def test_small_talk_is_marked_on_the_sentence_and_its_percentages_ask_nothing() -> None:
    doc = Document.from_text(
        _HEAD + "Carl (Brookline Grocers): The expo hotel is 30% off if you book early.\n"
    )
    assert doc.sentences[-1].chatter and doc.sentences[-1].off_deal()
    assert not any(s.chatter for s in doc.sentences[:-1])
    assert "discount_outside_guardrails" not in _triggers(
        "Nadia (Omni SDR): Conference passes are 40% off this week if anyone fancies going."
    )


def test_a_sentence_that_names_the_deals_money_is_never_small_talk() -> None:
    vocabulary = load_bundle().participants
    assert vocabulary.is_chatter("flights to the summit are 20% cheaper in May")
    assert not vocabulary.is_chatter("see you at the summit, and we need 20% off the quote")


def test_a_discount_the_seller_gave_another_client_is_a_precedent_not_an_ask() -> None:
    for line in (
        "Nadia (Omni SDR): We once gave a retailer like you 35% off for a three-year term.",
        "Nadia (Omni SDR): Another customer of ours got 25% off for paying upfront.",
    ):
        assert "discount_outside_guardrails" not in _triggers(line), line
    # the customer's own ask still counts
    assert "discount_outside_guardrails" in _triggers(
        "Carl (Brookline Grocers): We'd need 25% off the quote."
    )


def test_a_customer_checking_what_omni_wants_asks_for_nothing() -> None:
    for line in (
        "Carl (Brookline Grocers): Hang on, you'd want us to move our key injection over to you?",
        "Carl (Brookline Grocers): So are you saying your team would run the Ingenico re-cert?",
    ):
        report = triage_text(_HEAD + line + "\n", source="check-back", backend="rules")
        assert "responsibility_transfer" not in {t.id for t in report.triggers}, line
        assert report.fields.requested_responsibilities.value is None, line
    asked = "Carl (Brookline Grocers): Could you take the key injection off our hands?"
    assert "responsibility_transfer" in _triggers(asked)
