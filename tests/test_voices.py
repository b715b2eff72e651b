"""An anonymous speaker's side from what they say: "Speaker 3" who says "we certify" is the seller.

The transcripts are written for these tests (fictional people and firms).
"""

from __future__ import annotations

from assistant.policy import load_bundle
from assistant.schema import FieldStatus
from assistant.text import CUSTOMER, OMNI, REP, THIRD_PARTY, UNKNOWN, Document
from assistant.triage import triage_text

# nobody introduces themselves: only what they say tells who sells
_NO_INTROS = """Speaker 1: hi there thanks for making the time today
Speaker 2: sure thing happy to chat
Speaker 1: so who's your processor at the moment
Speaker 2: we're on worldpay for all our restaurants, about ninety sites
Speaker 1: okay and how many terminals per site roughly
Speaker 2: four or five, our terminals are mostly ingenico move 5000s
Speaker 1: right so we certify that exact setup quite often, our lab has the scripts ready
Speaker 2: could you guys also take the key injection off our hands, our vendor is slow
Speaker 1: honestly we do this all the time, we'll have you live by march no problem
Speaker 2: great, our cfo will want a number first
"""

# the SDR introduces herself; the engineer who joins later never does
_SILENT_SME = """Speaker 1: morning all, this is tanvi from omni, thanks for the time
Speaker 2: hi tanvi, yeah so this is rob, i look after payments for our stores
Speaker 1: great, and i've asked a colleague from engineering to join us
Speaker 3: hi rob
Speaker 2: so our stores all run verifone p400s on chase and we need them certified for tap
Speaker 3: sure, we certify p400s on chase pretty much every month, our lab has that profile
Speaker 2: and could you guys cover the host side testing with chase too
Speaker 3: yeah our team will run the test scripts against chase, we'll have you live in five weeks
Speaker 2: perfect, our launch is in the spring
"""


def _sides(text: str) -> dict[str, str]:
    doc = Document.from_text(text)
    return {key: info.role for key, info in doc.speakers.items()}


def test_a_speaker_who_describes_the_service_and_asks_discovery_questions_is_the_seller() -> None:
    doc = Document.from_text(_NO_INTROS)
    sides = {key: info.role for key, info in doc.speakers.items()}
    assert sides == {"speaker 1": OMNI, "speaker 2": CUSTOMER}
    seller = doc.participants.find("Speaker 1")
    assert seller is not None and seller.voice is not None
    assert "we certify" in seller.voice.seller_cues  # the decision is explainable
    assert "we certify" in seller.voice.explain()


def test_the_sellers_date_is_no_customer_timeline_and_its_promise_is_flagged() -> None:
    report = triage_text(_NO_INTROS, source="no-intros", backend="rules")
    assert report.fields.timeline.status is FieldStatus.MISSING  # "by march" was the seller's promise
    ids = {trigger.id for trigger in report.triggers}
    assert "unapproved_commitment" in ids
    assert "responsibility_transfer" in ids


def test_a_silent_engineer_who_talks_like_omni_is_not_the_customer() -> None:
    assert _sides(_SILENT_SME)["speaker 3"] == OMNI
    report = triage_text(_SILENT_SME, source="silent-sme", backend="rules")
    commitments = [t for t in report.triggers if t.id == "unapproved_commitment"]
    assert commitments and "five weeks" in " ".join(commitments[0].evidence)


def test_a_speaker_with_few_cues_keeps_the_side_the_labels_gave() -> None:
    text = (
        "Speaker 1: so our lab is busy this month\n"
        "Speaker 2: ok\n"
        "Speaker 1: our stores are waiting though\n"
        "Speaker 2: understood\n"
    )
    assert set(_sides(text).values()) <= {UNKNOWN, CUSTOMER}  # one cue each way decides nothing


def test_a_reseller_describing_its_own_book_is_seller_side_but_not_omni() -> None:
    text = (
        "Speaker 1: so we onboard a few hundred merchants a year, our merchants are mostly salons\n"
        "Speaker 2: ok, we run six salons on square today\n"
        "Speaker 1: our rates beat square for most of our clients\n"
        "Speaker 1: and our residuals are paid monthly, my book of business is mostly beauty\n"
        "Speaker 2: our budget is tight so price matters\n"
    )
    sides = _sides(text)
    assert sides["speaker 1"] == THIRD_PARTY  # nobody from Omni: a seller firm, never the customer
    assert sides["speaker 2"] != THIRD_PARTY


def test_the_thresholds_are_policy_data() -> None:
    rules = load_bundle().participants.voice_rules
    assert rules.min_cues >= 1 and rules.min_margin >= 1
    assert "we certify" in load_bundle().participants.seller_voice_cues


def test_the_speaker_thanked_for_the_introduction_is_the_partner_rep() -> None:
    text = (
        "Speaker 1: hi everyone, this is nora from omni, and thanks rafael for the intro\n"
        "Speaker 2: of course, rafael here, happy to connect you two\n"
        "Speaker 3: hi nora, this is jonas, i look after payments at our cafes\n"
        "Speaker 1: great so who's your processor today\n"
        "Speaker 3: we're on worldpay across our cafes\n"
        "Speaker 2: and jonas, ping me if anything stalls\n"
    )
    sides = _sides(text)
    assert sides == {"speaker 1": OMNI, "speaker 2": REP, "speaker 3": CUSTOMER}


def test_thanks_for_something_else_names_no_rep() -> None:
    text = (
        "Speaker 1: hi, this is nora from omni, thanks jonas for the detailed notes\n"
        "Speaker 2: sure, jonas here, i run payments at our cafes\n"
        "Speaker 1: great, who's your processor\n"
        "Speaker 2: worldpay for now\n"
    )
    assert _sides(text)["speaker 2"] == CUSTOMER
