"""Feedback Hub."""

from hub import convertors as _convertors  # noqa: F401  (registers {name:id} before any route)
