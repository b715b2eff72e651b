"""Names shared by the people and company extractors: stop words, lexicon spellings, lookups."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from ...text import CUSTOMER, OMNI, REP, Sentence
from .context import Context

__all__ = [
    "compiled_patterns",
    "customer_speakers",
    "excluded_names",
    "first_line_with",
    "label_text",
    "lexicon_names",
    "omni_or_rep_names",
    "stop_names",
]


@lru_cache(maxsize=1)
def stop_names() -> frozenset[str]:
    """Capitalised words that are never a company or a person (``stop_names.txt``)."""
    path = Path(__file__).with_name("stop_names.txt")
    return frozenset(
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def first_line_with(ctx: Context, needle: str) -> str | None:
    text = ctx.doc.text
    index = text.find(needle)
    if index < 0:
        index = text.lower().find(needle.lower())
    if index < 0:
        return None
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    end = len(text) if end < 0 else end
    if end - start > 240:
        start = max(start, index - 100)
        end = min(end, index + len(needle) + 100)
    return ctx.quote(start, end)


_LEXICON_NAMES: dict[int, tuple[object, frozenset[str]]] = {}


def lexicon_names(ctx: Context) -> frozenset[str]:
    """Every lexicon spelling, lower-cased (a processor is never the customer's company)."""
    cached = _LEXICON_NAMES.get(id(ctx.bundle))
    if cached is None or cached[0] is not ctx.bundle:
        names = frozenset(
            alias.lower()
            for lexicon in ctx.bundle.lexicons.values()
            for entry in lexicon.entries
            for alias, _ in entry.spellings()
        )
        cached = (ctx.bundle, names)
        _LEXICON_NAMES[id(ctx.bundle)] = cached
    return cached[1]


_PERSON_CUE = re.compile(
    r"\b(?:I'm|I am|this is|my name is|contact:?|with|met|call with)\s+(?P<a>[A-Z][a-z]+\s+[A-Z][\w'’\-]+)"
    r"|(?P<b>[A-Z][a-z]+\s+[A-Z][\w'’\-]+)\s*(?:,|\(|\s[-–—]\s|\|)\s*(?:the\s+|our\s+|their\s+)?(?:[A-Z][\w.]*\s+){0,3}"
    r"(?:VP|Director|Dir\.?|Head|Manager|Mgr|Lead|Owner|Founder|Chief|CFO|CEO|COO|CTO|CIO|Engineer|Architect|President)\b"
)


def excluded_names(ctx: Context) -> set[str]:
    """Words and names that are never the customer's company: stop words, labels, lexicon names, people."""
    return set(ctx.once("excluded_names", _excluded_names))


def _excluded_names(ctx: Context) -> set[str]:
    from ...text.lines import label_words

    names = set(stop_names()) | lexicon_names(ctx) | label_words()
    for info in ctx.doc.speakers.values():
        names.add(info.name.lower())
        names.update(part.lower() for part in info.name.split())
    for match in _PERSON_CUE.finditer(ctx.doc.text):
        names.add((match.group("a") or match.group("b")).lower())
    return names


def customer_speakers(ctx: Context) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for sentence in ctx.doc.sentences:
        if sentence.speaker is not None and sentence.role == CUSTOMER:
            counts[sentence.speaker.name] += 1
    return counts.most_common()


def omni_or_rep_names(ctx: Context) -> set[str]:
    names: set[str] = set()
    for info in ctx.doc.speakers.values():
        if info.role in (OMNI, REP):
            names.add(info.name.lower())
            names.add(info.name.split()[0].lower())
    return names


@lru_cache(maxsize=16)
def compiled_patterns(patterns: tuple[str, ...], flags: int = 0) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, flags) for pattern in patterns)


def label_text(ctx: Context, field_name: str) -> tuple[str, Sentence] | None:
    for sentence in ctx.doc.sentences:
        if ctx.label_field(sentence) == field_name:
            span = ctx.label_value(sentence)
            if span and not ctx.assessor.value_is_unknown(ctx.doc.text[span[0] : span[1]]):
                return ctx.doc.text[span[0] : span[1]].strip(), sentence
    return None
