"""The structured playbook: roles (``knowledge/roles.yaml``) and duties (``knowledge/duties.yaml``).

``roles.yaml`` says, per role id, which duties it owns, approves, advises on and must
never take; ``duties.yaml`` is the duty lexicon (example questions per duty), the discount
bands, and the topics the playbooks do not cover (examples plus where to look instead).  Both are validated here, so a typo (an unknown role id, a duty that
no role owns) fails at load with the file named.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import PolicyError
from ..schema import ROLE_IDS
from .chunking import words

__all__ = [
    "DiscountBand",
    "DutiesFile",
    "Duty",
    "NotCovered",
    "Playbook",
    "RoleSpec",
    "RolesFile",
    "load_playbook",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleSpec(_Strict):
    name: str = Field(min_length=2)
    article: bool = True  # "the internal SDR" vs "Omni Leadership", "engineering"
    aliases: list[str] = Field(default_factory=list)
    owns: list[str] = Field(default_factory=list)
    approves: list[str] = Field(default_factory=list)
    advises: list[str] = Field(default_factory=list)
    must_not: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_contradiction(self) -> RoleSpec:
        clash = sorted(set(self.must_not) & set(self.owns + self.approves + self.advises))
        if clash:
            raise ValueError(f"role {self.name!r} both takes and must not take {clash}")
        return self


class RolesFile(_Strict):
    roles: dict[str, RoleSpec]

    @field_validator("roles")
    @classmethod
    def _contract_roles(cls, value: dict[str, RoleSpec]) -> dict[str, RoleSpec]:
        unknown = sorted(set(value) - set(ROLE_IDS))
        if unknown:
            raise ValueError(f"unknown role ids {unknown}; the contract's role ids are {list(ROLE_IDS)}")
        return value


class DutySpec(_Strict):
    label: str = Field(min_length=3)
    examples: list[str] = Field(default_factory=list)
    lead: str | None = None


class NotCovered(_Strict):
    """A topic the playbooks do not answer: questions like ``examples`` are refused, pointing to ``look``."""

    topic: str = Field(min_length=3)
    look: str = Field(min_length=3)
    examples: list[str] = Field(min_length=1)


class DiscountBand(_Strict):
    up_to: float | None = None  # inclusive upper bound in percent; None = no upper bound
    duty: str
    also: list[str] = Field(default_factory=list)
    note: str = ""
    approver: str | None = None  # who approves, in words, for the matrix line ("Omni Leadership, ...")


class DiscountSpec(_Strict):
    guardrail_pct: float = Field(ge=0, le=100)
    bands: list[DiscountBand] = Field(min_length=1)
    duties: dict[str, DutySpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ordered(self) -> DiscountSpec:
        bounds = [band.up_to for band in self.bands]
        if None in bounds[:-1] or bounds[:-1] != sorted(b for b in bounds[:-1] if b is not None):
            raise ValueError("discount bands must be in increasing order, only the last one open-ended")
        return self


class DutiesFile(_Strict):
    duties: dict[str, DutySpec]
    discount: DiscountSpec | None = None
    not_covered: list[NotCovered] = Field(default_factory=list)
    elsewhere: str = "your sales manager or sales operations"  # where to look when nothing matched
    asker: str | None = None  # the role of whoever uses the tool: "can I ...?" asks about them


@dataclass(frozen=True)
class Duty:
    id: str
    label: str
    owners: tuple[str, ...]  # most responsible first
    advisers: tuple[str, ...]
    must_not: tuple[str, ...]
    examples: tuple[str, ...]


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


def _read(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # a safe loader
    except FileNotFoundError as exc:
        raise PolicyError(f"missing playbook data file {path}; restore it from the repository") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"cannot read {path}: {exc}") from exc


class Playbook:
    """Roles + duties, cross-checked; answers "who owns / must not own duty X"."""

    def __init__(self, roles: RolesFile, duties: DutiesFile, source: str = "knowledge") -> None:
        self.roles = roles.roles
        self.discount = duties.discount
        specs = dict(duties.duties)
        if duties.discount:
            specs.update(duties.discount.duties)
        referenced = {
            d
            for role in self.roles.values()
            for d in role.owns + role.approves + role.advises + role.must_not
        }
        unknown = sorted(referenced - set(specs))
        if unknown:
            raise PolicyError(f"{source}/roles.yaml names duties {unknown} that duties.yaml does not define")
        for band in duties.discount.bands if duties.discount else []:
            if band.duty not in specs:
                raise PolicyError(f"{source}/duties.yaml: discount band duty {band.duty!r} is not defined")
            bad = [role for role in band.also if role not in ROLE_IDS]
            if bad:
                raise PolicyError(f"{source}/duties.yaml: unknown role ids {bad} in a discount band")
        self.duties: dict[str, Duty] = {}
        for duty_id, spec in specs.items():
            approvers = [rid for rid, role in self.roles.items() if duty_id in role.approves]
            owners = approvers + [
                rid for rid, role in self.roles.items() if duty_id in role.owns and rid not in approvers
            ]
            if spec.lead:
                if spec.lead not in owners:
                    raise PolicyError(
                        f"{source}/duties.yaml: lead {spec.lead!r} of {duty_id!r} does not own it"
                    )
                owners = [spec.lead, *(rid for rid in owners if rid != spec.lead)]
            if not owners:
                raise PolicyError(
                    f"{source}: no role owns or approves duty {duty_id!r}; add it to roles.yaml"
                )
            self.duties[duty_id] = Duty(
                id=duty_id,
                label=spec.label,
                owners=tuple(owners),
                advisers=tuple(rid for rid, role in self.roles.items() if duty_id in role.advises),
                must_not=tuple(rid for rid, role in self.roles.items() if duty_id in role.must_not),
                examples=tuple(spec.examples),
            )
        self.role_stems = {
            token for role in self.roles.values() for a in [role.name, *role.aliases] for token in words(a)
        }
        self.not_covered: tuple[NotCovered, ...] = tuple(duties.not_covered)
        self.elsewhere = duties.elsewhere
        if duties.asker is not None and duties.asker not in self.roles:
            raise PolicyError(f"{source}/duties.yaml: asker {duties.asker!r} is not a role of roles.yaml")
        self.asker = duties.asker
        self._aliases = sorted(
            (
                (tuple(words(alias)), rid)
                for rid, role in self.roles.items()
                for alias in [role.name, *role.aliases]
            ),
            key=lambda item: -len(item[0]),
        )
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for alias, role_id in self._aliases:
            if alias:
                self._by_first.setdefault(alias[0], []).append((alias, role_id))

    def name(self, role_id: str) -> str:
        role = self.roles.get(role_id)
        return role.name if role else role_id.replace("_", " ")

    def relation(self, role_id: str, duty_id: str) -> str | None:
        """ "approves", "owns", "advises", "must_not" or None."""
        role = self.roles.get(role_id)
        if role is None:
            return None
        for relation in ("approves", "owns", "advises", "must_not"):
            if duty_id in getattr(role, relation):
                return relation
        return None

    def role_spans(self, tokens: list[str]) -> list[tuple[int, int, str]]:
        """(start, end, role id) of every role named in stemmed ``tokens``, left to right, the
        longest alias at each position winning; one dictionary look-up per token."""
        found: list[tuple[int, int, str]] = []
        at = 0
        while at < len(tokens):
            for alias, role_id in self._by_first.get(tokens[at], ()):
                if tuple(tokens[at : at + len(alias)]) == alias:
                    found.append((at, at + len(alias), role_id))
                    at += len(alias)
                    break
            else:
                at += 1
        return found

    def role_positions(self, tokens: list[str]) -> list[tuple[int, str]]:
        """(token index, role id) of every role named in stemmed ``tokens``."""
        return [(start, role_id) for start, _, role_id in self.role_spans(tokens)]

    def subject_roles(self, tokens: list[str], within: int = 5) -> set[str]:
        """Roles a sentence is about: the first role named within ``within`` words, plus roles
        joined to it by "and"/"or" ("the certification SME and the technical PM review ...")."""
        spans = self.role_spans(tokens)
        if not spans or spans[0][0] >= within:
            return set()
        subjects = {spans[0][2]}
        end = spans[0][1]
        for start, stop, role_id in spans[1:]:
            if not all(token in _JOINERS for token in tokens[end:start]):
                break
            subjects.add(role_id)
            end = stop
        return subjects

    def role_mentions(self, text: str) -> list[str]:
        """Role ids named in ``text``, in order of first mention."""
        ordered: list[str] = []
        for _, role_id in self.role_positions(words(text)):
            if role_id not in ordered:
                ordered.append(role_id)
        return ordered

    def display(self, role_id: str) -> str:
        """The role's name as it reads mid-sentence ("the internal SDR", "Omni Leadership")."""
        role = self.roles.get(role_id)
        if role is None:
            return role_id.replace("_", " ")
        return f"the {role.name}" if role.article else role.name


_JOINERS = frozenset(words("and or the a with plus together"))


@lru_cache(maxsize=4)
def _load_cached(knowledge_dir: str, stamp: tuple[float, float]) -> Playbook:
    base = Path(knowledge_dir)
    try:
        roles = RolesFile.model_validate(_read(base / "roles.yaml"))
    except ValidationError as exc:
        raise PolicyError(f"invalid {base / 'roles.yaml'}: {exc}") from exc
    try:
        duties = DutiesFile.model_validate(_read(base / "duties.yaml"))
    except ValidationError as exc:
        raise PolicyError(f"invalid {base / 'duties.yaml'}: {exc}") from exc
    return Playbook(roles, duties, source=str(base))


def load_playbook(knowledge_dir: Path) -> Playbook:
    """Load and cross-check ``roles.yaml`` and ``duties.yaml`` (cached until either file changes)."""
    stamp = tuple(
        (knowledge_dir / name).stat().st_mtime if (knowledge_dir / name).exists() else 0.0
        for name in ("roles.yaml", "duties.yaml")
    )
    return _load_cached(str(knowledge_dir.resolve()), (stamp[0], stamp[1]))
