"""The dashboard shell and the pages that span domains: audit log, outbox, /metrics, navigation.
A flow layer: it may import every domain; no domain imports it."""
