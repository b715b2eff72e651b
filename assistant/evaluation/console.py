"""Terminal rendering of a run summary with rich tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .chart import text_bar_chart
from .report import chart_rows, fmt, headline_rows

if TYPE_CHECKING:
    from rich.console import Console

    from .metrics import RunSummary

__all__ = ["print_summary"]


def print_summary(
    console: Console,
    summary: RunSummary,
    *,
    failing: Sequence[tuple[str, Sequence[str]]] = (),
    max_failing: int = 10,
) -> None:
    """Triggers, fields and headline figures of a run, plus its worst cases."""
    from rich.table import Table

    triggers = Table(title="Triggers", title_justify="left")
    for col in ("trigger", "support", "tp", "fp", "fn", "precision", "recall", "F1"):
        triggers.add_column(col, justify="left" if col == "trigger" else "right")
    rows = [*summary.triggers.items(), ("overall (micro)", summary.triggers_overall)]
    for tid, r in rows:
        triggers.add_row(
            tid,
            *(str(n) for n in (r.support, r.tp, r.fp, r.fn)),
            *(fmt(x) for x in (r.precision, r.recall, r.f1)),
        )
    console.print(triggers)
    console.print(text_bar_chart(chart_rows(summary)), highlight=False)

    fields = Table(title="Fields", title_justify="left")
    for col in ("field", "labelled", "status acc", "values", "value acc", "item P", "item R"):
        fields.add_column(col, justify="left" if col == "field" else "right")
    for name, row in summary.fields.items():
        fields.add_row(
            name,
            str(row.status_n),
            fmt(row.status_accuracy),
            str(row.value_n),
            fmt(row.value_accuracy),
            fmt(row.item_precision),
            fmt(row.item_recall),
        )
    console.print(fields)

    headline = Table(title="Summary", title_justify="left", show_header=False)
    headline.add_column("metric")
    headline.add_column("value")
    for metric, value in headline_rows(summary):
        headline.add_row(metric, value)
    console.print(headline)

    if failing:
        console.print(f"[bold]Failing cases[/bold] ({len(failing)}):")
        for case_id, reasons in failing[:max_failing]:
            shown = "; ".join(reasons[:4]) + (f"; +{len(reasons) - 4} more" if len(reasons) > 4 else "")
            console.print(f"  [red]{case_id}[/red]: {shown}", highlight=False)
        if len(failing) > max_failing:
            console.print(f"  ... and {len(failing) - max_failing} more (see report.md)")
