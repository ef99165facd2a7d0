"""Stage history, recognition (badges, points), referrals and win-back."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer, Order
from hub.staff.models import StaffUser


class Stage(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    LOYAL = "loyal"
    ADVOCATE = "advocate"
    AT_RISK = "at_risk"
    DORMANT = "dormant"


class StageSnapshot(Model):
    """The stage of one customer on one day, one row per customer per day."""

    id = fields.BigIntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="stage_snapshots", on_delete=fields.CASCADE
    )
    customer_id: int
    day = fields.DateField()
    stage = fields.CharField(max_length=16)

    class Meta:
        table = "stage_snapshot"
        unique_together = (("customer_id", "day"),)
        indexes = (("day", "stage"),)


class Award(Model):
    """A badge given to a customer, by a marketer or by a rule."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="awards", on_delete=fields.CASCADE
    )
    customer_id: int
    badge = fields.CharField(max_length=32)
    awarded_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="awards_given", null=True, on_delete=fields.SET_NULL
    )
    awarded_by_id: int | None
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    # An automatic award (``note`` "automatic", hub.advocacy.auto_badges) once its thank-you was
    # queued or skipped (the customer turned thanks off); the mail pass takes the others.
    thanked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "award"
        unique_together = (("customer_id", "badge"),)


class PointsEntry(Model):
    """One line of the points ledger. A refund adds a reversing line."""

    id = fields.BigIntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="points", on_delete=fields.CASCADE
    )
    customer_id: int
    points = fields.IntField()
    reason = fields.CharField(max_length=64)
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="points", null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None
    reverses: fields.ForeignKeyNullableRelation[PointsEntry] = fields.ForeignKeyField(
        "hub.PointsEntry", related_name="reversals", null=True, on_delete=fields.SET_NULL
    )
    reverses_id: int | None
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="points_given", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    # What earned or spent it (hub.advocacy.points.Source): order, review, redeem, expiry…
    source = fields.CharField(max_length=16, default="", db_default="")
    # Earned points count once this has passed (an order's return window); None: at once.
    pending_until = fields.DatetimeField(null=True)
    # One entry per event (``order:12``, ``review:7``, ``redeem:<nonce>``): a repeat adds nothing.
    event_key = fields.CharField(max_length=96, null=True, unique=True)
    # The discount code a redemption (or a review reward) gave.
    code: fields.ForeignKeyNullableRelation[PoolCode] = fields.ForeignKeyField(
        "hub.PoolCode", related_name="points_entries", null=True, on_delete=fields.SET_NULL
    )
    code_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "points_entry"
        indexes = (("customer_id", "created_at"), ("pending_until",))


class PoolCode(Model):
    """One discount code the shop created in its store and uploaded to a pool, issued once."""

    id = fields.IntField(primary_key=True)
    # The pool's name, which says its purpose (``5-off``, ``review-photo``, ``win-back``).
    pool = fields.CharField(max_length=32)
    code = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=8, default="fixed")  # fixed or percent (codes.Kind)
    value = fields.DecimalField(max_digits=10, decimal_places=2, default=0)
    currency = fields.CharField(max_length=3, default="USD")
    minimum_order = fields.DecimalField(max_digits=10, decimal_places=2, default=0)
    issued_to: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="pool_codes", null=True, on_delete=fields.SET_NULL
    )
    issued_to_id: int | None
    issued_at = fields.DatetimeField(null=True)
    reason = fields.CharField(max_length=64, default="")
    uploaded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pool_code"
        indexes = (("pool", "issued_at"),)


class ReferralCode(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="referral_codes", on_delete=fields.CASCADE
    )
    customer_id: int
    code = fields.CharField(max_length=32, unique=True)
    visits = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "referral_code"


class Referral(Model):
    """An order that arrived with the code of an advocate, and whether it counts."""

    id = fields.IntField(primary_key=True)
    code: fields.ForeignKeyRelation[ReferralCode] = fields.ForeignKeyField(
        "hub.ReferralCode", related_name="referrals", on_delete=fields.CASCADE
    )
    code_id: int
    referrer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="referrals_made", on_delete=fields.CASCADE
    )
    referrer_id: int
    referred: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="referred_by", on_delete=fields.CASCADE
    )
    referred_id: int
    order: fields.OneToOneRelation[Order] = fields.OneToOneField(
        "hub.Order", related_name="referral", on_delete=fields.CASCADE
    )
    order_id: int
    # counted, held, rejected, self_referral, existing_customer or withdrawn (referrals.Outcome)
    outcome = fields.CharField(max_length=24)
    # Why the fraud rules flagged it (referral_rules.Reason values), shown to the admin.
    reasons: fields.JSONField[list[str]] = fields.JSONField(default=list, db_default="[]")
    decided_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="referrals_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    # When the referrer's reward was granted (after the order's return window), and the code
    # given when the reward is a code.
    rewarded_at = fields.DatetimeField(null=True)
    reward_code = fields.CharField(max_length=64, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "referral"
        indexes = (("referrer_id", "created_at"),)


class WinBack(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="win_backs", on_delete=fields.CASCADE
    )
    customer_id: int
    stage = fields.CharField(max_length=16)
    offer_code = fields.CharField(max_length=64, default="")
    sent_at = fields.DatetimeField(db_index=True)
    # The end of the window in which an order counts as following the mail (or the hold-out's choice).
    ends_at = fields.DatetimeField(null=True)
    won_order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="win_backs", null=True, on_delete=fields.SET_NULL
    )
    won_order_id: int | None
    # Held out: chosen (deterministically) to get no mail, the baseline the mailed are compared to.
    holdout = fields.BooleanField(default=False, db_default=False)
    # The products the mail recommended (hub product ids), best first.
    products: fields.JSONField[list[int]] = fields.JSONField(default=list, db_default="[]")

    class Meta:
        table = "win_back"
        indexes = (("customer_id", "sent_at"),)


class ReferralWelcome(Model):
    """The welcome code a referred friend claimed on the referral page: one per address."""

    id = fields.IntField(primary_key=True)
    code: fields.ForeignKeyRelation[ReferralCode] = fields.ForeignKeyField(
        "hub.ReferralCode", related_name="welcomes", on_delete=fields.CASCADE
    )
    code_id: int
    # The address as the fraud rules compare it (referral_rules.comparable_email).
    email = fields.CharField(max_length=254, unique=True)
    offer_code = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "referral_welcome"


class CoPurchase(Model):
    """How many customers who bought ``product`` went on to buy ``next_product`` in a later
    order; rebuilt by the worker (hub.advocacy.copurchase)."""

    id = fields.BigIntField(primary_key=True)
    product_id = fields.IntField()
    next_product_id = fields.IntField()
    customers = fields.IntField()
    # The day of the rebuild that wrote the row: the worker rebuilds once a day.
    built_on = fields.DateField()

    class Meta:
        table = "co_purchase"
        unique_together = (("product_id", "next_product_id"),)


class HistoryRebuild(Model):
    """A request to rebuild the stage history from the orders' own dates (after an import)."""

    # Requests queued while one waits are the same work: the worker's job `history_rebuilds`
    # (`hub.advocacy.backfill`) settles all that are due with one rebuild.

    id = fields.IntField(primary_key=True)
    reason = fields.CharField(max_length=64, default="")
    status = fields.CharField(max_length=16, default="queued")
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    # The first and last day the rebuild snapshotted, for the operator.
    first_day = fields.DateField(null=True)
    last_day = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "history_rebuild"
        indexes = (("status", "next_attempt_at"),)


class TierChange(Model):
    """A customer's move from one VIP tier to another (``""``: none), one row per customer per day."""

    id = fields.BigIntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="tier_changes", on_delete=fields.CASCADE
    )
    customer_id: int
    day = fields.DateField()
    from_tier = fields.CharField(max_length=32, default="")
    to_tier = fields.CharField(max_length=32, default="")
    # +1 up, -1 down, as the tiers ranked on the day.
    direction = fields.SmallIntField()
    # A move up once its "You are now Gold" mail was queued (or skipped); the mail pass takes the others.
    mailed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "tier_change"
        unique_together = (("customer_id", "day"),)
        indexes = (("day", "direction"),)


class TierWarning(Model):
    """A "spend X more by <date> to keep Gold" mail, at most one per customer and tier a window."""

    id = fields.BigIntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="tier_warnings", on_delete=fields.CASCADE
    )
    customer_id: int
    tier = fields.CharField(max_length=32)
    warned_on = fields.DateField()
    drops_on = fields.DateField()
    # What is missing to keep the tier: money for a spend tier, points for a points tier.
    short_by = fields.DecimalField(max_digits=14, decimal_places=2)
    mailed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "tier_warning"
        unique_together = (("customer_id", "tier", "warned_on"),)


class BirthdayReward(Model):
    """The birthday bonus of one customer in one year: at most one (the unique pair)."""

    id = fields.BigIntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="birthday_rewards", on_delete=fields.CASCADE
    )
    customer_id: int
    year = fields.SmallIntField()
    points = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "birthday_reward"
        unique_together = (("customer_id", "year"),)


class TierPass(Model):
    """The nightly tier pass done for one day and one tier definition (a digest of HUB_TIERS…)."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField()
    definition = fields.CharField(max_length=40)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tier_pass"
        unique_together = (("day", "definition"),)
