"""Customers' stages, movement, retention, advocate score, recognition, referrals, points, win-back.
Imports catalog, mail, staff, reviews, surveys, triage and the base; community and intake import it."""
