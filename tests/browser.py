"""The hub served by uvicorn in a thread, and Debian's Chromium, for the browser tests.

The browser tests run once, on SQLite: what they check lives in the page, not in the
database. Chromium comes from Debian (`apt-get install chromium`); Playwright's own
browser download is never used.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Browser, sync_playwright

from hub.app import create_app
from hub.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
T = TypeVar("T")


def wait_until(done: Callable[[], bool], what: str, seconds: float = 15, every: float = 0.05) -> None:
    """Poll ``done()`` until it holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {seconds} s")
        time.sleep(every)


def on_sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite://"):
        pytest.skip("the browser tests run once, on SQLite")


class ServedHub:
    """uvicorn serving the hub at ``settings.base_url``, on its own event loop in a thread."""

    def __init__(self, settings: Settings) -> None:
        port = urlsplit(settings.base_url).port
        assert port, f"serve the hub on a local port, not {settings.base_url}"
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            http="h11",
            ws="none",
            lifespan="on",
        )
        self.settings = settings
        self.base_url = settings.base_url
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.server.serve())
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        finally:
            self.loop.close()

    def start(self) -> None:
        self.thread.start()
        wait_until(lambda: self.server.started or not self.thread.is_alive(), "the hub's start")
        if not self.server.started:
            raise RuntimeError("the hub stopped while starting")

    def call(self, work: Callable[[], Awaitable[T]], timeout: float = 20) -> T:
        """Run ``work()`` on the hub's loop, with the hub's database connection (a worker pass)."""

        async def wrapped() -> T:
            return await work()

        future = asyncio.run_coroutine_threadsafe(wrapped(), self.loop)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.should_exit = True
            self.thread.join(timeout=15)


@contextmanager
def served_hub(settings: Settings) -> Iterator[ServedHub]:
    hub = ServedHub(settings)
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless. Start it after the data is written: Playwright's event
    loop then owns this thread."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
