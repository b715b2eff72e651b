"""Free-text and numeric fields: company, contact, source, segment, counts, dates, money, discount, steps."""

from __future__ import annotations

import pytest

from assistant.schema import FieldStatus
from assistant.triage import triage_text


def fields(text: str):  # type: ignore[no-untyped-def]
    return triage_text(text).fields


NOTES = """Intro: Northbay Fresh Market <> Omni
From: Dev Malhotra <dev@lakefrontpartners.ca>

Northbay Fresh Market - grocer, Ontario, 42 stores. mid-mkt, ~600 emps
Guy Tremblay, IT Director (main contact). CFO = Annette Roy, signs anything over 50k
- 8 lanes per store, all staffed
- Budget: ~$120k approved
- wants recert done by end of Q3
- asked if a fifth off is doable
Next steps:
- Omni SDR to send recap
"""


def test_people_and_company_from_rep_notes() -> None:
    f = fields(NOTES)
    assert f.company.value == "Northbay Fresh Market"
    assert f.contact.value == "Guy Tremblay"
    assert f.contact_role.value and "Director" in f.contact_role.value
    assert f.economic_buyer.value and "Annette Roy" in f.economic_buyer.value
    assert f.deal_source.value == "external_rep"
    assert f.segment.value == "mid_market"


def test_numbers_from_notes() -> None:
    f = fields(NOTES)
    assert f.device_count.value == 336  # 42 stores x 8 lanes
    assert f.discount_requested_pct.value == 20
    assert f.budget.value and "120k" in f.budget.value
    assert f.timeline.value and "Q3" in f.timeline.value
    assert f.next_steps.value == ["Omni SDR to send recap"]


@pytest.mark.parametrize(
    "text,pct",
    [
        ("Customer: they want to knock 20 off the list price.", 20),
        ("Customer: could you do twelve and a half percent off?", 12.5),
        ("Customer: we'd need a 25% discount to sign.", 25),
        ("Customer: a quarter off would get this done.", 25),
    ],
)
def test_discount_idioms(text: str, pct: float) -> None:
    assert fields(text).discount_requested_pct.value == pct


@pytest.mark.parametrize(
    "text",
    [
        "Customer: 95% of our transactions are contactless.",
        "Customer: we won't need a discount, pricing is fine.",
        "Customer: we grew 30% last year.",
    ],
)
def test_percentages_that_are_not_discount_asks(text: str) -> None:
    assert fields(text).discount_requested_pct.status is FieldStatus.MISSING


@pytest.mark.parametrize(
    "text,count",
    [
        ("Customer: two hundred ten kiosks in total.", 210),
        ("Customer: forty stores, three lanes each.", 120),
        ("Customer: about 1,200 terminals.", 1200),
    ],
)
def test_device_counts(text: str, count: int) -> None:
    f = fields(text)
    assert f.device_count.value == count
    assert f.device_count.status is FieldStatus.CONFIRMED


def test_inbound_source_and_enterprise_segment() -> None:
    f = fields(
        "Customer: We found you on Google and filled out the demo request. We're about 4,000 employees."
    )
    assert f.deal_source.value == "inbound"
    assert f.segment.value == "enterprise"
