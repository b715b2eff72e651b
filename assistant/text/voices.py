"""The side of an anonymous speaker, from what they say across the whole text.

Raw speech-to-text labels people "Speaker 1", "Speaker 2" or not at all, and nobody may
introduce themselves.  A speaker who describes the certification service in the first person
("we certify", "our lab runs the scripts") or runs the discovery ("who's your processor",
"how many lanes") is the seller; one who talks about their own business ("our stores",
"we're on Fiserv", "could you guys take the key loading") is the customer.  Each line counts
at most once per side, the cue phrases are data (``policy/participants.toml``), and a side is
only decided when one side clearly wins: unknown beats wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..policy.people import ParticipantVocabulary
    from .lines import Line

__all__ = ["SELLER", "VoiceReading", "read_voices"]

SELLER = "seller"
CUSTOMER_VOICE = "customer"
_ANONYMOUS = re.compile(r"(?:speaker|participant|caller|guest|unknown\s+speaker)\s*\d+$", re.IGNORECASE)


@dataclass
class VoiceReading:
    """One speaker's cue lines on each side, and the side they point to (or None)."""

    seller_cues: list[str] = field(default_factory=list)
    customer_cues: list[str] = field(default_factory=list)
    partner_cues: list[str] = field(default_factory=list)  # a reseller / ISO describing its own book
    side: str | None = None  # SELLER | CUSTOMER_VOICE | None

    @property
    def score(self) -> int:
        """Seller lines minus customer lines: positive leans seller."""
        return len(self.seller_cues) - len(self.customer_cues)

    def explain(self) -> str:
        """The decision in words, for logs and tests ("seller: 'we certify', 'our lab' vs customer: -")."""
        seller = ", ".join(repr(cue) for cue in self.seller_cues) or "-"
        customer = ", ".join(repr(cue) for cue in self.customer_cues) or "-"
        return f"{self.side or 'undecided'} (seller: {seller} vs customer: {customer})"


def is_anonymous(key: str) -> bool:
    """A label that names nobody: "Speaker 2", "Participant 1", "Guest 3"."""
    return _ANONYMOUS.match(key.strip()) is not None


def read_voices(
    text: str, lines: list[Line], keys: set[str], vocab: ParticipantVocabulary
) -> dict[str, VoiceReading]:
    """A :class:`VoiceReading` for each speaker key in ``keys``, from all of their lines."""
    readings = {key: VoiceReading() for key in keys}
    for line in lines:
        reading = readings.get(line.speaker_key or "")
        if reading is None or line.skip:
            continue
        seller = vocab.seller_voice.search(text, line.content_start, line.end)
        partner = vocab.seller_self.search(text, line.content_start, line.end)
        customer = vocab.customer_voice.search(text, line.content_start, line.end)
        either = seller or partner
        if either is not None:
            reading.seller_cues.append(either.group().lower())
        if partner is not None and seller is None:
            reading.partner_cues.append(partner.group().lower())
        if customer is not None:
            reading.customer_cues.append(customer.group().lower())
    rules = vocab.voice_rules
    for reading in readings.values():
        sells, buys = len(reading.seller_cues), len(reading.customer_cues)
        if sells >= rules.min_cues and sells - buys >= rules.min_margin:
            reading.side = SELLER
        elif buys >= rules.min_cues and buys - sells >= rules.min_margin:
            reading.side = CUSTOMER_VOICE
    return readings
