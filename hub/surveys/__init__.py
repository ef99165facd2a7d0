"""Surveys: questionnaires, the builder, answers and results (NPS, CSAT)."""
