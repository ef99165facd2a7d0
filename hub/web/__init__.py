"""HTTP helpers every route uses: request values, the one error type, CSRF, JSON bodies, rate limits.
A base package: domains import from here; it imports nothing of the hub."""
