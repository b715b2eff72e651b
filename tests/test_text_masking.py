"""Card numbers and security codes are masked everywhere, keeping offsets."""

from __future__ import annotations

import pytest

from assistant.text import luhn_valid, mask_sensitive, mask_with_spans


@pytest.mark.parametrize(
    "pan",
    [
        "4111 1111 1111 1111",
        "5555-5555-5555-4444",
        "4012888888881881",
        "3782 822463 10005",
        "6011.1111.1111.1117",
    ],
)
def test_luhn_valid_pans_are_masked_keeping_last_four(pan: str) -> None:
    text = f"the card is {pan} ok"
    masked = mask_sensitive(text)
    assert len(masked) == len(text)
    assert pan not in masked
    assert masked.endswith(pan[-4:] + " ok")
    assert "*" in masked


@pytest.mark.parametrize(
    "number", ["4111 1111 1111 1112", "1234567890123", "555 123 4567", "1,200 terminals"]
)
def test_non_pans_are_left_alone(number: str) -> None:
    assert mask_sensitive(f"x {number} y") == f"x {number} y"


def test_pan_read_aloud_in_words_is_masked() -> None:
    spoken = "four one one one one one one one one one one one one one one one"
    assert luhn_valid("4111111111111111")
    masked = mask_sensitive(f"it's {spoken}, thanks")
    assert "four" not in masked and "one" not in masked
    assert masked.endswith(", thanks")


@pytest.mark.parametrize(
    "phrase,code",
    [("CVV 123", "123"), ("cvc: 9876", "9876"), ("security code is 456", "456"), ("the CVV2 = 321", "321")],
)
def test_security_codes_are_masked(phrase: str, code: str) -> None:
    masked = mask_sensitive(f"card ok, {phrase}.")
    assert code not in masked
    assert "***" in masked


def test_spans_report_what_was_masked() -> None:
    result = mask_with_spans("pan 4111 1111 1111 1111 cvv 123")
    assert result.masked
    assert all(result.text[start:end].replace(" ", "").strip("*") == "" for start, end in result.spans)


def test_card_number_followed_by_another_number_is_still_masked() -> None:
    # found by the property test: the digit run "4111 1111 1111 1111 40" fails Luhn as a whole
    masked = mask_sensitive("Notes: Fiserv 4111 1111 1111 1111 40 stores")
    assert "4111 1111 1111 1111" not in masked
    assert masked.endswith("1111 40 stores")
