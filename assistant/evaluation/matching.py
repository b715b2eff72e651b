"""Value matching of predicted fields against gold labels (pure; used by :mod:`.metrics`).

* list fields of canonical names: case-insensitive set equality;
* free-text lists (``requested_responsibilities``, ``next_steps``): one-to-one item matching by
  normalised containment either way (or an ``accept`` entry);
* numbers: within 0.01; enums: exact; free text: normalised containment either way or ``accept``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ..schema import LIST_FIELDS
from .labels import FieldLabel

__all__ = [
    "ENUM_FIELDS",
    "FREE_TEXT_LIST_FIELDS",
    "NUMBER_FIELDS",
    "NUMBER_TOLERANCE",
    "is_empty",
    "match_value",
    "normalise_newlines",
    "normalise_text",
]

NUMBER_FIELDS: frozenset[str] = frozenset({"device_count", "discount_requested_pct"})
ENUM_FIELDS: frozenset[str] = frozenset({"segment", "deal_source"})
FREE_TEXT_LIST_FIELDS: frozenset[str] = frozenset({"requested_responsibilities", "next_steps"})
NUMBER_TOLERANCE = 0.01

_PUNCT = re.compile(r"[^\w%$.,/&+-]+|(?<!\d)[.,]|[.,](?!\d)")  # keeps "12.5", "1,200"
_SPACES = re.compile(r"\s+")


# --------------------------------------------------------------------------- normalisation


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n`` (what evidence is checked against)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_text(value: Any) -> str:
    """Casefold, drop quotes/brackets and stray punctuation, collapse spaces."""
    text = _PUNCT.sub(" ", str(value).casefold())
    return _SPACES.sub(" ", text).strip(" .,")


def _contains_either_way(a: str, b: str) -> bool:
    return bool(a) and bool(b) and (a in b or b in a)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().rstrip("%").replace(",", ""))
    except ValueError:
        return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [item for item in value if item not in (None, "")]
    return [value]


def is_empty(value: Any) -> bool:
    """True for ``None``, blank text and empty lists."""
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


# --------------------------------------------------------------------------- value matching


def _item_matcher(name: str, accept: Sequence[str]) -> Callable[[Any, Any], bool]:
    if name in FREE_TEXT_LIST_FIELDS:
        extra = [normalise_text(a) for a in accept]

        def free(gold: Any, pred: Any) -> bool:
            p = normalise_text(pred)
            return _contains_either_way(normalise_text(gold), p) or any(
                _contains_either_way(a, p) for a in extra
            )

        return free

    def exact(gold: Any, pred: Any) -> bool:
        return normalise_text(gold) == normalise_text(pred)

    return exact


def _match_items(gold: list[Any], pred: list[Any], same: Callable[[Any, Any], bool]) -> tuple[int, int, int]:
    """Greedy one-to-one matching; returns (true positives, false positives, false negatives)."""
    unused = list(range(len(pred)))
    hits = 0
    for g in gold:
        for i in unused:
            if same(g, pred[i]):
                unused.remove(i)
                hits += 1
                break
    return hits, len(unused), len(gold) - hits


def match_value(name: str, gold: FieldLabel, predicted: Any) -> tuple[bool, tuple[int, int, int] | None]:
    """Whether ``predicted`` matches the gold value of field ``name``.

    Returns ``(ok, items)`` where ``items`` is ``(tp, fp, fn)`` for list fields, else ``None``.
    """
    if name in LIST_FIELDS:
        gold_items = _dedupe(_as_list(gold.value))
        pred_items = _dedupe(_as_list(predicted))
        tp, fp, fn = _match_items(gold_items, pred_items, _item_matcher(name, gold.accept))
        return fp == 0 and fn == 0, (tp, fp, fn)
    if name in NUMBER_FIELDS:
        p = _as_number(predicted)
        golds = [_as_number(gold.value), *(_as_number(a) for a in gold.accept)]
        return p is not None and any(g is not None and abs(g - p) <= NUMBER_TOLERANCE for g in golds), None
    if name in ENUM_FIELDS:
        return not is_empty(predicted) and normalise_text(gold.value) == normalise_text(predicted), None
    if is_empty(predicted):
        return False, None
    pred_text = normalise_text(" ".join(map(str, predicted)) if isinstance(predicted, list) else predicted)
    candidates = [normalise_text(gold.value), *(normalise_text(a) for a in gold.accept)]
    return any(_contains_either_way(c, pred_text) for c in candidates), None


def _dedupe(items: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out: list[Any] = []
    for item in items:
        key = normalise_text(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
