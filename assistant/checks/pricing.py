"""Pricing outside guardrails: the pricing exceptions the acts layer's vocabulary names.

The phrases live in ``policy/acts.toml`` (``[[pricing]]``) and are read by
:mod:`assistant.extract.rules.pricing_asks`, the one reader shared with the LLM
verifier; this module only exposes them to the checks.
"""

from __future__ import annotations

from ..extract.rules.context import Context
from ..extract.rules.pricing_asks import MoneyAsk, PricingException, money_asks, pricing_exceptions

__all__ = ["MoneyAsk", "PricingException", "find_money_asks", "find_pricing_exceptions"]


def find_pricing_exceptions(ctx: Context) -> list[PricingException]:
    """Free work, a free pilot, waived fees, price matching, fixed price on unscoped work..."""
    return pricing_exceptions(ctx)


def find_money_asks(ctx: Context) -> list[MoneyAsk]:
    """Money asked off a stated quote or budget, in percent of it."""
    return money_asks(ctx)
