"""The deterministic rules backend (the offline default)."""

from .backend import RulesBackend, extract_fields
from .context import Context

__all__ = ["Context", "RulesBackend", "extract_fields"]
