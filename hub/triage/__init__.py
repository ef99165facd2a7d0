"""Cases from flagged feedback: the queue, a case's page, assignment, SLA, replies, follow-up, webhooks.
Reads reviews, photos and surveys (never the reverse); intake opens its cases."""
