"""Password hashing with Argon2id (argon2-cffi) and the password policy.

The policy: at least ``MIN_LENGTH`` characters; not the account's e-mail address
(nor its local part) inside it; and not guessable from the lists of common and
breached passwords that zxcvbn ships (its ``passwords`` list, the 30,000 most
frequent passwords of public breach corpora, matched with its rules for
l33t-speak, reversals, repeats and keyboard walks). A password zxcvbn scores
below ``MIN_SCORE`` is refused with zxcvbn's own advice.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_LENGTH = 12
# Beyond this zxcvbn's matching slows down, and no person types more.
MAX_LENGTH = 128
# zxcvbn's 0–4 scale: 3 is "safely unguessable: moderate protection from offline attacks".
MIN_SCORE = 3
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# A local part this short ("al") would refuse half the passwords that merely contain it.
MIN_LOCAL_PART = 4


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def _contains_address(password: str, email: str) -> bool:
    lowered, email = password.lower(), email.strip().lower()
    local = email.split("@")[0]
    return bool(email) and (email in lowered or (len(local) >= MIN_LOCAL_PART and local in lowered))


def is_common(password: str) -> bool:
    """On zxcvbn's list of common and breached passwords (spaces and case ignored)."""
    return "".join(password.lower().split()) in _COMMON


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable for the account ``email``, or None."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"use at most {MAX_LENGTH} characters"
    if email and _contains_address(password, email):
        return "must not contain your e-mail address"
    if is_common(password):
        return "is on a list of common or breached passwords; choose another"
    verdict = zxcvbn(password, user_inputs=[email, *email.split("@")] if email else [])
    if verdict["score"] < MIN_SCORE:
        advice = verdict["feedback"].get("warning") or "it is too easy to guess"
        return f"is too easy to guess ({advice.rstrip('.').lower()}); add a few uncommon words"
    return None
