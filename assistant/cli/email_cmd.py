"""``assistant email PATH [--json|--eml]``: draft the follow-up email for a transcript.

PATH is a transcript or rep notes (``-`` for stdin), triaged first, or a saved
triage report (``assistant triage --json`` output, a ``.json`` file).  Heavy
imports stay inside the function so the CLI starts fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import InputError

if TYPE_CHECKING:
    from ..config import Settings
    from ..schema import TriageReport

__all__ = ["email", "load_report"]


def _report_from_json(path: str, text: str) -> TriageReport:
    from pydantic import ValidationError

    from ..schema import TriageReport
    from ..text import mask_sensitive

    try:
        data: Any = json.loads(mask_sensitive(text))  # a saved report is input like any other
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON ({exc.msg}); pass a transcript or 'assistant triage --json' output"
        ) from None
    if isinstance(data, list):
        if len(data) != 1:
            raise InputError(f"{path}: holds {len(data)} reports; pass a file with exactly one")
        data = data[0]
    try:
        return TriageReport.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{path}: not a triage report ({exc.error_count()} validation errors)") from None


def load_report(path: str, *, settings: Settings) -> TriageReport:
    """A triage report for ``path``: parsed when it is a saved report, else triaged now (``settings.backend``)."""
    from ..text import read_source

    source = read_source(path)
    if path != "-" and Path(path).suffix.lower() == ".json":
        return _report_from_json(path, source.text)
    from ..triage import triage_text

    return triage_text(source.text, source=source.source, settings=settings)


@click.command(name="email")
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="Print {subject, to, body, questions, guard} as JSON.")
@click.option("--eml", "as_eml", is_flag=True, help="Write an RFC 5322 .eml message a mail client opens.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of stdout.",
)
@click.option(
    "--backend",
    default=None,
    help="Extraction backend for a transcript (default: ASSISTANT_BACKEND or rules).",
)
@click.option(
    "--polish/--no-polish",
    default=None,
    help="Let the configured LLM polish the tone (default: on when an LLM is configured). The guard checks it again.",
)
def email(
    path: str, as_json: bool, as_eml: bool, output: Path | None, backend: str | None, polish: bool | None
) -> None:
    """Draft the follow-up email for PATH (a transcript, '-' for stdin, or a triage report .json).

    The draft recaps what the buyer confirmed, asks one question per open point,
    and never contains a price, discount, date or promise (policy/email_guard.toml).
    """
    if as_json and as_eml:
        raise click.UsageError("choose one of --json and --eml")
    from ..config import get_settings
    from ..drafting import draft_email, to_eml

    settings = get_settings(backend=backend)
    report = load_report(path, settings=settings)
    use_polish = settings.llm.configured if polish is None else polish
    draft = draft_email(report, settings=settings, polish=use_polish)

    if as_eml:
        data = to_eml(draft)
    elif as_json:
        data = (json.dumps(draft.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    else:
        data = _human(draft).encode("utf-8")

    if output is not None:
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise InputError(
                f"{output}: cannot write ({exc.strerror}); choose another --output path"
            ) from None
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(data, nl=False)  # bytes go to the binary stream untouched

    from ..text.display import plain_words

    for warning in draft.warnings:
        click.echo(f"warning: {plain_words(warning, 400)}", err=True)
    if not as_json:
        _guard_summary(draft)


def _human(draft: Any) -> str:
    from ..text.display import safe_display

    to = draft.to or "(no contact name found: add the recipient)"
    return safe_display(
        f"To: {to}\nSubject: {draft.subject}\n\n{draft.body}"
    )  # no escapes reach the terminal


def _guard_summary(draft: Any) -> None:
    from ..text.display import plain_words

    guard = draft.guard
    for fix in guard.fixes:
        action = "rewrote" if fix.action == "rewrite" else "left out" if fix.action == "omit" else "removed"
        click.echo(f"guard: {action} ({fix.rule}): {plain_words(fix.sentence, 400)}", err=True)
    if guard.fell_back:
        click.echo(f"guard: used the template draft ({guard.reason})", err=True)
