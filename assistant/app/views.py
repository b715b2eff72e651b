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
    from ..store import HistoryEntry

__all__ = [
    "ROLE_LABELS",
    "STATUS_COLOURS",
    "fields_html",
    "gate_html",
    "history_html",
    "message_html",
    "note_label",
    "plain_value",
    "quote_anchor",
    "triggers_html",
    "when",
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
_NOWRAP = 'style="padding:4px 6px;border-bottom:1px solid #8883;vertical-align:top;white-space:nowrap"'


def _badge(status: str) -> str:
    background, colour = STATUS_COLOURS.get(status, ("#eaecf0", "#344054"))
    return (
        f'<span class="status status-{escape(status)}" style="background:{background};color:{colour};'
        f'padding:1px 8px;border-radius:10px;font-weight:600">{escape(status)}</span>'
    )


def plain_value(value: Any) -> str:
    """A value as plain text ("-" when empty)."""
    if value is None or value == []:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


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


def when(stamp: Any) -> str:
    """A short timestamp ("Dec 04 15:20") from an ISO string or datetime."""
    text = stamp.isoformat() if hasattr(stamp, "isoformat") else str(stamp)
    try:
        from datetime import datetime

        return datetime.fromisoformat(text).strftime("%b %d %H:%M")
    except ValueError:
        return escape(text[:16].replace("T", " "))


def note_label(note_id: int, numbers: dict[int, int] | None) -> str:
    """ "note 2": the note's number within its opportunity."""
    number = (numbers or {}).get(note_id)
    return f"note {number}" if number is not None else f"note #{note_id}"


def _refs(refs: Sequence[dict[str, Any]], numbers: dict[int, int] | None = None) -> str:
    return ", ".join(
        f'<span class="ref" style="white-space:nowrap" title="{escape(str(ref.get("source", "")))}, '
        f'{when(ref["created_at"])}">{note_label(ref["note_id"], numbers)}</span>'
        for ref in refs
    )


def message_html(text: str, kind: str = "info") -> str:
    colour = {"info": "#175cd3", "ok": "#05603a", "warn": "#93370d", "error": "#912018"}.get(kind, "#344054")
    return f'<div class="msg msg-{escape(kind)}" style="color:{colour};font-weight:600">{escape(text)}</div>'


def quote_anchor(name: str) -> str:
    """The id of a field's first quote in the notes panel."""
    return f"quote-{name}"


def _first_quote(name: str, field: dict[str, Any]) -> str:
    quotes = [quote for quote in field.get("evidence", []) if quote.strip()]
    # a bare speaker label ("Dana Ruiz (Kestrel):") says nothing; show a quote with words in it
    quotes = sorted(quotes, key=lambda quote: quote.rstrip().endswith(":"))
    if not quotes:
        return ""
    more = f" <small>(+{len(quotes) - 1} more)</small>" if len(quotes) > 1 else ""
    return (
        f'<div class="quote"><q>{escape(quotes[0])}</q>{more} '
        f'<a class="show-in-note" href="#{quote_anchor(name)}">show in note</a></div>'
    )


def _conflict(field: dict[str, Any], numbers: dict[int, int] | None) -> str:
    conflict = field.get("conflict")
    if not conflict:
        return ""
    options = " &middot; ".join(
        f"<b>{_value(item['value'])}</b> ({note_label(item['note_id'], numbers)}"
        + (f", <q>{escape(item['quote'])}</q>" if item.get("quote") else "")
        + ")"
        for item in conflict["values"]
    )
    return (
        f'<div class="conflict" style="border-left:3px solid #f79009;padding-left:6px;margin-top:3px">'
        f"&#9888; Notes disagree: {options}. Pick one under <i>Review</i>.</div>"
    )


def fields_html(
    data: dict[str, Any], labels: dict[str, str] | None = None, numbers: dict[int, int] | None = None
) -> str:
    """Every contract field: status, value with its first quote ("show in note"), conflicts, source notes."""
    rows = []
    for name, field in data["fields"].items():
        status = str(field.get("status", "missing"))
        label = (labels or {}).get(name, name.replace("_", " "))
        set_by = (
            f'<div class="set-by"><small>set by {escape(str(field["set_by"]))}</small></div>'
            if field.get("set_by")
            else ""
        )
        state = "conflict" if field.get("conflict") else status
        rows.append(
            f'<tr data-field="{escape(name)}" data-status="{escape(status)}" data-state="{escape(state)}">'
            f"<td {_CELL}><b>{escape(label)}</b></td><td {_CELL}>{_badge(status)}{set_by}</td>"
            f"<td {_CELL}>{_value(field.get('value'))}{_first_quote(name, field)}{_conflict(field, numbers)}</td>"
            f"<td {_NOWRAP}>{_refs(field.get('provenance', []), numbers)}</td></tr>"
        )
    head = (
        f"<tr><th {_CELL}>field</th><th {_CELL}>status</th><th {_CELL}>value and first quote</th>"
        f"<th {_CELL}>from</th></tr>"
    )
    return f'<table class="fields" {_TABLE}>{head}{"".join(rows)}</table>'


def _review_line(review: dict[str, Any] | None, reopened: dict[str, Any] | None = None) -> str:
    if not review:
        again = (
            f" (raised again by a later note after {escape(reopened['reviewer'])} {escape(reopened['action'])} it)"
            if reopened
            else ""
        )
        return f'<div class="review-state"><b>open</b>{again}: acknowledge or resolve it under <i>Review</i></div>'
    comment = f": {escape(review['comment'])}" if review.get("comment") else ""
    return (
        f'<div class="review-state"><b>{escape(review["action"])}</b> by {escape(review["reviewer"])} '
        f'<span style="white-space:nowrap">({when(review["at"])})</span>{comment}</div>'
    )


def triggers_html(
    data: dict[str, Any], titles: dict[str, str] | None = None, numbers: dict[int, int] | None = None
) -> str:
    """Each trigger in words: title, who must review it, why, first quote, notes, review state."""
    triggers = data.get("triggers", [])
    if not triggers:
        return message_html("No escalation triggers: no SME or leadership review required.", "ok")
    cards = []
    for trigger in triggers:
        review = trigger.get("review")
        resolved = bool(review and review.get("action") == "resolved")
        colour = "#12b76a" if resolved else ("#f79009" if review else "#f04438")
        reviewers = ", ".join(ROLE_LABELS.get(role, role) for role in trigger.get("route_to", []))
        raised = _refs(trigger.get("raised_by", []), numbers)
        raised_div = f'<div style="opacity:.7">raised by {raised}</div>' if raised else ""
        title = (titles or {}).get(trigger["id"], trigger["id"].replace("_", " ").capitalize())
        evidence = trigger.get("evidence", [])
        quote = f"<div><q>{escape(evidence[0])}</q></div>" if evidence else ""
        cards.append(
            f'<div class="trigger" data-trigger="{escape(trigger["id"])}" '
            f'data-review="{escape(review["action"]) if review else "open"}" '
            f'style="border-left:4px solid {colour};padding:4px 10px;margin:6px 0">'
            f"<div><b>{escape(title)}</b> &rarr; review by <b>{escape(reviewers)}</b></div>"
            f"<div>{escape(trigger.get('reason', ''))}</div>{quote}"
            f"{_evidence(evidence[1:]) if len(evidence) > 1 else ''}"
            f"{raised_div}{_review_line(review, trigger.get('reopened'))}</div>"
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


def history_html(
    entries: Sequence[HistoryEntry],
    numbers: dict[int, int] | None = None,
    titles: dict[str, str] | None = None,
) -> str:
    """Per note: its own gate gaps and triggers, and the merged gate and triggers after it."""

    def named(ids: Sequence[str]) -> str:
        return escape(", ".join((titles or {}).get(item, item) for item in ids)) or "-"

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
            f"<td {_NOWRAP}>{note_label(entry.note_id, numbers)} "
            f"<small>{escape(entry.source)}</small></td>"
            f"<td {_NOWRAP}>{when(entry.created_at)}</td>"
            f"<td {_CELL}>{escape(entry.kind)}</td><td {_CELL}>{status}</td>"
            f"<td {_CELL}>{_gap(entry.gate_missing, entry.gate_uncertain)}</td>"
            f"<td {_CELL}>{named(entry.triggers)}</td>"
            f"<td {_CELL}>{_gap(entry.merged_gate_missing, entry.merged_gate_uncertain)}</td>"
            f"<td {_CELL}>{named(entry.merged_triggers)}</td></tr>"
        )
    return f'<table class="history" {_TABLE}><tr>{head}</tr>{"".join(rows)}</table>'
