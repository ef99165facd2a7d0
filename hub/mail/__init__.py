"""The outbox, rendering, the SMTP sender and the customer's preference and unsubscribe page.
Imports catalog and the base; every domain that mails imports it."""
