"""The shop-policy values an admin (or the settings API) has set."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PolicyValue(Model):
    """One shop-policy setting as changed from the admin, in its variable's syntax."""

    # The setting's key: its variable without HUB_, lower-cased (``invite_delay_days``).
    key = fields.CharField(max_length=64, primary_key=True)
    value = fields.TextField()
    # Who changed it last (a staff address, or the API key), as the audit log names them.
    updated_by = fields.CharField(max_length=254, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "shop_policy"
