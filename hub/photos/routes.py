"""Serving stored photos, and the moderators' queue of photos waiting for approval."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hub.photos.uploads import (
    PHOTO_ACTIONS,
    PhotoGone,
    media_path,
    moderate_photo,
    own_media_path,
    pending_photos,
    public_media_path,
)
from hub.staff.web import require_staff, staff
from hub.templating import render

# Names are random and a file never changes under its name.
MEDIA_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable"}
STAFF_MEDIA_HEADERS = {"Cache-Control": "private, no-store"}
MEDIA_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}


def photo_file(path: Path | None, headers: dict[str, str] | None = None) -> Response:
    if path is None:
        raise HTTPException(404, "There is no such photo.")
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix[1:]], headers=headers)


async def media(request: Request) -> Response:
    """Approved photos, for anyone: the widget, the gallery, the store's pages."""
    path = await public_media_path(request.app.state.settings, request.path_params["name"])
    return photo_file(path, MEDIA_HEADERS)


async def review_media(request: Request) -> Response:
    """The customer's own photos on the review form, before a moderator saw them too."""
    params = request.path_params
    return photo_file(await own_media_path(request.app.state.settings, params["token"], params["name"]))


@require_staff("moderator")
async def staff_media(request: Request) -> Response:
    """Any stored photo, pending ones included, for the moderators' queue."""
    path = media_path(request.app.state.settings, request.path_params["name"])
    return photo_file(path, STAFF_MEDIA_HEADERS)


@require_staff("moderator")
async def photo_queue(request: Request) -> Response:
    context = {"photos": await pending_photos()}
    return render(request, "photos/photos_admin.html", context)


@require_staff("moderator")
async def photo_action(request: Request) -> Response:
    action = request.path_params["action"]
    if action not in PHOTO_ACTIONS:
        raise HTTPException(404, "Photos can be approved or rejected.")
    try:
        photo = await moderate_photo(
            request.app.state.settings, staff(request), request.path_params["photo_id"], action
        )
    except PhotoGone as gone:
        raise HTTPException(
            409, "This photo was rejected and its files deleted; it cannot be approved."
        ) from gone
    if photo is None:
        raise HTTPException(404, "There is no such photo.")
    if request.headers.get("HX-Request") == "true":
        return render(request, "photos/_photo_card.html", {"photo": photo})
    return RedirectResponse(str(request.app.url_path_for("photo_moderation")), status_code=303)


routes: list[BaseRoute] = [
    Route("/media/{name:str}", media, methods=["GET", "HEAD"], name="media"),
    Route("/r/{token}/photos/{name:str}", review_media, methods=["GET", "HEAD"], name="review_media"),
    Route("/admin/photos", photo_queue, methods=["GET"], name="photo_moderation"),
    Route("/admin/photos/media/{name:str}", staff_media, methods=["GET", "HEAD"], name="staff_media"),
    Route("/admin/photos/{photo_id:id}/{action:str}", photo_action, methods=["POST"], name="photo_action"),
]
