"""Staff accounts, API keys, login throttling and the audit log."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"
    MODERATOR = "moderator"


class StaffUser(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=120, default="")
    password_hash = fields.CharField(max_length=255)
    # Space-separated roles, so that one person can be moderator and agent.
    roles = fields.CharField(max_length=64, default=Role.AGENT.value)
    is_active = fields.BooleanField(default=True)
    # Set while the agent is away: automatic assignment passes them by and gives their cases on.
    away_since = fields.DatetimeField(null=True)
    # Space-separated agent groups (``tier2 returns``) that assignment rules may name.
    groups = fields.CharField(max_length=255, default="", db_default="")
    # The TOTP secret, encrypted (hub.staff.twofactor); set while enrolling, live once confirmed.
    totp_secret = fields.CharField(max_length=255, default="")
    two_factor_since = fields.DatetimeField(null=True)
    # The last TOTP time step accepted, so that a code cannot be used twice.
    totp_last_step = fields.BigIntField(default=0)
    invited_at = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_user"

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.split())

    def has_role(self, *roles: str) -> bool:
        """Admins may do everything; others need one of ``roles``."""
        held = self.role_set
        return Role.ADMIN in held or any(role in held for role in roles)

    @property
    def group_set(self) -> frozenset[str]:
        return frozenset(self.groups.split())

    @property
    def is_away(self) -> bool:
        return self.away_since is not None

    @property
    def takes_cases(self) -> bool:
        """An active, available agent: automatic assignment may give them a case."""
        return self.is_active and not self.is_away and Role.AGENT in self.role_set

    @property
    def display_name(self) -> str:
        return display_name(self.name, self.email)

    @property
    def has_password(self) -> bool:
        """False for an invited user who has not chosen one, and after a reset."""
        return bool(self.password_hash)

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_since is not None

    @property
    def status(self) -> str:
        if not self.is_active:
            return "deactivated"
        return "active" if self.has_password else "invited" if self.invited_at else "no password"


def display_name(name: str, email: str) -> str:
    """How staff are shown: their name, else the local part of their address."""
    return name or email.split("@")[0]


class StaffSession(Model):
    """One signed-in browser: the cookie holds a random key, this row only its hash.

    Checked on every staff request (one lookup on the unique ``key_hash``); a session
    with ``ended_at`` set, or idle too long, lets nobody in.
    """

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="sessions", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=120, default="")
    # Set when two-factor sign-in is required and the user has not enrolled yet.
    needs_two_factor = fields.BooleanField(default=False)
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.CharField(max_length=32, default="")

    class Meta:
        table = "staff_session"
        indexes = (("user_id", "ended_at"),)


class RecoveryCode(Model):
    """A single-use second factor for a lost phone, stored as its SHA-256 hash."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    user_id: int
    code_hash = fields.CharField(max_length=64)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_recovery_code"
        unique_together = (("user_id", "code_hash"),)


class StaffPolicy(Model):
    """The admin's rules for staff accounts: one row, edited in /admin/staff, audited."""

    id = fields.IntField(primary_key=True)
    require_two_factor = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "staff_policy"


class LoginFailure(Model):
    """Failed sign-ins per (account, address) pair and per address (hub.staff.lockout)."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=254, unique=True)
    count = fields.IntField(default=0)
    last_failed_at = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_login_failure"


class ApiKey(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    prefix = fields.CharField(max_length=16, unique=True)
    key_hash = fields.CharField(max_length=64)
    scopes: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="api_keys", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_api_key"


class AuditEntry(Model):
    """One staff action: who, when, what. Kept when the staff user is deleted."""

    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    actor_label = fields.CharField(max_length=254, default="")
    action = fields.CharField(max_length=64)
    target_type = fields.CharField(max_length=32, default="")
    target_id = fields.CharField(max_length=64, default="")
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "staff_audit_entry"
