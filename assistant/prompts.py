"""Prompt and template files under ``prompts/``, rendered strictly.

Every prompt is a Jinja2 file (``prompts/<group>/<name>.j2``) that opens with a
comment header declaring its variables as YAML::

    {#-
    description: Subject line of the follow-up email.
    variables:
      company: the customer's company name, "" when unknown
      question_count: how many open questions the body asks
    -#}
    Recap of our call{% if company %} with {{ company }}{% endif %}

Rules, all raising :class:`~assistant.errors.PromptError` with a message that
says how to fix the file or the call:

* a template that uses a variable its header does not declare fails to load;
* rendering without a declared variable, or with one that is not declared, fails;
* an undefined attribute or key inside the template fails (``StrictUndefined``);
* templates run in Jinja's sandbox, so a prompt file cannot reach Python internals.

Usage::

    from assistant.prompts import load_prompt, render_prompt

    prompt = load_prompt("email/followup_subject")
    prompt.variables            # ("company", "question_count")
    prompt.render(company="Acme", question_count=2)
    render_prompt("email/followup_subject", company="Acme", question_count=2)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PromptError

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

    from .config import Settings

__all__ = [
    "PROMPT_SUFFIX",
    "PromptTemplate",
    "list_prompts",
    "load_prompt",
    "parse_prompt",
    "prompts_root",
    "render_prompt",
]

PROMPT_SUFFIX = ".j2"
_HEADER = re.compile(r"\A\s*\{#-?(?P<body>.*?)-?#\}", re.DOTALL)
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$")


@lru_cache(maxsize=1)
def _env() -> SandboxedEnvironment:
    """The one sandboxed, strict Jinja environment (jinja2 is imported on first use: fast CLI start)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt file: its declared variables and a strict ``render``."""

    name: str
    source: str
    variables: tuple[str, ...]
    descriptions: dict[str, str] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None
    _template: Template | None = field(default=None, repr=False, compare=False)

    def render(self, **values: Any) -> str:
        """Render with exactly the declared variables; anything else is a :class:`PromptError`."""
        missing = [name for name in self.variables if name not in values]
        unexpected = sorted(set(values) - set(self.variables))
        if missing:
            raise PromptError(
                f"prompt {self.name!r} rendered without declared variable(s) {missing}; pass them to render()",
                path=str(self.path) if self.path else None,
            )
        if unexpected:
            raise PromptError(
                f"prompt {self.name!r} got undeclared variable(s) {unexpected}; "
                "declare them in the file's header or stop passing them",
                path=str(self.path) if self.path else None,
            )
        from jinja2 import TemplateError

        template = self._template if self._template is not None else _compile(self.name, self.source)
        try:
            return template.render(**values)
        except TemplateError as exc:  # UndefinedError, SecurityError, runtime template errors
            raise PromptError(
                f"prompt {self.name!r} failed to render: {exc}; fix the template or the values passed",
                path=str(self.path) if self.path else None,
            ) from exc


def _compile(name: str, source: str) -> Template:
    from jinja2 import TemplateSyntaxError

    try:
        return _env().from_string(source)
    except TemplateSyntaxError as exc:
        raise PromptError(
            f"prompt {name!r} has a template syntax error on line {exc.lineno}: {exc.message}"
        ) from exc


def parse_prompt(source: str, *, name: str = "<string>", path: Path | None = None) -> PromptTemplate:
    """Build a :class:`PromptTemplate` from source text (header + Jinja2 body)."""
    match = _HEADER.match(source)
    if match is None:
        raise PromptError(
            f"prompt {name!r} does not declare its variables; start the file with a "
            "'{#- variables: {name: description} -#}' comment header",
            path=str(path) if path else None,
        )
    import yaml
    from jinja2 import meta

    try:
        header = yaml.safe_load(match.group("body")) or {}
    except yaml.YAMLError as exc:
        raise PromptError(f"prompt {name!r} has an invalid YAML header: {exc}") from exc
    if not isinstance(header, dict) or "variables" not in header:
        raise PromptError(
            f"prompt {name!r} header must be a YAML mapping with a 'variables' key "
            "(a mapping of name to description, or a list of names; {} when none)"
        )
    raw = header["variables"] or {}
    if isinstance(raw, list):
        descriptions = {str(item): "" for item in raw}
    elif isinstance(raw, dict):
        descriptions = {str(key): str(value or "") for key, value in raw.items()}
    else:
        raise PromptError(
            f"prompt {name!r}: 'variables' must be a mapping or a list, not {type(raw).__name__}"
        )
    bad = [var for var in descriptions if not var.isidentifier()]
    if bad:
        raise PromptError(f"prompt {name!r} declares invalid variable names {bad}; use Python identifiers")
    template = _compile(name, source)
    used = meta.find_undeclared_variables(_env().parse(source)) - set(_env().globals)
    undeclared = sorted(used - set(descriptions))
    if undeclared:
        raise PromptError(
            f"prompt {name!r} uses undeclared variable(s) {undeclared}; add them to its 'variables' header",
            path=str(path) if path else None,
        )
    return PromptTemplate(
        name=name,
        source=source,
        variables=tuple(descriptions),
        descriptions=descriptions,
        description=str(header.get("description") or ""),
        path=path,
        _template=template,
    )


def prompts_root(settings: Settings | None = None, prompts_dir: Path | str | None = None) -> Path:
    """The prompts folder: explicit ``prompts_dir`` > ``settings.prompts_dir`` > resolved settings."""
    if prompts_dir is not None:
        return Path(prompts_dir)
    if settings is None:
        from .config import get_settings

        settings = get_settings()
    return Path(settings.prompts_dir)


def _resolve(name: str, root: Path) -> Path:
    if not _NAME.match(name) or ".." in name.split("/"):
        raise PromptError(f"invalid prompt name {name!r}; use a relative name like 'email/followup_body'")
    candidates = (
        [root / name] if name.endswith(PROMPT_SUFFIX) else [root / f"{name}{PROMPT_SUFFIX}", root / name]
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise PromptError(
        f"prompt {name!r} not found under {root}; create {candidates[0]} or set ASSISTANT_PROMPTS_DIR"
    )


_CACHE: dict[tuple[str, int, int], PromptTemplate] = {}


def load_prompt(
    name: str, *, settings: Settings | None = None, prompts_dir: Path | str | None = None
) -> PromptTemplate:
    """Load ``prompts/<name>.j2`` (cached until the file changes)."""
    root = prompts_root(settings, prompts_dir)
    path = _resolve(name, root)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"cannot read prompt {name!r} at {path}: {exc}") from exc
    prompt = parse_prompt(source, name=name.removesuffix(PROMPT_SUFFIX), path=path)
    _CACHE[key] = prompt
    return prompt


def render_prompt(
    name: str, /, *, settings: Settings | None = None, prompts_dir: Path | str | None = None, **values: Any
) -> str:
    """Load and render a prompt in one call (``settings``/``prompts_dir`` cannot be template variables)."""
    return load_prompt(name, settings=settings, prompts_dir=prompts_dir).render(**values)


def list_prompts(*, settings: Settings | None = None, prompts_dir: Path | str | None = None) -> list[str]:
    """Names of every prompt file under the prompts folder (``email/followup_body``...)."""
    root = prompts_root(settings, prompts_dir)
    if not root.is_dir():
        return []
    return sorted(
        path.relative_to(root).as_posix().removesuffix(PROMPT_SUFFIX)
        for path in root.rglob(f"*{PROMPT_SUFFIX}")
    )
