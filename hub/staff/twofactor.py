"""Two-factor sign-in: TOTP (RFC 6238, pyotp) with single-use recovery codes.

1. Enrolling stores a fresh secret, encrypted with a key derived from the hub's
   secret key (Fernet), and shows it as a QR code (inline SVG, segno) and as text.
2. The first valid code confirms it: from then on sign-in asks for a code, and ten
   recovery codes are shown once; only their SHA-256 hashes are kept.
3. A code is accepted once: its time step must be later than the last accepted one.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hub.staff import lockout
from hub.staff.accounts import audit
from hub.staff.models import RecoveryCode, StaffSession, StaffUser

RECOVERY_CODES = 10
STEP_SECONDS = 30
# One step either side, for a phone clock that is a little off.
VALID_WINDOW = 1


class TwoFactorError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def secret_box(secret_key: str, purpose: str) -> Fernet:
    """Encrypts stored secrets of one ``purpose`` with a key derived from the hub's secret key.

    Two-factor secrets ("totp secret") and webhook signing secrets ("webhook secret") use it.
    """
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"feedback-hub {purpose}".encode()
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet(secret_key: str) -> Fernet:
    return secret_box(secret_key, "totp secret")


def _secret(user: StaffUser, secret_key: str) -> str | None:
    if not user.totp_secret:
        return None
    try:
        return _fernet(secret_key).decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:
        return None


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    qr_svg: str


def _enrolment(user: StaffUser, secret: str, issuer: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, light="#fff", title="Scan with your authenticator app"
    )
    return Enrolment(secret=secret, uri=uri, qr_svg=svg)


async def start_enrolment(user: StaffUser, secret_key: str, issuer: str) -> Enrolment:
    """The pending secret of ``user`` (a new one unless enrolment already started)."""
    if user.has_two_factor:
        raise TwoFactorError("code", "two-factor sign-in is already on")
    secret = _secret(user, secret_key)
    if secret is None:
        secret = pyotp.random_base32()
        user.totp_secret = _fernet(secret_key).encrypt(secret.encode()).decode()
        await user.save(update_fields=["totp_secret"])
    return _enrolment(user, secret, issuer)


def _step_of(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` is valid for around ``now``, or None."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp, current = pyotp.TOTP(secret), int(now.timestamp()) // STEP_SECONDS
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


async def _accept_code(user: StaffUser, secret_key: str, code: str, now: datetime) -> bool:
    secret = _secret(user, secret_key)
    step = _step_of(secret, code, now) if secret else None
    if step is None or step <= user.totp_last_step:
        return False
    # Conditional, so that two requests racing with one code cannot both pass.
    updated = await StaffUser.filter(id=user.id, totp_last_step__lt=step).update(totp_last_step=step)
    user.totp_last_step = step
    return updated == 1


def _code_hash(code: str) -> str:
    normal = "".join(code.lower().split()).replace("-", "")
    return hashlib.sha256(normal.encode()).hexdigest()


def _new_code() -> str:
    raw = secrets.token_hex(5)
    return f"{raw[:5]}-{raw[5:]}"


async def new_recovery_codes(user: StaffUser) -> list[str]:
    """Replace the recovery codes of ``user``; the codes are returned once."""
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    await RecoveryCode.filter(user_id=user.id).delete()
    await RecoveryCode.bulk_create([RecoveryCode(user=user, code_hash=_code_hash(c)) for c in codes])
    return codes


async def confirm_enrolment(
    user: StaffUser, secret_key: str, code: str, now: datetime | None = None
) -> list[str]:
    """Turn two-factor sign-in on with a first valid code; the recovery codes, once."""
    now = now or datetime.now(UTC)
    if user.has_two_factor:
        raise TwoFactorError("code", "two-factor sign-in is already on")
    if not await _accept_code(user, secret_key, code, now):
        raise TwoFactorError("code", "that code is not right; check the time on your phone")
    user.two_factor_since = now
    await user.save(update_fields=["two_factor_since"])
    await StaffSession.filter(user_id=user.id, ended_at=None).update(needs_two_factor=False)
    return await new_recovery_codes(user)


async def _use_recovery_code(user: StaffUser, code: str, now: datetime) -> bool:
    updated = await RecoveryCode.filter(user_id=user.id, code_hash=_code_hash(code), used_at=None).update(
        used_at=now
    )
    return updated == 1


async def verify_second_factor(
    user: StaffUser, secret_key: str, code: str, now: datetime | None = None
) -> str | None:
    """``"totp"`` or ``"recovery"`` for a code that signs ``user`` in, else None."""
    now = now or datetime.now(UTC)
    if not user.has_two_factor or not code.strip() or len(code) > 64:
        return None
    if await _accept_code(user, secret_key, code, now):
        return "totp"
    if await _use_recovery_code(user, code, now):
        return "recovery"
    return None


async def recovery_codes_left(user: StaffUser) -> int:
    return await RecoveryCode.filter(user_id=user.id, used_at=None).count()


async def turn_off(user: StaffUser) -> None:
    """Remove the second factor of ``user`` (their choice, or an admin's for a lost phone)."""
    user.totp_secret, user.two_factor_since = "", None
    await user.save(update_fields=["totp_secret", "two_factor_since"])
    await RecoveryCode.filter(user_id=user.id).delete()


async def check_second_factor(
    user: StaffUser, secret_key: str, code: str, ip: str, now: datetime | None = None
) -> tuple[str | None, timedelta | None]:
    """The second sign-in step: (method, None) on success, else (None, lock time or None).

    A wrong code counts against the same (account, address) pair as a wrong password.
    """
    now = now or datetime.now(UTC)
    if locked := await lockout.locked_for(user.email, ip, now):
        return None, locked
    method = await verify_second_factor(user, secret_key, code, now)
    if method is None:
        return None, await lockout.record_failure(user.email, ip, now)
    if method == "recovery":
        await audit(user, "staff.recovery_code_used", "staff", user.id, left=await recovery_codes_left(user))
    return method, None


async def enable(user: StaffUser, secret_key: str, code: str) -> list[str]:
    codes = await confirm_enrolment(user, secret_key, code)
    await audit(user, "staff.two_factor_enabled", "staff", user.id)
    return codes


async def _require_code(user: StaffUser, secret_key: str, code: str) -> None:
    if not await _accept_code(user, secret_key, code, datetime.now(UTC)):
        raise TwoFactorError("code", "that code is not right; check the time on your phone")


async def replace_recovery_codes(user: StaffUser, secret_key: str, code: str) -> list[str]:
    """New recovery codes for a current authenticator code; the old ones stop working."""
    await _require_code(user, secret_key, code)
    codes = await new_recovery_codes(user)
    await audit(user, "staff.recovery_codes_replaced", "staff", user.id)
    return codes


async def disable(
    actor: StaffUser, user: StaffUser, required: bool, secret_key: str = "", code: str | None = None
) -> None:
    """Turn two-factor off: the user with a current code, or an admin (``code`` None)."""
    if code is not None:
        if required:
            raise TwoFactorError("code", "the admin requires two-factor sign-in for every account")
        await _require_code(user, secret_key, code)
    await turn_off(user)
    if required:
        await StaffSession.filter(user_id=user.id, ended_at=None).update(needs_two_factor=True)
    await audit(actor, "staff.two_factor_disabled", "staff", user.id)
