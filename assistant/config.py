"""Settings: explicit argument, then environment variable, then default.

Each default is written once, on the model field below; :meth:`Settings.resolve`
only fills in what an explicit argument or an ``ASSISTANT_*`` variable provides.
All state (indexes, opportunity database, eval runs, caches) lives under one
directory, ``Settings.home`` (``ASSISTANT_HOME``), so tests point it at a temp dir.
Data folders default to the repository's in a checkout and to the copies shipped in
the package otherwise (:mod:`assistant.resources`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .deadline import DEFAULT_TRIAGE_TIMEOUT_S
from .errors import ConfigError
from .resources import PROJECT_ROOT, data_dir, default_home

__all__ = ["PROJECT_ROOT", "LLMSettings", "Settings", "get_settings"]

# setting -> environment variables read for it, first set one wins
_LLM_ENV: dict[str, tuple[str, ...]] = {
    "base_url": ("ASSISTANT_LLM_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY"),
    "model": ("ASSISTANT_LLM_MODEL", "OPENAI_MODEL"),
    "method": ("ASSISTANT_LLM_METHOD",),
    "timeout_s": ("ASSISTANT_LLM_TIMEOUT",),
    "max_retries": ("ASSISTANT_LLM_MAX_RETRIES",),
    "max_input_tokens": ("ASSISTANT_LLM_MAX_INPUT_TOKENS",),
    "temperature": ("ASSISTANT_LLM_TEMPERATURE",),
    "azure_api_version": ("ASSISTANT_AZURE_API_VERSION", "OPENAI_API_VERSION"),
}
_ENV: dict[str, tuple[str, ...]] = {
    "home": ("ASSISTANT_HOME",),
    "backend": ("ASSISTANT_BACKEND",),
    "policy_dir": ("ASSISTANT_POLICY_DIR",),
    "prompts_dir": ("ASSISTANT_PROMPTS_DIR",),
    "knowledge_dir": ("ASSISTANT_KNOWLEDGE_DIR",),
    "evals_dir": ("ASSISTANT_EVALS_DIR",),
    "database_url": ("ASSISTANT_DATABASE_URL",),
    "embeddings": ("ASSISTANT_EMBEDDINGS",),
    "app_host": ("ASSISTANT_HOST",),
    "app_port": ("ASSISTANT_PORT",),
    "app_user": ("ASSISTANT_APP_USER",),
    "app_password": ("ASSISTANT_APP_PASSWORD",),
    "sender_name": ("ASSISTANT_SENDER_NAME",),
    "sender_email": ("ASSISTANT_SENDER_EMAIL",),
    "signature": ("ASSISTANT_SIGNATURE",),
    "triage_timeout_s": ("ASSISTANT_TRIAGE_TIMEOUT",),
    "app_workers": ("ASSISTANT_APP_WORKERS",),
    "app_queue": ("ASSISTANT_APP_QUEUE",),
}


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _found(explicit: Mapping[str, Any], env: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """The values given explicitly or through the environment; absent keys take the field default."""
    values: dict[str, Any] = {}
    for key, names in env.items():
        if explicit.get(key) is not None:
            values[key] = explicit[key]
            continue
        value = next((found for found in map(_env, names) if found is not None), None)
        if value is not None:
            values[key] = value
    return values


class LLMSettings(BaseModel):
    """How to reach an OpenAI-compatible chat model (OpenAI, Azure, Ollama, vLLM, llama.cpp).

    ``timeout_s`` is the *total* deadline of one model call: connecting, every retry,
    every backoff wait (a ``Retry-After`` included) and reading the answer.
    """

    model_config = ConfigDict(frozen=True)

    base_url: str | None = None
    api_key: str | None = None
    model: str = "gpt-4o-mini"
    method: str = "function_calling"  # or "json_schema" (OpenAI), "json_mode"
    timeout_s: float = 120.0
    max_retries: int = 2
    max_input_tokens: int = 6000
    temperature: float = 0.0
    azure_api_version: str | None = None

    @property
    def configured(self) -> bool:
        """True when an endpoint or an API key is set."""
        return bool(self.api_key or self.base_url)


class Settings(BaseModel):
    """Resolved configuration of one run."""

    model_config = ConfigDict(frozen=True)

    home: Path = Field(default_factory=default_home)
    backend: str = "rules"
    policy_dir: Path = Field(default_factory=lambda: data_dir("policy"))
    prompts_dir: Path = Field(default_factory=lambda: data_dir("prompts"))
    knowledge_dir: Path = Field(default_factory=lambda: data_dir("knowledge"))
    evals_dir: Path = Field(default_factory=lambda: data_dir("evals"))
    database_url: str = ""  # empty: SQLite in the state directory (filled in below)
    embeddings: str = "minilm"
    app_host: str = "127.0.0.1"
    app_port: int = 7860
    app_user: str | None = None
    app_password: str | None = None
    sender_name: str = "Omni Sales"
    sender_email: str = "sales@omni.example"
    signature: str = "Omni FastFlex team"
    triage_timeout_s: float = DEFAULT_TRIAGE_TIMEOUT_S  # per input; 0 = no limit
    app_workers: int = 4  # triages the app runs at once
    app_queue: int = 16  # triages that may wait for a worker; more are refused
    llm: LLMSettings = LLMSettings()

    @field_validator("home", "policy_dir", "prompts_dir", "knowledge_dir", "evals_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.home / 'assistant.db'}")
        return self

    @property
    def state_dir(self) -> Path:
        """The state directory, created on first use."""
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home

    @classmethod
    def resolve(cls, **explicit: Any) -> Settings:
        """Build settings: explicit keyword arguments win over ``ASSISTANT_*`` env vars over defaults."""
        values = _found(explicit, _ENV)
        values["llm"] = _found(explicit.get("llm") or {}, _LLM_ENV)
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ConfigError(
                f"invalid setting {where}: {first['msg']}; fix the argument or the ASSISTANT_* environment variable"
            ) from exc


def get_settings(**explicit: Any) -> Settings:
    """Resolve settings (explicit > environment > default)."""
    return Settings.resolve(**explicit)
