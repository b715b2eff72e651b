"""Question clean-up before it is read: rep shorthand expanded, misspellings fixed.

* Shorthand comes from ``policy/shorthand.toml`` ("cust" -> "customer", "w/" -> "with").
* A name from the policy lexicons is read as its kind ("Fiserv" -> "processor", "Interac" ->
  "card brand", "FIME" -> "test tool"): the duty does not depend on which processor it is, and
  the embedding model has never heard of most of them.
* A word that is neither a known English word (the embedding model's word list) nor a word
  of the playbooks and example questions is replaced by the closest playbook word within one
  edit (two for long words): "discout" -> "discount", "aproval" -> "approval".  Short words,
  numbers and anything with no close match are left as typed.

Every pass is linear in the question's length (one dictionary look-up per word; the
closest-word search runs only for unknown words, against a fixed vocabulary).
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import PolicyError

__all__ = ["ENTITY_KINDS", "Normaliser", "Shorthand", "entity_names", "load_shorthand"]

# lexicon kind -> the words a name of that kind is read as
ENTITY_KINDS = {
    "processor": "processor",
    "gateway": "gateway",
    "kif": "key injection facility",
    "terminal_vendor": "terminal vendor",
    "terminal_model": "terminal model",
    "tooling": "test tool",
    "card_brand": "card brand",
}
MAX_NAME_WORDS = 4

MIN_TYPO_LENGTH = 4  # shorter words are never "corrected"
LONG_WORD = 8  # words this long may be two edits away from the intended word
_TOKEN = re.compile(r"\S+")
_EDGE = ".,;:!?()\"'"
_ALPHA = re.compile(r"[a-z]+")


class Shorthand(BaseModel):
    """``policy/shorthand.toml``: shorthand -> what it means."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    expand: dict[str, str]


@lru_cache(maxsize=4)
def _load(path: str, stamp: float) -> dict[str, str]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        spec = Shorthand.model_validate(data)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PolicyError(f"invalid {path}: {exc}") from exc
    return {key.lower(): value for key, value in spec.expand.items()}


def load_shorthand(policy_dir: Path) -> dict[str, str]:
    """The shorthand table (empty when the file is absent), cached until the file changes."""
    path = policy_dir / "shorthand.toml"
    stamp = path.stat().st_mtime if path.exists() else 0.0
    return _load(str(path), stamp)


def entity_names(policy_dir: Path) -> dict[str, str]:
    """Lower-case name or alias -> kind words, from the policy lexicons (case-sensitive spellings
    such as "Chase" or "Global", which are also English words, are left out)."""
    from ..config import get_settings
    from ..policy.loader import load_lexicons

    names: dict[str, str] = {}
    for lexicon in load_lexicons(get_settings(policy_dir=policy_dir)).values():
        kind = ENTITY_KINDS.get(lexicon.kind)
        if kind is None:
            continue
        for entry in lexicon.entries:
            unsafe = {spelling.lower() for spelling in [*entry.case_sensitive, *entry.context_aliases]}
            for spelling in [entry.name, *entry.aliases]:
                key = " ".join(spelling.lower().split())
                if key not in unsafe and 0 < len(key.split()) <= MAX_NAME_WORDS:
                    names.setdefault(key, kind)
    return names


class Normaliser:
    """Expands shorthand, reads lexicon names as their kind, and fixes misspellings of
    ``vocabulary`` words; ``known`` words are kept."""

    def __init__(
        self,
        shorthand: dict[str, str],
        vocabulary: set[str],
        known: set[str],
        entities: dict[str, str] | None = None,
    ) -> None:
        self.entities = entities or {}
        self.shorthand = shorthand
        known = known | {name for name in self.entities if " " not in name}
        self.vocabulary = sorted(word for word in vocabulary if len(word) >= MIN_TYPO_LENGTH)
        self.known = known | vocabulary
        self._fixed: dict[str, str] = {}

    def _fix(self, word: str) -> str:
        if len(word) < MIN_TYPO_LENGTH or word in self.known or not _ALPHA.fullmatch(word):
            return word
        if word not in self._fixed:
            from rapidfuzz import process
            from rapidfuzz.distance import Levenshtein

            limit = 2 if len(word) >= LONG_WORD else 1
            found = process.extractOne(word, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=limit)
            self._fixed[word] = found[0] if found else word
        return self._fixed[word]

    def _entities(self, tokens: list[str]) -> list[str]:
        """Longest lexicon name first, at most ``MAX_NAME_WORDS`` words: linear in the question."""
        out: list[str] = []
        at = 0
        while at < len(tokens):
            for size in range(min(MAX_NAME_WORDS, len(tokens) - at), 0, -1):
                words = [token.strip(_EDGE).lower() for token in tokens[at : at + size]]
                kind = self.entities.get(" ".join(words))
                if kind is not None:
                    tail = tokens[at + size - 1][len(tokens[at + size - 1].rstrip(_EDGE)) :]
                    out.append(kind + tail)
                    at += size
                    break
            else:
                out.append(tokens[at])
                at += 1
        return out

    def __call__(self, text: str) -> str:
        return " ".join(self._entities(self._words(text).split()))

    def _words(self, text: str) -> str:
        out: list[str] = []
        for match in _TOKEN.finditer(text.replace("\u2019", "'")):
            token = match.group(0)
            core = token.rstrip(_EDGE)
            tail = token[len(core) :]
            lower = core.lower()
            if lower in self.shorthand:
                out.append(self.shorthand[lower] + tail)
                continue
            head = len(core) - len(core.lstrip(_EDGE))
            fixed = self._fix(lower[head:])
            out.append(token if fixed == lower[head:] else core[:head] + fixed + tail)
        return " ".join(out)
