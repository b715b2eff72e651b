"""A pasted transcript as sentences with offsets, speakers and roles.

``Document.from_text`` normalises newlines, masks card data (same length), reads
the lines (:mod:`.lines`), settles who each speaker is (:mod:`.roles`) and splits
sentences.  Every sentence keeps its offsets into ``text``, so any quote cut
from it is verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..deadline import check as check_deadline
from .inputs import normalize_newlines
from .lines import BULLET, Line, read_lines
from .masking import mask_with_spans
from .speakers import UNKNOWN, SpeakerInfo

__all__ = ["Document", "Sentence"]

_TAG_QUESTION = re.compile(
    r",\s*(?:right|yeah|yes|correct|ok|okay|eh|yup|agreed|no)\s*\?[\s\"')]*$", re.IGNORECASE
)
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"')\]]*+\s++(?=[\"'(\[]?[A-Z0-9])|(?<=[a-z]{3}[.!?])\s++(?=[a-z])|;\s++|(?<!\s)\s++[–—]\s++(?=[A-Z])"
)
# A longer run without a sentence end is read in pieces of at most this many characters (cut at a
# blank), so the per-sentence cue reading stays bounded and triage linear in the input.
MAX_SENTENCE_CHARS = 600


@dataclass
class Sentence:
    """One sentence (or note line) with its place in the text and who said it."""

    index: int
    start: int
    end: int
    text: str
    speaker: SpeakerInfo | None
    label: str | None = None  # "Key" of a "Key: value" line, lower-cased
    quoted: int = 0  # email quote depth
    header: bool = False  # email header line (Subject: ...)
    turn: int = 0  # increments when the speaker changes
    section: str | None = None  # heading the line sits under ("next steps"), lower-cased

    @property
    def role(self) -> str:
        return self.speaker.role if self.speaker else UNKNOWN

    @property
    def title(self) -> str | None:
        return self.speaker.title if self.speaker else None

    @property
    def is_question(self) -> bool:
        """Ends with "?" - but not a tag question ("We'll have you live in six weeks, right?")."""
        return self.text.rstrip(" )\"'").endswith("?") and not _TAG_QUESTION.search(self.text)


@dataclass
class Document:
    raw: str  # newline-normalised input
    text: str  # same length, card data masked
    masked_spans: tuple[tuple[int, int], ...]
    sentences: list[Sentence]
    speakers: dict[str, SpeakerInfo] = field(default_factory=dict)
    # per-document analysis shared by the rules backend and the checks (mentions, cue readings)
    cache: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str) -> Document:
        raw = normalize_newlines(text)
        masked = mask_with_spans(raw)
        check_deadline()
        speakers, lines = read_lines(masked.text)
        check_deadline()
        sentences = _split_sentences(masked.text, lines, speakers)
        return cls(
            raw=raw, text=masked.text, masked_spans=masked.spans, sentences=sentences, speakers=speakers
        )

    # -- quoting -------------------------------------------------------------------------
    def quote(self, start: int, end: int) -> str:
        """The verbatim text between offsets, trimmed of surrounding blanks and masked card data."""
        start, end = self._avoid_masks(start, end)
        chunk = self.text[start:end]
        stripped = chunk.strip(" \t\n,;-–—•*")
        return stripped if stripped else chunk.strip()

    def _avoid_masks(self, start: int, end: int) -> tuple[int, int]:
        for mask_start, mask_end in self.masked_spans:
            if mask_start < end and mask_end > start:
                # keep the longer side of the span that does not touch the masked digits
                left = (start, mask_start)
                right = (mask_end, end)
                start, end = left if left[1] - left[0] >= right[1] - right[0] else right
        return start, max(start, end)

    def sentence_quote(self, sentence: Sentence) -> str:
        return self.quote(sentence.start, sentence.end)

    def next_turn(self, sentence: Sentence) -> Sentence | None:
        """The first sentence of the next speaker's turn (for question / answer pairs)."""
        for other in self.sentences[sentence.index + 1 : sentence.index + 8]:
            if other.turn != sentence.turn and not other.header:
                return other
        return None

    def turn_sentences(self, sentence: Sentence) -> list[Sentence]:
        return [other for other in self.sentences if other.turn == sentence.turn]

    @property
    def has_speakers(self) -> bool:
        return bool(self.speakers)


# ---------------------------------------------------------------------------------------


def _split_sentences(text: str, lines: list[Line], speakers: dict[str, SpeakerInfo]) -> list[Sentence]:
    sentences: list[Sentence] = []
    turn = 0
    last_key: str | None = "\0"
    for line in lines:
        if line.skip:
            continue
        content_start = line.content_start
        bullet = BULLET.match(text, content_start, line.end)
        if bullet:
            content_start = bullet.end()
        if content_start >= line.end:
            continue
        if line.speaker_key != last_key:
            turn += 1
            last_key = line.speaker_key
        speaker = speakers.get(line.speaker_key) if line.speaker_key else None
        piece_start = content_start
        for boundary in _SENTENCE_END.finditer(text, content_start, line.end):
            before = text[max(content_start, boundary.start() - 8) : boundary.start()]
            if re.search(
                r"(?:^|[\s.(])(?:[A-Z]|[A-Z][a-z]|e\.g|i\.e|vs|Dr|Mr|Ms|Mrs|St|No)\.$", before
            ) or re.search(r"(?:^|[\s.(])(?:approx|etc|incl|est|ca|dept|vs)\.$", before, re.IGNORECASE):
                continue  # "J.P. Morgan", "U.S. stores", "e.g. kiosks", "Dr. Osei", "approx. 200"
            _add(sentences, text, piece_start, boundary.start(), speaker, line, turn)
            piece_start = boundary.end()
        _add(sentences, text, piece_start, line.end, speaker, line, turn)
    return sentences


def _add(
    sentences: list[Sentence],
    text: str,
    start: int,
    end: int,
    speaker: SpeakerInfo | None,
    line: Line,
    turn: int,
) -> None:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    if end <= start:
        return
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        _add(sentences, text, start, cut, speaker, line, turn)
        start = cut
        while start < end and text[start] in " \t":
            start += 1
    sentences.append(
        Sentence(
            index=len(sentences),
            start=start,
            end=end,
            text=text[start:end],
            speaker=speaker,
            label=line.label,
            quoted=line.quoted,
            header=line.header,
            turn=turn,
            section=line.section,
        )
    )
