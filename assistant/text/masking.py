"""Mask card numbers (PANs) and card security codes, keeping every offset.

This is the one masking function: every place text enters the assistant (triage, email, ask,
app names and uploads, drafts, the store, eval runs, logs, LLM requests) calls it first.

Masking is length-preserving (each masked character becomes ``*``), so a span found in the
masked text quotes the same place of the input. A PAN is 13-19 digits passing Luhn, written
any way: groups split by runs of spaces, tabs, no-break spaces, any dash, dots, slashes or
commas, over two lines, glued to letters ("PAN:4111...exp1228", "Visa4111..."), or read aloud
as digit words mixed with digits. It is masked when it looks like a card (a brand's prefix and
length) or card words are near it, and left alone when a label right before it says it is
something else (order id, IMEI, ticket...). The last four digits stay visible, as on a receipt.

A security code is masked after a name that always means a card ("CVV", "C.V.V.", "code on
the back"), or after an ambiguous one ("CID", "CSC", "security code") only next to card words.
The vocabulary is data: ``policy/card_data.toml``. Every pass is linear in the text.
"""

from __future__ import annotations

import os
import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = ["CardVocabulary", "MaskResult", "luhn_valid", "mask_sensitive", "mask_with_spans"]

MASK = "*"
_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
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
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"  # letter boundaries: "Visa4111" and "cvv123" still split
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_DIGIT_WORD = "(?:" + "|".join(_DIGIT_WORDS) + ")"
_PIECE = re.compile(rf"\d|{_NOT_LETTER_BEFORE}{_DIGIT_WORD}{_NOT_LETTER_AFTER}", re.IGNORECASE)
# between two digits of one number: spaces of any kind, any dash, dots, slashes, commas; one line break
_SEP = r"[ \t\u00a0\u2007\u2009\u202f\u2060\-\u2010-\u2015\u2212./,]"
_GAP = re.compile(rf"{_SEP}{{0,12}}(?:\n[ \t>]{{0,4}}{_SEP}{{0,12}})?")
_CONTEXT_CHARS = 60  # how far card words count around a number
_CODE_CONTEXT_CHARS = 160  # ... and around an ambiguous security code name


class CardVocabulary(BaseModel):
    """``policy/card_data.toml``: the words that make digits card data, or say they are not."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    card_words: list[str]
    not_card_labels: list[str]
    security_code_names: list[str]
    ambiguous_code_names: list[str]
    not_card_code_owners: list[str]


@dataclass(frozen=True)
class _Patterns:
    card_words: re.Pattern[str]
    label_before: re.Pattern[str]
    code: re.Pattern[str]
    owner_before: re.Pattern[str]
    ambiguous: frozenset[str]


def _alternation(phrases: list[str], *, spelled: bool = False) -> str:
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        if spelled and phrase.isalnum() and len(phrase) <= 5:
            # "cvv" also typed or said "C V V", "c.v.v.", "C-V-V"
            parts.append(r"[\s.\-]?".join(re.escape(char) for char in phrase))
        else:
            parts.append(r"[\s\-]{1,3}".join(re.escape(word) for word in phrase.split()))
    return "(?:" + "|".join(parts) + ")"


@lru_cache(maxsize=4)
def _patterns(path: Path) -> _Patterns:
    try:
        vocab = CardVocabulary.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        from ..errors import PolicyError

        raise PolicyError(
            f"{path}: card data vocabulary does not load ({plain(exc)}); fix the file"
        ) from None
    names = _alternation([*vocab.security_code_names, *vocab.ambiguous_code_names], spelled=True)
    code_value = (
        rf"\d{{3,4}}(?!\d)|\d(?:[ \-,.]\d){{2,3}}(?!\d)|{_DIGIT_WORD}(?:[\s,\-]{{1,3}}{_DIGIT_WORD}){{2,3}}"
        rf"{_NOT_LETTER_AFTER}"
    )
    return _Patterns(
        card_words=re.compile(
            rf"{_NOT_LETTER_BEFORE}{_alternation(vocab.card_words)}{_NOT_LETTER_AFTER}", re.IGNORECASE
        ),
        label_before=re.compile(
            rf"{_NOT_LETTER_BEFORE}{_alternation(vocab.not_card_labels)}[\s:#.\-]{{0,3}}"
            r"(?:(?:id|no|nr|number|num|#)[\s:#.\-]{0,3})?",
            re.IGNORECASE,
        ),
        code=re.compile(
            rf"{_NOT_LETTER_BEFORE}(?P<name>{names}\.?)(?:\s{{0,3}}(?:is|was|number|no\.?|num|#|:|=|-|code)){{0,3}}"
            rf"\s{{0,3}}(?P<code>{code_value})",
            re.IGNORECASE,
        ),
        owner_before=re.compile(
            rf"{_NOT_LETTER_BEFORE}{_alternation(vocab.not_card_code_owners)}['’s]{{0,2}}\s{{1,3}}"
            r"(?:\w{1,20}\s{1,3})?$",
            re.IGNORECASE,
        ),
        ambiguous=frozenset(re.sub(r"[^a-z]", "", name.lower()) for name in vocab.ambiguous_code_names),
    )


def plain(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


def _vocabulary_path() -> Path:
    configured = os.environ.get("ASSISTANT_POLICY_DIR")
    if configured:
        root = Path(configured)
    else:
        from ..resources import data_dir  # the checkout's policy/, or the copy in the installed package

        root = data_dir("policy")
    return root / "card_data.toml"


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


def _brand_shaped(digits: str) -> bool:
    """A card brand's prefix and length (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro)."""
    length, head2, head4 = len(digits), int(digits[:2]), int(digits[:4])
    return (
        (digits[0] == "4" and length in (13, 16, 19))
        or ((51 <= head2 <= 55 or 2221 <= head4 <= 2720) and length == 16)
        or (head2 in (34, 37) and length == 15)
        or ((digits.startswith("6011") or head2 == 65 or 644 <= int(digits[:3]) <= 649) and length >= 16)
        or (3528 <= head4 <= 3589 and length >= 16)
        or ((head2 in (36, 38, 39) or 300 <= int(digits[:3]) <= 305) and length >= 14)
        or (head2 == 62 and length >= 16)
        or ((head2 == 50 or 56 <= head2 <= 69) and length >= 13)
    )


@dataclass
class _Piece:
    start: int
    end: int
    digit: str
    gap_before: bool  # a separator (or the run's start) before it: a group may start here
    digit_char: bool  # written as a digit, not a word


def _runs(text: str) -> list[list[_Piece]]:
    """Runs of digits / digit words joined only by separators (linear: one scan)."""
    runs: list[list[_Piece]] = []
    current: list[_Piece] = []
    for match in _PIECE.finditer(text):
        token = match.group()
        is_digit = token.isdigit()
        boundary = True
        if current:
            previous = current[-1]
            gap = text[previous.end : match.start()]
            if gap and _GAP.fullmatch(gap) is None:
                runs.append(current)
                current = []
            else:
                # glued digits ("4111111111111111") are one group: a number starts only at its edge
                boundary = bool(gap) or not is_digit or not previous.digit_char
        current.append(
            _Piece(
                match.start(),
                match.end(),
                token if is_digit else _DIGIT_WORDS[token.lower()],
                boundary,
                is_digit,
            )
        )
    if current:
        runs.append(current)
    return [run for run in runs if len(run) >= 13]


def _ends_group(run: list[_Piece], index: int) -> bool:
    return index == len(run) - 1 or run[index + 1].gap_before


@dataclass
class _Context:
    """Where card words and not-a-card labels are in the text (found once; each check is a bisect)."""

    card_words: list[int]  # start offsets of card words
    label_ends: set[int]  # offsets right after "order id", "IMEI", ... (with their separators)

    @classmethod
    def of(cls, text: str, patterns: _Patterns) -> _Context:
        return cls(
            [match.start() for match in patterns.card_words.finditer(text)],
            {match.end() for match in patterns.label_before.finditer(text)},
        )

    def near_card_words(self, start: int, end: int, reach: int) -> bool:
        index = bisect_left(self.card_words, start - reach)
        return index < len(self.card_words) and self.card_words[index] < end + reach


def _is_card(digits: str, start: int, end: int, context: _Context) -> bool:
    if start in context.label_ends:
        return False  # "order id 4111 1111 1111 1111", "IMEI 35 693803 564380 9"
    return _brand_shaped(digits) or context.near_card_words(start, end, _CONTEXT_CHARS)


def _mask_pieces(chars: list[str], pieces: list[_Piece]) -> tuple[int, int]:
    """Mask every piece but the last four digits (kept when written as digits, as on a receipt)."""
    keep = 4 if all(piece.digit_char for piece in pieces[-4:]) else 0
    masked = pieces[: len(pieces) - keep]
    for piece in masked:
        for i in range(piece.start, piece.end):
            chars[i] = MASK
    return masked[0].start, masked[-1].end


class _LuhnSums:
    """Prefix sums of a run's digits, so the Luhn check of any window is O(1) (masking stays linear)."""

    def __init__(self, digits: list[int]) -> None:
        self.plain = [[0], [0]]  # by index parity: digits as they are
        self.doubled = [[0], [0]]  # ... and doubled (minus 9 when over 9)
        for index, digit in enumerate(digits):
            double = digit * 2 - 9 if digit > 4 else digit * 2
            for parity in (0, 1):
                on = index % 2 == parity
                self.plain[parity].append(self.plain[parity][-1] + (digit if on else 0))
                self.doubled[parity].append(self.doubled[parity][-1] + (double if on else 0))

    def valid(self, first: int, last: int) -> bool:
        keep, double = last % 2, 1 - last % 2  # the check digit (last) is never doubled
        total = (self.plain[keep][last + 1] - self.plain[keep][first]) + (
            self.doubled[double][last + 1] - self.doubled[double][first]
        )
        return total % 10 == 0


def _mask_pans(text: str, chars: list[str], context: _Context) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for run in _runs(text):
        sums = _LuhnSums([int(piece.digit) for piece in run])
        first = 0
        while first <= len(run) - 13:
            if not run[first].gap_before:
                first += 1
                continue
            found = None
            for last in range(min(len(run), first + 19) - 1, first + 11, -1):
                if not _ends_group(run, last) or not sums.valid(first, last):
                    continue
                digits = "".join(piece.digit for piece in run[first : last + 1])
                if _is_card(digits, run[first].start, run[last].end, context):
                    found = last
                    break
            if found is None:
                first += 1
                continue
            spans.append(_mask_pieces(chars, run[first : found + 1]))
            first = found + 1
    return spans


def _mask_codes(
    text: str, chars: list[str], patterns: _Patterns, pans: list[tuple[int, int]], context: _Context
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pan_starts = sorted(start for start, _ in pans)
    for match in patterns.code.finditer(text):
        name = re.sub(r"[^a-z]", "", match.group("name").lower())
        if name in patterns.ambiguous:
            start, end = match.start(), match.end()
            if patterns.owner_before.search(text[max(0, start - 40) : start]):
                continue  # "building security code is 4821", "customer CID 7788"
            index = bisect_left(pan_starts, start - _CODE_CONTEXT_CHARS - 40)
            near_pan = index < len(pan_starts) and pan_starts[index] < end + _CODE_CONTEXT_CHARS
            if not near_pan and not context.near_card_words(start, end, _CODE_CONTEXT_CHARS):
                continue  # "CSC 2024": no card in sight
        positions = [i for i in range(match.start("code"), match.end("code")) if text[i].isalnum()]
        for i in positions:
            chars[i] = MASK
        if positions:
            spans.append((positions[0], positions[-1] + 1))
    return spans


def mask_with_spans(text: str) -> MaskResult:
    """Mask PANs and security codes in ``text``; return the masked text and masked ranges."""
    if not text:
        return MaskResult(text, ())
    patterns = _patterns(_vocabulary_path())
    chars = list(text)
    context = _Context.of(text, patterns)
    pans = _mask_pans(text, chars, context)
    codes = _mask_codes(text, chars, patterns, pans, context)
    return MaskResult("".join(chars), tuple(sorted(pans + codes)))


def mask_sensitive(text: str) -> str:
    """Return ``text`` with card numbers and security codes masked (same length)."""
    return mask_with_spans(text).text
