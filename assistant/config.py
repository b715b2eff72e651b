"""Settings: explicit argument, then environment variable, then default.

All state (indexes, opportunity database, eval runs, caches) lives under one
directory, ``Settings.home`` (``ASSISTANT_HOME``), so tests point it at a temp dir.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .deadline import DEFAULT_TRIAGE_TIMEOUT_S
from .errors import ConfigError

__all__ = ["PROJECT_ROOT", "LLMSettings", "Settings", "get_settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP_WORKERS = 4
DEFAULT_APP_QUEUE = 16


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _pick(explicit: Any, env_names: tuple[str, ...], default: Any) -> Any:
    if explicit is not None:
        return explicit
    for name in env_names:
        value = _env(name)
        if value is not None:
            return value
    return default


class LLMSettings(BaseModel):
    """How to reach an OpenAI-compatible chat model (OpenAI, Azure, Ollama, vLLM, llama.cpp)."""

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
        return bool(self.api_key or self.base_url)


class Settings(BaseModel):
    """Resolved configuration of one run."""

    model_config = ConfigDict(frozen=True)

    home: Path
    backend: str = "rules"
    policy_dir: Path
    prompts_dir: Path
    knowledge_dir: Path
    evals_dir: Path
    database_url: str
    embeddings: str = "minilm"
    app_host: str = "127.0.0.1"
    app_port: int = 7860
    app_user: str | None = None
    app_password: str | None = None
    sender_name: str = "Omni Sales"
    sender_email: str = "sales@omni.example"
    signature: str = "Omni FastFlex team"
    triage_timeout_s: float = DEFAULT_TRIAGE_TIMEOUT_S  # per input; 0 = no limit
    app_workers: int = DEFAULT_APP_WORKERS  # triages the app runs at once
    app_queue: int = DEFAULT_APP_QUEUE  # triages that may wait for a worker; more are refused
    llm: LLMSettings = LLMSettings()

    @property
    def state_dir(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home

    @classmethod
    def resolve(cls, **explicit: Any) -> Settings:
        """Build settings: explicit keyword arguments win over ``ASSISTANT_*`` env vars over defaults."""
        home = Path(
            _pick(explicit.get("home"), ("ASSISTANT_HOME",), PROJECT_ROOT / ".assistant")
        ).expanduser()
        llm_explicit = explicit.get("llm") or {}
        llm = LLMSettings(
            base_url=_pick(llm_explicit.get("base_url"), ("ASSISTANT_LLM_BASE_URL", "OPENAI_BASE_URL"), None),
            api_key=_pick(llm_explicit.get("api_key"), ("ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY"), None),
            model=_pick(llm_explicit.get("model"), ("ASSISTANT_LLM_MODEL", "OPENAI_MODEL"), "gpt-4o-mini"),
            method=_pick(llm_explicit.get("method"), ("ASSISTANT_LLM_METHOD",), "function_calling"),
            timeout_s=_pick(llm_explicit.get("timeout_s"), ("ASSISTANT_LLM_TIMEOUT",), 120.0),
            max_retries=_pick(llm_explicit.get("max_retries"), ("ASSISTANT_LLM_MAX_RETRIES",), 2),
            max_input_tokens=_pick(
                llm_explicit.get("max_input_tokens"), ("ASSISTANT_LLM_MAX_INPUT_TOKENS",), 6000
            ),
            temperature=_pick(llm_explicit.get("temperature"), ("ASSISTANT_LLM_TEMPERATURE",), 0.0),
            azure_api_version=_pick(
                llm_explicit.get("azure_api_version"),
                ("ASSISTANT_AZURE_API_VERSION", "OPENAI_API_VERSION"),
                None,
            ),
        )
        values: dict[str, Any] = {
            "home": home,
            "backend": _pick(explicit.get("backend"), ("ASSISTANT_BACKEND",), "rules"),
            "policy_dir": _pick(
                explicit.get("policy_dir"), ("ASSISTANT_POLICY_DIR",), PROJECT_ROOT / "policy"
            ),
            "prompts_dir": _pick(
                explicit.get("prompts_dir"), ("ASSISTANT_PROMPTS_DIR",), PROJECT_ROOT / "prompts"
            ),
            "knowledge_dir": _pick(
                explicit.get("knowledge_dir"), ("ASSISTANT_KNOWLEDGE_DIR",), PROJECT_ROOT / "knowledge"
            ),
            "evals_dir": _pick(explicit.get("evals_dir"), ("ASSISTANT_EVALS_DIR",), PROJECT_ROOT / "evals"),
            "database_url": _pick(
                explicit.get("database_url"),
                ("ASSISTANT_DATABASE_URL",),
                f"sqlite:///{home / 'assistant.db'}",
            ),
            "embeddings": _pick(explicit.get("embeddings"), ("ASSISTANT_EMBEDDINGS",), "minilm"),
            "app_host": _pick(explicit.get("app_host"), ("ASSISTANT_HOST",), "127.0.0.1"),
            "app_port": _pick(explicit.get("app_port"), ("ASSISTANT_PORT",), 7860),
            "app_user": _pick(explicit.get("app_user"), ("ASSISTANT_APP_USER",), None),
            "app_password": _pick(explicit.get("app_password"), ("ASSISTANT_APP_PASSWORD",), None),
            "sender_name": _pick(explicit.get("sender_name"), ("ASSISTANT_SENDER_NAME",), "Omni Sales"),
            "sender_email": _pick(
                explicit.get("sender_email"), ("ASSISTANT_SENDER_EMAIL",), "sales@omni.example"
            ),
            "signature": _pick(explicit.get("signature"), ("ASSISTANT_SIGNATURE",), "Omni FastFlex team"),
            "triage_timeout_s": _pick(
                explicit.get("triage_timeout_s"), ("ASSISTANT_TRIAGE_TIMEOUT",), DEFAULT_TRIAGE_TIMEOUT_S
            ),
            "app_workers": _pick(
                explicit.get("app_workers"), ("ASSISTANT_APP_WORKERS",), DEFAULT_APP_WORKERS
            ),
            "app_queue": _pick(explicit.get("app_queue"), ("ASSISTANT_APP_QUEUE",), DEFAULT_APP_QUEUE),
            "llm": llm,
        }
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
