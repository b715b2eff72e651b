"""Money written the French / European way is read like "$60,000": "60 000 $", "€85.000", "60k€".

Sentences are written for these tests (fictional firms).
"""

from __future__ import annotations

import pytest

from assistant.extract.rules.numbers import find_money
from assistant.triage import triage_text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("le devis est de 72 000 $ HT", 72_000),
        ("we were quoted €64.000 all in", 64_000),
        ("max 48.500 € for the year", 48_500),
        ("1.250,50 € par mois", 1_250.5),
        ("on peut monter à 55k€", 55_000),
        ("plafond 55 k€", 55_000),
        ("budget 30 000 EUR", 30_000),
        ("CHF 41 000 approved", 41_000),
        ("$60,000 quote", 60_000),  # the US forms still read as before
        ("$1.50 per transaction", 1.5),
        ("€2.5k for travel", 2_500),
    ],
)
def test_european_amounts_read_as_their_value(text: str, value: float) -> None:
    amounts = find_money(text)
    assert [m.value for m in amounts] == [value]
    assert text[amounts[0].start : amounts[0].end] == amounts[0].text


def test_amounts_come_in_text_order_and_a_year_before_a_price_is_no_money() -> None:
    assert [m.value for m in find_money("entre 2 500 € et 3.000 €")] == [2_500, 3_000]
    assert [m.value for m in find_money("by Q2 2027 $45k is the cap")] == [45_000]
    assert find_money("we have 5 000 lanes") == []


def test_a_price_ask_in_european_money_is_measured_against_the_quote() -> None:
    text = (
        "Ines (Omni SDR): Thanks, Luc.\n"
        "Luc (Boulangeries Marin): Your proposal says 140 000 $ but our board approved 100 000 $, can you get there?\n"
    )
    report = triage_text(text, source="eu-money", backend="rules")
    assert report.fields.discount_requested_pct.value == pytest.approx(28.57, abs=0.01)
    assert "discount_outside_guardrails" in {t.id for t in report.triggers}
