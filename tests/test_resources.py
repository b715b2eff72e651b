"""Data folders: the repository's in a checkout, the package's copy when installed, env vars over both."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import resources
from assistant.config import get_settings


def test_a_checkout_reads_the_top_level_folders() -> None:
    assert resources.running_from_checkout()
    assert resources.data_dir("policy") == resources.PROJECT_ROOT / "policy"
    assert get_settings().policy_dir == resources.PROJECT_ROOT / "policy"


def test_an_installed_package_reads_its_own_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "running_from_checkout", lambda: False)
    packaged = resources.data_dir("knowledge")
    assert packaged.parts[-3:] == ("assistant", "_data", "knowledge")
    assert resources.default_home() == Path.home() / ".fastflex-assistant"


def test_environment_overrides_the_data_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("POLICY", "PROMPTS", "KNOWLEDGE"):
        monkeypatch.setenv(f"ASSISTANT_{name}_DIR", str(tmp_path / name.lower()))
    settings = get_settings()
    assert (settings.policy_dir, settings.prompts_dir, settings.knowledge_dir) == (
        tmp_path / "policy",
        tmp_path / "prompts",
        tmp_path / "knowledge",
    )
    assert get_settings(policy_dir=tmp_path / "mine").policy_dir == tmp_path / "mine"  # explicit wins


def test_the_build_copies_every_data_folder_whole() -> None:
    setup = (resources.PROJECT_ROOT / "setup.py").read_text(encoding="utf-8")
    assert 'DATA_FOLDERS = ("policy", "prompts", "knowledge")' in setup
    assert resources.DATA_FOLDERS == ("policy", "prompts", "knowledge")
