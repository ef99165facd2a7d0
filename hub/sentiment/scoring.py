"""Sentiment and triage flags for customer feedback.

`assess(text, rating=None, nps=None)` reads a review or survey answer and says whether the
support team should look at it, why, how soon, and which phrases made it decide.

How the text is read
    1. Normalised: curly quotes straightened, HTML entities (`&#39;`) expanded.
    2. Polarity starts from TextBlob's lexicon (`sentiment_lexicon`), re-implemented for speed
       with negation fixed ("I don't love it" is negative, "not working" too).
    3. Complaint phrases with no negative word are found by `sentiment_rules` ("runs small",
       "never arrived", "sent it back", "fell apart"...); each one counts as a negative word
       in the polarity.
    4. A logistic-regression model (`flag_model`, weights in `flag_model.json`, trained by
       `scripts/train_flag_model.py`) weighs words, phrases and polarity together into the
       probability of a bad experience.
    The text is negative when its polarity is at most `NEGATIVE_POLARITY` (so plain-language
    complaints from shops the model never saw are caught), or when the probability reaches
    the model's threshold and the text shows some sign of complaint (`Reading.complains`).
    It is *clearly* negative at `VERY_NEGATIVE_POLARITY` or the model's stricter threshold.

Flags (reason codes, in this order)
    `low_rating`    rating is 2 or less (ratings are 1-5);
    `detractor`     NPS answer is 6 or less (0-10);
    `mismatch`      rating 4 or 5 but the text is clearly negative (a misclick, or a complaint
                    about the service rather than the product);
    `negative_text` the text is negative (with a rating of 4-5 it must be clearly so: mismatch);
    `urgent`        a safety, legal or payment problem (see below), whatever the rating.
Topic codes, added to a flagged assessment when their phrases occur:
    `complaint` (disappointed, waste of money...), `delivery`, `quality`, `sizing`, `return`,
    `safety` (injury, rash, burn, fire, smoke...). Legal and payment threats (lawyer,
    chargeback, fraud, scam, stolen card, never received) carry `urgent` only.

Priority
    `urgent` any urgent or safety phrase;
    `high`   rating 1, very negative text, or a detractor scoring 0-3;
    `normal` any other flag;
    `low`    not flagged.

Evidence lists, for a flagged assessment, the phrases (spans of the original text) behind it:
complaint phrases under their topic code (or `urgent`; a phrase may appear under two codes)
and, when the text is negative, its negative words under `negative_text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from hub.sentiment import flag_model
from hub.sentiment import lexicon as sentiment_lexicon
from hub.sentiment import rules as sentiment_rules
from hub.sentiment.text import TOKEN, Normalised, normalise, tokens

NEGATIVE_POLARITY = -0.2  # text this negative is flagged even when the model hesitates
VERY_NEGATIVE_POLARITY = -0.5
POSITIVE_POLARITY = 0.1
MIN_WORDS = 5  # shorter texts need a negative word or complaint phrase to be negative
CODE_POLARITY = {
    "safety": -0.8,
    "urgent": -0.6,
    "complaint": -0.5,
    "quality": -0.4,
    "delivery": -0.5,
    "return": -0.4,
    "sizing": -0.25,
}
TOPIC_CODES = ("complaint", "delivery", "quality", "sizing", "return", "safety")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A phrase that raised a flag: `text[start:end] == phrase`."""

    start: int
    end: int
    phrase: str
    reason: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """What `assess` concluded; `reasons` lists flag codes first, then topic codes."""

    polarity: float
    subjectivity: float
    label: str  # negative, neutral or positive: the text alone
    flagged: bool
    reasons: tuple[str, ...]
    priority: str  # low, normal, high or urgent
    evidence: tuple[Evidence, ...]
    probability: float  # the model's probability that the text tells of a bad experience


class Reading(NamedTuple):
    """Everything learnt from the text alone; what the model is trained on."""

    normalised: Normalised
    tokens: list[str]
    lexicon: sentiment_lexicon.LexiconScore
    matches: list[sentiment_rules.Match]
    polarity: float

    @property
    def complains(self) -> bool:
        """Any sign of complaint: a negative word, a complaint phrase, or little praise in a
        text of some length.

        The model alone does not flag text without one: trained on long reviews, it reads a
        short line with no praise words ("Gets the job done.", "No comment") as a complaint.
        """
        if self.matches or any(hit.polarity < 0 for hit in self.lexicon.hits):
            return True
        words = sum(1 for token in self.tokens if token[0].isalnum())
        return self.polarity < POSITIVE_POLARITY and words >= MIN_WORDS

    def features(self) -> set[str]:
        """The model's input: word and phrase features plus polarity and complaint codes."""
        negative_words = sum(1 for hit in self.lexicon.hits if hit.polarity < 0)
        codes = {match.code for match in self.matches}
        signals = flag_model.signal_features(self.polarity, negative_words, codes)
        return flag_model.word_features(self.tokens) | signals


def read(text: str) -> Reading:
    """Normalise, tokenise and score `text`, and find its complaint phrases."""
    normalised = normalise(text)
    words = tokens(normalised.text)
    lexicon = sentiment_lexicon.score(words)
    matches = sentiment_rules.find(normalised.text)
    return Reading(normalised, words, lexicon, matches, _polarity(lexicon, matches))


def _polarity(lexicon: sentiment_lexicon.LexiconScore, matches: list[sentiment_rules.Match]) -> float:
    # complaint phrases count as negative words, so "never arrived" is not neutral
    total = sum(hit.polarity for hit in lexicon.hits) + sum(CODE_POLARITY[m.code] for m in matches)
    count = len(lexicon.hits) + len(matches)
    return max(-1.0, min(1.0, total / count)) if count else 0.0


def assess(text: str, rating: int | None = None, nps: int | None = None) -> Assessment:
    """Assess one piece of customer feedback.

    `text` is the review or answer (title and body together, if both exist), `rating` the
    star rating (1-5) and `nps` the 0-10 "would you recommend us" answer, when known. Returns
    an `Assessment`; the rules, reason codes and priorities are in the module docstring.
    """
    reading = read(text)
    model = flag_model.load()
    probability = model.probability(reading.features())
    negative = reading.polarity <= NEGATIVE_POLARITY or (reading.complains and probability >= model.threshold)
    clearly = reading.polarity <= VERY_NEGATIVE_POLARITY or (
        reading.complains and probability >= model.clear_threshold
    )
    codes = {match.code for match in reading.matches}
    reasons = _flag_reasons(negative, clearly, codes, rating, nps)
    topics = tuple(code for code in TOPIC_CODES if code in codes) if reasons else ()
    return Assessment(
        polarity=round(reading.polarity, 4),
        subjectivity=round(reading.lexicon.subjectivity, 4),
        label=_label(negative, reading.polarity),
        flagged=bool(reasons),
        reasons=reasons + topics,
        priority=_priority(reasons, clearly, rating, nps),
        evidence=_evidence(text, reading, negative) if reasons else (),
        probability=round(probability, 4),
    )


def _flag_reasons(
    negative: bool, clearly: bool, codes: set[str], rating: int | None, nps: int | None
) -> tuple[str, ...]:
    praised = rating is not None and rating >= 4
    checks = (
        ("low_rating", rating is not None and rating <= 2),
        ("detractor", nps is not None and nps <= 6),
        ("mismatch", praised and clearly),
        ("negative_text", negative and (clearly or not praised)),
        ("urgent", bool(codes & sentiment_rules.URGENT_CODES)),
    )
    return tuple(code for code, applies in checks if applies)


def _label(negative: bool, polarity: float) -> str:
    if negative:
        return "negative"
    return "positive" if polarity >= POSITIVE_POLARITY else "neutral"


def _priority(reasons: tuple[str, ...], clearly: bool, rating: int | None, nps: int | None) -> str:
    if "urgent" in reasons:
        return "urgent"
    if not reasons:
        return "low"
    very_negative = clearly and "negative_text" in reasons
    if rating == 1 or very_negative or (nps is not None and nps <= 3):
        return "high"
    return "normal"


def _evidence(text: str, reading: Reading, negative: bool) -> tuple[Evidence, ...]:
    spans = {(m.start, m.end, m.code) for m in reading.matches}
    if negative:  # negative words, unless already part of a complaint phrase
        spans |= {
            (start, end, reason)
            for start, end, reason in _negative_word_spans(reading)
            if not any(m.start < end and start < m.end for m in reading.matches)
        }
    found = []
    for start, end, reason in sorted(spans):
        start, end = reading.normalised.span(start, end)
        found.append(Evidence(start, end, text[start:end], reason))
    return tuple(found)


def _negative_word_spans(reading: Reading) -> list[tuple[int, int, str]]:
    text = reading.normalised.text
    lowered = text.lower()
    if len(lowered) != len(text):  # rare letters whose lower case is longer: skip words
        return []
    positions = [m.span() for m in TOKEN.finditer(lowered)]
    return [
        (positions[hit.first][0], positions[hit.last][1], "negative_text")
        for hit in reading.lexicon.hits
        if hit.polarity < 0 and hit.last < len(positions)
    ]
