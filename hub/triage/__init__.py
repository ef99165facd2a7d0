"""Cases from flagged feedback: the queue, a case's page, assignment, SLA, replies, follow-up.
Its events go out through `hub.webhooks`.
Reads reviews, photos and surveys (never the reverse); intake opens its cases."""
