"""Password hashing with Argon2id (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters"
    return None
