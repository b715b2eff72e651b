"""The ``llm`` backend: an OpenAI-compatible model, verified, merged over the rules backend.

``extract(doc)``:

1. runs the rules backend (the floor: its result is never made less safe);
2. splits the masked text to the token budget (one call when it fits) and asks
   the model for findings with quotes, chunk by chunk;
3. verifies every quote and value against the text (:mod:`.verify`);
4. merges verified values into the rules fields (:mod:`.merge`) and keeps
   model-proposed triggers that have verified evidence as ``extra_triggers``.

Triggers themselves are computed later by :mod:`assistant.checks` over the
merged fields and the text; the model can add one, never remove one.  Any model
failure (connection, timeout, HTTP errors after retries, invalid output) gives
the rules result with a warning saying so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ... import deadline as triage_deadline
from ...errors import BackendError
from ...policy import load_bundle
from ...providers import Deadline
from ...schema import FIELD_NAMES, DiscoveryFields, FieldStatus, Trigger, Usage
from ...text import mask_sensitive
from ...text.display import plain_words
from ..base import LLM_FALLBACK, Backend, Extraction
from .budget import Chunk, get_counter, split_text
from .client import ModelClient
from .merge import merge_fields
from .prices import estimate_cost, load_prices
from .prompting import PromptSet, tool_schema_json
from .verify import Candidate, Verifier

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from ...config import Settings
    from ...text import Document

__all__ = ["ALWAYS_ASKED", "MESSAGE_OVERHEAD_TOKENS", "LLMBackend", "focus_fields"]

# chat-template tokens around each message and the tool call, not visible to tiktoken
MESSAGE_OVERHEAD_TOKENS = 60
# asked even when the rules confirmed them: a use case the rules missed can raise high_risk_use_case
ALWAYS_ASKED = ("use_cases",)


def focus_fields(rules: DiscoveryFields) -> list[str]:
    """Fields worth asking the model about: what the rules did not confirm (plus ``ALWAYS_ASKED``).

    A confirmed rules value is kept by the merge anyway, so asking for it only costs
    output tokens (the slow part on a CPU model).  All fields are asked when the
    rules confirmed none.
    """
    wanted = [name for name, field in rules.items() if field.status is not FieldStatus.CONFIRMED]
    wanted += [name for name in ALWAYS_ASKED if name not in wanted]
    return [] if len(wanted) >= len(FIELD_NAMES) else [name for name in FIELD_NAMES if name in wanted]


def _sellers(doc: Document) -> set[str]:
    """Name words of Omni people and partner reps in the document (never the customer's people)."""
    from ...text import OMNI, REP

    names = {"omni"}
    for key, info in doc.speakers.items():
        if info.role in (OMNI, REP):
            names.update(
                word for word in re.findall(r"[a-z][a-z'’\-]+", f"{key} {info.name}".lower()) if len(word) > 2
            )
    return names - {"the", "rep", "sdr", "partner", "omni's"} | {"omni"}


def _text_value(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


class LLMBackend(Backend):
    """Rules + an OpenAI-compatible chat model with verified evidence."""

    name = "llm"

    def __init__(
        self,
        settings: Settings,
        *,
        rules: Backend | None = None,
        chat_model: BaseChatModel | None = None,
        http_client: Any | None = None,
        transport: Any | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.llm = settings.llm
        if rules is None:
            from ..rules import RulesBackend

            rules = RulesBackend(settings)
        self.rules = rules
        self._chat_model = chat_model
        self._http_client = http_client
        self._transport = transport
        self._sleep = sleep
        self._client: ModelClient | None = None

    @property
    def label(self) -> str:
        """The backend label in reports: ``llm:<model>``."""
        return f"llm:{self.llm.model}"

    def client(self) -> ModelClient:
        """The model client, built on first use."""
        if self._client is None:
            self._client = ModelClient(
                self.llm,
                chat_model=self._chat_model,
                http_client=self._http_client,
                transport=self._transport,
                sleep=self._sleep,
            )
        return self._client

    # -- planning ---------------------------------------------------------------------------
    def plan(self, doc: Document, prompts: PromptSet) -> list[Chunk]:
        """Chunks of the masked text that fit ``max_input_tokens`` with the prompt around them."""
        counter = get_counter(self.llm.model, self.settings.state_dir)
        overhead = (
            counter(prompts.system)
            + counter(prompts.user("", 2, 2, FIELD_NAMES))
            + counter(tool_schema_json())
            + MESSAGE_OVERHEAD_TOKENS
        )
        return split_text(doc.text, self.llm.max_input_tokens - overhead, counter)

    # -- extraction -------------------------------------------------------------------------
    def extract(self, doc: Document) -> Extraction:
        """Rules first, then the model's verified findings merged over them (rules alone on failure)."""
        rules = self.rules.extract(doc)
        bundle = load_bundle(self.settings)
        prompts = PromptSet.build(self.settings, bundle.policy.discount_guardrail_pct)
        chunks = self.plan(doc, prompts)
        verifier = Verifier(
            doc.text, bundle, sellers=_sellers(doc), company=_text_value(rules.fields.company.value)
        )
        usage = Usage()
        candidates: list[Candidate] = []
        focus = focus_fields(rules.fields)
        triggers: dict[str, Trigger] = {}
        try:
            client = self.client()
            deadline = Deadline(self.llm.timeout_s)  # one total deadline for every chunk of this text
            for chunk in chunks:
                # doc.text is already masked; masking again is idempotent and guards the one path out
                transcript = mask_sensitive(chunk.text)
                with triage_deadline.paused():  # the model call has its own deadline, not triage's
                    result = client.call(
                        prompts.messages(transcript, chunk.index + 1, len(chunks), focus), deadline=deadline
                    )
                usage.calls += 1
                usage.input_tokens += result.input_tokens
                usage.output_tokens += result.output_tokens
                usage.latency_ms += result.latency_ms
                verifier.stats.malformed += result.output.malformed
                for finding in result.output.findings:  # fields outside the focus still count
                    candidates.extend(verifier.finding(finding))
                for proposed in result.output.triggers:
                    trigger = verifier.trigger(proposed)
                    if trigger is not None and trigger.id not in triggers:
                        triggers[trigger.id] = trigger
        except BackendError as exc:
            return Extraction(
                fields=rules.fields,
                backend=rules.backend,
                warnings=[
                    *rules.warnings,
                    f"{LLM_FALLBACK} ({self.llm.model}) did not answer usably ({plain_words(exc.message)}); "
                    "this report comes from the rules backend alone",
                ],
                usage=usage if usage.calls else None,
                extra_triggers=rules.extra_triggers,
                stats={**rules.stats, "llm_failed": 1, "llm_chunks": len(chunks)},
            )
        warnings = list(rules.warnings)
        cost, price_warning = estimate_cost(
            load_prices(self.settings.policy_dir),
            self.llm.model,
            self.llm.base_url,
            usage.input_tokens,
            usage.output_tokens,
        )
        usage.cost_usd = cost
        usage.latency_ms = round(usage.latency_ms, 1)
        if price_warning:
            warnings.append(price_warning)
        stats = verifier.stats
        if stats.downgraded:
            warnings.append(
                f"LLM: {stats.downgraded} value(s) downgraded by the evidence checks "
                f"({stats.unlocated} quote(s) not found in the text, {stats.unsupported} value(s) not "
                f"supported by their quote, {stats.hedged} set to uncertain because the quote hedges)"
            )
        merged, merge_stats = merge_fields(rules.fields, candidates, doc.text)
        return Extraction(
            fields=merged,
            backend=self.label,
            warnings=warnings,
            usage=usage,
            extra_triggers=[*rules.extra_triggers, *triggers.values()],
            stats={
                **rules.stats,
                **stats.as_dict(),
                **merge_stats.as_dict(),
                "llm_chunks": len(chunks),
                "llm_calls": usage.calls,
                "llm_fields_asked": len(focus) or len(FIELD_NAMES),
            },
        )
