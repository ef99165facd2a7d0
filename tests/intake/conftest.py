"""The shared product, customer, order and review maker (`tests/review_fixtures.py`)."""

from tests.review_fixtures import customer, group, make_review, order, product

__all__ = ["customer", "group", "make_review", "order", "product"]
