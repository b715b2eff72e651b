"""Who the deal is with: company, contact and role, deal source, segment, economic buyer, champion."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ...schema import Field, FieldStatus
from ...text import CUSTOMER, OMNI, REP, Sentence
from .context import Context, build_field
from .numbers import NUMBER, find_money, parse_number

__all__ = [
    "extract_champion",
    "extract_company",
    "extract_contact",
    "extract_deal_source",
    "extract_economic_buyer",
    "extract_segment",
]

_NAME = r"[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z0-9][\w&'’.\-]*|&|of|and|the|de|du))*"
_SUBJECT_PAIR = re.compile(
    rf"(?P<a>{_NAME})\s*(?:<>|<->|↔|\bx\b|×|\+)\s*Omni\b|\bOmni\s*(?:<>|<->|↔|\bx\b|×|\+|/)\s*(?P<b>{_NAME})"
)
_INTRO_HEAD = re.compile(
    rf"\b(?i:intro(?:duction)?|re|fw|fwd|referral|opportunity|opp|deal|lead|notes|recap|prospect|account)\s*[:\-–—]+\s*(?P<c>{_NAME})"
)
# a note that opens with the account: "CivicPark -- parking op", "Northbay Fresh Market - grocer, Ontario"
_LEAD_LINE = re.compile(rf"^\s*(?P<n>{_NAME})\s*(?:--|-|–|—|:|\|)\s*(?:[a-z]|ISV|QSR|SMB|US\b|UK\b)")
_IS_A = re.compile(
    rf"(?P<n>{_NAME})\s+(?:is|are)\s+(?:a|an|the)\s+(?:[\w\-]+\s+){{0,4}}?(?:chain|operator|retailer|isv|provider|company|"
    r"network|agency|brand|group|franchise|franchisee|merchant|startup|grocer|restaurant|qsr|authority|district|"
    r"platform|business|client|customer|prospect|fintech|bank|hospital|university|airline|cinema|venue)\b"
)
_AT_COMPANY = re.compile(rf"\b(?:at|from|with|over\s+at|here\s+at|for)\s+(?P<n>{_NAME})")
_STOP_NAMES = frozenset(
    ["i", "we", "you", "they", "he", "she", "it", "the", "a", "an", "hi", "hello", "hey", "thanks", "thank", "ok", "okay", "yes", "no", "so", "and", "but", "or", "also", "just", "well", "omni", "fastflex", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "q1", "q2", "q3", "q4", "emv", "pci", "l1", "l2", "l3", "nfc", "pos", "api", "sdk", "sow", "nda", "rfp", "usd", "this", "that", "these", "those", "our", "their", "my", "your", "let", "sure", "great", "cool", "right", "good", "morning", "afternoon", "evening", "team", "all", "everyone", "folks", "guys", "re", "fw", "fwd", "subject", "intro", "customer", "client", "prospect", "merchant", "partner", "rep", "sdr", "sme", "pm", "notes", "next", "action", "attendees", "us", "uk", "eu", "canada", "visa", "mastercard", "amex", "discover"]
)
_COUNT_NOUNS = r"(?:employees|emps|staff|people|ppl|ftes?|headcount|heads|team\s+members|associates|workers|person\s+company)"


def _first_line_with(ctx: Context, needle: str) -> str | None:
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


def _lexicon_names(ctx: Context) -> frozenset[str]:
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


def _excluded_names(ctx: Context) -> set[str]:
    names = set(_STOP_NAMES) | _lexicon_names(ctx)
    for info in ctx.doc.speakers.values():
        names.add(info.name.lower())
        names.update(part.lower() for part in info.name.split())
    return names


_NOT_A_NAME = re.compile(r"\b(?:we|we're|our|i|i'm|they|their|you|is|are|was|have|has|will|would|can|about|in|on)\b", re.I)


def _clean_company(raw: str, excluded: set[str]) -> str | None:
    name = re.split(r"\s*(?:\(|\[|\s[-–—|/]\s|,|;|:|\bvia\b|\bfrom\b)", raw.strip(), maxsplit=1)[0].strip(" .'\"")
    words = name.split()
    while words and (words[-1].lower() in {"of", "and", "the", "&", "de", "du", "inc", "inc."} and len(words) > 1):
        if words[-1].lower() in {"inc", "inc."}:
            break
        words.pop()
    while words and words[0].lower() in {"the", "re", "fw", "fwd"}:
        words.pop(0)
    name = " ".join(words)
    if not name or name.lower() in excluded or len(name) < 2 or len(name) > 60:
        return None
    if not name[0].isupper() or _NOT_A_NAME.search(name) or len(name.split()) > 6:
        return None  # "Customer: we process with First Data" is a speaker, not a company
    if all(word.lower() in excluded for word in words):
        return None
    return name


def extract_company(ctx: Context) -> Field:
    excluded = _excluded_names(ctx)
    scores: Counter[str] = Counter()
    evidence: dict[str, str] = {}

    def add(name: str | None, score: int, quote: str | None) -> None:
        if name and quote and name in quote:
            scores[name] += score
            evidence.setdefault(name, quote)

    for sentence in ctx.doc.sentences:
        if ctx.label_field(sentence) == "company":
            span = ctx.label_value(sentence)
            if span and not ctx.assessor.value_is_unknown(ctx.doc.text[span[0] : span[1]]):
                add(_clean_company(ctx.doc.text[span[0] : span[1]], excluded), 6, ctx.quote_sentence(sentence))
    for info in ctx.doc.speakers.values():
        if info.role == CUSTOMER and info.affiliation:
            name = _clean_company(info.affiliation, excluded)
            add(name, 3, _first_line_with(ctx, info.affiliation) if name else None)
    for sentence in ctx.doc.sentences[:12]:
        for match in _SUBJECT_PAIR.finditer(sentence.text):
            add(_clean_company(match.group("a") or match.group("b"), excluded), 5, ctx.quote_sentence(sentence))
        if sentence.header or sentence.index < 3:
            for match in _INTRO_HEAD.finditer(sentence.text):
                add(_clean_company(match.group("c"), excluded), 4, ctx.quote_sentence(sentence))
        if sentence.index < 8 and sentence.role not in (CUSTOMER, OMNI):
            lead = _LEAD_LINE.match(sentence.text)
            if lead:
                add(_clean_company(lead.group("n"), excluded), 3, ctx.quote_sentence(sentence))
    for sentence in ctx.doc.sentences:
        for match in _IS_A.finditer(sentence.text):
            add(_clean_company(match.group("n"), excluded), 2, ctx.quote_sentence(sentence))
        if sentence.role in (CUSTOMER,) and re.search(r"\b(?:i|i'm|we|our)\b", sentence.text, re.IGNORECASE):
            for match in _AT_COMPANY.finditer(sentence.text):
                add(_clean_company(match.group("n"), excluded), 1, ctx.quote_sentence(sentence))
    if not scores:
        return Field()
    best = max(scores, key=lambda name: (scores[name], len(name)))
    return build_field(best, FieldStatus.CONFIRMED, [evidence[best]])


def _customer_speakers(ctx: Context) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for sentence in ctx.doc.sentences:
        if sentence.speaker is not None and sentence.role == CUSTOMER:
            counts[sentence.speaker.name] += 1
    return counts.most_common()


def _omni_or_rep_names(ctx: Context) -> set[str]:
    names: set[str] = set()
    for info in ctx.doc.speakers.values():
        if info.role in (OMNI, REP):
            names.add(info.name.lower())
            names.add(info.name.split()[0].lower())
    return names


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...], flags: int = 0) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, flags) for pattern in patterns)


def _label_text(ctx: Context, field_name: str) -> tuple[str, Sentence] | None:
    for sentence in ctx.doc.sentences:
        if ctx.label_field(sentence) == field_name:
            span = ctx.label_value(sentence)
            if span and not ctx.assessor.value_is_unknown(ctx.doc.text[span[0] : span[1]]):
                return ctx.doc.text[span[0] : span[1]].strip(), sentence
    return None


def extract_contact(ctx: Context) -> tuple[Field, Field]:
    """The main customer contact and their title."""
    signals = ctx.bundle.signals.people
    title_re = re.compile(signals.title_regex, re.IGNORECASE)
    blocked = _omni_or_rep_names(ctx)
    name: str | None = None
    quote: str | None = None
    labelled = _label_text(ctx, "contact")
    if labelled:
        text, sentence = labelled
        candidate = re.split(r"\s*(?:\(|,|\s[-–—|/]\s|;)", text, maxsplit=1)[0].strip()
        if candidate and candidate[0].isupper() and len(candidate.split()) <= 4:
            name, quote = candidate, ctx.quote_sentence(sentence)
    if name is None:
        speakers = _customer_speakers(ctx)
        if speakers and speakers[0][0].lower() not in {"customer", "client", "prospect", "a", "buyer", "merchant"}:
            name = speakers[0][0]
            quote = _first_line_with(ctx, name)
    if name is None:
        name_title = re.compile(rf"(?P<who>[A-Z][a-z]+\s+[A-Z][a-z'’\-]+)\s*(?:,|\(|\s[-–—]\s)\s*(?:{signals.title_regex})", re.IGNORECASE)
        patterns = [*_compiled(tuple(signals.contact_regex))[:1], name_title, *_compiled(tuple(signals.contact_regex))[1:]]
        for pattern in patterns:
            for sentence in ctx.doc.sentences:
                if sentence.role in (OMNI,) and sentence.speaker is not None and ctx.assessor.conversation:
                    continue
                match = pattern.search(sentence.text)
                if match and match.group("who")[:1].isupper() and match.group("who").split()[0].lower() not in blocked | _STOP_NAMES:
                    name, quote = match.group("who"), ctx.quote_sentence(sentence)
                    break
            if name:
                break
    if name is None:
        for pattern in _compiled(tuple(signals.contact_regex)):
            for sentence in ctx.doc.sentences:
                match = pattern.search(sentence.text)
                if match and match.group("who").split()[0].lower() not in blocked | _STOP_NAMES:
                    name, quote = match.group("who"), ctx.quote_sentence(sentence)
                    break
            if name:
                break
    if name is None or quote is None:
        return Field(), _role_from_label(ctx, title_re)
    contact = build_field(name, FieldStatus.CONFIRMED, [quote])
    return contact, _contact_role(ctx, name, title_re)


def _role_from_label(ctx: Context, title_re: re.Pattern[str]) -> Field:
    labelled = _label_text(ctx, "contact_role")
    if labelled:
        text, sentence = labelled
        return build_field(text.strip(" ."), FieldStatus.CONFIRMED, [ctx.quote_sentence(sentence)])
    return Field()


def _contact_role(ctx: Context, name: str, title_re: re.Pattern[str]) -> Field:
    info = ctx.doc.speakers.get(name.lower())
    if info and info.job_title:
        quote = _first_line_with(ctx, info.job_title)
        if quote:
            return build_field(info.job_title, FieldStatus.CONFIRMED, [quote])
    labelled = _role_from_label(ctx, title_re)
    if labelled.present:
        return labelled
    first = re.escape(name.split()[0])
    near = re.compile(
        rf"\b{first}(?:\s+[A-Z][\w'’\-]+)?\s*(?:,\s*(?:the\s+|their\s+|our\s+)?|\(\s*|\s[-–—]\s*|\s+is\s+(?:the|their|our)\s+|\s+who\s+is\s+(?:the|their)\s+)"
        rf"(?P<title>{title_re.pattern})",
        re.IGNORECASE,
    )
    for sentence in ctx.doc.sentences:
        match = near.search(sentence.text)
        if match:
            return build_field(match.group("title").strip(" ,"), FieldStatus.CONFIRMED, [ctx.quote_sentence(sentence)])
    for sentence in ctx.doc.sentences:
        if sentence.speaker is not None and sentence.speaker.name == name:
            intro = re.search(rf"\bi(?:'m|’m|\s+am)\s+(?:the\s+|a\s+|an\s+)?(?P<title>{title_re.pattern})", sentence.text, re.IGNORECASE)
            if intro:
                return build_field(intro.group("title").strip(" ,"), FieldStatus.CONFIRMED, [ctx.quote_sentence(sentence)])
    return Field()


def extract_deal_source(ctx: Context) -> Field:
    cues = ctx.bundle.signals.deal_source
    for source in ("leadership", "external_rep", "inbound"):
        phrases = ctx.phrases(getattr(cues, source))
        for sentence in ctx.doc.sentences:
            if phrases.search(sentence.text):
                status = FieldStatus.UNCERTAIN if ctx.assessor.is_hedged_text(sentence.text) else FieldStatus.CONFIRMED
                return build_field(source, status, [ctx.quote_sentence(sentence)])
    for info in ctx.doc.speakers.values():
        if info.role == REP:
            quote = _first_line_with(ctx, info.name)
            if quote:
                return build_field("external_rep", FieldStatus.CONFIRMED, [quote])
    return Field()


def extract_segment(ctx: Context) -> Field:
    cues = ctx.bundle.signals.segment
    thresholds = ctx.bundle.policy.segments
    for segment in ("enterprise", "mid_market", "smb"):
        phrases = ctx.phrases(getattr(cues, segment))
        for sentence in ctx.doc.sentences:
            if sentence.role in (OMNI,) and not re.search(r"\b(?:you|they|their|your)\b", sentence.text, re.I):
                continue
            if phrases.search(sentence.text) and not re.search(r"\bomni\s+enterprise\b", sentence.text, re.I):
                return _segment_field(ctx, segment, sentence)
    headcount = re.compile(rf"(?P<n>{NUMBER})\s*\+?\s*{_COUNT_NOUNS}\b", re.IGNORECASE)
    for sentence in ctx.doc.sentences:
        match = headcount.search(sentence.text)
        if match and not re.search(r"\bon\s+(?:the|this)\s+call\b", sentence.text, re.I):
            count = parse_number(match.group("n"))
            if count:
                segment = (
                    "enterprise" if count >= thresholds.enterprise_min_employees
                    else "mid_market" if count >= thresholds.mid_market_min_employees
                    else "smb"
                )
                return _segment_field(ctx, segment, sentence)
    deal_words = re.compile(r"\b(?:deal|acv|contract|budget|opportunity|annual|arr|tcv|spend)\b", re.IGNORECASE)
    for sentence in ctx.doc.sentences:
        if not deal_words.search(sentence.text):
            continue
        amounts = [m.value for m in find_money(sentence.text)]
        if amounts:
            value = max(amounts)
            segment = (
                "enterprise" if value >= thresholds.enterprise_min_deal_usd
                else "mid_market" if value >= thresholds.mid_market_min_deal_usd
                else "smb"
            )
            return _segment_field(ctx, segment, sentence)
    return Field()


def _segment_field(ctx: Context, segment: str, sentence: Sentence) -> Field:
    status = FieldStatus.UNCERTAIN if ctx.assessor.is_hedged_text(sentence.text) else FieldStatus.CONFIRMED
    return build_field(segment, status, [ctx.quote_sentence(sentence)])


_WHO_HINT = {
    "economic_buyer": re.compile(
        r"sign|budget|\beb\b|final|economic|purse|approve|decision\s+maker|signator", re.IGNORECASE
    ),
    "champion": re.compile(r"champ|advocate|sponsor|\bfan\b|\bally\b|\bcoach\b|pushing|driving|selling", re.I),
}


def _who_field(ctx: Context, field_name: str, patterns: list[str]) -> Field:
    labelled = _label_text(ctx, field_name)
    if labelled:
        text, sentence = labelled
        status = FieldStatus.UNCERTAIN if ctx.assessor.is_hedged_text(text) or "?" in text else FieldStatus.CONFIRMED
        value = text.strip(" .?")
        return build_field(value, status, [ctx.quote_sentence(sentence)])
    blocked = _omni_or_rep_names(ctx)
    hint = _WHO_HINT.get(field_name)
    candidates = [s for s in ctx.doc.sentences if hint is None or hint.search(s.text)]
    for pattern in _compiled(tuple(patterns)):
        for sentence in candidates:
            if sentence.role in (OMNI,) and not re.search(r"\b(?:you|your|they|their)\b", sentence.text, re.I):
                continue
            match = pattern.search(sentence.text)
            if not match:
                continue
            who = _tidy_who(match.group("who"))
            if not who or who.lower() in blocked or who.lower() in _STOP_NAMES or who.lower() == "omni":
                continue
            hedged = ctx.assessor.is_hedged_text(sentence.text) or sentence.is_question
            status = FieldStatus.UNCERTAIN if hedged else FieldStatus.CONFIRMED
            return build_field(who, status, [ctx.quote_sentence(sentence)])
    return Field()


def _tidy_who(raw: str) -> str:
    """"the CFO = Annette Roy" -> "Annette Roy (CFO)"; "our CFO" -> "CFO"."""
    who = re.sub(r"^(?:the|our|their)\s+", "", raw.strip(" ,=:()"), flags=re.IGNORECASE).strip(" ,=:()")
    parts = re.match(r"(?P<title>.+?)\s*[,=:(]?\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z'’\-]+)?)$", who)
    if parts and re.match(r"(?i)(?:cfo|ceo|coo|cto|cio|president|owner|treasurer|controller|vp|svp|head|director)\b", parts.group("title")):
        return f"{parts.group('name')} ({parts.group('title').strip(' ,=:(')})"
    return who


def extract_economic_buyer(ctx: Context) -> Field:
    return _who_field(ctx, "economic_buyer", ctx.bundle.signals.people.economic_buyer_regex)


def extract_champion(ctx: Context) -> Field:
    return _who_field(ctx, "champion", ctx.bundle.signals.people.champion_regex)
