"""Policy as data: thresholds, routing, cue lists and lexicons under ``policy/``."""

from .loader import FieldLabels, PolicyBundle, load_bundle, load_cues, load_lexicons, load_policy
from .models import (
    CueLists,
    GatePolicy,
    Lexicon,
    LexiconEntry,
    Policy,
    ResponsibilityOwner,
    SegmentPolicy,
    Signals,
)

__all__ = [
    "CueLists",
    "FieldLabels",
    "GatePolicy",
    "Lexicon",
    "LexiconEntry",
    "Policy",
    "PolicyBundle",
    "ResponsibilityOwner",
    "SegmentPolicy",
    "Signals",
    "load_bundle",
    "load_cues",
    "load_lexicons",
    "load_policy",
]
