"""Models of ``policy/participants.toml`` (who is who) and ``policy/values.toml`` (typed values)."""

from __future__ import annotations

import re
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["ParticipantVocabulary", "ValueRules", "VoiceRules", "phrase_regex"]


def phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """One case-insensitive whole-word alternation of ``phrases`` (longest first)."""
    ordered = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) or r"(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


class _Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))


class VoiceRules(_Vocabulary):
    """How clearly an anonymous speaker's cues must point one way (``[voice_rules]``)."""

    min_cues: int = Field(default=2, ge=1)
    min_margin: int = Field(default=2, ge=1)


class ParticipantVocabulary(_Vocabulary):
    """Words that tell a participant's side (``policy/participants.toml``)."""

    partner_org_words: list[str] = Field(default_factory=list)
    seller_org_words: list[str] = Field(default_factory=list)
    seller_self_cues: list[str] = Field(default_factory=list)
    seller_sections: list[str] = Field(default_factory=list)
    webmail_domains: list[str] = Field(default_factory=list)
    sign_offs: list[str] = Field(default_factory=list)
    name_stop_words: list[str] = Field(default_factory=list)
    reference_cues: list[str] = Field(default_factory=list)
    omni_self_roles: list[str] = Field(default_factory=list)
    seller_voice_cues: list[str] = Field(default_factory=list)
    customer_voice_cues: list[str] = Field(default_factory=list)
    voice_rules: VoiceRules = Field(default_factory=VoiceRules)
    introduction_thanks: list[str] = Field(default_factory=list)
    chatter_cues: list[str] = Field(default_factory=list)

    @cached_property
    def introduction(self) -> re.Pattern[str]:
        """The tail of a thank-you to whoever introduced the parties ("for the intro")."""
        return phrase_regex(self.introduction_thanks)

    chatter_deal_words: list[str] = Field(default_factory=list)

    def is_chatter(self, sentence: str) -> bool:
        """Small talk about something other than this deal ("early-bird tickets are 20% off")."""
        return self.chatter.search(sentence) is not None and self.chatter_deal.search(sentence) is None

    @cached_property
    def chatter(self) -> re.Pattern[str]:
        """Words of small talk (events, travel, tickets), as one pattern."""
        return phrase_regex(self.chatter_cues)

    @cached_property
    def chatter_deal(self) -> re.Pattern[str]:
        """Words that tie a sentence to this deal's money, as one pattern."""
        return phrase_regex(self.chatter_deal_words)

    @cached_property
    def seller_voice(self) -> re.Pattern[str]:
        """The seller describing its service or running discovery, as one pattern."""
        return phrase_regex(self.seller_voice_cues)

    @cached_property
    def customer_voice(self) -> re.Pattern[str]:
        """The customer describing its own business, as one pattern."""
        return phrase_regex(self.customer_voice_cues)

    @cached_property
    def omni_roles(self) -> re.Pattern[str]:
        """Omni job titles a speaker may give themselves, as one pattern."""
        return phrase_regex(self.omni_self_roles)

    reference_regex: str = r"(?!x)x"

    @cached_property
    def references(self) -> re.Pattern[str]:
        """Cues that a firm is named as the seller's reference customer."""
        return phrase_regex(self.reference_cues)

    @cached_property
    def reference_pattern(self) -> re.Pattern[str]:
        """The compiled reference-customer pattern from policy."""
        return re.compile(self.reference_regex)

    @field_validator("reference_regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value

    # company names from the lexicons (processors, gateways, vendors, KIFs): filled by the loader
    vendor_names: frozenset[str] = Field(default_factory=frozenset)

    @cached_property
    def seller_section_names(self) -> frozenset[str]:
        """Headings of sections that describe the seller (lower-cased)."""
        return frozenset(name.lower() for name in self.seller_sections)

    @cached_property
    def seller_section_start(self) -> re.Pattern[str]:
        """A line that opens a bio / "About us" block ("Speaker bios (from the deck)")."""
        names = sorted(self.seller_section_names, key=len, reverse=True)
        return re.compile(
            r"^\W{0,6}(?:appendix\W+)?(?:[A-Z][\w&.\-]*\s+){0,3}?(?:"
            + "|".join(re.escape(x) for x in names)
            + r")\b",
            re.IGNORECASE,
        )

    @cached_property
    def partner_org(self) -> re.Pattern[str]:
        """Words that mark a partner or reseller firm."""
        return phrase_regex(self.partner_org_words)

    @cached_property
    def seller_org(self) -> re.Pattern[str]:
        """Words that mark a payments seller's own firm."""
        return phrase_regex(self.seller_org_words)

    @cached_property
    def seller_self(self) -> re.Pattern[str]:
        """Cues of a seller talking about itself."""
        return phrase_regex(self.seller_self_cues)

    def is_vendor(self, name: str) -> bool:
        """A processor, gateway, terminal vendor or KIF the lexicons know ("TSYS", "i3 Verticals")."""
        lowered = name.strip().lower()
        return lowered in self.vendor_names or any(
            part in self.vendor_names for part in (lowered.split(" ")[0], lowered.rsplit(" ", 1)[0])
        )


class ValueRules(_Vocabulary):
    """What a field's value may look like (``policy/values.toml``)."""

    not_company_words: list[str] = Field(default_factory=list)
    title_words: list[str] = Field(default_factory=list)
    duration_units: list[str] = Field(default_factory=list)
    nothing_said: list[str] = Field(default_factory=list)
    empty_words: list[str] = Field(default_factory=list)
    payments_words: list[str] = Field(default_factory=list)
    subject_prefixes: list[str] = Field(default_factory=list)
    decision_words: list[str] = Field(default_factory=list)
    roster_labels: list[str] = Field(default_factory=list)
    fillers: list[str] = Field(default_factory=list)

    def without_fillers(self, text: str) -> str:
        """``text`` without spoken fillers at its start or between its words; never empty."""
        ordered = sorted({f.lower() for f in self.fillers}, key=len, reverse=True)
        lead = re.compile(
            r"^(?:\s*(?:" + "|".join(re.escape(f) for f in ordered) + r")(?![\w'])[\s,.!-]*)+", re.IGNORECASE
        )
        inner = re.compile(r"(?<=\s)(?:um|uh|er|erm)[,]?\s+", re.IGNORECASE)
        cleaned = inner.sub("", lead.sub("", text)).strip(" ,.-")
        return cleaned[:1].upper() + cleaned[1:] if cleaned else text

    @cached_property
    def decision(self) -> re.Pattern[str]:
        """Words of a decision process."""
        return phrase_regex(self.decision_words)

    @cached_property
    def subject(self) -> re.Pattern[str]:
        """Email subject prefixes ("Re:", "Fwd:") at the start of a value."""
        prefixes = "|".join(re.escape(p) for p in self.subject_prefixes) or r"(?!x)x"
        return re.compile(rf"^\s*(?:(?:{prefixes})\s*:\s*)+", re.IGNORECASE)

    @cached_property
    def not_company(self) -> frozenset[str]:
        """Words that are never a company name (lower-cased)."""
        return frozenset(word.lower() for word in self.not_company_words)

    @cached_property
    def titles(self) -> frozenset[str]:
        """Job-title words (lower-cased)."""
        return frozenset(word.lower() for word in self.title_words)

    @cached_property
    def duration(self) -> re.Pattern[str]:
        """A length of time ("45 min"), which is no timeline."""
        units = "|".join(re.escape(unit) for unit in sorted(self.duration_units, key=len, reverse=True))
        return re.compile(
            rf"(?:\d+(?:[.,]\d+)?|an?|one|half\s+an?|thirty|forty[- ]five|fifteen|twenty|ninety)\s*-?\s*(?:{units})\b",
            re.IGNORECASE,
        )

    @cached_property
    def nothing(self) -> frozenset[str]:
        """Phrases that say nothing was stated ("not discussed")."""
        return frozenset(phrase.lower() for phrase in self.nothing_said)

    @cached_property
    def payments(self) -> re.Pattern[str]:
        """Words that show a text is about payments."""
        return phrase_regex(self.payments_words)

    @cached_property
    def empty(self) -> frozenset[str]:
        """Filler words that make no value on their own."""
        return frozenset(word.lower() for word in self.empty_words)
