"""Chinese text similarity for duplicate construction (REJ-07, INV-03).

Character n-gram TF-IDF cosine over name + summary + functions: Chinese has no spaces, and character
bigrams catch the same words a segmenter would ("远程诊疗", "医学影像") without a dictionary that
misses the domain's terms. The n-gram sizes and the threshold were chosen by measurement on the
labelled pairs in data/similarity_pairs.json (test_similarity.py asserts precision and recall at
THRESHOLD; docs/adr/0302-inventory-similarity-and-portfolio-statistics.md records the figures).

An `Index` holds the vectors and an inverted list of terms, so a query touches only the documents that
share a term with it: over 10,000 systems that is a few thousand dot-product terms, not 10,000 vectors."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

NGRAMS = (2,)
# A pair at or above this cosine is shown as a likely duplicate (measured, see the module docstring).
THRESHOLD = 0.25
RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+")


def runs(text: str) -> list[str]:
    """The text's runs of Chinese characters (and of Latin letters or digits), punctuation dropped."""
    return [run.lower() for run in RUN.findall(text or "")]


def grams(text: str, sizes: tuple[int, ...] = NGRAMS) -> Counter[str]:
    counts: Counter[str] = Counter()
    for run in runs(text):
        if not run.isascii():
            for size in sizes:
                counts.update(run[i : i + size] for i in range(len(run) - size + 1))
        else:
            counts[run] += 1
    return counts


@dataclass(frozen=True)
class Match:
    key: object
    score: float
    terms: list[str]


class Index:
    """TF-IDF vectors of (key, text) documents, with an inverted list of terms."""

    def __init__(self, documents: Iterable[tuple[object, str]], sizes: tuple[int, ...] = NGRAMS) -> None:
        self.sizes = sizes
        self.keys: list[object] = []
        self.texts: list[str] = []
        counts: list[Counter[str]] = []
        df: Counter[str] = Counter()
        for key, text in documents:
            c = grams(text, sizes)
            self.keys.append(key)
            self.texts.append(text)
            counts.append(c)
            df.update(c.keys())
        n = len(counts)
        # Smoothed IDF (as scikit-learn's): a term in every document still weighs 1, never 0.
        self.idf = {term: math.log((1 + n) / (1 + d)) + 1 for term, d in df.items()}
        self.default_idf = math.log(1 + n) + 1
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, c in enumerate(counts):
            for term, weight in self._vector(c).items():
                self.postings[term].append((position, weight))

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        weights = {
            term: (1 + math.log(tf)) * self.idf.get(term, self.default_idf) for term, tf in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {term: w / norm for term, w in weights.items()}

    def vector(self, text: str) -> dict[str, float]:
        return self._vector(grams(text, self.sizes))

    def similar(self, text: str, *, limit: int = 5, threshold: float = 0.0, exclude=()) -> list[Match]:
        scores: dict[int, float] = defaultdict(float)
        for term, weight in self.vector(text).items():
            for position, other in self.postings.get(term, ()):
                scores[position] += weight * other
        ranked = sorted(
            (
                (score, position)
                for position, score in scores.items()
                if score >= threshold and self.keys[position] not in exclude
            ),
            reverse=True,
        )[:limit]
        return [
            Match(self.keys[position], round(score, 3), shared_terms(text, self.texts[position]))
            for score, position in ranked
        ]


def cosine(index: Index, a: str, b: str) -> float:
    va, vb = index.vector(a), index.vector(b)
    return sum(weight * vb.get(term, 0.0) for term, weight in va.items())


def shared_terms(a: str, b: str, *, limit: int = 6) -> list[str]:
    """The longest stretches of `a` whose every character bigram also occurs in `b`: the words the
    two texts share, readable as the evidence of a score."""
    other = {run[i : i + 2] for run in runs(b) for i in range(len(run) - 1)}
    found: list[str] = []
    for run in runs(a):
        start = None
        for i in range(len(run)):
            inside = i < len(run) - 1 and run[i : i + 2] in other
            if inside and start is None:
                start = i
            if not inside and start is not None:
                found.append(run[start : i + 1])
                start = None
    unique = sorted(set(found), key=lambda term: (-len(term), found.index(term)))
    return unique[:limit]
