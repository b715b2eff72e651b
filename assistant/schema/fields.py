"""Discovery fields of the FastFlex checklist, as fixed by the triage contract."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

__all__ = [
    "FIELD_NAMES",
    "HIGH_RISK_USE_CASES",
    "LIST_FIELDS",
    "DealSource",
    "DiscoveryFields",
    "Field",
    "FieldStatus",
    "Segment",
    "UseCase",
]


class FieldStatus(StrEnum):
    """``confirmed``, ``uncertain`` or ``missing``."""

    CONFIRMED = "confirmed"
    UNCERTAIN = "uncertain"
    MISSING = "missing"


DealSource = Literal["external_rep", "inbound", "leadership"]
Segment = Literal["enterprise", "mid_market", "smb"]
UseCase = Literal[
    "attended",
    "unattended",
    "kiosk",
    "transit",
    "vending",
    "ev_charging",
    "parking",
    "fuel",
    "mobile",
    "ecommerce",
    "self_checkout",
]
USE_CASES: tuple[str, ...] = get_args(UseCase)
HIGH_RISK_USE_CASES: frozenset[str] = frozenset(
    {"unattended", "kiosk", "transit", "vending", "ev_charging", "parking", "fuel", "self_checkout"}
)


class Field(BaseModel):
    """One discovery field: its value, how sure the text is, and verbatim evidence.

    ``value`` is ``None`` (or empty for list fields) when the text does not state it.
    Every evidence string is an exact substring of the (newline-normalised) input.
    """

    model_config = ConfigDict(extra="allow")

    value: Any = None
    status: FieldStatus = FieldStatus.MISSING
    evidence: list[str] = PydField(default_factory=list)

    @property
    def present(self) -> bool:
        """True unless the field is missing."""
        return self.status is not FieldStatus.MISSING

    @classmethod
    def missing(cls) -> Field:
        """A missing field (no value, no evidence)."""
        return cls()


# Field name -> python type of its value (documentation and LLM schema generation use it).
FIELD_TYPES: dict[str, Any] = {
    "company": str,
    "contact": str,
    "contact_role": str,
    "deal_source": DealSource,
    "segment": Segment,
    "processor": list[str],
    "gateway": list[str],
    "terminal_vendor": list[str],
    "terminal_models": list[str],
    "kif": list[str],
    "tooling": list[str],
    "use_cases": list[UseCase],
    "card_brands": list[str],
    "regions": list[str],
    "device_count": int,
    "timeline": str,
    "budget": str,
    "decision_process": str,
    "economic_buyer": str,
    "champion": str,
    "discount_requested_pct": float,
    "requested_responsibilities": list[str],
    "next_steps": list[str],
}
FIELD_NAMES: tuple[str, ...] = tuple(FIELD_TYPES)
LIST_FIELDS: frozenset[str] = frozenset(
    name for name, kind in FIELD_TYPES.items() if getattr(kind, "__origin__", None) is list
)


def _missing() -> Field:
    return Field()


class DiscoveryFields(BaseModel):
    """Every field of the contract; all are always present (``missing`` when unknown)."""

    company: Field = PydField(default_factory=_missing)
    contact: Field = PydField(default_factory=_missing)
    contact_role: Field = PydField(default_factory=_missing)
    deal_source: Field = PydField(default_factory=_missing)
    segment: Field = PydField(default_factory=_missing)
    processor: Field = PydField(default_factory=_missing)
    gateway: Field = PydField(default_factory=_missing)
    terminal_vendor: Field = PydField(default_factory=_missing)
    terminal_models: Field = PydField(default_factory=_missing)
    kif: Field = PydField(default_factory=_missing)
    tooling: Field = PydField(default_factory=_missing)
    use_cases: Field = PydField(default_factory=_missing)
    card_brands: Field = PydField(default_factory=_missing)
    regions: Field = PydField(default_factory=_missing)
    device_count: Field = PydField(default_factory=_missing)
    timeline: Field = PydField(default_factory=_missing)
    budget: Field = PydField(default_factory=_missing)
    decision_process: Field = PydField(default_factory=_missing)
    economic_buyer: Field = PydField(default_factory=_missing)
    champion: Field = PydField(default_factory=_missing)
    discount_requested_pct: Field = PydField(default_factory=_missing)
    requested_responsibilities: Field = PydField(default_factory=_missing)
    next_steps: Field = PydField(default_factory=_missing)

    def get(self, name: str) -> Field:
        """The field called ``name``."""
        if name not in FIELD_TYPES:
            raise KeyError(f"unknown discovery field {name!r}")
        field: Field = getattr(self, name)
        return field

    def set(self, name: str, field: Field) -> None:
        """Replace the field called ``name``."""
        if name not in FIELD_TYPES:
            raise KeyError(f"unknown discovery field {name!r}")
        setattr(self, name, field)

    def items(self) -> list[tuple[str, Field]]:
        """``(name, field)`` pairs in contract order."""
        return [(name, self.get(name)) for name in FIELD_NAMES]
