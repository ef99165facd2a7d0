"""The moderation pipeline: cleaning, spam, profanity, personal data, flags and publishing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.intake import submit as reviews
from hub.invites.models import Invitation
from hub.reviews import moderation, pipeline, spam
from hub.reviews.commands import rescan
from hub.reviews.models import ProductRating, Review, ReviewRevision
from hub.reviews.pipeline import mask_personal_data, moderate
from hub.text.normalise import SubmissionError, clean_text
from hub.triage.models import Case
from tests.review_fixtures import ReviewMaker

ANGRY = "The zip broke on the first night and the seams leak. Totally disappointed, I want a refund."
CLEAN = "Pitched it in five minutes and it stayed dry through a night of heavy rain."


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<p>Great <b>tent</b></p><script>alert(1)</script>", "Great tent"),
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),
        ("Love it &lt;/script&gt;&lt;svg onload=alert(1)&gt;", "Love it"),
        ("a &amp;lt;b&amp;gt; b", "a &lt;b&gt; b"),
        ("<\u200bscript>alert(1)<\u200b/script>ok", "ok"),
        ("x <<b>i>y", "x < i>y"),
        ("bell\x07 and\x00 null\u200b", "bell and null"),
        ("\u201cbest\u201d it\u2019s", '"best" it\'s'),
        ("  lots   of\t spaces \n\n\n\n next  ", "lots of spaces\n\nnext"),
    ],
)
def test_it_cleans_each_kind_of_mess_out_of_the_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("title", {"title": "x" * 151}),
        ("body", {"body": "x" * 5001}),
        ("rating", {"rating": 0}),
        ("rating", {"rating": 6}),
        ("rating", {"rating": "5"}),
    ],
)
def test_it_refuses_bad_input_with_a_field_error(field: str, changes: dict[str, object]) -> None:
    submission: dict[str, object] = {"rating": 4, "title": "Fine", "body": CLEAN, **changes}
    with pytest.raises(SubmissionError) as refused:
        moderate(Settings(), **submission)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_it_accepts_text_at_the_limits() -> None:
    decision = moderate(Settings(), rating=3, title="t" * 150, body="b" * 5000)
    assert (len(decision.text.title), len(decision.text.body)) == (150, 5000)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"honeypot": "http://buy.example"}, "honeypot"),
        ({"body": "Deals at http://a.example http://b.example and www.c.example today"}, "links"),
        ({"duplicate": True}, "duplicate"),
    ],
)
def test_it_marks_spam_with_its_reason(changes: dict[str, object], reason: str) -> None:
    decision = moderate(Settings(), **{"rating": 5, "title": "Nice", "body": CLEAN, **changes})  # type: ignore[arg-type]
    assert (decision.status, decision.reason) == ("spam", reason)
    assert not decision.opens_case


def test_it_allows_two_links() -> None:
    body = "Compare http://a.example with www.b.example before buying."
    assert moderate(Settings(), rating=4, title="", body=body).status == "published"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Mail me at dana.b+tents@example.co.uk please", "Mail me at [email removed] please"),
        ("Call 555-123-4567 or +44 20 7946 0958", "Call [phone removed] or [phone removed]"),
        ("Bought 2024-05-01 in sizes 10 12 14 for 129.99", "Bought 2024-05-01 in sizes 10 12 14 for 129.99"),
    ],
)
def test_it_masks_email_addresses_and_phone_numbers(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


def test_it_publishes_a_review_with_personal_data_masked() -> None:
    decision = moderate(Settings(), rating=5, title="Great", body="Write to me: dana@example.com")
    assert (decision.status, decision.reason) == ("published", "pii_masked")
    assert decision.text.body == "Write to me: [email removed]"


@pytest.mark.parametrize(
    ("action", "status", "reason", "body"),
    [
        ("hold", "pending", "profanity", "This tent is the shit, fucking brilliant."),
        ("mask", "published", "profanity_masked", "This tent is the s***, f****** brilliant."),
    ],
)
def test_it_holds_or_masks_profanity(action: str, status: str, reason: str, body: str) -> None:
    settings = Settings(profanity_action=action)
    decision = moderate(settings, rating=5, title="", body="This tent is the shit, fucking brilliant.")
    assert (decision.status, decision.reason, decision.text.body) == (status, reason, body)


@pytest.mark.parametrize("body", ["Shipped from Scunthorpe", "A cocktail of colours", "Shitake tent"])
def test_it_matches_profanity_as_whole_words_only(body: str) -> None:
    assert moderate(Settings(), rating=5, title="", body=body).reason == "clean"


def test_it_reads_the_word_list_from_the_configured_file(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("# ours\nflimsy\n")
    settings = Settings(profanity_file=words)
    assert moderate(settings, rating=2, title="", body="So FLIMSY.").reason == "profanity"
    assert moderate(settings, rating=2, title="", body="Shit.").reason == "clean"


# With the database.


@pytest.mark.parametrize("rating", [1, 5])
async def test_it_publishes_a_clean_review_whatever_its_rating(make_review: ReviewMaker, rating: int) -> None:
    result = await make_review(rating=rating, body=ANGRY if rating == 1 else CLEAN)
    assert (result.review.status, result.review.status_reason) == ("published", "clean")
    assert result.review.published_at is not None


async def test_it_opens_a_case_for_a_one_star_review_with_angry_text(make_review: ReviewMaker) -> None:
    result = await make_review(rating=1, title="Leaks", body=ANGRY)
    case = await Case.get(review=result.review)
    assert result.review.status == "published"
    assert case.status == "open"
    assert {"low_rating", "negative_text"} <= set(case.reasons)
    assert case.evidence


async def test_the_case_evidence_points_at_the_flagged_phrase_in_the_body(make_review: ReviewMaker) -> None:
    body = "Looked nice at first. It never arrived in one piece and I am returning it."
    result = await make_review(rating=2, title="Sad", body=body)
    case = await Case.get(review=result.review)
    phrases = {body[start:end].lower() for start, end, _reason in case.evidence}
    assert any("never arrived" in phrase or "returning" in phrase for phrase in phrases), phrases
    assert all(0 <= start < end <= len(body) for start, end, _reason in case.evidence)


async def test_it_opens_no_case_for_a_happy_five_star_review(make_review: ReviewMaker) -> None:
    result = await make_review(rating=5, body=CLEAN)
    assert result.case is None
    assert not await Case.exists()


@pytest.mark.parametrize(("rating", "body"), [(1, ANGRY), (5, CLEAN)])
async def test_it_holds_every_review_when_auto_publish_is_off(
    settings: Settings, make_review: ReviewMaker, rating: int, body: str
) -> None:
    result = await make_review(settings=settings.with_overrides(auto_publish=False), rating=rating, body=body)
    assert (result.review.status, result.review.status_reason) == ("pending", "auto_publish_off")
    assert await Case.exists() == (rating == 1)


async def test_it_stores_no_review_when_the_case_cannot_be_opened(
    make_review: ReviewMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("triage is down")

    monkeypatch.setattr(reviews, "open_case", broken)
    with pytest.raises(RuntimeError):
        await make_review(rating=1, body=ANGRY)
    assert not await Review.exists()


async def test_it_marks_the_same_text_from_the_same_customer_as_spam(
    make_review: ReviewMaker, customer: Customer
) -> None:
    other = await Product.create(external_id="stove", name="Stove")
    await make_review(customer=customer, body=CLEAN)
    second = await make_review(customer=customer, product=other, body=CLEAN.upper())
    assert (second.review.status, second.review.status_reason) == ("spam", "duplicate")


async def test_it_limits_submissions_per_address(make_review: ReviewMaker, settings: Settings) -> None:
    for number in range(settings.rate_limits["review_ip"].requests):
        product = await Product.create(external_id=f"p{number}", name=f"P{number}")
        await make_review(product=product, ip="203.0.113.9")
    with pytest.raises(SubmissionError) as refused:
        await make_review(ip="203.0.113.9")
    assert refused.value.field == "rate"


async def test_it_limits_submissions_per_link(
    make_review: ReviewMaker, customer: Customer, order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spam, "PER_LINK", 1)
    invitation = await Invitation.create(order=order, customer=customer, send_at=order.placed_at)
    await make_review(customer=customer, invitation=invitation)
    with pytest.raises(SubmissionError, match="rate"):
        await make_review(customer=customer, invitation=invitation)


async def test_it_refuses_a_second_review_of_the_same_order_line(
    make_review: ReviewMaker, order: Order
) -> None:
    await make_review(order=order)
    with pytest.raises(SubmissionError) as refused:
        await make_review(order=order)
    assert refused.value.field == "product"


async def test_it_imports_a_review_only_once(make_review: ReviewMaker) -> None:
    first = await make_review(import_key="judgeme:1", source="import")
    again = await make_review(import_key="judgeme:1", source="import", body="Changed")
    assert (again.created, again.review.id) == (False, first.review.id)
    assert await Review.all().count() == 1


async def test_it_keeps_history_and_runs_the_pipeline_again_on_edit(
    settings: Settings, make_review: ReviewMaker, customer: Customer
) -> None:
    first = await make_review(customer=customer, rating=5, title="Great", body=CLEAN)
    edited = await reviews.edit_review(settings, first.review, rating=1, title="Leaks", body=ANGRY)
    revision = await ReviewRevision.get(review=first.review)
    assert (revision.rating, revision.title, revision.status) == (5, "Great", "published")
    assert edited.review.edited_at is not None
    assert (edited.review.rating, edited.review.flagged) == (1, True)
    assert await Case.filter(review=first.review).count() == 1


async def test_it_holds_an_edit_that_adds_profanity(settings: Settings, make_review: ReviewMaker) -> None:
    first = await make_review(body=CLEAN)
    edited = await reviews.edit_review(settings, first.review, rating=5, title="", body="Shit tent")
    assert (edited.review.status, edited.review.status_reason) == ("pending", "profanity")


async def test_it_sends_an_edit_of_a_rejected_review_back_to_a_moderator(
    settings: Settings, make_review: ReviewMaker
) -> None:
    first = await make_review(body=CLEAN)
    await Review.filter(id=first.review.id).update(status="rejected")
    await first.review.refresh_from_db()
    edited = await reviews.edit_review(settings, first.review, rating=5, title="", body=CLEAN + "!")
    assert (edited.review.status, edited.review.status_reason) == ("pending", "edited_after_reject")


def test_the_pipeline_module_names_every_reason_code_it_uses() -> None:
    assert all(code in (pipeline.__doc__ or "") for code in (*pipeline.SPAM_REASONS, "pii_masked"))


# Rescanning after the word list changes.


@pytest.mark.parametrize(
    ("action", "status", "body"),
    [
        ("hold", "pending", "The pegs are flimsy."),
        ("mask", "published", "The pegs are f*****."),
    ],
)
async def test_rescan_applies_a_new_word_to_stored_reviews(
    settings: Settings,
    make_review: ReviewMaker,
    product: Product,
    tmp_path: Path,
    action: str,
    status: str,
    body: str,
) -> None:
    result = await make_review(body="The pegs are flimsy.")
    words = tmp_path / "words.txt"
    words.write_text("flimsy\n")
    changed = settings.with_overrides(profanity_action=action, profanity_file=words)
    counts = await moderation.rescan_reviews(changed)
    review = await Review.get(id=result.review.id)
    assert (counts.checked, review.status, review.body) == (1, status, body)
    assert (await ProductRating.get(product=product)).count == (1 if status == "published" else 0)


async def test_rescan_releases_a_review_whose_word_left_the_list(
    settings: Settings, make_review: ReviewMaker, tmp_path: Path
) -> None:
    held = await make_review(body="Shit tent, honestly fine.")
    words = tmp_path / "words.txt"
    words.write_text("# nothing\n")
    counts = await moderation.rescan_reviews(settings.with_overrides(profanity_file=words))
    assert counts.released == 1
    assert (await Review.get(id=held.review.id)).status == "published"


def test_the_rescan_command_connects_and_reports(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HUB_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HUB_SECRET_KEY", settings.secret_key)
    outcome = CliRunner().invoke(rescan, [])
    assert outcome.exit_code == 0, outcome.output
    assert "Checked 0 reviews" in outcome.output
