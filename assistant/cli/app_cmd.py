"""``assistant app``: start the Gradio app (loopback, offline, rules backend by default)."""

from __future__ import annotations

import click

from ..errors import ConfigError

__all__ = ["app"]


@click.command("app")
@click.option(
    "--host",
    default=None,
    help="Interface to bind (default 127.0.0.1 or ASSISTANT_HOST). "
    "Anything but loopback needs ASSISTANT_APP_USER and ASSISTANT_APP_PASSWORD.",
)
@click.option("--port", type=int, default=None, help="Port (default 7860 or ASSISTANT_PORT).")
@click.option("--backend", default=None, help="Extraction backend for triage (default: rules, offline).")
@click.option("--share", is_flag=True, hidden=True, help="Disabled: public share links are not allowed.")
def app(host: str | None, port: int | None, backend: str | None, share: bool) -> None:
    """Start the Gradio app: paste notes, see triage, draft the email, ask who owns it."""
    from ..config import get_settings

    if share:
        raise ConfigError(
            "--share is disabled: the app holds customer notes; use --host with "
            "ASSISTANT_APP_USER/ASSISTANT_APP_PASSWORD to serve your team instead"
        )
    settings = get_settings(backend=backend)
    from ..app import launch_app, plan_launch

    plan = plan_launch(settings, host, port)  # refuse a bad bind before gradio is imported
    click.echo(
        f"FastFlex assistant on http://{plan.host}:{plan.port} (backend {settings.backend}); Ctrl+C stops it"
    )
    launch_app(settings, plan.host, plan.port, block=True, quiet=True)
