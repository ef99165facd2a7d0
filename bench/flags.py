"""How well, and how fast, hub.sentiment.scoring flags bad experiences.

    python bench/flags.py

Prints precision, recall and F1 of the negative (flagged) class for each review set in
../shared/data/reviews: text alone, text plus rating where there is one, and TextBlob alone
(polarity < 0) for comparison; then texts scored per second of CPU time on one core. The clothing figures
are for the held-out products only (about a fifth, split by `Clothing ID`); the model was
trained on the other products. The sentence sets were not used in training at all.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textblob import TextBlob

from hub.sentiment.scoring import assess
from scripts import flag_data

Flagger = Callable[[flag_data.Example], bool]


def by_text(example: flag_data.Example) -> bool:
    return assess(example.text).flagged


def by_text_and_rating(example: flag_data.Example) -> bool:
    return assess(example.text, rating=example.rating).flagged


def by_textblob(example: flag_data.Example) -> bool:
    return bool(TextBlob(example.text).sentiment.polarity < 0)


def line(name: str, flagger: Flagger, examples: Sequence[flag_data.Example]) -> str:
    s = flag_data.scores((flagger(e) for e in examples), (e.negative for e in examples))
    return f"  {name:<22} precision {s.precision:.3f}  recall {s.recall:.3f}  f1 {s.f1:.3f}"


def data_sets() -> list[tuple[str, list[flag_data.Example], list[tuple[str, Flagger]]]]:
    _, held_out = flag_data.split(flag_data.load_clothing(flag_data.DATA_DIR / flag_data.CLOTHING))
    text_only: list[tuple[str, Flagger]] = [("text alone", by_text), ("TextBlob alone", by_textblob)]
    products = len({e.product for e in held_out})
    sets = [
        (
            f"{flag_data.CLOTHING}: held-out products only ({products} products, "
            f"{len(held_out)} reviews, bad = rating <= 2)",
            held_out,
            [*text_only[:1], ("text + rating", by_text_and_rating), *text_only[1:]],
        )
    ]
    for name in flag_data.SENTENCE_SETS:
        examples = flag_data.load_sentences(flag_data.DATA_DIR / name)
        sets.append(
            (
                f"{name}: all {len(examples)} sentences (not used in training, bad = label 0)",
                examples,
                text_only,
            )
        )
    return sets


def texts_per_second(texts: Sequence[str], score: Callable[[str], object]) -> float:
    """Texts per second of this process's CPU time: one core, whatever else the machine runs."""
    score(texts[0])  # load lexicon and model outside the clock
    started = time.process_time()
    for text in texts:
        score(text)
    return len(texts) / (time.process_time() - started)


def main() -> int:
    if not flag_data.DATA_DIR.is_dir():
        print(
            f"bench/flags.py: review data not found at {flag_data.DATA_DIR} "
            "(expected ../shared/data/reviews next to the project root)",
            file=sys.stderr,
        )
        return 2
    print("Negative class = flagged. Title and text scored together; rows without text skipped.")
    all_texts: list[str] = []
    for title, examples, flaggers in data_sets():
        print(title)
        for name, flagger in flaggers:
            print(line(name, flagger, examples))
        all_texts += [e.text for e in examples]
    ours = texts_per_second(all_texts, assess)
    theirs = texts_per_second(all_texts, lambda text: TextBlob(text).sentiment)
    print(
        f"Speed: texts per CPU second, one core, all {len(all_texts)} texts above "
        "(the only figures that vary between runs):"
    )
    print(f"  assess()               {ours:,.0f} texts/s")
    print(f"  TextBlob alone         {theirs:,.0f} texts/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
