"""Property tests: any text triages without crashing, and every quote is verbatim."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import InputError
from assistant.schema import FIELD_NAMES, TRIGGER_IDS
from assistant.text import normalize_newlines
from assistant.triage import triage_text

VOCAB = [
    "Fiserv",
    "TSYS",
    "Global",
    "Elavon",
    "Worldpay",
    "I think",
    "not",
    "no",
    "kiosks",
    "unattended",
    "sorry,",
    "we moved to",
    "20%",
    "a fifth off",
    "knock 20 off",
    "key injection",
    "can you handle",
    "I told them",
    "we'll have you certified by March",
    "PAX A920",
    "Verifone P400",
    "ICC Solutions",
    "homegrown harness",
    "TBD",
    "?",
    "Dana (Acme):",
    "Sam (Omni SDR):",
    "Jordan (partner rep):",
    "\n",
    "> ",
    "From: Dana <dana@acme.com>",
    "4111 1111 1111 1111",
    "CVV 123",
    "two hundred ten",
    "lanes",
    "per store",
    "40 stores",
    "- proc:",
    "Next steps:",
    "EB = CFO Linda Park",
    "[00:01:02]",
    ".",
    ",",
]

phrases = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=40).map(
    lambda words: "Notes: " + " ".join(words)
)


def _all_quotes(report) -> list[str]:  # type: ignore[no-untyped-def]
    quotes = [q for _, field in report.fields.items() for q in field.evidence]
    quotes += [q for trigger in report.triggers for q in trigger.evidence]
    return quotes


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(phrases)
def test_domain_soup_never_crashes_and_quotes_are_verbatim(text: str) -> None:
    report = triage_text(text)
    normalised = normalize_newlines(text)
    for quote in _all_quotes(report):
        assert quote and quote in normalised
    assert set(report.trigger_ids()) <= set(TRIGGER_IDS)
    assert "4111 1111 1111 1111" not in str(report.to_contract())
    data = report.to_contract()
    assert list(data["fields"]) == list(FIELD_NAMES)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=400))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    try:
        report = triage_text(text)
    except InputError:
        return  # empty / control characters: a clear error is the right answer
    normalised = normalize_newlines(text)
    for quote in _all_quotes(report):
        assert quote in normalised


def test_every_eval_transcript_has_verbatim_evidence(repo_root: Path) -> None:
    paths = sorted((repo_root / "evals" / "cases").glob("*/*.txt"))
    assert paths, "the evaluation set is part of the repository"
    for path in paths:
        text = path.read_text(encoding="utf-8")
        report = triage_text(text, source=path.name)
        for quote in _all_quotes(report):
            assert quote in normalize_newlines(text), (path.name, quote)
