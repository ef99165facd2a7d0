"""Imported photos: the worker fetches each one from the old app's host and stores it as an upload.

An import only records the addresses (`queue_photo_fetches`); no request leaves the hub
while a file is read. The job ``photo_fetches`` then fetches each address once:

- http and https only, and only from public addresses, checked after DNS resolution and
  connected to the checked address (`hub.web.safe_fetch`, shared with the outgoing
  webhooks). ``HUB_PHOTO_FETCH_ALLOW`` names private hosts an operator trusts (a CDN
  inside the network).
- At most three redirects, each hop checked the same way; at most 10 MB, read in pieces
  and stopped at the limit.
- The bytes go through `prepare_photo`, as an upload's do: decoded, pixel limit, metadata
  stripped, re-encoded; the files are written as an upload's.

A host that is down, times out or answers 5xx or 429 is tried again with the queue's
back-off; a 4xx, a private address or a file that is not a photo fails for good, and the
reason stays on the fetch for the moderator.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import anyio
import httpx
from tortoise.expressions import Q

from hub.catalog.models import Customer
from hub.config import Settings
from hub.photos.models import FetchStatus, Photo, PhotoFetch, PhotoStatus
from hub.photos.uploads import (
    MAX_PHOTO_BYTES,
    PhotoRejected,
    PhotoUpload,
    prepare_photo,
    sync_review,
    write_files,
)
from hub.queue import WORKER_ID, Queue
from hub.reviews.models import Review
from hub.web import safe_fetch
from hub.web.safe_fetch import FetchFailed, FetchRefused, checked_url, pinned

BATCH = 10
MAX_REDIRECTS = 3
TIMEOUT_SECONDS = 15.0
CHUNK = 64 * 1024
RETRY_STATUSES = frozenset({408, 429})

FETCHES: Queue[PhotoFetch] = Queue(
    name="photo_fetches",
    model=PhotoFetch,
    due=lambda now: Q(status=FetchStatus.QUEUED.value, next_attempt_at__lte=now),
    order_by=("next_attempt_at", "id"),
    lease=timedelta(minutes=5),
    claimed={"status": FetchStatus.FETCHING.value},
    released={"status": FetchStatus.QUEUED.value},
    given_up={"status": FetchStatus.FAILED.value},
)


async def queue_photo_fetches(
    review: Review, customer: Customer | None, urls: Iterable[str], status: PhotoStatus, now: datetime
) -> list[Photo]:
    """Record an imported review's photo addresses as photos without files, each queued to fetch."""
    photos = []
    for url in urls:
        photo = await Photo.create(
            review=review,
            customer=customer,
            product_id=review.product_id,
            source_url=url[:1000],
            status=status.value,
            moderated_at=now if status is PhotoStatus.APPROVED else None,
        )
        await PhotoFetch.create(photo=photo, url=url[:1000], next_attempt_at=now)
        photos.append(photo)
    return photos


async def _read_body(response: httpx.Response) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PHOTO_BYTES:
        raise FetchRefused("the photo is larger than 10 MB")
    body = bytearray()
    async for piece in response.aiter_bytes(CHUNK):
        body += piece
        if len(body) > MAX_PHOTO_BYTES:
            raise FetchRefused("the photo is larger than 10 MB")
    return bytes(body)


async def download(client: httpx.AsyncClient, raw_url: str, allowed: tuple[str, ...]) -> bytes:
    """The bytes at ``raw_url``, each hop connected to an address checked as public."""
    url = checked_url(raw_url)
    for _hop in range(MAX_REDIRECTS + 1):
        pin = await pinned(url, allowed)
        try:
            async with client.stream(
                "GET", pin.target, headers=pin.headers, extensions=pin.extensions
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    url = checked_url(str(url.join(response.headers["location"])))
                    continue
                if response.status_code >= 500 or response.status_code in RETRY_STATUSES:
                    raise FetchFailed(f"the host answered HTTP {response.status_code}")
                if response.status_code != 200:
                    raise FetchRefused(f"the host answered HTTP {response.status_code}")
                return await _read_body(response)
        except httpx.TimeoutException:
            raise FetchFailed("the host did not answer in time") from None
        except httpx.TransportError as error:
            raise FetchFailed(f"the connection failed ({type(error).__name__})") from None
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")


async def _store(settings: Settings, fetch: PhotoFetch, data: bytes) -> None:
    try:
        prepared = await anyio.to_thread.run_sync(prepare_photo, PhotoUpload("the imported photo", data))
    except PhotoRejected as error:
        raise FetchRefused(str(error)) from None
    web_name, thumb_name = await anyio.to_thread.run_sync(write_files, settings.media_dir, prepared)
    photo = await Photo.get(id=fetch.photo_id)
    photo.web_name, photo.thumb_name = web_name, thumb_name
    photo.width, photo.height = prepared.width, prepared.height
    await photo.save(update_fields=["web_name", "thumb_name", "width", "height"])
    if photo.review_id is not None:
        await sync_review(photo.review_id)


async def fetch_imported_photos(settings: Settings, now: datetime, worker_id: str = WORKER_ID) -> int:
    """Fetch the due imported photos once each; how many were tried."""
    await FETCHES.recover(now)
    fetches = await FETCHES.claim(worker_id, now, BATCH)
    if not fetches:
        return 0
    async with safe_fetch.client(TIMEOUT_SECONDS) as client:
        for fetch in fetches:
            try:
                await _store(settings, fetch, await download(client, fetch.url, settings.photo_fetch_allow))
            except FetchFailed as error:
                await FETCHES.retry_later(fetch, now, str(error), worker_id)
                continue
            except FetchRefused as error:
                await FETCHES.give_up(fetch, str(error), worker_id)
                continue
            await FETCHES.finish(
                fetch, worker_id, status=FetchStatus.DONE.value, attempts=fetch.attempts + 1, done_at=now
            )
    return len(fetches)
