"""The public API: what ``assistant/__init__.py`` exports, the README example, and a light import."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import assistant

REPO = Path(__file__).resolve().parent.parent


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    block = [line for line in section.splitlines() if line.startswith("    ")]
    return textwrap.dedent("\n".join(block))


def test_every_exported_name_resolves() -> None:
    for name in assistant.__all__:
        assert getattr(assistant, name) is not None, name
    with pytest.raises(AttributeError):
        _ = assistant.no_such_name  # type: ignore[attr-defined]


def test_the_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code = _readme_example()
    assert code.startswith("import assistant") and len(code.splitlines()) == 5
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert "discount_outside_guardrails" in printed[0] and "processor_unknown" in printed[0]
    assert any("Acme Grocers" in line for line in printed[1:-1])  # the draft names the customer
    assert not any("20%" in line for line in printed[1:-1])  # and never repeats a discount
    assert "leadership" in printed[-1]


def test_importing_the_package_stays_light() -> None:
    heavy = ("langchain_core", "langchain_openai", "chromadb", "gradio", "openai", "sqlmodel")
    probe = (
        "import sys, assistant, assistant.cli; "
        "from assistant import triage_text, TriageReport, get_backend; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
