"""Commitment guard: no price, discount, date, promise, jargon or card number leaves in a draft.

The rules are data (``policy/email_guard.toml``, validated by :class:`GuardPolicy`).
:meth:`EmailGuard.repair` works sentence by sentence: an offending sentence is
rewritten to its rule's replacement (once per draft) or removed; list markers
and paragraph breaks are kept.  :meth:`EmailGuard.check` only reports.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import PolicyError
from ..schema import FIELD_NAMES, ROLE_IDS, TRIGGER_IDS
from ..text import luhn_valid, mask_sensitive, mask_with_spans
from .models import GuardFix

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "GUARD_FILE",
    "EmailGuard",
    "GuardPolicy",
    "GuardRule",
    "Repair",
    "load_guard",
    "load_guard_policy",
    "luhn_ok",
    "mask_cards",
    "split_sentences",
]

GUARD_FILE = "email_guard.toml"


class GuardRule(BaseModel):
    """One rule of the email guard: what it catches and how the draft is repaired."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    description: str = ""
    action: Literal["remove", "rewrite"]
    replacement: str | None = None
    patterns: list[str] = Field(default_factory=list)
    case_sensitive: list[str] = Field(default_factory=list)
    builtin: Literal["card_number", "contract_ids"] | None = None

    @field_validator("patterns", "case_sensitive")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> GuardRule:
        if self.action == "rewrite" and not (self.replacement or "").strip():
            raise ValueError(f"rule {self.id!r}: action 'rewrite' needs a replacement sentence")
        if not (self.patterns or self.case_sensitive or self.builtin):
            raise ValueError(f"rule {self.id!r} has no patterns and no builtin detector")
        return self


class GuardPolicy(BaseModel):
    """``policy/email_guard.toml``: every rule the follow-up email must keep."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    max_polish_fixes: int = Field(default=3, ge=0)
    rules: list[GuardRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> GuardPolicy:
        ids = [rule.id for rule in self.rules]
        dupes = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids {dupes}")
        return self


# --------------------------------------------------------------------------- detectors

_CARD_CANDIDATE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])")
_GROUPED_16 = re.compile(r"\b\d{4}([ -])\d{4}\1\d{4}\1\d{4}\b")
# ids with an underscore never occur in plain English; "leadership"/"engineering" are policy patterns instead
_CONTRACT_IDS = sorted(
    {name for name in (*TRIGGER_IDS, *ROLE_IDS, *FIELD_NAMES) if "_" in name}, key=len, reverse=True
)
_CONTRACT_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(name) for name in _CONTRACT_IDS) + r")\b", re.IGNORECASE
)


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (digits only) passes the Luhn checksum."""
    return luhn_valid(digits)


def _card_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _CARD_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            spans.append(match.span())
    spans.extend(match.span() for match in _GROUPED_16.finditer(text))
    return spans


def _has_card_data(text: str) -> bool:
    return bool(_card_spans(text)) or mask_with_spans(text).masked


def mask_cards(text: str) -> str:
    """Mask card numbers and security codes (shared masker, then 4-4-4-4 groups), length-preserving."""
    text = mask_sensitive(text)
    chars = list(text)
    for start, end in _card_spans(text):
        digit_positions = [i for i in range(start, end) if chars[i].isdigit()]
        for i in digit_positions[:-4]:
            chars[i] = "*"
    return "".join(chars)


# --------------------------------------------------------------------------- sentences

_PREFIX = re.compile(r"^(\s*(?:[-*\u2022]|\d{1,2}[.)])\s+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])")


def split_sentences(line: str) -> tuple[str, list[str]]:
    """Split one line into its list marker ("- ", "3. ") and its sentences."""
    match = _PREFIX.match(line)
    prefix = match.group(1) if match else ""
    rest = line[len(prefix) :]
    sentences = [part for part in _SENTENCE_END.split(rest) if part.strip()]
    return prefix, sentences


@dataclass
class Repair:
    """Outcome of :meth:`EmailGuard.repair`."""

    text: str
    fixes: list[GuardFix] = field(default_factory=list)
    remaining: list[GuardFix] = field(default_factory=list)  # offences the repair could not clear

    @property
    def ok(self) -> bool:
        """True when the guard found nothing to fix."""
        return not self.remaining


class EmailGuard:
    """Checks and repairs drafts against a :class:`GuardPolicy`."""

    def __init__(self, policy: GuardPolicy) -> None:
        self.policy = policy
        self._compiled: list[tuple[GuardRule, list[re.Pattern[str]]]] = [
            (
                rule,
                [re.compile(p, re.IGNORECASE) for p in rule.patterns]
                + [re.compile(p) for p in rule.case_sensitive],
            )
            for rule in policy.rules
        ]

    def offence(self, text: str) -> GuardRule | None:
        """The first rule ``text`` breaks, or ``None``."""
        for rule, patterns in self._compiled:
            if rule.builtin == "card_number" and _has_card_data(text):
                return rule
            if rule.builtin == "contract_ids" and _CONTRACT_RE.search(text):
                return rule
            if any(pattern.search(text) for pattern in patterns):
                return rule
        return None

    def is_clean(self, text: str) -> bool:
        """True when ``text`` breaks no guard rule."""
        return self.offence(text) is None

    def check(self, text: str, *, stage: Literal["template", "polish"] = "template") -> list[GuardFix]:
        """Every offending sentence of ``text`` (nothing is changed)."""
        found = []
        for line in text.splitlines():
            _, sentences = split_sentences(line)
            for sentence in sentences:
                rule = self.offence(sentence)
                if rule is not None:
                    found.append(
                        GuardFix(
                            rule=rule.id,
                            action=rule.action,
                            sentence=mask_cards(sentence.strip()),
                            stage=stage,
                        )
                    )
        return found

    def repair(self, text: str, *, stage: Literal["template", "polish"] = "template") -> Repair:
        """Rewrite or remove every offending sentence; ``remaining`` lists what still offends."""
        fixes: list[GuardFix] = []
        used_replacements: set[str] = set()
        out_lines: list[str] = []
        for line in text.splitlines():
            prefix, sentences = split_sentences(line)
            if not sentences:
                out_lines.append(line.rstrip())
                continue
            kept: list[str] = []
            for sentence in sentences:
                rule = self.offence(sentence)
                if rule is None:
                    kept.append(sentence)
                    continue
                replacement = (rule.replacement or "").strip()
                fresh = bool(replacement) and replacement not in used_replacements and replacement not in text
                if rule.action == "rewrite" and fresh:
                    used_replacements.add(replacement)
                    kept.append(replacement)
                    fixes.append(
                        GuardFix(
                            rule=rule.id,
                            action="rewrite",
                            sentence=mask_cards(sentence.strip()),
                            replacement=replacement,
                            stage=stage,
                        )
                    )
                else:
                    fixes.append(
                        GuardFix(
                            rule=rule.id, action="remove", sentence=mask_cards(sentence.strip()), stage=stage
                        )
                    )
            if kept:
                out_lines.append((prefix + " ".join(s.strip() for s in kept)).rstrip())
        repaired = _tidy("\n".join(out_lines))
        return Repair(text=repaired, fixes=fixes, remaining=self.check(repaired, stage=stage))


def _tidy(text: str) -> str:
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


# --------------------------------------------------------------------------- loading


def load_guard_policy(settings: Settings | None = None, path: Path | str | None = None) -> GuardPolicy:
    """Read and validate ``policy/email_guard.toml`` (or ``path``)."""
    if path is None:
        if settings is None:
            from ..config import get_settings

            settings = get_settings()
        path = Path(settings.policy_dir) / GUARD_FILE
    resolved = Path(path).resolve()
    try:
        stamp = resolved.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _load(str(resolved), stamp)


@lru_cache(maxsize=8)
def _load(path: str, stamp: int) -> GuardPolicy:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PolicyError(f"email guard policy not found at {path}; restore policy/{GUARD_FILE}") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"cannot read email guard policy {path}: {exc}") from exc
    try:
        return GuardPolicy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PolicyError(f"invalid email guard policy {path}: {where}: {first['msg']}") from exc


def load_guard(settings: Settings | None = None, path: Path | str | None = None) -> EmailGuard:
    """The email guard for ``settings`` (or the rules file at ``path``)."""
    return EmailGuard(load_guard_policy(settings, path))
