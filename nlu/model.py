"""The builtin engine's trained model: train, persist, load.

Deterministic given the data: fixed hyperparameters, fixed augmentation seed,
solvers without randomness. The artifact is built by `razem nlu train` (and by
`make install`/`make demo` when missing or stale) and never committed.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.augment import augment
from nlu.errors import ModelMissing
from nlu.labels import CATEGORIES, INTENT_CATEGORY
from nlu.language import LanguageIdentifier
from nlu.linear import CompiledLinear, sigmoid, softmax
from nlu.normalize import skeleton
from nlu.training_data import Example
from nlu.urgency import UrgencyModel

FORMAT_VERSION = 1
# Long stories: the request is usually at the end, so keep both ends.
MAX_CHARS = 4000
_HEAD, _TAIL = 1000, 3000


_DERIVED = ("intent_names", "category_matrix", "compiled")


def clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:_HEAD] + " … " + text[-_TAIL:]


@dataclass
class TrainedModel:
    language: LanguageIdentifier
    vectorizer: TfidfVectorizer
    intents: LogisticRegression
    urgency: UrgencyModel
    fingerprint: str
    info: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def intent_names(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.intents.classes_)

    @cached_property
    def category_matrix(self) -> np.ndarray:
        """intents × categories: sums intent probabilities into category probabilities."""
        matrix = np.zeros((len(self.intent_names), len(CATEGORIES)))
        for row, intent in enumerate(self.intent_names):
            matrix[row, CATEGORIES.index(INTENT_CATEGORY[intent])] = 1.0
        return matrix

    @cached_property
    def compiled(self) -> CompiledLinear:
        return CompiledLinear(
            self.vectorizer, {"intent": self.intents, "urgent": self.urgency.model}
        )

    def predict(self, text: str) -> tuple[np.ndarray, float]:
        """(intent probabilities in ``intent_names`` order, P(urgent)) for one text."""
        compiled = self.compiled
        scores = compiled.raw_scores(clip(text))
        intents = softmax(scores[compiled.slices["intent"]])
        return intents, sigmoid(float(scores[compiled.slices["urgent"]][0]))

    def __getstate__(self) -> dict[str, Any]:
        # Derived views are rebuilt after loading, not pickled.
        return {k: v for k, v in self.__dict__.items() if k not in _DERIVED}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        with temporary.open("wb") as handle:
            pickle.dump((FORMAT_VERSION, sklearn.__version__, self), handle, protocol=5)
        temporary.replace(path)  # atomic: a running bot never reads half a model

    @staticmethod
    def load(path: Path) -> TrainedModel:
        if not path.exists():
            raise ModelMissing(f"no NLU model at {path}: run razem nlu train")
        try:
            with path.open("rb") as handle:
                version, sklearn_version, model = pickle.load(handle)
        except Exception as exc:
            raise ModelMissing(
                f"NLU model at {path} is unreadable ({exc}): run razem nlu train"
            ) from None
        if version != FORMAT_VERSION or sklearn_version != sklearn.__version__:
            raise ModelMissing(
                f"NLU model at {path} was built by another version: run razem nlu train"
            )
        if not isinstance(model, TrainedModel):
            raise ModelMissing(f"{path} is not a Razem NLU model: run razem nlu train")
        return model


def data_fingerprint(data_dir: Path) -> str:
    """Changes when any training file, the lexicon or the NLU code changes."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    files = sorted(data_dir.glob("*.yml")) + sorted(package.glob("*.py"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def train(examples: list[Example], fingerprint: str) -> TrainedModel:
    started = time.perf_counter()
    augmented = augment(examples)
    texts = [clip(e.text) for e in augmented]
    language = LanguageIdentifier().fit(texts, [e.language for e in augmented])
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), preprocessor=skeleton, sublinear_tf=True, min_df=2
    )
    features = vectorizer.fit_transform(texts)
    intents = LogisticRegression(C=30.0, max_iter=5000).fit(features, [e.intent for e in augmented])
    urgency = UrgencyModel().fit(features, [e.urgent for e in augmented])
    info = {
        "examples": len(examples),
        "augmented": len(augmented) - len(examples),
        "features": features.shape[1],
        "seconds": round(time.perf_counter() - started, 1),
        "python": sys.version.split()[0],
    }
    return TrainedModel(language, vectorizer, intents, urgency, fingerprint, info)
