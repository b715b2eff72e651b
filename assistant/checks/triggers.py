"""The six escalation triggers of the operating model, computed deterministically.

Triggers read the (possibly LLM-merged) fields *and* the raw text, so a backend
can add facts but never silence a check: the text cues (requests to absorb
another party's work, commitments, pricing exceptions) are read here, from the
document itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..deadline import check as check_deadline
from ..extract.rules.acts import WorkItem
from ..extract.rules.context import Context
from ..extract.rules.deal import discount_mentions
from ..extract.rules.matcher import compile_lexicon
from ..extract.rules.quote_acts import owner_of_text
from ..extract.rules.requests import find_requests
from ..policy import PolicyBundle
from ..schema import DiscoveryFields, Field, FieldStatus, Trigger
from ..text import Document
from .commitments import find_commitments
from .pricing import find_pricing_exceptions

__all__ = ["CHECKS", "run_checks"]

_OWNER_WORDS = {
    "terminal_vendor": "the terminal vendor",
    "kif": "the key injection facility",
    "gateway": "the gateway",
    "processor": "the processor",
}


def _trigger(bundle: PolicyBundle, trigger_id: str, evidence: list[str], detail: str = "") -> Trigger:
    rule = bundle.policy.triggers[trigger_id]
    reason = rule.reason.replace("{detail}", detail) if "{detail}" in rule.reason else rule.reason
    unique: list[str] = []
    for quote in evidence:
        if quote and quote not in unique:
            unique.append(quote)
    return Trigger(id=trigger_id, route_to=list(rule.route_to), reason=reason, evidence=unique[:4])


def _unknown(field: Field) -> bool:
    return field.status in (FieldStatus.MISSING, FieldStatus.UNCERTAIN)


def check_processor(fields: DiscoveryFields, ctx: Context) -> Trigger | None:
    field = fields.processor
    if not _unknown(field):
        return None
    detail = "not stated" if field.status is FieldStatus.MISSING else "hedged or conflicting"
    trigger = _trigger(ctx.bundle, "processor_unknown", field.evidence)
    trigger.reason = f"Processor {detail}: " + trigger.reason[0].lower() + trigger.reason[1:]
    return trigger


def check_tooling(fields: DiscoveryFields, ctx: Context) -> Trigger | None:
    field = fields.tooling
    cues = ctx.bundle.signals.tooling
    nonstandard = list((field.model_extra or {}).get("nonstandard", []))
    text_quotes = []
    for sentence in ctx.doc.sentences:
        match = re.search(cues.nonstandard_regex, sentence.text, re.IGNORECASE)
        if match:
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if not ctx.assessor.negated_before(sentence, start, end, []) and not sentence.is_question:
                text_quotes.append(ctx.quote_sentence(sentence))
                nonstandard.append("non-standard kit")
        elif re.search(cues.unclear_regex, sentence.text, re.IGNORECASE) and not sentence.is_question:
            text_quotes.append(ctx.quote_sentence(sentence))
    if not _unknown(field) and not nonstandard and not text_quotes:
        return None
    if nonstandard:
        detail = "non-standard tooling: " + ", ".join(dict.fromkeys(nonstandard))
    elif field.status is FieldStatus.MISSING and not text_quotes:
        detail = "no test tooling stated"
    else:
        detail = "tooling hedged or unclear"
    trigger = _trigger(ctx.bundle, "tooling_unclear", [*field.evidence, *text_quotes])
    trigger.reason = f"{detail[0].upper()}{detail[1:]}. {trigger.reason}"
    return trigger


def check_use_case(fields: DiscoveryFields, ctx: Context) -> Trigger | None:
    field = fields.use_cases
    policy = ctx.bundle.policy
    if field.status is FieldStatus.MISSING or (
        field.status is FieldStatus.UNCERTAIN and not policy.fire_on_uncertain_use_case
    ):
        return None
    risky = [name for name in (field.value or []) if name in policy.high_risk_use_cases]
    if not risky:
        return None
    compiled = compile_lexicon(ctx.bundle.lexicons["use_case"])
    quotes = [
        quote
        for quote in field.evidence
        if {entry.name for _, _, entry, _ in compiled.scan(quote)} & set(risky)
    ]
    detail = ", ".join(name.replace("_", " ") for name in risky)
    if field.status is FieldStatus.UNCERTAIN:
        detail += ", not yet confirmed"
    return _trigger(ctx.bundle, "high_risk_use_case", quotes or field.evidence, detail)


def check_discount(fields: DiscoveryFields, ctx: Context) -> Trigger | None:
    threshold = ctx.bundle.policy.discount_guardrail_pct
    field = fields.discount_requested_pct
    details: list[str] = []
    evidence: list[str] = []
    value = field.value
    if field.present and isinstance(value, int | float) and threshold < value < 100:
        details.append(f"{value:g}% requested vs a {threshold:g}% guardrail")
        evidence.extend(field.evidence)
    else:
        # the text itself, whatever the backend reported: a backend cannot hide a discount ask
        # "100% on board" is an idiom; free work is a pricing exception, read below
        over = [item for item in discount_mentions(ctx) if threshold < item[0] < 100]
        if over:
            top = max(item[0] for item in over)
            details.append(f"{top:g}% on the table vs a {threshold:g}% guardrail")
            evidence.extend(ctx.quote_sentence(item[1]) for item in over if item[0] == top)
    exceptions = find_pricing_exceptions(ctx)
    if exceptions:
        details.append("pricing exception: " + ", ".join(dict.fromkeys(e.kind for e in exceptions)))
        evidence.extend(ctx.quote_sentence(e.sentence) for e in exceptions)
    if not details:
        return None
    return _trigger(ctx.bundle, "discount_outside_guardrails", evidence, "; ".join(details))


def check_responsibility(fields: DiscoveryFields, ctx: Context) -> Trigger | None:
    """Another party's work asked of Omni: from the text (acts layer) and from the field, whoever filled it."""
    transfers = [request for request in find_requests(ctx) if request.owner]
    evidence: list[str] = []
    for request in transfers:
        evidence.append(ctx.quote_sentence(request.sentence))
        if request.answer is not None:
            evidence.append(ctx.quote_sentence(request.answer))
    listed = [
        {
            "item": request.item,
            "owner": request.owner,
            "asked_by": request.speaker,
            "offered": request.offered,
            "quote": ctx.quote_sentence(request.sentence),
        }
        for request in transfers
    ]
    # the field (an LLM backend's verified items too): every item whose owner is another party counts
    known = {str(entry["item"]).lower() for entry in listed}
    for item, quote in field_transfers(fields, ctx):
        if item.label.lower() not in known and item.owner is not None:
            known.add(item.label.lower())
            listed.append(
                {"item": item.label, "owner": item.owner, "asked_by": None, "offered": False, "quote": quote}
            )
            evidence.append(quote)
    if not listed:
        return None
    owners = list(dict.fromkeys(str(entry["owner"]) for entry in listed))
    items = ", ".join(dict.fromkeys(str(entry["item"]) for entry in listed))
    detail = f"{items}, which belongs to " + " / ".join(_OWNER_WORDS[o] for o in owners)
    trigger = _trigger(ctx.bundle, "responsibility_transfer", evidence, detail)
    trigger.transfers = listed  # type: ignore[attr-defined]  # extension of the contract
    return trigger


def field_transfers(fields: DiscoveryFields, ctx: Context) -> list[tuple[WorkItem, str]]:
    """Items of ``requested_responsibilities`` that are another party's work, with a quote."""
    field = fields.requested_responsibilities
    if field.status is FieldStatus.MISSING or not isinstance(field.value, list):
        return []
    out: list[tuple[WorkItem, str]] = []
    quote = field.evidence[0] if field.evidence else ""
    for value in field.value:
        work = owner_of_text(ctx.bundle, str(value))
        if work is not None and work.owner is not None:
            out.append((work, quote))
    return out


def check_commitment(fields: DiscoveryFields, ctx: Context) -> Trigger | None:
    commitments = find_commitments(ctx)
    if not commitments:
        return None
    kinds = ", ".join(dict.fromkeys(c.kind for c in commitments))
    evidence = [ctx.quote_sentence(sentence) for c in commitments for sentence in c.sentences]
    trigger = _trigger(ctx.bundle, "unapproved_commitment", evidence, kinds)
    # extension of the contract: every commitment with who made it
    trigger.commitments = [  # type: ignore[attr-defined]
        {
            "kind": c.kind,
            "by": c.by,
            "title": c.title,
            "name": c.name,
            "quote": ctx.quote_sentence(c.sentences[-1]),
        }
        for c in commitments
    ]
    return trigger


CHECKS: tuple[Callable[[DiscoveryFields, Context], Trigger | None], ...] = (
    check_processor,
    check_tooling,
    check_use_case,
    check_discount,
    check_responsibility,
    check_commitment,
)


def run_checks(fields: DiscoveryFields, doc: Document, bundle: PolicyBundle) -> list[Trigger]:
    """Every trigger that fires, in the contract's order."""
    ctx = Context.create(doc, bundle)
    triggers = []
    for check in CHECKS:
        check_deadline()
        trigger = check(fields, ctx)
        if trigger is not None:
            triggers.append(trigger)
    return triggers
