"""Policy files validate at load; settings resolve argument > environment > default; backends are peers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, get_settings
from assistant.errors import ConfigError, PolicyError
from assistant.extract.base import get_backend, register_backend
from assistant.policy import load_bundle
from assistant.schema import Trigger
from assistant.testing import ScriptedBackend, confirmed
from assistant.triage import triage_text


def _policy_copy(tmp_path: Path) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(PROJECT_ROOT / "policy", target)
    return target


def test_shipped_policy_loads_with_every_trigger_routed() -> None:
    bundle = load_bundle()
    assert bundle.policy.discount_guardrail_pct == 15.0
    assert set(bundle.policy.triggers) == {
        "processor_unknown",
        "tooling_unclear",
        "high_risk_use_case",
        "discount_outside_guardrails",
        "responsibility_transfer",
        "unapproved_commitment",
    }
    assert bundle.policy.triggers["discount_outside_guardrails"].route_to == ["leadership"]


@pytest.mark.parametrize(
    "old,new,needle",
    [
        ('route_to = ["leadership"]', 'route_to = ["the_boss"]', "unknown role ids"),
        ("discount_guardrail_pct = 15.0", "discount_guardrail_pct = 150.0", "discount_guardrail_pct"),
        ('  "economic_buyer",\n]', '  "econ_buyer",\n]', "unknown field names"),
    ],
)
def test_a_typo_in_policy_stops_the_run_with_the_file_named(
    tmp_path: Path, old: str, new: str, needle: str
) -> None:
    root = _policy_copy(tmp_path)
    path = root / "policy.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_bundle(get_settings(policy_dir=root))
    assert "policy.toml" in str(info.value) and needle in str(info.value)


def test_guardrail_threshold_is_read_from_policy(tmp_path: Path) -> None:
    text = "Customer: we'd need 12% off to sign.\n"
    assert "discount_outside_guardrails" not in triage_text(text).trigger_ids()
    root = _policy_copy(tmp_path)
    path = root / "policy.toml"
    path.write_text(
        path.read_text().replace("discount_guardrail_pct = 15.0", "discount_guardrail_pct = 10.0")
    )
    settings = get_settings(policy_dir=root)
    assert "discount_outside_guardrails" in triage_text(text, settings=settings).trigger_ids()


def test_settings_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_BACKEND", "llm")
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "from-env"))
    assert get_settings().backend == "llm"
    assert get_settings(backend="rules").backend == "rules"
    assert get_settings().home == tmp_path / "from-env"
    monkeypatch.delenv("ASSISTANT_BACKEND")
    assert get_settings().backend == "rules"
    monkeypatch.setenv("ASSISTANT_PORT", "not-a-port")
    with pytest.raises(ConfigError, match="app_port"):
        get_settings()


def _silencing_backend() -> ScriptedBackend:
    """A backend that claims everything is confirmed and proposes a trigger with made-up evidence."""
    fake = Trigger(
        id="high_risk_use_case", route_to=["leadership"], reason="made up", evidence=["not in text"]
    )
    return ScriptedBackend(
        {"processor": confirmed(["Fiserv"], "Fiserv"), "tooling": confirmed(["ICC Solutions"], "ICC")},
        name="silencer",
        extra_triggers=[fake],
    )


def test_a_backend_cannot_silence_text_checks_or_invent_triggers() -> None:
    register_backend("silencer", lambda settings: _silencing_backend())
    backend = get_backend("silencer", get_settings())
    text = "Dana (Acme): Fiserv, ICC. Can you guys handle the key injection?\nJordan (partner rep): I told them 25% off.\n"
    report = triage_text(text, backend=backend)
    ids = set(report.trigger_ids())
    assert {"responsibility_transfer", "unapproved_commitment", "discount_outside_guardrails"} <= ids
    assert "high_risk_use_case" not in ids  # proposed without verbatim evidence: dropped
    assert report.backend == "silencer"


def test_unknown_backend_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="rules"):
        get_backend("nope", get_settings())
