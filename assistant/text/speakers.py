"""Who is speaking: customer, Omni (SDR, SME, PM, leadership) or the external rep.

Roles come from what the text shows: a parenthetical affiliation after the
name ("Dana (Acme)", "Sam [Omni SDR]"), an attendee list, a self-introduction
("this is Priya from Omni's certification team"), an email address domain, or
a role word used as the label ("SDR:", "Rep:", "Customer:").  A speaker the text
never ties to Omni or to the partner is taken as the customer, since the
customer is the other party of every call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SpeakerInfo", "classify_affiliation", "is_role_label"]

CUSTOMER = "customer"
OMNI = "omni"
REP = "external_rep"
THIRD_PARTY = "third_party"  # a processor, vendor, reference customer or other firm
UNKNOWN = "unknown"

_OMNI_TITLES: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:ceo|coo|cro|founder|co-?founder|vp\s+(?:of\s+)?sales|head\s+of\s+sales|leadership|exec(?:utive)?|"
        r"managing\s+director|chief\s+\w+\s+officer|president|run\s+(?:sales|the\s+sales\s+team|revenue))\b",
        "leadership",
    ),
    (
        r"\b(?:cert(?:ification)?\.?\s*smes?|smes?|certification\s+(?:leads?|engineers?|specialists?|team))\b",
        "certification_sme",
    ),
    (r"\b(?:technical\s+pms?|tech(?:nical)?\s+project\s+managers?|tpms?|pms?)\b", "technical_pm"),
    (r"\b(?:program\s+manager)\b", "program_manager"),
    (r"\b(?:engineer(?:ing)?|solutions?\s+(?:engineer|architect)|se)\b", "engineering"),
    (r"\b(?:sdr|bdr|account\s+exec(?:utive)?|ae|sales)\b", "internal_sdr"),
)
_REP_WORDS = re.compile(
    r"\b(?:partner|external\s+rep|ext\.?\s+rep|referral|reseller|agent|iso\s+rep|channel|rep)\b",
    re.IGNORECASE,
)
_CUSTOMER_WORDS = re.compile(r"\b(?:customer|client|prospect|buyer|merchant)\b", re.IGNORECASE)
_OMNI_WORD = re.compile(r"\bomni\b", re.IGNORECASE)


@dataclass
class SpeakerInfo:
    name: str  # as written in the label, without the parenthetical
    role: str = UNKNOWN  # customer | omni | external_rep | third_party | unknown
    title: str | None = (
        None  # Omni sub-role id (internal_sdr, certification_sme, technical_pm, leadership...)
    )
    affiliation: str | None = None  # company named beside the speaker ("Acme")
    job_title: str | None = None  # customer's title if given ("VP Payments")


def omni_title(text: str) -> str | None:
    lowered = text.lower()
    for pattern, title in _OMNI_TITLES:
        if re.search(pattern, lowered):
            return title
    return None


def classify_affiliation(text: str) -> tuple[str, str | None]:
    """Role and Omni sub-role implied by a label or an affiliation text."""
    if _OMNI_WORD.search(text):
        return OMNI, omni_title(text) or "internal_sdr"
    if _REP_WORDS.search(text):
        return REP, None
    if _CUSTOMER_WORDS.search(text):
        return CUSTOMER, None
    title = omni_title(text)
    if title in {"internal_sdr", "certification_sme", "technical_pm"} and re.fullmatch(
        r"[\w .\-]{1,30}", text.strip()
    ):
        # a bare role label such as "SDR" or "Cert SME" is an Omni person
        lowered = text.strip().lower()
        if lowered in {
            "sdr",
            "bdr",
            "sme",
            "cert sme",
            "certification sme",
            "pm",
            "tpm",
            "technical pm",
            "ae",
        }:
            return OMNI, title
    return UNKNOWN, None


_ROLE_LABELS = re.compile(
    r"^(?:sdr|bdr|ae|sme|cert\s+sme|certification\s+sme|pm|tpm|technical\s+pm|rep|partner|partner\s+rep|"
    r"external\s+rep|customer|client|prospect|buyer|merchant|omni|q|a|interviewer|speaker\s*\d+|host|"
    r"omni\s+\w+)$",
    re.IGNORECASE,
)


def is_role_label(label: str) -> bool:
    return bool(_ROLE_LABELS.match(label.strip()))
