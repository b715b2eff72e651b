"""HTML views of a report: fields by status colour, triggers with reviewers, gate, history.

Everything from the notes is escaped; no external assets (works offline).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as _html_escape
from typing import TYPE_CHECKING, Any

from ..text.display import safe_display


def escape(text: str, quote: bool = True) -> str:
    """HTML-escaped, with control and escape characters dropped (nothing from a note reaches the page raw)."""
    return _html_escape(safe_display(text), quote)


if TYPE_CHECKING:
    from ..store import HistoryEntry, MergedReport

__all__ = [
    "ROLE_LABELS",
    "STATUS_COLOURS",
    "fields_html",
    "gate_html",
    "history_html",
    "merged_summary",
    "message_html",
    "opportunities_html",
    "triggers_html",
]

STATUS_COLOURS: dict[str, tuple[str, str]] = {  # status -> (background, text)
    "confirmed": ("#d1fadf", "#05603a"),
    "uncertain": ("#fef0c7", "#93370d"),
    "missing": ("#fee4e2", "#912018"),
}
ROLE_LABELS: dict[str, str] = {
    "external_rep": "External rep",
    "internal_sdr": "Internal SDR",
    "certification_sme": "Certification SME",
    "technical_pm": "Technical PM",
    "engineering": "Engineering",
    "leadership": "Omni Leadership",
    "program_manager": "Program manager",
    "customer_team": "Customer team",
    "deal_desk": "Deal desk",
    "sales_manager": "Sales manager",
}
_TABLE = 'style="width:100%;border-collapse:collapse;font-size:0.92em"'
_CELL = 'style="padding:4px 6px;border-bottom:1px solid #8883;vertical-align:top"'


def _badge(status: str) -> str:
    background, colour = STATUS_COLOURS.get(status, ("#eaecf0", "#344054"))
    return (
        f'<span class="status status-{escape(status)}" style="background:{background};color:{colour};'
        f'padding:1px 8px;border-radius:10px;font-weight:600">{escape(status)}</span>'
    )


def _value(value: Any) -> str:
    if value is None or value == []:
        return "<i>-</i>"
    if isinstance(value, list):
        return escape(", ".join(str(item) for item in value))
    return escape(str(value))


def _evidence(quotes: Sequence[str]) -> str:
    if not quotes:
        return ""
    items = "".join(f"<li><q>{escape(quote)}</q></li>" for quote in quotes)
    return f"<details><summary>evidence ({len(quotes)})</summary><ul>{items}</ul></details>"


def _refs(refs: Sequence[dict[str, Any]]) -> str:
    return ", ".join(
        f'<span title="{escape(str(ref.get("source", "")))}">note #{ref["note_id"]} '
        f"({escape(str(ref['created_at'])[:16].replace('T', ' '))})</span>"
        for ref in refs
    )


def message_html(text: str, kind: str = "info") -> str:
    colour = {"info": "#175cd3", "ok": "#05603a", "warn": "#93370d", "error": "#912018"}.get(kind, "#344054")
    return f'<div class="msg msg-{escape(kind)}" style="color:{colour};font-weight:600">{escape(text)}</div>'


def fields_html(data: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """A table of every contract field: status colour, value, evidence (expandable), source notes."""
    rows = []
    for name, field in data["fields"].items():
        status = str(field.get("status", "missing"))
        label = (labels or {}).get(name, name.replace("_", " "))
        rows.append(
            f'<tr data-field="{escape(name)}" data-status="{escape(status)}">'
            f"<td {_CELL}><b>{escape(label)}</b></td><td {_CELL}>{_badge(status)}</td>"
            f"<td {_CELL}>{_value(field.get('value'))}{_evidence(field.get('evidence', []))}</td>"
            f"<td {_CELL}>{_refs(field.get('provenance', []))}</td></tr>"
        )
    head = (
        f"<tr><th {_CELL}>field</th><th {_CELL}>status</th><th {_CELL}>value</th><th {_CELL}>from</th></tr>"
    )
    return f'<table class="fields" {_TABLE}>{head}{"".join(rows)}</table>'


def triggers_html(data: dict[str, Any]) -> str:
    """Each trigger: id, who must review it, why, evidence, and which notes raised it."""
    triggers = data.get("triggers", [])
    if not triggers:
        return message_html("No escalation triggers: no SME or leadership review required.", "ok")
    cards = []
    for trigger in triggers:
        reviewers = ", ".join(ROLE_LABELS.get(role, role) for role in trigger.get("route_to", []))
        raised = _refs(trigger.get("raised_by", []))
        raised_div = f'<div style="opacity:.7">raised by {raised}</div>' if raised else ""
        cards.append(
            f'<div class="trigger" data-trigger="{escape(trigger["id"])}" style="border-left:4px solid #f04438;'
            f'padding:4px 10px;margin:6px 0">'
            f"<div><b>{escape(trigger['id'])}</b> &rarr; review by <b>{escape(reviewers)}</b></div>"
            f"<div>{escape(trigger.get('reason', ''))}</div>"
            f"{_evidence(trigger.get('evidence', []))}"
            f"{raised_div}</div>"
        )
    return f'<div class="triggers">{"".join(cards)}</div>'


def gate_html(data: dict[str, Any], required: Sequence[str]) -> str:
    """The stage-gate checklist: each required input ticked, missing or uncertain."""
    gate = data.get("gate", {})
    missing = set(gate.get("missing", []))
    fields = data["fields"]
    items = []
    for name in required:
        status = "missing" if name in missing else str(fields.get(name, {}).get("status", "missing"))
        mark = {"confirmed": "&#9745;", "uncertain": "&#9888;"}.get(status, "&#9744;")
        items.append(
            f'<li data-gate="{escape(name)}">{mark} {escape(name.replace("_", " "))} {_badge(status)}</li>'
        )
    verdict = "READY for proposal" if gate.get("ready") else f"NOT READY: {len(missing)} missing"
    uncertain = [name for name in required if fields.get(name, {}).get("status") == "uncertain"]
    if not gate.get("ready") and uncertain:
        verdict += f", {len(uncertain)} uncertain"
    kind = "ok" if gate.get("ready") else "warn"
    return f'<div class="gate">{message_html(verdict, kind)}<ul style="list-style:none;padding-left:0">{"".join(items)}</ul></div>'


def _gap(missing: Sequence[str], uncertain: Sequence[str]) -> str:
    title = escape("missing: " + ", ".join(missing) + "; uncertain: " + ", ".join(uncertain))
    extra = f" (+{len(uncertain)} uncertain)" if uncertain else ""
    return f'<span title="{title}">{len(missing)}{extra}</span>'


def history_html(entries: Sequence[HistoryEntry]) -> str:
    """Per note: its own gate gaps and triggers, and the merged gate and triggers after it."""
    if not entries:
        return message_html("No notes yet for this opportunity.")
    head = "".join(
        f"<th {_CELL}>{title}</th>"
        for title in (
            "note",
            "saved",
            "kind",
            "status",
            "gate missing",
            "triggers raised",
            "merged: missing",
            "merged: triggers",
        )
    )
    rows = []
    for entry in entries:
        status = escape(entry.status) + (f"<br><small>{escape(entry.error)}</small>" if entry.error else "")
        rows.append(
            f'<tr data-note="{entry.note_id}">'
            f"<td {_CELL}>#{entry.note_id} <small>{escape(entry.source)}</small></td>"
            f"<td {_CELL}>{escape(entry.created_at.isoformat()[:19].replace('T', ' '))}</td>"
            f"<td {_CELL}>{escape(entry.kind)}</td><td {_CELL}>{status}</td>"
            f"<td {_CELL}>{_gap(entry.gate_missing, entry.gate_uncertain)}</td>"
            f"<td {_CELL}>{escape(', '.join(entry.triggers)) or '-'}</td>"
            f"<td {_CELL}>{_gap(entry.merged_gate_missing, entry.merged_gate_uncertain)}</td>"
            f"<td {_CELL}>{escape(', '.join(entry.merged_triggers)) or '-'}</td></tr>"
        )
    return f'<table class="history" {_TABLE}><tr>{head}</tr>{"".join(rows)}</table>'


def merged_summary(merged: MergedReport) -> str:
    notes = len(merged.notes)
    triggers = len(merged.report.triggers)
    return f"Merged {notes} note{'s' * (notes != 1)}: {triggers} trigger{'s' * (triggers != 1)} to review."


def opportunities_html(rows: Sequence[tuple[str, int, str, str]]) -> str:
    """Rows of (name, note count, last updated, merged state summary)."""
    if not rows:
        return message_html("No opportunities yet: paste a first note on the Triage tab.")
    head = "".join(
        f"<th {_CELL}>{title}</th>" for title in ("opportunity", "notes", "updated", "merged report")
    )
    body = "".join(
        f'<tr data-opportunity="{escape(name)}"><td {_CELL}><b>{escape(name)}</b></td><td {_CELL}>{count}</td>'
        f"<td {_CELL}>{escape(updated)}</td><td {_CELL}>{escape(state)}</td></tr>"
        for name, count, updated, state in rows
    )
    return f'<table class="opportunities" {_TABLE}><tr>{head}</tr>{body}</table>'
