"""The builtin engine's model: what training produces and the bot loads.

Only numpy arrays and plain Python inside (no scikit-learn objects), so loading
it is fast and does not import scikit-learn. Built by `razem nlu train` (see
nlu/training.py) and by `make install`/`make demo` when missing or stale; never
committed.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from nlu.errors import ModelMissing
from nlu.labels import CATEGORIES, INTENT_CATEGORY
from nlu.language import LanguageIdentifier
from nlu.linear import CompiledLinear, sigmoid, softmax

FORMAT_VERSION = 3
# Long stories: the request is usually at the end, so keep both ends.
MAX_CHARS = 4000
_HEAD, _TAIL = 1000, 3000


def clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:_HEAD] + " … " + text[-_TAIL:]


@dataclass
class TrainedModel:
    language: LanguageIdentifier
    classifier: CompiledLinear  # heads: "intent" (multinomial) and "urgent" (binary)
    fingerprint: str
    info: dict[str, Any] = field(default_factory=dict)
    # Divides the intent scores before the softmax so that confidence means what it
    # says (fitted on a held-out fold at training time; see nlu/calibration.py).
    temperature: float = 1.0

    @cached_property
    def intent_names(self) -> tuple[str, ...]:
        return self.classifier.classes["intent"]

    @cached_property
    def category_matrix(self) -> np.ndarray:
        """intents × categories: sums intent probabilities into category probabilities."""
        matrix = np.zeros((len(self.intent_names), len(CATEGORIES)))
        for row, intent in enumerate(self.intent_names):
            matrix[row, CATEGORIES.index(INTENT_CATEGORY[intent])] = 1.0
        return matrix

    def predict(self, text: str, *, prepared: str | None = None) -> tuple[np.ndarray, float]:
        """(intent probabilities in ``intent_names`` order, P(urgent)) for one text.

        ``prepared``: the clipped text already in the classifier's spelling (skeleton).
        """
        scores = self.classifier.raw_scores(clip(text), prepared=prepared)
        intents = softmax(scores[self.classifier.slices["intent"]] / self.temperature)
        return intents, sigmoid(float(scores[self.classifier.slices["urgent"]][0]))

    def __getstate__(self) -> dict[str, Any]:
        return {
            k: v for k, v in self.__dict__.items() if k not in ("intent_names", "category_matrix")
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        with temporary.open("wb") as handle:
            pickle.dump((FORMAT_VERSION, self), handle, protocol=5)
        temporary.replace(path)  # atomic: a running bot never reads half a model

    @staticmethod
    def load(path: Path) -> TrainedModel:
        if not path.exists():
            raise ModelMissing(f"no NLU model at {path}: run razem nlu train")
        try:
            with path.open("rb") as handle:
                version, model = pickle.load(handle)
        except Exception as exc:
            raise ModelMissing(
                f"NLU model at {path} is unreadable ({exc}): run razem nlu train"
            ) from None
        if version != FORMAT_VERSION or not isinstance(model, TrainedModel):
            raise ModelMissing(f"NLU model at {path} is from another version: run razem nlu train")
        return model


def data_fingerprint(data_dir: Path) -> str:
    """Changes when any training file or the NLU code changes."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(data_dir.glob("*.yml")) + sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
