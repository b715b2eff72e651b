"""Export a (merged) triage report as JSON or CSV files under the state directory."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["CSV_COLUMNS", "export_path", "report_to_csv", "report_to_json", "write_export"]

CSV_COLUMNS = ("kind", "name", "status", "value", "evidence", "route_to", "notes")


def report_to_json(data: dict[str, Any]) -> str:
    """The contract JSON (with provenance) of a report, pretty-printed."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    text = str(value)
    # spreadsheet formula injection: a cell starting with = + - @ is text, not a formula
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _note_ids(refs: list[dict[str, Any]] | None) -> str:
    return "; ".join(f"#{ref['note_id']} {ref['created_at']}" for ref in refs or [])


def report_to_csv(data: dict[str, Any]) -> str:
    """One row per field, trigger and gate input; lists joined with '; '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for name, field in data["fields"].items():
        writer.writerow(
            [
                "field",
                name,
                field.get("status", ""),
                _cell(field.get("value")),
                _cell(field.get("evidence", [])),
                "",
                _note_ids(field.get("provenance")),
            ]
        )
    for trigger in data.get("triggers", []):
        writer.writerow(
            [
                "trigger",
                trigger["id"],
                "raised",
                _cell(trigger.get("reason")),
                _cell(trigger.get("evidence", [])),
                _cell(trigger.get("route_to", [])),
                _note_ids(trigger.get("raised_by")),
            ]
        )
    gate = data.get("gate", {})
    uncertain = set(gate.get("uncertain", []))
    for name in gate.get("missing", []):
        writer.writerow(["gate", name, "missing", "", "", "", ""])
    for name in sorted(uncertain):
        writer.writerow(["gate", name, "uncertain", "", "", "", ""])
    writer.writerow(["gate", "ready", "yes" if gate.get("ready") else "no", "", "", "", ""])
    return buffer.getvalue()


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return slug[:60] or "report"


def export_path(home: Path, name: str, suffix: str) -> Path:
    folder = home / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return folder / f"{_slug(name)}-{stamp}.{suffix}"


def write_export(home: Path, name: str, data: dict[str, Any], fmt: str) -> Path:
    """Write ``data`` as ``fmt`` ('json' or 'csv') under ``home/exports``; return the path."""
    if fmt == "json":
        content = report_to_json(data)
    elif fmt == "csv":
        content = report_to_csv(data)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    path = export_path(home, name, fmt)
    path.write_text(content, encoding="utf-8", newline="")
    return path
