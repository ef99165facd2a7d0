"""Inbound mail: the support mailbox read over IMAP, each message put on its case."""
