"""Text handling: reading inputs, masking card data, sentences with speakers and roles."""

from .display import has_control_characters, plain_words, safe_display
from .document import Document, Sentence
from .inputs import MAX_INPUT_BYTES, SourceText, decode_text, normalize_newlines, read_source
from .masking import luhn_valid, mask_sensitive, mask_with_spans
from .participants import Participant, Participants
from .speakers import CUSTOMER, OMNI, REP, THIRD_PARTY, UNKNOWN, SpeakerInfo

__all__ = [
    "CUSTOMER",
    "MAX_INPUT_BYTES",
    "OMNI",
    "REP",
    "THIRD_PARTY",
    "UNKNOWN",
    "Document",
    "Participant",
    "Participants",
    "Sentence",
    "SourceText",
    "SpeakerInfo",
    "decode_text",
    "has_control_characters",
    "luhn_valid",
    "mask_sensitive",
    "mask_with_spans",
    "normalize_newlines",
    "plain_words",
    "read_source",
    "safe_display",
]
