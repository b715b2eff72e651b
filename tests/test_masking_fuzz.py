"""The one masking function, fuzzed: every way a card number or security code is written.

Masked: PANs split by any run of spaces, every dash, dots, slashes, no-break spaces, over two
lines, glued to letters, read as digit words mixed with digits; CVV/CVC/CID said any way next
to a card. Left alone: order ids, IMEIs, tickets and codes that are not a card's. Masking
keeps the length, so every offset of the input still points at the same place.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.text import luhn_valid, mask_sensitive, mask_with_spans

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SEPARATORS = [
    " ",
    "  ",
    "   ",
    "\t",
    "-",
    "‐",
    "‑",
    "‒",
    "–",
    "—",
    "―",
    "−",
    ".",
    "/",
    "\u00a0",
    "\u202f",
    " - ",
    ", ",
]


def _with_check_digit(body: str) -> str:
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return body + digit
    raise AssertionError("unreachable")


@st.composite
def pans(draw: st.DrawFn) -> str:
    """A brand-shaped, Luhn-valid card number (Visa 16 / 13 / 19, Mastercard, Amex, Discover)."""
    prefix, length = draw(
        st.sampled_from([("4", 16), ("4", 13), ("4", 19), ("51", 16), ("2221", 16), ("37", 15), ("6011", 16)])
    )
    middle = draw(st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1))
    return _with_check_digit(prefix + middle)


@st.composite
def written(draw: st.DrawFn, pan: str) -> str:
    """``pan`` written the way people do: groups, separators, words for some digits, a line break."""
    out = []
    position = 0
    while position < len(pan):
        size = draw(st.integers(1, 5))
        group = pan[position : position + size]
        if draw(st.integers(0, 5)) == 0:  # read aloud, one word per digit
            group = " ".join(WORDS[int(d)] for d in group)
        out.append(group)
        position += size
    text = out[0]
    for index, group in enumerate(out[1:], start=1):
        sep = draw(st.sampled_from(SEPARATORS))
        if index == len(out) // 2 and draw(st.booleans()):
            sep = "\n"  # split over two lines
        if sep in ("", " ") or not (group[0].isalpha() or text[-1].isalpha()):
            text += sep + group
        else:
            text += (sep if sep.strip() else " ") + group
    return text


def _no_pan_left(masked: str, pan: str) -> bool:
    digits = "".join(re.findall(r"\d", masked))
    return pan[:-4] not in digits and pan[:8] not in digits


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_written_form_of_a_card_number_is_masked(data: st.DataObject) -> None:
    pan = data.draw(pans())
    form = data.draw(written(pan))
    before = data.draw(st.sampled_from(["card ", "PAN:", "Visa", "it's ", "number is ", "cc# ", "\n"]))
    after = data.draw(st.sampled_from([" exp 12/28", "exp1228", ", thanks", " 40 stores", ""]))
    if form[-1].isalpha() and after[:1].isalpha():
        after = " " + after  # a digit said as a word is a word: "two exp", not "twoexp"
    if form[0].isalpha() and before[-1:].isalpha():
        before += " "
    text = f"Notes: {before}{form}{after}"
    result = mask_with_spans(text)
    assert len(result.text) == len(text)  # offsets kept
    assert all(a == b or a == "*" for a, b in zip(result.text, text, strict=True))
    assert _no_pan_left(result.text, pan), (text, result.text)


@settings(max_examples=100, deadline=None)
@given(
    pan=pans(),
    glue=st.sampled_from(["PAN:", "Visa", "card#", "cc"]),
    tail=st.sampled_from(["exp1228", "x", ""]),
)
def test_digits_glued_to_letters_are_masked(pan: str, glue: str, tail: str) -> None:
    assert _no_pan_left(mask_sensitive(f"{glue}{pan}{tail}"), pan)


@settings(max_examples=100, deadline=None)
@given(
    name=st.sampled_from(
        ["CVV", "cvv2", "C V V", "c.v.v.", "CVC", "cvc2", "card verification code", "code on the back"]
    ),
    glue=st.sampled_from([" ", ": ", " is ", " = ", "#", "", " number "]),
    code=st.text("0123456789", min_size=3, max_size=4),
    spoken=st.booleans(),
)
def test_security_codes_said_or_typed_any_way_are_masked(
    name: str, glue: str, code: str, spoken: bool
) -> None:
    value = " ".join(WORDS[int(d)] for d in code) if spoken else code
    text = f"card on file, {name}{glue}{value} ok"
    masked = mask_sensitive(text)
    assert len(masked) == len(text)
    assert value not in masked and masked.endswith(" ok")


@pytest.mark.parametrize("name", ["CID", "CSC", "security code"])
def test_ambiguous_code_names_are_masked_next_to_a_card(name: str) -> None:
    masked = mask_sensitive(f"Visa 4111 1111 1111 1111, {name} 7788")
    assert "7788" not in masked


@pytest.mark.parametrize(
    "text",
    [
        "order id 4111 1111 1111 1111 shipped",  # Luhn-valid, but an order id
        "Order #4111111111111111",
        "IMEI 356938035643809 on the handheld",  # 15 digits, Luhn-valid
        "IMEI: 35-693803-564380-9",
        "ticket 79927398713 is open",
        "ticket no. 4012888888881881",
        "CSC 2024 conference",
        "customer CID 7788",
        "building security code is 4821",
        "the door security code is 1234",
        "call 555 123 4567",
        "200 terminals at 1,200 stores",
        "2024-01-15 10:30",
        "someone said oh one two",
    ],
)
def test_numbers_that_are_not_cards_are_left_alone(text: str) -> None:
    assert mask_sensitive(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 -./\n\u00a0abcvCVV:")), max_size=300))
def test_masking_keeps_every_offset_on_any_text(text: str) -> None:
    result = mask_with_spans(text)
    assert len(result.text) == len(text)
    assert all(a == b or a == "*" for a, b in zip(result.text, text, strict=True))
    assert mask_sensitive(result.text) == result.text  # idempotent
