"""CRM-ready CSV: one row per opportunity, columns named as the CRM import expects.

The mapping is data (``policy/crm_mapping.toml``, validated here): a sales-ops lead renames a
column or adds a CRM without touching code.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ConfigError
from ..schema import FIELD_NAMES

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["CRM_FILE", "CrmMapping", "CrmSystem", "crm_csv", "load_crm_mapping"]

CRM_FILE = "crm_mapping.toml"
EXTRA_SOURCES = ("opportunity", "owner", "gate_ready", "gate_missing", "open_triggers")


class CrmSystem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=2)
    columns: dict[str, str] = Field(min_length=1)

    @field_validator("columns")
    @classmethod
    def _known_sources(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = [key for key in value if key not in FIELD_NAMES and key not in EXTRA_SOURCES]
        if unknown:
            raise ValueError(f"unknown sources {unknown}; use a field name or one of {list(EXTRA_SOURCES)}")
        names = list(value.values())
        dupes = sorted({name for name in names if names.count(name) > 1})
        if dupes:
            raise ValueError(f"column names used twice: {dupes}")
        return value


class CrmMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    systems: dict[str, CrmSystem] = Field(min_length=1)


@lru_cache(maxsize=4)
def _load(path: str, _stamp: int) -> CrmMapping:
    try:
        return CrmMapping.model_validate(tomllib.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"invalid {path}: {where}: {first['msg']}") from exc


def load_crm_mapping(settings: Settings) -> CrmMapping:
    path = settings.policy_dir / CRM_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"{path} not found; restore policy/{CRM_FILE}") from exc
    return _load(str(path), stamp)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no spreadsheet formulas


def crm_csv(system: CrmSystem, data: Mapping[str, Any], extras: Mapping[str, Any]) -> str:
    """The header row and one row for the (reviewed) contract ``data``; ``extras`` fills the others."""
    row = []
    for source in system.columns:
        if source in FIELD_NAMES:
            field = data["fields"].get(source, {})
            row.append(_cell(field.get("value")) if field.get("status") != "missing" else "")
        else:
            row.append(_cell(extras.get(source)))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(system.columns.values()))
    writer.writerow(row)
    return buffer.getvalue()
