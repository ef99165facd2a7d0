"""Feedback in: the review form and survey pages, the reviews API, and submission
through the one pipeline into a published review, a case and a thank-you."""
