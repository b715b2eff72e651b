"""Pydantic models of the policy and lexicon data files under ``policy/``.

Sales-ops edits the TOML files; these models reject a typo (an unknown trigger
id, a role that does not exist, a negative threshold) with a message naming the
file and the key, before any transcript is triaged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..schema import FIELD_NAMES, ROLE_IDS, TRIGGER_IDS, USE_CASES

__all__ = [
    "CueLists",
    "GatePolicy",
    "Lexicon",
    "LexiconEntry",
    "Policy",
    "ResponsibilityOwner",
    "SegmentPolicy",
    "TriggerPolicy",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LexiconEntry(_Strict):
    """One canonical name and the ways reps write it."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    # aliases matched only with this exact case ("US", "Global", "Discover")
    case_sensitive: list[str] = Field(default_factory=list)
    # true: only counted when a context word of the lexicon is in the same sentence
    needs_context: bool = False
    # exact-case short forms that count only with context: a context word, another entry of the same
    # lexicon in the sentence ("Fiserv or Global"), or a note line labelled for the field ("proc: Global")
    context_aliases: list[str] = Field(default_factory=list)
    vendor: str | None = None  # terminal models: who makes it
    standard: bool = True  # tooling: false marks a non-standard kit
    note: str | None = None

    def spellings(self) -> list[tuple[str, bool]]:
        """Every spelling with whether it is case sensitive; the name itself included."""
        seen: set[str] = set()
        out: list[tuple[str, bool]] = []
        for alias in [self.name, *self.aliases]:
            if alias.lower() not in seen and alias not in self.case_sensitive:
                seen.add(alias.lower())
                out.append((alias, False))
        for alias in [*self.case_sensitive, *self.context_aliases]:
            out.append((alias, True))
        return out


class Lexicon(_Strict):
    """One lexicon (``policy/lexicons/*.toml``): entries of one kind with their aliases."""

    kind: str
    description: str = ""
    context: list[str] = Field(default_factory=list)
    entries: list[LexiconEntry]

    @model_validator(mode="after")
    def _unique_names(self) -> Lexicon:
        names = [entry.name.lower() for entry in self.entries]
        dupes = sorted({name for name in names if names.count(name) > 1})
        if dupes:
            raise ValueError(f"duplicate entry names in lexicon {self.kind!r}: {dupes}")
        return self


class TriggerPolicy(_Strict):
    """Routing and reason text of one escalation trigger."""

    route_to: list[str] = Field(min_length=1)
    reason: str = Field(min_length=10)
    title: str = ""  # the trigger in a few words, as the app shows it ("Processor not confirmed")

    @field_validator("route_to")
    @classmethod
    def _known_roles(cls, value: list[str]) -> list[str]:
        unknown = [role for role in value if role not in ROLE_IDS]
        if unknown:
            raise ValueError(f"unknown role ids {unknown}; use one of {list(ROLE_IDS)}")
        return value


class GatePolicy(_Strict):
    """The stage gate: which inputs are required, and whether a hedged one blocks."""

    stage: str = "proposal"
    required: list[str] = Field(min_length=1)
    uncertain_blocks: bool = True

    @field_validator("required")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in FIELD_NAMES]
        if unknown:
            raise ValueError(f"unknown field names {unknown}; use contract field names")
        return value


class SegmentPolicy(_Strict):
    """Segment thresholds (employees, deal size) that decide enterprise and mid-market."""

    enterprise_min_employees: int = Field(gt=0)
    mid_market_min_employees: int = Field(gt=0)
    enterprise_min_deal_usd: float = Field(gt=0)
    mid_market_min_deal_usd: float = Field(gt=0)


class ResponsibilityOwner(_Strict):
    """Work that belongs to another party (terminal vendor, KIF, gateway, processor)."""

    owner: Literal["terminal_vendor", "kif", "gateway", "processor"]
    label: str
    phrases: list[str] = Field(min_length=1)


class CueLists(_Strict):
    """Word lists the rules engine and the checks read; see ``policy/cues.toml``."""

    hedges: list[str]
    not_hedges: list[str] = Field(default_factory=list)
    negations_before: list[str]
    negations_after: list[str]
    not_negations: list[str]
    corrections: list[str]
    past_markers: list[str]
    replacement_markers: list[str] = Field(default_factory=list)
    generic_markers: list[str] = Field(default_factory=list)
    third_party_markers: list[str] = Field(default_factory=list)
    disowned_markers: list[str] = Field(default_factory=list)
    non_payment_context: list[str] = Field(default_factory=list)
    future_markers: list[str] = Field(default_factory=list)
    affirmative_answers: list[str]
    negative_answers: list[str]
    uncertain_answers: list[str]
    unknown_values: list[str]


class Policy(_Strict):
    """Thresholds, routing, reasons and required gate inputs (``policy/policy.toml``)."""

    version: int = 1
    discount_guardrail_pct: float = Field(ge=0, le=100)
    fire_on_uncertain_use_case: bool = True
    gate: GatePolicy
    segments: SegmentPolicy
    triggers: dict[str, TriggerPolicy]
    high_risk_use_cases: list[str]

    @field_validator("triggers")
    @classmethod
    def _all_triggers(cls, value: dict[str, TriggerPolicy]) -> dict[str, TriggerPolicy]:
        unknown = sorted(set(value) - set(TRIGGER_IDS))
        missing = sorted(set(TRIGGER_IDS) - set(value))
        if unknown:
            raise ValueError(f"unknown trigger ids {unknown}; the contract's ids are {list(TRIGGER_IDS)}")
        if missing:
            raise ValueError(f"policy must route every trigger; missing {missing}")
        return value

    @field_validator("high_risk_use_cases")
    @classmethod
    def _known_use_cases(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in USE_CASES]
        if unknown:
            raise ValueError(f"unknown use cases {unknown}; use one of {list(USE_CASES)}")
        return value


class DealSourceCues(_Strict):
    external_rep: list[str]
    inbound: list[str]
    leadership: list[str]


class SegmentCues(_Strict):
    enterprise: list[str]
    mid_market: list[str]
    smb: list[str]


class PeopleCues(_Strict):
    title_regex: str
    economic_buyer_regex: list[str]
    champion_regex: list[str]
    contact_regex: list[str]


class DealCues(_Strict):
    timeline_context: list[str]
    timeline_regex: str
    budget_context: list[str]
    decision_context: list[str]
    decision_exclude: list[str]
    next_steps_cues: list[str]


class PricingCues(_Strict):
    discount_cues: list[str]
    policy_words: list[str]


class ToolingCues(_Strict):
    nonstandard_regex: str
    unclear_regex: str


class Signals(_Strict):
    """Phrase lists and patterns behind the free-text fields and the checks (``policy/signals.toml``)."""

    deal_source: DealSourceCues
    segment: SegmentCues
    people: PeopleCues
    deal: DealCues
    pricing: PricingCues
    tooling: ToolingCues

    @model_validator(mode="after")
    def _regexes_compile(self) -> Signals:
        import re

        patterns: list[str] = [
            self.people.title_regex,
            *self.people.economic_buyer_regex,
            *self.people.champion_regex,
            *self.people.contact_regex,
            self.deal.timeline_regex,
            self.tooling.nonstandard_regex,
            self.tooling.unclear_regex,
        ]
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern[:60]!r}...: {exc}") from exc
        return self
