"""Sentiment and triage flags: hub.sentiment.scoring.assess (pure functions, no database)."""

from __future__ import annotations

import dataclasses
import os

import pytest

from hub.sentiment.scoring import Assessment, assess
from scripts import flag_data

CLEAN = "Love this dress! Fits perfectly, the fabric is soft and the color is gorgeous."
ANGRY = "Terrible. The worst purchase I have ever made, a complete waste of money."


def evidence_phrases(assessment: Assessment) -> set[str]:
    return {e.phrase.lower() for e in assessment.evidence}


@pytest.mark.parametrize(
    "text",
    [
        "I don't love it.",
        "I do not love it.",
        "It is not working.",
        "I didn't like it at all.",
        "Not good.",
        "It wasn't comfortable",
        "I wanted to love it.",
    ],
)
def test_it_reads_negated_praise_as_negative(text: str) -> None:
    assessment = assess(text)
    assert assessment.polarity < 0
    assert assessment.label == "negative"


def test_it_reads_negated_criticism_as_faint_praise() -> None:
    assert assess("Not bad at all.").polarity > 0


@pytest.mark.parametrize(
    "text",
    ["I don\u2019t love it", "I don&#39;t love it", "I don&rsquo;t love it", "I don`t love it"],
)
def test_it_scores_curly_apostrophes_and_html_entities_like_straight_ones(text: str) -> None:
    assert assess(text).polarity == assess("I don't love it").polarity < 0


def test_it_scores_curly_double_quotes_like_straight_ones() -> None:
    assert assess("\u201cnot good\u201d").polarity == assess('"not good"').polarity < 0


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("It runs small.", "sizing"),
        ("It stopped working after a week.", "quality"),
        ("My parcel never arrived.", "delivery"),
        ("The battery lasts only an hour.", "quality"),
        ("I'm returning it.", "return"),
        ("I sent it back.", "return"),
        ("I had to return it.", "return"),
        ("It is too big.", "sizing"),
        ("It fell apart.", "quality"),
        ("It ripped after one wash.", "quality"),
        ("The fabric is see-through.", "quality"),
        ("It is cheaply made.", "quality"),
        ("It doesn't fit.", "sizing"),
        ("I wanted to love this.", "complaint"),
        ("I was disappointed.", "complaint"),
        ("I want a refund.", "return"),
        ("It broke.", "quality"),
    ],
)
def test_it_flags_a_complaint_with_no_negative_word(text: str, code: str) -> None:
    assessment = assess(text)
    assert assessment.flagged
    assert assessment.label == "negative"
    assert {"negative_text", code} <= set(assessment.reasons)


@pytest.mark.parametrize(
    "text", ["You won't be disappointed.", "No holes after many washes.", "It is not see-through."]
)
def test_it_does_not_count_a_negated_complaint_phrase(text: str) -> None:
    assert not assess(text).flagged


def test_it_leaves_a_clean_positive_review_unflagged() -> None:
    assessment = assess(CLEAN, rating=5)
    assert (assessment.flagged, assessment.label, assessment.priority) == (False, "positive", "low")
    assert (assessment.reasons, assessment.evidence) == ((), ())


@pytest.mark.parametrize("text", ["", "No comment", "Nothing to add", "n/a", "Keep it up"])
def test_it_does_not_flag_a_short_neutral_answer(text: str) -> None:
    assessment = assess(text)
    assert (assessment.flagged, assessment.label) == (False, "neutral")


@pytest.mark.parametrize("rating", [1, 2])
def test_it_flags_a_low_rating_whatever_the_text(rating: int) -> None:
    assessment = assess(CLEAN, rating=rating)
    assert assessment.flagged
    assert assessment.reasons[0] == "low_rating"


@pytest.mark.parametrize("nps", [0, 3, 6])
def test_it_flags_a_detractor_whatever_the_text(nps: int) -> None:
    assessment = assess(CLEAN, nps=nps)
    assert assessment.flagged
    assert "detractor" in assessment.reasons


@pytest.mark.parametrize(("rating", "nps"), [(3, None), (5, None), (None, 7), (None, 10)])
def test_it_does_not_flag_a_fair_score_with_clean_text(rating: int | None, nps: int | None) -> None:
    assert not assess(CLEAN, rating=rating, nps=nps).flagged


@pytest.mark.parametrize("rating", [4, 5])
def test_it_flags_a_five_star_review_with_angry_text(rating: int) -> None:
    assessment = assess(ANGRY, rating=rating)
    assert assessment.flagged
    assert "mismatch" in assessment.reasons
    assert "low_rating" not in assessment.reasons


def test_it_does_not_call_mild_grumbling_under_five_stars_a_mismatch() -> None:
    assessment = assess("Lovely soft sweater, runs a bit small so size up.", rating=5)
    assert not assessment.flagged


def test_it_flags_negative_text_with_a_middling_rating() -> None:
    assert assess(ANGRY, rating=3).reasons[0] == "negative_text"


@pytest.mark.parametrize(
    "text",
    [
        "The strap snapped and I got injured.",
        "My daughter had an allergic reaction to the dye.",
        "It gave me a rash.",
        "The charger burned my hand.",
        "It caught fire on the first charge.",
        "Smoke came out of the plug.",
        "I have contacted my lawyer.",
        "I will take legal action.",
        "I am filing a chargeback.",
        "This shop is a scam.",
        "Total fraud.",
        "I never received my order.",
        "The parcel never arrived.",
        "Someone used my stolen card here.",
    ],
)
def test_it_marks_safety_legal_and_payment_problems_urgent(text: str) -> None:
    assessment = assess(text, rating=5)
    assert assessment.flagged
    assert "urgent" in assessment.reasons
    assert assessment.priority == "urgent"


@pytest.mark.parametrize(
    "text", ["I work in a hospital and wear these daily.", "A great rash guard.", "I get sick of ironing."]
)
def test_it_does_not_mistake_everyday_words_for_emergencies(text: str) -> None:
    assert "urgent" not in assess(text).reasons


@pytest.mark.parametrize(
    ("text", "rating", "nps", "priority"),
    [
        (CLEAN, 1, None, "high"),
        (CLEAN, 2, None, "normal"),
        (CLEAN, None, 2, "high"),
        (CLEAN, None, 5, "normal"),
        (ANGRY, None, None, "high"),
        ("It runs small.", None, None, "normal"),
        (CLEAN, None, None, "low"),
    ],
)
def test_it_sets_the_priority_from_rating_score_and_text(
    text: str, rating: int | None, nps: int | None, priority: str
) -> None:
    assert assess(text, rating=rating, nps=nps).priority == priority


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Pretty colour. Sadly it fell apart after a week.", "fell apart"),
        ("Don&#39;t buy &amp; don&rsquo;t trust: it never arrived!", "never arrived"),
        ("\u201cNice\u201d they said. It\u2019s see-through.", "see-through"),
        ("I don\u2019t love it", "don\u2019t love"),
    ],
)
def test_its_evidence_points_at_the_phrase_in_the_original_text(text: str, phrase: str) -> None:
    assessment = assess(text)
    assert assessment.flagged
    for evidence in assessment.evidence:
        assert text[evidence.start : evidence.end] == evidence.phrase
    assert phrase in evidence_phrases(assessment)


def test_its_evidence_names_the_reason_of_each_phrase() -> None:
    text = "It never arrived, so I asked for a refund."
    reasons = {(e.phrase, e.reason) for e in assess(text).evidence}
    assert {("never arrived", "delivery"), ("never arrived", "urgent"), ("refund", "return")} <= reasons


def test_an_assessment_is_frozen_and_in_range() -> None:
    assessment = assess(ANGRY)
    assert -1.0 <= assessment.polarity <= 1.0 and 0.0 <= assessment.subjectivity <= 1.0
    assert 0.0 <= assessment.probability <= 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        assessment.flagged = False  # type: ignore[misc]


def test_it_meets_the_recall_and_precision_targets_on_held_out_products() -> None:
    path = flag_data.DATA_DIR / flag_data.CLOTHING
    if not path.exists() and not os.environ.get("CI"):
        pytest.skip(f"the shared review data is not here: {path} does not exist")
    _, held_out = flag_data.split(flag_data.load_clothing(path))
    predicted = [assess(example.text).flagged for example in held_out]
    scores = flag_data.scores(predicted, [example.negative for example in held_out])
    assert scores.recall >= 0.80, scores
    assert scores.precision >= 0.50, scores
