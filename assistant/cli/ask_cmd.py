"""``assistant ask`` and ``assistant index``: ownership answers from the playbooks.

Heavy imports (chromadb, the embedding model, langchain) happen inside the commands.
"""

from __future__ import annotations

import json
from typing import Any

import click

__all__ = ["ask", "index"]


def _print_answer(result: Any) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    console.print(escape(result.answer))
    owners = ", ".join(result.owner_names) if result.owners else "none (the playbooks do not say)"
    console.print(f"[bold]Owners:[/bold] {escape(owners)}")
    if result.must_not:
        console.print(f"[bold]Must not own it:[/bold] {escape(', '.join(result.must_not_names))}")
    for source in result.sources:
        console.print(f"  [dim]{escape(source.doc)} > {escape(source.section)}[/dim]")
        console.print(f'    "{escape(source.quote)}"')


@click.command("ask")
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON object.")
@click.option(
    "--backend",
    default="rules",
    show_default=True,
    help="'rules' (offline, deterministic) or 'llm' (configured chat model phrases the answer).",
)
def ask(question: tuple[str, ...], as_json: bool, backend: str) -> None:
    """Answer QUESTION ("who owns ...?") from the playbooks in knowledge/, with owners and quotes."""
    from ..config import get_settings
    from ..retrieval import ask as ask_question
    from ..retrieval import build_index

    settings = get_settings()
    build_index(settings)  # no-op unless the playbooks changed
    result = ask_question(" ".join(question), settings=settings, backend=backend)
    if as_json:
        click.echo(json.dumps(result.to_contract(), indent=2, ensure_ascii=False))
    else:
        _print_answer(result)


@click.command("index")
@click.option("--force", is_flag=True, help="Rebuild even when the playbooks did not change.")
@click.option("--json", "as_json", is_flag=True, help="Print the build statistics as JSON.")
def index(force: bool, as_json: bool) -> None:
    """Build the playbook retrieval index (only when knowledge/ changed, unless --force)."""
    from ..config import get_settings
    from ..retrieval import build_index

    stats = build_index(get_settings(), force=force)
    if as_json:
        click.echo(json.dumps(stats.model_dump(), indent=2))
    elif stats.rebuilt:
        click.echo(
            f"indexed {stats.chunks} chunks from {stats.files} files in {stats.seconds:.1f}s ({stats.embedder})"
        )
    else:
        click.echo(f"index up to date: {stats.chunks} chunks from {stats.files} files")
