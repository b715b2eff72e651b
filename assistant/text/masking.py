"""Mask card numbers (PANs) and card security codes, keeping every offset.

Masking is length-preserving (each masked character becomes ``*``), so a span
found in the masked text quotes the same place of the input.  A PAN is 13-19
digits (single spaces, dashes or dots between groups allowed) passing the Luhn
check, or the same read aloud as digit words ("four one one one ...").  The
last four digits stay visible, as on a receipt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MaskResult", "luhn_valid", "mask_sensitive", "mask_with_spans"]

MASK = "*"

_DIGIT_RUN = re.compile(r"(?<![\w])\d(?:[ \-.]?\d){12,18}(?![\w])")
_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_WORD_RUN = re.compile(
    r"\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)[\s,\-]+){12,18}"
    r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
    re.IGNORECASE,
)
_CVV = re.compile(
    r"\b(?:cvv2?|cvc2?|cid|csc|security\s+code|card\s+verification(?:\s+(?:value|code))?|"
    r"three[-\s]digit\s+code|code\s+on\s+the\s+back)\b"
    r"(?:\s*(?:is|was|number|no\.?|#|:|=|-)){0,3}\s*(?P<code>\d{3,4}|(?:(?:zero|one|two|three|four|five|six|seven|eight|nine)[\s,\-]*){3,4})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MaskResult:
    text: str
    spans: tuple[tuple[int, int], ...]  # masked character ranges

    @property
    def masked(self) -> bool:
        return bool(self.spans)


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (only 0-9) passes the Luhn checksum."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card_window(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The longest 13-19 digit stretch of a digit run that passes Luhn and starts and ends on a group boundary.

    "4111 1111 1111 1111 40 stores" holds a card number followed by another number: the whole
    run fails Luhn, its first sixteen digits pass.
    """
    positions = [i for i in range(start, end) if text[i].isdigit()]
    starts = [k for k, i in enumerate(positions) if k == 0 or positions[k - 1] != i - 1]
    ends = [k for k, i in enumerate(positions) if k == len(positions) - 1 or positions[k + 1] != i + 1]
    best: tuple[int, int] | None = None
    for first in starts:
        for last in ends:
            length = last - first + 1
            if 13 <= length <= 19 and (best is None or length > best[1] - best[0]):
                digits = "".join(text[i] for i in positions[first : last + 1])
                if luhn_valid(digits):
                    best = (positions[first], positions[last] + 1)
    return best


def _mask_range(chars: list[str], start: int, end: int, keep_last: int) -> tuple[int, int] | None:
    """Mask alphanumerics in ``chars[start:end]`` except the last ``keep_last`` digits/words."""
    positions = [i for i in range(start, end) if chars[i].isalnum()]
    if keep_last:
        # keep the characters of the last `keep_last` digits (digit runs) intact
        digit_positions = [i for i in positions if chars[i].isdigit()]
        keep = set(digit_positions[-keep_last:]) if len(digit_positions) >= keep_last else set()
        positions = [i for i in positions if i not in keep]
    if not positions:
        return None
    for i in positions:
        chars[i] = MASK
    return positions[0], positions[-1] + 1


def mask_with_spans(text: str) -> MaskResult:
    """Mask PANs and CVVs in ``text``; return the masked text and masked ranges."""
    chars = list(text)
    spans: list[tuple[int, int]] = []
    for match in _DIGIT_RUN.finditer(text):
        window = _card_window(text, match.start(), match.end())
        if window is not None:
            span = _mask_range(chars, window[0], window[1], keep_last=4)
            if span:
                spans.append(span)
    for match in _WORD_RUN.finditer(text):
        words = re.findall(r"[a-z]+", match.group().lower())
        digits = "".join(_DIGIT_WORDS[word] for word in words)
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            span = _mask_range(chars, match.start(), match.end(), keep_last=0)
            if span:
                spans.append(span)
    for match in _CVV.finditer(text):
        span = _mask_range(chars, match.start("code"), match.end("code"), keep_last=0)
        if span:
            spans.append(span)
    return MaskResult("".join(chars), tuple(sorted(spans)))


def mask_sensitive(text: str) -> str:
    """Return ``text`` with card numbers and security codes masked (same length)."""
    return mask_with_spans(text).text
