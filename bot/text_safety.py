"""A person's words, made safe to show: no bidi tricks, nothing invisible.

U+202E (RIGHT-TO-LEFT OVERRIDE) makes "invoice\u202egpj.exe" read as "invoiceexe.jpg";
other bidi embeddings, overrides and isolates can reorder a staff card around the
person's words, and zero-width characters hide text or make two names that look the
same differ. Channel-neutral: the console's templates (the ``person`` filter) and the
Telegram renderer call these, and nothing here knows HTML — escaping stays with each
channel.
"""

from __future__ import annotations

import re
import unicodedata

FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE

_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_INVISIBLE = "\u200b\u2060\ufeff\u180e\u00ad\u200c"
# Controls (C0 but tab and newline, DEL, C1), bidi controls, zero-width characters.
_REMOVED = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI_CONTROLS}{_INVISIBLE}]")
_JOINER = "\u200d"


def _keeps_joiner(text: str, index: int) -> bool:
    """ZERO WIDTH JOINER builds emoji (👩‍👩‍👧) and stays between two symbols; elsewhere
    it only hides something."""
    if index == 0 or index == len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    return (
        unicodedata.category(before) in ("So", "Sk", "Mn") and unicodedata.category(after) == "So"
    )


def for_display(text: str) -> str:
    """``text`` without control, bidi-control and zero-width characters (newlines and
    tabs stay; ZWJ stays inside emoji sequences)."""
    text = _REMOVED.sub("", text.replace("\r\n", "\n"))
    if _JOINER not in text:
        return text
    return "".join(
        char for index, char in enumerate(text) if char != _JOINER or _keeps_joiner(text, index)
    )


def isolated(text: str) -> str:
    """``for_display``, wrapped in a bidi isolate: right-to-left words (an Arabic name)
    cannot reorder the card or sentence around them."""
    return f"{FSI}{for_display(text)}{PDI}"
