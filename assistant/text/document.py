"""A pasted transcript as sentences with offsets, speakers and roles.

``Document.from_text`` normalises newlines, masks card data (same length), then
reads the text line by line: email headers and quoted replies, speaker labels
with or without timestamps (``[00:04:12] Dana (Acme):``, ``DANA:``, Zoom's
``Dana Ruiz  00:04`` on its own line, WebVTT ``<v Dana>``), "Key: value"
note lines, bullets.  Every sentence keeps its offsets into ``text``, so any
quote cut from it is verbatim.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .inputs import normalize_newlines
from .masking import mask_with_spans
from .speakers import (
    CUSTOMER,
    OMNI,
    REP,
    UNKNOWN,
    SpeakerInfo,
    classify_affiliation,
    is_role_label,
    omni_title,
)

__all__ = ["Document", "Sentence"]

_TS = r"(?:\[\s*|\(\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?(?:\s*\]|\s*\))?"
_KEY_LINE = re.compile(
    rf"(?P<prefix>[ \t]*(?:[-*•·]\s+)?(?:(?P<ts1>{_TS})[ \t]*[-–—|]?[ \t]*)?)"
    rf"(?P<key>[A-Za-z][\w.'’&/\- ]{{0,48}}?)[ \t]*(?P<paren>[\(\[](?!\s*\d{{1,2}}:\d{{2}})[^\)\]\n]{{1,90}}[\)\]])?[ \t]*"
    rf"(?P<ts2>{_TS})?[ \t]*:[ \t]*(?P<content>.*)$"
)
_ZOOM_LINE = re.compile(
    rf"[ \t]*(?P<key>[A-Z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){{0,3}})[ \t]*(?P<paren>\([^)\n]{{1,80}}\))?"
    rf"[ \t]+(?P<ts>{_TS})[ \t]*$"
)
_VTT_VOICE = re.compile(r"[ \t]*<v(?:\.[\w.]+)?\s+(?P<key>[^>]{1,60})>(?P<content>.*?)(?:</v>)?[ \t]*$")
_VTT_TIMING = re.compile(r"[ \t]*\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}\s+-->\s+")
_FROM = re.compile(r"(?:[ \t]*(?:>[ \t]?)*)[ \t]*From:[ \t]*(?P<who>.+?)[ \t]*$", re.IGNORECASE)
_WROTE = re.compile(
    r"(?:[ \t]*(?:>[ \t]?)*)[ \t]*On\b.{3,160}?[\s,](?P<who>[A-Z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){0,3})[ \t]*"
    r"(?:<[^>]*>|\[mailto:[^\]]*\]|\([^)]*@[^)]*\))?[ \t]*wrote:[ \t]*$"
)
_WROTE_ADDRESS = re.compile(r"(?:[ \t]*(?:>[ \t]?)*)[ \t]*On\b.{3,160}?(?P<who>[\w.+\-]+@[\w.\-]+)>?[ \t]*wrote:[ \t]*$")
_HEADER = re.compile(r"(?:[ \t]*(?:>[ \t]?)*)[ \t]*(?:To|Cc|Bcc|Sent|Date|Reply-To):", re.IGNORECASE)
_QUOTE = re.compile(r"(?P<q>[ \t]*(?:>[ \t]?)+)")
_SEPARATOR = re.compile(r"[ \t>]*-{2,}\s*(?:Original Message|Forwarded message|Forwarded Message)\s*-{2,}", re.IGNORECASE)
_BULLET = re.compile(r"[ \t]*(?:[-*•·▪◦]|\d{1,2}[.)])[ \t]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|;\s+|\s+[–—]\s+(?=[A-Z])")
_ATTENDEES = re.compile(
    r"\s*(?:attendees|participants|on the call|present|people|who|cc)\s*:\s*(?P<list>.+)$", re.IGNORECASE
)
_ATTENDEE_ITEM = re.compile(r"(?P<name>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3})\s*[\(\[](?P<aff>[^\)\]]+)[\)\]]")
_NAME_LIKE = re.compile(r"[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|van|von|de|da|del|la)){0,3}$")
_SELF_INTRO_OMNI = re.compile(
    r"\b(?:this\s+is|i'?m|i\s+am|my\s+name\s+is)\b[^.?!\n]{0,60}\b(?:from|at|with|on)\s+(?:the\s+)?omni\b"
    r"|\b(?:here\s+at|on\s+the)\s+omni\b|\bomni'?s\s+(?:cert|certification|sdr|sales|technical|pm)",
    re.IGNORECASE,
)
_SELF_INTRO_REP = re.compile(
    r"\b(?:i'?m|i\s+am|this\s+is)\b[^.?!\n]{0,60}\b(?:partner|referral|reseller|rep\b)", re.IGNORECASE
)
_LABEL_WORDS = frozenset(
    ["company", "customer", "account", "prospect", "client", "contact", "contacts", "title", "role", "roles", "processor", "processors", "proc", "procs", "acquirer", "acquiring", "gateway", "gateways", "gw", "terminal", "terminals", "device", "devices", "hardware", "hw", "model", "models", "vendor", "vendors", "kif", "kifs", "key", "tooling", "tools", "tool", "kit", "kits", "cards", "card", "brands", "region", "regions", "geo", "geos", "country", "countries", "market", "markets", "timeline", "timing", "timeframe", "go-live", "golive", "target", "deadline", "budget", "decision", "dm", "eb", "economic", "champion", "champions", "discount", "discounts", "pricing", "price", "asks", "ask", "scope", "use", "usecase", "segment", "size", "headcount", "employees", "source", "lead", "next", "action", "actions", "notes", "note", "risks", "risk", "subject", "re", "date", "attendees", "participants", "summary", "background", "context", "pain", "pains", "status", "stage", "deal", "opportunity", "opp", "volume", "locations", "stores", "sites", "lanes", "units", "count", "qty", "quantity", "app", "isv", "pos", "partner", "rep", "intro", "from", "to", "cc", "sent", "why", "what", "who", "when", "where", "how", "requirements", "requirement", "req", "reqs", "cert", "certification", "certs", "l3", "emv", "contactless", "integration", "semi-integrated", "environment", "stack", "tech", "current", "plans", "plan", "competition", "competitors", "incumbent", "todo", "follow", "followup", "follow-up", "ps", "fyi", "nb", "update", "misc", "other", "open", "questions", "question", "answer", "reply", "phase", "phases", "rollout", "volumes", "txn", "transactions", "fwd", "fw", "ext", "internal", "external", "important", "call", "meeting", "time", "topic", "agenda", "location", "duration", "recording", "transcript"]
)


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
        return self.text.rstrip(" )\"'").endswith("?")


@dataclass
class _Line:
    start: int
    end: int
    content_start: int
    speaker_key: str | None = None
    label: str | None = None
    quoted: int = 0
    header: bool = False
    skip: bool = False
    section: str | None = None


@dataclass
class Document:
    raw: str  # newline-normalised input
    text: str  # same length, card data masked
    masked_spans: tuple[tuple[int, int], ...]
    sentences: list[Sentence]
    speakers: dict[str, SpeakerInfo] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str) -> Document:
        raw = normalize_newlines(text)
        masked = mask_with_spans(raw)
        speakers, lines = _read_lines(masked.text)
        sentences = _split_sentences(masked.text, lines, speakers)
        return cls(raw=raw, text=masked.text, masked_spans=masked.spans, sentences=sentences, speakers=speakers)

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
def _is_label(key: str) -> bool:
    words = re.findall(r"[a-z0-9\-]+", key.lower())
    return bool(words) and (words[0] in _LABEL_WORDS or " ".join(words) in _LABEL_WORDS)


def _speaker_from(key: str, paren: str | None, speakers: dict[str, SpeakerInfo]) -> str:
    name = key.strip()
    info = speakers.get(name.lower())
    if info is None:
        info = SpeakerInfo(name=name)
        speakers[name.lower()] = info
    if paren:
        _apply_affiliation(info, paren.strip("()[] "))
    elif info.role == UNKNOWN:
        role, title = classify_affiliation(name)
        if role != UNKNOWN:
            info.role, info.title = role, title
    return name.lower()


def _apply_affiliation(info: SpeakerInfo, affiliation: str) -> None:
    role, title = classify_affiliation(affiliation)
    parts = [part.strip() for part in re.split(r"[,/|–—]|\s-\s", affiliation) if part.strip()]
    if role == UNKNOWN and parts:
        role = CUSTOMER
        info.affiliation = parts[0]
        if len(parts) > 1:
            info.job_title = parts[1]
    elif role == CUSTOMER and len(parts) > 1:
        info.job_title = parts[-1]
    if info.role == UNKNOWN or role != UNKNOWN:
        info.role, info.title = role, title


def _email_sender(who: str, speakers: dict[str, SpeakerInfo]) -> str:
    match = re.match(r"\s*\"?(?P<name>[^<\"]*?)\"?\s*(?:<(?P<addr>[^>]+)>|\[mailto:(?P<addr2>[^\]]+)\])?\s*$", who)
    name = (match.group("name") if match else who).strip() or who.strip()
    address = ((match.group("addr") or match.group("addr2")) if match else None) or (
        name if "@" in name else ""
    )
    if "@" in name and match and not (match.group("addr") or match.group("addr2")):
        name = name.split("@")[0].replace(".", " ").title()
    name = re.split(r"\s+(?:@|at)\s+|\s*[\(\[|]", name, maxsplit=1)[0].strip() or name
    name = re.sub(r"^(?:(?:AM|PM|UTC|GMT|[A-Z]{2,4}T)\s+)+", "", name).strip() or name
    key = _speaker_from(name, None, speakers)
    info = speakers[key]
    domain = address.split("@")[-1].lower() if "@" in address else ""
    if info.role == UNKNOWN:
        role, title = classify_affiliation(who.replace("@", " ").replace(".", " "))
        if "omni" in domain:
            info.role, info.title = OMNI, info.title or omni_title(who) or "internal_sdr"
        elif re.search(r"partner|referral|reseller|agent|channel", domain):
            info.role = REP
        elif role != UNKNOWN:
            info.role, info.title = role, title
        elif domain:
            info.role = CUSTOMER
    return key


def _read_lines(text: str) -> tuple[dict[str, SpeakerInfo], list[_Line]]:
    speakers: dict[str, SpeakerInfo] = {}
    raw_lines: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        raw_lines.append((offset, offset + len(line)))
        offset += len(line) + 1

    # pass 1: which "Key:" prefixes are speakers
    key_counts: Counter[str] = Counter()
    key_has_ts: set[str] = set()
    key_has_paren: set[str] = set()
    written: dict[str, str] = {}
    for start, end in raw_lines:
        match = _KEY_LINE.match(text, start, end)
        if match and not _FROM.match(text, start, end) and not _HEADER.match(text, start, end):
            key = match.group("key").strip().lower()
            written.setdefault(key, match.group("key").strip())
            key_counts[key] += 1
            if match.group("ts1") or match.group("ts2"):
                key_has_ts.add(key)
            if match.group("paren"):
                key_has_paren.add(key)
    name_like = {
        key for key in key_counts
        if (_NAME_LIKE.match(written[key]) or written[key].isupper()) and not _is_label(key) and len(key) <= 40
    }
    transcript_like = sum(key_counts[key] for key in name_like) >= 3 and len(name_like) >= 2

    def is_speaker(key: str) -> bool:
        if key in key_has_ts:
            return True
        if _is_label(key) and not is_role_label(key):
            return False
        if is_role_label(key):
            return key_counts[key] >= 2 or key in key_has_ts
        if key in name_like:
            return transcript_like or key in key_has_paren or key_counts[key] >= 2
        return False

    # attendee lists name people before they speak
    for start, end in raw_lines:
        match = _ATTENDEES.match(text, start, end)
        if match:
            for item in _ATTENDEE_ITEM.finditer(match.group("list")):
                key = _speaker_from(item.group("name"), item.group("aff"), speakers)
                speakers[key].role = speakers[key].role  # registered

    lines: list[_Line] = []
    current: str | None = None  # speaker of unlabeled lines (email sender, Zoom turn)
    section: str | None = None  # heading of a "Next steps:" style block the following lines belong to
    quote_author: dict[int, str | None] = {}
    for start, end in raw_lines:
        line = _Line(start=start, end=end, content_start=start)
        quote = _QUOTE.match(text, start, end)
        depth = quote.group("q").count(">") if quote else 0
        line.quoted = depth
        body_start = quote.end() if quote else start
        stripped = text[body_start:end].strip()
        if not stripped or stripped.upper() == "WEBVTT" or stripped.isdigit() or _VTT_TIMING.match(text, body_start, end):
            line.skip = True
            lines.append(line)
            continue
        if _SEPARATOR.match(text, start, end):
            line.skip = True
            lines.append(line)
            continue
        wrote = _WROTE.match(text, start, end) or _WROTE_ADDRESS.match(text, start, end)
        if wrote:
            who = text[wrote.start("who") : end]
            who = re.sub(r"\s*wrote:\s*$", "", who)
            quote_author[depth + 1] = _email_sender(who, speakers)
            line.skip = True
            lines.append(line)
            continue
        sender = _FROM.match(text, start, end)
        if sender:
            key = _email_sender(sender.group("who"), speakers)
            if depth:
                quote_author[depth] = key
            else:
                current = key
            line.skip = True
            lines.append(line)
            continue
        if _HEADER.match(text, start, end):
            line.skip = True
            lines.append(line)
            continue
        if re.match(r"[ \t]*Subject:", text[body_start:end], re.IGNORECASE):
            line.header = True
            line.content_start = body_start + text[body_start:end].index(":") + 1
            lines.append(line)
            continue
        zoom = _ZOOM_LINE.match(text, body_start, end)
        if zoom and not _is_label(zoom.group("key")):
            current = _speaker_from(zoom.group("key"), zoom.group("paren"), speakers)
            line.skip = True
            lines.append(line)
            continue
        voice = _VTT_VOICE.match(text, body_start, end)
        if voice:
            line.speaker_key = _speaker_from(voice.group("key"), None, speakers)
            line.content_start = voice.start("content")
            line.end = voice.end("content")
            current = line.speaker_key
            lines.append(line)
            continue
        match = _KEY_LINE.match(text, body_start, end)
        if match:
            key = match.group("key").strip()
            if is_speaker(key.lower()):
                section = None
                line.speaker_key = _speaker_from(key, match.group("paren"), speakers)
                current = line.speaker_key
                line.content_start = match.start("content")
            else:
                # a note line "Proc: Fiserv (I think)": keep the whole line as the sentence (better evidence)
                line.label = key.lower()
                bullet = _BULLET.match(text, body_start, end)
                line.content_start = bullet.end() if bullet else body_start
                line.speaker_key = quote_author.get(depth) if depth else current
                if not match.group("content").strip():
                    section = line.label
                line.section = section if match.group("content").strip() else None
        else:
            line.speaker_key = quote_author.get(depth) if depth else current
            bullet = _BULLET.match(text, body_start, end)
            line.content_start = bullet.end() if bullet else body_start
            line.section = section
        lines.append(line)

    _resolve_roles(text, lines, speakers)
    return speakers, lines


def _resolve_roles(text: str, lines: list[_Line], speakers: dict[str, SpeakerInfo]) -> None:
    """Self-introductions, then default the unknown named speakers to the customer."""
    for line in lines:
        if line.skip or not line.speaker_key:
            continue
        info = speakers[line.speaker_key]
        if info.role != UNKNOWN:
            continue
        content = text[line.content_start : line.end]
        if _SELF_INTRO_OMNI.search(content):
            info.role, info.title = OMNI, omni_title(content) or "internal_sdr"
        elif _SELF_INTRO_REP.search(content):
            info.role = REP
    # people introduced by someone at Omni: "we've got Graham Holt, our technical PM"
    for info in speakers.values():
        if info.role != UNKNOWN:
            continue
        first = re.escape(info.name.split()[0])
        full = re.escape(info.name)
        intro = re.search(
            rf"\b(?:{full}|{first})\b,?\s+(?:who'?s\s+|is\s+)?(?:our|my|omni'?s)\s+(?P<t>[\w\s.\-]{{2,40}}?)(?=[,.;]|\s+and\b|$)"
            rf"|\b(?:our|my|omni'?s)\s+(?P<t2>[\w\s.\-]{{2,40}}?),?\s+(?:{full}|{first})\b"
            rf"|\b(?:{full}|{first})\s+(?:from|at|with)\s+omni\b",
            text,
        )
        if intro:
            words = intro.group("t") or intro.group("t2") or "omni"
            title = omni_title(words)
            if title or "omni" in intro.group().lower():
                info.role, info.title = OMNI, title or "internal_sdr"
    # a signature such as "Dev Malhotra | Partner, Lakefront Channel Partners" marks the external rep
    for info in speakers.values():
        if info.role in (UNKNOWN, CUSTOMER) and not info.affiliation:
            for line in text.split("\n"):
                bare = line.strip(" \t->*|")
                rest = bare[len(info.name) :]
                if (
                    bare.startswith(info.name)
                    and len(bare) < 100
                    and re.search(r"\b(?:partner|partners|referral|reseller|rep\s+group|channel)\b", rest, re.I)
                    and not re.search(r"[.?!]\s+\w|:", rest)
                ):
                    info.role = REP
                    break
    if any(info.role in (OMNI, REP) for info in speakers.values()):
        for info in speakers.values():
            if info.role == UNKNOWN and info.name.lower() not in {"q", "a", "interviewer", "host"}:
                info.role = CUSTOMER
    question = speakers.get("q")
    answer = speakers.get("a")
    if question and answer:
        question.role, question.title = OMNI, "internal_sdr"
        answer.role = CUSTOMER


def _split_sentences(text: str, lines: list[_Line], speakers: dict[str, SpeakerInfo]) -> list[Sentence]:
    sentences: list[Sentence] = []
    turn = 0
    last_key: str | None = "\0"
    for line in lines:
        if line.skip:
            continue
        content_start = line.content_start
        bullet = _BULLET.match(text, content_start, line.end)
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
            before = text[max(content_start, boundary.start() - 4) : boundary.start()]
            if re.search(r"(?:^|[\s.(])(?:[A-Z]|[A-Z][a-z]|e\.g|i\.e|vs|approx|Dr|Mr|Ms|Mrs|St|No)\.$", before):
                continue  # "J.P. Morgan", "U.S. stores", "e.g. kiosks", "Dr. Osei"
            _add(sentences, text, piece_start, boundary.start(), speaker, line, turn)
            piece_start = boundary.end()
        _add(sentences, text, piece_start, line.end, speaker, line, turn)
    return sentences


def _add(
    sentences: list[Sentence], text: str, start: int, end: int, speaker: SpeakerInfo | None, line: _Line, turn: int
) -> None:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    if end <= start:
        return
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
