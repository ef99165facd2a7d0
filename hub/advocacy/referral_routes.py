"""The friend's referral page (welcome code) and the admin's referrals page (decisions)."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.advocacy.models import ReferralCode
from hub.advocacy.offers import welcome_offered
from hub.advocacy.referral_pages import referrals_page
from hub.advocacy.referral_rewards import DecisionError, claim_welcome, decide
from hub.advocacy.referrals import record_visit
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.web.columns import fits
from hub.web.csrf import csrf_protect
from hub.web.errors import InvalidInput
from hub.web.params import choice, client_ip
from hub.web.ratelimit import limiter


async def _code(request: Request) -> ReferralCode | None:
    code = str(request.path_params["code"]).strip().upper()
    return await ReferralCode.get_or_none(code=code) if fits(ReferralCode, "code", code) else None


@csrf_protect
async def referral_landing(request: Request) -> Response:
    """``/ref/<code>``: the visit is counted; with a welcome code to give, the friend claims it
    here by e-mail (mailed once), else they go straight to the store."""
    settings = request.app.state.settings
    code = await _code(request)
    if code is None:
        return RedirectResponse(settings.store_url, status_code=302)
    shop = f"{settings.store_url}?ref={code.code}"
    if request.method == "GET":
        await record_visit(code.code)
    if not await welcome_offered(settings):
        return RedirectResponse(shop, status_code=302)
    context: dict[str, object] = {"code": code, "shop": shop, "error": None, "welcome": None}
    if request.method == "POST":
        if not limiter.allows(settings.rate_limits, "referral_ip", client_ip(request)):
            raise HTTPException(429, "Too many requests from this address. Try again later.")
        form = await request.form()
        try:
            context["welcome"] = await claim_welcome(
                settings, code, str(form.get("email") or ""), datetime.now(UTC)
            )
        except InvalidInput as error:
            context["error"] = error.errors[0]
            return render(request, "advocacy/referral_landing.html", context, status_code=422)
    return render(request, "advocacy/referral_landing.html", context)


async def _referrals(request: Request, notice: str = "", error: str = "", status_code: int = 200) -> Response:
    context = {"page": await referrals_page(), "notice": notice, "error": error}
    return render(request, "advocacy/referrals.html", context, status_code=status_code, block="referrals")


@require_staff(Role.MODERATOR)
async def referrals_admin(request: Request) -> Response:
    return await _referrals(request)


@require_staff(Role.MODERATOR)
async def referral_decide(request: Request) -> Response:
    form = await request.form()
    try:
        decision = choice(form.get("decision"), "decision", ("approve", "reject"), required=True)
        referral = await decide(
            int(request.path_params["referral_id"]), decision == "approve", staff(request), datetime.now(UTC)
        )
    except InvalidInput as error:
        return await _referrals(request, error=str(error.errors[0].reason), status_code=422)
    except DecisionError as error:
        return await _referrals(request, error=str(error), status_code=409)
    return await _referrals(request, notice=f"Referral {referral.id} {referral.outcome}.")
