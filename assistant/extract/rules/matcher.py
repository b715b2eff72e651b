"""Find lexicon mentions (processors, vendors, models, use-case cues...) in a document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...policy import Lexicon, LexiconEntry
from ...text import Document, Sentence

__all__ = ["Mention", "PhraseSet", "compile_lexicon", "find_mentions"]


@dataclass(frozen=True)
class Mention:
    kind: str
    name: str  # canonical name
    start: int
    end: int
    sentence: Sentence
    entry: LexiconEntry

    @property
    def surface(self) -> str:
        return self.sentence.text[self.start - self.sentence.start : self.end - self.sentence.start]


def _alias_pattern(alias: str) -> str:
    escaped = re.escape(alias).replace(r"\ ", r"[\s\-]?") if " " in alias else re.escape(alias)
    escaped = escaped.replace(r"/", r"[/\s]?").replace(r"\-", r"[\-\s]?")
    head = r"(?<![\w@/])" if alias[:1].isalnum() else ""
    tail = r"(?:'s|’s|s|es)?(?![\w/])" if alias[-1:].isalnum() else ""
    return f"{head}{escaped}{tail}"


@dataclass(frozen=True)
class _Compiled:
    lexicon: Lexicon
    insensitive: re.Pattern[str] | None
    sensitive: re.Pattern[str] | None
    lookup: dict[str, LexiconEntry]  # lower-cased alias -> entry
    context: re.Pattern[str] | None
    insensitive_aliases: tuple[str, ...]
    sensitive_aliases: tuple[str, ...]
    context_only: frozenset[str]


@lru_cache(maxsize=64)
def _compile_cached(lexicon_json: str) -> _Compiled:
    lexicon = Lexicon.model_validate_json(lexicon_json)
    insensitive: list[str] = []
    sensitive: list[str] = []
    lookup: dict[str, LexiconEntry] = {}
    for entry in lexicon.entries:
        for alias, case_sensitive in entry.spellings():
            key = alias if case_sensitive else alias.lower()
            lookup.setdefault(key, entry)
            (sensitive if case_sensitive else insensitive).append(alias)
    insensitive.sort(key=len, reverse=True)
    sensitive.sort(key=len, reverse=True)
    context = (
        re.compile(r"\b(?:" + "|".join(re.escape(word) for word in lexicon.context) + r")\b", re.IGNORECASE)
        if lexicon.context
        else None
    )
    return _Compiled(
        lexicon=lexicon,
        insensitive=re.compile("|".join(f"({_alias_pattern(a)})" for a in insensitive), re.IGNORECASE)
        if insensitive
        else None,
        sensitive=re.compile("|".join(f"({_alias_pattern(a)})" for a in sensitive)) if sensitive else None,
        lookup=lookup,
        context=context,
        insensitive_aliases=tuple(insensitive),
        sensitive_aliases=tuple(sensitive),
        context_only=frozenset(alias for entry in lexicon.entries for alias in entry.context_aliases),
    )


def compile_lexicon(lexicon: Lexicon) -> _Compiled:
    return _compile_cached(lexicon.model_dump_json())


def find_mentions(doc: Document, lexicon: Lexicon, *, label_fields: frozenset[str] = frozenset()) -> list[Mention]:
    """Every mention of a lexicon entry, longest alias first, without overlaps.

    An entry with ``needs_context`` counts only when a context word of the
    lexicon is in the same sentence or the sentence is a note line labelled
    for this field (``label_fields``).
    """
    compiled = compile_lexicon(lexicon)
    mentions: list[Mention] = []
    for sentence in doc.sentences:
        taken: list[tuple[int, int]] = []
        found: list[tuple[Mention, bool]] = []  # (mention, counts only with context)
        for pattern, sensitive in ((compiled.insensitive, False), (compiled.sensitive, True)):
            if pattern is None:
                continue
            for match in pattern.finditer(sentence.text):
                start, end = match.span()
                if any(start < t_end and end > t_start for t_start, t_end in taken):
                    continue
                aliases = compiled.sensitive_aliases if sensitive else compiled.insensitive_aliases
                alias = aliases[match.lastindex - 1] if match.lastindex else match.group()
                entry = compiled.lookup[alias if sensitive else alias.lower()]
                taken.append((start, end))
                mention = Mention(lexicon.kind, entry.name, sentence.start + start, sentence.start + end, sentence, entry)
                found.append((mention, entry.needs_context or (sensitive and alias in compiled.context_only)))
        if not found:
            continue
        previous = doc.sentences[sentence.index - 1] if sentence.index else None
        has_context = bool(
            (sentence.label and sentence.label in label_fields)
            or (compiled.context and compiled.context.search(sentence.text))
            # the answer to "Processor?" is anchored by the question
            or (
                previous is not None
                and previous.turn != sentence.turn
                and previous.is_question
                and compiled.context
                and compiled.context.search(previous.text)
            )
        )
        anchored = any(not needs for _, needs in found)
        for mention, needs in found:
            if needs and not (has_context or anchored):
                continue
            mentions.append(mention)
    mentions.sort(key=lambda m: m.start)
    return mentions


@dataclass(frozen=True)
class PhraseSet:
    """A list of cue phrases compiled to one word-bounded, case-insensitive regex."""

    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, phrases: list[str] | tuple[str, ...]) -> PhraseSet:
        return _phrase_set(tuple(phrases))

    def search(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        if self.pattern is None:
            return None
        return self.pattern.search(text, start, len(text) if end is None else end)

    def finditer(self, text: str) -> list[re.Match[str]]:
        return list(self.pattern.finditer(text)) if self.pattern else []


@lru_cache(maxsize=256)
def _phrase_set(phrases: tuple[str, ...]) -> PhraseSet:
    if not phrases:
        return PhraseSet(None)
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        escaped = re.escape(phrase).replace(r"\ ", r"\s+")
        head = r"(?<![\w])" if phrase[:1].isalnum() else ""
        tail = r"(?![\w])" if phrase[-1:].isalnum() else ""
        parts.append(f"{head}{escaped}{tail}")
    return PhraseSet(re.compile("|".join(parts), re.IGNORECASE))
