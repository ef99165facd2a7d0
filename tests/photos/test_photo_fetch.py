"""Imported photos: queued by the import, fetched by the worker from public addresses only."""

from __future__ import annotations

import csv
import ipaddress
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from PIL import Image

from hub.config import Settings
from hub.photos.fetch import fetch_imported_photos
from hub.photos.models import FetchStatus, Photo, PhotoFetch
from hub.reviews.models import Review
from hub.transfer.reviews_import import import_reviews
from hub.web.safe_fetch import is_public_address
from hub.widget import cache
from tests.conftest import free_port
from tests.photos.test_photos import jpeg_with_gps

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "exports" / "reviews"
NOW = datetime.now(UTC) + timedelta(hours=1)  # after the imports the tests make
JUDGEME_HEADER = (
    "title,body,rating,review_date,source,curated,reviewer_name,reviewer_email,product_id,"
    "product_handle,reply,reply_date,picture_urls,ip_address,location,metaobject_handle"
)


class PhotoHost:
    """A real HTTP server on a free port that serves the cases an old app's host can show."""

    def __init__(self) -> None:
        self.identity = secrets.token_hex(8)
        self.hits: Counter[str] = Counter()
        self.photo = jpeg_with_gps()
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                host.hits[self.path] += 1
                if self.path == "/whoami":
                    return self._send(200, host.identity.encode(), "text/plain")
                if self.path in ("/tent.jpg", "/second.jpg"):
                    return self._send(200, host.photo, "image/jpeg")
                if self.path == "/flaky.jpg" and host.hits[self.path] == 1:
                    return self._send(503, b"busy", "text/plain")
                if self.path == "/flaky.jpg":
                    return self._send(200, host.photo, "image/jpeg")
                if self.path == "/to-metadata":
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                    self.end_headers()
                    return None
                if self.path == "/huge.jpg":
                    return self._send(200, b"\xff" * (11 * 1024 * 1024), "image/jpeg")
                if self.path == "/page.html":
                    return self._send(200, b"<html>not a photo</html>", "image/jpeg")
                return self._send(404, b"gone", "text/plain")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def photo_host() -> Iterator[PhotoHost]:
    host = PhotoHost()
    host.thread.start()
    try:
        assert httpx.get(host.url("/whoami"), trust_env=False).text == host.identity  # our own server
        host.hits.clear()
        yield host
    finally:
        host.server.shutdown()
        host.server.server_close()


@pytest.fixture
def allowed(settings: Settings) -> Settings:
    return settings.with_overrides(photo_fetch_allow=("127.0.0.1",))


def judgeme_file(tmp_path: Path, *photo_urls: str) -> Path:
    """A Judge.me export of one published review whose photos are ``photo_urls``."""
    path = tmp_path / "judgeme.csv"
    row = [
        "Dry all night",
        "Pitched it in the rain, stayed dry.",
        "5",
        "2024-06-01 10:20:30 UTC",
        "web",
        "ok",
        "Dana Buyer",
        "dana@example.com",
        "7001",
        "trail-tent",
        "",
        "",
        ",".join(photo_urls),
        "",
        "",
        "",
    ]
    with path.open("w", newline="", encoding="utf-8") as out:
        out.write(JUDGEME_HEADER + "\n")
        csv.writer(out).writerow(row)
    return path


async def _import(settings: Settings, path: Path) -> Review:
    summary = await import_reviews(settings, path, "judgeme")
    assert [outcome.action for outcome in summary.outcomes] == ["created"]
    return await Review.get()


async def _fetch(settings: Settings, url: str) -> PhotoFetch:
    """Import one review with the photo at ``url`` and run the worker's job once."""
    await fetch_imported_photos(settings, NOW)
    return await PhotoFetch.get(url=url)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104  (an address to refuse, not one to bind)
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2001:db8::1",
    ],
)
def test_no_private_loopback_or_reserved_address_counts_as_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


async def test_the_import_only_queues_the_photos_and_the_worker_fetches_them(
    allowed: Settings, db: str, tmp_path: Path, photo_host: PhotoHost
) -> None:
    urls = (photo_host.url("/tent.jpg"), photo_host.url("/second.jpg"))
    review = await _import(allowed, judgeme_file(tmp_path, *urls))
    assert sum(photo_host.hits.values()) == 0  # nothing left the hub while the file was read
    photos = await Photo.filter(review=review).order_by("id")
    assert [(p.source_url, p.web_name, p.status) for p in photos] == [(u, "", "approved") for u in urls]
    assert not review.has_photos and not await Photo.public().exists()
    assert [f.status for f in await PhotoFetch.all().order_by("id")] == ["queued", "queued"]

    assert await fetch_imported_photos(allowed, NOW) == 2
    assert photo_host.hits == Counter({"/tent.jpg": 1, "/second.jpg": 1})
    fetches = await PhotoFetch.all().order_by("id")
    assert [(f.status, f.attempts, f.last_error, f.done_at) for f in fetches] == [("done", 1, "", NOW)] * 2
    for photo in await Photo.filter(review=review).order_by("id"):
        assert photo.is_public and (photo.width, photo.height) == (800, 600)
        stored = Image.open(BytesIO((allowed.media_dir / photo.web_name).read_bytes()))
        assert stored.format == "WEBP" and not stored.getexif()  # stripped as an upload is
        assert (allowed.media_dir / photo.thumb_name).exists()
    assert (await Review.get(id=review.id)).has_photos
    assert await fetch_imported_photos(allowed, NOW + timedelta(hours=1)) == 0  # each once


async def test_the_widget_shows_an_imported_photo_from_the_hub_never_from_the_old_host(
    allowed: Settings, db: str, tmp_path: Path, photo_host: PhotoHost, client: httpx.AsyncClient
) -> None:
    url = photo_host.url("/tent.jpg")
    await _import(allowed, judgeme_file(tmp_path, url))
    cache.clear()  # the cache outlives a test: another test's answer for this SKU
    before = (await client.get("/api/v1/products/7001/reviews")).json()
    assert before["items"][0]["photos"] == []
    await fetch_imported_photos(allowed, NOW)
    cache.clear()  # a web process sees a new write after at most `cache.SCOPE_TTL`
    photo = await Photo.get()
    after = (await client.get("/api/v1/products/7001/reviews")).json()
    assert after["items"][0]["photos"][0]["url"].endswith(f"/media/{photo.web_name}")
    assert photo_host.base not in str(after)


async def test_a_loopback_host_is_refused_without_the_allow_list(
    settings: Settings, db: str, tmp_path: Path, photo_host: PhotoHost
) -> None:
    url = photo_host.url("/tent.jpg")
    await _import(settings, judgeme_file(tmp_path, url))
    fetch = await _fetch(settings, url)
    assert fetch.status == FetchStatus.FAILED.value
    assert fetch.last_error == "the address is not public (loopback, private or reserved)"
    assert sum(photo_host.hits.values()) == 0 and (await Photo.get()).web_name == ""


@pytest.mark.parametrize(
    ("path", "reason", "hits"),
    [
        ("/to-metadata", "the address is not public (loopback, private or reserved)", 1),
        ("/huge.jpg", "the photo is larger than 10 MB", 1),
        ("/page.html", "the imported photo is not a JPEG, PNG or WebP image", 1),
        ("/missing.jpg", "the host answered HTTP 404", 1),
    ],
)
async def test_an_address_that_will_never_give_a_photo_fails_for_good_with_its_reason(
    allowed: Settings, db: str, tmp_path: Path, photo_host: PhotoHost, path: str, reason: str, hits: int
) -> None:
    url = photo_host.url(path)
    await _import(allowed, judgeme_file(tmp_path, url))
    fetch = await _fetch(allowed, url)
    assert (fetch.status, fetch.last_error, fetch.attempts) == ("failed", reason, 1)
    assert photo_host.hits[path] == hits  # a redirect to a private address is not followed
    photo = await Photo.get()
    assert photo.web_name == "" and not photo.is_public and not list(allowed.media_dir.glob("*.webp"))


async def test_a_host_that_is_down_is_tried_again_after_the_back_off(
    allowed: Settings, db: str, tmp_path: Path, photo_host: PhotoHost
) -> None:
    url = photo_host.url("/flaky.jpg")
    await _import(allowed, judgeme_file(tmp_path, url))
    fetch = await _fetch(allowed, url)
    assert (fetch.status, fetch.attempts, fetch.last_error) == ("queued", 1, "the host answered HTTP 503")
    assert fetch.next_attempt_at > NOW
    assert await fetch_imported_photos(allowed, NOW) == 0  # not before the back-off
    assert await fetch_imported_photos(allowed, fetch.next_attempt_at) == 1
    fetch = await PhotoFetch.get(id=fetch.id)
    assert (fetch.status, fetch.attempts) == ("done", 2) and (await Photo.get()).is_public


async def test_only_http_addresses_are_fetched(allowed: Settings, db: str, tmp_path: Path) -> None:
    # The import keeps only http(s) links; an older row may hold anything.
    review = await _import(allowed, judgeme_file(tmp_path))
    photo = await Photo.create(review=review, source_url="file:///etc/passwd", status="approved")
    await PhotoFetch.create(photo=photo, url="file:///etc/passwd", next_attempt_at=NOW)
    fetch = await _fetch(allowed, "file:///etc/passwd")
    assert (fetch.status, fetch.last_error) == ("failed", "only http and https addresses are fetched")


async def test_the_shared_judgeme_export_queues_every_picture_url(settings: Settings, db: str) -> None:
    path = SHARED / "judgeme_export.csv"
    with path.open(newline="", encoding="utf-8-sig") as source:
        wanted = [url.strip() for row in csv.DictReader(source) for url in row["picture_urls"].split(",")]
    wanted = [url for url in wanted if url]
    assert wanted  # the file has photos
    await import_reviews(settings, path, "judgeme")
    queued = await PhotoFetch.all().order_by("id").values_list("url", flat=True)
    assert sorted(queued) == sorted(wanted)
    assert not await Photo.exclude(web_name="").exists()  # nothing fetched during the import
