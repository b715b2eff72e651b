"""Deal facts: device count, timeline, budget, decision process, discount ask, requests, next steps."""

from __future__ import annotations

import re
from functools import lru_cache

from ...schema import Field, FieldStatus
from ...text import CUSTOMER, OMNI, REP, THIRD_PARTY, UNKNOWN, Sentence
from .context import Context, build_field
from .numbers import NUMBER, find_money, find_percentages, parse_number
from .pricing_asks import money_asks

__all__ = [
    "DEVICE_NOUNS",
    "discount_mentions",
    "extract_budget",
    "extract_decision_process",
    "extract_device_count",
    "extract_discount",
    "extract_next_steps",
    "extract_timeline",
]

DEVICE_NOUNS = (
    r"(?:terminals?|devices?|units?|lanes?|kiosks?|readers?|pin\s?pads?|pinpads?|pos(?:\s+(?:units|devices|terminals))?|"
    r"registers?|tills?|checkouts?|chargers?|charging\s+stations?|charge\s+points?|validators?|pumps?|dispensers?|"
    r"machines?|meters?|pay\s+stations?|handhelds?|tablets?|vending\s+machines?|fareboxes?|turnstiles?|gates?|"
    r"scos?|self-checkouts?|stations?|endpoints?|opts?|a920s?|p400s?|[A-Z]{1,4}\d{2,4}s)"
)
_SITES = (
    r"(?:stores?|locations?|sites?|venues?|restaurants?|branches|outlets?|garages?|lots?|stations?|buses|vehicles?|"
    r"properties|hotels?|clinics?|hospitals?|campuses|stadiums?|depots?|shops?|cafes?|cafés?|cafeterias?|units?|"
    r"pharmac(?:y|ies)|bakery|bakeries|forecourts?|plazas?|cinemas?|theat(?:er|re)s?|gyms?|dealerships?|pubs?|"
    r"bars?|salons?|diners?|markets?|malls?|airports?|marinas?|parks?)"
)
_COUNT = re.compile(
    rf"(?<![\w.])(?P<n>{NUMBER})(?![\w])\s*+(?:\+\s*+)?(?:[\w\-/]{{1,40}}+\s+){{0,3}}?(?P<noun>{DEVICE_NOUNS})\b",
    re.IGNORECASE,
)
_MULTIPLY = re.compile(
    rf"(?<![\w.])(?P<a>{NUMBER})(?![\w])\s+(?:[\w\-]{{1,40}}+\s+){{0,2}}?{_SITES}\b[^.;\n]{{0,40}}?(?:\bwith\b|,|\bx\b|×|\*|\band\b)?\s*(?:about\s+|roughly\s+|~)?"
    rf"(?<![\w.])(?P<b>{NUMBER})(?![\w])\s+(?:[\w\-]{{1,40}}+\s+){{0,2}}?(?P<noun>{DEVICE_NOUNS})\s*(?:each|apiece|per\s+\w+|a\s+(?:store|site|location|piece))",
    re.IGNORECASE,
)
# "200 or 300 terminals", "two to three hundred": a range is a guess
_RANGE_BEFORE = re.compile(rf"(?<![\w.])(?:{NUMBER})\s*(?:or|to|-|–)\s*$", re.IGNORECASE)
_YOU = re.compile(r"\b(?:you|your|you're|yours)\b", re.IGNORECASE)
_CUSTOMER_WORDS = re.compile(r"\b(?:you|your|you're|they|their|they're|them)\b", re.IGNORECASE)
_DATE_HINT = re.compile(
    r"\d|\b(?:q[1-4]|h[12]|jan|feb|mar|apr|May|jun|jul|aug|sep|oct|nov|dec|spring|summer|fall|autumn|winter|"
    r"year|quarter|month|week|weeks|months|holiday|holidays|christmas|easter|thanksgiving|black\s+friday|asap|day|end|"
    r"first|second|third|next|this|season|opening|launch)",
    re.IGNORECASE,
)
_TIMELINE_QUESTION = re.compile(
    r"\b(?:timeline|timing|when|date|deadline|go[\s-]?live|launch|target|how\s+soon|by\s+when)\b",
    re.IGNORECASE,
)
_HAS_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|thousand|dozen|couple)\b",
    re.IGNORECASE,
)
_MEETING = re.compile(
    r"\b(?:call|meeting|demo|recap|sync|chat|catch[\s-]up|invite|calendar|send|deck|proposal|follow[\s-]?up|"
    r"circle\s+back|get\s+back)\b",
    re.IGNORECASE,
)


def _status(ctx: Context, sentence: Sentence) -> FieldStatus:
    return FieldStatus.UNCERTAIN if ctx.assessor.is_hedged_text(sentence.text) else FieldStatus.CONFIRMED


def _speaks_for_customer(ctx: Context, sentence: Sentence) -> bool:
    """Customer facts: said by the customer, relayed in notes, or Omni / the rep talking about "you"."""
    if sentence.about_seller or sentence.seller_from is not None:
        return False
    if sentence.role == THIRD_PARTY:  # a vendor or the seller: only what they say about "you"
        return bool(_YOU.search(sentence.text))
    if sentence.role in (CUSTOMER, UNKNOWN) or not ctx.assessor.conversation:
        return True
    return bool(_CUSTOMER_WORDS.search(sentence.text))


def _negated(ctx: Context, sentence: Sentence, start: int, end: int) -> bool:
    return ctx.assessor.negated_before(sentence, start, end, []) or ctx.assessor.negated_after(sentence, end)


def extract_device_count(ctx: Context) -> Field:
    candidates: list[tuple[float, Sentence, bool]] = []
    model_spans = [(m.start, m.end) for m in ctx.mentions("terminal_model")]
    for sentence in ctx.doc.sentences:
        if sentence.is_question and sentence.role in (OMNI, REP, THIRD_PARTY):
            continue
        if not _HAS_NUMBER.search(sentence.text) or not _speaks_for_customer(ctx, sentence):
            continue
        text = sentence.text
        for match in _MULTIPLY.finditer(text):
            a, b = parse_number(match.group("a")), parse_number(match.group("b"))
            if a and b:
                candidates.append((a * b, sentence, _status(ctx, sentence) is FieldStatus.UNCERTAIN))
        for match in _COUNT.finditer(text):
            start = sentence.start + match.start("n")
            if any(s <= start < e for s, e in model_spans):
                continue
            tail = text[match.end("n") : match.end("n") + 12]
            if re.match(r"\s*(?:%|percent|pct|k\b)", tail, re.IGNORECASE):
                continue
            value = parse_number(match.group("n"))
            if (
                value is None
                or value < 1
                or value > 1_000_000
                or (1990 <= value <= 2100 and "," not in match.group("n"))
            ):
                continue
            if _negated(ctx, sentence, start, sentence.start + match.end()):
                continue
            hedged = _status(ctx, sentence) is FieldStatus.UNCERTAIN or bool(
                _RANGE_BEFORE.search(text[max(0, match.start("n") - 40) : match.start("n")])
            )
            candidates.append((value, sentence, hedged))
    candidates.extend(_per_site_totals(ctx))
    labelled = [s for s in ctx.doc.sentences if ctx.label_field(s) == "device_count"]
    for sentence in labelled:
        span = ctx.label_value(sentence)
        if span:
            numbers = re.findall(NUMBER, ctx.doc.text[span[0] : span[1]], re.IGNORECASE)
            for raw in numbers[:1]:
                value = parse_number(raw)
                if value:
                    candidates.append((value, sentence, _status(ctx, sentence) is FieldStatus.UNCERTAIN))
    if not candidates:
        return Field()
    best = max(candidates, key=lambda item: item[0])
    confirmed = [c for c in candidates if not c[2]]
    if confirmed:
        best = max(confirmed, key=lambda item: item[0])
        status = FieldStatus.CONFIRMED
    else:
        status = FieldStatus.UNCERTAIN
    return build_field(round(best[0]), status, [ctx.quote_sentence(best[1])])


_PER_SITE = re.compile(
    rf"(?<![\w.])(?P<b>{NUMBER})(?![\w])\s+(?:[\w\-]{{1,40}}+\s+){{0,2}}?(?P<noun>{DEVICE_NOUNS})\s*(?:per|each|a|in\s+(?:each|every))\s+(?P<site>{_SITES})\b",
    re.IGNORECASE,
)
_SITE_COUNT = re.compile(
    rf"(?<![\w.])(?P<a>{NUMBER})(?![\w])\s*\+?\s+(?:[\w\-]{{1,40}}+\s+){{0,2}}?(?P<site>{_SITES})\b",
    re.IGNORECASE,
)


def _per_site_totals(ctx: Context) -> list[tuple[float, Sentence, bool]]:
    """ "42 stores" ... "8 lanes per store" in another sentence: 336 lanes."""
    numeric = [s for s in ctx.doc.sentences if _HAS_NUMBER.search(s.text) and _speaks_for_customer(ctx, s)]
    per_site = [
        (s, m)
        for s in numeric
        if re.search(r"\b(?:per|each|every|a)\s", s.text)
        for m in _PER_SITE.finditer(s.text)
    ]
    if not per_site:
        return []
    sites = [(s, m) for s in numeric for m in _SITE_COUNT.finditer(s.text)]
    out = []
    for sentence, match in per_site:
        per = parse_number(match.group("b"))
        total = _SO_TOTAL.search(sentence.text, match.end())
        if total and parse_number(total.group("n")):
            # "Two terminals per pharmacy, so fifty-four.": the speaker did the sum
            out.append(
                (
                    parse_number(total.group("n")) or 0,
                    sentence,
                    _status(ctx, sentence) is FieldStatus.UNCERTAIN,
                )
            )
            continue
        after = [
            (s, m) for s, m in sites if s is sentence and m.start() >= match.end()
        ]  # "..., forty-five bakeries"
        for site_sentence, site_match in after + [(s, m) for s, m in sites if s is not sentence]:
            count = parse_number(site_match.group("a"))
            if per and count and count < 100_000:
                hedged = any(_status(ctx, s) is FieldStatus.UNCERTAIN for s in (sentence, site_sentence))
                out.append((per * count, sentence, hedged))
                break
    return out


_SO_TOTAL = re.compile(
    rf"[,;]?\s*(?:so|that's|that\s+is|making|which\s+makes|=|->|→|=>|totall?ing|in\s+total)\s*(?:about\s+|roughly\s+|~)?"
    rf"(?<![\w.])(?P<n>{NUMBER})(?![\w%\-])(?!\s*(?:%|percent|stores?|locations?|sites?|venues?|restaurants?|branches|outlets?|pharmac(?:y|ies)|baker(?:y|ies)|hotels?|clinics?)\b)",
    re.IGNORECASE,
)


@lru_cache(maxsize=4)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def extract_timeline(ctx: Context) -> Field:
    cues = ctx.bundle.signals.deal
    context = ctx.phrases(cues.timeline_context)
    date_re = _regex(cues.timeline_regex)
    best: tuple[int, str, Sentence] | None = None
    for sentence in ctx.doc.sentences:
        if (sentence.section and ctx.bundle.field_labels.field_for(sentence.section) == "next_steps") or (
            sentence.label and ctx.label_field(sentence) == "next_steps"
        ):
            continue
        labelled = ctx.label_field(sentence) == "timeline"
        if labelled:
            span = ctx.label_value(sentence)
            if span:
                value = ctx.doc.text[span[0] : span[1]].strip()
                if ctx.assessor.value_is_unknown(value):
                    return build_field(None, FieldStatus.UNCERTAIN, [ctx.quote_sentence(sentence)])
                return build_field(value.strip(" ."), _status(ctx, sentence), [ctx.quote_sentence(sentence)])
        if not _speaks_for_customer(ctx, sentence) or (
            ctx.assessor.conversation and sentence.role in (OMNI, REP, THIRD_PARTY)
        ):
            continue
        if sentence.is_question and sentence.role != CUSTOMER:
            continue
        if not _DATE_HINT.search(sentence.text):
            continue
        match = next(
            (
                m
                for m in date_re.finditer(sentence.text)
                if not re.fullmatch(r"(?:in\s+)?20(?:[01]\d|2[0-5])", m.group().strip(), re.I)
            ),
            None,
        )  # a bare past year ("in 2024") is history, not a target
        if not match:
            continue
        previous = ctx.doc.sentences[sentence.index - 1] if sentence.index else None
        asked = (
            previous is not None
            and previous.turn != sentence.turn
            and previous.is_question
            and _TIMELINE_QUESTION.search(previous.text)
        )
        deadline = re.match(r"(?:by|before|no\s+later\s+than|in\s+time\s+for|until)\b", match.group(), re.I)
        if not (context.search(sentence.text) or asked or (deadline and sentence.role == CUSTOMER)):
            continue
        if _MEETING.search(sentence.text) and not re.search(
            r"\b(?:live|launch|go-live|certif|rollout|deadline)", sentence.text, re.I
        ):
            continue
        score = (
            2
            if re.search(
                r"\b(?:go[\s-]?live|live|launch|deadline|certified|rollout|need)\b", sentence.text, re.I
            )
            else 1
        )
        if best is None or score > best[0]:
            best = (score, match.group().strip(), sentence)
    if best is None:
        return Field()
    return build_field(best[1], _status(ctx, best[2]), [ctx.quote_sentence(best[2])])


def extract_budget(ctx: Context) -> Field:
    cues = ctx.bundle.signals.deal
    context = ctx.phrases(cues.budget_context)
    for sentence in ctx.doc.sentences:
        if ctx.label_field(sentence) == "budget":
            span = ctx.label_value(sentence)
            if span:
                value = ctx.doc.text[span[0] : span[1]].strip()
                status = (
                    FieldStatus.UNCERTAIN if ctx.assessor.value_is_unknown(value) else _status(ctx, sentence)
                )
                return build_field(
                    None
                    if status is FieldStatus.UNCERTAIN and ctx.assessor.value_is_unknown(value)
                    else value.strip(" ."),
                    status,
                    [ctx.quote_sentence(sentence)],
                )
    for sentence in ctx.doc.sentences:
        if not context.search(sentence.text) or not _speaks_for_customer(ctx, sentence):
            continue
        if sentence.role in (OMNI, REP, THIRD_PARTY) and sentence.is_question:
            continue
        money = find_money(sentence.text)
        if money:
            return build_field(money[0].text.strip(), _status(ctx, sentence), [ctx.quote_sentence(sentence)])
        if re.search(r"\bbudget\b", sentence.text, re.I) and re.search(
            r"\b(?:no|not\s+yet|tbd|unknown|haven't|hasn't|isn't|not\s+(?:set|approved|allocated)|pending)\b",
            sentence.text,
            re.I,
        ):
            return build_field(None, FieldStatus.UNCERTAIN, [ctx.quote_sentence(sentence)])
    return Field()


def extract_decision_process(ctx: Context) -> Field:
    cues = ctx.bundle.signals.deal
    context = ctx.phrases(cues.decision_context)
    exclude = ctx.phrases(cues.decision_exclude)
    roster = frozenset(ctx.bundle.values.roster_labels)
    for sentence in ctx.doc.sentences:
        if ctx.label_field(sentence) == "decision_process":
            span = ctx.label_value(sentence)
            if span:
                value = ctx.doc.text[span[0] : span[1]].strip()
                if ctx.assessor.value_is_unknown(value):
                    return build_field(None, FieldStatus.UNCERTAIN, [ctx.quote_sentence(sentence)])
                return build_field(value.strip(" ."), _status(ctx, sentence), [ctx.quote_sentence(sentence)])
    for sentence in ctx.doc.sentences:
        if (ctx.assessor.conversation and sentence.role in (OMNI, REP, THIRD_PARTY)) or sentence.is_question:
            continue
        if exclude.search(sentence.text) or sentence.about_seller or sentence.label in roster:
            continue  # a roster line ("Contributors: ... (Procurement)") is no decision process
        if not ctx.bundle.values.decision.search(sentence.text):
            continue  # "the weather decides what people buy" names no one who decides
        if context.search(sentence.text) and len(sentence.text) >= 20:
            value = ctx.quote_sentence(sentence)
            return build_field(ctx.bundle.values.without_fillers(value), _status(ctx, sentence), [value])
    return Field()


def discount_mentions(ctx: Context) -> list[tuple[float, Sentence, bool]]:
    """Every percentage on the table: (value, sentence, hedged). Negated asks and policy talk are left out."""
    return list(ctx.once("discounts", _discount_mentions))


def _discount_mentions(ctx: Context) -> list[tuple[float, Sentence, bool]]:
    pricing = ctx.bundle.signals.pricing
    cues = ctx.phrases(pricing.discount_cues)
    policy_words = ctx.phrases(pricing.policy_words)
    out: list[tuple[float, Sentence, bool]] = []
    for sentence in ctx.doc.sentences:
        text = sentence.text
        labelled = ctx.label_field(sentence) == "discount_requested_pct"
        if not (labelled or cues.search(text)):
            continue
        if sentence.about_seller or (sentence.role == THIRD_PARTY and not _YOU.search(text)):
            continue  # the seller's other clients and its own offers are no ask of this customer
        policy_talk: bool | None = None  # read once per sentence, not once per figure (linear time)
        declined: bool | None = None
        for match in find_percentages(text):
            local = text[max(0, match.start - 60) : match.end + 40].lower()
            if not (labelled or cues.search(local) or "off" in match.text.lower()):
                continue
            if policy_talk is None:
                policy_talk = bool(policy_words.search(text)) and not re.search(
                    r"\b(?:ask|asked|asking|want|wants|wanted|request|requested|expect|push|pushing|looking\s+for|hoping|need|told|promised|offer|offered|quote|quoted)\b",
                    text,
                    re.IGNORECASE,
                )
            if policy_talk:
                continue
            if re.search(
                r"^\s*of\s+(?:our|the|their|all|transactions|volume|stores|sales|revenue)",
                text[match.end :][:30],
                re.I,
            ):
                continue
            start, end = sentence.start + match.start, sentence.start + match.end
            if sentence.off_deal(start):
                continue  # small talk, or a precedent the seller tells about another client
            if declined is None:
                declined = bool(
                    re.search(
                        r"\b(?:won't|will\s+not|don't|do\s+not|not)\s+(?:need|ask|want|be\s+asking|looking)\b",
                        text,
                        re.IGNORECASE,
                    )
                )
            if declined or _negated(ctx, sentence, start, end):
                continue
            out.append((match.value, sentence, ctx.assessor.is_hedged_text(text)))
    # money against a stated quote or budget ("$30k off the $100k quote" = 30%), from the acts layer
    out.extend(
        (ask.percent, ask.sentence, ctx.assessor.is_hedged_text(ask.sentence.text)) for ask in money_asks(ctx)
    )
    return out


def extract_discount(ctx: Context) -> Field:
    found = discount_mentions(ctx)
    if not found:
        return Field()
    best = max(found, key=lambda item: item[0])
    confirmed = [item for item in found if not item[2] and item[0] == best[0]]
    status = FieldStatus.CONFIRMED if confirmed else FieldStatus.UNCERTAIN
    quotes = [ctx.quote_sentence(item[1]) for item in found if item[0] == best[0]][:2]
    value = float(best[0])
    return build_field(int(value) if value.is_integer() else round(value, 2), status, quotes)


def extract_next_steps(ctx: Context) -> Field:
    cues = ctx.phrases(ctx.bundle.signals.deal.next_steps_cues)
    steps: list[str] = []
    for sentence in ctx.doc.sentences:
        in_section = (
            sentence.section is not None
            and ctx.bundle.field_labels.field_for(sentence.section) == "next_steps"
        )
        labelled = ctx.label_field(sentence) == "next_steps"
        if labelled and ctx.label_value(sentence) is None:
            continue  # the "Next steps:" heading itself
        if sentence.role == THIRD_PARTY and not re.search(r"\b(?:you|your|omni)\b", sentence.text, re.I):
            continue  # the seller's own errands ("book the flights") are no next step of this deal
        if (
            in_section
            or labelled
            or (cues.search(sentence.text) and not sentence.is_question and sentence.quoted == 0)
        ):
            quote = ctx.quote_sentence(sentence)
            if quote and quote not in steps and len(quote) > 6:
                steps.append(quote)
    if not steps:
        return Field()
    phrases = [ctx.bundle.values.without_fillers(step) for step in steps[:8]]
    return build_field(phrases, FieldStatus.CONFIRMED, steps[:8])
