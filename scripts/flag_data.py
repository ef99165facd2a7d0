"""Labelled review sets for training and measuring the flagger (not used when serving).

The data lives outside the project, in `../shared/data/reviews` next to the project root, and is
read from there, never copied in. A review is a *bad experience* when its rating is 2 or less
(the clothing set) or its label is 0 (the sentence sets).

The clothing set is split by product (`Clothing ID`), so no product's reviews are on both sides:
a fixed hash sends about one product in five to the held-out side. Figures are reported on the
held-out side only; the model is trained on the rest.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" / "reviews"
CLOTHING = "womens_clothing_dev.csv"
SENTENCE_SETS = ("amazon_cells_labelled.txt", "yelp_labelled.txt")
HELD_OUT_BUCKETS = 5


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    negative: bool
    rating: int | None = None
    product: str = ""


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    flagged: int
    negatives: int


def held_out(product: str) -> bool:
    """True for the products kept out of training (about a fifth of them)."""
    return zlib.crc32(f"flag-split/{product}".encode()) % HELD_OUT_BUCKETS == 0


def review_text(title: str, body: str) -> str:
    """Title and body as one text, the way the flagger is measured."""
    title, body = title.strip(), body.strip()
    if not title:
        return body
    return f"{title}{'' if title[-1] in '.!?' else '.'} {body}"


def load_clothing(path: Path) -> list[Example]:
    """Reviews with text from the clothing CSV (`Title`, `Review Text`, `Rating`)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Example(
            review_text(row["Title"], row["Review Text"]),
            int(row["Rating"]) <= 2,
            int(row["Rating"]),
            row["Clothing ID"],
        )
        for row in rows
        if row["Review Text"].strip()
    ]


def load_sentences(path: Path) -> list[Example]:
    """`sentence<TAB>label` lines, label 0 meaning negative."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        sentence, _, label = line.rpartition("\t")
        if sentence.strip() and label.strip() in {"0", "1"}:
            examples.append(Example(sentence.strip(), label.strip() == "0"))
    return examples


def split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """(training, held-out) by product."""
    training: list[Example] = []
    testing: list[Example] = []
    for example in examples:
        (testing if held_out(example.product) else training).append(example)
    return training, testing


def scores(predicted: Iterable[bool], actual: Iterable[bool]) -> Scores:
    """Precision, recall and F1 of the negative (flagged) class."""
    pairs = list(zip(predicted, actual, strict=True))
    hits = sum(1 for p, a in pairs if p and a)
    flagged = sum(1 for p, _ in pairs if p)
    negatives = sum(1 for _, a in pairs if a)
    precision = hits / flagged if flagged else 0.0
    recall = hits / negatives if negatives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, flagged, negatives)
