"""The acts layer applied to a stand-alone quote or field value (LLM evidence, extracted items).

The LLM backend's proposed triggers and its ``requested_responsibilities`` reach the
same judgement as the rules: the quote is read as a small document by the same
layers (sentences, mentions, acts, work items) and the same decisions
(:mod:`.requests`, :mod:`assistant.checks.commitments`, :mod:`.pricing_asks`).
No second vocabulary: everything comes from ``policy/acts.toml`` and
``policy/responsibilities.toml`` through :class:`~assistant.policy.acts.ActVocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...policy import PolicyBundle
from ...text import Document
from .acts import WorkItem, document_clauses
from .context import Context

__all__ = ["QuoteReading", "owner_of_text", "read_quote"]

_ASKS = frozenset({"ask", "ask_us", "wish", "relay"})


@dataclass(frozen=True)
class QuoteReading:
    acts: frozenset[str]
    target: bool
    work: WorkItem | None  # the first piece of another party's work named
    transfer: str | None  # label of another party's work asked of (or offered by) Omni
    commitment: str | None  # "price" | "dates" | "scope" when the quote is an unapproved promise
    pricing: str | None  # the pricing exception named, or "N% against a quote"

    @property
    def asks(self) -> bool:
        return bool(self.acts & _ASKS) or self.target


_CACHE: dict[tuple[int, str], QuoteReading] = {}
_CACHE_SIZE = 512


def _read(bundle: PolicyBundle, quote: str) -> QuoteReading:
    from ...checks.commitments import find_commitments  # the checks import this layer; late to avoid a cycle
    from .pricing_asks import money_asks, pricing_exceptions
    from .requests import find_requests

    ctx = Context.create(Document.from_text(quote), bundle)
    clauses = document_clauses(ctx)
    acts = frozenset(name for clause in clauses for name in clause.acts)
    work = next((c.work for c in clauses if c.work is not None and c.work.owner is not None), None)
    transfer = next((r.item for r in find_requests(ctx) if r.owner), None)
    commitments = find_commitments(ctx)
    exceptions = pricing_exceptions(ctx)
    threshold = bundle.policy.discount_guardrail_pct
    over = [ask.percent for ask in money_asks(ctx) if ask.percent > threshold]
    pricing = exceptions[0].kind if exceptions else (f"{max(over):g}% against a quote" if over else None)
    return QuoteReading(
        acts=acts,
        target=any(c.target is not None for c in clauses),
        work=work,
        transfer=transfer,
        commitment=commitments[0].kind if commitments else None,
        pricing=pricing,
    )


def read_quote(bundle: PolicyBundle, quote: str) -> QuoteReading:
    """What the acts layer reads in ``quote`` on its own (cached)."""
    key = (id(bundle), quote)
    reading = _CACHE.get(key)
    if reading is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        reading = _CACHE[key] = _read(bundle, quote)
    return reading


def owner_of_text(bundle: PolicyBundle, text: str) -> WorkItem | None:
    """Another party's work named in a short text ("the Cybersource certification sign-off")."""
    return read_quote(bundle, text).work
