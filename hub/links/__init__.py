"""Customer and staff links: one random-token mechanism (purpose, subject, expiry, single use, revocation).

A base package: it imports only hub.config and tortoise, and every domain that mails a link uses it.
"""
