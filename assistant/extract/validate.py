"""Typed checks on field values: a value that is not what its field holds is dropped.

Runs on every backend's fields before the checks and the gate (``triage_document``).  A
rep forwards what the tool finds, so a wrong value costs more than a missing one:

* ``company`` is an organisation name: not a date, a job title, a greeting, a filler word, an
  e-mail subject, a person, Omni, the partner's firm or a vendor;
* ``contact``, ``economic_buyer`` and ``champion`` are people or roles on the customer side,
  never a vendor or someone from the seller side;
* ``timeline`` is a date or a window, not a meeting length ("Mon, 45 min");
* ``budget`` that says nothing was said ("not discussed") is missing;
* free text (``decision_process``, ``next_steps``, ``requested_responsibilities``, ``budget``)
  holds words a rep could paste into a CRM, not "that" or a heading.

The word lists live in ``policy/values.toml``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..schema import Field

if TYPE_CHECKING:
    from ..policy import PolicyBundle
    from ..schema import DiscoveryFields
    from ..text import Document

__all__ = ["valid_company", "valid_person", "valid_timeline", "valid_title", "validate_fields"]

_CONNECTORS = frozenset(
    {"of", "and", "the", "&", "de", "du", "la", "le", "van", "von", "y", "+", "-", "co.", "co"}
)
_DATE = re.compile(
    r"^\W*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d"
    r"|\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?\b|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|q[1-4]\b|20\d\d\b)",
    re.IGNORECASE,
)
_NUMBER_WORD = re.compile(
    r"^(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred)$",
    re.IGNORECASE,
)


def valid_company(name: str, doc: Document, bundle: PolicyBundle) -> bool:
    """An organisation's name that is the customer's (see the module docstring)."""
    rules = bundle.values
    words = name.split()
    if not words or len(words) > 8 or len(name) > 70:
        return False
    lowered = name.lower().strip(" .")
    if _DATE.match(name) or lowered in rules.not_company or words[0].lower().strip(",.") in rules.not_company:
        return False
    if all(word.lower().strip(",.()") in rules.titles for word in words):
        return False  # "VP Sales", "COO", "Head of Payments"
    if _NUMBER_WORD.match(words[0]) and len(words) == 1:
        return False
    if any(not (w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS) for w in words if w):
        return False  # "Lane replacement", "Interac debit certification": a phrase, not a name
    if re.search(r"\bomni\b|\bfastflex\b", lowered):
        return False
    people = doc.participants
    if lowered in people.seller_orgs or people.is_seller_name(name):
        return False
    if any(p.name.lower() == lowered for p in people.people):
        return False  # a person, not their firm
    vocabulary = bundle.participants
    if vocabulary.is_vendor(name) or vocabulary.is_vendor(words[0]) or vocabulary.partner_org.search(name):
        return _named_as_customer(name, doc)
    return True


def _named_as_customer(name: str, doc: Document) -> bool:
    """ "Company: Lone Star Tollway Partners", "Lone Star Tollway Partners / Omni": the text says so."""
    customer = doc.participants.customer_org
    return customer is not None and customer.lower() == name.lower()


def valid_person(value: str, doc: Document, bundle: PolicyBundle) -> bool:
    """A person or a role at the customer: not a vendor, not Omni, not someone from the seller side."""
    text = re.sub(r"\([^)]*\)", " ", value).strip(" ,.")
    words = text.split()
    if not words or len(words) > 16:
        return False
    lowered = text.lower()
    if lowered in bundle.values.not_company or lowered in bundle.values.empty:
        return False
    if all(w.lower().strip(".,") in bundle.values.not_company or w.isdigit() for w in words):
        return False  # "Speaker 2", "Primary Contact", "Quote"
    if re.search(r"\bomni\b", lowered) or bundle.participants.is_vendor(text):
        return False
    if doc.participants.is_seller_name(text) and not _customer_person(text, doc):
        return False
    if lowered in doc.participants.seller_orgs:
        return False
    return not (words[0][0].islower() and not any(w.lower() in bundle.values.titles for w in words))


def _customer_person(name: str, doc: Document) -> bool:
    person = doc.participants.find(name)
    return person is not None and person.side == "customer"


def valid_title(value: str, bundle: PolicyBundle) -> bool:
    """A job title ("Head of Payments"), not a meeting title or a sentence."""
    words = re.findall(r"[\w&'’.\-]+", value.lower())
    if not words or len(words) > 10 or re.search(r"\b(?:omni|fastflex|discovery|intro)\b", value, re.I):
        return False
    return any(word in bundle.values.titles for word in words)


def valid_timeline(value: str, bundle: PolicyBundle) -> bool:
    """A date or a window ("end of Q3", "before Black Friday"), not a meeting length ("45 min")."""
    if bundle.values.duration.search(value):
        rest = bundle.values.duration.sub(" ", value)
        if not re.search(
            r"\b(?:q[1-4]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|20\d\d|year|quarter)", rest, re.I
        ):
            return False
    return bool(value.strip())


def _says_nothing(value: str, bundle: PolicyBundle) -> bool:
    cleaned = re.sub(r"[\s.!]+$", "", value.strip()).lower()
    cleaned = re.sub(r"\s+", " ", cleaned.replace("’", "'"))
    variants = {cleaned, cleaned.replace("'", ""), cleaned.replace("didnt", "didn't")}
    return any(v in bundle.values.nothing for v in variants) or any(
        v.startswith(p) and (len(v) == len(p) or not v[len(p)].isalnum())
        for v in variants
        for p in bundle.values.nothing
        if len(p) > 5
    )


def _clean_phrase(value: str, bundle: PolicyBundle) -> bool:
    """Words a rep could paste into a CRM: not empty words, a hashtag or a bare heading."""
    text = value.strip(" .:-#*")
    words = re.findall(r"[\w'’]+", text.lower())
    if not words or all(word in bundle.values.empty for word in words):
        return False
    if text.startswith("#") or value.strip().startswith("#") or _says_nothing(text, bundle):
        return False
    if bundle.values.subject.match(value):
        return False  # "RE: Cobalt Bay - FastFlex vendor onboarding": a subject line
    return not (len(words) == 1 and len(text) < 4)


def _text_ok(name: str, value: str, doc: Document, bundle: PolicyBundle, firms: set[str]) -> bool:
    """Whether a free-text value is what field ``name`` holds."""
    if name == "company":
        return valid_company(value, doc, bundle)
    if name in ("contact", "economic_buyer", "champion"):
        # a vendor, the seller's rep, or the customer's firm itself is no person
        return valid_person(value, doc, bundle) and value.strip().lower() not in firms
    if name == "timeline":
        return valid_timeline(value, bundle)
    if name == "budget":
        return not _says_nothing(value, bundle) and _clean_phrase(value, bundle)
    if name == "decision_process":
        return _clean_phrase(value, bundle)
    if name == "contact_role":
        return valid_title(value, bundle)
    return True


_TEXT_FIELDS = ("company", "contact", "economic_buyer", "champion", "timeline", "budget", "decision_process")
_PHRASE_LISTS = ("next_steps", "requested_responsibilities")


def validate_fields(fields: DiscoveryFields, doc: Document, bundle: PolicyBundle) -> list[str]:
    """Drop values that are not what their field holds; returns the names of the fields dropped."""
    dropped: list[str] = []
    company = fields.get("company")
    if company.present and isinstance(company.value, str) and not valid_company(company.value, doc, bundle):
        fields.set("company", Field())
        dropped.append("company")
    firms = {str(fields.company.value).lower(), (doc.participants.customer_org or "").lower()} - {"", "none"}
    for name in (*_TEXT_FIELDS[1:], "contact_role"):
        field = fields.get(name)
        if (
            field.present
            and isinstance(field.value, str)
            and not _text_ok(name, field.value, doc, bundle, firms)
        ):
            fields.set(name, Field())
            dropped.append(name)
    for name in _PHRASE_LISTS:
        field = fields.get(name)
        if not (field.present and isinstance(field.value, list)):
            continue
        kept = [item for item in field.value if isinstance(item, str) and _clean_phrase(item, bundle)]
        if not kept:
            fields.set(name, Field())
            dropped.append(name)
        elif len(kept) != len(field.value):
            fields.set(name, field.model_copy(update={"value": kept}))
    return dropped
