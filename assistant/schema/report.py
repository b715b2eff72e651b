"""Triggers, gate and the triage report: the stable JSON face of the assistant."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

from .fields import DiscoveryFields

__all__ = [
    "ROLE_IDS",
    "TRIGGER_IDS",
    "Gate",
    "RoleId",
    "TriageReport",
    "Trigger",
    "TriggerId",
    "Usage",
]

TriggerId = Literal[
    "processor_unknown",
    "tooling_unclear",
    "high_risk_use_case",
    "discount_outside_guardrails",
    "responsibility_transfer",
    "unapproved_commitment",
]
TRIGGER_IDS: tuple[str, ...] = TriggerId.__args__  # type: ignore[attr-defined]

RoleId = Literal[
    "external_rep",
    "internal_sdr",
    "certification_sme",
    "technical_pm",
    "engineering",
    "leadership",
    "program_manager",
    "customer_team",
    "deal_desk",
    "sales_manager",
]
ROLE_IDS: tuple[str, ...] = RoleId.__args__  # type: ignore[attr-defined]


class Trigger(BaseModel):
    """An escalation trigger: who must review it, why, and the verbatim evidence."""

    model_config = ConfigDict(extra="allow")

    id: TriggerId
    route_to: list[RoleId]
    reason: str
    evidence: list[str] = PydField(default_factory=list)


class Gate(BaseModel):
    """Stage gate: a deal advances only when every required input is present."""

    ready: bool
    missing: list[str] = PydField(default_factory=list)
    # additions to the contract: required inputs that are only hedged, and the gate's stage
    uncertain: list[str] = PydField(default_factory=list)
    stage: str | None = None


class Usage(BaseModel):
    """Tokens, latency and estimated cost of the model calls behind one report."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    cost_usd: float = 0.0


class TriageReport(BaseModel):
    """The contract's report object; extra keys (warnings, usage...) are additions, never renames."""

    model_config = ConfigDict(extra="allow")

    source: str
    backend: str
    fields: DiscoveryFields
    triggers: list[Trigger] = PydField(default_factory=list)
    gate: Gate
    warnings: list[str] = PydField(default_factory=list)
    usage: Usage | None = None
    latency_ms: float | None = None

    def trigger_ids(self) -> list[str]:
        """Ids of the raised triggers, in order."""
        return [trigger.id for trigger in self.triggers]

    def to_contract(self) -> dict[str, Any]:
        """The JSON-ready dict of the contract (plus additive keys)."""
        data = self.model_dump(mode="json", exclude_none=True)
        data["fields"] = {name: field.model_dump(mode="json") for name, field in self.fields.items()}
        return data
