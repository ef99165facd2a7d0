"""The hub and a store page on two ports, for the widget's browser tests.

The hub runs under uvicorn in a thread; the demo store page it renders is served by a
tiny static server on a second port, so every widget request is cross-origin (CORS).
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Generic, TypeVar

import httpx
from PIL import Image

from hub.config import Settings
from tests.browser import on_sqlite_only, served_hub
from tests.conftest import free_port, run_sync

STORE_PATH = "/demo/store/tent-2p"
T = TypeVar("T")


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

    """
    on_sqlite_only(database_url)
    hub_port, store_port = free_port(), free_port()
    hub, store = f"http://127.0.0.1:{hub_port}", f"http://127.0.0.1:{store_port}"
    settings = settings.with_overrides(base_url=hub, store_origins=(store,))
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    for name in ("tent.webp", "tent-t.webp"):
        webp(settings.media_dir / name)
    seeded = run_sync(database_url, lambda: seed(settings, store))
    with served_hub(settings):
        html = store_page(hub) if store_page else httpx.get(hub + STORE_PATH).content
        handler = type("StorePage", (_StorePage,), {"html": html})
        static = http.server.ThreadingHTTPServer(("127.0.0.1", store_port), handler)
        threading.Thread(target=static.serve_forever, daemon=True).start()
        try:
            yield Sites(hub, store, seeded)
        finally:
            static.shutdown()
            static.server_close()
