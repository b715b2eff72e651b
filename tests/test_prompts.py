"""The shared prompt loader: declared variables, strict rendering, sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from assistant.errors import PromptError
from assistant.prompts import list_prompts, load_prompt, parse_prompt, render_prompt

REPO_PROMPTS = PROJECT_ROOT / "prompts"


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ASSISTANT_PROMPTS_DIR", raising=False)


def _write(root: Path, name: str, text: str) -> Path:
    path = root / f"{name}.j2"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GREETING = """{#-
description: test greeting
variables:
  name: who we greet
  items: things to list
-#}
Hi {{ name }}{% for item in items %}, {{ item }}{% endfor %}
"""


def test_every_repo_prompt_loads_and_declares_what_it_uses() -> None:
    names = list_prompts(prompts_dir=REPO_PROMPTS)
    assert {
        "email/followup_subject",
        "email/followup_body",
        "email/polish_system",
        "email/polish_user",
    } <= set(names)
    for name in names:
        prompt = load_prompt(name, prompts_dir=REPO_PROMPTS)
        assert prompt.description, f"{name} has no description"
        assert all(prompt.descriptions[var] for var in prompt.variables), (
            f"{name} leaves a variable undocumented"
        )


def test_variables_and_render(tmp_path: Path) -> None:
    _write(tmp_path, "greet", GREETING)
    prompt = load_prompt("greet", prompts_dir=tmp_path)
    assert prompt.variables == ("name", "items")
    assert prompt.descriptions["name"] == "who we greet"
    assert prompt.render(name="Dana", items=["a", "b"]).strip() == "Hi Dana, a, b"
    assert render_prompt("greet", prompts_dir=tmp_path, name="Lee", items=[]).strip() == "Hi Lee"
    # the explicit .j2 suffix resolves to the same file
    assert load_prompt("greet.j2", prompts_dir=tmp_path).variables == ("name", "items")


def test_missing_declared_variable_is_a_prompt_error(tmp_path: Path) -> None:
    _write(tmp_path, "greet", GREETING)
    with pytest.raises(PromptError, match=r"without declared variable\(s\) \['items'\]"):
        load_prompt("greet", prompts_dir=tmp_path).render(name="Dana")


def test_undeclared_variable_passed_is_a_prompt_error(tmp_path: Path) -> None:
    _write(tmp_path, "greet", GREETING)
    with pytest.raises(PromptError, match="undeclared variable"):
        load_prompt("greet", prompts_dir=tmp_path).render(name="Dana", items=[], extra=1)


def test_template_using_an_undeclared_variable_fails_to_load(tmp_path: Path) -> None:
    _write(tmp_path, "bad", "{# variables: [name] #}Hi {{ name }} from {{ company }}")
    with pytest.raises(PromptError, match=r"uses undeclared variable\(s\) \['company'\]"):
        load_prompt("bad", prompts_dir=tmp_path)


def test_header_is_required(tmp_path: Path) -> None:
    _write(tmp_path, "nohead", "Hi {{ name }}")
    with pytest.raises(PromptError, match="does not declare its variables"):
        load_prompt("nohead", prompts_dir=tmp_path)
    _write(tmp_path, "nokey", "{# description: no variables key #}Hi")
    with pytest.raises(PromptError, match="'variables' key"):
        load_prompt("nokey", prompts_dir=tmp_path)


def test_list_header_and_empty_variables() -> None:
    prompt = parse_prompt("{# variables: [a, b] #}{{ a }}-{{ b }}")
    assert prompt.variables == ("a", "b")
    assert prompt.render(a=1, b=2) == "1-2"
    assert parse_prompt("{# variables: {} #}static").render() == "static"


def test_strict_undefined_attribute_is_a_prompt_error() -> None:
    prompt = parse_prompt("{# variables: [item] #}{{ item.question }}")
    assert prompt.render(item={"question": "Which?"}) == "Which?"
    with pytest.raises(PromptError, match="failed to render"):
        prompt.render(item={"hint": "x"})


def test_sandbox_blocks_python_internals() -> None:
    prompt = parse_prompt("{# variables: [x] #}{{ x.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(PromptError):
        prompt.render(x="text")


def test_syntax_error_names_the_line() -> None:
    with pytest.raises(PromptError, match="syntax error on line 2"):
        parse_prompt("{# variables: [a] #}\n{% if a %}open")


@pytest.mark.parametrize("name", ["../secrets", "/etc/passwd", "email/../../x", ""])
def test_names_cannot_leave_the_prompts_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(PromptError, match="invalid prompt name"):
        load_prompt(name, prompts_dir=tmp_path)


def test_unknown_prompt_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="not found under"):
        load_prompt("email/nothing", prompts_dir=tmp_path)


def test_edited_file_is_reloaded(tmp_path: Path) -> None:
    path = _write(tmp_path, "p", "{# variables: [a] #}{{ a }}")
    assert load_prompt("p", prompts_dir=tmp_path).variables == ("a",)
    path.write_text("{# variables: [a, b] #}{{ a }}{{ b }}", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_prompt("p", prompts_dir=tmp_path).variables == ("a", "b")


def test_prompts_dir_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "custom", "only_here", "{# variables: {} #}custom")
    monkeypatch.setenv("ASSISTANT_PROMPTS_DIR", str(tmp_path / "custom"))
    assert render_prompt("only_here") == "custom"
