"""Which FAQ entry answers a message, across languages.

Built from the entries in the database (not from training data), so a
coordinator's edit counts at once, without retraining. Every way of asking, in
every language, is indexed on the shared skeleton spelling, so a question asked
in Russian finds an entry whose variants are in Ukrainian and Polish.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.api import FaqDocument, FaqMatch
from nlu.normalize import skeleton

# Below this cosine similarity no entry is reported at all. The conversation
# decides separately what is confident enough to answer without a person.
MIN_SCORE = 0.3


class FaqIndex:
    def __init__(self, documents: Sequence[FaqDocument]) -> None:
        self.owners: list[int] = []
        self.documents = list(documents)
        texts: list[str] = []
        for index, document in enumerate(self.documents):
            for text in document.texts:
                if skeleton(text):
                    texts.append(text)
                    self.owners.append(index)
        self.vectorizer: TfidfVectorizer | None = None
        if texts:
            self.vectorizer = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 4), preprocessor=skeleton, sublinear_tf=True
            )
            self.matrix = self.vectorizer.fit_transform(texts)
        self._owners = np.asarray(self.owners)

    def __len__(self) -> int:
        return len(self.documents)

    def match(self, text: str) -> FaqMatch | None:
        if self.vectorizer is None or not skeleton(text):
            return None
        query = self.vectorizer.transform([text])
        similarities = (self.matrix @ query.T).toarray().ravel()
        best_text = int(np.argmax(similarities))
        score = float(similarities[best_text])
        if score < MIN_SCORE:
            return None
        return FaqMatch(self.documents[self._owners[best_text]].id, score)
