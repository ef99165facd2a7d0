"""The shared personas are who tests/conftest.py says they are."""

from __future__ import annotations

from hub.catalog.models import Customer, Order
from hub.reviews.models import Review
from hub.staff.models import StaffUser
from hub.triage.models import Case


async def test_dana_is_a_repeat_buyer_with_nothing_to_complain_about(dana: Customer) -> None:
    assert await Order.filter(customer=dana).count() == 2
    assert await Case.filter(customer=dana).count() == 0


async def test_erins_one_star_review_of_her_first_order_opened_a_case(erin: Customer) -> None:
    assert await Order.filter(customer=erin).count() == 1
    review = await Review.get(customer=erin)
    assert review.rating == 1 and review.flagged
    assert await Case.filter(customer=erin, review=review).count() == 1


async def test_alice_may_do_everything_bob_works_cases_and_carol_moderates(
    alice: StaffUser, bob: StaffUser, carol: StaffUser
) -> None:
    may = {user.name: (user.has_role("agent"), user.has_role("moderator")) for user in (alice, bob, carol)}
    assert may == {"Alice Admin": (True, True), "Bob Agent": (True, False), "Carol Moderator": (False, True)}
