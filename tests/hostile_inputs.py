"""Adversarial inputs for the linear-time tests and ``scripts/bench_hostile.py``.

Each generator takes a target size in bytes and returns text of about that size. ``normal``
is real transcript text (the eval cases) repeated to the same size: the yardstick that the
hostile inputs are timed against.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

CASES_DIR = Path(__file__).resolve().parents[1] / "evals" / "cases" / "dev"


def _fit(unit: str, size: int) -> str:
    return (unit * (size // max(1, len(unit)) + 1))[:size]


def normal(size: int) -> str:
    """Eval transcripts, concatenated and repeated, cut at a line end near ``size``."""
    parts = [path.read_text(encoding="utf-8") for path in sorted(CASES_DIR.glob("*.txt"))]
    text = _fit("\n\n".join(parts) + "\n\n", size)
    cut = text.rfind("\n")
    return text[:cut] if cut > size // 2 else text


def spaces_between_words(size: int) -> str:
    return "Acme Grocers, 40 kiosks on Fiserv" + " " * size + "I think we need 20% off."


def spaces_only_run(size: int) -> str:
    return "notes:" + " " * size + "end"


def percent_off(size: int) -> str:
    return _fit("20% off ", size)


def one_long_line(size: int) -> str:
    return normal(size * 2).replace("\n", " ")[:size]


def digit_dash(size: int) -> str:
    return _fit("1-2-3-4-5-6-7-8-9-0-", size)


def digit_space(size: int) -> str:
    return _fit("4 1 1 1 2 ", size)


def brackets(size: int) -> str:
    half = size // 2
    return "(" * half + "x" + ")" * half


def square_brackets(size: int) -> str:
    return _fit("[00:0", size)


def quote_markers(size: int) -> str:
    return _fit("> > On ", size)


def capital_words(size: int) -> str:
    return _fit("On Dana Ruiz Acme ", size)


def number_words(size: int) -> str:
    return _fit("forty two hundred and ", size)


def colons(size: int) -> str:
    return _fit("Dana (Acme: ", size)


HOSTILE: dict[str, Callable[[int], str]] = {
    "spaces_between_words": spaces_between_words,
    "spaces_only_run": spaces_only_run,
    "percent_off": percent_off,
    "one_long_line": one_long_line,
    "digit_dash": digit_dash,
    "digit_space": digit_space,
    "brackets": brackets,
    "square_brackets": square_brackets,
    "quote_markers": quote_markers,
    "capital_words": capital_words,
    "number_words": number_words,
    "colons": colons,
}


def one_line_no_stops(size: int) -> str:
    """A transcript pasted as one line with no sentence ends: one sentence as long as the input."""
    flat = normal(size * 2)
    for char in "\n.?!;":
        flat = flat.replace(char, " ")
    return flat[:size]


def digit_groups(size: int) -> str:
    return _fit("4111-1111-1111-1112-", size)


def dash_words(size: int) -> str:
    return _fit("four-one-one-one-", size)


def angle_brackets(size: int) -> str:
    return _fit("<<[[((", size)


def word_between_space_runs(size: int) -> str:
    """Found by the property test: spaces on both sides of a key word (a "Key:" line that never comes)."""
    return _fit(" " * 619 + "notes", size)


HOSTILE.update(
    {
        "word_between_space_runs": word_between_space_runs,
        "one_line_no_stops": one_line_no_stops,
        "digit_groups": digit_groups,
        "dash_words": dash_words,
        "angle_brackets": angle_brackets,
    }
)
