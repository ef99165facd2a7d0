"""Customers, products, product groups, orders and their lines, and the order input schema.
The lowest domain: it imports only the base (web, config, db)."""
