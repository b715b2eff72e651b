"""LLM backend configuration: chat model construction, prompts, price table, import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.config import PROJECT_ROOT, LLMSettings, get_settings
from assistant.errors import BackendError, PolicyError, PromptError
from assistant.extract.llm.client import MAX_OUTPUT_TOKENS, ModelClient, build_chat_model
from assistant.extract.llm.prices import PriceTable, estimate_cost, load_prices
from assistant.extract.llm.prompting import PromptSet, load_examples
from assistant.prompts import load_prompt


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    for name in ("OPENAI_API_VERSION", "ASSISTANT_AZURE_API_VERSION", "ASSISTANT_PROMPTS_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_openai_compatible_chat_model_has_our_settings_and_no_sdk_retries() -> None:
    from langchain_openai import AzureChatOpenAI, ChatOpenAI

    llm = LLMSettings(base_url="http://127.0.0.1:11434/v1", model="llama3.1", timeout_s=33, temperature=0.0)
    model = build_chat_model(llm)
    assert type(model) is ChatOpenAI
    assert (model.model_name, model.openai_api_base, model.max_retries) == ("llama3.1", llm.base_url, 0)
    assert model.request_timeout == 33 and model.max_tokens == MAX_OUTPUT_TOKENS
    azure = build_chat_model(
        LLMSettings(
            base_url="https://x.openai.azure.com",
            api_key="k",
            model="gpt-4o-dep",
            azure_api_version="2024-10-21",
        )
    )
    assert isinstance(azure, AzureChatOpenAI)
    assert (azure.deployment_name, azure.openai_api_version) == ("gpt-4o-dep", "2024-10-21")


@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
def test_structured_output_method_is_configurable(method: str) -> None:
    import httpx2

    sent: list[dict[str, Any]] = []

    def server(request: httpx2.Request) -> httpx2.Response:
        sent.append(json.loads(request.content))
        return httpx2.Response(400, json={"error": {"message": "recorded the request only"}})

    llm = LLMSettings(api_key="k", model="gpt-4o-mini", method=method)
    client = ModelClient(llm, http_client=httpx2.Client(transport=httpx2.MockTransport(server)))
    with pytest.raises(BackendError, match="HTTP 400"):
        client.call([("system", "s"), ("human", "h")])
    [body] = sent
    if method == "function_calling":
        assert body["tools"][0]["function"]["name"] == "ExtractionOutput"
        assert "response_format" not in body
    else:
        assert body["response_format"]["type"] == "json_schema"
        assert "tools" not in body


def test_prompts_render_strictly() -> None:
    settings = get_settings()
    user = load_prompt("extract/user", settings=settings)
    assert set(user.variables) == {"transcript", "part", "parts", "fields"}
    with pytest.raises(PromptError, match="parts"):
        user.render(transcript="hello", part=1, fields=[])
    prompts = PromptSet.build(settings, 15.0)
    assert "above 15%" in prompts.system
    assert "ev_charging" in prompts.system
    assert "part 2 of 3" in prompts.user("text", 2, 3)
    assert "part 1 of 1" not in prompts.user("text", 1, 1)
    assert "Report only these fields" not in prompts.user("text", 1, 1)
    assert "Report only these fields (the others are already known): gateway, kif." in prompts.user(
        "text", 1, 1, ["gateway", "kif"]
    )


def test_few_shot_examples_must_quote_their_input_verbatim(tmp_path: Path) -> None:
    assert len(load_examples(PROJECT_ROOT / "prompts")) >= 2
    bad = tmp_path / "extract" / "examples.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "examples:\n  - input: We are on Elavon.\n    output:\n      findings:\n"
        "        - {field: processor, value: TSYS, quote: We are on TSYS}\n",
        encoding="utf-8",
    )
    with pytest.raises(PromptError, match="not in its input"):
        load_examples(tmp_path)


def test_price_table_lookup_and_costs() -> None:
    table = load_prices(PROJECT_ROOT / "policy")
    cost, warning = estimate_cost(table, "gpt-4o-mini-2024-07-18", None, 1_000_000, 100_000)
    assert warning is None and cost == pytest.approx(0.15 + 0.06)
    assert estimate_cost(table, "qwen2.5-coder-1.5b-instruct", "http://127.0.0.1:8088/v1", 5000, 500) == (
        0.0,
        None,
    )
    # an unpriced model on loopback is local; an unpriced hosted model is flagged
    assert estimate_cost(table, "my-finetune", "http://localhost:8000/v1", 10, 10) == (0.0, None)
    cost, warning = estimate_cost(table, "mystery-model", "https://api.example.com/v1", 10, 10)
    assert cost == 0.0 and warning is not None and "llm_prices.toml" in warning


def test_price_table_is_validated(tmp_path: Path) -> None:
    (tmp_path / "llm_prices.toml").write_text('[models."x"]\ninput = -1\noutput = 2\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="input"):
        load_prices(tmp_path)
    assert isinstance(PriceTable.model_validate({"models": {}}), PriceTable)


def test_rules_triage_never_imports_langchain() -> None:
    code = (
        "import sys\n"
        "from assistant.triage import triage_text\n"
        "triage_text('Customer: we are on Elavon with 20 Verifone P400s.', backend='rules')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('langchain', 'openai', 'tiktoken'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
