"""How long work tells how far it got: ``progress(done, total)``, plain or awaited.

The command line passes a plain function (a terminal progress bar); the worker passes
a coroutine function that writes the figures to the job's row (`hub.transfer.imports`).
The importers call `tell`, so either kind works with the same import code.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

Progress = Callable[[int, int], Awaitable[None] | None]


async def tell(progress: Progress | None, done: int, total: int) -> None:
    """Report ``done`` of ``total`` to ``progress``, awaiting it when it is a coroutine function."""
    if progress is None:
        return
    result = progress(done, total)
    if inspect.isawaitable(result):
        await result
