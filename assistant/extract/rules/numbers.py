"""Numbers as reps write them: digits, words, idioms, percentages and money."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NUMBER", "NumberMatch", "find_money", "find_numbers", "find_percentages", "parse_number"]

_UNITS = {
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "k": 1000, "million": 1_000_000, "mm": 1_000_000, "m": 1_000_000}
_WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|thousand|million)"
)
_WORD_NUMBER = (
    rf"(?:(?:a|an)\s+(?:hundred|thousand|dozen|couple(?:\s+(?:of\s+)?hundred)?)|{_WORD})(?:[\s\-]+(?:and\s+)?{_WORD}){{0,8}}"
    r"(?:\s+and\s+a\s+half)?"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?[kK]\b|\s?(?:mm|MM|M)\b)?"
NUMBER = (
    rf"(?:{_DIGITS}|{_WORD_NUMBER}|(?:a\s+)?dozen|(?:a\s+)?couple(?:\s+of)?(?:\s+hundred)?|half\s+a\s+dozen)"
)
_NUMBER_RE = re.compile(rf"(?<![\w/.$])(?P<n>{NUMBER})(?![\w/])", re.IGNORECASE)

_FRACTIONS = {
    "half": 50.0,
    "a half": 50.0,
    "a third": 100 / 3,
    "one third": 100 / 3,
    "a quarter": 25.0,
    "one quarter": 25.0,
    "a fifth": 20.0,
    "one fifth": 20.0,
    "a tenth": 10.0,
    "one tenth": 10.0,
    "two thirds": 200 / 3,
    "three quarters": 75.0,
}
_PERCENT_RE = re.compile(
    rf"(?P<n>{_DIGITS}|{_WORD_NUMBER})\s*(?:%|per\s*cent\b|percent\b|pct\b|points?\b|pts\b)", re.IGNORECASE
)
_FRACTION_OFF_RE = re.compile(
    r"\b(?P<f>half|a\s+half|a\s+third|one\s+third|a\s+quarter|one\s+quarter|a\s+fifth|one\s+fifth|a\s+tenth|"
    r"one\s+tenth|two\s+thirds|three\s+quarters)\s+(?:off|of\s+the\s+price|discount|cheaper|less)\b|"
    r"\bhalf[\s\-](?:price|off)\b",
    re.IGNORECASE,
)
_KNOCK_RE = re.compile(
    rf"\b(?:knock|take|shave|cut|chop|lop|drop)(?:s|ed|ping)?\s+(?:(?:like|about|around|maybe|another)\s+)?"
    rf"(?P<n>{_DIGITS}|{_WORD_NUMBER})\s+(?:points?\s+|pts\s+)?off\b(?!\s*(?:the\s+)?(?:\$|usd|dollars|k\b|grand))",
    re.IGNORECASE,
)
# "twenty off or we walk": a bare number off, no currency after it
_BARE_OFF_RE = re.compile(
    rf"(?<![\w$£€.])(?P<n>{_DIGITS}|{_WORD_NUMBER})\s+off\b(?!\s*(?:the\s+)?(?:\$|usd|dollars|k\b|grand|per|each|a\s+unit))",
    re.IGNORECASE,
)
_MONEY_RE = re.compile(
    rf"(?:(?:\$|USD\s?|US\$|£|€|CA\$|C\$)\s?(?P<a>{_DIGITS}(?:\s?(?:k|K|m|M|mm|MM|million|thousand))?)"
    rf"|(?P<b>{_DIGITS})\s?(?:k|K|grand|thousand|million|mm|MM)?\s?(?:dollars|usd|USD|bucks)"
    rf"|(?P<c>\d+(?:\.\d+)?\s?(?:k|K))(?=\s|$|[.,;)]))",
)

# French / European money: "60 000 $", "€85.000", "85.000 €", "1.250,50 €", "60k€", "40 000 EUR".
# Thousands are grouped by a dot or a (narrow, no-break) space, the decimal mark is a comma.
_EU_GROUPED = r"\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?!\d)"
_EU_AMOUNT = rf"(?P<n>{_EU_GROUPED}|\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?P<dec>,\d{{1,2}}(?!\d))?"
_EU_MONEY_RE = re.compile(
    rf"(?:€|\$|£|\bEUR|\bCHF)[ \u00a0]?(?P<g>{_EU_GROUPED})(?P<gdec>,\d{{1,2}}(?!\d))?"
    rf"|\b{_EU_AMOUNT}[ \u00a0]?(?P<k>[kK][ \u00a0]?)?(?:[€$£](?![ \u00a0]?\d)|EUR\b|euros?\b|CHF\b)"
)


@dataclass(frozen=True)
class NumberMatch:
    value: float
    start: int
    end: int
    text: str


def _words_to_number(text: str) -> float | None:
    tokens = re.findall(r"[a-z]+", text.lower().replace("-", " "))
    if not tokens:
        return None
    if tokens[:2] == ["half", "a"] and "dozen" in tokens:
        return 6.0
    if "dozen" in tokens:
        return 12.0
    if "couple" in tokens:
        return 200.0 if "hundred" in tokens else 2.0
    total = 0.0
    current = 0.0
    half = False
    seen = False
    for index, token in enumerate(tokens):
        if token == "and":
            if tokens[index + 1 : index + 3] == ["a", "half"]:
                half = True
                break
            continue
        if token in _UNITS:
            current += _UNITS[token]
            seen = True
        elif token in _TENS:
            current += _TENS[token]
            seen = True
        elif token == "hundred":
            current = (current or 1) * 100
            seen = True
        elif token in ("thousand", "million"):
            total += (current or 1) * _SCALES[token]
            current = 0
            seen = True
        else:
            return None
    if not seen:
        return None
    value = total + current
    return value + 0.5 if half else value


def parse_number(text: str) -> float | None:
    """Parse "1,200", "1.2k", "two hundred ten", "twelve and a half", "a dozen" into a number."""
    cleaned = text.strip().lower()
    match = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|mm|m|million|thousand|grand)?", cleaned)
    if match:
        value = float(match.group(1).replace(",", "") + (match.group(2) or ""))
        scale = match.group(3)
        if scale in ("k", "thousand", "grand"):
            value *= 1000
        elif scale in ("m", "mm", "million"):
            value *= 1_000_000
        return value
    return _words_to_number(cleaned)


def find_numbers(text: str, offset: int = 0) -> list[NumberMatch]:
    out: list[NumberMatch] = []
    for match in _NUMBER_RE.finditer(text):
        raw = match.group("n")
        if raw.lower() in {"a", "an", "one"}:
            continue
        value = parse_number(raw)
        if value is not None:
            out.append(NumberMatch(value, offset + match.start("n"), offset + match.end("n"), raw))
    return out


def find_percentages(text: str, offset: int = 0) -> list[NumberMatch]:
    """Percent figures, fraction idioms ("a fifth off") and "knock 20 off"."""
    out: list[NumberMatch] = []
    for match in _PERCENT_RE.finditer(text):
        value = parse_number(match.group("n"))
        if value is not None and 0 < value <= 100:
            out.append(NumberMatch(value, offset + match.start(), offset + match.end(), match.group()))
    for match in _FRACTION_OFF_RE.finditer(text):
        key = re.sub(r"\s+", " ", (match.group("f") or "half").lower())
        out.append(
            NumberMatch(
                round(_FRACTIONS[key], 2), offset + match.start(), offset + match.end(), match.group()
            )
        )
    for match in _BARE_OFF_RE.finditer(text):
        value = parse_number(match.group("n"))
        if (
            value is not None
            and 5 <= value <= 60
            and not any(p.start <= offset + match.start() < p.end for p in out)
        ):
            out.append(NumberMatch(value, offset + match.start(), offset + match.end(), match.group()))
    for match in _KNOCK_RE.finditer(text):
        value = parse_number(match.group("n"))
        if (
            value is not None
            and 0 < value <= 60
            and not any(p.start <= offset + match.start("n") < p.end for p in out)
        ):
            out.append(NumberMatch(value, offset + match.start(), offset + match.end(), match.group()))
    return out


def _european_money(text: str, offset: int) -> list[NumberMatch]:
    """Amounts written the French / European way: the currency after, or dot / space thousands."""
    out: list[NumberMatch] = []
    for match in _EU_MONEY_RE.finditer(text):
        digits = match.group("g") or match.group("n")
        decimals = match.group("gdec") or match.group("dec") or ""
        value = float(re.sub(r"[.,\s]", "", digits) + decimals.replace(",", "."))
        if match.group("k"):
            value *= 1000
        out.append(NumberMatch(value, offset + match.start(), offset + match.end(), match.group()))
    return out


def find_money(text: str, offset: int = 0) -> list[NumberMatch]:
    """Money amounts in order: "$60,000", "USD 52k", "80 grand", "60 000 $", "€85.000", "60k€"."""
    out = _european_money(text, offset)
    taken = [(m.start - offset, m.end - offset) for m in out]
    for match in _MONEY_RE.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        raw = match.group("a") or match.group("b") or match.group("c")
        value = parse_number(raw.replace(" ", "")) if raw else None
        if value is None:
            continue
        tail = text[match.end() : match.end() + 12].lower()
        if re.match(r"\s*(?:k\b|thousand|grand)", tail) and value < 1000:
            value *= 1000
        elif re.match(r"\s*(?:m\b|mm\b|million)", tail) and value < 1000:
            value *= 1_000_000
        out.append(NumberMatch(value, offset + match.start(), offset + match.end(), match.group()))
    return sorted(out, key=lambda m: m.start)
