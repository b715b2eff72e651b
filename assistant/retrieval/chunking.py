"""Playbook files -> heading-aware chunks, and the small text helpers retrieval shares.

Markdown is split first at headings (``MarkdownHeaderTextSplitter``), so a chunk never
straddles two sections and remembers its heading path, then long sections are cut by
``RecursiveCharacterTextSplitter``.  Chunk text keeps the file's own lines, so any
sentence taken from a chunk is an exact substring of the file it cites.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError

__all__ = [
    "CHUNKER_VERSION",
    "Chunk",
    "SourceDoc",
    "chunk_documents",
    "content_hash",
    "knowledge_files",
    "load_documents",
    "raw_words",
    "sentences",
    "split_markdown",
    "stem",
    "words",
]

CHUNKER_VERSION = "md-headers-h4/recursive-700-80/v1"
HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4")]
CHUNK_SIZE = 700
CHUNK_OVERLAP = 80
DATA_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceDoc:
    """One Markdown playbook: ``doc`` is how answers cite it (``knowledge/<relative path>``)."""

    doc: str
    path: Path
    text: str


@dataclass(frozen=True)
class Chunk:
    id: str
    doc: str
    section: str  # the nearest heading
    headings: tuple[str, ...]  # h1 > h2 > ... path
    text: str  # verbatim lines of the file
    order: int = 0

    @property
    def title(self) -> str:
        return " > ".join(self.headings)

    @property
    def search_text(self) -> str:
        """What is embedded and BM25-indexed: heading path, then the body."""
        return f"{self.title}\n{self.text}" if self.headings else self.text


def knowledge_files(knowledge_dir: Path) -> list[Path]:
    """Every Markdown playbook and YAML data file under ``knowledge_dir``, in a stable order."""
    if not knowledge_dir.is_dir():
        raise ConfigError(
            f"knowledge folder {knowledge_dir} does not exist; create it or set ASSISTANT_KNOWLEDGE_DIR"
        )
    found = [
        path
        for path in knowledge_dir.rglob("*")
        if path.is_file() and path.suffix.lower() in (".md", *DATA_SUFFIXES) and not path.name.startswith(".")
    ]
    return sorted(found, key=lambda path: path.relative_to(knowledge_dir).as_posix())


def content_hash(knowledge_dir: Path, *extra: str) -> str:
    """sha256 over every knowledge file (name and bytes) plus ``extra`` (embedder id, versions)."""
    digest = hashlib.sha256()
    for item in (CHUNKER_VERSION, *extra):
        digest.update(item.encode() + b"\0")
    for path in knowledge_files(knowledge_dir):
        digest.update(path.relative_to(knowledge_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_documents(knowledge_dir: Path) -> list[SourceDoc]:
    """The Markdown playbooks, newline-normalised; ``doc`` is ``knowledge/<relative path>``."""
    docs = []
    for path in knowledge_files(knowledge_dir):
        if path.suffix.lower() != ".md":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read playbook {path}: {exc}; save it as UTF-8 text") from exc
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        docs.append(
            SourceDoc(doc=f"knowledge/{path.relative_to(knowledge_dir).as_posix()}", path=path, text=text)
        )
    return docs


def split_markdown(source: SourceDoc) -> list[Chunk]:
    """Heading-aware chunks of one playbook."""
    from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

    by_heading = MarkdownHeaderTextSplitter(HEADERS, strip_headers=True).split_text(source.text)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE,
        chunk_overlap=CHUNK_OVERLAP,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
    )
    chunks: list[Chunk] = []
    for section in by_heading:
        headings = tuple(str(section.metadata[key]) for _, key in HEADERS if key in section.metadata)
        for piece in splitter.split_text(section.page_content):
            piece = piece.strip()
            if not piece:
                continue
            order = len(chunks)
            ident = hashlib.sha1(f"{source.doc}\0{order}\0{piece}".encode()).hexdigest()[:16]
            section_name = headings[-1] if headings else source.path.stem
            chunks.append(Chunk(ident, source.doc, section_name, headings, piece, order))
    return chunks


def chunk_documents(sources: Iterable[SourceDoc]) -> list[Chunk]:
    return [chunk for source in sources for chunk in split_markdown(source)]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def sentences(text: str) -> list[str]:
    """Sentences of a chunk, list markers dropped: each is a substring of ``text``."""
    out: list[str] = []
    for line in text.split("\n"):
        line = _BULLET.sub("", line).strip()
        if not line or line.startswith(("#", "|")):
            continue
        out.extend(part.strip() for part in _SENTENCE_END.split(line) if len(part.strip()) > 3)
    return out


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|%")
_SUFFIXES = ("ments", "ment", "ings", "ing", "ions", "ion", "ies", "ied", "als", "al", "es", "ed", "s", "e")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately crude stemmer: "chasing", "chases", "chase" -> "chas"; "approvals" -> "approv"."""
    word = word.lower().replace("'", "")
    for suffix in _SUFFIXES:
        keep = 2 if suffix == "s" else 3
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            if suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # running -> run, committed -> commit
            if suffix != "e" and word.endswith("e") and len(word) > 4:
                word = word[:-1]  # agreement -> agree -> agre, like agree -> agre
            break
    return word


def raw_words(text: str) -> list[str]:
    """Lower-cased words of ``text``, unstemmed, aligned with :func:`words`."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def words(text: str) -> list[str]:
    """Lower-cased word stems of ``text`` (numbers and "%" kept)."""
    return [stem(token) for token in raw_words(text)]
