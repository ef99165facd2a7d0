"""The hub and a store page on two ports, and Chromium, for the widget's browser tests.

The hub runs under uvicorn in a thread; the demo store page it renders is served by a
tiny static server on a second port, so every widget request is cross-origin (CORS).
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Generic, TypeVar

import httpx
import pytest
import uvicorn
from PIL import Image
from playwright.sync_api import Browser, sync_playwright

from hub.app import create_app
from hub.config import Settings
from tests.conftest import run_sync

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STORE_PATH = "/demo/store/tent-2p"
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webp(path: Path) -> None:
    out = BytesIO()
    Image.new("RGB", (400, 300), "olive").save(out, "WEBP")
    path.write_bytes(out.getvalue())


class _StorePage(http.server.BaseHTTPRequestHandler):
    html = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args: object) -> None:
        pass


def _start_hub(settings: Settings, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        http="h11",
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the hub did not start")
        time.sleep(0.05)
    return server, thread


@dataclass
class Sites(Generic[T]):
    hub: str
    store: str
    seeded: T


@contextmanager
def hub_and_store(
    settings: Settings,
    database_url: str,
    seed: Callable[[Settings, str], Awaitable[T]],
    store_page: Callable[[str], bytes] | None = None,
) -> Iterator[Sites[T]]:
    """The hub with ``seed``'s data (given the settings and the store's origin), and the
    demo store page as a store would serve it (or ``store_page(hub)``, built once the hub
    answers), each on a port of its own.

    The browser tests run once, on SQLite: what they check lives in the page, not in
    the database.
    """
    if not database_url.startswith("sqlite://"):
        pytest.skip("the browser tests run once, on SQLite")
    hub_port, store_port = free_port(), free_port()
    hub, store = f"http://127.0.0.1:{hub_port}", f"http://127.0.0.1:{store_port}"
    settings = settings.with_overrides(base_url=hub, store_origins=(store,))
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    for name in ("tent.webp", "tent-t.webp"):
        webp(settings.media_dir / name)
    seeded = run_sync(database_url, lambda: seed(settings, store))
    server, thread = _start_hub(settings, hub_port)
    html = store_page(hub) if store_page else httpx.get(hub + STORE_PATH).content
    handler = type("StorePage", (_StorePage,), {"html": html})
    static = http.server.ThreadingHTTPServer(("127.0.0.1", store_port), handler)
    threading.Thread(target=static.serve_forever, daemon=True).start()
    try:
        yield Sites(hub, store, seeded)
    finally:
        static.shutdown()
        static.server_close()
        server.should_exit = True
        thread.join(timeout=15)


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
