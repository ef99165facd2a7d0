"""Outgoing webhooks: endpoints an admin adds, events emitted where they happen, signed deliveries.

`events.emit` writes one delivery row per subscribed endpoint in the caller's transaction;
the worker's `webhooks` job (`delivery.deliver_webhooks`) posts them, signed following
the Standard Webhooks specification (`signing`), retried through `hub.queue`, and pauses
an endpoint that keeps failing. `docs/webhooks.md` documents every event's payload.
"""
