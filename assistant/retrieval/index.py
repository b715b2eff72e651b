"""The playbook index: dense (MiniLM vectors, also kept in Chroma) + BM25 (lexical), fused by reciprocal rank.

Everything lives under ``settings.home / "index"``::

    chroma/          Chroma PersistentClient (collection "playbooks", cosine space), for tools
                     that want a vector store; ``ask`` does not open it
    chunks.json      the chunks (for BM25 and quoting) in index order
    vectors.npz      the chunks' embeddings, and the example questions' (role names masked)
                     with their labels (duty ids, ``not_covered:<i>``)
    vocab.json       the playbooks' own words and the embedding model's word list (spelling fixes)
    manifest.json    content hash of the knowledge files + embedder id, written last

``build_index`` rebuilds only when that hash changes (or ``force``).  Loading the index
reads the JSON and numpy files only: exact cosine search over a few hundred vectors is
faster than opening Chroma, which is imported only when the index is (re)built.
"""

from __future__ import annotations

import json
import math
import shutil
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel

from ..config import Settings, get_settings
from ..errors import RunError
from .chunking import Chunk, chunk_documents, content_hash, knowledge_files, load_documents, raw_words, words
from .embeddings import get_embedder, minilm_model_dir
from .intent import ROLE_PLACEHOLDER, IntentModel, labelled_examples, mask_roles
from .normalise import Normaliser, entity_names, load_shorthand
from .roles import load_playbook

if TYPE_CHECKING:  # pragma: no cover
    from .roles import Playbook

__all__ = ["Hit", "IndexStats", "Retriever", "build_index", "embedder_id", "get_retriever", "index_dir"]

COLLECTION = "playbooks"
INDEX_FORMAT = "index-v2"  # bump when the files under index/ change shape
INDEX_FILES = ("chroma", "chunks.json", "vectors.npz", "vocab.json")
RRF_K = 60
STOPWORDS = frozenset(
    words(
        "a an the and or of to in on for with by at from as is are be been was were it its this that these those "
        "who whom whose what which when where why how do does did can could should would may might must will shall "
        "our we us you your i me my they them their he she his her after before about into than then there here "
        "if so not no yes any all some one"
    )
)


class IndexStats(BaseModel):
    files: int
    chunks: int
    seconds: float
    rebuilt: bool
    embedder: str = ""
    content_hash: str = ""


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    fused: float
    dense: float  # cosine similarity with the query (0 when the dense search did not return it)
    bm25: float
    rank: int


def index_dir(settings: Settings) -> Path:
    return settings.state_dir / "index"


def embedder_id(settings: Settings) -> str:
    """Identity of the configured embedder, without loading it."""
    name = settings.embeddings.strip().lower()
    if name == "minilm":
        return "minilm:all-MiniLM-L6-v2:numpy:max256"
    return f"{name}:text-embedding-3-small" if name == "openai" else name


def _digest(settings: Settings) -> str:
    """Content hash of the knowledge files, the embedder, the index format and the policy
    lexicons (their names are read as kinds, see :mod:`.normalise`)."""
    import hashlib

    lexicons = hashlib.sha256()
    for path in sorted((settings.policy_dir / "lexicons").glob("*.toml")):
        lexicons.update(path.name.encode() + b"\0" + path.read_bytes())
    return content_hash(settings.knowledge_dir, embedder_id(settings), INDEX_FORMAT, lexicons.hexdigest())


def lexical(text: str) -> list[str]:
    return [token for token in words(text) if token not in STOPWORDS]


def _client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    )


def _fresh_collection(path: Path) -> Any:
    """An empty "playbooks" collection (the old one dropped; the folder wiped if Chroma cannot open it)."""
    from chromadb.api.client import SharedSystemClient

    try:
        client = _client(path)
        if any(getattr(c, "name", c) == COLLECTION for c in client.list_collections()):
            client.delete_collection(COLLECTION)
    except Exception:  # a damaged or foreign folder: start over
        SharedSystemClient.clear_system_cache()
        shutil.rmtree(path, ignore_errors=True)
        client = _client(path)
    return client.create_collection(COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None)


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def build_index(
    settings: Settings | None = None, force: bool = False, *, progress: bool = True
) -> IndexStats:
    """Build the index for ``settings.knowledge_dir`` unless it is already up to date."""
    settings = settings or get_settings()
    started = time.perf_counter()
    folder = index_dir(settings)
    files = knowledge_files(settings.knowledge_dir)
    digest = _digest(settings)
    manifest = _read_manifest(folder)
    complete = all((folder / name).exists() for name in INDEX_FILES)
    if not force and manifest.get("content_hash") == digest and complete:
        return IndexStats(
            files=len(files),
            chunks=int(manifest.get("chunks", 0)),
            seconds=time.perf_counter() - started,
            rebuilt=False,
            embedder=embedder_id(settings),
            content_hash=digest,
        )
    playbook = load_playbook(settings.knowledge_dir)  # validate roles/duties before spending time
    chunks = chunk_documents(load_documents(settings.knowledge_dir))
    if not chunks:
        raise RunError("no Markdown playbooks to index", knowledge_dir=str(settings.knowledge_dir))
    embedder = get_embedder(settings)
    examples = [
        (label, variant)
        for label, text in labelled_examples(playbook)
        for variant in dict.fromkeys([text, mask_roles(text, playbook)])
    ]
    batch = 16
    with _progress() if progress else _NoProgress() as bar:
        task = bar.add_task("Indexing playbooks", total=len(chunks) + len(examples))
        chunk_vectors = []
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            chunk_vectors.append(embedder.encode([chunk.search_text for chunk in part]))
            bar.update(task, advance=len(part))
        example_vectors = []
        for start in range(0, len(examples), batch * 2):
            part_ex = examples[start : start + batch * 2]
            example_vectors.append(embedder.encode([text for _, text in part_ex]))
            bar.update(task, advance=len(part_ex))
    vectors = np.concatenate(chunk_vectors)
    _invalidate(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").unlink(missing_ok=True)
    collection = _fresh_collection(folder / "chroma")
    collection.add(
        ids=[chunk.id for chunk in chunks],
        embeddings=vectors,
        documents=[chunk.text for chunk in chunks],
        metadatas=[{"doc": chunk.doc, "section": chunk.section, "order": chunk.order} for chunk in chunks],
    )
    (folder / "chunks.json").write_text(
        json.dumps([{**asdict(chunk), "headings": list(chunk.headings)} for chunk in chunks]),
        encoding="utf-8",
    )
    np.savez(
        folder / "vectors.npz",
        chunks=vectors.astype(np.float32),
        labels=np.array([label for label, _ in examples]),
        texts=np.array([text for _, text in examples]),
        examples=np.concatenate(example_vectors).astype(np.float32)
        if example_vectors
        else np.zeros((0, vectors.shape[1]), np.float32),
    )
    (folder / "vocab.json").write_text(
        json.dumps(
            {
                "playbook": sorted(_vocabulary(settings, playbook)),
                "known": sorted(_known_words(settings)),
                "entities": entity_names(settings.policy_dir),
            }
        ),
        encoding="utf-8",
    )
    (folder / "manifest.json").write_text(
        json.dumps(
            {"content_hash": digest, "embedder": embedder.id, "files": len(files), "chunks": len(chunks)}
        ),
        encoding="utf-8",
    )
    return IndexStats(
        files=len(files),
        chunks=len(chunks),
        seconds=time.perf_counter() - started,
        rebuilt=True,
        embedder=embedder.id,
        content_hash=digest,
    )


def _vocabulary(settings: Settings, playbook: Playbook) -> set[str]:
    """Alphabetic words of the playbooks, the example questions and the role names."""
    texts = [doc.text for doc in load_documents(settings.knowledge_dir)]
    texts += [text for _, text in labelled_examples(playbook)]
    texts += [alias for role in playbook.roles.values() for alias in [role.name, *role.aliases]]
    return {word for text in texts for word in raw_words(text) if word.isalpha()}


def _known_words(settings: Settings) -> set[str]:
    """Whole English words of the MiniLM word-piece vocabulary (empty for other embedders)."""
    if settings.embeddings.strip().lower() != "minilm":
        return set()
    data = json.loads((minilm_model_dir() / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = data.get("model", {}).get("vocab", {})
    return {word for word in vocab if word.isalpha() and word.islower()}


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def update(self, *args: Any, **kwargs: Any) -> None:
        return None


class BM25:
    """Okapi BM25 (Lucene's idf, k1 = 1.5, b = 0.75) over a few hundred tokenised chunks."""

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.counts = [Counter(doc) for doc in docs]
        self.lengths = np.array([len(doc) for doc in docs], dtype=np.float32)
        self.average = float(self.lengths.mean()) if len(docs) and self.lengths.sum() else 1.0
        frequency = Counter(token for counts in self.counts for token in counts)
        self.idf = {
            token: math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)) for token, df in frequency.items()
        }

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for ``query``."""
        out = np.zeros(len(self.counts), dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * self.lengths / self.average)
        for token in set(query):
            idf = self.idf.get(token)
            if idf is None:
                continue
            tf = np.array([counts.get(token, 0) for counts in self.counts], dtype=np.float32)
            out += idf * tf * (self.k1 + 1) / (tf + norm)
        return out


class Retriever:
    """A loaded index: exact dense search over the stored vectors, BM25 over the same chunks,
    RRF fusion; the intent model over the example questions; the question normaliser."""

    def __init__(self, settings: Settings, digest: str) -> None:
        folder = index_dir(settings)
        self.settings = settings
        self.digest = digest
        self.playbook: Playbook = load_playbook(settings.knowledge_dir)
        raw = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        self.chunks = [Chunk(**{**item, "headings": tuple(item["headings"])}) for item in raw]
        self.by_id = {chunk.id: chunk for chunk in self.chunks}
        self.bm25 = BM25([lexical(chunk.search_text) for chunk in self.chunks])
        with np.load(folder / "vectors.npz") as data:
            self.chunk_vectors = np.asarray(data["chunks"], dtype=np.float32)
            labels = [str(item) for item in data["labels"]]
            texts = [str(item) for item in data["texts"]]
            ignore = frozenset(STOPWORDS | self.playbook.role_stems | set(words(ROLE_PLACEHOLDER)))
            self.intent = IntentModel(labels, np.asarray(data["examples"], dtype=np.float32), texts, ignore)
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        self.normalise = Normaliser(
            load_shorthand(settings.policy_dir),
            set(vocab["playbook"]),
            set(vocab["known"]),
            vocab["entities"],
        )
        self.embedder = get_embedder(settings)
        self.doc_text = {source.doc: source.text for source in load_documents(settings.knowledge_dir)}

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.embedder.embed_query(texts), dtype=np.float32)

    def duty_similarity(self, vector: np.ndarray) -> dict[str, float]:
        """Per duty, the intent model's score for a (role-masked) question vector."""
        return {
            label: score
            for label, score in self.intent.scores(vector).items()
            if label in self.playbook.duties
        }

    def search(self, vector: np.ndarray, text: str, k: int = 8) -> list[Hit]:
        n = min(max(k * 2, 10), len(self.chunks))
        sims = self.chunk_vectors @ vector
        order = np.argsort(-sims, kind="stable")[:n]
        dense_ids = [self.chunks[int(i)].id for i in order]
        dense = {self.chunks[int(i)].id: float(sims[int(i)]) for i in order}
        tokens = lexical(text)
        bm25_rank: list[str] = []
        bm25_score: dict[str, float] = {}
        if tokens:
            scores = self.bm25.scores(tokens)
            for position in np.argsort(-scores, kind="stable")[:n]:
                if scores[position] > 0:
                    cid = self.chunks[int(position)].id
                    bm25_rank.append(cid)
                    bm25_score[cid] = float(scores[position])
        fused: dict[str, float] = {}
        for ranking in (dense_ids, bm25_rank):
            for rank, cid in enumerate(ranking):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        ordered = sorted(fused, key=lambda cid: (-fused[cid], cid))[:k]
        return [
            Hit(self.by_id[cid], fused[cid], dense.get(cid, 0.0), bm25_score.get(cid, 0.0), rank)
            for rank, cid in enumerate(ordered)
        ]


_CACHE: dict[str, Retriever] = {}
_LOCK = threading.Lock()


def _invalidate(folder: Path) -> None:
    with _LOCK:
        for key in [key for key in _CACHE if key.startswith(f"{folder}\0")]:
            del _CACHE[key]


def get_retriever(settings: Settings | None = None) -> Retriever:
    """The loaded index for ``settings``, building it first when missing or stale."""
    settings = settings or get_settings()
    folder = index_dir(settings)
    digest = _digest(settings)
    key = f"{folder}\0{settings.knowledge_dir}\0{digest}"
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    if _read_manifest(folder).get("content_hash") != digest:
        build_index(settings, progress=False)
    retriever = Retriever(settings, digest)
    with _LOCK:
        _CACHE[key] = retriever
    return retriever
