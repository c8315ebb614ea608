"""Training the builtin model with scikit-learn (imported only here).

Deterministic given the data: fixed hyperparameters, a fixed augmentation seed,
and solvers without randomness.
"""

from __future__ import annotations

import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.augment import augment
from nlu.features import PREPROCESSORS, TfidfSpace
from nlu.language import LanguageIdentifier
from nlu.linear import CompiledLinear
from nlu.model import TrainedModel, clip
from nlu.training_data import Example

# Pinned hyperparameters (chosen on the dev split; see README "NLU").
NGRAMS = (2, 5)
INTENT_C = 30.0
URGENT_C = 30.0
LANGUAGE_C = 10.0


def vectorizer(preprocessor: str) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAMS,
        preprocessor=PREPROCESSORS[preprocessor],
        sublinear_tf=True,
        min_df=2,
    )


def fit_heads(
    texts: list[str],
    heads: dict[str, tuple[list[str] | list[bool], LogisticRegression]],
    preprocessor: str,
) -> CompiledLinear:
    features_of = vectorizer(preprocessor)
    features = features_of.fit_transform(texts)
    fitted = {name: model.fit(features, labels) for name, (labels, model) in heads.items()}
    return CompiledLinear(TfidfSpace.from_sklearn(features_of, preprocessor), fitted)


def train(examples: list[Example], fingerprint: str) -> TrainedModel:
    started = time.perf_counter()
    augmented = augment(examples)
    texts = [clip(e.text) for e in augmented]
    language = fit_heads(
        texts,
        {
            "language": (
                [e.language for e in augmented],
                LogisticRegression(C=LANGUAGE_C, max_iter=3000),
            )
        },
        "basic",
    )
    classifier = fit_heads(
        texts,
        {
            "intent": (
                [e.intent for e in augmented],
                LogisticRegression(C=INTENT_C, max_iter=5000),
            ),
            # Balanced: urgent examples are about one in nine.
            "urgent": (
                [e.urgent for e in augmented],
                LogisticRegression(C=URGENT_C, max_iter=3000, class_weight="balanced"),
            ),
        },
        "skeleton",
    )
    info = {
        "examples": len(examples),
        "augmented": len(augmented) - len(examples),
        "features": len(classifier.space.vocabulary),
        "seconds": round(time.perf_counter() - started, 1),
        "python": sys.version.split()[0],
    }
    return TrainedModel(LanguageIdentifier(language), classifier, fingerprint, info)
