"""A small logistic-regression model of "was this a bad experience?", read from flag_model.json.

Features are binary: word uni- and bi-grams (words within a negation's reach are marked `~`,
so "not comfortable" and "comfortable" differ), the same again marked `^` when they are in
the opening sentence (a review's title), the complaint codes the rules found, and the
polarity in a few bands. A text's probability is the logistic of the bias plus the weights of
the features it has. `scripts/train_flag_model.py` learns the weights, reproducibly, from the
reviews in `../shared/data/reviews`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hub.sentiment.lexicon import CLAUSE_BREAKS, negation_reach

MODEL_FILE = Path(__file__).with_name("flag_model.json")
_POLARITY_BANDS = (-0.3, -0.1, 0.0, 0.1, 0.2, 0.3, 0.5)
_BREAKS = CLAUSE_BREAKS | {"!"}
_SENTENCE_ENDS = frozenset([".", "!", "?", "\n"])


@dataclass(frozen=True, slots=True)
class FlagModel:
    weights: dict[str, float]
    bias: float
    threshold: float  # probability at or above which text alone counts as negative
    clear_threshold: float  # "clearly negative": enough to contradict a 4 or 5 star rating

    def probability(self, features: set[str]) -> float:
        """Probability that the text behind `features` describes a bad experience."""
        weights = self.weights
        z = self.bias + sum(map(weights.__getitem__, features & weights.keys()))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def load(path: Path = MODEL_FILE) -> FlagModel:
    """The committed model (cached)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return FlagModel(
        {str(k): float(v) for k, v in data["weights"].items()},
        float(data["bias"]),
        float(data["threshold"]),
        float(data["clear_threshold"]),
    )


def word_features(tokens: list[str]) -> set[str]:
    """Unigrams (negation-marked) and bigrams, again marked `^` in the opening sentence.

    The opening sentence, a review's title when it has one, sums the review up, so the same
    words weigh differently there.
    """
    features: set[str] = set()
    add = features.add
    reach, previous, opening = 0, "", True
    for token in tokens:
        if token in _BREAKS:
            reach, previous = 0, ""
            opening = opening and token not in _SENTENCE_ENDS
            add(token)
            continue
        unigram = "~" + token if reach > 0 else token
        add(unigram)
        if opening:
            add("^" + unigram)
        if previous:
            bigram = previous + " " + token
            add(bigram)
            if opening:
                add("^" + bigram)
        previous = token
        reach = negation_reach(token) or reach - 1
    return features


def signal_features(polarity: float, negative_hits: int, codes: Iterable[str]) -> set[str]:
    """Features from the lexicon score and the rule codes found."""
    features = {f"@code:{code}" for code in codes}
    features.update(f"@polarity<{band}" for band in _POLARITY_BANDS if polarity < band)
    features.update(f"@negative_words>={n}" for n in (1, 2, 3) if negative_hits >= n)
    return features
