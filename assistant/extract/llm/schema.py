"""The structured output the model fills: a flat list of findings, compact enough for a 1.5B model.

One finding is one value with the exact words that state it; a list field
(processors, card brands...) gets one finding per item.  The JSON schema sent to
the model lists the allowed field and trigger names, but parsing is lenient:
an unknown name or a malformed item is dropped and counted (``malformed``)
rather than failing the whole answer, because verification decides what is kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from ...schema import FIELD_NAMES, TRIGGER_IDS

__all__ = ["ExtractionOutput", "Finding", "ProposedTrigger"]

FieldName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(FIELD_NAMES)})]
TriggerName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(TRIGGER_IDS)})]
Status = Annotated[str, WithJsonSchema({"type": "string", "enum": ["confirmed", "uncertain"]})]


def _text(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return value


class Finding(BaseModel):
    """One value stated in the transcript."""

    model_config = ConfigDict(extra="ignore")

    field: FieldName = Field(description="which discovery field")
    value: str = Field(description="the value, short; one item per finding for list fields")
    status: Status = Field(default="confirmed", description="uncertain when the speaker hedges")
    quote: str = Field(description="the exact words copied from the transcript that state the value")

    @field_validator("field", mode="before")
    @classmethod
    def _field_name(cls, value: Any) -> Any:
        return str(value).strip().lower().replace(" ", "_") if value is not None else value

    @field_validator("value", "quote", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return _text(value)

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        text = str(value or "confirmed").strip().lower()
        return "uncertain" if text.startswith(("uncert", "unsure", "hedg", "maybe", "possib")) else text


class ProposedTrigger(BaseModel):
    """An escalation risk the transcript shows, with the exact words that show it."""

    model_config = ConfigDict(extra="ignore")

    id: TriggerName = Field(description="which escalation trigger")
    quote: str = Field(description="the exact words copied from the transcript")

    @field_validator("quote", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return _text(value)


class ExtractionOutput(BaseModel):
    """Discovery fields and escalation risks found in a sales call transcript or intro notes."""

    model_config = ConfigDict(extra="ignore")

    findings: list[Finding] = Field(default_factory=list, description="every value the text states")
    triggers: list[ProposedTrigger] = Field(default_factory=list, description="escalation risks, if any")
    malformed: SkipJsonSchema[int] = 0

    @model_validator(mode="before")
    @classmethod
    def _drop_malformed(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        dropped = 0
        for key, model, names in (
            ("findings", Finding, FIELD_NAMES),
            ("triggers", ProposedTrigger, TRIGGER_IDS),
        ):
            items = data.get(key)
            if items is None:
                continue
            if isinstance(items, dict):
                items = [items]  # one object instead of a list of one
            if not isinstance(items, list):
                continue  # leave it: validation fails on the wrong shape
            kept: list[Finding | ProposedTrigger] = []
            for item in items:
                try:
                    parsed = model.model_validate(item)
                except ValueError:
                    dropped += 1
                    continue
                name = parsed.field if isinstance(parsed, Finding) else parsed.id
                if name not in names or not parsed.quote.strip():
                    dropped += 1
                    continue
                if isinstance(parsed, Finding) and (
                    parsed.status not in ("confirmed", "uncertain") or not parsed.value.strip()
                ):
                    dropped += 1
                    continue
                kept.append(parsed)
            data[key] = kept
        data["malformed"] = int(data.get("malformed") or 0) + dropped
        return data
