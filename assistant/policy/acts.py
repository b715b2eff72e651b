"""The acts vocabulary (``policy/acts.toml``): models, validation and the one reader.

Acts (ask, wish, relay, offer, promise, agree, decline, defer, withdraw), targets,
work items, owners and pricing asks are phrase lists a sales-ops lead can extend.
Everything that reads them (the acts layer of the rules backend, the checks, the
LLM verifier) goes through :class:`ActVocabulary` and its matchers, so there is
one copy of each phrase.

Phrase notation: ``{target}`` expands to every phrase under ``[targets]``;
``A ... B`` matches A and then B later in the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "ACT_NAMES",
    "ActEntry",
    "ActVocabulary",
    "GapPhrases",
    "PricingEntry",
]

ACT_NAMES = (
    "ask",
    "ask_us",
    "wish",
    "relay",
    "offer",
    "promise",
    "agree",
    "decline",
    "defer",
    "withdraw",
    "keep",
    "enquire",
    "check_back",
)
OWNER_KINDS = ("terminal_vendor", "kif", "gateway", "processor")
_MAX_PHRASE = 80
_DEADLINE_GAP = 24  # characters between "by" and "the end of March"
_GAP = " ... "
_WORD = re.compile(r"[a-z0-9']+")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_phrases(phrases: list[str]) -> list[str]:
    for phrase in phrases:
        if not phrase.strip() or len(phrase) > _MAX_PHRASE:
            raise ValueError(f"phrase {phrase[:40]!r} must be 1-{_MAX_PHRASE} characters")
        if phrase != phrase.lower():
            raise ValueError(f"phrase {phrase!r} must be lower-case")
    return phrases


class Targets(_Strict):
    phrases: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)

    _lower = field_validator("phrases")(_check_phrases)


class ActEntry(_Strict):
    """An act (ask, offer, promise...) with its phrases and examples."""

    name: Literal[
        "ask",
        "ask_us",
        "wish",
        "relay",
        "offer",
        "promise",
        "agree",
        "decline",
        "defer",
        "withdraw",
        "keep",
        "enquire",
        "check_back",
    ]
    description: str = ""
    phrases: list[str] = Field(min_length=1)
    # composed phrases: every subject + modal + (optional adverb) + verb ("we could probably absorb")
    subjects: list[str] = Field(default_factory=list)
    modals: list[str] = Field(default_factory=list)
    adverbs: list[str] = Field(default_factory=list)
    verbs: list[str] = Field(default_factory=list)
    examples: list[str] = Field(min_length=1)
    counter_examples: list[str] = Field(default_factory=list)

    _lower = field_validator("phrases", "subjects", "modals", "adverbs", "verbs")(_check_phrases)

    def composed(self) -> list[str]:
        """The subject + modal + adverb + verb phrases."""
        out: list[str] = []
        for subject in self.subjects:
            for modal in self.modals:
                head = f"{subject}{modal}" if modal.startswith("'") else f"{subject} {modal}"
                for verb in self.verbs:
                    out.append(f"{head} {verb}")
                    out.extend(f"{head} {adverb} {verb}" for adverb in self.adverbs)
        return out


class WorkVocabulary(_Strict):
    anaphora: list[str]
    generic: list[str]
    processor_work: list[str]
    owner_refs: list[str]
    omni_own: list[str]

    _lower = field_validator("anaphora", "generic", "processor_work", "owner_refs", "omni_own")(
        _check_phrases
    )


class Parties(_Strict):
    terminal_vendor: list[str]
    kif: list[str]
    gateway: list[str]
    processor: list[str]

    def by_kind(self) -> dict[str, list[str]]:
        return {kind: list(getattr(self, kind)) for kind in OWNER_KINDS}


class PricingEntry(_Strict):
    """A kind of pricing ask with its phrases and examples."""

    name: str
    phrases: list[str] = Field(min_length=1)
    # when set, one of these must be in the sentence or the two before ("match it" after a competing quote)
    context: list[str] = Field(default_factory=list)
    examples: list[str] = Field(min_length=1)
    counter_examples: list[str] = Field(default_factory=list)

    _lower = field_validator("phrases")(_check_phrases)


class PricingExclude(_Strict):
    phrases: list[str]


class MoneyCues(_Strict):
    quote: list[str]
    budget: list[str]
    reduction: list[str]


@dataclass(frozen=True)
class GapHit:
    start: int
    end: int
    phrase: str


class GapPhrases:
    """Phrases on word boundaries (a token dictionary, not a regex), ``A ... B`` meaning A then B later.

    All heads of gapped phrases share one dictionary; each head keeps the set of its tails, so a
    text pass costs one lookup per token whatever the number of phrases.
    """

    def __init__(self, phrases: list[str]) -> None:
        from ..extract.rules.matcher import PhraseSet  # the one phrase matcher; imported late (cycle)

        self._plain = PhraseSet.of(tuple(p for p in phrases if _GAP not in p))
        tails: dict[str, list[str]] = {}
        for phrase in phrases:
            if _GAP in phrase:
                head, tail = phrase.split(_GAP, 1)
                tails.setdefault(_token_key(head), []).append(tail)
        self._heads = PhraseSet.of(tuple(tails)) if tails else None
        self._tails = {head: PhraseSet.of(tuple(items)) for head, items in tails.items()}

    def search(self, text: str, start: int = 0, end: int | None = None) -> GapHit | None:
        """The first (leftmost) hit in ``text[start:end]``, or ``None``."""
        end = len(text) if end is None else end
        best: GapHit | None = None
        match = self._plain.search(text, start, end)
        if match is not None:
            best = GapHit(match.start(), match.end(), match.group().lower())
        if self._heads is None:
            return best
        position = start
        while position < end:
            head = self._heads.search(text, position, end)
            if head is None or (best is not None and head.start() >= best.start):
                break
            tails = self._tails.get(_token_key(head.group()))
            second = tails.search(text, head.end(), end) if tails is not None else None
            if second is not None:
                return GapHit(head.start(), second.end(), f"{head.group()} ... {second.group()}".lower())
            position = head.end()
        return best

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> list[GapHit]:
        """Every hit, left to right, not overlapping."""
        end = len(text) if end is None else end
        hits: list[GapHit] = []
        position = start
        while position < end:
            hit = self.search(text, position, end)
            if hit is None:
                break
            hits.append(hit)
            position = max(hit.end, hit.start + 1)
        return hits


class ActScanner:
    """Every act's phrases in one token dictionary: one pass over a clause finds the first hit of each act."""

    def __init__(self, named: dict[str, list[str]]) -> None:
        from ..extract.rules.matcher import PhraseSet

        self._plain: dict[str, list[str]] = {}
        heads: dict[str, dict[str, list[str]]] = {}
        for name, phrases in named.items():
            for phrase in phrases:
                if _GAP in phrase:
                    head, tail = phrase.split(_GAP, 1)
                    heads.setdefault(_token_key(head), {}).setdefault(name, []).append(tail)
                else:
                    names = self._plain.setdefault(_token_key(phrase), [])
                    if name not in names:
                        names.append(name)
        self._heads = {
            key: [(name, PhraseSet.of(tuple(tails))) for name, tails in by_name.items()]
            for key, by_name in heads.items()
        }
        keys = [*self._plain, *self._heads]
        self._first = frozenset(key.split(" ")[0] for key in keys)
        self._longest = max((len(key.split(" ")) for key in keys), default=1)

    def scan(self, text: str, start: int = 0, end: int | None = None) -> dict[str, GapHit]:
        """The first hit of every act in ``text[start:end]``."""
        from ..extract.rules.matcher import tokenise

        end = len(text) if end is None else end
        spans, _, lowered, joinable = tokenise(text)
        found: dict[str, GapHit] = {}
        for index, (a, _b) in enumerate(spans):
            if a >= end:
                break
            if a < start or lowered[index] not in self._first:
                continue
            limit = index + 1
            while limit < min(len(spans), index + self._longest) and joinable[limit - 1]:
                limit += 1
            for stop in range(limit, index, -1):
                finish = spans[stop - 1][1]
                if finish > end:
                    continue
                key = " ".join(lowered[index:stop])
                for name in self._plain.get(key, ()):
                    if name not in found:
                        found[name] = GapHit(a, finish, text[a:finish].lower())
                for name, tails in self._heads.get(key, ()):
                    if name in found:
                        continue
                    second = tails.search(text, finish, end)
                    if second is not None:
                        found[name] = GapHit(
                            a, second.end(), f"{text[a:finish]} ... {second.group()}".lower()
                        )
        return found


class ObjectVocabulary(_Strict):
    price: list[str]
    scope: list[str]
    deadline: list[str]
    deadline_after: list[str]
    time: list[str]
    launch: list[str]

    _lower = field_validator("price", "scope", "deadline", "deadline_after", "time", "launch")(_check_phrases)


class SellerOnly(_Strict):
    phrases: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)

    _lower = field_validator("phrases")(_check_phrases)


class ClassifierSettings(_Strict):
    weights: str = Field(pattern=r"^[\w.\-]+\.npz$")
    request_threshold: float = Field(ge=0.0, le=1.0)
    promise_threshold: float = Field(ge=0.0, le=1.0)


class ActVocabulary(_Strict):
    """``policy/acts.toml``, validated, with compiled matchers."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    targets: Targets
    acts: list[ActEntry]
    work: WorkVocabulary
    parties: Parties
    pricing: list[PricingEntry]
    pricing_exclude: PricingExclude
    money: MoneyCues
    objects: ObjectVocabulary
    seller_only: SellerOnly
    classifier: ClassifierSettings
    root: str = ""  # the policy folder it was read from (set by the loader; weights live there)

    @field_validator("acts")
    @classmethod
    def _every_act_once(cls, acts: list[ActEntry]) -> list[ActEntry]:
        names = [entry.name for entry in acts]
        missing = [name for name in ACT_NAMES if name not in names]
        if missing or len(set(names)) != len(names):
            raise ValueError(f"each act once: missing {missing}, got {names}")
        return acts

    def expand(self, phrases: list[str]) -> list[str]:
        """``{target}`` replaced by every target phrase, plus spellings without apostrophes ("cant")."""
        out: list[str] = []
        for phrase in phrases:
            if "{target}" in phrase:
                out.extend(phrase.replace("{target}", target) for target in self.targets.phrases)
            else:
                out.append(phrase)
        return out + [variant for phrase in out if (variant := _unapostrophed(phrase)) is not None]

    @cached_property
    def act_scanner(self) -> ActScanner:
        """One scanner over every act phrase."""
        return ActScanner(
            {entry.name: self.expand([*entry.phrases, *entry.composed()]) for entry in self.acts}
        )

    @cached_property
    def act_matchers(self) -> dict[str, GapPhrases]:
        """Phrase matcher per act name."""
        return {
            entry.name: GapPhrases(self.expand([*entry.phrases, *entry.composed()])) for entry in self.acts
        }

    @cached_property
    def target_matcher(self) -> GapPhrases:
        """Words that address Omni ("you", "your team")."""
        return GapPhrases(self.targets.phrases)

    @cached_property
    def anaphora_matcher(self) -> GapPhrases:
        """Words pointing back to work named earlier ("that part")."""
        return GapPhrases(self.work.anaphora)

    @cached_property
    def generic_work_matcher(self) -> GapPhrases:
        """Generic work words that take their owner from context."""
        return GapPhrases(self.work.generic)

    @cached_property
    def owner_ref_matcher(self) -> GapPhrases:
        """References to another party's side ("their end")."""
        return GapPhrases(self.work.owner_refs)

    @cached_property
    def omni_own_matcher(self) -> GapPhrases:
        """Omni's own work, which is never a transfer."""
        return GapPhrases(self.work.omni_own)

    @cached_property
    def party_matchers(self) -> dict[str, GapPhrases]:
        """Phrase matcher per responsible party."""
        return {kind: GapPhrases(words) for kind, words in self.parties.by_kind().items()}

    @cached_property
    def pricing_matchers(self) -> list[tuple[str, GapPhrases, GapPhrases | None]]:
        """Pricing-ask kinds with their phrases and exclusions."""
        return [
            (entry.name, GapPhrases(entry.phrases), GapPhrases(entry.context) if entry.context else None)
            for entry in self.pricing
        ]

    @cached_property
    def pricing_scanner(self) -> ActScanner:
        """All pricing entries in one pass: which of them appear at all."""
        return ActScanner({str(index): list(entry.phrases) for index, entry in enumerate(self.pricing)})

    @cached_property
    def pricing_exclude_matcher(self) -> GapPhrases:
        """Phrases that make a price word no ask."""
        return GapPhrases(self.pricing_exclude.phrases)

    @cached_property
    def money_quote_matcher(self) -> GapPhrases:
        """Words naming a quote."""
        return GapPhrases(self.money.quote)

    @cached_property
    def money_budget_matcher(self) -> GapPhrases:
        """Words naming a budget."""
        return GapPhrases(self.money.budget)

    @cached_property
    def money_reduction_matcher(self) -> GapPhrases:
        """Words asking to come down to an amount."""
        return GapPhrases(self.money.reduction)

    @cached_property
    def seller_only_matcher(self) -> GapPhrases:
        """Phrases only a seller says."""
        return GapPhrases(self.expand(self.seller_only.phrases))

    @cached_property
    def object_matchers(self) -> dict[str, GapPhrases]:
        """Phrase matcher per promise object (price, date, scope)."""
        o = self.objects
        return {
            name: GapPhrases(words)
            for name, words in (
                ("price", o.price),
                ("scope", o.scope),
                ("deadline", o.deadline),
                ("deadline_after", o.deadline_after),
                ("time", o.time),
                ("launch", o.launch),
            )
        }

    def promised_object(self, text: str) -> str | None:
        """What a promise in ``text`` is about: "price", "dates", "scope" or ``None``."""
        from ..extract.rules.numbers import find_money, find_percentages

        m = self.object_matchers
        if find_percentages(text) or find_money(text) or m["price"].search(text) is not None:
            return "price"
        times = m["time"].finditer(text)
        if times:
            deadlines = m["deadline"].finditer(text)
            near = any(0 <= t.start - d.end <= _DEADLINE_GAP for d in deadlines for t in times) or any(
                0 <= d.start - t.end <= 2 for d in m["deadline_after"].finditer(text) for t in times
            )
            if near or (
                m["launch"].search(text) is not None
                and any(d.end <= t.start for d in deadlines for t in times)
            ):
                return "dates"
        if m["scope"].search(text) is not None:
            return "scope"
        return None

    def acts_in(self, text: str, start: int = 0, end: int | None = None) -> dict[str, GapHit]:
        """Every act with a cue in ``text[start:end]`` and its first hit."""
        return self.act_scanner.scan(text, start, end)

    def pricing_ask(self, text: str, context: str | None = None) -> tuple[str, GapHit] | None:
        """The first pricing exception named in ``text`` that no exclusion covers.

        ``context`` is the text just before (an entry with context words needs one there or in ``text``).
        """
        present = self.pricing_scanner.scan(text)
        if not present:
            return None
        excluded = self.pricing_exclude_matcher.finditer(text)
        for index, (name, matcher, needs) in enumerate(self.pricing_matchers):
            if str(index) not in present:
                continue
            if (
                needs is not None
                and needs.search(text) is None
                and (context is None or needs.search(context) is None)
            ):
                continue
            for hit in matcher.finditer(text):
                if not any(e.start <= hit.start < e.end or hit.start <= e.start < hit.end for e in excluded):
                    return name, hit
        return None


# apostrophe-less spellings that are other words ("we'll" -> "well"): not generated
_NOT_VARIANTS = frozenset({"well", "wed", "hell", "shell", "were", "ill", "id", "shed", "hed", "wont"})


def _unapostrophed(phrase: str) -> str | None:
    """ "can't commit" -> "cant commit" (speech-to-text and Slack drop apostrophes), or None."""
    if "'" not in phrase:
        return None
    words = [
        word.replace("'", "") if word.replace("'", "") not in _NOT_VARIANTS else word
        for word in phrase.split()
    ]
    variant = " ".join(words)
    return variant if variant != phrase else None


def _token_key(phrase: str) -> str:
    return " ".join(_TOKEN.findall(phrase.lower()))


def words_of(text: str) -> list[str]:
    """Lower-case word tokens (shared by the classifier features)."""
    return _WORD.findall(text.lower().replace("’", "'"))
