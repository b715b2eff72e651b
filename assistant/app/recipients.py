"""To and Cc of the follow-up: addresses found in the opportunity's notes, never invented.

The contact's name comes from the (reviewed) report; this module only finds which address
in the notes belongs to that name (the name right before it, or the name in the mailbox),
and the colleagues on the same company domain for Cc.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import formataddr

__all__ = ["Recipients", "find_recipients", "format_mailbox"]

_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}")
_NAME_BEFORE = re.compile(r"([A-Z][\w'’-]{0,30}(?: [A-Z][\w'’-]{0,30}){0,3})\W{0,3}$")
_LOOKBACK = 60


@dataclass(frozen=True)
class Mailbox:
    name: str
    address: str


@dataclass
class Recipients:
    to: list[Mailbox] = field(default_factory=list)
    cc: list[Mailbox] = field(default_factory=list)

    def header(self, which: str) -> str:
        return ", ".join(format_mailbox(box.name, box.address) for box in getattr(self, which))


def format_mailbox(name: str, address: str) -> str:
    """``"Dana Ruiz" <dana@kestrel.example>`` (quoted when needed)."""
    return formataddr((name, address)) if name else address


def _found(texts: Iterable[str]) -> list[Mailbox]:
    out: dict[str, Mailbox] = {}
    for text in texts:
        for match in _ADDRESS.finditer(text):
            address = match.group(0).rstrip(".")
            before = text[max(0, match.start() - _LOOKBACK) : match.start()].split("\n")[-1]
            named = _NAME_BEFORE.search(before.rstrip(" <(:"))
            name = named.group(1) if named else ""
            key = address.casefold()
            if key not in out or (name and not out[key].name):
                out[key] = Mailbox(name, address)
    return list(out.values())


def _tokens(name: str) -> set[str]:
    return {token for token in re.findall(r"[a-z]+", name.casefold()) if len(token) > 1}


def _belongs(box: Mailbox, contact: str) -> bool:
    wanted = _tokens(contact)
    if not wanted:
        return False
    if _tokens(box.name):
        return bool(wanted & _tokens(box.name))
    local = box.address.split("@", 1)[0].casefold()
    return any(token in local for token in wanted if len(token) > 2)


def find_recipients(texts: Iterable[str], contact: str, sender_email: str) -> Recipients:
    """The contact's address as To; other addresses on the contact's domain as Cc."""
    boxes = [box for box in _found(texts) if _valid(box.address)]
    own_domain = sender_email.rsplit("@", 1)[-1].casefold()
    boxes = [box for box in boxes if box.address.rsplit("@", 1)[-1].casefold() != own_domain]
    to = [box for box in boxes if contact and _belongs(box, contact)][:1]
    if to and not to[0].name:
        to = [Mailbox(contact, to[0].address)]
    if not to:
        return Recipients()
    domain = to[0].address.rsplit("@", 1)[-1].casefold()
    cc = [
        box
        for box in boxes
        if box.address.casefold() != to[0].address.casefold()
        and box.address.rsplit("@", 1)[-1].casefold() == domain
    ]
    return Recipients(to=to, cc=cc)


def _valid(address: str) -> bool:
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError, TypeError):
        return False
    return True
