"""Staff accounts, roles, sign-in, two-factor, sessions, API keys and the /api/v1 authentication.
Imports mail, catalog and the base; every admin route imports its decorators."""
