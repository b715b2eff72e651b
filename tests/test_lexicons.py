"""The lexicon and responsibility data files under ``policy/`` validate and stay unambiguous.

Sales-ops edits these TOML files by hand; these tests catch the mistakes that would silently
degrade extraction: a model whose vendor is misspelt, an alias claimed by two canonical names,
a plain English word added as a case-insensitive alias, a renamed canonical value.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from assistant.extract.rules.matcher import find_mentions
from assistant.policy import Lexicon, ResponsibilityOwner, load_lexicons
from assistant.schema import USE_CASES
from assistant.text import Document

ROOT = Path(__file__).resolve().parent.parent / "policy"
LEXICON_DIR = ROOT / "lexicons"

FILES = {
    "processors.toml": "processor",
    "gateways.toml": "gateway",
    "terminal_vendors.toml": "terminal_vendor",
    "terminal_models.toml": "terminal_model",
    "kifs.toml": "kif",
    "tooling.toml": "tooling",
    "card_brands.toml": "card_brand",
    "regions.toml": "region",
    "use_cases.toml": "use_case",
}

# Canonical names from the team brief: gold labels use exactly these, so none may be renamed.
BRIEF_NAMES = {
    "processor": """Fiserv|TSYS|Global Payments|Heartland|Worldpay|Chase|Elavon|Adyen|Stripe|Moneris|Nuvei|
        Shift4|Worldline|Barclaycard|Paysafe|EVO Payments|Bank of America Merchant Services|
        Wells Fargo Merchant Services|Checkout.com|Square|Littlepay|Nexi|Planet|Payroc|Priority""",
    "gateway": """Authorize.net|Cybersource|Braintree|NMI|Spreedly|Stripe|Adyen|Shift4|Payeezy|CardConnect|
        Converge|Orbital|Datacap|FreedomPay|Windcave|TransIT|Fusebox|Bluefin""",
    "terminal_vendor": """Verifone|Ingenico|PAX|Castles|Newland|Equinox|ID TECH|UIC|Nayax|Clover|Square|BBPOS|
        Dejavoo|Valor PayTech|Sunmi|Cantaloupe|MagTek|Miura|Landi""",
    "terminal_model": """A920|A920 Pro|A80|A35|IM30|S300|P400|M400|V400c|V400m|P630|M450|UX300|UX410|e285|VX520|
        VX820|Lane/3000|Lane/5000|Lane/7000|Move/5000|Desk/3500|Self/4000|AXIUM DX8000|S1F2|UPT1000F|VP3300|
        VP6300|Kiosk IV|Bezel 8|VPOS Touch|Onyx|Clover Flex|Clover Mini|WisePad 3|N910""",
    "kif": "TASQ|POS Portal|BlueStar|ScanSource|The Phoenix Group|Bluefin|Ingenico RKI|Verifone RKI",
    "tooling": """ICC Solutions|UL Brand Test Tool|FIME|Collis|Barnes|Galitt|Visa ADVT|Visa CDET|Mastercard M-TIP|
        Amex AEIPS|Discover D-PAS|JCB test kit|Interac test kit|host simulator|in-house test harness (non-standard)""",
    "card_brand": "Visa|Mastercard|Amex|Discover|JCB|Interac|UnionPay|Diners Club|Maestro|eftpos",
    "region": """United States|Canada|Mexico|United Kingdom|Ireland|Europe|Germany|France|Spain|Netherlands|Nordics|
        Australia|New Zealand|Brazil|Latin America|APAC|EMEA|North America|Puerto Rico|Japan|Singapore|India|
        Middle East""",
    "use_case": "|".join(USE_CASES),
}

# Words that turn up in any sales call; never a case-insensitive spelling of a canonical value.
# (An entry whose own name is such a word must be needs_context, like use case "attended".)
STOP_WORDS = frozenset(
    re.split(
        r"\s+",
        """global chase square discover lane move self desk on us may link flex mini station planet priority elo
    stripe pax valor castles equinox converge orbital nets north phoenix barnes star pulse tandem vital
    diners attended mobile open go pro max plus touch engage lite the with via process host
    carat dojo tyro accel onyx augusta""",
    )
)

# Capitalised, these still start ordinary sentences or name people ("Priority is go-live",
# "Chase Miller"), so even the exact-case spelling must be a context alias.
NEEDS_CONTEXT_WORDS = frozenset(
    re.split(r"\s+", "global chase square planet priority clover equinox barnes onyx augusta attended mobile")
)

# Context words must narrow a match down; these narrow nothing.
COMMON_CONTEXT = frozenset(re.split(r"\s+", "on in at the a an to of for with by is are we our it via"))

REQUEST_CUES = ("can you", "could omni", "we want you to", "take over", "handle", "own", "absorb")


def _norm(spelling: str) -> str:
    """How the matcher sees a spelling: a space, hyphen or slash between words is optional."""
    return re.sub(r"[\s\-/]+", "", spelling.lower())


def _load(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def lexicons() -> dict[str, Lexicon]:
    """Every file on its own, validated with the model sales-ops edits against."""
    return {path.name: Lexicon.model_validate(_load(path)) for path in sorted(LEXICON_DIR.glob("*.toml"))}


@pytest.fixture(scope="module")
def by_kind() -> dict[str, Lexicon]:
    """The lexicons as the product loads them (files of one kind merged, e.g. places.toml into region)."""
    return load_lexicons()


@pytest.fixture(scope="module")
def owners() -> list[ResponsibilityOwner]:
    data = _load(ROOT / "responsibilities.toml")
    assert set(data) == {"owners"}, "responsibilities.toml has only an [[owners]] list"
    return [ResponsibilityOwner.model_validate(item) for item in data["owners"]]


def test_every_lexicon_file_has_its_kind(lexicons: dict[str, Lexicon]) -> None:
    for name, kind in FILES.items():
        assert name in lexicons, f"policy/lexicons/{name} is missing"
        assert lexicons[name].kind == kind
        assert lexicons[name].description, f"{name}: add a description"
        assert len(lexicons[name].entries) >= 8, f"{name}: suspiciously few entries"
    for name, lexicon in lexicons.items():
        assert lexicon.kind in FILES.values(), f"{name}: unknown kind {lexicon.kind!r}"


@pytest.mark.parametrize("kind", sorted(BRIEF_NAMES))
def test_brief_canonical_names_are_present(by_kind: dict[str, Lexicon], kind: str) -> None:
    expected = {name.strip() for name in BRIEF_NAMES[kind].split("|")}
    names = {entry.name for entry in by_kind[kind].entries}
    assert not expected - names, f"{kind}: canonical names missing or renamed: {sorted(expected - names)}"


def test_terminal_models_name_a_known_vendor(by_kind: dict[str, Lexicon]) -> None:
    vendors = {entry.name for entry in by_kind["terminal_vendor"].entries}
    for entry in by_kind["terminal_model"].entries:
        assert entry.vendor in vendors, (
            f"model {entry.name!r}: vendor {entry.vendor!r} not in terminal_vendors.toml"
        )
    for kind, lexicon in by_kind.items():
        if kind != "terminal_model":
            assert all(entry.vendor is None for entry in lexicon.entries), (
                f"{kind}: vendor is for models only"
            )


def test_every_model_vendor_has_models(by_kind: dict[str, Lexicon]) -> None:
    used = {entry.vendor for entry in by_kind["terminal_model"].entries}
    brief_vendors = {name.strip() for name in BRIEF_NAMES["terminal_vendor"].split("|")}
    # every brief vendor but Landi (whose devices ship under other brands) has at least one model
    assert brief_vendors - used <= {"Landi"}, sorted(brief_vendors - used)


def test_use_case_entries_are_contract_ids(by_kind: dict[str, Lexicon]) -> None:
    names = [entry.name for entry in by_kind["use_case"].entries]
    assert sorted(names) == sorted(USE_CASES)
    for entry in by_kind["use_case"].entries:
        assert len(entry.aliases) + len(entry.case_sensitive) >= 4, (
            f"use case {entry.name}: too few cue phrases"
        )


@pytest.mark.parametrize("kind", sorted(FILES.values()))
def test_no_spelling_maps_to_two_names(by_kind: dict[str, Lexicon], kind: str) -> None:
    insensitive: dict[str, str] = {}
    sensitive: dict[str, str] = {}
    for entry in by_kind[kind].entries:
        for spelling, case_sensitive in entry.spellings():
            table, key = (sensitive, spelling) if case_sensitive else (insensitive, _norm(spelling))
            owner = table.setdefault(key, entry.name)
            assert owner == entry.name, f"{kind}: {spelling!r} is claimed by {owner!r} and {entry.name!r}"
    for key, name in sensitive.items():
        other = insensitive.get(_norm(key))
        assert other in (None, name), f"{kind}: {key!r} (case-sensitive, {name}) also matches {other!r}"


@pytest.mark.parametrize("kind", sorted(FILES.values()))
def test_no_plain_english_case_insensitive_alias(by_kind: dict[str, Lexicon], kind: str) -> None:
    for entry in by_kind[kind].entries:
        for spelling, case_sensitive in entry.spellings():
            word = _norm(spelling)
            guarded = entry.needs_context or spelling in entry.context_aliases
            if word in STOP_WORDS and not guarded:
                assert case_sensitive and spelling != spelling.lower(), (
                    f"{kind}/{entry.name}: {spelling!r} is ordinary English; make it case_sensitive "
                    "(capitalised) or a context_alias"
                )
            if word in NEEDS_CONTEXT_WORDS:
                assert guarded, (
                    f"{kind}/{entry.name}: {spelling!r} starts sentences and names people; "
                    "list it in context_aliases"
                )


@pytest.mark.parametrize("kind", sorted(FILES.values()))
def test_spellings_are_clean(by_kind: dict[str, Lexicon], kind: str) -> None:
    lexicon = by_kind[kind]
    for entry in lexicon.entries:
        for spelling in [entry.name, *entry.aliases, *entry.case_sensitive]:
            assert spelling == spelling.strip() and "  " not in spelling, (
                f"{kind}: stray spaces in {spelling!r}"
            )
            assert len(spelling) >= 2, f"{kind}: {spelling!r} is too short to match safely"
        assert len(set(entry.case_sensitive)) == len(entry.case_sensitive), f"{kind}/{entry.name}: repeated"
    context = [word.lower() for word in lexicon.context]
    assert not set(context) & COMMON_CONTEXT, (
        f"{kind}: context words too common: {set(context) & COMMON_CONTEXT}"
    )
    if any(entry.needs_context for entry in lexicon.entries):
        assert lexicon.context, f"{kind}: needs_context entries but no context words"


def test_tooling_marks_non_standard_kits(by_kind: dict[str, Lexicon]) -> None:
    tooling = {entry.name: entry for entry in by_kind["tooling"].entries}
    assert tooling["in-house test harness (non-standard)"].standard is False
    assert tooling["UL Brand Test Tool"].standard is True
    assert any(not entry.standard for entry in tooling.values())
    for kind, lexicon in by_kind.items():
        if kind != "tooling":
            assert all(entry.standard for entry in lexicon.entries), f"{kind}: standard=false is for tooling"


def test_responsibilities_cover_every_owner(owners: list[ResponsibilityOwner]) -> None:
    assert {owner.owner for owner in owners} == {"terminal_vendor", "kif", "gateway", "processor"}
    labels = [owner.label for owner in owners]
    assert len(labels) == len(set(labels)), "labels must be unique"
    seen: dict[str, str] = {}
    for owner in owners:
        for phrase in owner.phrases:
            assert phrase == phrase.lower().strip(), f"{owner.label}: phrases are lower-case: {phrase!r}"
            assert phrase not in REQUEST_CUES, f"{owner.label}: {phrase!r} is a request cue, not work"
            assert seen.setdefault(phrase, owner.owner) == owner.owner, f"{phrase!r} has two owners"
    for must in (
        "key injection",
        "rki",
        "emv kernel",
        "pci pts",
        "rma",
        "tokenization",
        "host spec changes",
        "merchant boarding",
        "chargebacks",
        "settlement",
        "build the gateway integration",
    ):
        assert must in seen, f"responsibilities.toml lost {must!r}"


def test_omni_core_work_is_not_a_responsibility(owners: list[ResponsibilityOwner]) -> None:
    """Omni sells L3 / processor certification: asking for it must not look like a transfer."""
    phrases = [phrase for owner in owners for phrase in owner.phrases]
    for sentence in (
        "Can you handle our L3 certification with Fiserv?",
        "Could Omni own the contactless certification for the Lane/3000?",
        "We want you to run the brand testing with the UL test tool.",
    ):
        hits = [p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", sentence.lower())]
        assert not hits, f"{sentence!r} matched {hits}"


# ---------------------------------------------------------------- with the real matcher


def _names(by_kind: dict[str, Lexicon], kind: str, text: str) -> set[str]:
    return {mention.name for mention in find_mentions(Document.from_text(text), by_kind[kind])}


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("processor", "They run everything through First Data Rapid Connect today.", {"Fiserv"}),
        ("processor", "Our acquirer is Chase Paymentech.", {"Chase"}),
        ("processor", "Chase Miller is the VP of Operations.", set()),
        ("processor", "We certify with Chase for the US stores.", {"Chase"}),
        ("processor", "It's still on Vantiv, the old 610 spec.", {"Worldpay"}),
        ("processor", "Mag stripe fallback has to keep working.", set()),
        ("processor", "We are with Global for processing.", {"Global Payments"}),
        ("processor", "It's either Fiserv or Global, finance would know.", {"Fiserv", "Global Payments"}),
        ("processor", "Our Global Head of Payments signs off.", set()),
        ("processor", "Global rollout starts in Q3.", set()),
        ("processor", "Priority is getting the kiosks live by March.", set()),
        ("processor", "Our processor is Priority.", {"Priority"}),
        ("processor", "Can we shift 4 weeks to the right?", set()),
        ("gateway", "The kiosks talk to the AWS transit gateway.", set()),
        ("gateway", "Semi-integrated through TSYS TransIT.", {"TransIT"}),
        ("terminal_vendor", "The front counter uses Clover Flex units.", {"Clover"}),
        ("terminal_vendor", "We're back to square one on pricing.", set()),
        ("terminal_vendor", "Square is the next thing to look at.", set()),
        ("terminal_vendor", "A few Square Terminals at events.", {"Square"}),
        ("terminal_model", "About 200 Lane 3000 and a few Move5000 handhelds.", {"Lane/3000", "Move/5000"}),
        ("terminal_model", "They want a 50% discount on a 30 day pilot.", set()),
        ("terminal_model", "We move 5000 transactions a day.", set()),
        ("terminal_model", "PAX A920Pro for line busting.", {"A920 Pro"}),
        (
            "card_brand",
            "Visa, MC, Amex and Discover, plus Interac in Canada.",
            {"Visa", "Mastercard", "Amex", "Discover", "Interac"},
        ),
        ("card_brand", "We want to discover what the diners need.", set()),
        (
            "region",
            "Rollout in the US and the UK, then the EU.",
            {"United States", "United Kingdom", "Europe"},
        ),
        ("region", "Let us know what the Mexican grill stores need.", set()),
        ("use_case", "Everyone who attended the demo liked it.", set()),
        ("use_case", "Self-checkout lanes and pay at the pump at every site.", {"self_checkout", "fuel"}),
        ("use_case", "Mobile: +1 555 0100", set()),
        ("use_case", "They want SoftPOS for the servers.", {"mobile"}),
        ("use_case", "Mobile payments on the floor for the servers.", {"mobile"}),
        ("use_case", "The attended lanes stay as they are.", {"attended"}),
        ("use_case", "Open-loop fare collection on the validators.", {"transit"}),
        (
            "tooling",
            "They'd use their homegrown simulator instead of ICC Solutions.",
            {"in-house test harness (non-standard)", "ICC Solutions"},
        ),
        ("kif", "Keys are injected at TASQ, or maybe POS Portal.", {"TASQ", "POS Portal"}),
    ],
)
def test_lexicon_matches_as_a_rep_means_it(
    by_kind: dict[str, Lexicon], kind: str, text: str, expected: set[str]
) -> None:
    assert _names(by_kind, kind, text) == expected
