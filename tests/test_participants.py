"""Who is who: the participants layer, and what the seller says about itself never becoming a customer fact.

The long fixtures under ``tests/fixtures/long`` are written for these tests (fictional people and
firms): a 5,000-word speech-to-text partner call with bios, small talk, crosstalk, noisy speaker
labels, an internal debrief and a pasted e-mail thread; a buyer's own evaluation notes; and an
off-topic planning note.
"""

from __future__ import annotations

import email
import email.policy
from functools import cache
from pathlib import Path

import pytest

from assistant.drafting import draft_email, to_eml
from assistant.schema import FieldStatus, TriageReport
from assistant.text import CUSTOMER, OMNI, REP, THIRD_PARTY, Document
from assistant.triage import triage_text

LONG = Path(__file__).parent / "fixtures" / "long"


@cache
def _text(name: str) -> str:
    return (LONG / name).read_text(encoding="utf-8")


@cache
def _report(name: str) -> TriageReport:
    return triage_text(_text(name), source=name, backend="rules")


# --------------------------------------------------------------------------- the long partner call


def test_the_partner_call_is_a_long_noisy_transcript() -> None:
    text = _text("partner_call_stt.txt")
    assert len(text.split()) >= 5000
    for noise in ("Speaker 5", "KIM ALVAREZ", "kim alvarez", "[crosstalk]", "Speaker bios", "ABOUT US"):
        assert noise in text


def test_sides_of_a_partner_call_with_nobody_from_omni() -> None:
    doc = Document.from_text(_text("partner_call_stt.txt"))
    people = {person.name: person for person in doc.participants.people}
    assert not doc.participants.omni_present
    assert people["Kim Alvarez"].side == THIRD_PARTY  # the seller is never the customer
    assert people["Devon Marsh"].side == THIRD_PARTY
    assert people["Jonah Reyes"].side == CUSTOMER
    assert people["Priscilla Tan"].side == CUSTOMER
    assert people["Jonah Reyes"].email == "jonah.reyes@cobblecreekbakeries.com"
    assert doc.participants.customer_org == "Cobble Creek Bakeries"
    assert "brightwave payments" in doc.participants.seller_orgs
    # the speaker keys other layers read carry the same answer
    assert doc.speakers["kim alvarez"].role == THIRD_PARTY
    assert doc.speakers["jonah reyes"].role == CUSTOMER


def test_company_and_contact_come_from_the_participants() -> None:
    fields = _report("partner_call_stt.txt").fields
    assert fields.company.value == "Cobble Creek Bakeries"
    assert fields.contact.value == "Jonah Reyes"
    assert (fields.contact.model_extra or {}).get("email") == "jonah.reyes@cobblecreekbakeries.com"


def test_customer_facts_survive_corrections_crosstalk_and_small_talk() -> None:
    fields = _report("partner_call_stt.txt").fields
    assert (fields.processor.status, fields.processor.value) == (FieldStatus.CONFIRMED, ["Worldpay"])
    assert fields.device_count.value == 140  # "about 120 lanes, no wait, 140"
    assert fields.terminal_models.value == ["Lane/3000"]
    assert fields.timeline.value == "before Thanksgiving"  # never the meeting length "45 min"
    assert sorted(fields.card_brands.value) == ["Amex", "Discover", "Mastercard", "Visa"]


def test_nothing_the_seller_says_about_itself_becomes_a_customer_fact() -> None:
    fields = _report("partner_call_stt.txt").fields
    assert fields.regions.value == ["United States"]  # not the seller's Toronto office, not "if you ever go"
    assert set(fields.use_cases.value or []) <= {"attended"}  # the seller's kiosk and EV clients are theirs
    assert fields.segment.status is FieldStatus.MISSING  # "works with enterprise chains" is the seller
    assert fields.discount_requested_pct.status is FieldStatus.MISSING  # another client's ask
    assert "Brightwave" not in str(fields.economic_buyer.value)


def test_the_right_answer_is_often_missing() -> None:
    fields = _report("partner_call_stt.txt").fields
    assert fields.budget.status is FieldStatus.MISSING  # "Not discussed yet"
    assert fields.tooling.status is FieldStatus.MISSING  # the seller's lab tools are not the customer's
    assert fields.kif.status is FieldStatus.MISSING  # "I don't want to guess the name"
    assert fields.gateway.status is FieldStatus.MISSING


def test_bio_and_about_us_sentences_are_marked_as_the_seller() -> None:
    doc = Document.from_text(_text("partner_call_stt.txt"))
    seller = {s.text for s in doc.sentences if s.about_seller}
    assert any(text.startswith("Brightwave works with enterprise chains") for text in seller)
    assert any(text.startswith("She is based in our Toronto office") for text in seller)
    assert any(text.startswith("Our clients run kiosks") for text in seller)
    assert not any(text.startswith("We're in Oregon and Washington") for text in seller)


def test_the_email_greets_the_confirmed_contact_at_the_address_the_input_gave() -> None:
    draft = draft_email(_report("partner_call_stt.txt"))
    assert draft.to == "Jonah Reyes"
    assert draft.to_email == "jonah.reyes@cobblecreekbakeries.com"
    assert draft.body.startswith("Hi Jonah,")
    for leak in ("Brightwave", "Toronto", "non-standard", "Harbor Bagels", "45 min"):
        assert leak not in draft.body
    message = email.message_from_bytes(to_eml(draft), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "jonah.reyes@cobblecreekbakeries.com"


# --------------------------------------------------------------------------- a buyer's own notes


def test_a_buyers_notes_keep_the_vendors_apart_from_the_buyer() -> None:
    fields = _report("buyer_eval_notes.txt").fields
    assert fields.company.value and fields.company.value.lower() == "marigold travel plazas"
    assert fields.contact.value == "Renee Okafor"
    assert fields.processor.value == ["TSYS"]  # not the ISO's i3 Verticals back end
    assert fields.gateway.status is FieldStatus.MISSING  # TranSafe is the ISO's gateway
    assert fields.discount_requested_pct.status is FieldStatus.MISSING  # the ISO offered it; nobody asked
    assert fields.device_count.value == 232
    assert fields.timeline.value == "Memorial Day"
    assert fields.budget.status is FieldStatus.MISSING  # "Budget: not discussed."
    assert sorted(fields.card_brands.value) == ["Amex", "Discover", "Mastercard", "Visa"]  # V/MC/Disc/Amex
    assert fields.economic_buyer.value and "Alan Whitcombe" in fields.economic_buyer.value


# --------------------------------------------------------------------------- out of domain


def test_an_off_topic_input_says_so_and_fills_nothing() -> None:
    report = _report("offsite_planning.txt")
    assert any("payments" in warning for warning in report.warnings)
    assert all(field.status is FieldStatus.MISSING for _, field in report.fields.items())
    assert report.triggers == []


def test_the_terminal_view_shows_the_warning() -> None:
    from io import StringIO

    from rich.console import Console

    from assistant.render.terminal import render_report

    buffer = StringIO()
    render_report(_report("offsite_planning.txt"), Console(file=buffer, width=200))
    assert "does not look like a payments" in buffer.getvalue()


# --------------------------------------------------------------------------- smaller shapes


@pytest.mark.parametrize(
    "text,name,side",
    [
        ("Dana Ruiz - Acme Foods: we run forty stores.\nSam Lee - Omni: great.\n", "Dana Ruiz", CUSTOMER),
        ("Dana Ruiz - Acme Foods: we run forty stores.\nSam Lee - Omni: great.\n", "Sam Lee", OMNI),
        (
            "Speaker 1: hi this is emma from omni\nSpeaker 2: lars here i'm the cto at tikkit\n"
            "Speaker 3: and greg here from paybridge partners i set this up\n"
            "Speaker 1: great so lars tell me about tikkit\nSpeaker 2: we build a tap to pay app\n"
            "Speaker 3: yeah it's a good one\n",
            "Greg",
            REP,
        ),
    ],
)
def test_labels_and_spoken_introductions_give_sides(text: str, name: str, side: str) -> None:
    doc = Document.from_text(text)
    assert doc.participants.find(name) is not None
    assert doc.participants.find(name).side == side  # type: ignore[union-attr]


def test_an_email_signature_gives_title_firm_and_address() -> None:
    text = (
        "From: Sam Lee <sam.lee@omni.example>\nTo: Dana Ruiz <dana.ruiz@acmefoods.example>\n"
        "Subject: Proposal questions\n\nHi Dana, thanks for the call.\n\nBest,\nSam\n\n"
        "> From: Dana Ruiz <dana.ruiz@acmefoods.example>\n> We are on Fiserv with 40 PAX A920s.\n>\n"
        "> Thanks,\n> Dana Ruiz\n> Head of Payments | Acme Foods\n"
    )
    report = triage_text(text, backend="rules")
    assert report.fields.contact.value == "Dana Ruiz"
    assert (report.fields.contact.model_extra or {}).get("email") == "dana.ruiz@acmefoods.example"
    assert report.fields.company.value != "Proposal questions"


@pytest.mark.parametrize(
    "line,field,value",
    [
        ("Gateway: TSYS", "gateway", ["TSYS"]),
        ("Processor: i3 Verticals", "processor", ["i3 Verticals"]),
        ("Gateway: TranSafe", "gateway", ["TranSafe"]),
        ("Cards: V/MC/Disc/Amex", "card_brands", ["Visa", "Mastercard", "Discover", "Amex"]),
    ],
)
def test_payments_names_and_labels(line: str, field: str, value: list[str]) -> None:
    assert triage_text(line + "\n", backend="rules").fields.get(field).value == value


def test_a_label_keeps_its_kind_but_a_processor_stays_a_processor() -> None:
    fields = triage_text("Processor: TSYS\n", backend="rules").fields
    assert fields.processor.value == ["TSYS"]
    assert fields.gateway.status is FieldStatus.MISSING


def test_the_customers_firm_is_found_from_their_email_domain() -> None:
    doc = Document.from_text(
        "From: Fiona McAllister <fiona@rookandraven.co.uk>\nTo: Alex Moreno <alex@omni.example>\n"
        "Subject: bits you asked for\n\nHi Alex,\nAll 85 Rook & Raven pubs take cards at the table.\n"
    )
    assert doc.participants.customer_org == "Rook & Raven"


def test_the_contact_is_who_omni_writes_to() -> None:
    text = (
        "From: Alex Moreno <alex@omni.example>\nTo: Laura Chen <lchen@shelf.example>\n"
        "Cc: Mike Dunne <mdunne@shelf.example>\nSubject: next steps\n\nHi Laura,\n\n"
        "Thanks for the call.\n\n"
        "> From: Mike Dunne <mdunne@shelf.example>\n> We are on Priority with 300 PAX A920s and a long list of "
        "questions about the gateway, the host, the test cards, the schedule and the budget for this year.\n"
    )
    contact = Document.from_text(text).participants.contact()
    assert contact is not None and contact.name == "Laura Chen"


def test_an_author_who_introduces_themselves_is_the_contact() -> None:
    text = (
        "Subject: FastFlex certification for our app\n\nDear Sir/Madam,\n\n"
        "Myself Venkatesh Raghunathan, VP - Engineering. We are building a tap on phone app.\n"
        "Acquiring bank: HDFC Bank.\n"
    )
    fields = triage_text(text, backend="rules").fields
    assert fields.contact.value == "Venkatesh Raghunathan"
    assert fields.processor.value == ["HDFC Bank"]


def test_speech_to_text_spellings_and_later_phases() -> None:
    fields = triage_text(
        "Speaker 1: who's your processor\nSpeaker 2: we're on fi serve\nSpeaker 1: and the devices\n"
        "Speaker 2: verify phone m 400 on the lanes, the kiosks are phase 2\n",
        backend="rules",
    ).fields
    assert fields.processor.value == ["Fiserv"]
    assert fields.terminal_vendor.value == ["Verifone"]
    assert "kiosk" not in (fields.use_cases.value or [])
