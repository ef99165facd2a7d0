"""HTTP helpers every route uses: request values, errors, safe links.

Domains import from here; this package imports no domain.
"""
