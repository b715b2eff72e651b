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
from ..rules.quote_acts import read_quote

if TYPE_CHECKING:
    from .schema import ProposedTrigger
    from .verify import Verifier


__all__ = ["check_trigger", "trigger_detail"]

_PROCESSOR_WORDS = re.compile(
    r"processor|acquir|processing|\bhost\b|merchant (?:account|bank|services)", re.IGNORECASE
)
_TOOLING_WORDS = re.compile(r"tool|\bkits?\b|harness|simulator|test (?:cards?|suite|scripts?)", re.IGNORECASE)
_NON_STANDARD = re.compile(
    r"in[\s\-]house|custom|home[\s\-]?(?:grown|made|built)|non[\s\-]?standard|our own|built (?:it )?ourselves"
    r"|proprietary|bespoke",
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
        pricing = read_quote(bundle, evidence).pricing
        return f"pricing exception: {pricing}" if pricing else None
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
        # the acts layer's judgement: an ask (or an offer) of another party's work
        reading = read_quote(bundle, evidence)
        if reading.transfer is not None:
            return reading.transfer
        return reading.work.label if reading.work is not None and reading.asks else None
    if trigger_id == "unapproved_commitment":
        # a promise or offer on price, dates or scope, not declined or deferred ("as promised, here are my
        # notes" is no commitment)
        kind = read_quote(bundle, evidence).commitment
        return f"a promise on {kind}" if kind else None
    return None
