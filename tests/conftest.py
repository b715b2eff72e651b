"""Shared test set-up: a temp state directory, no LLM configuration, no network.

* ``ASSISTANT_HOME`` points at a per-session temp dir, so no test touches the
  user's state (indexes, database, eval runs).
* Every OpenAI / Azure / ``ASSISTANT_LLM_*`` variable is removed: an LLM is only
  used by tests that replay recorded cassettes (``tests/llm_vcr.py``).
* Sockets may connect to loopback only (the Gradio end-to-end tests launch a
  local app); anything else raises, so a real LLM request can never leave the
  machine from a test.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

_LLM_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "OPENAI_API_VERSION",
    "OPENAI_ORG_ID",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "ASSISTANT_LLM_BASE_URL",
    "ASSISTANT_LLM_API_KEY",
    "ASSISTANT_LLM_MODEL",
    "ASSISTANT_LLM_METHOD",
    "ASSISTANT_BACKEND",
    "ASSISTANT_DATABASE_URL",
    "ASSISTANT_EMBEDDINGS",
)

REPO = Path(__file__).resolve().parent.parent


class NetworkBlocked(RuntimeError):
    """Raised when a test tries to reach a non-loopback address."""


def _is_loopback(address: object) -> bool:
    if isinstance(address, str):  # AF_UNIX path
        return True
    if not (isinstance(address, tuple) and address):
        return False
    host = str(address[0])
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("assistant-home")
    saved = {name: os.environ.get(name) for name in (*_LLM_ENV, "ASSISTANT_HOME", "GRADIO_ANALYTICS_ENABLED")}
    for name in _LLM_ENV:
        os.environ.pop(name, None)
    os.environ["ASSISTANT_HOME"] = str(home)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Iterator[None]:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            raise NetworkBlocked(f"tests may not reach the network (tried {address!r})")
        real_connect(self, address)  # type: ignore[arg-type]

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not _is_loopback(address):
            raise NetworkBlocked(f"tests may not reach the network (tried {address!r})")
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]


@pytest.fixture
def repo_root() -> Path:
    return REPO
