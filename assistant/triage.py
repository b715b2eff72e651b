"""The triage pipeline: text -> masked document -> backend fields -> checks -> gate -> report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import deadline
from .checks import compute_gate, run_checks
from .extract.base import Backend, get_backend
from .extract.domain import OFF_TOPIC, domain_warnings
from .extract.validate import validate_fields
from .policy import load_bundle
from .schema import DiscoveryFields, Field, FieldStatus, TriageReport, Trigger
from .text import Document, decode_text, mask_sensitive, normalize_newlines, read_source

if TYPE_CHECKING:
    from .config import Settings
    from .policy import PolicyBundle

__all__ = ["triage_document", "triage_path", "triage_text"]


def _merge_triggers(checked: list[Trigger], proposed: list[Trigger], doc: Document) -> list[Trigger]:
    """Checks are final; a backend may add a trigger only with evidence found verbatim in the text."""
    ids = {trigger.id for trigger in checked}
    merged = list(checked)
    for trigger in proposed:
        evidence = [quote for quote in trigger.evidence if quote and quote in doc.text]
        if trigger.id not in ids and evidence:
            merged.append(trigger.model_copy(update={"evidence": evidence}))
            ids.add(trigger.id)
    return merged


def _verbatim_only(fields: DiscoveryFields, doc: Document) -> int:
    """Drop evidence that is not in the text; a field left with none is missing. Returns the count dropped."""
    dropped = 0
    for name, field in fields.items():
        if field.status is FieldStatus.MISSING:
            continue
        kept = [quote for quote in field.evidence if quote and quote in doc.text]
        dropped += len(field.evidence) - len(kept)
        if not kept:
            fields.set(name, Field())
        elif len(kept) != len(field.evidence):
            fields.set(name, field.model_copy(update={"evidence": kept}))
    return dropped


def triage_document(
    doc: Document, *, source: str, backend: Backend, settings: Settings | None = None
) -> TriageReport:
    """Triage an already-read document: backend fields, checks, gate, report."""
    started = time.perf_counter()
    source = mask_sensitive(source)  # a card number in a file name is card data too
    bundle = load_bundle(settings)
    with deadline.time_limit(_limit(settings), source):
        return _triage(doc, source=source, backend=backend, bundle=bundle, started=started)


def _limit(settings: Settings | None) -> float:
    if settings is not None:
        return settings.triage_timeout_s
    from .config import get_settings

    return get_settings().triage_timeout_s


def _triage(
    doc: Document, *, source: str, backend: Backend, bundle: PolicyBundle, started: float
) -> TriageReport:
    extraction = backend.extract(doc)
    deadline.check()
    dropped = _verbatim_only(extraction.fields, doc)
    if dropped:
        extraction.warnings.append(f"{dropped} evidence quote(s) not found verbatim in the text were dropped")
    validate_fields(extraction.fields, doc, bundle)
    notices = domain_warnings(extraction.fields, doc, bundle)
    extraction.warnings.extend(notices)
    triggers = (
        []  # an off-topic input raises nothing: there is no deal in it to review
        if OFF_TOPIC in notices
        else _merge_triggers(run_checks(extraction.fields, doc, bundle), extraction.extra_triggers, doc)
    )
    order = {trigger_id: index for index, trigger_id in enumerate(bundle.policy.triggers)}
    triggers.sort(key=lambda trigger: order.get(trigger.id, 99))
    report = TriageReport(
        source=source,
        backend=extraction.backend,
        fields=extraction.fields,
        triggers=triggers,
        gate=compute_gate(extraction.fields, bundle.policy),
        warnings=list(extraction.warnings),
        usage=extraction.usage,
    )
    if doc.masked_spans:
        report.warnings.append("card data found in the input was masked")
    report.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    return report


def _resolve(backend: str | Backend | None, settings: Settings | None) -> tuple[Backend, Settings]:
    from .config import get_settings

    settings = settings or get_settings()
    if isinstance(backend, Backend):
        return backend, settings
    return get_backend(backend or settings.backend, settings), settings


def triage_text(
    text: str,
    *,
    source: str = "stdin",
    backend: str | Backend | None = None,
    settings: Settings | None = None,
) -> TriageReport:
    """Triage pasted notes or a transcript. Raises ``InputError`` for empty or unusable text."""
    clean = decode_text(normalize_newlines(text).encode("utf-8"), source) if text is not None else ""
    chosen, settings = _resolve(backend, settings)
    with deadline.time_limit(settings.triage_timeout_s, source):
        doc = Document.from_text(clean)
        return triage_document(doc, source=source, backend=chosen, settings=settings)


def triage_path(
    path: str | Path, *, backend: str | Backend | None = None, settings: Settings | None = None
) -> TriageReport:
    """Triage a file (or ``-`` for stdin)."""
    source = read_source(path)
    chosen, settings = _resolve(backend, settings)
    with deadline.time_limit(settings.triage_timeout_s, source.source):
        doc = Document.from_text(source.text)
        return triage_document(doc, source=source.source, backend=chosen, settings=settings)
