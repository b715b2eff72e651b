"""The people: main contact and their title, economic buyer, champion."""

from __future__ import annotations

import re

from ...schema import Field, FieldStatus
from ...text import OMNI, REP, THIRD_PARTY, Sentence
from .context import Context, build_field
from .names import (
    compiled_patterns,
    customer_speakers,
    first_line_with,
    label_text,
    omni_or_rep_names,
    stop_names,
)

__all__ = ["extract_champion", "extract_contact", "extract_economic_buyer"]

_TWO_CAPS = re.compile(r"[A-Z][a-z'’\-]+\s+[A-Z][a-z]|\b(?:with|to|is|poc|contact)\s+[A-Z][a-z]")
_TITLE_HINT = re.compile(
    r"\b(?:vp|svp|evp|avp|vice|director|dir|head|manager|mgr|lead|owner|founder|co-?founder|president|controller|"
    r"architect|engineer|eng|cto|cfo|ceo|coo|cio|cpo|cro|cmo|ciso|chief|gm|treasurer|specialist|coordinator|"
    r"consultant|buyer|analyst|officer)\b",
    re.IGNORECASE,
)


def extract_contact(ctx: Context) -> tuple[Field, Field]:
    """The main customer contact and their title."""
    signals = ctx.bundle.signals.people
    title_re = re.compile(signals.title_regex, re.IGNORECASE)
    blocked = omni_or_rep_names(ctx)
    name: str | None = None
    quote: str | None = None
    labelled = label_text(ctx, "contact")
    if labelled:
        text, sentence = labelled
        candidate = re.split(r"\s*(?:\(|,|\s[-–—|/]\s|;)", text, maxsplit=1)[0].strip()
        if candidate and candidate[0].isupper() and len(candidate.split()) <= 4:
            name, quote = candidate, ctx.quote_sentence(sentence)
    person = ctx.doc.participants.contact()
    if name is None and person is not None:
        quote = first_line_with(ctx, person.name)
        name = person.name if quote else None
    if name is None:
        speakers = customer_speakers(ctx)
        if speakers and speakers[0][0].lower() not in {
            "customer",
            "client",
            "prospect",
            "a",
            "buyer",
            "merchant",
        }:
            name = speakers[0][0]
            quote = first_line_with(ctx, name)
    if name is None:
        name_title = re.compile(
            rf"(?P<who>[A-Z][a-z]+\s+[A-Z][a-z'’\-]+)\s*(?:,|\(|\s[-–—]\s)\s*(?:{signals.title_regex})",
            re.IGNORECASE,
        )
        patterns = [
            *compiled_patterns(tuple(signals.contact_regex))[:1],
            name_title,
            *compiled_patterns(tuple(signals.contact_regex))[1:],
        ]
        for pattern in patterns:
            for sentence in ctx.doc.sentences:
                if sentence.role in (OMNI,) and sentence.speaker is not None and ctx.assessor.conversation:
                    continue
                if sentence.about_seller or sentence.seller_from is not None:
                    continue  # a bio or a reference customer names no contact of this customer
                if not _TWO_CAPS.search(sentence.text):
                    continue  # every pattern needs a name ("First Last", "with Dana")
                if pattern is name_title and not _TITLE_HINT.search(sentence.text):
                    continue  # the title pattern is costly; only where a title word is
                match = pattern.search(sentence.text)
                if (
                    match
                    and match.group("who")[:1].isupper()
                    and match.group("who").split()[0].lower() not in blocked | stop_names()
                ):
                    name, quote = match.group("who"), ctx.quote_sentence(sentence)
                    break
            if name:
                break
    if name is None:
        for pattern in compiled_patterns(tuple(signals.contact_regex)):
            for sentence in ctx.doc.sentences:
                if sentence.about_seller or sentence.seller_from is not None:
                    continue
                match = pattern.search(sentence.text)
                if match and match.group("who").split()[0].lower() not in blocked | stop_names():
                    name, quote = match.group("who"), ctx.quote_sentence(sentence)
                    break
            if name:
                break
    if name is None or quote is None:
        return Field(), _role_from_label(ctx, title_re)
    contact = build_field(name, FieldStatus.CONFIRMED, [quote])
    known = ctx.doc.participants.find(name)
    if known is not None and known.email and contact.present:
        contact.model_extra["email"] = known.email  # type: ignore[index]  # the draft's recipient
    role = _contact_role(ctx, name, title_re)
    if not role.present and known is not None and known.job_title:
        quote = first_line_with(ctx, known.job_title)
        if quote:
            role = build_field(known.job_title, FieldStatus.CONFIRMED, [quote])
    return contact, role


def _role_from_label(ctx: Context, title_re: re.Pattern[str]) -> Field:
    labelled = label_text(ctx, "contact_role")
    if labelled:
        text, sentence = labelled
        return build_field(text.strip(" ."), FieldStatus.CONFIRMED, [ctx.quote_sentence(sentence)])
    return Field()


def _contact_role(ctx: Context, name: str, title_re: re.Pattern[str]) -> Field:
    info = ctx.doc.speakers.get(name.lower())
    if info and info.job_title:
        quote = first_line_with(ctx, info.job_title)
        if quote:
            return build_field(info.job_title, FieldStatus.CONFIRMED, [quote])
    labelled = _role_from_label(ctx, title_re)
    if labelled.present:
        return labelled
    first = re.escape(name.split()[0])
    near = re.compile(
        rf"\b{first}(?:\s+[A-Z][\w'’\-]+)?\s*(?:,\s*(?:the\s+|their\s+|our\s+)?|\(\s*|\s[-–—]\s*|\s+is\s+(?:the|their|our)\s+|\s+who\s+is\s+(?:the|their)\s+)"
        rf"(?P<title>{title_re.pattern})",
        re.IGNORECASE,
    )
    for sentence in ctx.doc.sentences:
        match = near.search(sentence.text)
        if match:
            return build_field(
                match.group("title").strip(" ,"), FieldStatus.CONFIRMED, [ctx.quote_sentence(sentence)]
            )
    for sentence in ctx.doc.sentences:
        if sentence.speaker is not None and sentence.speaker.name == name:
            intro = re.search(
                rf"\bi(?:'m|’m|\s+am)\s+(?:the\s+|a\s+|an\s+)?(?P<title>{title_re.pattern})",
                sentence.text,
                re.IGNORECASE,
            )
            if intro:
                return build_field(
                    intro.group("title").strip(" ,"), FieldStatus.CONFIRMED, [ctx.quote_sentence(sentence)]
                )
    return Field()


_WHO_HINT = {
    "economic_buyer": re.compile(
        r"sign|budget|\beb\b|final|economic|purse|approve|decision\s+maker|signator", re.IGNORECASE
    ),
    "champion": re.compile(
        r"champ|advocate|sponsor|\bfan\b|\bally\b|\bcoach\b|pushing|driving|selling", re.I
    ),
}


def _who_field(ctx: Context, field_name: str, patterns: list[str]) -> Field:
    labelled = label_text(ctx, field_name)
    if labelled:
        text, sentence = labelled
        status = (
            FieldStatus.UNCERTAIN
            if ctx.assessor.is_hedged_text(text) or "?" in text
            else FieldStatus.CONFIRMED
        )
        value = text.strip(" .?")
        return build_field(value, status, [ctx.quote_sentence(sentence)])
    blocked = omni_or_rep_names(ctx)
    hint = _WHO_HINT.get(field_name)
    candidates = [s for s in ctx.doc.sentences if hint is None or hint.search(s.text)]
    for pattern in compiled_patterns(tuple(patterns)):
        for sentence in candidates:
            if sentence.is_question or (
                sentence.role in (OMNI, REP, THIRD_PARTY)
                and ctx.assessor.conversation
                and not re.search(r"\b(?:you|your|they|their)\b", sentence.text, re.I)
            ):
                continue
            match = pattern.search(sentence.text)
            if not match:
                continue
            who = _tidy_who(match.group("who"), sentence.text[match.end("who") :])
            if who.lower() in _PRONOUNS:
                who = _antecedent(ctx, sentence) or ""
            elif who == "I":
                who = sentence.speaker.name if sentence.speaker else ""  # "I'm the one pushing this"
            if not who or who.lower() in blocked or who.lower() in stop_names() or who.lower() == "omni":
                continue
            hedged = ctx.assessor.is_hedged_text(sentence.text)
            status = FieldStatus.UNCERTAIN if hedged else FieldStatus.CONFIRMED
            return build_field(who, status, [ctx.quote_sentence(sentence)])
    return Field()


_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them", "he's", "she's"})
_PERSON = re.compile(
    r"(?:(?P<title>CFO|CEO|COO|CTO|CIO|President|Owner|Treasurer|Controller|VP\s+\w+|Head\s+of\s+\w+|Director\s+of\s+\w+)"
    r"\s*[,=:(]?\s*)?(?:Dr\.?\s+|Mr\.?\s+|Ms\.?\s+|Mrs\.?\s+)?(?P<name>[A-Z][a-z]+\s+[A-Z][a-z'’\-]+)(?!\w)"
)


def _antecedent(ctx: Context, sentence: Sentence) -> str | None:
    """ "Our COO, Dr. Renata Sims. She signs." / "contact: Rahul Menon, CTO. he's the EB": who "she" is."""
    for other in reversed(ctx.doc.sentences[max(0, sentence.index - 2) : sentence.index + 1]):
        if other.turn != sentence.turn:
            continue
        people = list(_PERSON.finditer(other.text[: len(other.text)]))
        if other is sentence:
            people = [p for p in people if p.start() < sentence.text.lower().find(" he") or p.start() < 40]
        if people:
            person = people[-1]
            title = person.group("title")
            return f"{person.group('name')} ({title})" if title else person.group("name")
    return None


def _tidy_who(raw: str, after: str = "") -> str:
    """ "the CFO = Annette Roy" -> "Annette Roy (CFO)"; "the CFO (Tom Reinholt)" likewise; "our CFO" -> "CFO"."""
    named = re.match(r"\s*\((?:Dr\.?\s+)?(?P<name>[A-Z][a-z]+\s+[A-Z][a-z'’\-]+)\)", after)
    if named and not re.search(r"[A-Z][a-z]+\s+[A-Z]", raw):
        raw = f"{raw} {named.group('name')}"
    who = re.sub(
        r"^(?:(?:so|and|okay|ok|well|um|uh|yeah|right|then|but)\s+)+",
        "",
        raw.strip(" ,=:()"),
        flags=re.IGNORECASE,
    )
    who = re.sub(r"^(?:the|our|their)\s+", "", who, flags=re.IGNORECASE).strip(" ,=:()")
    parts = re.match(r"(?P<title>.+?)\s*[,=:(]?\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z'’\-]+)?)$", who)
    if parts and re.match(
        r"(?i)(?:cfo|ceo|coo|cto|cio|president|owner|treasurer|controller|vp|svp|head|director)\b",
        parts.group("title"),
    ):
        return f"{parts.group('name')} ({parts.group('title').strip(' ,=:(')})"
    return who


def extract_economic_buyer(ctx: Context) -> Field:
    return _who_field(ctx, "economic_buyer", ctx.bundle.signals.people.economic_buyer_regex)


def extract_champion(ctx: Context) -> Field:
    return _who_field(ctx, "champion", ctx.bundle.signals.people.champion_regex)
