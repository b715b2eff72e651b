"""Export a (merged) triage report as JSON or CSV files under the state directory."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["CSV_COLUMNS", "export_path", "report_to_csv", "report_to_json", "write_export", "write_file"]

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
    """``home/exports/<name as a slug>.<suffix>``: one file per opportunity and format, rewritten
    on every change (the app serves a copy per response, so the folder does not grow)."""
    folder = home / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{_slug(name)}.{suffix}"


def write_file(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` atomically (a reader never sees half a file)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)
    return path


def write_export(home: Path, name: str, data: dict[str, Any], fmt: str) -> Path:
    """Write ``data`` as ``fmt`` ('json' or 'csv') under ``home/exports``; return the path."""
    if fmt == "json":
        content = report_to_json(data)
    elif fmt == "csv":
        content = report_to_csv(data)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return write_file(export_path(home, name, fmt), content)
