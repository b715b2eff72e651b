"""Find a model's quote in the input: verbatim, or repaired to the exact span it meant.

Small models copy text imperfectly: curly vs straight quotes, collapsed
whitespace, a speaker label in front, an ellipsis in the middle, a dropped word.
:func:`locate_quote` returns the exact ``(start, end)`` span of the input the
quote stands for, or ``None``; the caller uses ``text[start:end]`` as evidence,
so every evidence string is a substring of the input by construction.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

__all__ = ["FUZZY_CUTOFF", "locate_quote"]

FUZZY_CUTOFF = 88.0
_MIN_LEN = 3
_EQUIV = {
    "'": "['’‘`´]",
    "’": "['’‘`´]",
    "‘": "['’‘`´]",
    "`": "['’‘`´]",
    '"': '["“”]',
    "“": '["“”]',
    "”": '["“”]',
    "-": "[-–—]",
    "–": "[-–—]",
    "—": "[-–—]",
}
_SPEAKER = re.compile(r"^\s*(?:\[[^\]]{1,20}\]\s*)?[A-Z][\w .'’\-]{0,40}(?:\([^)]{0,80}\))?\s*:\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_TRIM = " \t\n\"'“”‘’`.,;:…"


def _loose_pattern(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    if not words:
        return None
    parts = ["".join(_EQUIV.get(ch, re.escape(ch)) for ch in word) for word in words]
    return re.compile(r"\s+".join(parts), re.IGNORECASE)


def _exact_or_loose(quote: str, text: str) -> tuple[int, int] | None:
    if len(quote) < _MIN_LEN:
        return None
    index = text.find(quote)
    if index >= 0:
        return index, index + len(quote)
    pattern = _loose_pattern(quote)
    match = pattern.search(text) if pattern else None
    return (match.start(), match.end()) if match else None


def _word_starts(text: str, lo: int, hi: int) -> list[int]:
    return [
        i
        for i in range(max(0, lo), min(len(text), hi) + 1)
        if i < len(text)
        and not text[i].isspace()
        and (i == 0 or text[i - 1].isspace() or (text[i].isalnum() and not text[i - 1].isalnum()))
    ]


def _word_ends(text: str, lo: int, hi: int) -> list[int]:
    return [
        i
        for i in range(max(1, lo), min(len(text), hi) + 1)
        if not text[i - 1].isspace()
        and (i == len(text) or text[i].isspace() or (text[i - 1].isalnum() and not text[i].isalnum()))
    ]


def _fuzzy(quote: str, text: str, cutoff: float) -> tuple[int, int] | None:
    """Align the quote with rapidfuzz, then move both ends to the word boundaries that match best."""
    if len(quote) < 12:  # short strings match too much by chance
        return None
    lowered = text.lower()
    haystack = lowered if len(lowered) == len(text) else text
    needle = quote.lower()
    alignment = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=cutoff - 8)
    if alignment is None:
        return None
    slack = max(8, len(quote) // 5)
    starts = _word_starts(text, alignment.dest_start - slack, alignment.dest_start + slack)
    ends = _word_ends(text, alignment.dest_end - slack, alignment.dest_end + slack)
    best: tuple[float, int, int] = (0.0, 0, 0)
    for start in starts:
        for end in ends:
            if end - start < 0.75 * len(quote) or end - start > 1.35 * len(quote):
                continue
            score = fuzz.ratio(needle, haystack[start:end])
            if score > best[0]:
                best = (score, start, end)
    score, start, end = best
    if score < cutoff:
        return None
    while end > start and text[end - 1] in " \t\n,;":
        end -= 1
    return start, end


def _in_order(parts: list[str], text: str, *, limit: int) -> tuple[int, int] | None:
    """Every part found in order, close together: the span from the first to the last."""
    first: int | None = None
    cursor = 0
    end = 0
    for part in parts:
        span = _exact_or_loose(part, text[cursor:]) if len(part) >= _MIN_LEN else None
        if span is None:
            return None
        start, end = cursor + span[0], cursor + span[1]
        first = start if first is None else first
        cursor = end
    if first is None or end - first > limit:
        return None
    return first, end


def locate_quote(quote: str, text: str, *, cutoff: float = FUZZY_CUTOFF) -> tuple[int, int] | None:
    """The span of ``text`` that ``quote`` reproduces (exactly or nearly), else ``None``."""
    cleaned = quote.strip(_TRIM) if quote.strip(_TRIM) else quote.strip()
    candidates = [quote.strip(), cleaned]
    unlabelled = _SPEAKER.sub("", cleaned, count=1)
    if unlabelled != cleaned:
        candidates.append(unlabelled.strip(_TRIM))
    for candidate in candidates:
        span = _exact_or_loose(candidate, text)
        if span:
            return span
    # "first part ... second part": keep the longest part that is in the text
    parts = [part.strip(_TRIM) for part in _ELLIPSIS.split(candidates[-1]) if part.strip(_TRIM)]
    if len(parts) > 1:
        joined = _in_order(parts, text, limit=3 * len(quote) + 100)
        if joined:
            return joined
        for part in sorted(parts, key=len, reverse=True):
            if len(part) >= 12:
                span = _exact_or_loose(part, text)
                if span:
                    return span
    for candidate in candidates[1:]:
        span = _fuzzy(candidate, text, cutoff)
        if span:
            return span
    return None
