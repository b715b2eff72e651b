"""Triggers the model proposes: kept only with a verified quote that shows a cue for the trigger.

The deterministic checks (:mod:`assistant.checks`) raise triggers on their own;
a model proposal can only add one they missed, and only when its quote is in
the text and carries the kind of cue the trigger is about (a high-risk use
case, a percentage above the guardrail, a hedge about the processor...).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...schema import Trigger
from ..rules.numbers import find_percentages

if TYPE_CHECKING:
    from .schema import ProposedTrigger
    from .verify import Verifier

from .verify import phrases

__all__ = ["check_trigger", "trigger_detail"]

_PRICING_EXCEPTION = re.compile(
    r"\bfree\b|waive|no charge|at no cost|no cost|price[\s\-]match|match (?:their|the|a|that) price"
    r"|fixed[\s\-](?:price|fee|bid)|flat[\s\-]fee|\bcomp(?:ed)?\b|throw (?:it |that )?in|on the house",
    re.IGNORECASE,
)
_PROCESSOR_WORDS = re.compile(
    r"processor|acquir|processing|\bhost\b|merchant (?:account|bank|services)", re.IGNORECASE
)
_TOOLING_WORDS = re.compile(r"tool|\bkits?\b|harness|simulator|test (?:cards?|suite|scripts?)", re.IGNORECASE)
_NON_STANDARD = re.compile(
    r"in[\s\-]house|custom|home[\s\-]?(?:grown|made|built)|non[\s\-]?standard|our own|built (?:it )?ourselves"
    r"|proprietary|bespoke",
    re.IGNORECASE,
)
_COMMITMENT = re.compile(
    r"promis|guarantee|commit|assur|told (?:us|them|me|the customer)|said (?:you|we|they|he|she) (?:could|would|can|will)"
    r"|locked in|we(?:'ll|’ll| will) (?:have|get) you|you(?:'ll|’ll| will) be (?:certified|live|done)"
    r"|\bby (?:q[1-4]|end of|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|can (?:do|give you) \d",
    re.IGNORECASE,
)
_NO_COMMITMENT = re.compile(
    r"(?:can(?:'t|’t|not|t| not)|won(?:'t|’t|t)|not(?: able to)?|never|unable to|no way (?:i|we) can)\s+"
    r"(?:\w+\s+)?(?:commit|promise|guarantee)|\bno (?:promises|commitments?|guarantees?)\b",
    re.IGNORECASE,
)


_COMMITTED_TO = re.compile(
    r"\d\s?%|percent|discount|price|pricing|\$|\bfree\b|waive|certif|go[\s\-]?live|\blive\b|launch|\bdate|deadline"
    r"|\bby (?:q[1-4]|end|mid|early|late|next|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\bq[1-4]\b|scope"
    r"|timeline|\bweeks?\b|\bmonths?\b|\bdays?\b|include|handle|take care",
    re.IGNORECASE,
)


def check_trigger(verifier: Verifier, item: ProposedTrigger) -> Trigger | None:
    """The proposed trigger as a :class:`Trigger` routed by policy, or ``None`` when not backed."""
    verifier.stats.triggers_proposed += 1
    span = verifier.locate(item.quote)
    if span is None:
        return None
    evidence = verifier.text[span[0] : span[1]]
    detail = trigger_detail(verifier, item.id, evidence)
    if detail is None:
        return None
    rule = verifier.bundle.policy.triggers[item.id]
    verifier.stats.triggers_kept += 1
    return Trigger(
        id=item.id,
        route_to=list(rule.route_to),
        reason=rule.reason.replace("{detail}", detail),
        evidence=[evidence],
        source="llm",
    )


def trigger_detail(verifier: Verifier, trigger_id: str, evidence: str) -> str | None:
    """What the evidence shows for ``trigger_id`` (used in the reason), or ``None``."""
    bundle = verifier.bundle
    if trigger_id == "high_risk_use_case":
        risky = set(bundle.policy.high_risk_use_cases)
        for entry, start, end in verifier.mentions("use_case", evidence):
            if entry.name in risky and not verifier.negated(evidence, start, end):
                return entry.name.replace("_", " ")
        return None
    if trigger_id == "discount_outside_guardrails":
        over = [m.value for m in find_percentages(evidence) if m.value > bundle.policy.discount_guardrail_pct]
        if over:
            return f"{max(over):g}% discount"
        match = _PRICING_EXCEPTION.search(evidence)
        return f"pricing exception: {match.group().lower()}" if match else None
    if trigger_id == "processor_unknown":
        mentioned = bool(verifier.mentions("processor", evidence)) or bool(_PROCESSOR_WORDS.search(evidence))
        return "processor not confirmed" if mentioned and verifier.is_hedged(evidence) else None
    if trigger_id == "tooling_unclear":
        found = verifier.mentions("tooling", evidence)
        if any(not entry.standard for entry, _, _ in found):
            return "non-standard tooling"
        toolish = bool(found) or bool(_TOOLING_WORDS.search(evidence))
        unclear = verifier.is_hedged(evidence) or bool(_NON_STANDARD.search(evidence))
        return "tooling unclear" if toolish and unclear else None
    if trigger_id == "responsibility_transfer":
        match = phrases([p for owner in bundle.responsibilities for p in owner.phrases]).search(evidence)
        if not match:
            return None
        phrase = match.group().lower()
        for owner in bundle.responsibilities:
            if any(p.lower() == phrase for p in owner.phrases):
                return owner.label
        return phrase
    if trigger_id == "unapproved_commitment":
        if _NO_COMMITMENT.search(evidence):
            return None
        # "as promised, here are my notes" is no commitment: it must be about price, dates or scope
        committed = _COMMITMENT.search(evidence) and _COMMITTED_TO.search(evidence)
        return "a promise to the customer" if committed else None
    return None
