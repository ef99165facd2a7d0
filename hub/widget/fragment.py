"""The widget as server-rendered HTML, for a server-side include or an iframe (no JavaScript).

Filter, sort and "load more" are plain links carrying the query string (`?sort=highest`),
relative to the page that shows the fragment, so they work in an iframe and a store's
server-side include can pass them on.
"""

from __future__ import annotations

from typing import Any

from hub.config import Settings
from hub.templating import templates
from hub.widget.queries import SORTS, ReviewQuery, Scope, list_reviews

SOURCE_LABELS = {
    "invitation": "Verified buyer, invited by email",
    "import": "Imported",
    "api": "Submitted on the store",
}
SORT_LABELS = {
    "newest": "Newest",
    "highest": "Highest rating",
    "lowest": "Lowest rating",
    "helpful": "Most helpful",
    "photos": "With photos first",
}
assert set(SORT_LABELS) == set(SORTS)


def _link(query: ReviewQuery, frame: bool, **changes: Any) -> str:
    params = query.params(**changes)
    if frame:
        params["frame"] = "true"
    # Every value is a name from SORTS, a number or true/false: nothing to quote.
    return "?" + "&".join(f"{name}={value}" for name, value in params.items())


def _bars(scope: Scope, query: ReviewQuery, frame: bool) -> list[dict[str, Any]]:
    counts, total = scope.histogram(), scope.summary.count or 1
    return [
        {
            "star": star,
            "count": counts[str(star)],
            "percent": round(100 * counts[str(star)] / total),
            "active": query.rating == star,
            "href": _link(query, frame, rating=None if query.rating == star else star, page=1),
        }
        for star in range(5, 0, -1)
    ]


def _sorts(query: ReviewQuery, frame: bool) -> list[dict[str, Any]]:
    return [
        {"label": label, "active": name == query.sort, "href": _link(query, frame, sort=name, page=1)}
        for name, label in SORT_LABELS.items()
    ]


async def render_fragment(
    settings: Settings, scope: Scope, query: ReviewQuery, *, frame: bool, css_url: str
) -> bytes:
    page = await list_reviews(settings, scope, query)
    context = {
        "scope": scope,
        "summary": scope.summary,
        "query": query,
        "frame": frame,
        "bars": _bars(scope, query, frame),
        "sorts": _sorts(query, frame),
        "reviews": page.items,
        "sources": SOURCE_LABELS,
        "css_url": css_url,
        "photos_href": _link(query, frame, with_photos=not query.with_photos, page=1),
        "more_href": _link(query, frame, page=page.next_page) if page.next_page else None,
    }
    return templates.env.get_template("widget/fragment.html").render(context).encode()
