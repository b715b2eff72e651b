"""Price table of LLM models (``policy/llm_prices.toml``) and cost estimates."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import PolicyError

__all__ = ["PRICES_FILE", "ModelPrice", "PriceTable", "estimate_cost", "is_local", "load_prices"]

PRICES_FILE = "llm_prices.toml"
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


class ModelPrice(BaseModel):
    """USD per 1M tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    local: bool = False


class PriceTable(BaseModel):
    """USD per 1M tokens per model (``policy/llm_prices.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    models: dict[str, ModelPrice]

    def lookup(self, model: str) -> ModelPrice | None:
        """The price of ``model`` (exact name, then the longest matching prefix)."""
        name = model.lower().rsplit("/", 1)[-1]
        table = {key.lower(): price for key, price in self.models.items()}
        if name in table:
            return table[name]
        prefixes = [key for key in table if name.startswith(key)]
        return table[max(prefixes, key=len)] if prefixes else None


@lru_cache(maxsize=4)
def _load(path: str, _mtime: float) -> PriceTable:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise PolicyError(f"price table {path} is missing; restore policy/{PRICES_FILE}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path} is not valid TOML: {exc}") from None
    try:
        return PriceTable.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise PolicyError(f"{path} does not validate: {where}: {error['msg']}") from None


def load_prices(policy_dir: Path) -> PriceTable:
    """Read ``llm_prices.toml`` from ``policy_dir``."""
    path = policy_dir / PRICES_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _load(str(path), mtime)


def is_local(base_url: str | None) -> bool:
    """True for a model server on this machine (its calls cost nothing)."""
    host = urlparse(base_url).hostname if base_url else None
    return host in _LOOPBACK


def estimate_cost(
    table: PriceTable, model: str, base_url: str | None, input_tokens: int, output_tokens: int
) -> tuple[float, str | None]:
    """Estimated USD cost and, when the model has no price, a warning saying how to add one."""
    price = table.lookup(model)
    if price is None:
        if is_local(base_url):
            return 0.0, None
        return 0.0, f"no price for model {model!r} in policy/{PRICES_FILE}; cost reported as 0"
    cost = (input_tokens * price.input + output_tokens * price.output) / 1_000_000
    return round(cost, 6), None
