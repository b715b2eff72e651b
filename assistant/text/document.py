"""A pasted transcript as sentences with offsets, speakers and roles.

``Document.from_text`` normalises newlines, masks card data (same length), reads
the lines (:mod:`.lines`), settles who each speaker is (:mod:`.roles`) and splits
sentences.  Every sentence keeps its offsets into ``text``, so any quote cut
from it is verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..deadline import check as check_deadline
from .inputs import normalize_newlines
from .lines import BULLET, Line, read_lines
from .masking import mask_with_spans
from .participants import Participants, read_participants
from .speakers import UNKNOWN, SpeakerInfo

if TYPE_CHECKING:
    from ..policy.people import ParticipantVocabulary

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
    about_seller: bool = False  # the seller describing itself (a bio, "About us", its own firm)
    seller_from: int | None = None  # offset from which the sentence speaks of the seller's other clients
    chatter: bool = False  # small talk about something other than this deal (events, travel, tickets)

    def off_deal(self, offset: int | None = None) -> bool:
        """The seller describing itself, small talk, or (from ``seller_from`` on) the seller's other clients.

        ``offset`` is a document offset inside the sentence; without it, any part counts.
        """
        if self.about_seller or self.chatter:
            return True
        if self.seller_from is None:
            return False
        return offset is None or offset >= self.seller_from

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
    participants: Participants = field(default_factory=Participants)
    # per-document analysis shared by the rules backend and the checks (mentions, cue readings)
    cache: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str, vocabulary: ParticipantVocabulary | None = None) -> Document:
        """Read ``text`` through the annotation layers: lines and speakers, participants, sentences.

        ``vocabulary`` tells participants' sides; by default it comes from the policy folder.
        """
        raw = normalize_newlines(text)
        masked = mask_with_spans(raw)
        vocabulary = vocabulary or _default_vocabulary()
        check_deadline()
        speakers, lines = read_lines(masked.text)
        check_deadline()
        participants = read_participants(masked.text, lines, speakers, vocabulary)
        sentences = _split_sentences(masked.text, lines, speakers)
        mark_seller_sentences(masked.text, sentences, participants, vocabulary)
        return cls(
            raw=raw,
            text=masked.text,
            masked_spans=masked.spans,
            sentences=sentences,
            speakers=speakers,
            participants=participants,
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


def _default_vocabulary() -> ParticipantVocabulary:
    from ..policy import load_bundle

    return load_bundle().participants


def mark_seller_sentences(
    text: str, sentences: list[Sentence], participants: Participants, vocabulary: ParticipantVocabulary
) -> None:
    """Flag what the seller says about itself.

    A bio or "About us" block (a heading, or an unlabelled line that opens with one, and the
    unlabelled lines under it), a sentence whose subject is a seller person or firm ("Brightwave
    works with enterprise chains") and the pronoun sentences that follow it ("She is based in
    Toronto"), and from a reference cue on ("our clients include Harbor Bagels, on TSYS").
    """
    sections = vocabulary.seller_section_names
    section_start = vocabulary.seller_section_start
    names = {p.name for p in participants.people if participants.is_seller_name(p.name)}
    for org in participants.seller_orgs:
        if org and org != "omni":
            names.add(org)
            first = org.split()[0]
            if len(first) >= 4 and " " in org:
                names.add(first)  # "Brightwave" for Brightwave Payments
    ordered = sorted(names, key=len, reverse=True)
    subject = (
        re.compile(
            r"^\W{0,3}(?:"
            + "|".join(re.escape(name) for name in ordered)
            + r")(?:'s)?\b(?![ \t]+(?:said|asked))",
            re.IGNORECASE,
        )
        if ordered
        else None
    )
    in_block = False
    vendor_block = False
    previous: Sentence | None = None
    for sentence in sentences:
        heading = (sentence.section or sentence.label or "").strip(" :#*").lower()
        unlabelled = sentence.speaker is None and not sentence.header
        if unlabelled and len(sentence.text) <= 90 and section_start.match(sentence.text):
            in_block = True  # "Speaker bios (from the deck)", "--- Appendix: Brightwave, About us ---"
        elif not unlabelled:
            in_block = False
        vendor_head = False
        if unlabelled and _starts_line(text, sentence) and not _bulleted(text, sentence):
            # "a) Northgate Payments (ISO) - sales call with Gary": a buyer's notes on one vendor
            vendor_head = vendor_block = _names_seller_firm(sentence.text, vocabulary)
        elif not (unlabelled and _bulleted(text, sentence)) and _starts_line(text, sentence):
            vendor_block = False  # the vendor's bullets end with the first line that is not one
        about = (
            in_block
            or vendor_head
            or (vendor_block and _bulleted(text, sentence))
            or heading in sections
            or (subject is not None and subject.match(sentence.text) is not None)
            or (
                previous is not None
                and (previous.about_seller or previous.seller_from is not None)
                and previous.turn == sentence.turn
                and _PRONOUN_START.match(sentence.text) is not None
            )
        )
        previous = sentence
        sentence.chatter = vocabulary.is_chatter(sentence.text)
        if about:
            sentence.about_seller = True
            continue
        cue = vocabulary.references.search(sentence.text) or vocabulary.reference_pattern.search(
            sentence.text
        )
        if cue is not None:
            sentence.seller_from = sentence.start + cue.start()


_ITEM_HEAD = re.compile(
    r"[ \t]*(?:[a-z0-9]{1,2}[.)][ \t]+|#{1,4}[ \t]+)(?P<firm>[A-Z][\w&.'’\-]*(?:[ \t]+[A-Z][\w&.'’\-]*){0,4})"
)


def _starts_line(text: str, sentence: Sentence) -> bool:
    return text[text.rfind("\n", 0, sentence.start) + 1 : sentence.start].strip(" \t") == ""


def _bulleted(text: str, sentence: Sentence) -> bool:
    """The sentence's line is a bullet item ("- Gary has been in payments...")."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    return text[line_start : sentence.start].strip(" \t") in {"-", "*", "•", "·", "▪", "◦"} or bool(
        re.match(r"[ \t]*[-*•·▪◦][ \t]+", text[line_start : sentence.end])
    )


def _names_seller_firm(line: str, vocabulary: ParticipantVocabulary) -> bool:
    """A short line that opens with a payments firm or a partner: the heading of a vendor's notes."""
    head = _ITEM_HEAD.match(line)
    if head is None or len(line) > 120:
        return False
    firm = head.group("firm")
    return bool(
        vocabulary.seller_org.search(firm)
        or vocabulary.partner_org.search(firm)
        or vocabulary.is_vendor(firm)
        or re.search(r"\b(?:omni|labs?|certification|consulting)\b", firm, re.IGNORECASE)
    )


_PRONOUN_START = re.compile(r"\W{0,3}(?:she|he|they|it|we|our|his|her|their)\b", re.IGNORECASE)


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
