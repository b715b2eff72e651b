"""Is a mention stated, hedged, negated, in the past, or only asked about?

The reading is local and explainable: a negation cue before the mention in the
same clause ("not on Fiserv"), or a "no" right after it ("Kiosks: no"); a hedge
in the clause or in a short hedge-only clause of the sentence ("Fiserv, I
think"); a past marker ("used to be on TSYS"); and question / answer pairs
across speakers ("Are you on Fiserv?" / "Yep.").  Questions asked by Omni or
the rep state nothing until the customer answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from ...policy import CueLists
from ...text import CUSTOMER, THIRD_PARTY, UNKNOWN, Document, Sentence
from .matcher import PhraseSet

__all__ = ["Assessment", "Assessor", "State"]


class State(StrEnum):
    CONFIRMED = "confirmed"
    UNCERTAIN = "uncertain"
    NEGATED = "negated"
    PAST = "past"
    IGNORED = "ignored"


@dataclass
class Assessment:
    state: State
    evidence: list[tuple[int, int]] = field(default_factory=list)  # document offsets
    corrected: bool = False  # the sentence corrects an earlier answer


_CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]]|\s[-–—]\s|\b(?:but|however|although|though|whereas|while|except that|so)\b", re.IGNORECASE
)
_SCOPE_STOP = re.compile(
    r"\b(?:we|we're|we’re|they|they're|they’re|it's|it’s|its|i|i'm|that's|which|who|is|are|was|were|to|now)\b",
    re.IGNORECASE,
)
_CUSTOMER_REF = re.compile(
    r"\b(?:you|your|you're|you’re|youre|y'all|yours|they|their|they're|they’re|them|customer|client|merchant|"
    r"prospect|both)\b",
    re.IGNORECASE,
)
_STRONG_DOUBT = re.compile(
    r"\b(?:not\s+sure|unsure|don'?t\s+know|no\s+idea|not\s+certain|can'?t\s+remember|need\s+to\s+check|"
    r"want\s+to\s+verify|tbd|tbc)\b",
    re.IGNORECASE,
)
_OPEN_SECTION = re.compile(
    r"\b(?:open|outstanding|unknowns?|to\s+confirm|to\s+be\s+confirmed|tbd|tbc|questions|unresolved|parking\s+lot|follow[\s-]?ups?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'’/%$.-]+")
# a "no" after a mention must follow it closely ("Kiosks: no", "kiosks are out"): read only this far
_AFTER_WINDOW = 80


@lru_cache(maxsize=4096)
def _clause_breaks(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((match.start(), match.end()) for match in _CLAUSE_BREAK.finditer(text))


_YOU = re.compile(r"\b(?:you|your|you're|you’re|yours)\b", re.IGNORECASE)  # a vendor's "they" is its clients
_PAST_AFTER = re.compile(
    r"[ \t]+(?:was|were)[ \t]+(?:the[ \t]+|our[ \t]+|their[ \t]+)?(?:old|previous|former|prior|legacy)\b",
    re.IGNORECASE,
)


_IF = re.compile(r"\b(?:if|in\s+case|suppose|imagine|say)\s+(?:you|we|they)\b", re.IGNORECASE)
_BACK_THEN = re.compile(
    r"\b(?:at[ \t]+the[ \t]+time|back[ \t]+then|in[ \t]+those[ \t]+days)\b", re.IGNORECASE
)


class Assessor:
    """Reads cues around a mention; one instance per document."""

    def __init__(self, doc: Document, cues: CueLists) -> None:
        self.doc = doc
        self.hedges = PhraseSet.of(cues.hedges)
        self.not_hedges = PhraseSet.of(cues.not_hedges)
        self.neg_before = PhraseSet.of(cues.negations_before)
        self.neg_after = PhraseSet.of(cues.negations_after)
        self.not_neg = PhraseSet.of([*cues.not_negations, *[h for h in cues.hedges if " " in h]])
        self.corrections = PhraseSet.of(cues.corrections)
        self.past = PhraseSet.of(cues.past_markers)
        self.replaced = PhraseSet.of([*cues.past_markers, *cues.replacement_markers])
        self.generic_cues = PhraseSet.of(cues.generic_markers)
        self.third_party_cues = PhraseSet.of(cues.third_party_markers)
        self.disowned_cues = PhraseSet.of(cues.disowned_markers)
        self.yes = PhraseSet.of(cues.affirmative_answers)
        self.no = PhraseSet.of(cues.negative_answers)
        self.unsure = PhraseSet.of(cues.uncertain_answers)
        self.unknown_values = {value.lower() for value in cues.unknown_values}
        self._hedged_cache: dict[str, bool] = {}
        # in a conversation Omni and the rep also talk about themselves; in notes they only relay facts
        self.conversation = any(s.role == CUSTOMER and s.speaker is not None for s in doc.sentences)

    # -- clause helpers ---------------------------------------------------------------
    @staticmethod
    def _breaks(sentence: Sentence) -> tuple[tuple[int, int], ...]:
        """Clause breaks of a sentence (relative offsets), computed once per sentence text."""
        return _clause_breaks(sentence.text)

    def clause_bounds(self, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
        """Document offsets of the clause around ``[start, end)``."""
        rel_start, rel_end = start - sentence.start, end - sentence.start
        left = 0
        right = len(sentence.text)
        for break_start, break_end in self._breaks(sentence):
            if break_end <= rel_start:
                left = break_end
            elif break_start >= rel_end:
                right = break_start
                break
        return sentence.start + left, sentence.start + right

    def clauses(self, sentence: Sentence) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        last = 0
        for break_start, break_end in self._breaks(sentence):
            spans.append((sentence.start + last, sentence.start + break_start))
            last = break_end
        spans.append((sentence.start + last, sentence.end))
        return [(a, b) for a, b in spans if b > a]

    def is_hedged_text(self, text: str) -> bool:
        cached = self._hedged_cache.get(text)
        if cached is None:
            cached = self._hedged_cache[text] = self._is_hedged_text(text)
        return cached

    def _is_hedged_text(self, text: str) -> bool:
        hedges = self.hedges.finditer(text)
        if not hedges:
            return False
        not_hedges = self.not_hedges.finditer(text)
        return any(not any(n.start() <= h.start() < n.end() for n in not_hedges) for h in hedges)

    def _words(self, text: str) -> int:
        return len(_WORD.findall(text))

    # -- cues -------------------------------------------------------------------------------
    def negated_before(self, sentence: Sentence, start: int, end: int, others: list[tuple[int, int]]) -> bool:
        """A negation cue earlier in the clause scopes over the mention ("not on Fiserv", "no kiosks")."""
        clause_start, _ = self.clause_bounds(sentence, start, end)
        text = self.doc.text
        prefix = text[clause_start:start]
        matches = self.neg_before.finditer(prefix)
        not_negations = self.not_neg.finditer(prefix) if matches else []  # once, not per cue (linear)
        for match in reversed(matches):
            if any(n.start() <= match.start() < n.end() for n in not_negations):
                continue
            between = prefix[match.end() :]
            for other_start, other_end in others:
                if clause_start + match.end() <= other_start < start:
                    between = between.replace(text[other_start:other_end], " ")  # "no kiosks or vending"
            if self._words(between) > 5:
                continue
            spans_clause = re.search(r"think|believe|doubt", match.group(), re.IGNORECASE)
            stop = _SCOPE_STOP.search(between)
            if stop and not spans_clause and stop.group().lower() not in {"is", "are", "was", "were", "to"}:
                continue
            return True
        return False

    def negated_after(
        self, sentence: Sentence, end: int, others: list[tuple[int, int]] | None = None
    ) -> bool:
        for other_start, other_end in sorted(others or []):
            # "Unattended/kiosk: none" - the answer after the list covers every item of it
            if other_start > end and re.fullmatch(
                r"\s*(?:/|,|&|\+|or|and)\s*", self.doc.text[end:other_start], re.I
            ):
                end = other_end
        tail = self.doc.text[end : min(sentence.end, end + _AFTER_WINDOW)]
        match = re.match(r"[\s'’s]*[:?\-–—=]*\s*(?:\(?\s*)", tail)
        rest = tail[match.end() if match else 0 :]
        hit = self.neg_after.search(rest)
        if hit is None or hit.start() != 0:
            # "kiosks are out", "unattended isn't happening": allow a short copula before the cue
            short = re.match(r"(?:is|are|will\s+be|would\s+be|was|were)\s+", rest, re.IGNORECASE)
            if not short:
                return False
            hit = self.neg_after.search(rest, short.end())
            if hit is None or hit.start() != short.end():
                return False
        return not any(n.start() == hit.start() for n in self.not_neg.finditer(rest))

    def in_past(
        self,
        sentence: Sentence,
        start: int,
        end: int,
        others: list[tuple[int, int]],
        *,
        replaceable: bool = False,
    ) -> bool:
        clause_start, clause_end = self.clause_bounds(sentence, start, end)
        if _PAST_AFTER.match(self.doc.text, end, clause_end) or _BACK_THEN.search(
            self.doc.text, end, clause_end
        ):
            return True  # "Heartland was the old contract", "TSYS was our previous processor"
        prefix = self.doc.text[clause_start:start]
        for match in (self.replaced if replaceable else self.past).finditer(prefix):
            between = prefix[match.end() :]
            if self._words(between) > 5:
                continue
            if any(clause_start + match.end() <= s < start for s, _ in others):
                continue  # "migrated from TSYS to Worldpay": the marker binds to TSYS only
            if re.search(r"\b(?:to|onto|now|with|w/|by|for|into)(?!\w)", between, re.IGNORECASE):
                continue
            return True
        return False

    def hedged(self, sentence: Sentence, start: int, end: int, others: list[tuple[int, int]]) -> bool:
        if sentence.section and _OPEN_SECTION.search(sentence.section):
            return True  # listed under "Open items" / "To confirm" / "Questions"
        clause_start, clause_end = self.clause_bounds(sentence, start, end)
        if self.is_hedged_text(self.doc.text[clause_start:clause_end]):
            return True
        for a, b in self.clauses(sentence):
            if (a, b) == (clause_start, clause_end):
                continue
            chunk = self.doc.text[a:b]
            if any(a <= s < b for s, _ in others) or not self.is_hedged_text(chunk):
                continue
            if self._words(chunk) <= 8:
                return True
            if a > clause_end and re.search(
                r"\b(?:it|it's|that|this|they|them|those)\b", chunk, re.IGNORECASE
            ):
                return True  # "... the FIME kit, but nobody is sure it's still licensed"
        after = self.doc.text[end : min(sentence.end, end + 3)]
        if after.lstrip(" )").startswith("?") and sentence.role in (UNKNOWN, CUSTOMER):
            return True
        if sentence.index and sentence.label is None:
            previous = self.doc.sentences[sentence.index - 1]
            if (
                previous.turn == sentence.turn
                and self._words(previous.text) <= 10
                and _STRONG_DOUBT.search(previous.text)
                and not any(previous.start <= s < previous.end for s, _ in others)
                and re.search(r"\b(?:one|bit|part|question|this|that)\b", previous.text, re.IGNORECASE)
            ):
                return True  # "This is the one I'm not sure on. Our POS guy mentioned an Interac test kit..."
        following = self._next_in_turn(sentence)
        if following is not None and sentence.label and "\n" in self.doc.text[sentence.end : following.start]:
            following = None  # "Proc: Fiserv" / "Kiosks - maybe": the next note line is about something else
        if following is not None:
            chunk = following.text
            if self._words(chunk) <= 8 and self.is_hedged_text(chunk):
                return True
            opening = self.hedges.search(chunk)
            if (
                opening is not None
                and self._words(chunk[: opening.start()]) == 0
                and not self.not_hedges.search(chunk[:30])
            ):
                return True  # "Elavon today. TBC - the state re-bids next year."
        return False

    def _next_in_turn(self, sentence: Sentence) -> Sentence | None:
        index = sentence.index + 1
        if index < len(self.doc.sentences):
            nxt = self.doc.sentences[index]
            if nxt.turn == sentence.turn and nxt.label is None:
                return nxt
        return None

    def answer_to(self, question: Sentence) -> tuple[State, Sentence] | None:
        """How the other side answered a question: yes / no / unsure, with the answer sentence."""
        answer = self.doc.next_turn(question)
        if answer is None or answer.role == question.role:
            return None
        state = self.reply_state(answer.text)
        return (state, answer) if state is not None else None

    def reply_state(self, text: str) -> State | None:
        """How a reply opens: unsure ("I think so"), no ("Nope"), yes ("Yep"), or none of them."""
        head = text[:40]
        for phrases, state in (
            (self.unsure, State.UNCERTAIN),
            (self.no, State.NEGATED),
            (self.yes, State.CONFIRMED),
        ):
            match = phrases.search(head)
            if match and match.start() <= 2:
                return state
        return None

    def correction_before(self, sentence: Sentence, position: int) -> int | None:
        """Offset of a correction cue in the sentence before ``position`` (or at its start)."""
        prefix = self.doc.text[sentence.start : position]
        matches = self.corrections.finditer(prefix)
        if matches:
            return sentence.start + matches[-1].start()
        return None

    # -- the verdict --------------------------------------------------------------------------
    def third_party(self, sentence: Sentence, start: int) -> bool:
        prefix = self.doc.text[sentence.start : start]
        return bool(self.third_party_cues.search(prefix) or self.disowned_cues.search(sentence.text))

    def _echo_answer(self, sentence: Sentence, start: int, end: int) -> Assessment | None:
        """ "Kiosks? Nah, not this phase.": a one-word echo question answered by the same speaker."""
        if not sentence.is_question or self._words(sentence.text) > 3:
            return None
        following = self._next_in_turn(sentence)
        if following is None:
            return None
        state = self.reply_state(following.text)
        if state is None:
            return None
        return Assessment(state, [(sentence.start, sentence.end), (following.start, following.end)])

    def is_generic(self, sentence: Sentence, start: int) -> bool:
        """ "anything unattended", "any kiosks": a hypothetical, not a fact."""
        clause_start = self.clause_bounds(sentence, start, start)[0]
        prefix = self.doc.text[clause_start:start]
        for match in self.generic_cues.finditer(prefix):
            between = prefix[match.end() :]
            # "any kiosks", "anything unattended", "any self-checkout or unattended"
            if self._words(between) <= 1 or re.fullmatch(r"[\w\s\-]*\b(?:or|and)\s*", between):
                return True
        return False

    def assess(
        self,
        sentence: Sentence,
        start: int,
        end: int,
        others: list[tuple[int, int]],
        *,
        replaceable: bool = False,
    ) -> Assessment:
        """Read the cues around ``text[start:end]``; ``others`` are same-kind mentions nearby.

        ``replaceable``: the kind has one current answer (processor, vendor...), so the thing
        being replaced ("replacing Verifone with PAX") is the past.
        """
        clause = self.clause_bounds(sentence, start, end)
        evidence = [(sentence.start, sentence.end)]
        role = sentence.role
        if (sentence.about_seller and start > sentence.start + 3) or (
            sentence.seller_from is not None and start >= sentence.seller_from
        ):
            return Assessment(State.IGNORED)  # a bio, "About us", the seller's own firm and clients
        asked_by_other_side = role not in (CUSTOMER, UNKNOWN) or (role == UNKNOWN and sentence.quoted > 0)
        if sentence.is_question and asked_by_other_side:
            reply = self.answer_to(sentence)
            if reply is None:
                return Assessment(State.IGNORED)
            state, answer = reply
            return Assessment(state, [(sentence.start, sentence.end), (answer.start, answer.end)])
        refers = (_YOU if role == THIRD_PARTY else _CUSTOMER_REF).search(self.doc.text[clause[0] : clause[1]])
        if (
            role not in (CUSTOMER, UNKNOWN)
            and self.conversation
            and _IF.search(self.doc.text, sentence.start, start)
        ):
            return Assessment(State.IGNORED)  # "if you ever go to Vancouver, ...": a hypothetical
        if role not in (CUSTOMER, UNKNOWN) and self.conversation and not refers:
            return Assessment(
                State.IGNORED
            )  # Omni or the rep talking about themselves ("we've done kiosk certs")
        if (
            role not in (CUSTOMER, UNKNOWN)
            and self.conversation
            and self.hedged(sentence, start, end, others)
        ):
            return Assessment(State.IGNORED)  # "Fiserv, I'm guessing?" from Omni is a guess, not a fact
        corrected = self.correction_before(sentence, start) is not None
        if self.third_party(sentence, start):
            return Assessment(State.IGNORED)  # what a competitor or the store next door does
        echo = self._echo_answer(sentence, start, end)
        if echo is not None:
            return echo
        if self.negated_before(sentence, start, end, others) or self.negated_after(sentence, end, others):
            return Assessment(State.PAST if corrected else State.NEGATED, evidence, corrected)
        if self.is_generic(sentence, start):
            return Assessment(State.IGNORED)
        if self.in_past(sentence, start, end, others, replaceable=replaceable):
            return Assessment(State.PAST, evidence, corrected)
        if self.hedged(sentence, start, end, others):
            return Assessment(State.UNCERTAIN, evidence, corrected)
        if (
            sentence.is_question
            and role == CUSTOMER
            and not re.search(
                r"\b(?:we|we're|our|us|i|i'm|my)\b", self.doc.text[clause[0] : sentence.end], re.IGNORECASE
            )
        ):
            return Assessment(State.IGNORED)
        return Assessment(State.CONFIRMED, evidence, corrected)

    def value_is_unknown(self, text: str) -> bool:
        cleaned = text.strip().strip(".!").lower()
        return cleaned in self.unknown_values or (self.is_hedged_text(cleaned) and self._words(cleaned) <= 4)
