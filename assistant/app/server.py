"""Launching the app safely: loopback by default, credentials required anywhere else."""

from __future__ import annotations

import ipaddress
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["LaunchPlan", "is_loopback", "launch_app", "plan_launch", "prepare_environment"]

MAX_SERVER_FILE_SIZE = "5mb"  # hard cap at the server; the handlers refuse > 1 MB with a message


def prepare_environment(settings: Settings) -> None:
    """Offline, private defaults; call before gradio is imported."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_TEMP_DIR", str(settings.state_dir / "gradio-tmp"))


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; anything else reaches the network."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class LaunchPlan:
    host: str
    port: int
    auth: tuple[str, str] | None


def plan_launch(settings: Settings, host: str | None = None, port: int | None = None) -> LaunchPlan:
    """Resolve host, port and auth; refuse a non-loopback bind without credentials."""
    bind = (host or settings.app_host or "127.0.0.1").strip()
    chosen_port = int(port if port is not None else settings.app_port)
    if not 0 < chosen_port < 65536:
        raise ConfigError(f"port {chosen_port} is out of range; pass --port between 1 and 65535")
    auth = (settings.app_user, settings.app_password) if settings.app_user and settings.app_password else None
    if (settings.app_user is None) != (settings.app_password is None):
        raise ConfigError("set both ASSISTANT_APP_USER and ASSISTANT_APP_PASSWORD, or neither")
    if not is_loopback(bind) and auth is None:
        raise ConfigError(
            f"binding to {bind} exposes customer notes to the network; set ASSISTANT_APP_USER and "
            "ASSISTANT_APP_PASSWORD to require a login, or bind to 127.0.0.1 (the default)"
        )
    return LaunchPlan(host=bind, port=chosen_port, auth=auth)


def launch_app(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    *,
    block: bool = True,
    quiet: bool = False,
) -> Any:
    """Build and launch the app; with ``block=False`` return the running Blocks (tests close it)."""
    plan = plan_launch(settings, host, port)
    prepare_environment(settings)
    from starlette.middleware import Middleware

    from ..retrieval import warm_up  # the playbook index and model load while gradio starts
    from .limits import BodyLimit
    from .login import LoginThrottle

    threading.Thread(target=warm_up, args=(settings,), name="ask-warm-up", daemon=True).start()
    from .ui import APP_CSS, build_app

    demo = build_app(settings)
    demo.queue(default_concurrency_limit=2, max_size=settings.app_workers + settings.app_queue * 4)
    demo.launch(
        server_name=plan.host,
        server_port=plan.port,
        auth=LoginThrottle(*plan.auth) if plan.auth else None,  # throttled, with backoff
        share=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        quiet=quiet,
        show_error=True,
        ssr_mode=False,
        mcp_server=False,
        enable_monitoring=False,
        max_file_size=MAX_SERVER_FILE_SIZE,
        allowed_paths=[str(settings.state_dir / "exports")],
        footer_links=["settings"],
        css=APP_CSS,
        app_kwargs={"middleware": [Middleware(BodyLimit)]},  # a huge body is refused before it is read
    )
    return demo
