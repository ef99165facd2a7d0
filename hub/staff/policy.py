"""The admin's rules for staff accounts, kept in the database: today, "require two-factor"."""

from __future__ import annotations

from hub.staff.accounts import audit
from hub.staff.models import StaffPolicy, StaffSession, StaffUser

POLICY_ID = 1


async def staff_policy() -> StaffPolicy:
    policy, _ = await StaffPolicy.get_or_create(id=POLICY_ID)
    return policy


async def two_factor_required() -> bool:
    policy = await StaffPolicy.get_or_none(id=POLICY_ID)
    return bool(policy and policy.require_two_factor)


async def flag_sessions_without_two_factor(required: bool) -> None:
    """Send the open sessions of staff without a second factor to enrolment (or release them)."""
    if not required:
        await StaffSession.filter(ended_at=None).update(needs_two_factor=False)
        return
    missing = StaffUser.filter(two_factor_since=None).values_list("id", flat=True)
    await StaffSession.filter(ended_at=None, user_id__in=await missing).update(needs_two_factor=True)


async def set_two_factor_required(actor: StaffUser, required: bool) -> bool:
    """Turn the rule on or off; False when it already was so. Audited."""
    policy = await staff_policy()
    if policy.require_two_factor == required:
        return False
    policy.require_two_factor = required
    await policy.save(update_fields=["require_two_factor", "updated_at"])
    await flag_sessions_without_two_factor(required)
    await audit(actor, "staff.policy_changed", "policy", POLICY_ID, require_two_factor=required)
    return True
