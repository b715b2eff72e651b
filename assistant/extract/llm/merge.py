"""Merge verified model values into the rules backend's fields, field by field.

The rules result is the floor; the model can only add to it or sharpen it:

* a missing rules field is filled by a verified model value (a free-text value
  whose quote did not support it may fill it as ``uncertain``);
* an uncertain rules field is sharpened to ``confirmed`` only by a verified,
  unhedged model value whose evidence is a different passage than the one the
  rules found hedged; a rules field with no value gets the model's value;
* a confirmed rules field is kept (device_count and discount take a larger
  verified value: the contract wants the largest stated figure);
* list fields union only verified items; a confirmed list takes confirmed items
  and hedged ones (which turn it uncertain, never the other way round).

Candidates from several chunks are pooled first, so overlapping chunks just
repeat the same item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from ...schema import LIST_FIELDS, DiscoveryFields, Field, FieldStatus
from .verify import NUMBER_FIELDS, Candidate

__all__ = ["FREE_TEXT_LISTS", "MergeStats", "merge_fields", "pool_candidates"]

# list fields whose items are sentences, not names: a paraphrase of an item is the same item
FREE_TEXT_LISTS = frozenset({"next_steps", "requested_responsibilities"})


@dataclass
class MergeStats:
    """Counts of what the merge kept, added and overrode."""

    filled: int = 0
    sharpened: int = 0
    items_added: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict (``Extraction.stats``)."""
        return {
            "llm_filled": self.filled,
            "llm_sharpened": self.sharpened,
            "llm_items_added": self.items_added,
        }


def _rank(candidate: Candidate) -> tuple[int, int]:
    return (int(candidate.supported), int(candidate.status is FieldStatus.CONFIRMED))


def _key(value: Any) -> str:
    return str(value).strip().lower()


def pool_candidates(candidates: list[Candidate]) -> dict[str, list[Candidate]]:
    """Per field: list fields keep the best candidate per item; scalars keep every candidate ranked."""
    pooled: dict[str, dict[str, Candidate]] = {}
    for candidate in candidates:
        items = pooled.setdefault(candidate.field, {})
        key = _key(candidate.value)
        current = items.get(key)
        if current is None or _rank(candidate) > _rank(current):
            items[key] = candidate
    return {name: sorted(items.values(), key=lambda c: c.start) for name, items in pooled.items()}


def _best_scalar(name: str, candidates: list[Candidate]) -> Candidate | None:
    if not candidates:
        return None
    top = max(_rank(c) for c in candidates)
    tier = [c for c in candidates if _rank(c) == top]
    if name in NUMBER_FIELDS:
        return max(tier, key=lambda c: float(c.value))
    return tier[-1]  # the latest statement wins (corrections keep the final answer)


def _spans(text: str, evidence: list[str]) -> list[tuple[int, int]]:
    spans = []
    for quote in evidence:
        index = text.find(quote)
        if index >= 0:
            spans.append((index, index + len(quote)))
    return spans


def _fresh(candidate: Candidate, spans: list[tuple[int, int]]) -> bool:
    """Confirmed, unhedged and from a passage the rules did not already read as hedged."""
    return (
        candidate.supported
        and candidate.status is FieldStatus.CONFIRMED
        and not candidate.hedged
        and not any(candidate.start < end and start < candidate.end for start, end in spans)
    )


def _evidence(*groups: list[str]) -> list[str]:
    out: list[str] = []
    for group in groups:
        for quote in group:
            if quote and quote not in out:
                out.append(quote)
    return out


def _merge_scalar(
    name: str, rules: Field, candidates: list[Candidate], text: str, stats: MergeStats
) -> Field:
    best = _best_scalar(name, candidates)
    if best is None:
        return rules
    if rules.status is FieldStatus.MISSING:
        stats.filled += 1
        status = best.status if best.supported else FieldStatus.UNCERTAIN
        return Field(value=best.value, status=status, evidence=[best.evidence])
    if not best.supported:
        return rules
    if rules.status is FieldStatus.UNCERTAIN:
        if _fresh(best, _spans(text, rules.evidence)):
            stats.sharpened += 1
            return Field(value=best.value, status=FieldStatus.CONFIRMED, evidence=[best.evidence])
        if rules.value in (None, ""):
            stats.sharpened += 1
            return Field(
                value=best.value,
                status=FieldStatus.UNCERTAIN,
                evidence=_evidence(rules.evidence, [best.evidence]),
            )
        return rules
    # confirmed by the rules: only a larger verified figure replaces it
    if (
        name in NUMBER_FIELDS
        and best.status is FieldStatus.CONFIRMED
        and isinstance(rules.value, int | float)
        and float(best.value) > float(rules.value)
    ):
        stats.sharpened += 1
        value = int(best.value) if name == "device_count" else best.value
        return Field(
            value=value, status=FieldStatus.CONFIRMED, evidence=_evidence(rules.evidence, [best.evidence])
        )
    return rules


def _restates(candidate: Candidate, items: list[Any], spans: list[tuple[int, int]]) -> bool:
    """A free-text item that paraphrases one the rules already have (same passage or same words)."""
    if any(candidate.start < end and start < candidate.end for start, end in spans):
        return True
    return any(fuzz.token_set_ratio(str(candidate.value), str(item)) >= 80 for item in items)


def _merge_list(name: str, rules: Field, candidates: list[Candidate], text: str, stats: MergeStats) -> Field:
    verified = [c for c in candidates if c.supported]
    if not verified:
        return rules
    if rules.status is FieldStatus.MISSING:
        stats.filled += 1
        stats.items_added += len(verified)
        status = (
            FieldStatus.CONFIRMED
            if all(c.status is FieldStatus.CONFIRMED for c in verified)
            else FieldStatus.UNCERTAIN
        )
        return Field(
            value=[c.value for c in verified],
            status=status,
            evidence=_evidence([c.evidence for c in verified]),
        )
    current = list(rules.value or [])
    have = {_key(item) for item in current}
    spans = _spans(text, rules.evidence)
    added: list[Candidate] = []
    status = rules.status
    for candidate in verified:
        if _key(candidate.value) in have:
            continue
        if name in FREE_TEXT_LISTS and _restates(candidate, current, spans):
            continue
        if rules.status is FieldStatus.CONFIRMED:
            if candidate.status is FieldStatus.CONFIRMED:
                added.append(candidate)
            elif candidate.hedged:
                added.append(candidate)
                status = FieldStatus.UNCERTAIN
        else:
            added.append(candidate)
    value = [*current, *(c.value for c in added)]
    if rules.status is FieldStatus.UNCERTAIN and value:
        by_item = {_key(c.value): c for c in verified}
        if all(_key(item) in by_item and _fresh(by_item[_key(item)], spans) for item in value):
            status = FieldStatus.CONFIRMED
    if not added and status is rules.status:
        return rules
    stats.items_added += len(added)
    stats.sharpened += 1
    return Field(value=value, status=status, evidence=_evidence(rules.evidence, [c.evidence for c in added]))


def merge_fields(
    rules: DiscoveryFields, candidates: list[Candidate], text: str
) -> tuple[DiscoveryFields, MergeStats]:
    """The rules fields with verified model values merged in (``rules`` is not modified)."""
    merged = rules.model_copy(deep=True)
    stats = MergeStats()
    pooled = pool_candidates(candidates)
    for name, field_candidates in pooled.items():
        current = merged.get(name)
        if name in LIST_FIELDS:
            merged.set(name, _merge_list(name, current, field_candidates, text, stats))
        else:
            merged.set(name, _merge_scalar(name, current, field_candidates, text, stats))
    return merged, stats
