"""Registers the ``{name:id}`` path convertor before any route is built (see `hub.web.params`)."""

from __future__ import annotations

from hub.web.params import MAX_ID, IdConvertor

__all__ = ["MAX_ID", "IdConvertor"]
