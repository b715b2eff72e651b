"""The customer's company: labels, attendee affiliations, subject lines, "X is a ... chain"."""

from __future__ import annotations

import re
from collections import Counter

from ...schema import Field, FieldStatus
from ...text import CUSTOMER, OMNI
from .context import Context, build_field
from .names import excluded_names, first_line_with

__all__ = ["extract_company"]

_NAME = r"[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z0-9][\w&'’.\-]*|&|of|and|the|de|du))*"
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
_AT_COMPANY = re.compile(rf"\b(?:at|from|with|over\s+at|here\s+at|for)\s+(?P<n>{_NAME})")


_NOT_A_NAME = re.compile(
    r"\b(?:we|we're|our|i|i'm|they|their|you|is|are|was|have|has|will|would|can|about|in|on)\b", re.I
)


def _clean_company(raw: str, excluded: set[str]) -> str | None:
    name = re.split(r"\s*(?:\(|\[|\s[-–—|/]\s|,|;|:|\bvia\b|\bfrom\b)", raw.strip(), maxsplit=1)[0].strip(
        " .'\""
    )
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
    for sentence in ctx.doc.sentences:
        for match in _IS_A.finditer(sentence.text):
            add(_clean_company(match.group("n"), excluded), 2, ctx.quote_sentence(sentence))
        if sentence.role in (CUSTOMER,) and re.search(r"\b(?:i|i'm|we|our)\b", sentence.text, re.IGNORECASE):
            for match in _AT_COMPANY.finditer(sentence.text):
                add(_clean_company(match.group("n"), excluded), 1, ctx.quote_sentence(sentence))
    if not scores:
        return Field()
    for short in list(scores):
        for longer in scores:
            if longer != short and longer.startswith(short + " "):
                scores[longer] += scores[short]  # "Kestrel" and "Kestrel Parking" are one company
    best = max(scores, key=lambda name: (scores[name], len(name)))
    return build_field(best, FieldStatus.CONFIRMED, [evidence[best]])
