"""Which FAQ entry answers a message, across languages.

Built from the entries in the database (not from training data), so a
coordinator's edit counts at once, without retraining. Every way of asking, in
every language, is indexed on the shared skeleton spelling, so a question asked
in Russian finds an entry whose variants are in Ukrainian and Polish.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csc_matrix

from nlu.api import FaqDocument, FaqMatch
from nlu.features import TfidfSpace
from nlu.normalize import skeleton

# Below this cosine similarity no entry is reported at all. The conversation
# decides separately what is confident enough to answer without a person.
MIN_SCORE = 0.35


class FaqIndex:
    def __init__(self, documents: Sequence[FaqDocument]) -> None:
        self.documents = list(documents)
        texts: list[str] = []
        owners: list[int] = []
        for index, document in enumerate(self.documents):
            for text in document.texts:
                if skeleton(text):
                    texts.append(text)
                    owners.append(index)
        self._owners = np.asarray(owners, dtype=np.int64)
        self._texts = len(texts)
        self.space: TfidfSpace | None = None
        if texts:
            self.space = TfidfSpace.fit(texts, "skeleton", (3, 5))
            rows, columns, values = [], [], []
            for row, text in enumerate(texts):
                indices, weights = self.space.vector(text)
                rows.extend([row] * len(indices))
                columns.extend(indices.tolist())
                values.extend(weights.tolist())
            # Column-major: a query's features pick their postings directly.
            matrix = csc_matrix(
                (values, (rows, columns)), shape=(len(texts), len(self.space.vocabulary))
            )
            self._indptr, self._rows, self._weights = matrix.indptr, matrix.indices, matrix.data

    def subcategory_of(self, entry_id: str) -> str | None:
        return next((d.subcategory for d in self.documents if d.id == entry_id), None)

    def __len__(self) -> int:
        return len(self.documents)

    def match(self, text: str) -> FaqMatch | None:
        return self.match_prepared(skeleton(text))

    def match_prepared(self, shape: str) -> FaqMatch | None:
        """Like `match`, for text already in skeleton spelling."""
        if self.space is None:
            return None
        indices, weights = self.space.vector_prepared(shape)
        if indices.size == 0:
            return None
        starts = self._indptr[indices]
        lengths = self._indptr[indices + 1] - starts
        # All postings of the query's features, gathered without a Python loop.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        positions = offsets + np.arange(int(lengths.sum()))
        query = np.repeat(weights, lengths)
        similarities = np.bincount(
            self._rows[positions], weights=self._weights[positions] * query, minlength=self._texts
        )
        best_text = int(np.argmax(similarities))
        score = float(similarities[best_text])
        if score < MIN_SCORE:
            return None
        return FaqMatch(self.documents[self._owners[best_text]].id, score)
