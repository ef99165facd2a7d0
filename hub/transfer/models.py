"""An import started from the admin: the uploaded file, its dry run, its progress and its report."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from hub.staff.models import StaffUser

# Bad rows kept on a job for the page (the counts stay exact past it).
MAX_ERRORS = 500


class ImportKind(StrEnum):
    ORDERS = "orders"
    REVIEWS = "reviews"


class ImportState(StrEnum):
    UPLOADED = "uploaded"  # stored; the worker's dry run is due
    PREVIEWING = "previewing"  # the worker is reading it as a dry run
    PREVIEWED = "previewed"  # the preview is ready; waiting for the admin to confirm
    QUEUED = "queued"  # confirmed; the import is due
    RUNNING = "running"  # the worker is importing it
    DONE = "done"
    FAILED = "failed"
    DISCARDED = "discarded"  # the admin dropped it after the preview; the file is gone


WORKING = (ImportState.UPLOADED, ImportState.PREVIEWING, ImportState.QUEUED, ImportState.RUNNING)
FINISHED = (ImportState.DONE, ImportState.FAILED, ImportState.DISCARDED)


class ImportJob(Model):
    """One uploaded file on its way through preview, confirmation and import.

    The file lives in the data folder under ``stored_name`` (random, never the user's
    path); ``original_name`` is only shown. ``preview`` holds the dry run's counts and bad
    rows; ``created`` … ``errors`` the import's. ``done`` of ``total`` is the progress of
    whichever the worker is running. The queue columns are `hub.queue`'s.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)
    # format, date_order, map (a list of COLUMN=FIELD) for reviews; strict for orders
    options: dict[str, Any] = fields.JSONField(default=dict)
    stored_name = fields.CharField(max_length=64, unique=True)
    original_name = fields.CharField(max_length=255, default="")
    size_bytes = fields.BigIntField(default=0)
    state = fields.CharField(max_length=16, default=ImportState.UPLOADED.value)
    format_name = fields.CharField(max_length=32, default="")
    preview: dict[str, Any] = fields.JSONField(default=dict)
    created = fields.IntField(default=0)
    updated = fields.IntField(default=0)
    skipped = fields.IntField(default=0)
    invalid = fields.IntField(default=0)
    errors: list[list[Any]] = fields.JSONField(default=list)
    failure = fields.TextField(default="")  # why the file could not be read or imported, for the admin
    done = fields.IntField(default=0)
    total = fields.IntField(default=0)
    uploaded_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="imports", null=True, on_delete=fields.SET_NULL
    )
    uploaded_by_id: int | None
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    previewed_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "import_job"
        indexes = (("state", "next_attempt_at"),)

    @property
    def is_working(self) -> bool:
        """The worker has something to do on it: the page polls."""
        return self.state in WORKING

    @property
    def can_confirm(self) -> bool:
        return self.state == ImportState.PREVIEWED and not self.preview.get("aborted")

    @property
    def can_discard(self) -> bool:
        return self.state in (ImportState.UPLOADED, ImportState.PREVIEWED)

    @property
    def importing(self) -> bool:
        """The import itself (not its dry run) is queued, running or over."""
        return self.state in (ImportState.QUEUED, ImportState.RUNNING, ImportState.DONE) or (
            self.state == ImportState.FAILED and self.confirmed_at is not None
        )

    @property
    def kind_label(self) -> str:
        return "Orders" if self.kind == ImportKind.ORDERS else "Reviews"

    def status(self) -> dict[str, Any]:
        """What the progress page polls: the state and how far the worker got."""
        return {"state": self.state, "done": self.done, "total": self.total}
