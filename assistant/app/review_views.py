"""HTML of the review parts: the notes with quotes highlighted, the audit log, one opportunity.

Everything from the notes is escaped; "show in note" is a plain ``#anchor`` to a ``<mark>``
(no script), so it works offline and in any browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from .views import _CELL, _NOWRAP, ROLE_LABELS, gate_html, message_html, note_label, quote_anchor, when

if TYPE_CHECKING:
    from ..store import Note
    from ..store.review import AuditEntry

__all__ = ["audit_html", "notes_html", "opportunity_html"]

_BOX = 'style="white-space:pre-wrap;font-family:inherit;margin:4px 0 12px 0;max-height:320px;overflow:auto"'


def _spans(text: str, quotes: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, anchor) of each field's first quote in ``text``: nested or apart, never crossing."""
    found = []
    for name, quote in quotes.items():
        start = text.find(quote) if quote.strip() else -1
        if start >= 0:
            found.append((start, start + len(quote), name))
    found.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int, str]] = []
    open_ends: list[int] = []
    for start, end, name in found:
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        if open_ends and end > open_ends[-1]:
            continue  # crosses an open quote: its words are highlighted by the other field already
        kept.append((start, end, name))
        open_ends.append(end)
    return kept


def _marked(text: str, quotes: dict[str, str]) -> str:
    """``text`` escaped, with a ``<mark id=...>`` around each quote (nested marks for nested quotes)."""
    events: list[tuple[int, int, str]] = []  # (offset, order, html): closes before opens at one offset
    for start, end, name in _spans(text, quotes):
        events.append((start, 1, f'<mark id="{quote_anchor(name)}" data-quote="{escape(name)}">'))
        events.append((end, 0, "</mark>"))
    events.sort(key=lambda event: (event[0], event[1]))
    parts, cursor = [], 0
    for offset, _, tag in events:
        parts.append(escape(text[cursor:offset]))
        parts.append(tag)
        cursor = offset
    parts.append(escape(text[cursor:]))
    return "".join(parts)


def notes_html(notes: Sequence[Note], numbers: dict[int, int], data: dict[str, Any] | None) -> str:
    """Every note of the opportunity, numbered, each field's first quote highlighted where it occurs."""
    if not notes:
        return message_html("No notes yet for this opportunity.")
    wanted: dict[str, str] = {}
    for name, field in ((data or {}).get("fields") or {}).items():
        quotes = [quote for quote in field.get("evidence", []) if quote.strip()]
        if quotes:
            wanted[name] = quotes[0]
    blocks = []
    for note in notes:
        assert note.id is not None
        here = {name: quote for name, quote in wanted.items() if quote in note.text}
        for name in here:
            wanted.pop(name)  # one anchor per field: the first note that holds the quote
        blocks.append(
            f'<div class="note" data-note="{numbers.get(note.id, note.id)}">'
            f"<b>{note_label(note.id, numbers).capitalize()}</b> &middot; {escape(note.kind.replace('_', ' '))} "
            f"&middot; {when(note.created_at)} &middot; {escape(note.source)} &middot; {escape(note.status)}"
            f"<pre {_BOX}>{_marked(note.text, here)}</pre></div>"
        )
    return f'<div class="notes">{"".join(blocks)}</div>'


def audit_html(entries: Sequence[AuditEntry], numbers: dict[int, int]) -> str:
    """Who changed what, when, from which note (newest first)."""
    if not entries:
        return message_html("Nothing reviewed yet.")
    head = "".join(f"<th {_CELL}>{title}</th>" for title in ("when", "who", "what", "change", "note"))
    rows = []
    for entry in entries:
        change = (
            f"{escape(entry.old) or '<i>-</i>'} &rarr; {escape(entry.new) or '<i>-</i>'}"
            if entry.old or entry.new
            else ""
        )
        if entry.comment:
            change += f"{'<br>' if change else ''}<q>{escape(entry.comment)}</q>"
        note = note_label(entry.note_id, numbers) if entry.note_id is not None else ""
        rows.append(
            f'<tr data-action="{escape(entry.action)}"><td {_NOWRAP}>{when(entry.at)}</td>'
            f"<td {_CELL}>{escape(entry.user)}</td>"
            f"<td {_CELL}>{escape(entry.action)} <b>{escape(entry.target.replace('_', ' '))}</b></td>"
            f"<td {_CELL}>{change}</td><td {_NOWRAP}>{note}</td></tr>"
        )
    return f'<table class="audit" style="width:100%;border-collapse:collapse;font-size:0.92em"><tr>{head}</tr>{"".join(rows)}</table>'


def _value(value: Any) -> str:
    if value in (None, [], ""):
        return "<i>-</i>"
    if isinstance(value, list):
        return "<br>".join(escape(str(item)) for item in value)
    return escape(str(value))


def opportunity_html(
    name: str,
    owner: str,
    notes: Sequence[Note],
    numbers: dict[int, int],
    data: dict[str, Any] | None,
    titles: dict[str, str],
    required: Sequence[str],
) -> str:
    """One opportunity: owner, timeline of notes, open triggers, gate, next steps, reviewed fields."""
    parts = [f'<div class="opportunity-detail" data-opportunity="{escape(name)}"><h3>{escape(name)}</h3>']
    parts.append(f"<p><b>Owner (SDR):</b> {escape(owner)}</p>")
    timeline = "".join(
        f"<li>{note_label(note.id or 0, numbers).capitalize()} &middot; {when(note.created_at)} &middot; "
        f"{escape(note.kind.replace('_', ' '))} &middot; {escape(note.source)} &middot; {escape(note.status)}</li>"
        for note in notes
    )
    parts.append(f"<h4>Timeline</h4><ul class='timeline'>{timeline}</ul>")
    if data is None:
        parts.append(message_html("No triaged note yet."))
        return "".join(parts) + "</div>"
    open_triggers = [
        t for t in data.get("triggers", []) if (t.get("review") or {}).get("action") != "resolved"
    ]
    items = "".join(
        f"<li data-trigger='{escape(t['id'])}'><b>{escape(titles.get(t['id'], t['id']))}</b> &rarr; "
        f"{escape(', '.join(ROLE_LABELS.get(r, r) for r in t.get('route_to', [])))}"
        f"{' (acknowledged)' if t.get('review') else ''}</li>"
        for t in open_triggers
    )
    parts.append(f"<h4>Open triggers</h4><ul>{items or '<li>none</li>'}</ul>")
    parts.append(f"<h4>Stage gate</h4>{gate_html(data, required)}")
    next_steps = data["fields"].get("next_steps", {})
    parts.append(f"<h4>Next steps</h4><div class='next-steps'>{_value(next_steps.get('value'))}</div>")
    rows = "".join(
        f"<tr><td {_CELL}>{escape(field_name.replace('_', ' '))}</td><td {_CELL}>{escape(str(field.get('status')))}"
        f"{' (set by ' + escape(str(field['set_by'])) + ')' if field.get('set_by') else ''}</td>"
        f"<td {_CELL}>{_value(field.get('value'))}</td></tr>"
        for field_name, field in data["fields"].items()
        if field.get("status") != "missing"
    )
    parts.append(
        f"<h4>Merged report (reviewed)</h4><table style='width:100%;border-collapse:collapse'>{rows}</table></div>"
    )
    return "".join(parts)
