"""Shared state of one rules extraction: the document, policy data, mentions and quoting."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from ...policy import PolicyBundle
from ...schema import Field, FieldStatus
from ...text import Document, Sentence
from .assess import Assessor
from .matcher import Mention, PhraseSet, find_all_mentions

__all__ = ["MAX_QUOTE", "Context", "build_field"]

MAX_QUOTE = 240
T = TypeVar("T")


@dataclass
class Context:
    doc: Document
    bundle: PolicyBundle
    assessor: Assessor
    _mentions: dict[str, list[Mention]] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict)  # results shared by extractors and checks

    @classmethod
    def create(cls, doc: Document, bundle: PolicyBundle) -> Context:
        """The analysis context of ``doc``; the backend and the checks share one per document."""
        key = ("rules-context", id(bundle))
        cached = doc.cache.get(key)
        if isinstance(cached, Context) and cached.bundle is bundle:
            return cached
        context = cls(doc=doc, bundle=bundle, assessor=Assessor(doc, bundle.cues))
        doc.cache[key] = context
        return context

    def mentions(self, kind: str) -> list[Mention]:
        if not self._mentions:
            labels = self.bundle.field_labels.labels
            label_fields = {
                kind: frozenset(
                    label
                    for name, words in labels.items()
                    if name.startswith(kind.split("_")[0])
                    for label in words
                )
                for kind in self.bundle.lexicons
            }
            self._mentions = find_all_mentions(self.doc, dict(self.bundle.lexicons), label_fields)
        return self._mentions[kind]

    def label_field(self, sentence: Sentence) -> str | None:
        if sentence.label is None:
            return None
        return self.bundle.field_labels.field_for(sentence.label)

    def label_value(self, sentence: Sentence) -> tuple[int, int] | None:
        """Offsets of the value part of a "Label: value" note line."""
        if sentence.label is None:
            return None
        colon = sentence.text.find(":")
        if colon < 0:
            return None
        start = sentence.start + colon + 1
        while start < sentence.end and self.doc.text[start] in " \t":
            start += 1
        return (start, sentence.end) if start < sentence.end else None

    def quote(self, start: int, end: int) -> str:
        return self.doc.quote(start, end)

    def quote_sentence(self, sentence: Sentence, focus: tuple[int, int] | None = None) -> str:
        """The sentence, or a word-aligned window of it around ``focus`` when it is long."""
        if sentence.end - sentence.start <= MAX_QUOTE:
            return self.doc.quote(sentence.start, sentence.end)
        text = self.doc.text
        if focus is None:
            focus = (sentence.start, sentence.start)
        half = MAX_QUOTE // 2
        start = max(sentence.start, focus[0] - half)
        end = min(sentence.end, max(focus[1], start) + half)
        if start > sentence.start:
            space = text.find(" ", start, focus[0])
            start = space + 1 if space >= 0 else start
        if end < sentence.end:
            space = text.rfind(" ", focus[1], end)
            end = space if space > 0 else end
        return self.doc.quote(start, end)

    def once(self, key: str, compute: Callable[[Context], T]) -> T:
        """``compute(self)``, computed once per document and shared by extractors and checks."""
        if key not in self.memo:
            self.memo[key] = compute(self)
        return self.memo[key]  # type: ignore[return-value]

    def phrases(self, items: list[str]) -> PhraseSet:
        return PhraseSet.of(items)

    def sentence_of(self, offset: int) -> Sentence | None:
        for sentence in self.doc.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None


def _dedupe(quotes: list[str]) -> list[str]:
    out: list[str] = []
    for quote in quotes:
        quote = quote.strip()
        if quote and quote not in out and not any(quote in other for other in out):
            out = [other for other in out if other not in quote]
            out.append(quote)
    return out[:6]


def build_field(value: object, status: FieldStatus, evidence: list[str]) -> Field:
    """A contract field; no evidence means missing, whatever else was passed."""
    quotes = _dedupe(evidence)
    if not quotes or status is FieldStatus.MISSING:
        return Field()
    if isinstance(value, list) and not value and status is FieldStatus.CONFIRMED:
        return Field()
    return Field(value=value, status=status, evidence=quotes)


WORDS = re.compile(r"[\w'’]+")
