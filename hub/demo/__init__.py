"""The demo shop: `feedback-hub demo` fills an empty hub with a believable history.
A flow layer: it builds the history through every domain's services; only the CLI imports it."""

from hub.demo.generator import DemoError, DemoSummary, build_demo, database_is_empty

__all__ = ["DemoError", "DemoSummary", "build_demo", "database_is_empty"]
