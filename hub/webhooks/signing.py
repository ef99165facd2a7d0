"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A secret is ``whsec_`` + base64 of random bytes; the HMAC key is those bytes (a secret
without the prefix, from ``HUB_CASE_WEBHOOK_SECRET``, is used as its own UTF-8 bytes).
Each delivery carries three headers:

- ``webhook-id``: the message id, the same on every try and on a resend;
- ``webhook-timestamp``: when this try was sent, in integer Unix seconds;
- ``webhook-signature``: ``v1,`` + base64 of HMAC-SHA256(key, "{id}.{timestamp}.{body}").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def key_of(secret: str) -> bytes:
    if secret.startswith(PREFIX):
        try:
            return base64.b64decode(secret.removeprefix(PREFIX), validate=True)
        except binascii.Error:
            pass
    return secret.encode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key_of(secret), signed, hashlib.sha256).digest()).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
