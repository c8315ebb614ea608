"""Training the builtin model with scikit-learn (imported only here).

Deterministic given the data: fixed hyperparameters, a fixed augmentation seed,
and solvers without randomness.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.augment import augment
from nlu.calibration import fit_temperature, held_out
from nlu.features import PREPROCESSORS, TfidfSpace
from nlu.labels import CATEGORIES, INTENT_CATEGORY
from nlu.language import LanguageIdentifier
from nlu.linear import CompiledLinear
from nlu.model import TrainedModel, clip
from nlu.training_data import Example

# Pinned hyperparameters (chosen on the dev split; see README "NLU").
NGRAMS = (2, 5)
INTENT_C = 30.0
URGENT_C = 30.0
LANGUAGE_C = 10.0
CALIBRATION_TOL = 1e-3


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


def calibrate(examples: list[Example]) -> tuple[float, int]:
    """(temperature, held-out examples): the intent head fitted without a fold of the
    examples, and the temperature that makes it honest on that fold."""
    fold = [e for e in examples if held_out(e.text)]
    rest = augment([e for e in examples if not held_out(e.text)])
    head = fit_heads(
        [clip(e.text) for e in rest],
        # A looser tolerance than the real head: the fold only has to be about as sure
        # of itself as the real model, and this halves the extra training time.
        {
            "intent": (
                [e.intent for e in rest],
                LogisticRegression(C=INTENT_C, max_iter=5000, tol=CALIBRATION_TOL),
            )
        },
        "skeleton",
    )
    checked = augment(fold)  # translit and diacritics-free variants are real input too
    intents = head.classes["intent"]
    logits = np.vstack([head.raw_scores(clip(e.text))[head.slices["intent"]] for e in checked])
    matrix = np.zeros((len(intents), len(CATEGORIES)))
    for row, intent in enumerate(intents):
        matrix[row, CATEGORIES.index(INTENT_CATEGORY[intent])] = 1.0
    truth = [CATEGORIES.index(e.category) for e in checked]
    return fit_temperature(logits, truth, matrix), len(checked)


def train(examples: list[Example], fingerprint: str) -> TrainedModel:
    started = time.perf_counter()
    temperature, calibration_examples = calibrate(examples)
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
        "temperature": round(temperature, 3),
        "calibration_examples": calibration_examples,
        "seconds": round(time.perf_counter() - started, 1),
        "python": sys.version.split()[0],
    }
    return TrainedModel(
        LanguageIdentifier(language), classifier, fingerprint, info, temperature=temperature
    )
