"""Who is who: every speaker, sender and attendee with a side, computed once per document.

The second layer of the reading pipeline (after lines and speakers).  Each participant gets a
side: ``customer``, ``omni``, ``external_rep`` (the partner who brought the deal),
``third_party`` (a processor, gateway, vendor, reference customer or anyone else) or
``unknown``.  Sides come from what the text shows: "Name (Company)" and "Name - Company"
labels, attendee lists, e-mail From/To/Cc addresses and their domains, signatures,
self-introductions ("I'm Dana, I run payments at Acme") and the seller describing itself.

The customer's organisation is the one the text labels as such ("Company: Acme"), else the
organisation of the customer-side participants.  When nobody from Omni is present (a partner's
own call, a buyer's notes), a payments firm among the participants is still the seller, never
the customer.  The resolved side is written back to each speaker's ``SpeakerInfo.role`` so
every later layer reads one answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .speakers import CUSTOMER, OMNI, REP, THIRD_PARTY, UNKNOWN, SpeakerInfo
from .voices import SELLER, VoiceReading, is_anonymous, read_voices

if TYPE_CHECKING:
    from ..policy.people import ParticipantVocabulary
    from .lines import Line

__all__ = ["Participant", "Participants", "read_participants"]

# at most seven words: a name, not a run of capitalised text (keeps every search linear)
_NAME = r"[A-Z][\w&'’.\-]{0,40}(?:[ \t]+(?:[A-Z0-9][\w&'’.\-]{0,40}|&|of|and|de|del|la|du|da|van|von)){0,6}"
_ADDRESS_HEADER = re.compile(r"[ \t>]*(?P<h>From|To|Cc|Bcc|Reply-To)[ \t]*:[ \t]*(?P<v>.+)$", re.IGNORECASE)
_ADDRESS_ITEM = re.compile(
    r"\"?(?P<name>[^\"<>,;\[\]@]{0,60}?)\"?[ \t]*[<\[](?:mailto:)?(?P<a>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)[>\]]"
    r"|(?P<bare>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)"
)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_LABELLED_ORG = re.compile(
    r"^[ \t*\-•]*(?:company|customer|account|prospect|client|merchant|organi[sz]ation)[ \t]*(?:name)?[ \t]*:[ \t]*"
    rf"(?P<org>{_NAME})",
    re.IGNORECASE | re.MULTILINE,
)
# a title line pairing the customer with Omni: "Redfern Hardware / Omni discovery", "Omni <> Acme"
_PAIRED_WITH_OMNI = re.compile(
    rf"(?P<a>{_NAME})[ \t]*(?:<>|<->|↔|/|\bx\b|×|\+)[ \t]*Omni\b|\bOmni[ \t]*(?:<>|<->|↔|/|\bx\b|×|\+)[ \t]*(?P<b>{_NAME})"
)
_SELF_INTRO = re.compile(
    r"\b(?:I'm|I am|my name is)[ \t]+[A-Z][\w'’\-]+(?:[ \t]+[A-Z][\w'’\-]+)?"
    r"(?:,|[ \t]+and[ \t]+I)?[^.?!\n]{0,60}?\b(?:at|from|with|over[ \t]+at|here[ \t]+at|for)[ \t]+"
    rf"(?P<org>{_NAME})"
)
_PERSON_LINE = re.compile(
    r"[ \t]*(?P<n>[A-Z][a-z'’\-]+(?:[ \t]+(?:van|von|der|den|de|da|del|la|le|di|du))*(?:[ \t]+[A-Z][a-z'’\-]+){1,2})[ \t]*,?$"
)
_GREETING = re.compile(
    r"[ \t]*(?i:hi|hello|hey|dear|morning|afternoon)[ \t,]+(?P<n>[A-Z][a-z'’\-]+)[ \t]*,[ \t]*$"
)
_TITLE_WORD = re.compile(
    r"\b(?:ceo|cfo|coo|cto|cio|vp|svp|evp|vice|president|director|head|manager|lead|chief|owner|founder|"
    r"controller|treasurer|engineer|architect|analyst|specialist|coordinator|consultant|officer|partner|gm)\b",
    re.IGNORECASE,
)


@dataclass
class Participant:
    """One person the text shows, and the side they are on."""

    name: str
    side: str = UNKNOWN
    organisation: str | None = None
    job_title: str | None = None
    email: str | None = None
    speaker_key: str | None = None
    turns: int = 0
    words: int = 0  # how much they said
    addressed: int = 0  # how often Omni or the partner greets them ("Hi Laura,")
    domain: str | None = None  # the firm part of their e-mail domain ("acmefoods"), webmail excluded
    voice: VoiceReading | None = None  # an anonymous speaker's side cues, when they were read


@dataclass
class Participants:
    """Everyone in the text with a side, the customer's organisation and the seller firms."""

    people: list[Participant] = field(default_factory=list)
    customer_org: str | None = None
    seller_orgs: set[str] = field(default_factory=set)  # lower-cased names of non-customer firms
    omni_present: bool = False

    def find(self, name: str) -> Participant | None:
        lowered = name.strip().lower()
        for person in self.people:
            if person.name.lower() == lowered:
                return person
        first = [p for p in self.people if p.name.split()[0].lower() == lowered.split()[0]] if lowered else []
        return first[0] if len(first) == 1 else None

    def on_side(self, *sides: str) -> list[Participant]:
        return [person for person in self.people if person.side in sides]

    def contact(self) -> Participant | None:
        """The main customer-side person: who speaks most, else the first one named."""
        customers = [p for p in self.on_side(CUSTOMER) if len(p.name.split()) <= 4 and not _role_word(p.name)]
        pool = [p for p in customers if len(p.name.split()) > 1 or p.email] or customers
        if not pool:
            return None
        greeted = [p for p in pool if p.addressed]
        if greeted:  # the one Omni or the partner writes to
            return max(greeted, key=lambda p: p.addressed)
        most = max(p.words for p in pool)
        # the first one named (attendee order, first to speak) unless someone else carries the call
        return next(p for p in pool if p.words >= most / 2)

    def side_of_org(self, org: str) -> str | None:
        """The side of the people of a firm named in the text, if any of them is known."""
        sides = {p.side for p in self.people if p.organisation and _same_org(p.organisation, org)}
        return sides.pop() if len(sides) == 1 else None

    def is_seller_name(self, name: str) -> bool:
        """A person or firm on the seller side (Omni, the partner, a processor or other third party)."""
        lowered = name.strip().lower()
        if not lowered:
            return False
        if lowered in self.seller_orgs:
            return True
        person = self.find(name)
        return person is not None and person.side in (OMNI, REP, THIRD_PARTY)


def _role_word(name: str) -> bool:
    return name.lower() in {"customer", "client", "prospect", "buyer", "merchant", "a", "q", "host"}


def _org_side(org: str, vocab: ParticipantVocabulary, omni_present: bool) -> str:
    """The side an organisation name implies on its own: omni, partner, vendor, seller or candidate."""
    if re.search(r"\bomni\b", org, re.IGNORECASE):
        return OMNI
    if vocab.partner_org.search(org):
        return REP
    if vocab.is_vendor(org):
        return THIRD_PARTY
    if vocab.seller_org.search(org):
        return "seller"
    return CUSTOMER


def _domain_org(address: str, vocab: ParticipantVocabulary) -> str | None:
    domain = address.rsplit("@", 1)[-1].lower()
    if domain in vocab.webmail_domains:
        return None
    parts = domain.split(".")
    return parts[-3] if len(parts) >= 3 and parts[-2] in {"co", "com", "org", "net", "ac"} else parts[-2]


def _side_from_domain(person: Participant, vocab: ParticipantVocabulary) -> None:
    """An Omni, partner or vendor address tells the side; any other domain only hints the firm."""
    if not person.domain or person.side == OMNI:
        return
    if person.domain == "omni" or person.domain.startswith("omni"):
        person.side = OMNI
    elif vocab.partner_org.search(person.domain) or re.search(r"partner|referral|reseller", person.domain):
        person.side = REP
    elif vocab.is_vendor(person.domain):
        person.side = THIRD_PARTY


def _same_org(a: str, b: str) -> bool:
    """ "LSU Dining" and "LSU IT", "Acme" and "Acme Foods Inc": one organisation."""
    sa, sb = _squash(a), _squash(b)
    if not sa or not sb:
        return False
    if sa in sb or sb in sa:
        return True
    for short, long in ((a, b), (b, a)):  # "CVHP" is Cedar Valley Health Partners
        initials = "".join(word[0] for word in re.findall(r"[A-Za-z][\w'’\-]*", long) if word[0].isupper())
        bare = short.replace(".", "")
        if bare.isupper() and len(bare) >= 2 and initials.startswith(bare) and len(initials) - len(bare) <= 1:
            return True
    first_a, first_b = (re.sub(r"^the\s+", "", x.lower()).split()[0] for x in (a, b))
    return first_a == first_b and len(first_a) >= 3


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _register(people: dict[str, Participant], name: str) -> Participant:
    name = re.sub(r"\s+", " ", name).strip(" \"'")
    key = name.lower()
    if key not in people:
        first = [p for k, p in people.items() if k.split()[0] == key.split()[0]]
        if len(first) == 1 and (len(key.split()) == 1 or len(first[0].name.split()) == 1):
            if len(name.split()) > len(first[0].name.split()):
                first[0].name = name
            return first[0]
        people[key] = Participant(name=name)
    return people[key]


def _addresses(text: str, people: dict[str, Participant], vocab: ParticipantVocabulary) -> None:
    """From / To / Cc headers: names with their e-mail address."""
    for line in text.split("\n"):
        header = _ADDRESS_HEADER.match(line)
        if not header:
            continue
        for item in _ADDRESS_ITEM.finditer(header.group("v")):
            address = item.group("a") or item.group("bare")
            name = (item.group("name") or "").strip(" ,;")
            if not name:
                local = address.split("@")[0]
                if "." not in local:
                    continue
                name = " ".join(part.capitalize() for part in local.split(".") if part.isalpha())
                if not name:
                    continue
            person = _register(people, re.sub(r"\s*\(.*$", "", name))
            person.email = person.email or address
            person.domain = person.domain or _domain_org(address, vocab)


def _signatures(text: str, people: dict[str, Participant], vocab: ParticipantVocabulary) -> None:
    """ "Best,\\nDana Ruiz\\nHead of Payments | Acme Foods\\ndana@acme.com": title, firm and address."""
    lines = text.split("\n")
    sign_offs = {phrase.lower() for phrase in vocab.sign_offs}
    for index, line in enumerate(lines):
        if len(line) > 60:
            continue
        closing = line.strip(" \t>,.!-").lower()
        if closing not in sign_offs and closing.rsplit("/", 1)[-1].strip() not in sign_offs:
            continue  # "Best,", "Met vriendelijke groet / kind regards,"
        block = [raw.strip(" \t>") for raw in lines[index + 1 : index + 6]]
        block = [raw for raw in block if raw]
        if not block:
            continue
        named = _PERSON_LINE.match(block[0]) or _PERSON_LINE.match(block[0].split("|")[0])
        if not named:
            continue
        person = _register(people, named.group("n"))
        rest = block[0].split("|", 1)[1] if "|" in block[0] else ""
        for extra in [rest, *block[1:4]]:
            address = _EMAIL.search(extra)
            if address:
                person.email = person.email or address.group()
                person.domain = person.domain or _domain_org(address.group(), vocab)
                continue
            if not extra or re.search(r"\d{3}", extra) or len(extra) > 90:
                continue
            if re.search(r"\bomni\b", extra, re.IGNORECASE):
                person.organisation = "Omni"  # "Sales Development, Omni"
            for part in re.split(r"\s*[|,·•]\s*|\s+[-–—]\s+", extra.strip()):
                if not part or not part[0].isupper():
                    continue
                if _TITLE_WORD.search(part):
                    person.job_title = person.job_title or part
                elif person.organisation is None and len(part.split()) <= 5:
                    person.organisation = part


def _self_intros(text: str, lines: list[Line], speakers: dict[str, SpeakerInfo]) -> dict[str, str]:
    """ "I'm Dana, I run payments at Acme": the speaker's firm, from their own first lines."""
    found: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for line in lines:
        key = line.speaker_key
        if line.skip or not key or key in found or seen[key] >= 6:
            continue
        seen[key] += 1
        intro = _SELF_INTRO.search(text, line.content_start, line.end)
        if intro:
            org = re.split(r"\s+(?:and|but|so|where|who|which)\b|[,;]|\.\s", intro.group("org"))[0].strip(
                " ."
            )
            if org and speakers[key].affiliation is None:
                found[key] = org
    return found


_AUTHOR_INTRO = re.compile(
    r"(?:^|[.!?]\s+)(?:Myself|My name is|I am|I'm)\s+(?P<n>[A-Z][a-z'’\-]+\s+[A-Z][a-z'’\-]+)\s*,\s*(?P<t>[^.\n]{2,60})"
)


def _authors(text: str, lines: list[Line], people: dict[str, Participant]) -> None:
    """ "Myself Venkatesh Raghunathan, VP - Engineering.": the unlabelled text's author names themselves."""
    for line in lines:
        if line.skip or line.speaker_key:
            continue
        intro = _AUTHOR_INTRO.search(text, line.content_start, line.end)
        if intro and _TITLE_WORD.search(intro.group("t")):
            person = _register(people, intro.group("n"))
            person.job_title = person.job_title or intro.group("t").strip()
            person.words += 1


def _greetings(
    text: str, lines: list[Line], by_key: dict[str, Participant], people: dict[str, Participant]
) -> None:
    """ "Hi Laura," / "Dear Venkatesh," written by Omni or the partner: Laura is who they write to."""
    for line in lines:
        writer = by_key.get(line.speaker_key or "")
        if line.skip or writer is None or writer.side not in (OMNI, REP) or not writer.email:
            continue  # an e-mail's "Hi Laura," line, not "Hey Kyle." on a call
        greeting = _GREETING.match(text, line.content_start, line.end)
        if greeting is None:
            continue
        first = greeting.group("n").lower()
        matches = [p for p in people.values() if p.name.split()[0].lower() == first and p is not writer]
        if len(matches) == 1:
            matches[0].addressed += 1


def _says_omni_role(text: str, lines: list[Line], key: str, vocab: ParticipantVocabulary) -> bool:
    """The speaker's own first lines describe an Omni role."""
    own = [line for line in lines if line.speaker_key == key and not line.skip][:3]
    return any(vocab.omni_roles.search(text, line.content_start, line.end) for line in own)


_CAPITALISED = re.compile(r"[A-Z][\w'’.\-]*(?:[ \t]+(?:[A-Z][\w'’.\-]*|&|and|of|the))*")


def _org_from_domain(text: str, people: object, vocab: ParticipantVocabulary) -> str | None:
    """ "fiona@rookandraven.co.uk" and "Rook & Raven" in the text: the firm as the text writes it."""
    domains = {
        p.domain
        for p in people  # type: ignore[attr-defined]
        if p.domain and p.side in (UNKNOWN, CUSTOMER) and len(p.domain) >= 5 and not vocab.is_vendor(p.domain)
    }
    domains -= {d for d in domains if d.startswith("omni")}
    if not domains:
        return None
    for match in _CAPITALISED.finditer(text):
        name = match.group().strip(" .")
        for squashed in {_squash(re.sub(r"\s+(?:&|and)\s+", " ", name)), _squash(name.replace("&", "and"))}:
            if len(squashed) >= 5 and any(
                d == squashed or (d.startswith(squashed) and len(squashed) >= 8) for d in domains
            ):
                return name
    return None


def _labelled_customer(text: str) -> str | None:
    """The customer's firm as the text labels it: "Company: Acme", or a title "Acme / Omni call"."""
    labelled = _LABELLED_ORG.search(text)
    if labelled:
        return _trim_org(labelled.group("org"))
    for line in text.lstrip().split("\n", 3)[:3]:
        paired = _PAIRED_WITH_OMNI.search(line[:300])  # a title line, not a pasted wall of text
        if paired:
            return _trim_org(paired.group("a") or paired.group("b"))
    return None


def _trim_org(org: str) -> str:
    org = org.strip(" ")
    if not re.search(r"\b(?:Co|Inc|Ltd|Corp|LLC|S\.A|Pty)\.$", org):
        org = org.rstrip(".")
    return re.sub(r"^(?:The|RE|Re|FW|Fw|Fwd)\s+", "", org)


_ANONYMOUS = re.compile(r"(?:speaker|participant|caller|guest)\s*\d+$", re.IGNORECASE)
_LOWER_INTRO = re.compile(
    r"\b(?:this\s+is|my\s+name\s+is|i'm|i\s+am)\s+(?P<a>[a-z][a-z'’\-]+)(?:\s+(?P<b>[a-z][a-z'’\-]+))?"
    r"|\b(?P<h>[a-z][a-z'’\-]+)\s+here\b(?:\s+from\s+(?P<org>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}))?"
)


def _name_anonymous_speakers(
    text: str, lines: list[Line], speakers: dict[str, SpeakerInfo], vocab: ParticipantVocabulary
) -> None:
    """ "Speaker 2: this is dale hutchins i run store systems": Speaker 2 is Dale Hutchins."""
    stop = {word.lower() for word in vocab.name_stop_words}
    seen: Counter[str] = Counter()
    for line in lines:
        key = line.speaker_key
        if line.skip or not key or not _ANONYMOUS.match(speakers[key].name) or seen[key] >= 3:
            continue
        seen[key] += 1
        intro = next(
            (
                m
                for m in _LOWER_INTRO.finditer(text, line.content_start, line.end)
                if (m.group("a") or m.group("h")) not in stop
            ),
            None,
        )
        if intro is None:
            continue
        words = [intro.group("a") or intro.group("h")]
        if intro.group("b") and intro.group("b") not in stop:
            words.append(intro.group("b"))
        speakers[key].name = " ".join(word.capitalize() for word in words)
        if intro.group("org") and speakers[key].affiliation is None:
            org = []
            for word in intro.group("org").split():
                if word in stop:
                    break
                org.append(word.capitalize())
            if org:
                speakers[key].affiliation = " ".join(org)


def _sides_from_voices(
    text: str, lines: list[Line], by_key: dict[str, Participant], vocab: ParticipantVocabulary
) -> None:
    """ "Speaker 3: we certify these every week, our lab...": an anonymous speaker's side from their words.

    Only speakers the text ties to no firm, address or Omni role are read; a clear seller
    becomes Omni (or the partner / seller firm when they describe their own book of merchants),
    a clear customer the customer, and at least one speaker is always left off the seller side.
    """
    open_keys = {
        key
        for key, person in by_key.items()
        if is_anonymous(key)
        and person.side in (UNKNOWN, CUSTOMER)
        and person.organisation is None
        and person.email is None
    }
    if not open_keys:
        return
    readings = read_voices(text, lines, open_keys, vocab)
    sellers = {key for key, reading in readings.items() if reading.side == SELLER}
    if len(sellers) >= len(by_key):
        return  # everyone sounding like the seller says more about the cues than the people
    omni_named = re.search(r"\bomni\b", text, re.IGNORECASE) is not None
    for key, reading in readings.items():
        person = by_key[key]
        person.voice = reading
        if reading.side == SELLER:
            if len(reading.partner_cues) * 2 <= len(reading.seller_cues):
                person.side = OMNI
            else:  # "our merchants", "my book of business": the partner, or a seller firm with no Omni
                person.side = REP if omni_named else THIRD_PARTY
        elif reading.side == CUSTOMER and person.side == UNKNOWN:
            person.side = CUSTOMER


_THANK = re.compile(r"\bthank", re.IGNORECASE)


def _introducers(
    text: str, lines: list[Line], by_key: dict[str, Participant], vocab: ParticipantVocabulary
) -> None:
    """ "thanks greg for the intro": the speaker thanked by name for the introduction is the partner rep."""
    firsts: dict[str, list[Participant]] = {}
    for person in by_key.values():
        if not is_anonymous(person.name):
            firsts.setdefault(person.name.split()[0].lower(), []).append(person)
    for line in lines:
        if line.skip or not line.speaker_key:
            continue
        for intro in vocab.introduction.finditer(text, line.content_start, line.end):
            thanks = [
                m for m in _THANK.finditer(text, max(line.content_start, intro.start() - 40), intro.start())
            ]
            if not thanks:
                continue
            span = text[thanks[-1].start() : min(line.end, intro.end() + 24)]
            for word in re.findall(r"[A-Za-z][\w'’\-]+", span):
                named = firsts.get(word.lower(), [])
                if len(named) != 1 or named[0] is by_key.get(line.speaker_key):
                    continue
                person = named[0]
                if person.side in (UNKNOWN, CUSTOMER) and (
                    person.organisation is None or vocab.partner_org.search(person.organisation)
                ):
                    person.side = REP


def _seller_cue_counts(text: str, lines: list[Line], vocab: ParticipantVocabulary) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in lines:
        if line.skip or not line.speaker_key:
            continue
        counts[line.speaker_key] += len(vocab.seller_self.findall(text, line.content_start, line.end))
    return counts


def read_participants(
    text: str, lines: list[Line], speakers: dict[str, SpeakerInfo], vocab: ParticipantVocabulary
) -> Participants:
    """Every participant with a side; writes the sides back to ``speakers``."""
    people: dict[str, Participant] = {}
    turns: Counter[str] = Counter(line.speaker_key for line in lines if line.speaker_key and not line.skip)
    spoken: Counter[str] = Counter()
    for line in lines:
        if line.speaker_key and not line.skip:
            spoken[line.speaker_key] += text.count(" ", line.content_start, line.end) + 1
    by_key: dict[str, Participant] = {}
    _name_anonymous_speakers(text, lines, speakers, vocab)
    intros = _self_intros(text, lines, speakers)
    for key, info in speakers.items():
        person = _register(people, info.name)
        person.speaker_key, person.turns = key, person.turns + turns[key]
        person.words += spoken[key]
        person.side = info.role
        person.organisation = info.affiliation or intros.get(key) or person.organisation
        person.job_title = info.job_title
        by_key[key] = person
    _addresses(text, people, vocab)
    _signatures(text, people, vocab)
    _authors(text, lines, people)

    for person in people.values():
        _side_from_domain(person, vocab)
    omni_present = any(p.side == OMNI for p in people.values())
    customer_org = _labelled_customer(text)
    org_turns: Counter[str] = Counter()
    for person in people.values():
        org = person.organisation
        if org is None:
            continue
        if customer_org and _same_org(org, customer_org):
            person.side = CUSTOMER
            continue
        side = _org_side(org, vocab, omni_present)
        if person.side in (OMNI, REP) and side != person.side:
            continue  # an introduction or a label said so already
        if side == CUSTOMER and person.side in (UNKNOWN, CUSTOMER):
            org_turns[org] += person.turns + 1
        elif side == "seller":
            org_turns[org] += 0  # a candidate only when nothing else is
        elif side != CUSTOMER:
            person.side = side
    candidates = [org for org in org_turns if _org_side(org, vocab, omni_present) == CUSTOMER]
    sellers = [org for org in org_turns if org not in candidates]
    if customer_org is None:
        if candidates:
            customer_org = max(candidates, key=lambda org: (org_turns[org], -len(org)))
        elif sellers and omni_present and len(sellers) == 1:
            customer_org = sellers[0]  # an ISV or fintech can be Omni's customer
    if customer_org is None:
        customer_org = _org_from_domain(text, people.values(), vocab)
    seller_orgs: set[str] = set()
    for person in people.values():
        org = person.organisation
        if org is None or person.side in (OMNI, REP, THIRD_PARTY):
            if org and person.side != CUSTOMER:
                seller_orgs.add(org.lower())
            continue
        if customer_org is not None and _same_org(org, customer_org):
            person.side = CUSTOMER
        elif customer_org is not None or org in sellers:
            person.side = THIRD_PARTY  # another firm: a vendor, a reference customer, a consultant
            seller_orgs.add(org.lower())
    _sides_from_voices(text, lines, by_key, vocab)
    if omni_present:  # "marcus here, i'm one of the certification leads"
        for key, person in by_key.items():
            if (
                person.side in (UNKNOWN, CUSTOMER)
                and person.organisation is None
                and _says_omni_role(text, lines, key, vocab)
            ):
                person.side = OMNI
    # with nobody from Omni, a speaker who pitches their own payments firm is the seller side
    if not omni_present:
        cues = _seller_cue_counts(text, lines, vocab)
        for key, count in cues.items():
            pitcher = by_key.get(key)
            if (
                pitcher
                and count >= 2
                and pitcher.side in (UNKNOWN, CUSTOMER)
                and pitcher.organisation is None
            ):
                pitcher.side = THIRD_PARTY
    others = any(p.side in (OMNI, REP, THIRD_PARTY) for p in people.values())
    for person in people.values():
        if person.side == UNKNOWN and others and not _role_word(person.name):
            person.side = CUSTOMER if person.speaker_key or person.email else UNKNOWN
    _introducers(text, lines, by_key, vocab)
    _greetings(text, lines, by_key, people)
    for key, person in by_key.items():
        info = speakers[key]
        if person.side != info.role and not (info.role == OMNI and person.side != OMNI):
            info.role = person.side
        if person.side == CUSTOMER and info.job_title is None:
            info.job_title = person.job_title
    return Participants(
        people=list(people.values()),
        customer_org=customer_org,
        seller_orgs=seller_orgs,
        omni_present=omni_present,
    )
