"""Value matching of predicted fields against gold labels (pure; used by :mod:`.metrics`).

* list fields of canonical names: case-insensitive set equality after both sides go through the
  lexicons' aliases (``US`` = ``United States``; a state or city counts as its country; ``MC`` =
  ``Mastercard``). A predicted item equal to an ``accept`` entry is no false positive, and a list that
  uses an ``accept`` rendering ("US" for gold "Ohio, Indiana") needs no other item;
* free-text lists (``requested_responsibilities``, ``next_steps``): one-to-one item matching by
  normalised containment either way (or an ``accept`` entry), or by shared content words;
* numbers: within 0.01; enums: exact; free text: normalised containment either way or ``accept``;
  the phrase fields (``decision_process``, ``contact_role`` and the free-text lists) also match on
  shared content words: at least 60% of the gold phrase's content words and half of the predicted
  phrase's ("Derek + Raj pick the vendor" = "Derek and Raj pick the vendor").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..schema import LIST_FIELDS
from .labels import FieldLabel

__all__ = [
    "ALIAS_LEXICONS",
    "ENUM_FIELDS",
    "FREE_TEXT_LIST_FIELDS",
    "NUMBER_FIELDS",
    "NUMBER_TOLERANCE",
    "PHRASE_FIELDS",
    "Aliases",
    "build_aliases",
    "is_empty",
    "match_value",
    "normalise_newlines",
    "normalise_text",
]

NUMBER_FIELDS: frozenset[str] = frozenset({"device_count", "discount_requested_pct"})
ENUM_FIELDS: frozenset[str] = frozenset({"segment", "deal_source"})
FREE_TEXT_LIST_FIELDS: frozenset[str] = frozenset({"requested_responsibilities", "next_steps"})
PHRASE_FIELDS: frozenset[str] = FREE_TEXT_LIST_FIELDS | {"decision_process", "contact_role"}
NUMBER_TOLERANCE = 0.01
# which lexicon kinds (``policy/lexicons/*.toml``, ``kind = ...``) name the values of a canonical list field
ALIAS_LEXICONS: dict[str, tuple[str, ...]] = {
    "regions": ("region",),
    "card_brands": ("card_brand",),
    "processor": ("processor",),
    "gateway": ("gateway",),
    "terminal_vendor": ("terminal_vendor",),
    "kif": ("kif",),
    "tooling": ("tooling",),
}
# field -> {normalised spelling: normalised canonical name}
Aliases = Mapping[str, Mapping[str, str]]
_MIN_GOLD_SHARE = 0.6  # share of the gold phrase's content words the prediction must have
_MIN_PRED_SHARE = 0.5  # share of the prediction's content words that must be the gold's
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "the",
        "to",
        "of",
        "for",
        "with",
        "by",
        "on",
        "in",
        "at",
        "from",
        "into",
        "over",
        "up",
        "out",
        "off",
        "as",
        "is",
        "are",
        "be",
        "been",
        "was",
        "were",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "them",
        "they",
        "we",
        "we'll",
        "our",
        "us",
        "you",
        "your",
        "you'll",
        "i",
        "i'll",
        "me",
        "my",
        "will",
        "would",
        "can",
        "could",
        "should",
        "just",
        "also",
        "then",
        "so",
        "really",
        "actually",
        "all",
        "any",
        "some",
        "one",
        "of",
        "get",
        "go",
        "do",
        "does",
        "done",
        "did",
        "if",
        "when",
        "about",
        "per",
        "via",
        "w/",
        "+",
        "&",
        "-",
    ]
)

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


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "ed", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> set[str]:
    return {
        _stem(w)
        for w in normalise_text(text).replace("'", " ").split()
        if w not in _STOP_WORDS and len(w) > 1
    }


def _same_phrase(gold: Any, pred: Any) -> bool:
    """Containment either way, or enough shared content words both ways."""
    g, p = normalise_text(gold), normalise_text(pred)
    if _contains_either_way(g, p):
        return True
    gw, pw = _content_words(g), _content_words(p)
    shared = len(gw & pw)
    return bool(gw and pw) and shared / len(gw) >= _MIN_GOLD_SHARE and shared / len(pw) >= _MIN_PRED_SHARE


def build_aliases(lexicons: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Spelling -> canonical name per canonical list field, from the lexicons (``load_lexicons()``)."""
    out: dict[str, dict[str, str]] = {}
    for field, kinds in ALIAS_LEXICONS.items():
        table: dict[str, str] = {}
        for kind in kinds:
            lexicon = lexicons.get(kind)
            for entry in getattr(lexicon, "entries", ()):
                canonical = normalise_text(entry.name)
                for spelling in _spellings(entry):
                    table.setdefault(normalise_text(spelling), canonical)
        out[field] = table
    return out


def _spellings(entry: Any) -> Iterable[str]:
    yield entry.name
    yield from entry.aliases
    yield from entry.case_sensitive


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


def _item_matcher(name: str, accept: Sequence[str], aliases: Aliases | None) -> Callable[[Any, Any], bool]:
    if name in FREE_TEXT_LIST_FIELDS:

        def free(gold: Any, pred: Any) -> bool:
            return _same_phrase(gold, pred) or any(
                _contains_either_way(normalise_text(a), normalise_text(pred)) for a in accept
            )

        return free
    canon = _canon(name, aliases)

    def exact(gold: Any, pred: Any) -> bool:
        return canon(gold) == canon(pred)

    return exact


def _canon(name: str, aliases: Aliases | None) -> Callable[[Any], str]:
    table = (aliases or {}).get(name) or {}

    def canon(value: Any) -> str:
        key = normalise_text(value)
        return table.get(key, key)

    return canon


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


def match_value(
    name: str, gold: FieldLabel, predicted: Any, aliases: Aliases | None = None
) -> tuple[bool, tuple[int, int, int] | None]:
    """Whether ``predicted`` matches the gold value of field ``name``.

    ``aliases`` (from :func:`build_aliases`) maps spellings of canonical names to one form.
    Returns ``(ok, items)`` where ``items`` is ``(tp, fp, fn)`` for list fields, else ``None``.
    """
    if name in LIST_FIELDS:
        return _match_list(name, gold, predicted, aliases)
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
    if name in PHRASE_FIELDS and _same_phrase(gold.value, pred_text):
        return True, None
    return any(_contains_either_way(c, pred_text) for c in candidates), None


def _match_list(
    name: str, gold: FieldLabel, predicted: Any, aliases: Aliases | None
) -> tuple[bool, tuple[int, int, int]]:
    canon = normalise_text if name in FREE_TEXT_LIST_FIELDS else _canon(name, aliases)
    gold_items = _dedupe(_as_list(gold.value), canon)
    pred_items = _dedupe(_as_list(predicted), canon)
    tp, fp, fn = _match_items(gold_items, pred_items, _item_matcher(name, gold.accept, aliases))
    if name in FREE_TEXT_LIST_FIELDS or not gold.accept or fp == 0:
        return fp == 0 and fn == 0, (tp, fp, fn)
    # canonical names: an item in ``accept`` is an accepted rendering, not a false positive, and a
    # list that uses one ("US" for "Ohio, Indiana") is right when nothing else in it is wrong
    accepted = {canon(a) for a in gold.accept}
    golds = {canon(g) for g in gold_items}
    extra = [p for p in pred_items if canon(p) not in golds]
    via_accept = [p for p in extra if canon(p) in accepted]
    fp -= len(via_accept)
    return fp == 0 and (fn == 0 or bool(via_accept)), (tp + len(via_accept), fp, fn)


def _dedupe(items: list[Any], key_of: Callable[[Any], str] = normalise_text) -> list[Any]:
    seen: set[str] = set()
    out: list[Any] = []
    for item in items:
        key = key_of(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
