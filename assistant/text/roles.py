"""Who each speaker is: Omni (and which role), the external rep, or the customer.

Roles come from what the text shows: a parenthetical after the name ("Dana
(Acme)", "Sam [Omni SDR]"), an attendee list, an e-mail address or signature, a
self-introduction ("this is Priya from Omni"), a colleague introduced by name
("we've got Graham Holt, our technical PM"), or a role word used as the label.
A named speaker never tied to Omni or the partner is the customer, the other
party of every call.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .speakers import CUSTOMER, OMNI, REP, UNKNOWN, SpeakerInfo, classify_affiliation, omni_title

if TYPE_CHECKING:
    from .lines import Line

__all__ = ["apply_affiliation", "email_sender", "resolve_roles", "speaker_from"]

_SELF_INTRO_OMNI = re.compile(
    r"\b(?:this\s+is|i'?m|i\s+am|my\s+name\s+is)\b[^.?!\n]{0,60}\b(?:from|at|with|on)\s+(?:the\s+)?omni\b"
    r"|\b(?:here\s+at|on\s+the)\s+omni\b|\bomni'?s\s+(?:cert|certification|sdr|sales|technical|pm)"
    # "one of our certification SMEs", "the FastFlex process": only Omni talks like that
    r"|\bour\s+(?:certification\s+|cert\s+)?(?:smes?|certification\s+team|cert\s+team)\b|\bfastflex\b"
    # "Hi, Ines Baptiste, certification SME at Omni."
    r"|(?:^|[.!?]\s+)\W{0,6}(?:hi|hey|hello|hiya|morning|afternoon)?\W{0,6}[A-Z][a-z]+(?:\s+[A-Z][a-z'’\-]+)?,\s+[^.?!\n]{0,50}\b(?:at|from|with)\s+omni\b",
    re.IGNORECASE,
)
_ANONYMOUS = re.compile(r"(?:speaker|participant|caller|guest)\s*\d+$", re.IGNORECASE)
_INTRO_NAME = re.compile(
    r"\b(?:I'm|I am|this is|my name is|it's)\s+(?P<n>[A-Z][a-z]+\s+[A-Z][a-z'’\-]+)"
    r"|(?:^|[.!?]\s+)\W*(?:(?:hi|hiya|hey|hello|sorry)\W+)*(?P<n2>[A-Z][a-z]+\s+[A-Z][a-z'’\-]+),\s"
)
_SELF_INTRO_REP = re.compile(
    r"\b(?:i'?m|i\s+am|this\s+is)\b[^.?!\n]{0,60}\b(?:partner|referral|reseller|rep\b)", re.IGNORECASE
)


_NAME_DASH_FIRM = re.compile(
    r"(?P<n>[A-Z][\w'’.]+(?:[ \t]+[A-Z][\w'’.]+){0,3})[ \t]+[-–—|][ \t]+(?P<firm>[A-Z][^:]{1,60})$"
)


def speaker_from(key: str, paren: str | None, speakers: dict[str, SpeakerInfo]) -> str:
    name = key.strip()
    dashed = _NAME_DASH_FIRM.match(name) if paren is None else None
    if dashed:  # "Dana Ruiz - Acme Foods": the name, and the firm as the affiliation
        name, paren = dashed.group("n"), dashed.group("firm")
    info = speakers.get(name.lower())
    if info is None:
        info = SpeakerInfo(name=name)
        speakers[name.lower()] = info
    key_role, key_title = classify_affiliation(name)  # "Omni SDR (Sam)", "Customer (Dana)"
    if paren and key_role == UNKNOWN:
        apply_affiliation(info, paren.strip("()[] "))
    elif info.role == UNKNOWN and key_role != UNKNOWN:
        info.role, info.title = key_role, key_title
        if paren and key_role == OMNI:
            info.title = omni_title(paren) or key_title
    return name.lower()


def apply_affiliation(info: SpeakerInfo, affiliation: str) -> None:
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


def email_sender(who: str, speakers: dict[str, SpeakerInfo]) -> str:
    match = re.match(
        r"\s*\"?(?P<name>[^<\"]*?)\"?\s*(?:<(?P<addr>[^>]+)>|\[mailto:(?P<addr2>[^\]]+)\])?\s*$", who
    )
    name = (match.group("name") if match else who).strip() or who.strip()
    address = ((match.group("addr") or match.group("addr2")) if match else None) or (
        name if "@" in name else ""
    )
    if "@" in name and match and not (match.group("addr") or match.group("addr2")):
        name = name.split("@")[0].replace(".", " ").title()
    name = re.split(r"\s+(?:@|at)\s+|\s*[\(\[|]", name, maxsplit=1)[0].strip() or name
    name = re.sub(r"^(?:(?:AM|PM|UTC|GMT|[A-Z]{2,4}T)\s+)+", "", name).strip() or name
    key = speaker_from(name, None, speakers)
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


def resolve_roles(text: str, lines: list[Line], speakers: dict[str, SpeakerInfo]) -> None:
    """Self-introductions, then default the unknown named speakers to the customer."""
    for line in lines:
        if line.skip or not line.speaker_key:
            continue
        info = speakers[line.speaker_key]
        if _ANONYMOUS.match(info.name):
            named = _INTRO_NAME.search(text[line.content_start : line.end])
            if named:
                info.name = named.group("n") or named.group("n2")  # "Speaker 2" said "I'm Morag Buchanan"
        if info.role != UNKNOWN:
            continue
        content = text[line.content_start : line.end]
        intro = _SELF_INTRO_OMNI.search(content)
        introduced = re.search(r"\bthis\s+is\s+(?P<n>[A-Z][a-z]+)", intro.group()) if intro else None
        if introduced and introduced.group("n").lower() not in info.name.lower():
            # "Gareth, this is Sam from Omni": introducing someone else, who is the Omni person
            other = next((s for s in speakers.values() if s.name.split()[0] == introduced.group("n")), None)
            if other is not None and other.role == UNKNOWN:
                other.role, other.title = OMNI, "internal_sdr"
            if info.role == UNKNOWN and not info.affiliation:
                info.role = REP  # whoever introduces Omni's person to the customer is the partner rep
            intro = None
        if intro:
            said = intro.group()
            title = None if said.lower().startswith(("our", "fastflex")) else omni_title(said)
            info.role, info.title = OMNI, title or "internal_sdr"
        elif _SELF_INTRO_REP.search(content):
            info.role = REP
    # people introduced by someone at Omni: "we've got Graham Holt, our technical PM"
    omni_lines = [
        text[line.content_start : line.end]
        for line in lines
        if not line.skip
        and (
            (line.speaker_key and speakers[line.speaker_key].role == OMNI)
            or re.search(r"\bomni\b", text[line.content_start : line.end], re.IGNORECASE)
        )
    ]
    for info in speakers.values():
        if info.role != UNKNOWN:
            continue
        first = re.escape(info.name.split()[0])
        full = re.escape(info.name)
        pattern = re.compile(
            rf"\b(?:{full}|{first})\b,?[ \t]+(?:who'?s[ \t]+|is[ \t]+)?(?:our|my|omni'?s)[ \t]+"
            rf"(?P<t>[\w \t.\-]{{2,40}}?)(?=[,.;]|[ \t]+and\b|$)"
            rf"|\b(?:our|my|omni'?s)[ \t]+(?P<t2>(?:[\w.\-]+[ \t]+){{0,2}}[\w.\-]+),?[ \t]+(?:{full}|{first})\b"
            rf"|\b(?:{full}|{first})[ \t]+(?:from|at|with)[ \t]+omni\b"
            rf"|\b(?:{full}|{first})\b[^.\n]{{0,30}}?,[ \t]+(?:she|he|they)(?:'s|’s|[ \t]+is|[ \t]+are)[ \t]+"
            rf"(?:one[ \t]+of[ \t]+)?(?:our|my)[ \t]+(?P<t3>[\w \t.\-]{{2,40}}?)(?=[,.;]|$)"
        )
        for content in omni_lines:
            intro = pattern.search(content)
            if not intro:
                continue
            words = intro.group("t") or intro.group("t2") or intro.group("t3") or "omni"
            if words.split()[-1].lower() in {"and", "with", "to", "for", "of", "the", "or", "from"}:
                continue  # "our certification SME and Étienne" pairs two people, it does not title Étienne
            title = omni_title(words)
            if title or "omni" in intro.group().lower():
                info.role, info.title = OMNI, title or "internal_sdr"
                break
    # "Ray Kowalski (Pacific Rail Partners)": a partner firm, unless the text names it as the customer
    for info in speakers.values():
        if info.role == CUSTOMER and info.affiliation and re.search(r"\bpartners?\b", info.affiliation, re.I):
            named_as_customer = re.search(
                rf"(?:company|customer|account|client|prospect)\s*:\s*{re.escape(info.affiliation)}|^{re.escape(info.affiliation)}\s+[-–—|]",
                text,
                re.IGNORECASE | re.MULTILINE,
            )
            if not named_as_customer:
                info.role = REP
    # a signature such as "Dev Malhotra | Partner, Lakefront Channel Partners" marks the external rep
    for info in speakers.values():
        if info.role in (UNKNOWN, CUSTOMER) and not info.affiliation:
            for raw_line in text.split("\n"):
                bare = raw_line.strip(" \t->*|")
                rest = bare[len(info.name) :]
                if (
                    bare.startswith(info.name)
                    and len(bare) < 100
                    and re.search(
                        r"\b(?:partner|partners|referral|reseller|rep\s+group|channel)\b", rest, re.I
                    )
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
