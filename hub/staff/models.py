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
    # Bumped on logout and password change: every older session stops working.
    session_version = fields.IntField(default=1)
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
    def display_name(self) -> str:
        return display_name(self.name, self.email)


def display_name(name: str, email: str) -> str:
    """How staff are shown: their name, else the local part of their address."""
    return name or email.split("@")[0]


class LoginFailure(Model):
    """Failed logins per email address, known or not, to slow down guessing."""

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
    actor_label = fields.CharField(max_length=254, default="")
    action = fields.CharField(max_length=64)
    target_type = fields.CharField(max_length=32, default="")
    target_id = fields.CharField(max_length=64, default="")
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "staff_audit_entry"
