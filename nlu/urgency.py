"""Is a human needed now? Recall first.

Two parts, either of which makes a message urgent:
- phrases from nlu/urgency.yml, matched on the shared skeleton spelling, which
  also name the kind of danger for staff;
- a learned model over the same features as the classifier, with a low
  threshold, for the crises no list of phrases foresees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.errors import NluDataError
from nlu.normalize import skeleton

LEXICON_PATH = Path(__file__).with_name("urgency.yml")
# Chosen for recall on the dev split: at 0.45 the model with the phrases misses
# no urgent dev message and no urgent case (nlu/tests/urgent_cases.jsonl), with
# precision about 0.8; at 0.3 precision fell below 0.7. Raising it trades missed
# crises for fewer false alarms: never raise it without `razem nlu evaluate`.
MODEL_THRESHOLD = 0.45
MODEL_SIGNAL = "model"


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    skeletons = sorted({skeleton(p) for p in phrases if skeleton(p)}, key=len, reverse=True)
    if not skeletons:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, skeletons)) + ")")


@dataclass(frozen=True)
class Signal:
    name: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None


class Lexicon:
    """The urgency phrases, compiled once."""

    def __init__(self, signals: list[Signal]) -> None:
        self.signals = signals

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> Lexicon:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise NluDataError(f"{path}: cannot read urgency phrases: {exc}") from None
        if not isinstance(document, dict) or not isinstance(document.get("signals"), dict):
            raise NluDataError(f"{path}: expected 'signals:' with one entry per kind of danger")
        signals = []
        for name, spec in document["signals"].items():
            if not isinstance(spec, dict) or not isinstance(spec.get("phrases"), list):
                raise NluDataError(f"{path}: signals.{name}: expected 'phrases:' as a list")
            pattern = _phrase_pattern([str(p) for p in spec["phrases"]])
            if pattern is None:
                raise NluDataError(f"{path}: signals.{name}: no usable phrases")
            unless = _phrase_pattern([str(p) for p in spec.get("unless", [])])
            signals.append(Signal(str(name), pattern, unless))
        return cls(signals)

    def match(self, skeleton_text: str) -> list[str]:
        """Names of the signals whose phrases occur in the (skeleton) text."""
        fired = []
        for signal in self.signals:
            if signal.pattern.search(skeleton_text) and not (
                signal.unless and signal.unless.search(skeleton_text)
            ):
                fired.append(signal.name)
        return fired
