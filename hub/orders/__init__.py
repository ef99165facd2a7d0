"""Orders in: the orders API, Shopify and WooCommerce webhooks and CSV imports; an order
in schedules its review invitation and settles referrals and points."""
