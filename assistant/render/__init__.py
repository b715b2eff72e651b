"""Human-readable views of reports."""

from .terminal import render_report

__all__ = ["render_report"]
