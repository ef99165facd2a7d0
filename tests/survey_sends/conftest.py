"""Survey-send factories: an active NPS survey, customers in a segment, the worker run at a moment."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest

from hub.config import Settings
from hub.surveys.models import Survey, SurveyQuestion
from hub.worker import run_once
from tests.mail.conftest import MailCollector, mailbox, smtp_server, smtp_settings  # noqa: F401  (aiosmtpd)

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def pulse(db: str) -> Survey:
    """The shop's quarterly pulse survey: one NPS question, active."""
    survey = await Survey.create(slug="pulse", name="Quarterly pulse", purpose="custom", is_active=True)
    await SurveyQuestion.create(survey=survey, kind="nps", prompt="Would you recommend us?", required=True)
    return survey


async def work(settings: Settings, after: timedelta = timedelta()) -> dict[str, int]:
    """One pass of the worker ``after`` from now: every job, the mail sender last."""
    return await run_once(settings, datetime.now(UTC) + after)


def recipients(collector: MailCollector) -> list[str]:
    return sorted(str(message["To"]) for message in collector.received)


def survey_path(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"http://testserver(/s/[A-Za-z0-9_-]+)", str(body.get_content()))
    assert found, "the mail carries a survey link"
    return found.group(1)
