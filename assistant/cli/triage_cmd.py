"""``assistant triage PATH... [--json] [--backend rules|llm]``."""

from __future__ import annotations

import json
import sys

import click

from ..errors import InputError, UserError
from ..extract.base import LLM_FALLBACK
from ..text.display import plain_words

__all__ = ["triage"]


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the contract's JSON (a list, one object per input)."
)
@click.option(
    "--backend",
    default=None,
    help="Extraction backend: rules (offline default) or llm. Also ASSISTANT_BACKEND.",
)
def triage(paths: tuple[str, ...], as_json: bool, backend: str | None) -> None:
    """Triage rep notes or call transcripts (PATH or - for stdin)."""
    from ..config import get_settings
    from ..extract.base import get_backend
    from ..triage import triage_path

    settings = get_settings(backend=backend)
    chosen = get_backend(settings.backend, settings)
    reports = []
    failed = False
    console = None
    if not as_json:
        from rich.console import Console

        console = Console()
    for path in paths:
        try:
            report = triage_path(path, backend=chosen, settings=settings)
        except InputError as exc:
            click.echo(f"error: {plain_words(str(exc), 400)}", err=True)
            failed = True
            continue
        except UserError:
            raise
        for warning in report.warnings:
            if warning.startswith(LLM_FALLBACK):
                click.echo(
                    f"warning: {report.source}: {plain_words(warning, 400)}", err=True
                )  # in every output mode
        if as_json:
            reports.append(report.to_contract())
        else:
            from ..render import render_report

            assert console is not None
            render_report(report, console)
    if as_json:
        sys.stdout.write(json.dumps(reports, indent=2, ensure_ascii=False) + "\n")
    if failed:
        sys.exit(2)
