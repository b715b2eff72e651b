"""Pydantic models of the triage contract (``shared/spec/triage-contract.md``)."""

from .fields import (
    FIELD_NAMES,
    FIELD_TYPES,
    HIGH_RISK_USE_CASES,
    LIST_FIELDS,
    USE_CASES,
    DiscoveryFields,
    Field,
    FieldStatus,
)
from .report import ROLE_IDS, TRIGGER_IDS, Gate, TriageReport, Trigger, Usage

__all__ = [
    "FIELD_NAMES",
    "FIELD_TYPES",
    "HIGH_RISK_USE_CASES",
    "LIST_FIELDS",
    "ROLE_IDS",
    "TRIGGER_IDS",
    "USE_CASES",
    "DiscoveryFields",
    "Field",
    "FieldStatus",
    "Gate",
    "TriageReport",
    "Trigger",
    "Usage",
]
