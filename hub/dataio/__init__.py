"""Data in and out: review imports, exports, privacy requests, metrics and rate limits."""
