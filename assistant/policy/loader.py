"""Load and validate the policy, cue and lexicon files (cached per directory)."""

from __future__ import annotations

import time
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, PrivateAttr, ValidationError

from ..errors import PolicyError
from .acts import ActVocabulary
from .models import CueLists, Lexicon, Policy, ResponsibilityOwner, Signals
from .people import ParticipantVocabulary, ValueRules

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "FieldLabels",
    "PolicyBundle",
    "load_bundle",
    "load_cues",
    "load_lexicons",
    "load_policy",
]

LEXICON_KINDS = (
    "processor",
    "gateway",
    "terminal_vendor",
    "terminal_model",
    "kif",
    "tooling",
    "card_brand",
    "region",
    "use_case",
)


class FieldLabels(BaseModel):
    """Display labels of the contract fields (``policy/field_labels.toml``)."""

    labels: dict[str, list[str]]
    _memo: dict[str, str | None] = PrivateAttr(default_factory=dict)

    def field_for(self, label: str) -> str | None:
        """The contract field a note label names ("proc" -> processor), or None."""
        key = label.strip().lower()
        if key in self._memo:
            return self._memo[key]
        found: str | None = None
        for name, words in self.labels.items():
            if key in words:
                found = name
                break
        else:
            for name, words in self.labels.items():
                if any(key.startswith(word + " ") for word in words):
                    found = name
                    break
        self._memo[key] = found
        return found


class PolicyBundle(BaseModel):
    """Everything under ``policy/``, validated."""

    policy: Policy
    cues: CueLists
    lexicons: dict[str, Lexicon]
    responsibilities: list[ResponsibilityOwner]
    field_labels: FieldLabels
    signals: Signals
    acts: ActVocabulary
    participants: ParticipantVocabulary = ParticipantVocabulary()
    values: ValueRules = ValueRules()


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise PolicyError(f"policy file {path} is missing; restore it from the repository") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path} is not valid TOML: {exc}") from None


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or '(top)'}: {error['msg']}"
            for error in exc.errors()[:5]
        )
        raise PolicyError(f"{path} does not validate: {problems}") from None


def _merge(base: Lexicon, extra: Lexicon) -> Lexicon:
    """Two files of one kind: new entries are added, entries of the same name gain the new spellings."""
    entries = {entry.name.lower(): entry for entry in base.entries}
    for entry in extra.entries:
        known = entries.get(entry.name.lower())
        if known is None:
            entries[entry.name.lower()] = entry
            continue
        entries[entry.name.lower()] = known.model_copy(
            update={
                "aliases": [*known.aliases, *entry.aliases],
                "case_sensitive": [*known.case_sensitive, *entry.case_sensitive],
                "context_aliases": [*known.context_aliases, *entry.context_aliases],
            }
        )
    return Lexicon(
        kind=base.kind,
        description=base.description,
        context=[*base.context, *extra.context],
        entries=list(entries.values()),
    )


@lru_cache(maxsize=8)
def _load_bundle_cached(policy_dir: str, _stamp: float) -> PolicyBundle:
    root = Path(policy_dir)
    policy = _validate(Policy, _read(root / "policy.toml"), root / "policy.toml")
    cues = _validate(CueLists, _read(root / "cues.toml"), root / "cues.toml")
    labels = _validate(FieldLabels, _read(root / "field_labels.toml"), root / "field_labels.toml")
    signals = _validate(Signals, _read(root / "signals.toml"), root / "signals.toml")
    acts_data = {**_read(root / "acts.toml"), "root": str(root)}
    acts = _validate(ActVocabulary, acts_data, root / "acts.toml")
    responsibilities_path = root / "responsibilities.toml"
    owners = _read(responsibilities_path).get("owners", [])
    responsibilities = [_validate(ResponsibilityOwner, item, responsibilities_path) for item in owners]
    lexicons: dict[str, Lexicon] = {}
    for path in sorted((root / "lexicons").glob("*.toml")):
        lexicon: Lexicon = _validate(Lexicon, _read(path), path)
        if lexicon.kind in lexicons:
            lexicon = _merge(lexicons[lexicon.kind], lexicon)
        lexicons[lexicon.kind] = lexicon
    missing = [kind for kind in LEXICON_KINDS if kind not in lexicons]
    if missing:
        raise PolicyError(
            f"{root / 'lexicons'} has no lexicon for {missing}; add a TOML file with kind = ..."
        )
    vocabulary = _validate(
        ParticipantVocabulary, _read(root / "participants.toml"), root / "participants.toml"
    )
    vendor_kinds = ("processor", "gateway", "terminal_vendor", "kif")
    vendor_names = frozenset(
        spelling.lower()
        for kind in vendor_kinds
        for entry in lexicons[kind].entries
        for spelling in (entry.name, *entry.aliases, *entry.case_sensitive)
    )
    return PolicyBundle(
        participants=vocabulary.model_copy(update={"vendor_names": vendor_names}),
        values=_validate(ValueRules, _read(root / "values.toml"), root / "values.toml"),
        policy=policy,
        cues=cues,
        lexicons=lexicons,
        responsibilities=responsibilities,
        field_labels=labels,
        signals=signals,
        acts=acts,
    )


_STAMPS: dict[Path, tuple[float, float]] = {}  # root -> (checked at, newest mtime)


def _stamp(root: Path) -> float:
    """Newest modification time of the policy files (looked at most once a second), so edits are picked up."""
    now = time.monotonic()
    seen = _STAMPS.get(root)
    if seen is not None and now - seen[0] < 1.0:
        return seen[1]
    try:
        newest = max(path.stat().st_mtime for path in root.rglob("*.toml"))
    except ValueError:
        newest = 0.0
    _STAMPS[root] = (now, newest)
    return newest


def load_bundle(settings: Settings | None = None) -> PolicyBundle:
    """Every policy file, validated and cached until a file changes."""
    from ..config import get_settings

    settings = settings or get_settings()
    root = Path(settings.policy_dir)
    if not root.is_dir():
        raise PolicyError(f"policy directory {root} not found; set ASSISTANT_POLICY_DIR or restore policy/")
    return _load_bundle_cached(str(root.resolve()), _stamp(root))


def load_policy(settings: Settings | None = None) -> Policy:
    """``policy.toml``: guardrail, gate, segments, trigger routing and reasons."""
    return load_bundle(settings).policy


def load_cues(settings: Settings | None = None) -> CueLists:
    """``cues.toml``: hedges, negations, corrections and the other cue lists."""
    return load_bundle(settings).cues


def load_lexicons(settings: Settings | None = None) -> dict[str, Lexicon]:
    """Every lexicon under ``policy/lexicons/``, by kind."""
    return load_bundle(settings).lexicons
