"""Privacy requests: everything the hub holds about one customer, and erasing it.

Erasing keeps the shop's figures (orders, ratings) and removes the person: the
customer row is anonymised, their reviews are anonymised (or deleted on request),
free-text survey answers are blanked, mail to them is dropped and their photos
are deleted with their files. Audit entries name the customer id, never the email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from hub.advocacy.models import ReferralWelcome
from hub.advocacy.referral_rules import comparable_email
from hub.catalog.models import Customer, MailKind, Order
from hub.community.models import Answer, Question
from hub.config import Settings
from hub.invites.models import Invitation, InvitationStatus
from hub.links.models import LinkToken
from hub.mail.models import OutboxMessage
from hub.photos.models import Photo
from hub.photos.uploads import delete_files
from hub.privacy.data import customer_data
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import Review, StoreReview
from hub.staff.accounts import audit, normalise_email
from hub.staff.models import StaffUser
from hub.surveys.models import SurveyAnswer, SurveyResponse
from hub.triage.inbound.forget import delete_files as delete_mail_files
from hub.triage.inbound.forget import forget_mail_of
from hub.triage.models import Case
from hub.web.columns import fits

FORMER_CUSTOMER = "Former customer"

__all__ = ["ErasureReport", "customer_data", "erase_customer", "export_customer", "find_customer"]


@dataclass(frozen=True)
class ErasureReport:
    customer_id: int
    reviews: int
    reviews_deleted: bool
    photos: int
    answers_blanked: int
    messages_deleted: int


async def find_customer(email: str) -> Customer | None:
    email = normalise_email(email)
    return await Customer.get_or_none(email=email) if fits(Customer, "email", email) else None


async def export_customer(actor: StaffUser | None, customer: Customer, channel: str) -> dict[str, Any]:
    """The customer's data, with an audit entry naming the customer by id."""
    data = await customer_data(customer)
    await audit(actor, "customer.export", "customer", customer.id, channel=channel)
    return data


def erased_email(customer_id: int) -> str:
    return f"erased-{customer_id}@invalid"


async def _anonymise_row(customer: Customer, now: datetime) -> None:
    customer.update_from_dict(
        {
            "email": erased_email(customer.id),
            "name": "",
            "external_id": None,
            "erased_at": now,
            "mail_opt_outs": [kind.value for kind in MailKind],
            "unsubscribed_at": now,
            "marketing_consent_at": None,
            "profile_opt_in_at": None,
            "profile_name": "",
            "birthday": None,
        }
    )
    await customer.save()


async def _reviewed(customer: Customer) -> tuple[list[int], set[int]]:
    """The ids of the customer's reviews and of the products they are about."""
    rows = await Review.filter(customer_id=customer.id).values("id", "product_id")
    return [row["id"] for row in rows], {row["product_id"] for row in rows}


async def _photos(customer: Customer, review_ids: list[int]) -> list[Photo]:
    return await Photo.filter(Q(customer_id=customer.id) | Q(review_id__in=review_ids or [0]))


async def _reviews(customer: Customer, delete: bool) -> None:
    """The customer's product and store reviews, deleted or kept without who and where."""
    reviews = Review.filter(customer_id=customer.id)
    store_reviews = StoreReview.filter(customer_id=customer.id)
    if delete:
        await reviews.delete()
        await store_reviews.delete()
        return
    await reviews.update(customer_id=None, display_name=FORMER_CUSTOMER, location="", has_photos=False)
    await store_reviews.update(customer_id=None, display_name=FORMER_CUSTOMER, location="")


async def _blank_answers(customer: Customer) -> int:
    response_ids = await SurveyResponse.filter(customer_id=customer.id).values_list("id", flat=True)
    answers = SurveyAnswer.filter(response_id__in=list(response_ids) or [0]).exclude(text="")
    return await answers.update(text="")


async def _drop_mail_and_links(customer: Customer) -> int:
    messages = OutboxMessage.filter(Q(customer_id=customer.id) | Q(to_address=customer.email))
    count = await messages.delete()
    await LinkToken.filter(customer_id=customer.id).delete()
    await Invitation.filter(customer_id=customer.id, status=InvitationStatus.SCHEDULED.value).update(
        status=InvitationStatus.CANCELLED.value
    )
    return count


async def _community(customer: Customer) -> None:
    await Answer.filter(customer_id=customer.id).update(customer_id=None, display_name=FORMER_CUSTOMER)
    await Question.filter(asker_email=customer.email).update(
        asker_email=erased_email(customer.id), asker_name=""
    )
    await Case.filter(customer_id=customer.id).update(recovery_comment="")


async def _referral_traces(customer: Customer) -> None:
    """The welcome code claimed with the address, and the orders' contact digests."""
    await ReferralWelcome.filter(email=comparable_email(customer.email)).delete()
    await Order.filter(customer_id=customer.id).update(shipping_key="", phone_key="")


async def erase_customer(
    settings: Settings,
    actor: StaffUser | None,
    customer: Customer,
    *,
    delete_reviews: bool = False,
    channel: str = "cli",
    now: datetime | None = None,
) -> ErasureReport:
    """Erase the customer's personal data; the rating figures are recounted in the same transaction."""
    now = now or datetime.now(UTC)
    async with in_transaction():
        review_ids, product_ids = await _reviewed(customer)
        photos = await _photos(customer, review_ids)
        await Photo.filter(id__in=[photo.id for photo in photos] or [0]).delete()
        await _reviews(customer, delete_reviews)
        answers = await _blank_answers(customer)
        messages = await _drop_mail_and_links(customer)
        await _community(customer)
        await _referral_traces(customer)
        mail_files = await forget_mail_of(settings, customer.id, customer.email)
        await _anonymise_row(customer, now)
        for product_id in sorted(product_ids):
            await refresh_rating(product_id)
        report = ErasureReport(customer.id, len(review_ids), delete_reviews, len(photos), answers, messages)
        await audit(
            actor,
            "customer.erase",
            "customer",
            customer.id,
            channel=channel,
            reviews=report.reviews,
            reviews_deleted=delete_reviews,
            photos=report.photos,
        )
    delete_files(settings.media_dir, photos)
    delete_mail_files(mail_files)
    return report
