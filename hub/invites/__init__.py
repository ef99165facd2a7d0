"""Review invitations: scheduling, caps and reminders, sent as outbox mail with a review link.
Imports catalog, mail and the base; reviews read invitations, never the reverse."""
