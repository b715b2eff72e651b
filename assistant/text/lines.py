"""Read a transcript line by line: speakers, e-mail headers and quotes, note labels, bullets.

Handles speaker labels with or without timestamps (``[00:04:12] Dana (Acme):``,
``DANA:``, ``Name [00:04]:``), Zoom's ``Dana Ruiz  00:04`` on its own line,
WebVTT ``<v Dana>`` voices and cue timings, ``From:`` / ``On ... wrote:``
headers with ``>`` quoting, attendee lists, and "Key: value" note lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..deadline import check as check_deadline
from .roles import email_sender, resolve_roles, speaker_from
from .speakers import SpeakerInfo, is_role_label

__all__ = ["BULLET", "MAX_LINE_CHARS", "Line", "label_words", "line_spans", "read_lines"]

# A longer physical line (a transcript pasted as one line) is read in pieces of at most this many
# characters, cut after a sentence end or at a blank where there is one: every per-line pass stays
# bounded, so reading is linear in the input whatever its layout.
MAX_LINE_CHARS = 2000

_TS = r"(?:\[\s*|\(\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*\]|\s*\))?"
# whitespace runs are possessive (``[ \t]*+``) and never two in a row: the match stays linear
_KEY_LINE = re.compile(
    rf"(?P<prefix>[ \t]*+(?:[-*•·]\s++)?(?:(?P<ts1>{_TS})[ \t]*+(?:[-–—|][ \t]*+)?)?)(?:\*\*|__)?"
    rf"(?P<key>[A-Za-z][\w.'’&/\- ]{{0,48}}?)[ \t]*+(?P<paren>[\(\[](?!\s*\d{{1,2}}:\d{{2}})[^\)\]\n]{{1,90}}[\)\]])?[ \t]*+"
    # "Name: text", "**Name (Acme):** text", "Name - 00:01 - text"
    rf"(?:(?P<ts2>{_TS})?[ \t]*+(?:\*\*|__)?[ \t]*+:|(?<=[ \t])[-–—|][ \t]+(?P<ts3>{_TS})[ \t]+[-–—|:])"
    rf"[ \t]*+(?:\*\*|__)?[ \t]*+(?P<content>.*)$"
)
_ZOOM_LINE = re.compile(
    # "Dana Ruiz  00:04", "dana ruiz  00:04", "Dana Ruiz - Acme Foods  00:04"
    rf"[ \t]*+(?P<key>[A-Z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){{0,3}}|[A-Z][a-z]+[ \t]+\d{{1,2}}|[a-z][\w.'’\-]*[ \t]+[a-z][\w.'’\-]*"
    rf"|[A-Z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){{0,3}}[ \t]+[-–—|][ \t]+[A-Z][\w.'’&\-]*(?:[ \t]+[A-Z&][\w.'’&\-]*){{0,4}})"
    rf"[ \t]*+(?P<paren>\([^)\n]{{1,80}}\))?"
    rf"[ \t]*+(?:(?<=[ \t])|(?:\||-{{1,2}}|–|—|·|,)[ \t]*+)(?P<ts>{_TS})[ \t]*$"
)
_VTT_VOICE = re.compile(r"[ \t]*<v(?:\.[\w.]+)?\s+(?P<key>[^>]{1,60})>(?P<content>.*?)(?:</v>[ \t]*)?$")
_VTT_TIMING = re.compile(r"[ \t]*\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}\s+-->\s+")
_FROM = re.compile(r"[ \t]*+(?:>[ \t]*+)*+From:[ \t]*+(?P<who>.*\S)[ \t]*$", re.IGNORECASE)
_WROTE = re.compile(
    r"[ \t]*+(?:>[ \t]*+)*+On\b.{3,160}?[\s,](?P<who>[A-Z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){0,3})[ \t]*+"
    r"(?:<[^>\n]{0,200}>|\[mailto:[^\]\n]{0,200}\]|\([^)@\n]{0,100}@[^)\n]{0,100}\))?[ \t]*+wrote:[ \t]*$"
)
_WROTE_ADDRESS = re.compile(
    r"[ \t]*+(?:>[ \t]*+)*+On\b.{3,160}?(?P<who>[\w.+\-]+@[\w.\-]+)>?[ \t]*wrote:[ \t]*$"
)
_HEADER = re.compile(r"[ \t]*+(?:>[ \t]*+)*+(?:To|Cc|Bcc|Sent|Date|Reply-To):", re.IGNORECASE)
_QUOTE = re.compile(r"(?P<q>[ \t]*(?:>[ \t]?)+)")
_SEPARATOR = re.compile(
    r"[ \t>]*-{2,}\s*(?:Original Message|Forwarded message|Forwarded Message)\s*-{2,}", re.IGNORECASE
)
_BULLET = re.compile(r"[ \t]*+(?:[-*•·▪◦]|\d{1,2}[.)])[ \t]+")
_ATTENDEES = re.compile(
    r"\s*(?:attendees|participants|on the call|present|people|who|cc)\s*:\s*(?P<list>.+)$", re.IGNORECASE
)
_SIDE_LIST = re.compile(
    r"[ \t]*(?P<side>omni(?:\s+side|\s+team)?|customer|client|prospect|partner|rep|external)\s*:\s*(?P<list>.+)$",
    re.IGNORECASE,
)
_PERSON_ITEM = re.compile(
    r"(?P<name>[^\W\d_][\w.'’\-]*(?:[ \t]+[^\W\d_][\w.'’\-]*){0,3})[ \t]*(?:\((?P<aff>[^)]*)\))?"
)
_ATTENDEE_ITEM = re.compile(
    r"(?P<name>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3})\s*[\(\[](?P<aff>[^\)\]]+)[\)\]]"
)
_NAME_LIKE = re.compile(
    r"[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|van|von|de|da|del|la)){0,3}"
    r"(?:[ \t]+[-–—|][ \t]+[A-Z][\w.'’&]*(?:[ \t]+[A-Z&][\w.'’&]*){0,4})?$"  # "Dana Ruiz - Acme Foods"
)
_DASH_FIRM = re.compile(r"[a-z][ \t]+[-–—|][ \t]+[A-Z]")
BULLET = _BULLET
_HEADING = re.compile(
    r"[ \t]*(?:#{1,6}[ \t]+(?P<h>[^\n]{1,60}?)|(?P<caps>[A-Z][A-Z0-9 /&\-]{3,40}):?)[ \t]*$"
)


@lru_cache(maxsize=1)
def label_words() -> frozenset[str]:
    """Keys of note lines that are labels, not people (``label_words.txt``)."""
    path = Path(__file__).with_name("label_words.txt")
    return frozenset(
        word.strip().lower()
        for word in path.read_text(encoding="utf-8").splitlines()
        if word.strip() and not word.startswith("#")
    )


@dataclass
class Line:
    start: int
    end: int
    content_start: int
    speaker_key: str | None = None
    label: str | None = None
    quoted: int = 0
    header: bool = False
    skip: bool = False
    section: str | None = None


def _is_label(key: str) -> bool:
    words = re.findall(r"[a-z0-9\-]+", key.lower())
    return bool(words) and (words[0] in label_words() or " ".join(words) in label_words())


def _cut(text: str, start: int, end: int) -> int:
    """Where to end a piece of an over-long line: after a sentence end, else at a blank, else hard."""
    window = text[start + MAX_LINE_CHARS // 2 : end]
    for marks in ((". ", "? ", "! "), (" ", "\t")):
        cut = max(window.rfind(mark) for mark in marks)
        if cut >= 0:
            return start + MAX_LINE_CHARS // 2 + cut + 1
    return end


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, over-long lines cut into pieces of at most ``MAX_LINE_CHARS``."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for raw in text.split("\n"):
        start, stop = offset, offset + len(raw)
        while stop - start > MAX_LINE_CHARS:
            cut = _cut(text, start, start + MAX_LINE_CHARS)
            spans.append((start, cut))
            start = cut
        spans.append((start, stop))
        offset = stop + 1
    return spans


def read_lines(text: str) -> tuple[dict[str, SpeakerInfo], list[Line]]:
    speakers: dict[str, SpeakerInfo] = {}
    raw_lines = line_spans(text)

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
            if match.group("ts1") or match.group("ts2") or match.group("ts3"):
                key_has_ts.add(key)
            if match.group("paren") or _DASH_FIRM.search(written[key]):
                key_has_paren.add(key)  # "Dana (Acme):", "Dana Ruiz - Acme Foods:" name their firm
    name_like = {
        key
        for key in key_counts
        if (_NAME_LIKE.match(written[key]) or written[key].isupper())
        and not _is_label(key)
        and len(key) <= 40
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
    listed: list[tuple[str, str, str | None]] = []  # (name, side label, affiliation)
    for start, end in raw_lines:
        match = _ATTENDEES.match(text, start, end)
        if match:
            for item in _ATTENDEE_ITEM.finditer(match.group("list")):
                key = speaker_from(item.group("name"), item.group("aff"), speakers)
                speakers[key].role = speakers[key].role  # registered
            continue
        side = _SIDE_LIST.match(text, start, end)
        if side:
            # "Omni: Priya Raman (internal SDR), Luc Bertrand (certification SME)" / "Customer: ..."
            for item in _PERSON_ITEM.finditer(side.group("list")):
                listed.append((item.group("name"), side.group("side"), item.group("aff")))

    lines: list[Line] = []
    current: str | None = None  # speaker of unlabeled lines (email sender, Zoom turn)
    section: str | None = None  # heading of a "Next steps:" style block the following lines belong to
    quote_author: dict[int, str | None] = {}
    for start, end in raw_lines:
        check_deadline()
        line = Line(start=start, end=end, content_start=start)
        quote = _QUOTE.match(text, start, end)
        depth = quote.group("q").count(">") if quote else 0
        line.quoted = depth
        body_start = quote.end() if quote else start
        stripped = text[body_start:end].strip()
        if (
            not stripped
            or stripped.upper() == "WEBVTT"
            or stripped.isdigit()
            or _VTT_TIMING.match(text, body_start, end)
        ):
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
            quote_author[depth + 1] = email_sender(who, speakers)
            line.skip = True
            lines.append(line)
            continue
        sender = _FROM.match(text, start, end)
        if sender:
            key = email_sender(sender.group("who"), speakers)
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
        heading = _HEADING.match(text, body_start, end)
        if heading:
            # "## Open items", "OPEN ITEMS": the lines below belong to this section
            section = (heading.group("h") or heading.group("caps")).strip(" :#").lower()
            line.label = section
            line.speaker_key = current
            lines.append(line)
            continue
        zoom = _ZOOM_LINE.match(text, body_start, end)
        if zoom and not _is_label(zoom.group("key")):
            current = speaker_from(zoom.group("key"), zoom.group("paren"), speakers)
            line.skip = True
            lines.append(line)
            continue
        voice = _VTT_VOICE.match(text, body_start, end)
        if voice:
            line.speaker_key = speaker_from(voice.group("key"), None, speakers)
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
                line.speaker_key = speaker_from(key, match.group("paren"), speakers)
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

    _apply_side_lists(listed, speakers)
    resolve_roles(text, lines, speakers)
    return speakers, lines


def _apply_side_lists(listed: list[tuple[str, str, str | None]], speakers: dict[str, SpeakerInfo]) -> None:
    """People listed under "Omni:" / "Customer:", matched to speakers by full name, first name or initials."""
    from .speakers import CUSTOMER, OMNI, REP, UNKNOWN, omni_title

    for name, side, affiliation in listed:
        words = name.split()
        initials = "".join(unicodedata.normalize("NFKD", word[0])[0] for word in words).lower()
        for key, info in speakers.items():
            if info.role != UNKNOWN:
                continue
            if key in (name.lower(), words[0].lower()) or (len(words) > 1 and key == initials):
                lowered = side.lower()
                if lowered.startswith("omni"):
                    info.role, info.title = OMNI, omni_title(affiliation or "") or "internal_sdr"
                elif lowered in ("partner", "rep", "external"):
                    info.role = REP
                else:
                    info.role = CUSTOMER
                if len(key) <= 3:
                    info.name = name  # "LB" is Luc Bertrand
                if affiliation and info.role == CUSTOMER:
                    parts = [part.strip() for part in affiliation.split(",")]
                    info.job_title = parts[0]
