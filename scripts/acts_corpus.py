"""Write evals/acts/composed.tsv: labelled sentences composed from hand-written parts.

Each sentence is one speaker's words in one register (speech-to-text, British,
non-native, Slack, email, CRM) built from hand-written frames, work items and
objects.  Hard negatives are composed the same way: declines, deferrals, Omni's
own admin work, third-party chatter, facts about who does what, idioms and
forms with pricing words.  Seeded, so the file is reproducible:

    python scripts/acts_corpus.py          # rewrites evals/acts/composed.tsv
"""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "evals" / "acts" / "composed.tsv"
SEED = 20261204

# ------------------------------------------------------------------ parts

OTHERS_WORK = [  # work that belongs to the terminal vendor, KIF, gateway or processor
    "the key injection",
    "key loading for the new devices",
    "the RKI",
    "remote key loading",
    "the key management",
    "the BDK ceremony",
    "injecting the keys",
    "the firmware updates",
    "pushing firmware to the estate",
    "the EMV kernel update",
    "the L1/L2 approvals",
    "the PCI PTS re-approval",
    "the device re-certification",
    "the re-cert on the Ingenico side",
    "Verifone's side of the re-cert",
    "the app signing",
    "code signing for the terminals",
    "the device swaps and RMAs",
    "terminal staging and kitting",
    "the TMS hosting",
    "the gateway integration build",
    "the connector to the gateway",
    "Cybersource's certification sign-off",
    "the gateway certification",
    "the tokenization piece",
    "the token vault",
    "the host spec changes",
    "the processor's host testing",
    "their side of host testing",
    "the MIDs and TIDs",
    "merchant boarding",
    "the settlement files",
    "chargebacks and disputes",
    "the underwriting",
    "the KIF's key loading",
    "the vendor's software signing",
    "the Adyen side of boarding",
    "the Worldpay host changes",
    "their end of the certification",
]
OWN_WORK = [  # Omni's own work: asking for it is normal business
    "the L3 certification",
    "the brand certification",
    "the test scripts",
    "the cert project",
    "test execution",
    "the certification with Fiserv",
    "liaison with the processor",
    "the test plan",
    "the Visa and Mastercard certs",
    "the contactless certification",
    "the EMV L3 run",
]
ADMIN = [
    "the summary",
    "the agenda",
    "the recap",
    "the deck",
    "the notes",
    "the invite",
    "the case study",
    "the NDA",
    "the follow-up email",
    "the calendar invite",
    "the one-pager",
    "a proposal draft",
]
DATES = [
    "by March",
    "before Black Friday",
    "by end of Q3",
    "in six weeks",
    "by the first of April",
    "before Christmas",
    "by June",
    "within a month",
    "before the holidays",
    "by end of year",
    "in four weeks",
    "by the store opening",
]
PRICES = [
    "20% off",
    "a 25 percent discount",
    "thirty percent off list",
    "the setup fee waived",
    "the first site free",
    "the Amex cert at no charge",
    "a fixed price of 40k",
    "the price held at 90k",
    "another ten percent off",
    "the pilot for free",
    "a third off",
    "the recert thrown in",
]
PARTIES = [
    "Verifone",
    "PAX",
    "Ingenico",
    "the KIF",
    "Cybersource",
    "Fiserv",
    "Worldpay",
    "the gateway",
    "Adyen",
    "TSYS",
]
NAMES = ["Camila", "Dev", "Priya", "Tom", "Siobhan", "Kwame", "Mei", "Lars", "Ana", "Hector"]

REQUEST_FRAMES = {
    "plain": [
        "can you guys take care of {w}?",
        "could your team handle {w}?",
        "would you be able to own {w}?",
        "we'd want Omni to do {w}.",
        "we need you to take over {w}.",
        "we were hoping your engineers could do {w}.",
        "is it possible for your team to handle {w}?",
        "any chance you could pick up {w}?",
        "we'd expect you to cover {w} as well.",
        "can Omni take {w} off our plate?",
        "we're assuming you'll sort {w}.",
        "so {w}, can you take that on?",
        "honestly it'd be easier if you did {w}.",
        "our preference is that Omni owns {w}.",
        "what we really want is for you to run {w}.",
        "we'd like to hand {w} over to you.",
        "will your team be doing {w}?",
        "we kind of need someone to take {w} and we thought you.",
        "the plan on our side is you take {w}.",
    ],
    "british": [
        "could you lot sort {w}?",
        "would be brilliant if your team took {w} on.",
        "ideally you'd look after {w}.",
        "I reckon {w} should sit with you.",
        "we'd quite like {w} to land with you lot.",
        "could {w} fall to you, do you think?",
        "it'd be lovely if {w} could sit with your side.",
        "shall we just leave {w} with you?",
        "we'd rather you took {w}, to be honest.",
    ],
    "nonnative": [
        "please can you make {w} for us.",
        "we are needing that Omni do {w}.",
        "kindly your team should do {w}.",
        "is possible you take {w}?",
        "we would like that you are responsible of {w}.",
        "for us is better if Omni is doing {w}.",
        "you can do also {w}, yes?",
        "we expect Omni make {w}.",
    ],
    "slack": [
        "can u guys do {w} pls",
        "any chance ur team owns {w}?",
        "tbh easiest if u just take {w}",
        "need omni on {w} asap",
        "cn u take {w}",
        "would be gr8 if u handled {w}",
        "u lot doing {w}? pls say yes",
    ],
    "email": [
        "Would it be possible for your team to take responsibility for {w}?",
        "We would appreciate it if Omni could assume {w} going forward.",
        "Could you please confirm that your team will handle {w}?",
        "Our expectation is that Omni will deliver {w} as part of the engagement.",
        "We kindly request that your team manage {w}.",
    ],
    "crm": [
        "Cust asked Omni to own {w}.",
        "Req: Omni to take {w}.",
        "Ask - Omni handles {w}.",
        "Customer wants us to do {w}.",
        "They'd like us to take over {w}.",
        "Asked if we can do {w}.",
        "Prospect expects Omni to cover {w}.",
    ],
    "stt": [
        "um so could you also like handle {w}",
        "yeah and then {w} we were sort of hoping you could do that",
        "so basically we want you guys to do {w} you know",
        "and uh can your team do {w} as well",
        "i mean ideally you take {w} right",
    ],
}
RELAYED_REQUEST_FRAMES = [
    "{p}'s cert team told us Omni would do {w}.",
    "apparently {p} expects you to take {w}.",
    "{p} said you'd be doing {w}, is that right?",
    "we've been told by {p} that your team handles {w}.",
    "{n} from {p} thinks {w} should be yours.",
]
NEG_REQUEST_FRAMES = [  # not requests: keeping it, facts, third parties, declines, Omni's questions
    "we'll do {w} ourselves.",
    "no need for you to touch {w}.",
    "{w} stays with our KIF.",
    "{p} already handles {w} for us.",
    "{w} is done by {p} today.",
    "we don't need you for {w}.",
    "{w} is sorted, our vendor does it.",
    "another merchant had {p} do {w}.",
    "who does {w} for you today?",
    "do you already have someone for {w}?",
    "{w} was a nightmare at my last job.",
    "our team is doing {w} in-house.",
    "we're keeping {w} with {p}.",
    "{p} quoted us for {w} last year.",
    "I can't take on {w}, that sits with {p}.",
    "{w} isn't something we do, it's {p}'s job.",
    "we won't be asking you for {w}.",
    "just so you know, {w} is {p}'s responsibility.",
    "we finished {w} with {p} in March.",
    "{w}? nah we've got that covered.",
]
PROMISE_FRAMES = [
    "we'll get you {d}, no problem.",
    "don't worry, you'll be live {d}.",
    "I'll make sure you get {x}.",
    "we can do {x}, that's fine.",
    "I told {n} we'd do {x}.",
    "you have my word on {x}.",
    "should be fine to have you certified {d}, I reckon.",
    "honestly {x} is on us.",
    "we could probably give you {x}.",
    "we'll have it done {d}.",
    "I can get you {x} if you sign this week.",
    "yeah we can do that {d} easily.",
    "consider {x} done.",
    "count on us for go-live {d}.",
    "we will deliver the certification {d}.",
    "i promise youll be done {d}",
    "itll be live {d} trust me",
    "I've already told them we'd give {x}.",
    "we can throw in {x}.",
    "absolutely, we can have L3 done {d}.",
    "we'll cover {w} at no extra cost.",
    "leave {w} with us, we'll handle it.",
    "{w} is on us.",
]
REPORTED_PROMISE_FRAMES = [
    "your rep told us you'd have us live {d}.",
    "{n} from your side promised {x}.",
    "the partner guy said Omni would give us {x}.",
    "your sales rep assured us we'd be done {d}.",
    "we were told by your team that {x} was fine.",
]
NEG_PROMISE_FRAMES = [
    "I can't commit to anything {d} on this call.",
    "I'll take {x} back to leadership.",
    "let me run {x} by deal desk and come back to you.",
    "no promises on timing until the SME has looked.",
    "pricing like {x} has to go to leadership.",
    "I'll send {a} {d}.",
    "I'll do {a} tonight.",
    "we'll send {a} over tomorrow.",
    "I'll share {a} after the call.",
    "I'd flag {x} internally, can't say yes now.",
    "we haven't discussed {x} at all.",
    "she asked whether we could do {x}, I said I'd check.",
    "any discount like {x} needs leadership sign-off.",
    "that's not my call, leadership decides on {x}.",
    "100% agree with you on that.",
    "I'd give up on that idea honestly.",
    "we gave up on that vendor last year.",
    "the last vendor promised us {x} and never delivered.",
    "I'll get back to you on {x}.",
    "subject to approval, but I can't promise {x}.",
    "I'll do my best to get {a} out {d}.",
    "I'll book the follow-up {d}.",
    "we'll schedule the scoping call {d}.",
]
PRICING_FRAMES = [
    "could you waive the setup fee?",
    "we'd need {x} to get this through finance.",
    "can we have {x}?",
    "any chance of a free pilot in two stores?",
    "if you match their quote we'll sign.",
    "can you beat the Adyen price?",
    "we need a fixed price before it's scoped.",
    "can we split the difference?",
    "knock 30k off the 100k quote and we're done.",
    "your proposal says 110k, we can only do 80.",
    "can you do it for 60 instead of 75?",
    "throw in the recert and we're good.",
    "meet us halfway on price?",
    "we want {x}, otherwise we go with the other vendor.",
    "pls can u do {x}",
    "would it be possible to get {x}?",
    "we would appreciate {x}.",
    "is there any flexibility to get {x}?",
    "the board will only sign if we get {x}.",
    "we're asking for {x} on year one.",
    "we need a not-to-exceed number for the whole thing.",
    "can the first month be free?",
    "scratch that, forget {x}, but can we have the pilot free?",
]
NEG_PRICING_FRAMES = [
    "feel free to send the deck.",
    "are you free for a call on Tuesday?",
    "legal signed the NDA waiver.",
    "we're not asking for a discount.",
    "the price list is on your website, right?",
    "budget is about 120k.",
    "our current processor charges 2.9 percent.",
    "I'll send the liability waiver over.",
    "the waiver form is attached.",
    "we got 10% off from Verifone on the hardware.",
    "the Black Friday sale was 30% off everything.",
    "we're free next week for the demo.",
    "the parking garage is free after six.",
    "our price for the kiosks went up last year.",
]
OTHER_NONE = [
    "the weather in Leeds has been grim all week.",
    "we've got about four hundred stores.",
    "our processor is Fiserv, I think.",
    "the kiosks run on PAX A920s.",
    "timeline is end of Q3.",
    "Tom is the one who signs off budget.",
    "we use a homegrown simulator for testing.",
    "we had a great trip to Lisbon.",
    "the ferry terminals are self-service.",
    "sorry, you're on mute.",
    "can everyone see my screen?",
    "let's do introductions first.",
    "I'm the payments lead here.",
    "we're on Cybersource for the web shop.",
    "they went live with Adyen in 2022.",
]

# ------------------------------------------------------------------ registers


def _stt(text: str, rng: random.Random) -> str:
    text = re.sub(r"[.,?!;:]", "", text.lower()).replace("'", "")
    words = text.split()
    if len(words) > 3 and rng.random() < 0.6:
        words.insert(rng.randrange(1, len(words)), rng.choice(["um", "uh", "like", "you know", "so"]))
    return " ".join(words)


def _slack(text: str, rng: random.Random) -> str:
    text = text.lower().rstrip(".")
    for a, b in (("you ", "u "), ("your ", "ur "), ("please", "pls"), ("thanks", "thx")):
        if rng.random() < 0.5:
            text = text.replace(a, b)
    return text


def _british(text: str, rng: random.Random) -> str:
    for a, b in (("you guys", "you lot"), ("great", "brilliant"), ("honestly", "to be fair")):
        text = text.replace(a, b)
    return text


_REGISTERS = (lambda t, r: t, _stt, _slack, _british)


def _fill(frame: str, rng: random.Random, work: list[str]) -> str:
    return frame.format(
        w=rng.choice(work),
        d=rng.choice(DATES),
        x=rng.choice(PRICES),
        p=rng.choice(PARTIES),
        n=rng.choice(NAMES),
        a=rng.choice(ADMIN),
    )


def _styled(text: str, rng: random.Random) -> str:
    text = rng.choice(_REGISTERS)(text, rng)
    return text[:1].upper() + text[1:] if rng.random() < 0.5 else text


def compose() -> list[tuple[str, str, str]]:
    """(label, side, text) rows, deduplicated, in a fixed order."""
    rng = random.Random(SEED)
    rows: list[tuple[str, str, str]] = []

    def add(label: str, side: str, frames: list[str], count: int, work: list[str]) -> None:
        for _ in range(count):
            rows.append((label, side, _styled(_fill(rng.choice(frames), rng, work), rng)))

    for style, frames in REQUEST_FRAMES.items():
        side = "unknown" if style == "crm" else "customer"
        add("request", side, frames, 55, OTHERS_WORK)
        add("request", side, frames, 18, OWN_WORK)
    add("request", "customer", RELAYED_REQUEST_FRAMES, 40, OTHERS_WORK)
    add("none", "customer", NEG_REQUEST_FRAMES, 230, OTHERS_WORK)
    add("none", "omni", NEG_REQUEST_FRAMES[-10:], 60, OTHERS_WORK)
    add("promise", "omni", PROMISE_FRAMES, 150, OTHERS_WORK)
    add("promise", "external_rep", PROMISE_FRAMES, 150, OTHERS_WORK)
    add("promise", "customer", REPORTED_PROMISE_FRAMES, 60, OTHERS_WORK)
    add("none", "omni", NEG_PROMISE_FRAMES, 170, OTHERS_WORK)
    add("none", "external_rep", NEG_PROMISE_FRAMES, 120, OTHERS_WORK)
    add("pricing", "customer", PRICING_FRAMES, 200, OTHERS_WORK)
    add("pricing", "external_rep", PRICING_FRAMES, 30, OTHERS_WORK)
    add("none", "customer", NEG_PRICING_FRAMES, 90, OTHERS_WORK)
    add("none", "customer", OTHER_NONE, 80, OTHERS_WORK)
    add("none", "omni", OTHER_NONE, 30, OTHERS_WORK)
    seen: set[str] = set()
    unique = []
    for row in rows:
        key = row[2].lower()
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def main() -> None:
    rows = compose()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# label\tside\ttext   (composed by scripts/acts_corpus.py from hand-written parts; do not edit)"
    ]
    lines += ["\t".join(row) for row in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} sentences -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
