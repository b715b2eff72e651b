"""The offline rules backend: every contract field from lexicons, cues and patterns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...deadline import check as check_deadline
from ...policy import load_bundle
from ...schema import DiscoveryFields
from ..base import Backend, Extraction
from .assess import State
from .company import extract_company
from .context import Context
from .deal import (
    extract_budget,
    extract_decision_process,
    extract_device_count,
    extract_discount,
    extract_next_steps,
    extract_timeline,
)
from .people import extract_champion, extract_contact, extract_economic_buyer
from .qualification import extract_deal_source, extract_segment
from .requests import extract_requested_responsibilities, find_requests
from .stack import LEXICON_FIELDS, ValueReading, field_from_readings, read_values

if TYPE_CHECKING:
    from ...config import Settings
    from ...text import Document

__all__ = ["RulesBackend", "extract_fields"]


def _vendors_with_models(
    ctx: Context, vendors: list[ValueReading], models: list[ValueReading]
) -> list[ValueReading]:
    """A model named without its maker still tells the maker ("A920s" are PAX)."""
    known = {reading.name for reading in vendors}
    out = list(vendors)
    for model in models:
        vendor = model.mentions[0][0].entry.vendor
        if vendor and vendor not in known and model.state in (State.CONFIRMED, State.UNCERTAIN):
            out.append(ValueReading(vendor, model.state, model.mentions))
            known.add(vendor)
    return out


def extract_fields(ctx: Context) -> DiscoveryFields:
    fields = DiscoveryFields()
    readings = {name: read_values(ctx, kind) for name, kind in LEXICON_FIELDS.items()}
    readings["terminal_vendor"] = _vendors_with_models(
        ctx, readings["terminal_vendor"], readings["terminal_models"]
    )
    for name in LEXICON_FIELDS:
        fields.set(name, field_from_readings(ctx, name, readings[name]))
    tooling = fields.tooling
    nonstandard = [
        r for r in readings["tooling"] if r.nonstandard and r.state in (State.CONFIRMED, State.UNCERTAIN)
    ]
    if nonstandard and tooling.present:
        tooling.model_extra["nonstandard"] = [r.name for r in nonstandard]  # type: ignore[index]
    check_deadline()
    fields.company = extract_company(ctx)
    check_deadline()
    fields.contact, fields.contact_role = extract_contact(ctx)
    check_deadline()
    fields.deal_source = extract_deal_source(ctx)
    check_deadline()
    fields.segment = extract_segment(ctx)
    check_deadline()
    fields.economic_buyer = extract_economic_buyer(ctx)
    check_deadline()
    fields.champion = extract_champion(ctx)
    check_deadline()
    fields.device_count = extract_device_count(ctx)
    check_deadline()
    fields.timeline = extract_timeline(ctx)
    check_deadline()
    fields.budget = extract_budget(ctx)
    check_deadline()
    fields.decision_process = extract_decision_process(ctx)
    check_deadline()
    fields.discount_requested_pct = extract_discount(ctx)
    check_deadline()
    fields.requested_responsibilities = extract_requested_responsibilities(ctx, find_requests(ctx))
    check_deadline()
    fields.next_steps = extract_next_steps(ctx)
    return fields


class RulesBackend(Backend):
    """Deterministic extraction: lexicons with aliases, hedging / negation / correction cues, speakers."""

    name = "rules"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def extract(self, doc: Document) -> Extraction:
        ctx = Context.create(doc, load_bundle(self.settings))
        return Extraction(fields=extract_fields(ctx), backend=self.name)
