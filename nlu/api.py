"""What the NLU answers, and the protocol every engine implements.

`Parse.to_json()` is the exact object `razem nlu parse` prints; other tools read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from nlu.entities import ChildMention, CityMention, DateMention


@dataclass(frozen=True, slots=True)
class CategoryScore:
    category: str
    confidence: float


@dataclass(frozen=True, slots=True)
class FaqMatch:
    """The best FAQ entry for a message: ``id`` is the entry's slug."""

    id: str
    score: float


@dataclass(frozen=True, slots=True)
class Parse:
    text: str
    language: str  # uk | ru | pl | en | unknown
    category: str  # legal | psychological | social | other
    subcategory: str  # an intent from nlu/labels.py
    confidence: float
    ranking: tuple[CategoryScore, ...]
    urgent: bool
    urgent_signals: tuple[str, ...] = ()
    faq: FaqMatch | None = None
    intent_ranking: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    # Entities (nlu/entities.py): the town named, dates named (ISO, Europe/Warsaw),
    # children mentioned with their ages.
    city: CityMention | None = None
    dates: tuple[DateMention, ...] = ()
    children: tuple[ChildMention, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "category": self.category,
            "subcategory": self.subcategory,
            "confidence": round(self.confidence, 4),
            "ranking": [
                {"category": s.category, "confidence": round(s.confidence, 4)} for s in self.ranking
            ],
            "urgent": self.urgent,
            "urgent_signals": list(self.urgent_signals),
            "faq": None
            if self.faq is None
            else {"id": self.faq.id, "score": round(self.faq.score, 4)},
            "city": None if self.city is None else self.city.to_json(),
            "dates": [d.to_json() for d in self.dates],
            "children": [c.to_json() for c in self.children],
        }


@dataclass(frozen=True, slots=True)
class FaqDocument:
    """One FAQ entry as the matcher sees it: every way of asking, in any language."""

    id: str
    subcategory: str | None
    texts: tuple[str, ...]


class Engine(Protocol):
    """Understands a person's message(s)."""

    def parse(
        self,
        text: str,
        *,
        lang_hint: str | None = None,
        context: Sequence[str] = (),
        now: datetime | None = None,
    ) -> Parse:
        """Classify ``text``; ``context`` holds the same person's earlier messages
        of this request (oldest first), classified together with it. ``now``: when
        the message was written, for dates such as "tomorrow" (default: now)."""
