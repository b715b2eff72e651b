"""The stage gate: which required inputs are still missing (or only hedged)."""

from __future__ import annotations

from ..policy import Policy
from ..schema import DiscoveryFields, FieldStatus, Gate

__all__ = ["compute_gate"]


def compute_gate(fields: DiscoveryFields, policy: Policy) -> Gate:
    missing = [name for name in policy.gate.required if fields.get(name).status is FieldStatus.MISSING]
    uncertain = [name for name in policy.gate.required if fields.get(name).status is FieldStatus.UNCERTAIN]
    ready = not missing and not (policy.gate.uncertain_blocks and uncertain)
    return Gate(ready=ready, missing=missing, uncertain=uncertain, stage=policy.gate.stage)
