"""Find lexicon mentions (processors, vendors, models, use-case cues...) in a document.

Aliases are matched on token n-grams through a dictionary, not one giant regular
expression: a thousand aliases cost one lookup per n-gram.  Separators inside an
alias (space, hyphen, slash, dot) are interchangeable, so "Lane/3000", "Lane
3000" and "Lane-3000" are one spelling; a trailing plural or possessive
("kiosks", "A920s", "Verifone's") still finds the alias.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from ...deadline import check as check_deadline
from ...policy import Lexicon, LexiconEntry
from ...text import Document, Sentence

__all__ = [
    "CompiledLexicon",
    "Mention",
    "PhraseHit",
    "PhraseSet",
    "compile_lexicon",
    "find_all_mentions",
    "find_mentions",
    "tokenise",
]

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_JOINERS = frozenset(" -/.&'’\u00a0")


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


def _key(tokens: list[str]) -> str:
    return " ".join(tokens)


@dataclass
class CompiledLexicon:
    """Dictionary form of a lexicon: normalised token keys -> entry."""

    lexicon: Lexicon
    insensitive: dict[str, LexiconEntry] = field(default_factory=dict)
    sensitive: dict[str, tuple[LexiconEntry, bool]] = field(default_factory=dict)  # entry, context-only
    context: re.Pattern[str] | None = None
    max_tokens: int = 1
    heads: set[str] = field(default_factory=set)  # lower-cased first tokens of every spelling
    lengths: dict[str, set[int]] = field(default_factory=dict)  # first token -> token counts of its spellings
    sensitive_upper: dict[str, tuple[LexiconEntry, bool]] = field(default_factory=dict)

    def add(self, alias: str, entry: LexiconEntry, *, case_sensitive: bool, context_only: bool) -> None:
        tokens = _TOKEN.findall(alias)
        if not tokens:
            return
        self.max_tokens = max(self.max_tokens, len(tokens))
        self.heads.add(tokens[0].lower())
        self.lengths.setdefault(tokens[0].lower(), set()).add(len(tokens))
        if case_sensitive:
            self.sensitive.setdefault(_key(tokens), (entry, context_only))
            self.sensitive_upper.setdefault(_key([t.upper() for t in tokens]), (entry, context_only))
        else:
            self.insensitive.setdefault(_key([t.lower() for t in tokens]), entry)

    def _lookup(self, words: list[str]) -> tuple[LexiconEntry, bool] | None:
        exact = self.sensitive.get(_key(words))
        if exact is not None:
            return exact
        if all(word.isupper() for word in words) and sum(len(word) for word in words) > 3:
            # ALL-CAPS text ("BETWEEN MONERIS AND GLOBAL PAYMENTS"): exact-case spellings cannot apply
            shouted = self.sensitive_upper.get(_key(words))
            if shouted is not None:
                return shouted
        entry = self.insensitive.get(_key([w.lower() for w in words]))
        return (entry, False) if entry is not None else None

    def scan(self, text: str) -> list[tuple[int, int, LexiconEntry, bool]]:
        """Non-overlapping matches in ``text``, longest first: (start, end, entry, needs context)."""
        tokens = _tokenise(text)
        out: list[tuple[int, int, LexiconEntry, bool]] = []
        index = 0
        while index < len(tokens[0]):
            found = self.match_at(text, tokens, index)
            if found is None:
                index += 1
                continue
            stop, entry, needs = found
            out.append((tokens[0][index][0], tokens[0][stop - 1][1], entry, needs))
            index = stop
        return out

    def starts(self, lowered: str) -> bool:
        return lowered in self.heads or (lowered.endswith("s") and lowered[:-1] in self.heads)

    def match_at(
        self, text: str, tokens: tuple[list[tuple[int, int]], list[str], list[str], list[bool]], index: int
    ) -> tuple[int, LexiconEntry, bool] | None:
        """The longest spelling that starts at token ``index``: (token after it, entry, needs context)."""
        spans, words, lowered, joinable = tokens
        if not self.starts(lowered[index]):
            return None
        if spans[index][0] > 0 and text[spans[index][0] - 1] in "@/" and not (index and joinable[index - 1]):
            return None  # part of an e-mail address or URL
        if spans[index][0] > 0 and text[spans[index][0] - 1] in "'’" and len(words[index]) <= 2:
            return None  # the "d" of "I'd", the "s" of "it's"
        limit = index + 1
        while limit < min(len(spans), index + self.max_tokens) and joinable[limit - 1]:
            limit += 1
        head = lowered[index]
        sizes = self.lengths.get(head, set()) | (
            self.lengths.get(head[:-1], set()) if head.endswith("s") else set()
        )
        for end in range(limit, index, -1):
            if end - index not in sizes and not (end - index == 1 and head.endswith("s")):
                continue  # no spelling of this length starts with this word
            hit = self._match(words[index:end], text, spans, end)
            if hit is not None:
                return end, hit[0], hit[1]
        return None

    def _match(
        self, chunk: list[str], text: str, spans: list[tuple[int, int]], end: int
    ) -> tuple[LexiconEntry, bool] | None:
        hit = self._lookup(chunk)
        if hit is not None:
            return hit
        last = chunk[-1]
        lowered = last.lower()
        for suffix in ("es", "s"):
            if len(last) > len(suffix) + 1 and lowered.endswith(suffix) and not lowered.endswith("ss"):
                hit = self._lookup([*chunk[:-1], last[: -len(suffix)]])
                if hit:
                    return hit
        if len(chunk) > 1 and lowered == "s" and text[spans[end - 2][1]] in "'’":
            return self._lookup(chunk[:-1])  # "Verifone's"
        return None


@lru_cache(maxsize=4096)
def _token_set(text: str) -> frozenset[str]:
    return frozenset(_tokenise(text)[2])


@lru_cache(maxsize=4096)
def _tokenise(text: str) -> tuple[list[tuple[int, int]], list[str], list[str], list[bool]]:
    """Token spans, words, lower-cased words, and whether token i may join token i+1 in one alias."""
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [text[a:b] for a, b in spans]
    lowered = [word.lower() for word in words]
    joinable = [
        index + 1 < len(spans)
        and spans[index + 1][0] - spans[index][1] <= 2
        and set(text[spans[index][1] : spans[index + 1][0]]) <= _JOINERS
        for index in range(len(spans))
    ]
    return spans, words, lowered, joinable


tokenise = _tokenise  # public name for other phrase readers (the acts vocabulary)

_CACHE: dict[int, tuple[Lexicon, CompiledLexicon]] = {}


def compile_lexicon(lexicon: Lexicon) -> CompiledLexicon:
    cached = _CACHE.get(id(lexicon))
    if cached is not None and cached[0] is lexicon:
        return cached[1]
    compiled = CompiledLexicon(lexicon=lexicon)
    for entry in lexicon.entries:
        context_only = set(entry.context_aliases)
        for alias, case_sensitive in entry.spellings():
            compiled.add(
                alias,
                entry,
                case_sensitive=case_sensitive,
                context_only=entry.needs_context or (case_sensitive and alias in context_only),
            )
        if entry.needs_context:
            # every spelling of a needs-context entry is context-only
            for alias, _ in entry.spellings():
                tokens = _TOKEN.findall(alias)
                key = _key([t.lower() for t in tokens])
                if compiled.insensitive.get(key) is entry:
                    del compiled.insensitive[key]
                    compiled.sensitive.setdefault(_key(tokens), (entry, True))
    if lexicon.context:
        words = sorted(lexicon.context, key=len, reverse=True)
        compiled.context = re.compile(
            r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b", re.IGNORECASE
        )
    _CACHE[id(lexicon)] = (lexicon, compiled)
    return compiled


def _has_context(doc: Document, sentence: Sentence, compiled: CompiledLexicon, labelled: bool) -> bool:
    if labelled:
        return True
    if compiled.context is None:
        return False
    if compiled.context.search(sentence.text):
        return True
    previous = doc.sentences[sentence.index - 1] if sentence.index else None
    return bool(
        previous is not None
        and previous.turn != sentence.turn
        and previous.is_question
        and compiled.context.search(previous.text)
    )


def find_all_mentions(
    doc: Document, lexicons: dict[str, Lexicon], label_fields: dict[str, frozenset[str]] | None = None
) -> dict[str, list[Mention]]:
    """Mentions of every lexicon in one pass over the tokens of each sentence.

    Within a lexicon matches do not overlap (longest first, left to right); a
    context-only spelling ("Global", "Chase", "mobile") counts only when the
    sentence has a context word of its lexicon, another entry of the same
    lexicon, a note label for the field, or answers a question that has one
    ("Processor?" / "Chase.").
    """
    compiled = {kind: compile_lexicon(lexicon) for kind, lexicon in lexicons.items()}
    label_fields = label_fields or {}
    heads: dict[str, list[str]] = {}
    for kind, lexicon in compiled.items():
        for head in lexicon.heads:
            heads.setdefault(head, []).append(kind)
    result: dict[str, list[Mention]] = {kind: [] for kind in lexicons}
    for sentence in doc.sentences:
        check_deadline()
        tokens = _tokenise(sentence.text)
        lowered = tokens[2]
        found: dict[str, list[tuple[int, int, LexiconEntry, bool]]] = {}
        free: dict[str, int] = {}
        for index, word in enumerate(lowered):
            kinds = heads.get(word) or (heads.get(word[:-1]) if word.endswith("s") else None)
            if not kinds:
                continue
            for kind in kinds:
                if index < free.get(kind, 0):
                    continue
                lexicon = compiled[kind]
                hit = lexicon.match_at(sentence.text, tokens, index)
                if hit is not None:
                    stop, entry, needs = hit
                    found.setdefault(kind, []).append(
                        (tokens[0][index][0], tokens[0][stop - 1][1], entry, needs)
                    )
                    free[kind] = stop
        _relabel(found, sentence.label, label_fields)
        for kind, hits in found.items():
            lexicon = compiled[kind]
            anchored = any(not needs for *_, needs in hits)
            labelled = bool(sentence.label and sentence.label in label_fields.get(kind, frozenset()))
            context = anchored or _has_context(doc, sentence, lexicon, labelled)
            for start, end, entry, needs in hits:
                if needs and not context:
                    continue
                result[kind].append(
                    Mention(kind, entry.name, sentence.start + start, sentence.start + end, sentence, entry)
                )
    return result


# company kinds a note label can reassign: "Gateway: TSYS" is a gateway, whatever TSYS usually is
_RELABELLED_KINDS = ("processor", "gateway")


def _relabel(
    found: dict[str, list[tuple[int, int, LexiconEntry, bool]]],
    label: str | None,
    label_fields: dict[str, frozenset[str]],
) -> None:
    """On a note line labelled for one company kind, the other kind's hits move to it."""
    if not label:
        return
    target = next((k for k in _RELABELLED_KINDS if label in label_fields.get(k, frozenset())), None)
    if target is None or found.get(target):
        return
    for kind in _RELABELLED_KINDS:
        if kind != target and found.get(kind):
            found[target] = [(start, end, entry, False) for start, end, entry, _ in found.pop(kind)]


def find_mentions(
    doc: Document, lexicon: Lexicon, *, label_fields: frozenset[str] = frozenset()
) -> list[Mention]:
    """Every mention of one lexicon (see :func:`find_all_mentions`)."""
    return find_all_mentions(doc, {lexicon.kind: lexicon}, {lexicon.kind: label_fields})[lexicon.kind]


@dataclass(frozen=True)
class PhraseHit:
    """What ``PhraseSet.search`` returns: the span of one phrase in the text (``re.Match``-like)."""

    text: str
    begin: int
    finish: int

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def group(self) -> str:
        return self.text[self.begin : self.finish]


@dataclass(frozen=True)
class PhraseSet:
    """Cue phrases matched case-insensitively on word boundaries.

    Word phrases ("i think", "don't quote me") go through a token n-gram
    dictionary; phrases that start or end with punctuation ("???", "(?)",
    "ex-") through a small regular expression.
    """

    words: dict[str, int]  # token key -> number of tokens
    heads: frozenset[str]
    max_tokens: int
    pattern: re.Pattern[str] | None
    pattern_chars: frozenset[str] = frozenset()  # a fallback phrase can only match where one of these is

    @classmethod
    def of(cls, phrases: list[str] | tuple[str, ...]) -> PhraseSet:
        return _phrase_set(tuple(phrases))

    def _token_hits(self, text: str, start: int, end: int) -> PhraseHit | None:
        if self.heads.isdisjoint(_token_set(text)):
            return None
        spans, _, lowered, joinable = _tokenise(text)
        first = bisect_left(spans, start, key=lambda span: span[0])  # not a rescan from 0 (linear finditer)
        for index in range(first, len(spans)):
            a = spans[index][0]
            if a >= end:
                break
            if lowered[index] not in self.heads:
                continue
            limit = index + 1
            while limit < min(len(spans), index + self.max_tokens) and joinable[limit - 1]:
                limit += 1
            for stop in range(limit, index, -1):
                if spans[stop - 1][1] > end:
                    continue
                if _key(lowered[index:stop]) in self.words:
                    return PhraseHit(text, a, spans[stop - 1][1])
        return None

    def search(self, text: str, start: int = 0, end: int | None = None) -> PhraseHit | None:
        end = len(text) if end is None else end
        best = self._token_hits(text, start, end) if self.words else None
        if self.pattern is not None and not self.pattern_chars.isdisjoint(text):
            match = self.pattern.search(text, start, end)
            if match and (best is None or match.start() < best.start()):
                best = PhraseHit(text, match.start(), match.end())
        return best

    def finditer(self, text: str) -> list[PhraseHit]:
        hits: list[PhraseHit] = []
        position = 0
        while position <= len(text):
            hit = self.search(text, position)
            if hit is None:
                break
            hits.append(hit)
            position = max(hit.end(), hit.start() + 1)
        return hits


@lru_cache(maxsize=256)
def _phrase_set(phrases: tuple[str, ...]) -> PhraseSet:
    words: dict[str, int] = {}
    heads: set[str] = set()
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        tokens = _TOKEN.findall(phrase.lower())
        plain = bool(tokens) and phrase[:1].isalnum() and phrase[-1:].isalnum()
        if plain and "".join(tokens) == re.sub(r"[\s\-/.'’]", "", phrase.lower()):
            words[_key(tokens)] = len(tokens)
            heads.add(tokens[0])
            continue
        escaped = re.escape(phrase).replace(r"\ ", r"\s+")
        head = r"(?<![\w])" if phrase[:1].isalnum() else ""
        tail = r"(?![\w])" if phrase[-1:].isalnum() else ""
        parts.append(f"{head}{escaped}{tail}")
    return PhraseSet(
        words=words,
        heads=frozenset(heads),
        max_tokens=max(words.values(), default=1),
        pattern=re.compile("|".join(parts), re.IGNORECASE) if parts else None,
        pattern_chars=frozenset(
            char
            for phrase in phrases
            if phrase and _key(_TOKEN.findall(phrase.lower())) not in words
            for char in {phrase[0].lower(), phrase[0].upper()}
        ),
    )
