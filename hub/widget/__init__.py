"""The embeddable widget, JSON-LD, the public JSON API and feed, and helpful votes.
The read path: imports reviews, photos, catalog, staff and the base; community imports it."""
