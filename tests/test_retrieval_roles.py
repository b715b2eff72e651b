"""knowledge/roles.yaml + knowledge/duties.yaml: validated, consistent with the contract."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from assistant.errors import PolicyError
from assistant.retrieval.roles import RolesFile, load_playbook
from assistant.schema import ROLE_IDS

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

# the contract's routing table (shared/spec/triage-contract.md)
CONTRACT_ROUTING = {
    "review_processor_unknown": ["certification_sme", "technical_pm"],
    "review_tooling_unclear": ["certification_sme", "technical_pm"],
    "review_high_risk_use_case": ["certification_sme", "technical_pm"],
    "discount_outside_guardrail": ["leadership"],
    "review_responsibility_transfer": ["leadership", "certification_sme"],
    "review_unapproved_commitment": ["leadership"],
}


def test_every_contract_role_is_described() -> None:
    playbook = load_playbook(KNOWLEDGE)
    assert set(playbook.roles) == set(ROLE_IDS)


def test_escalation_duties_route_like_the_contract() -> None:
    playbook = load_playbook(KNOWLEDGE)
    for duty_id, route in CONTRACT_ROUTING.items():
        assert list(playbook.duties[duty_id].owners) == route, duty_id


@pytest.mark.parametrize(
    ("duty_id", "owner", "must_not"),
    [
        ("customer_follow_up", "internal_sdr", {"certification_sme", "technical_pm", "leadership"}),
        ("commercial_negotiation", "internal_sdr", {"certification_sme", "technical_pm"}),
        ("opportunity_ownership", "internal_sdr", {"external_rep"}),
        ("discount_within_guardrail", "sales_manager", set()),
        ("intake", "program_manager", set()),
        ("change_control", "program_manager", {"engineering", "certification_sme"}),
    ],
)
def test_seed_facts_are_in_the_roles_file(duty_id: str, owner: str, must_not: set[str]) -> None:
    duty = load_playbook(KNOWLEDGE).duties[duty_id]
    assert duty.owners[0] == owner
    assert must_not <= set(duty.must_not)


def test_no_role_both_owns_and_must_not_own_a_duty() -> None:
    for duty in load_playbook(KNOWLEDGE).duties.values():
        assert not set(duty.owners) & set(duty.must_not), duty.id
        assert not set(duty.advisers) & set(duty.owners), duty.id


def test_discount_bands_follow_the_guardrail() -> None:
    discount = load_playbook(KNOWLEDGE).discount
    assert discount is not None and discount.guardrail_pct == 15
    assert [band.up_to for band in discount.bands] == [15, 25, None]


def test_role_mentions_prefer_the_longest_alias() -> None:
    playbook = load_playbook(KNOWLEDGE)
    text = "Can the technical project manager or the program manager ping the cert SME and the rep?"
    assert playbook.role_mentions(text) == [
        "technical_pm",
        "program_manager",
        "certification_sme",
        "external_rep",
    ]


def test_every_duty_has_varied_examples_and_no_cue_lists() -> None:
    data = yaml.safe_load((KNOWLEDGE / "duties.yaml").read_text(encoding="utf-8"))
    assert all("cues" not in spec for spec in data["duties"].values())
    playbook = load_playbook(KNOWLEDGE)
    assert all(len(duty.examples) >= 3 for duty in playbook.duties.values())
    assert playbook.not_covered and all(topic.look for topic in playbook.not_covered)


def test_unknown_role_id_is_rejected() -> None:
    data = yaml.safe_load((KNOWLEDGE / "roles.yaml").read_text(encoding="utf-8"))
    data["roles"]["office_manager"] = {"name": "office manager"}
    with pytest.raises(ValidationError, match="unknown role ids"):
        RolesFile.model_validate(data)


def test_a_duty_nobody_defines_is_a_policy_error(tmp_path: Path) -> None:
    for name in ("roles.yaml", "duties.yaml"):
        shutil.copy(KNOWLEDGE / name, tmp_path / name)
    text = (tmp_path / "roles.yaml").read_text(encoding="utf-8")
    (tmp_path / "roles.yaml").write_text(
        text.replace("owns: [delivery_engineering]", "owns: [delivery_enginering]")
    )
    with pytest.raises(PolicyError, match="delivery_enginering"):
        load_playbook(tmp_path)


def test_missing_roles_file_says_how_to_fix(tmp_path: Path) -> None:
    shutil.copy(KNOWLEDGE / "duties.yaml", tmp_path / "duties.yaml")
    with pytest.raises(PolicyError, match=r"roles\.yaml"):
        load_playbook(tmp_path)
