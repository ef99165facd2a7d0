"""Sending surveys: to a segment once or on a schedule, after an event, with one reminder."""
