"""Privacy requests: everything the hub holds about one customer, and erasing it."""
