"""Our run-time featurisation and linear heads equal scikit-learn's exactly."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.features import TfidfSpace, char_wb_ngrams
from nlu.linear import CompiledLinear, sigmoid, softmax
from nlu.normalize import skeleton
from nlu.training_data import read_training_data
from tests.nlu.conftest import DEV, NLU_DATA, read_jsonl

TEXTS = ["a", "ab  c", " Карта побыту!!! ", "800+ zus", "x y z 12345 ok", "", "dobryi   den"]


def test_char_wb_ngrams_match_scikit_learn() -> None:
    for low, high in [(1, 1), (2, 5), (1, 4), (3, 3), (4, 6)]:
        analyzer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(low, high), lowercase=False
        ).build_analyzer()
        for text in TEXTS:
            assert char_wb_ngrams(" ".join(text.split()), low, high) == analyzer(text), (
                text,
                low,
                high,
            )


def test_compiled_heads_give_scikit_learns_probabilities() -> None:
    examples = read_training_data(NLU_DATA)[::4]
    texts = [e.text for e in examples]
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), preprocessor=skeleton, sublinear_tf=True, min_df=2
    )
    features = vectorizer.fit_transform(texts)
    intents = LogisticRegression(C=30, max_iter=3000).fit(features, [e.intent for e in examples])
    urgent = LogisticRegression(C=30, max_iter=3000).fit(features, [e.urgent for e in examples])
    compiled = CompiledLinear(
        TfidfSpace.from_sklearn(vectorizer, "skeleton"), {"intent": intents, "urgent": urgent}
    )

    probe = [row["text"] for row in read_jsonl(DEV)[:120]] + ["", "🙂"]
    expected_intents = intents.predict_proba(vectorizer.transform(probe))
    expected_urgent = urgent.predict_proba(vectorizer.transform(probe))[:, 1]
    for i, text in enumerate(probe):
        scores = compiled.raw_scores(text)
        np.testing.assert_allclose(
            softmax(scores[compiled.slices["intent"]]), expected_intents[i], atol=1e-9
        )
        assert abs(sigmoid(float(scores[compiled.slices["urgent"]][0])) - expected_urgent[i]) < 1e-9


def test_own_tfidf_fit_matches_scikit_learn() -> None:
    texts = ["карта побыту", "karta pobytu gdzie", "800+ ZUS wniosek", "lekarz rodzinny"]
    ours = TfidfSpace.fit(texts, "skeleton", (2, 4))
    theirs = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), preprocessor=skeleton, sublinear_tf=True
    ).fit(texts)
    assert ours.vocabulary == {k: int(v) for k, v in theirs.vocabulary_.items()}
    np.testing.assert_allclose(ours.idf, theirs.idf_)
    indices, values = ours.vector("karta pobytu")
    dense = np.zeros(len(ours.vocabulary))
    dense[indices] = values
    np.testing.assert_allclose(dense, theirs.transform(["karta pobytu"]).toarray()[0], atol=1e-12)
