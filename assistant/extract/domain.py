"""Out-of-domain honesty: is this input about payments or certification, and does it hold a customer?

An input that is not about card payments or certification (a podcast transcript, a team
offsite, a recipe) says so in the report's ``warnings`` and its fields are left empty, instead
of being filled from small talk.  An input with no customer in it (no customer-side person, no
company) says that too.  The payments vocabulary lives in ``policy/values.toml``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..schema import Field, FieldStatus

if TYPE_CHECKING:
    from ..policy import PolicyBundle
    from ..schema import DiscoveryFields
    from ..text import Document

__all__ = ["OFF_TOPIC", "domain_warnings", "is_off_topic"]

OFF_TOPIC = "this input does not look like a payments or certification conversation; no fields were filled"
NO_CUSTOMER = "no customer could be identified in this input (no customer-side person or company)"
# fewer payments words than this per 1,000 words, and no lexicon name at all: off-topic
_MIN_PER_1K_WORDS = 4.0
_MIN_HITS = 3
_MIN_WORDS = 150  # a short note is too short to judge: it is read as it is


def is_off_topic(doc: Document, bundle: PolicyBundle, fields: DiscoveryFields) -> bool:
    """Almost no payments words, and no processor, gateway, terminal, tool or card brand found."""
    words = max(1, len(doc.text.split()))
    if words < _MIN_WORDS:
        return False
    hits = len(bundle.values.payments.findall(doc.text))
    named = any(
        fields.get(name).present and fields.get(name).value
        for name in (
            "processor",
            "gateway",
            "terminal_vendor",
            "terminal_models",
            "kif",
            "tooling",
            "card_brands",
        )
    )
    return not named and (hits < _MIN_HITS or hits * 1000 / words < _MIN_PER_1K_WORDS)


def domain_warnings(fields: DiscoveryFields, doc: Document, bundle: PolicyBundle) -> list[str]:
    """Warnings for an off-topic input (its fields are cleared) or one without a customer."""
    if is_off_topic(doc, bundle, fields):
        for name, field in fields.items():
            if field.status is not FieldStatus.MISSING:
                fields.set(name, Field())
        return [OFF_TOPIC]
    has_customer = bool(doc.participants.on_side("customer")) or fields.get("company").present
    if not has_customer and not fields.get("contact").present:
        return [NO_CUSTOMER]
    return []
