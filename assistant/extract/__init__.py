"""Extraction backends (rules, llm, ...) behind one interface."""

from .base import BACKENDS, Backend, Extraction, available_backends, get_backend, register_backend

__all__ = ["BACKENDS", "Backend", "Extraction", "available_backends", "get_backend", "register_backend"]
