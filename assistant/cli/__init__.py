"""``assistant`` command line.

Sub-commands are imported lazily, so ``assistant triage`` never pays for gradio,
chromadb or langchain at start-up.  Each command lives in its own module and is
listed in ``COMMANDS`` as ``name -> "module:attribute"``.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from ..errors import UserError

__all__ = ["COMMANDS", "main"]

COMMANDS: dict[str, tuple[str, str]] = {
    "triage": (
        "assistant.cli.triage_cmd:triage",
        "Extract discovery fields, raise escalation triggers, show the gate.",
    ),
    "ask": ("assistant.cli.ask_cmd:ask", "Answer 'who owns this?' from the playbooks, citing the passage."),
    "index": ("assistant.cli.ask_cmd:index", "Build (or rebuild) the playbook retrieval index."),
    "email": ("assistant.cli.email_cmd:email", "Draft the follow-up email for a transcript."),
    "eval": ("assistant.cli.eval_cmd:eval_", "Run the evaluation suite on recorded transcripts."),
    "app": ("assistant.cli.app_cmd:app", "Start the Gradio app (offline by default)."),
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target[0].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return _unavailable(cmd_name, target[1])
            raise
        command: click.Command = getattr(module, attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            from ..text.display import plain_words

            click.echo(f"error: {plain_words(str(exc), 400)}", err=True)
            ctx.exit(2)


def _unavailable(name: str, help_text: str) -> click.Command:
    @click.command(name=name, help=help_text)
    def _cmd() -> None:
        raise click.ClickException(f"'assistant {name}' is not available in this build")

    return _cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fastflex-assistant")
def main() -> None:
    """FastFlex pre-sales assistant: discovery triage, escalations, follow-ups and playbook answers."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
