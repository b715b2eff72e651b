"""Check every model value twice: its quote is in the text, and the value follows from the quote.

1. The quote must be found verbatim in the (masked) input; a near miss is
   repaired to the exact span (:mod:`.quotes`), otherwise the value is dropped.
2. The value must appear in, or follow from, that span: a lexicon field's value
   must be a lexicon entry one of whose spellings is in the quote (and not
   negated there: "not on Fiserv"); numbers must parse from the quote; an enum
   (segment, deal_source) needs its cue; free text must be (nearly) contained
   and of the field's kind (a timeline quote talks about dates, a champion is
   not someone at Omni).  A value that fails is dropped (the field stays
   missing), except free text that is partly in its quote, kept as
   ``uncertain``.  A "confirmed" value whose quote hedges ("I think") becomes
   ``uncertain``.

Every downgrade is counted in :class:`VerifyStats`.  Triggers proposed by the
model pass the same quote check plus a cue check for their id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from ...policy import Lexicon, LexiconEntry, PolicyBundle
from ...schema import FieldStatus, Trigger
from ..rules.matcher import compile_lexicon
from ..rules.numbers import find_money, find_numbers, find_percentages, parse_number
from ..rules.quote_acts import read_quote
from .quotes import locate_quote
from .schema import Finding, ProposedTrigger

__all__ = ["LEXICON_KINDS", "Candidate", "Verifier", "VerifyStats", "phrases"]

# contract field -> lexicon kind under policy/lexicons
LEXICON_KINDS: dict[str, str] = {
    "processor": "processor",
    "gateway": "gateway",
    "terminal_vendor": "terminal_vendor",
    "terminal_models": "terminal_model",
    "kif": "kif",
    "tooling": "tooling",
    "card_brands": "card_brand",
    "regions": "region",
    "use_cases": "use_case",
}
NUMBER_FIELDS = frozenset({"device_count", "discount_requested_pct"})
NAME_FIELDS = frozenset({"company", "contact", "economic_buyer", "champion"})
PERSON_FIELDS = frozenset({"contact", "economic_buyer", "champion"})
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
# free-text fields: the quote must carry a cue of the field's kind ("Friday" from "I'll send it Friday" is no timeline)
_FIELD_CUES: dict[str, re.Pattern[str]] = {
    "timeline": re.compile(
        rf"\b(?:{_MONTHS})\b|\bq[1-4]\b|\b20\d\d\b|go[\s\-]?live|launch|\blive\b|deadline|target|roll[\s\-]?out|pilot"
        r"|\bby (?:the )?(?:end|mid|early|late|next)|\bnext (?:year|quarter|month|season)|\bweeks?\b|\bmonths?\b|\basap\b"
        r"|holiday|summer|spring|fall|autumn|winter|season|fiscal|\bfy\d*",
        re.IGNORECASE,
    ),
    "budget": re.compile(
        # a price quoted by someone else is no budget: the quote must talk about the customer's money
        r"\bbudget|\bfunding|\bfunded|\bspend|allocat|set aside|earmark|approved|capex|opex|fiscal|afford|ceiling"
        r"|\bcap\b|up to",
        re.IGNORECASE,
    ),
    "economic_buyer": re.compile(
        r"sign|approv|budget|final (?:say|call|word)|decision|decides|\bowns?\b|purse|\bbuyer|\bcfo\b|\bceo\b|\bcoo\b"
        r"|\bcto\b|\bcio\b|\bvp\b|president|procurement|purchas|authori",
        re.IGNORECASE,
    ),
    "decision_process": re.compile(
        r"decid|decision|approv|sign|committee|board|procurement|legal|review|\brfp\b|vote|security|infosec|"
        r"evaluat|sign[\s\-]?off|stakeholder|steering|finance|pilot",
        re.IGNORECASE,
    ),
    "champion": re.compile(
        r"champion|advocat|sponsor|push|internally|in my corner|on board|excited|drive|driving|behind (?:this|it)|coach|owner",
        re.IGNORECASE,
    ),
    "next_steps": re.compile(
        r"next|follow|send|sending|schedule|book|set up|setup|call|meeting|demo|\bwill\b|'ll|’ll|recap|intro|share|review",
        re.IGNORECASE,
    ),
}

_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bor\b|&|\+|\bplus\b)\s*", re.IGNORECASE)
_NOT_DEVICES = re.compile(
    r"\s*(?:%|percent|per\s*cent|employees?|people|ppl|folks|staff|ftes?|headcount|heads|persons?|years?|months?|weeks?|days?"
    r"|hours?|minutes?|am\b|pm\b|dollars|bucks|usd|k\b|grand|million|mm\b|bps|basis)",
    re.IGNORECASE,
)
# counts of places, not devices; they only count as a factor ("40 stores x 3 lanes")
_SITES = re.compile(
    r"\s*(?:\w+\s)?(?:stores?|sites?|locations?|branches|restaurants?|hotels?|garages?|clinics?|offices?"
    r"|venues?|depots?|campus(?:es)?|properties|lots?|outlets?|shops?|markets?|countries|states|cities)\b",
    re.IGNORECASE,
)
_DISCOUNT_WORDS = re.compile(r"discount|\boff\b|%|percent|price|pricing|rate|cheaper|knock", re.IGNORECASE)
_SEGMENT_WORDS = {
    "enterprise": re.compile(r"\benterprise\b", re.IGNORECASE),
    "mid_market": re.compile(r"\bmid[\s\-]?(?:market|size[d]?)\b|\bmidmarket\b", re.IGNORECASE),
    "smb": re.compile(r"\bsmb\b|\bsmall(?:[\s\-](?:and[\s\-]medium[\s\-])?business(?:es)?)\b", re.IGNORECASE),
}
_HEADCOUNT = re.compile(r"\s*(?:\+\s*)?(?:employees|people|staff|ftes?|headcount|person)", re.IGNORECASE)
_DEAL_SOURCE_CUES = {
    "external_rep": re.compile(
        r"partner|referr|reseller|\brep\b|\breps\b|intro|\biso\b|\bagent\b|\bvar\b|on behalf of",
        re.IGNORECASE,
    ),
    "inbound": re.compile(
        r"inbound|web\s?form|website|web site|contact form|demo request|request(?:ed)? a demo|signed up"
        r"|filled (?:out|in)|found (?:us|you)|reached out|called in|webinar|chat",
        re.IGNORECASE,
    ),
    "leadership": re.compile(
        r"leadership|\bceo\b|\bcro\b|\bcoo\b|\bcfo\b|president|\bvp\b|exec|founder|board|chief", re.IGNORECASE
    ),
}
_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "for",
        "with",
        "on",
        "in",
        "at",
        "by",
        "from",
        "we",
        "our",
        "you",
        "your",
        "they",
        "their",
        "it",
        "its",
        "is",
        "are",
        "be",
        "will",
        "would",
        "can",
        "could",
        "should",
        "that",
        "this",
        "those",
        "these",
        "as",
        "into",
        "about",
        "then",
        "than",
        "also",
        "just",
        "need",
        "needs",
        "want",
        "wants",
    ]
)


@dataclass
class Candidate:
    """One verified (or downgraded) value with its exact evidence span."""

    field: str
    value: Any
    status: FieldStatus
    evidence: str
    start: int
    end: int
    supported: bool  # the value follows from the evidence
    hedged: bool  # the evidence carries a hedge cue


@dataclass
class VerifyStats:
    """Counts of what the evidence checks downgraded, and why."""

    findings: int = 0
    kept: int = 0
    unlocated: int = 0  # quote not in the text, even after repair: dropped
    unsupported: int = 0  # value does not follow from the quote: dropped or uncertain
    hedged: int = 0  # "confirmed" with a hedged quote: uncertain
    malformed: int = 0  # items the schema could not read
    triggers_proposed: int = 0
    triggers_kept: int = 0
    repaired: int = 0  # quotes repaired to the exact span

    @property
    def downgraded(self) -> int:
        """Values downgraded by any check."""
        return self.unlocated + self.unsupported + self.hedged

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict (``Extraction.stats``)."""
        return {
            "llm_findings": self.findings,
            "llm_kept": self.kept,
            "downgraded": self.downgraded,
            "downgraded_unlocated": self.unlocated,
            "downgraded_unsupported": self.unsupported,
            "downgraded_hedged": self.hedged,
            "malformed": self.malformed,
            "quotes_repaired": self.repaired,
            "llm_triggers_proposed": self.triggers_proposed,
            "llm_triggers_kept": self.triggers_kept,
        }


def _strict(item: tuple[Any, bool]) -> tuple[Any, bool | None]:
    """Typed values (lexicon names, numbers, enums) are backed or dropped, never half-backed."""
    return item if item[1] else (item[0], None)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w%$.]+", " ", text.lower().replace("’", "'"))).strip(" .")


@lru_cache(maxsize=64)
def _phrases(items: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for phrase in sorted(set(items), key=len, reverse=True):
        escaped = re.escape(phrase).replace(r"\ ", r"\s+")
        head = r"(?<!\w)" if phrase[:1].isalnum() else ""
        tail = r"(?!\w)" if phrase[-1:].isalnum() else ""
        parts.append(f"{head}{escaped}{tail}")
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


def phrases(items: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """Cue phrases as one case-insensitive, word-bounded pattern (cached)."""
    return _phrases(tuple(items))


def _mentions(lexicon: Lexicon, text: str) -> list[tuple[LexiconEntry, int, int]]:
    """Lexicon entries spelled in ``text`` (a context-only spelling needs a context word there)."""
    compiled = compile_lexicon(lexicon)
    found = compiled.scan(text)
    anchored = any(not needs for *_, needs in found)
    has_context = anchored or bool(compiled.context and compiled.context.search(text))
    return [(entry, start, end) for start, end, entry, needs in found if has_context or not needs]


class Verifier:
    """Verifies findings and proposed triggers against one document's (masked) text."""

    def __init__(
        self,
        text: str,
        bundle: PolicyBundle,
        *,
        sellers: set[str] | frozenset[str] = frozenset(),
        company: str | None = None,
    ) -> None:
        """``sellers``: lower-cased names of Omni people and partner reps (never the customer's contact,
        buyer or champion); ``company``: the customer's company as the rules found it."""
        self.text = text
        self.bundle = bundle
        self.sellers = {name.lower() for name in sellers}
        self.company = company
        cues = bundle.cues
        self.hedges = phrases(cues.hedges)
        # "Processor: TBD" / "Proc: ?" - an unknown value right after a label
        self.unknown_value = re.compile(
            r":\s*(?:"
            + "|".join(re.escape(value) for value in sorted(cues.unknown_values, key=len, reverse=True))
            + r")(?!\w)",
            re.IGNORECASE,
        )
        self.negations = phrases([*cues.negations_before, *cues.past_markers])
        # "kiosks: no", "Kiosks? Nah." - a negative answer right after the mention
        self.negations_after = phrases([*cues.negations_after, *cues.negative_answers])
        self.not_negations = phrases(cues.not_negations)
        self.stats = VerifyStats()

    # -- quotes -----------------------------------------------------------------------------
    def locate(self, quote: str) -> tuple[int, int] | None:
        """``(start, end)`` of ``quote`` in the text, tolerant of whitespace; ``None`` when absent."""
        span = locate_quote(quote, self.text)
        if span and self.text[span[0] : span[1]] != quote:
            self.stats.repaired += 1
        return span

    def _line(self, start: int, end: int) -> str:
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", end)
        return self.text[line_start : line_end if line_end >= 0 else len(self.text)]

    def is_hedged(self, evidence: str) -> bool:
        """True when the quote hedges (policy cue lists)."""
        return self.hedges.search(evidence) is not None or self.unknown_value.search(evidence) is not None

    def negated(self, text: str, start: int, end: int) -> bool:
        """True when the mention at ``start:end`` is negated around it."""
        before = text[max(0, start - 40) : start]
        cut = max(before.rfind(ch) for ch in ".;!?,\n")
        before = before[cut + 1 :]
        around = before + text[start : start + 15]  # "not sure", "not only" may run into the mention
        harmless = [(m.start(), m.end()) for m in self.not_negations.finditer(around)]
        for match in self.negations.finditer(before):
            if not any(a <= match.start() < b for a, b in harmless):
                return True
        after = text[end : end + 25]
        sep = re.match(r"\s*[:\-–—?]\s*", after)
        return bool(sep and self.negations_after.search(after[sep.end() :][:15]))

    # -- findings ---------------------------------------------------------------------------
    def finding(self, item: Finding) -> list[Candidate]:
        """The candidates a model finding supports once its quote and value are checked."""
        self.stats.findings += 1
        span = self.locate(item.quote)
        if span is None:
            self.stats.unlocated += 1
            return []
        start, end = span
        evidence = self.text[start:end]
        hedged = self.is_hedged(evidence)
        status = FieldStatus(item.status)
        if status is FieldStatus.CONFIRMED and hedged:
            status = FieldStatus.UNCERTAIN
            self.stats.hedged += 1
        out: list[Candidate] = []
        for value, supported in self._values(item.field, item.value, start, end):
            if supported is not True:
                self.stats.unsupported += 1
                if supported is None:  # not backed at all, or the wrong kind of value: dropped
                    continue
                # partly backed free text: kept, but only as uncertain
                out.append(
                    Candidate(item.field, value, FieldStatus.UNCERTAIN, evidence, start, end, False, hedged)
                )
                continue
            out.append(Candidate(item.field, value, status, evidence, start, end, True, hedged))
        self.stats.kept += sum(1 for c in out if c.supported)
        return out

    def _values(self, name: str, value: str, start: int, end: int) -> list[tuple[Any, bool | None]]:
        """Each value with True (backed by the quote), False (not backed) or None (wrong kind of value)."""
        evidence = self.text[start:end]
        value = value.strip().strip("\"'")
        if name in LEXICON_KINDS:
            return [_strict(item) for item in self._lexicon_values(name, value, start, end)]
        if name == "device_count":
            return [_strict(self._device_count(value, evidence))]
        if name == "discount_requested_pct":
            return [_strict(self._discount(value, evidence))]
        if name == "segment":
            return [_strict(self._segment(value, evidence))]
        if name == "deal_source":
            return [_strict(self._deal_source(value, evidence))]
        if not self._fits_field(name, value, evidence):
            return [(value, None)]
        return [(value, self._text_supported(name, value, evidence))]

    def _fits_field(self, name: str, value: str, evidence: str) -> bool:
        """Free text of the right kind: a person is not the company or someone at Omni; cues present."""
        if name in PERSON_FIELDS or name == "contact_role":
            words = set(re.findall(r"[a-z][a-z'’\-]+", value.lower()))
            if words & (self.sellers | {"omni", "sdr"}):
                return False  # someone at Omni or the partner rep, not the customer
            if (
                name != "contact_role"
                and self.company
                and _norm(value)
                in (
                    _norm(self.company),
                    _norm(self.company).split(" ")[0],
                )
            ):
                return False
        if name == "requested_responsibilities":
            # the acts layer reads the quote: an ask aimed at Omni, or another party's work asked of it
            reading = read_quote(self.bundle, evidence)
            return reading.asks or reading.work is not None
        cue = _FIELD_CUES.get(name)
        return cue is None or bool(cue.search(evidence))

    def _lexicon_values(self, name: str, value: str, start: int, end: int) -> list[tuple[Any, bool]]:
        """Every lexicon entry the value names, each backed by a mention in the quote (not negated)."""
        lexicon = self.bundle.lexicons.get(LEXICON_KINDS[name])
        evidence = self.text[start:end]
        if lexicon is None:
            return [(value, False)]
        named: list[tuple[str, LexiconEntry | None]] = [
            (value, entry) for entry in self._entries(lexicon, value)
        ]
        if not named:
            for part in (p.strip() for p in _SPLIT.split(value) if p.strip()):
                entries = self._entries(lexicon, part)
                if entries:
                    named.extend((part, entry) for entry in entries)
                else:
                    named.append((part, None))
        line = self._line(start, end)
        offset = start - (self.text.rfind("\n", 0, start) + 1)
        # the evidence's whole line gives context ("Processor? ... Chase.")
        mentions = [
            found.name
            for found, m_start, m_end in _mentions(lexicon, line)
            if offset <= m_start < offset + len(evidence) and not self.negated(line, m_start, m_end)
        ]
        out: list[tuple[Any, bool]] = []
        for part, entry in named:
            if entry is not None:
                if all(entry.name != done for done, _ in out):
                    out.append((entry.name, entry.name in mentions))
                continue
            if name == "terminal_models" and re.search(r"\d", part):
                match = re.search(rf"(?<![\w/]){re.escape(part)}(?![\w/])", evidence, re.IGNORECASE)
                if match and not self.negated(evidence, match.start(), match.end()):
                    out.append((match.group(), True))
                    continue
            out.append((part, False))
        return out

    @staticmethod
    def _entries(lexicon: Lexicon, value: str) -> list[LexiconEntry]:
        """The lexicon entries a model value names: by name or spelling, by mentions, or a close spelling."""
        wanted = value.strip().lower().replace("-", " ")
        keys = {wanted, wanted.replace(" ", "_"), value.strip().lower()}
        for entry in lexicon.entries:
            if entry.name.lower() in keys or any(alias.lower() in keys for alias, _ in entry.spellings()):
                return [entry]
        found: list[LexiconEntry] = []
        for _, _, entry, _ in compile_lexicon(lexicon).scan(value):
            if entry not in found:
                found.append(entry)
        if found:
            return found
        best: tuple[float, LexiconEntry | None] = (0.0, None)
        for entry in lexicon.entries:
            for alias, _ in entry.spellings():
                score = fuzz.ratio(wanted, alias.lower())
                if score > best[0]:
                    best = (score, entry)
        return [best[1]] if best[1] is not None and best[0] >= 90 else []

    @staticmethod
    def _number(value: str) -> float | None:
        found = find_percentages(value) or find_numbers(value)
        if found:
            return found[0].value
        return parse_number(value.rstrip("%").strip())

    def _device_count(self, value: str, evidence: str) -> tuple[Any, bool]:
        """A count of devices in the quote, or a product / total of them ("40 stores x 3 lanes" = 120)."""
        number = self._number(value)
        if number is None or number <= 0 or number != int(number):
            return value, False
        devices: list[float] = []
        sites: list[float] = []
        money = find_money(evidence)
        for match in find_numbers(evidence):
            if (
                _NOT_DEVICES.match(evidence, match.end)
                or evidence[max(0, match.start - 1) : match.start] == "$"
            ):
                continue
            if any(m.start <= match.start < m.end for m in money):
                continue
            (sites if _SITES.match(evidence, match.end) else devices).append(match.value)
        ok = number in devices
        if not ok and devices:
            factors = devices + sites
            products = {a * b for i, a in enumerate(factors) for b in factors[i + 1 :]}
            ok = number in products or (len(devices) > 1 and number == sum(devices))
        return int(number), ok

    def _discount(self, value: str, evidence: str) -> tuple[Any, bool]:
        number = self._number(value)
        if number is None or not 0 < number <= 100:
            return value, False
        found = [m.value for m in find_percentages(evidence)]
        if _DISCOUNT_WORDS.search(evidence):
            found += [m.value for m in find_numbers(evidence)]
        return number, any(abs(number - other) < 0.06 for other in found)

    def _segment(self, value: str, evidence: str) -> tuple[Any, bool]:
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        key = {"midmarket": "mid_market", "mid": "mid_market", "small_business": "smb", "small": "smb"}.get(
            key, key
        )
        if key not in _SEGMENT_WORDS:
            return value, False
        if _SEGMENT_WORDS[key].search(evidence):
            return key, True
        seg = self.bundle.policy.segments
        implied: set[str] = set()
        for match in find_numbers(evidence):
            if _HEADCOUNT.match(evidence, match.end):
                employees = match.value
                implied.add(
                    "enterprise"
                    if employees >= seg.enterprise_min_employees
                    else "mid_market"
                    if employees >= seg.mid_market_min_employees
                    else "smb"
                )
        for match in find_money(evidence):
            implied.add(
                "enterprise"
                if match.value >= seg.enterprise_min_deal_usd
                else "mid_market"
                if match.value >= seg.mid_market_min_deal_usd
                else "smb"
            )
        return key, key in implied

    @staticmethod
    def _deal_source(value: str, evidence: str) -> tuple[Any, bool]:
        lowered = value.strip().lower().replace("-", "_").replace(" ", "_")
        if lowered not in _DEAL_SOURCE_CUES:
            if re.search(r"rep|partner|referr|external|reseller", lowered):
                lowered = "external_rep"
            elif re.search(r"inbound|web|demo|form", lowered):
                lowered = "inbound"
            elif re.search(r"leader|exec|ceo", lowered):
                lowered = "leadership"
            else:
                return value, False
        return lowered, bool(_DEAL_SOURCE_CUES[lowered].search(evidence))

    @staticmethod
    def _text_supported(name: str, value: str, evidence: str) -> bool | None:
        """True: (nearly) in the quote; False: partly there (kept as uncertain); None: not there at all."""
        wanted, have = _norm(value), _norm(evidence)
        if not wanted:
            return None
        if wanted in have:
            return True
        score = fuzz.partial_ratio(wanted, have)
        words = [w for w in wanted.split() if len(w) >= 3 and w not in _STOPWORDS]
        have_words = [h for h in have.split() if len(h) >= 3]
        covered = sum(1 for w in words if any(h.startswith(w[:5]) or w.startswith(h[:5]) for h in have_words))
        coverage = covered / len(words) if words else 0.0
        numbers_ok = all(number in evidence for number in re.findall(r"\d+", value))
        if numbers_ok and (
            score >= (90 if name in NAME_FIELDS else 88) or (name not in NAME_FIELDS and coverage >= 0.6)
        ):
            return True
        return False if coverage >= 0.4 or score >= 75 else None

    # -- triggers ---------------------------------------------------------------------------
    def trigger(self, item: ProposedTrigger) -> Trigger | None:
        """A model-proposed trigger with verified evidence and a cue for its id, else ``None``."""
        from .triggers import check_trigger

        return check_trigger(self, item)

    def mentions(self, kind: str, text: str) -> list[tuple[LexiconEntry, int, int]]:
        """Lexicon entries of ``kind`` mentioned in ``text`` with their offsets."""
        lexicon = self.bundle.lexicons.get(kind)
        return _mentions(lexicon, text) if lexicon else []
