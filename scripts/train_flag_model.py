"""Train hub/sentiment/flag_model.json, the learnt part of the review flagger.

    python scripts/train_flag_model.py            # train and write the model
    python scripts/train_flag_model.py --check    # train and print figures, write nothing

Reads ../shared/data/reviews/womens_clothing_dev.csv, never copied into the project. Only the
training products (`hub.feedback.flag_data.split`) are used; the held-out products that
bench/flags.py reports on are never read here. The thresholds are picked on out-of-fold
scores (5 folds by product, within the training products), then the model is fitted on all
training products. Standard library only and a fixed seed: the same data gives the same file.

The model is logistic regression over binary features scaled by their naive-Bayes log-count
ratios (NBSVM; Wang & Manning, 2012), fitted by SGD with L2. Reviews rated 3 are soft
targets (`MIXED_TARGET`): partly a bad experience, which ranks the 1-2 star ones better.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub.sentiment import flag_model
from hub.sentiment.scoring import NEGATIVE_POLARITY, VERY_NEGATIVE_POLARITY, read
from scripts import flag_data

SEED = 20240611
EPOCHS = 10
LEARNING_RATE = 0.005
C = 0.1  # inverse L2 strength, as in scikit-learn's LogisticRegression
SMOOTHING = 1.0  # add-one counts for the log-count ratios
MIXED_TARGET = 0.2  # target for a 3-star review; 1-2 stars are 1.0, 4-5 stars 0.0
MIN_DOCUMENTS = 2  # features seen in fewer training reviews are noise
MAX_FEATURES = 10000  # keeps the committed file small; more changes nothing measurable
FOLDS = 5
TARGET_RECALL = 0.825  # a margin over the 0.80 target: thresholds move between data sets
CLEAR_PRECISION = 0.75  # "clearly negative" must be right this often to overrule 4-5 stars


class Row(NamedTuple):
    """What training needs of one review."""

    features: set[str]
    negative: bool
    target: float
    product: str
    polarity: float
    complains: bool


class Scored(NamedTuple):
    probability: float
    negative: bool
    polarity: float
    complains: bool


def fold_of(product: str) -> int:
    return zlib.crc32(f"flag-fold/{product}".encode()) % FOLDS


def target(example: flag_data.Example) -> float:
    if example.negative:
        return 1.0
    return MIXED_TARGET if example.rating == 3 else 0.0


def featurise(examples: Sequence[flag_data.Example]) -> list[Row]:
    rows = []
    for example in examples:
        reading = read(example.text)
        rows.append(
            Row(
                reading.features(),
                example.negative,
                target(example),
                example.product,
                reading.polarity,
                reading.complains,
            )
        )
    return rows


def log_count_ratios(rows: Sequence[Row]) -> dict[str, float]:
    """log P(feature | bad) / P(feature | not bad) of features seen in MIN_DOCUMENTS reviews."""
    seen: Counter[str] = Counter()
    in_negative: Counter[str] = Counter()
    for row in rows:
        seen.update(row.features)
        if row.negative:
            in_negative.update(row.features)
    kept = sorted(f for f, n in seen.items() if n >= MIN_DOCUMENTS)
    negative_total = sum(in_negative[f] + SMOOTHING for f in kept)
    other_total = sum(seen[f] - in_negative[f] + SMOOTHING for f in kept)
    return {
        f: math.log((in_negative[f] + SMOOTHING) / negative_total)
        - math.log((seen[f] - in_negative[f] + SMOOTHING) / other_total)
        for f in kept
    }


def fit(rows: Sequence[Row]) -> tuple[dict[str, float], float]:
    """Feature weights (ratio already multiplied in) and bias."""
    ratios = log_count_ratios(rows)
    names = list(ratios)
    ids = {name: i for i, name in enumerate(names)}
    scale = [ratios[name] for name in names]
    docs = [([ids[f] for f in sorted(row.features) if f in ids], row.target) for row in rows]
    weights, bias = _sgd(docs, scale)
    return {name: weights[i] * scale[i] for i, name in enumerate(names)}, bias


def _sgd(docs: Sequence[tuple[list[int], float]], scale: list[float]) -> tuple[list[float], float]:
    rng = random.Random(SEED)
    weights, bias = [0.0] * len(scale), 0.0
    decay = 1.0 / (C * len(docs))
    order = list(range(len(docs)))
    step = 0
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for index in order:
            ids, wanted = docs[index]
            rate = LEARNING_RATE / (1.0 + LEARNING_RATE * decay * step)
            step += 1
            error = _sigmoid(bias + sum(weights[i] * scale[i] for i in ids)) - wanted
            for i in ids:
                weights[i] -= rate * (error * scale[i] + decay * weights[i])
            bias -= rate * error
    return weights, bias


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def compact(weights: dict[str, float]) -> dict[str, float]:
    """The MAX_FEATURES heaviest weights, rounded: the same decisions from a small file."""
    heaviest = sorted(weights.items(), key=lambda item: (-abs(item[1]), item[0]))
    rounded = ((name, round(weight, 3)) for name, weight in heaviest[:MAX_FEATURES])
    return {name: weight for name, weight in rounded if weight}


def out_of_fold(rows: Sequence[Row]) -> list[Scored]:
    """Each training review scored by a model fitted without its product's fold."""
    scored: dict[int, Scored] = {}
    for fold in range(FOLDS):
        weights, bias = fit([row for row in rows if fold_of(row.product) != fold])
        model = flag_model.FlagModel(compact(weights), bias, 0.5, 0.5)
        for i, row in enumerate(rows):
            if fold_of(row.product) == fold:
                scored[i] = Scored(model.probability(row.features), row.negative, row.polarity, row.complains)
    return [scored[i] for i in range(len(rows))]


def pick_thresholds(scored: Sequence[Scored]) -> tuple[float, float]:
    """The threshold reaching TARGET_RECALL, and the "clearly negative" one at CLEAR_PRECISION.

    Both as `assess` decides: polarity alone flags some reviews whatever the probability.
    """
    threshold = _walk(
        scored, NEGATIVE_POLARITY, lambda hits, flagged, negatives: hits / negatives >= TARGET_RECALL
    )
    clear = _walk(
        scored, VERY_NEGATIVE_POLARITY, lambda hits, flagged, negatives: hits / flagged < CLEAR_PRECISION
    )
    return threshold, clear


def _walk(scored: Sequence[Scored], floor: float, stop: Callable[[int, int, int], bool]) -> float:
    """Lower the threshold review by review until `stop(hits, flagged, negatives)` holds."""
    negatives = sum(1 for s in scored if s.negative)
    hits = sum(1 for s in scored if s.negative and s.polarity <= floor)
    flagged = sum(1 for s in scored if s.polarity <= floor)
    candidates = [s for s in scored if s.polarity > floor and s.complains]
    for s in sorted(candidates, key=lambda s: -s.probability):
        hits, flagged = hits + s.negative, flagged + 1
        if stop(hits, flagged, negatives):
            return s.probability
    return 0.0


def summary(scored: Sequence[Scored], threshold: float) -> str:
    predicted = [
        s.polarity <= NEGATIVE_POLARITY or (s.complains and s.probability >= threshold) for s in scored
    ]
    result = flag_data.scores(predicted, [s.negative for s in scored])
    return f"precision {result.precision:.3f}, recall {result.recall:.3f}, f1 {result.f1:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train hub/sentiment/flag_model.json.")
    parser.add_argument("--check", action="store_true", help="print figures, write nothing")
    args = parser.parse_args(argv)
    path = flag_data.DATA_DIR / flag_data.CLOTHING
    if not path.exists():
        print(f"no training data: {path} is missing", file=sys.stderr)
        return 2
    training, _ = flag_data.split(flag_data.load_clothing(path))
    rows = featurise(training)
    scored = out_of_fold(rows)
    threshold, clear = pick_thresholds(scored)
    print(
        f"{len(rows)} training reviews; out of fold ({FOLDS} folds by product): "
        f"{summary(scored, threshold)} at threshold {threshold:.4f}, clear {clear:.4f}"
    )
    weights, bias = fit(rows)
    kept = compact(weights)
    model = {
        "threshold": round(threshold, 4),
        "clear_threshold": round(clear, 4),
        "bias": round(bias, 4),
        "weights": kept,
    }
    if not args.check:
        flag_model.MODEL_FILE.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n")
        print(f"wrote {flag_model.MODEL_FILE} ({len(kept)} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
