"""The commitment guard: policy file, detection, sentence repair."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistant.config import PROJECT_ROOT
from assistant.drafting.guard import EmailGuard, load_guard, load_guard_policy, mask_cards, split_sentences
from assistant.errors import PolicyError

POLICY = PROJECT_ROOT / "policy" / "email_guard.toml"
COMMERCIALS = "We'll come back to you on commercials once the scope is confirmed."
TIMING = "We'll confirm realistic timing once our team has reviewed the scope."
SCOPE = "We'll confirm exactly who handles what once the scope has been reviewed."


@pytest.fixture(scope="module")
def guard() -> EmailGuard:
    return load_guard(path=POLICY)


# --------------------------------------------------------------------------- policy file


def test_policy_file_validates_and_has_the_rule_families() -> None:
    policy = load_guard_policy(path=POLICY)
    ids = {rule.id for rule in policy.rules}
    assert {"card_number", "percentage", "price", "date", "guarantee", "scope", "internal_jargon"} <= ids
    assert policy.max_polish_fixes >= 1


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[rules]]\nid = "x"\naction = "rewrite"\npatterns = ["a"]\n', "needs a replacement"),
        ('[[rules]]\nid = "x"\naction = "remove"\npatterns = ["(unclosed"]\n', "invalid regular expression"),
        ('[[rules]]\nid = "x"\naction = "remove"\n', "no patterns"),
        ('[[rules]]\nid = "x"\naction = "delete"\npatterns = ["a"]\n', "action"),
        ('typo = 1\n[[rules]]\nid = "x"\naction = "remove"\npatterns = ["a"]\n', "typo"),
        ("rules = [\n", "cannot read"),
    ],
)
def test_bad_policy_is_a_policy_error(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "email_guard.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(PolicyError, match=message):
        load_guard_policy(path=path)


def test_missing_policy_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"restore policy/email_guard\.toml"):
        load_guard_policy(path=tmp_path / "email_guard.toml")


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("We can do 20% off if you sign this month.", "percentage"),
        ("A fifth off is possible.", "percentage"),
        ("We could knock 15 percent off the list price.", "percentage"),
        ("Twenty five percent is fine.", "percentage"),
        ("The certification runs $12,000 per processor.", "price"),
        ("That comes to 40k USD.", "price"),
        ("We'll do the first brand free of charge.", "price"),
        ("We can waive the setup fee.", "price"),
        ("You'll be certified by March 3.", "date"),
        ("Go-live on 2025-06-01 is realistic.", "date"),
        ("We'll be done in two weeks.", "date"),
        ("Certification should be complete by end of Q3.", "date"),
        ("We expect to wrap up in early June.", "date"),
        ("We guarantee approval.", "guarantee"),
        ("I promise it will pass first time.", "guarantee"),
        ("We'll handle the key injection for you.", "scope"),
        ("Omni can take care of the EMV kernel approval.", "scope"),
        ("Firmware updates are included in the scope.", "scope"),
        ("I've escalated this to our certification_sme.", "internal_jargon"),
        ("This raised the high_risk_use_case trigger.", "internal_jargon"),
        ("It is outside our discount guardrails.", "internal_jargon"),
        ("It needs leadership review first.", "internal_jargon"),
        ("Our SME will join.", "internal_jargon"),
        ("We still need your device_count.", "internal_jargon"),
        ("Your card 4111 1111 1111 1111 was noted.", "card_number"),
        ("The number was 4111-1111-1111-1112.", "card_number"),
        ("CVV 123 was read out.", "card_number"),
        ("The card ending **** **** **** 1111 is on file.", "card_number"),
        ("Going live in May works.", "date"),
        ("Kick-off on May 12 then.", "date"),
    ],
)
def test_offences_are_detected(guard: EmailGuard, sentence: str, rule: str) -> None:
    found = guard.offence(sentence)
    assert found is not None and found.id == rule


@pytest.mark.parametrize(
    "sentence",
    [
        "Hi April,",
        "Hi June, thank you for your time.",
        "Which processor will these terminals certify with? Your finance team or POS provider will know.",
        "You expect around 1,200 devices in total.",
        "You're deploying PAX devices (A920 and IM30).",
        "Feel free to reply with corrections.",
        "I'll send the recap Friday.",
        "We'll come back to you on commercials once the scope is confirmed.",
        "Because the rollout includes self-service kiosks, our certification team will review that set-up with you "
        "before we send a proposal.",
        "I'll coordinate the review on our side and keep you posted.",
        "You asked whether we could take on key injection; we'll agree who handles what as part of scoping.",
        "Move/5000 and Lane/3000 devices",
        "This may take a little longer than a standard integration.",
    ],
)
def test_ordinary_sentences_pass(guard: EmailGuard, sentence: str) -> None:
    assert guard.offence(sentence) is None


# --------------------------------------------------------------------------- repair


def test_discount_sentence_is_rewritten_once(guard: EmailGuard) -> None:
    text = "Hi Dana,\n\nThanks for the call. We can do 20% off. And another 5% if you sign.\n\nBest regards,\nSam\n"
    repair = guard.repair(text, stage="polish")
    assert repair.ok
    assert "%" not in repair.text
    assert repair.text.count(COMMERCIALS) == 1
    assert "Thanks for the call. " + COMMERCIALS in repair.text
    assert [fix.action for fix in repair.fixes] == ["rewrite", "remove"]
    assert repair.fixes[0].sentence == "We can do 20% off."
    assert all(fix.stage == "polish" for fix in repair.fixes)


def test_date_promise_is_rewritten(guard: EmailGuard) -> None:
    repair = guard.repair("Great news. You'll be certified by March 3. Talk soon.\n")
    assert repair.text == f"Great news. {TIMING} Talk soon.\n"
    assert repair.fixes[0].rule == "date"


def test_replacement_already_in_text_is_not_duplicated(guard: EmailGuard) -> None:
    text = f"{COMMERCIALS}\nWe can do 20% off.\n"
    repair = guard.repair(text)
    assert repair.text == f"{COMMERCIALS}\n"
    assert repair.fixes[0].action == "remove"


def test_list_markers_and_numbering_survive(guard: EmailGuard) -> None:
    text = "- You use TSYS.\n- We'll handle key injection. You use PAX.\n3. Which models? Ask ops.\n"
    repair = guard.repair(text)
    assert repair.text == f"- You use TSYS.\n- {SCOPE} You use PAX.\n3. Which models? Ask ops.\n"


def test_a_line_that_is_all_offence_disappears(guard: EmailGuard) -> None:
    repair = guard.repair("Hello.\n\n- We guarantee a pass.\n\nBye.\n")
    assert repair.text == "Hello.\n\nBye.\n"


def test_card_numbers_are_removed_and_masked_in_the_report(guard: EmailGuard) -> None:
    repair = guard.repair("Noted. The test card is 4111 1111 1111 1111. Thanks.\n")
    assert "4111 1111 1111 1111" not in repair.text
    assert repair.text == "Noted. Thanks.\n"
    assert "1111 1111 1111" not in repair.fixes[0].sentence
    assert repair.fixes[0].sentence.endswith("1111.")


def test_mask_cards_keeps_length_and_last_four() -> None:
    text = "pan 4111-1111-1111-1111 and 5555 5555 5555 4444"
    masked = mask_cards(text)
    assert len(masked) == len(text)
    assert masked.endswith("4444")
    assert "4111-1111" not in masked and "5555 5555 5555" not in masked


def test_split_sentences_keeps_the_marker() -> None:
    assert split_sentences("12. One? Two. three") == ("12. ", ["One?", "Two. three"])
    assert split_sentences("- Only one") == ("- ", ["Only one"])
    assert split_sentences("") == ("", [])


def test_repair_is_idempotent(guard: EmailGuard) -> None:
    text = "Hi.\nWe can do 20% off. Certified by March 3. We'll absorb the RKI work.\nI promise.\n"
    once = guard.repair(text)
    twice = guard.repair(once.text)
    assert once.ok and twice.ok
    assert twice.text == once.text and twice.fixes == []


OFFENCES = [
    "we can do 20% off",
    "certified by March 3",
    "live by June 1",
    "we guarantee it",
    "it costs $9,500",
    "we'll absorb the firmware work",
    "your SME will escalate",
    "card 4111 1111 1111 1111",
    "within 6 weeks",
    "a 25 percent discount",
]
CLEAN = [
    "Thanks for your time",
    "You process card payments through Elavon",
    "Which processor will these terminals certify with?",
    "I'll share the summary back with you",
    "You expect around 300 devices in total",
]


@hsettings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(OFFENCES + CLEAN), min_size=1, max_size=8),
    st.sampled_from(["\n", " ", "\n\n- "]),
)
def test_repaired_text_is_always_clean(pieces: list[str], joiner: str) -> None:
    guard = load_guard(path=POLICY)
    text = joiner.join(piece[0].upper() + piece[1:] + "." for piece in pieces)
    repair = guard.repair(text)
    assert repair.ok
    assert guard.check(repair.text) == []
    for clean in CLEAN:
        if clean in pieces:
            assert clean[0].upper() + clean[1:] in repair.text
