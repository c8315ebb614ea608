"""Calibrated confidence: a probability of 0.8 should be right about 8 times in 10.

Logistic regression trained to near-zero loss on its own examples is overconfident
on new text. Training therefore holds out a fold of the hand-written examples,
fits the intent head on the rest, and picks the temperature that minimises the
negative log-likelihood of the true *category* on the held-out fold (the category
confidence is what the conversation acts on). One parameter: it never changes which
intent wins, only how sure the model says it is. Reliability and expected
calibration error (ECE) are measured here too, for `razem nlu evaluate`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from nlu.linear import softmax

HELD_OUT_SHARE = 0.2
TEMPERATURES = np.exp(np.linspace(np.log(0.5), np.log(8.0), 121))
BINS = 10


def held_out(text: str, share: float = HELD_OUT_SHARE) -> bool:
    """A fixed, content-based split: the same example is always on the same side."""
    digest = hashlib.blake2b(text.casefold().encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < share


def fit_temperature(logits: np.ndarray, truth: Sequence[int], category_matrix: np.ndarray) -> float:
    """The temperature minimising category negative log-likelihood.

    ``logits``: intent scores (rows: messages); ``truth``: the true category index of
    each row; ``category_matrix``: intents × categories (sums intents into categories).
    """
    rows = np.arange(len(truth))
    best, best_loss = 1.0, float("inf")
    for temperature in TEMPERATURES:
        scaled = logits / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        intents = np.exp(scaled)
        intents /= intents.sum(axis=1, keepdims=True)
        categories = intents @ category_matrix
        loss = float(-np.log(np.clip(categories[rows, truth], 1e-12, None)).mean())
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def category_probabilities(
    logits: np.ndarray, temperature: float, category_matrix: np.ndarray
) -> np.ndarray:
    intents = np.vstack([softmax(row / temperature) for row in logits])
    return np.asarray(intents @ category_matrix)


def reliability(confidences: Sequence[float], correct: Sequence[bool]) -> dict[str, Any]:
    """Equal-width bins of confidence: how often the answer was right in each,
    and the expected calibration error (the bins' gaps weighted by their size)."""
    n = len(confidences)
    bins = []
    ece = 0.0
    for b in range(BINS):
        low, high = b / BINS, (b + 1) / BINS
        picked = [
            i for i, c in enumerate(confidences) if low <= c < high or (b == BINS - 1 and c == 1.0)
        ]
        if not picked:
            bins.append({"from": low, "to": high, "n": 0, "confidence": None, "accuracy": None})
            continue
        confidence = sum(confidences[i] for i in picked) / len(picked)
        accuracy = sum(bool(correct[i]) for i in picked) / len(picked)
        ece += len(picked) / n * abs(confidence - accuracy)
        bins.append(
            {
                "from": round(low, 1),
                "to": round(high, 1),
                "n": len(picked),
                "confidence": round(confidence, 4),
                "accuracy": round(accuracy, 4),
            }
        )
    return {"ece": round(ece, 4) if n else None, "bins": bins}
