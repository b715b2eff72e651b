"""Render the extraction prompts (``prompts/extract/``) and load the few-shot examples."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from ...errors import PromptError
from ...prompts import load_prompt
from ...schema import USE_CASES
from .schema import ExtractionOutput

if TYPE_CHECKING:
    from ...config import Settings

__all__ = ["EXAMPLES_FILE", "PromptSet", "load_examples"]

EXAMPLES_FILE = "extract/examples.yaml"


@lru_cache(maxsize=4)
def _examples(path: str, _mtime: float) -> tuple[tuple[str, str], ...]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"cannot read few-shot examples {path}: {exc}") from exc
    items = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise PromptError(f"{path} must hold a mapping with an 'examples' list")
    out: list[tuple[str, str]] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("input"), str) or "output" not in item:
            raise PromptError(f"{path}: example {number} needs 'input' (text) and 'output'")
        text = item["input"].strip()
        try:
            output = ExtractionOutput.model_validate(item["output"])
        except ValidationError as exc:
            raise PromptError(f"{path}: example {number} output does not validate: {exc}") from exc
        if output.malformed:
            raise PromptError(f"{path}: example {number} has {output.malformed} malformed finding(s)")
        quotes = [f.quote for f in output.findings] + [t.quote for t in output.triggers]
        absent = [quote for quote in quotes if quote not in text]
        if absent:
            raise PromptError(
                f"{path}: example {number} quotes not in its input: {absent}; copy them verbatim"
            )
        payload = output.model_dump(exclude={"malformed"})
        out.append((text, json.dumps(payload, ensure_ascii=False, separators=(",", ":"))))
    return tuple(out)


def load_examples(prompts_dir: Path) -> list[dict[str, str]]:
    """Few-shot examples as ``{"input", "output"}`` with the output as compact JSON."""
    path = prompts_dir / EXAMPLES_FILE
    if not path.is_file():
        raise PromptError(f"few-shot examples {path} not found; restore prompts/{EXAMPLES_FILE}")
    return [{"input": text, "output": output} for text, output in _examples(str(path), path.stat().st_mtime)]


@dataclass(frozen=True)
class PromptSet:
    """The rendered system prompt and a renderer for the user message of each chunk."""

    system: str
    settings: Settings

    @classmethod
    def build(cls, settings: Settings, guardrail_pct: float) -> PromptSet:
        """Render the prompts for ``settings`` with the discount guardrail."""
        system = load_prompt("extract/system", settings=settings).render(
            use_cases=list(USE_CASES),
            guardrail_pct=f"{guardrail_pct:g}",
            examples=load_examples(Path(settings.prompts_dir)),
        )
        return cls(system=system.strip() + "\n", settings=settings)

    def user(self, transcript: str, part: int, parts: int, fields: Sequence[str] = ()) -> str:
        """The user message for one part of the transcript."""
        text = load_prompt("extract/user", settings=self.settings).render(
            transcript=transcript, part=part, parts=parts, fields=list(fields)
        )
        return text.strip("\n") + "\n"

    def messages(
        self, transcript: str, part: int = 1, parts: int = 1, fields: Sequence[str] = ()
    ) -> list[tuple[str, str]]:
        """System and user messages for one call."""
        return [("system", self.system), ("human", self.user(transcript, part, parts, fields))]


def tool_schema_json() -> str:
    """The tool definition sent with every call (it counts against the input budget)."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    tool: dict[str, Any] = convert_to_openai_tool(ExtractionOutput)
    return json.dumps(tool, separators=(",", ":"))
