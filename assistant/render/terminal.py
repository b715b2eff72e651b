"""The readable terminal view of a triage report (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..schema import FieldStatus, TriageReport
from ..text.display import safe_display

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["render_report"]

_STATUS_STYLE = {
    FieldStatus.CONFIRMED: ("✔ confirmed", "green"),
    FieldStatus.UNCERTAIN: ("? uncertain", "yellow"),
    FieldStatus.MISSING: ("✘ missing", "red"),
}


def _value_text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return safe_display(", ".join(str(item) for item in value)) or "—"
    return safe_display(str(value))


def render_report(report: TriageReport, console: Console) -> None:
    """Print ``report`` as the readable terminal view."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    # nothing from the input reaches the terminal with its control or escape characters
    console.rule(f"[bold]{escape(safe_display(report.source))}[/bold]  ·  backend: {escape(report.backend)}")
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("value", ratio=2)
    table.add_column("evidence", ratio=3, style="dim")
    for name, field in report.fields.items():
        label, colour = _STATUS_STYLE[field.status]
        evidence = "\n".join(f"“{safe_display(quote)}”" for quote in field.evidence[:2])
        table.add_row(name, Text(label, style=colour), Text(_value_text(field.value)), Text(evidence))
    console.print(table)

    if report.triggers:
        for trigger in report.triggers:
            body = Text(trigger.reason + "\n")
            body.append("review: ", style="bold")
            body.append(", ".join(trigger.route_to) + "\n", style="cyan")
            for quote in trigger.evidence[:3]:
                body.append(f"  “{safe_display(quote)}”\n", style="dim")
            console.print(Panel(body, title=f"[bold red]⚑ {trigger.id}[/bold red]", border_style="red"))
    else:
        console.print(Panel("No escalation triggers.", border_style="green"))

    gate = report.gate
    if gate.ready:
        console.print(Panel(f"Gate ({gate.stage}): [green]ready[/green]", border_style="green"))
    else:
        lines = [f"[red]missing:[/red] {', '.join(gate.missing) or '—'}"]
        if gate.uncertain:
            lines.append(f"[yellow]uncertain:[/yellow] {', '.join(gate.uncertain)}")
        console.print(Panel("\n".join(lines), title=f"Gate ({gate.stage}): not ready", border_style="yellow"))
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(safe_display(warning))}")
