"""A photo nobody approved yet is not served publicly; moderators and its own customer still see it."""

from __future__ import annotations

import httpx
import pytest

from hub.photos.models import Photo
from hub.staff.models import StaffUser
from tests.intake.test_review_form import Link, dana, erin, send
from tests.photos.test_photos import _photo_files, image_bytes

__all__ = ["dana", "erin"]


async def _pending(client: httpx.AsyncClient, link: Link) -> Photo:
    tent = link.products[0]
    sent = await send(client, link, tent, files=_photo_files("a.jpg", image_bytes(), tent))
    assert sent.status_code == 303
    photo = await Photo.get()
    assert photo.status == "pending"
    return photo


@pytest.mark.parametrize("status", ["pending", "rejected"])
async def test_the_public_address_of_a_photo_not_approved_answers_404(
    client: httpx.AsyncClient, dana: Link, status: str
) -> None:
    photo = await _pending(client, dana)
    await Photo.filter(id=photo.id).update(status=status)
    for name in (photo.web_name, photo.thumb_name):
        assert (await client.get(f"/media/{name}")).status_code == 404


async def test_an_approved_photo_is_public(client: httpx.AsyncClient, dana: Link) -> None:
    photo = await _pending(client, dana)
    await Photo.filter(id=photo.id).update(status="approved")
    for name in (photo.web_name, photo.thumb_name):
        assert (await client.get(f"/media/{name}")).status_code == 200


async def test_a_moderator_sees_a_pending_photo_in_the_queue(
    client: httpx.AsyncClient, dana: Link, login: object, carol: StaffUser
) -> None:
    photo = await _pending(client, dana)
    await login(carol)  # type: ignore[operator]
    queue = await client.get("/admin/photos")
    thumb = f"/admin/photos/media/{photo.thumb_name}"
    assert f'src="{thumb}"' in queue.text
    assert f'"/media/{photo.thumb_name}"' not in queue.text
    shown = await client.get(thumb)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/webp"
    assert shown.headers["cache-control"] == "private, no-store"
    assert (await client.get(f"/media/{photo.thumb_name}")).status_code == 404


@pytest.mark.parametrize("who", ["stranger", "agent"])
async def test_the_moderators_address_is_for_moderators_only(
    client: httpx.AsyncClient, dana: Link, login: object, bob: StaffUser, who: str
) -> None:
    photo = await _pending(client, dana)
    if who == "agent":
        await login(bob)  # type: ignore[operator]
    answer = await client.get(f"/admin/photos/media/{photo.thumb_name}")
    assert answer.status_code == (403 if who == "agent" else 303)
    assert answer.headers.get("content-type") != "image/webp"


async def test_the_customer_sees_a_pending_photo_through_their_own_link_only(
    client: httpx.AsyncClient, dana: Link, erin: Link
) -> None:
    photo = await _pending(client, dana)
    own = f"{dana.path}/photos/{photo.thumb_name}"
    form = await client.get(dana.path)
    assert f'src="{own}"' in form.text and "Waiting for a moderator" in form.text
    shown = await client.get(own)
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert (await client.get(f"{erin.path}/photos/{photo.thumb_name}")).status_code == 404
    assert (await client.get(f"/r/made-up/photos/{photo.thumb_name}")).status_code == 404
    await Photo.filter(id=photo.id).update(status="rejected")
    assert (await client.get(own)).status_code == 404
