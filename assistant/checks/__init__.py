"""Deterministic, policy-driven checks: escalation triggers and the stage gate."""

from .gate import compute_gate
from .triggers import CHECKS, run_checks

__all__ = ["CHECKS", "compute_gate", "run_checks"]
