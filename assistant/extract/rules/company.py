"""The customer's company: labels, attendee affiliations, subject lines, "X is a ... chain"."""

from __future__ import annotations

import re
from collections import Counter

from ...schema import Field, FieldStatus
from ...text import CUSTOMER, OMNI, REP, UNKNOWN
from ..validate import valid_company
from .context import Context, build_field
from .names import excluded_names, first_line_with

__all__ = ["extract_company"]

# at most seven words (a longer run is no company name; bounded so every pass stays linear)
_NAME = r"[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z0-9][\w&'’.\-]*|&|of|and|the|de|du)){0,6}"
_SUBJECT_PAIR = re.compile(
    rf"(?P<a>{_NAME})\s*(?:<>|<->|↔|\bx\b|×|\+)\s*Omni\b|\bOmni\s*(?:<>|<->|↔|\bx\b|×|\+|/)\s*(?P<b>{_NAME})"
)
_INTRO_HEAD = re.compile(
    rf"\b(?i:intro(?:duction)?|re|fw|fwd|referral|opportunity|opp|deal|lead|notes|recap|prospect|account|call|discovery|meeting|validation|sync|demo|kickoff|kick-off|transcript)\s*[:\-–—|]+\s*(?P<c>{_NAME})"
)
# a note that opens with the account: "CivicPark -- parking op", "Northbay Fresh Market - grocer, Ontario"
_LEAD_LINE = re.compile(rf"^\s*(?P<n>{_NAME})\s*(?:--|-|–|—|:|\|)\s*(?:[a-z]|ISV|QSR|SMB|US\b|UK\b)")
_IS_A = re.compile(
    rf"(?P<n>{_NAME})\s+(?:is|are)\s+(?:a|an|the)\s+(?:[\w\-]+\s+){{0,4}}?(?:chain|operator|retailer|isv|provider|company|"
    r"network|agency|brand|group|franchise|franchisee|merchant|startup|grocer|restaurant|qsr|authority|district|"
    r"platform|business|client|customer|prospect|fintech|bank|hospital|university|airline|cinema|venue)\b"
)
# the customer naming itself: "We're the Rook & Raven Pub Company, 85 managed pubs"
_WE_ARE = re.compile(
    r"\b(?i:we're|we are|we’re)\s+(?:the\s+)?(?P<n>[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z0-9&][\w&'’.\-]*|of|and)){1,5})"
)
_AT_COMPANY = re.compile(rf"\b(?:at|from|with|over\s+at|here\s+at|for)\s+(?P<n>{_NAME})")


_NOT_A_NAME = re.compile(
    r"\b(?:we|we're|our|i|i'm|they|their|you|is|are|was|have|has|will|would|can|about|in|on)\b", re.I
)


_TITLE_SPLIT = re.compile(r"(?<!\s)\s++(?:-{1,2}|–|—|\||/|<>|<->|x|×|\+|&&|w/)\s+|:\s+")
_GENERIC_TITLE = re.compile(
    r"\b(?:omni|fastflex|call|intro|introduction|discovery|transcript|recording|notes?|validation|scope|meeting|sync|"
    r"demo|kick-?off|deep\s+dive|summary|update|questionnaire|recap|follow-?up|thread|chat|export|gong|chorus|teams|"
    r"zoom|otter|webvtt|session|workshop|review|handover|hand-off|pipeline|weekly|fw|fwd|re|introduction|log|crm|activity|dictated|voice|memo|via)\b",
    re.IGNORECASE,
)
_TITLE_AT = re.compile(
    rf"\b(?:head|director|manager|vp|lead|chief|officer|owner|founder|engineer|architect|controller|cfo|cto|ceo|coo)\b"
    rf"[^.,;\n]{{0,40}}?\b(?:at|for|with)\s+(?P<n>{_NAME})",
    re.IGNORECASE,
)
_IS_A_HINT = re.compile(r"\b(?:is|are)\s+(?:a|an|the)\b", re.IGNORECASE)
_MET_AT = re.compile(
    rf"\b(?:met|meeting|call|spoke|talked|chatted)\s+(?:with\s+)?(?:the\s+)?(?:guys|team|folks|people|owners?|crew)?\s*"
    rf"(?:at|from|over\s+at)\s+(?P<n>{_NAME})",
    re.IGNORECASE,
)
_NAME_INDUSTRY = re.compile(
    rf"(?P<n>{_NAME})\s*\((?:[^)]{{0,80}}?\b(?:charging|retail|retailer|grocer|grocery|restaurants?|qsr|isv|chain|parking|transit|"
    rf"hotels?|hospitality|vending|fuel|operator|c-store|pharmacy|clinics?|stadium|venue|casino|theme\s+park)\b[^)]{{0,80}})\)",
    re.IGNORECASE,
)
_COMPANY_QUESTION = re.compile(r"\b(?:company|business|organi[sz]ation|who\s+are\s+you)\b", re.IGNORECASE)


def _clean_company(raw: str, excluded: set[str]) -> str | None:
    name = re.split(r"\s*(?:\(|\[|\s[-–—|/]\s|,|;|:|\bvia\b|\bfrom\b)", raw.strip(), maxsplit=1)[0].strip(
        " '\""
    )
    if not re.search(r"\b(?:Co|Inc|Ltd|Corp|Pty)\.$", name):
        name = name.strip(" .")  # "Northern Leaf Cannabis Co." keeps its full stop
    words = name.split()
    while words and (
        words[-1].lower() in {"of", "and", "the", "&", "de", "du", "inc", "inc."} and len(words) > 1
    ):
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
    excluded = excluded_names(ctx)
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
                add(
                    _clean_company(ctx.doc.text[span[0] : span[1]], excluded), 6, ctx.quote_sentence(sentence)
                )
    for info in ctx.doc.speakers.values():
        if info.role == CUSTOMER and info.affiliation:
            name = _clean_company(info.affiliation, excluded)
            add(name, 3, first_line_with(ctx, info.affiliation) if name else None)
    for sentence in ctx.doc.sentences[:12]:
        for match in _SUBJECT_PAIR.finditer(sentence.text):
            add(
                _clean_company(match.group("a") or match.group("b"), excluded),
                5,
                ctx.quote_sentence(sentence),
            )
        if sentence.header or sentence.index < 3:
            for match in _INTRO_HEAD.finditer(sentence.text):
                add(_clean_company(match.group("c"), excluded), 4, ctx.quote_sentence(sentence))
        if sentence.index < 8 and sentence.role not in (CUSTOMER, OMNI):
            lead = _LEAD_LINE.match(sentence.text)
            if lead:
                add(_clean_company(lead.group("n"), excluded), 3, ctx.quote_sentence(sentence))
    title = next((s for s in ctx.doc.sentences[:3] if s.speaker is None and not s.label), None)
    if title is not None:
        # a title line: "Coastline Adventure Parks - FastFlex intro call", "Greyfield / Omni intro"
        for part in _TITLE_SPLIT.split(title.text.strip(' "[]')):
            if not _GENERIC_TITLE.search(part) and not re.search(r"\bpartners?\b", part, re.IGNORECASE):
                add(_clean_company(part, excluded), 3, ctx.quote_sentence(title))
    for sentence in ctx.doc.sentences:
        relayed = not ctx.assessor.conversation and sentence.role in (UNKNOWN, REP, OMNI)
        if sentence.role == CUSTOMER or relayed or (sentence.role == UNKNOWN and sentence.index < 20):
            for pattern in (_TITLE_AT, _MET_AT, _NAME_INDUSTRY):
                if pattern is _NAME_INDUSTRY and "(" not in sentence.text:
                    continue  # the expensive pattern only where it can match
                for match in pattern.finditer(sentence.text):
                    add(_clean_company(match.group("n"), excluded), 2, ctx.quote_sentence(sentence))
        previous = ctx.doc.sentences[sentence.index - 1] if sentence.index else None
        if previous is not None and previous.is_question and _COMPANY_QUESTION.search(previous.text):
            answer = re.match(rf"\s*(?:A:\s*)?(?:We're\s+|We\s+are\s+|It's\s+)?(?P<n>{_NAME})", sentence.text)
            if answer:
                add(_clean_company(answer.group("n"), excluded), 4, ctx.quote_sentence(sentence))
        if _IS_A_HINT.search(sentence.text):
            for match in _IS_A.finditer(sentence.text):
                add(_clean_company(match.group("n"), excluded), 2, ctx.quote_sentence(sentence))
        if (
            sentence.role in (CUSTOMER, UNKNOWN)
            and not sentence.about_seller
            and "we" in sentence.text.lower()
        ):
            for match in _WE_ARE.finditer(sentence.text):
                if not match.group("n").isupper():  # "WE'RE HAPPY TO KEEP THEM": shouting, not a name
                    add(_clean_company(match.group("n"), excluded), 5, ctx.quote_sentence(sentence))
        if sentence.role in (CUSTOMER,) and re.search(r"\b(?:i|i'm|we|our)\b", sentence.text, re.IGNORECASE):
            for match in _AT_COMPANY.finditer(sentence.text):
                add(_clean_company(match.group("n"), excluded), 1, ctx.quote_sentence(sentence))
    customer_org = ctx.doc.participants.customer_org
    if customer_org:
        add(
            _clean_company(customer_org, excluded - {customer_org.lower()}),
            8,
            first_line_with(ctx, customer_org),
        )
    if not scores:
        return Field()
    for short in list(scores):
        for longer in scores:
            if longer != short and longer.startswith(short + " "):
                scores[longer] += scores[short]  # "Kestrel" and "Kestrel Parking" are one company
    ranked = sorted(scores, key=lambda name: (scores[name], len(name)), reverse=True)
    best = next((name for name in ranked if valid_company(name, ctx.doc, ctx.bundle)), None)
    if best is None:
        return Field()
    return build_field(best, FieldStatus.CONFIRMED, [evidence[best]])
