"""A review import refuses a row whose product or photo link is not http(s), naming it; the rest go in."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import Settings
from hub.photos.models import Photo
from hub.reviews.models import Review
from hub.transfer.reviews_import import import_reviews
from hub.web.safe_urls import REASON

HEADER = "external_id,product_id,product_name,product_url,rating,title,body,created_at,photo_urls\n"
GOOD = "g-1,SKU-TENT,Trail Tent,https://shop.example/tent,5,Solid,Dry all night.,2024-03-01,https://cdn.example/1.jpg\n"


@pytest.mark.parametrize(
    ("product_url", "photo_urls", "reason"),
    [
        ("javascript:alert(1)", "", f"product url 'javascript:alert(1)' {REASON}"),
        ("/products/tent", "", f"product url '/products/tent' {REASON}"),
        (
            "https://shop.example/tent",
            "https://cdn.example/2.jpg vbscript:msgbox(1)",
            f"photo url 'vbscript:msgbox(1)' {REASON}",
        ),
        (
            "https://shop.example/tent",
            "https://cdn.example/2.jpg;//evil.example/x.jpg",
            f"photo url '//evil.example/x.jpg' {REASON}",
        ),
    ],
)
async def test_a_row_with_a_bad_link_is_refused_by_line_and_field(
    settings: Settings, db: str, tmp_path: Path, product_url: str, photo_urls: str, reason: str
) -> None:
    file = tmp_path / "reviews.csv"
    bad = f"g-2,SKU-MUG,Camp Mug,{product_url},4,Fine,Keeps tea hot.,2024-03-02,{photo_urls}\n"
    file.write_text(HEADER + GOOD + bad, encoding="utf-8")
    summary = await import_reviews(settings, file, "generic")
    assert [(o.line, o.action, o.reason) for o in summary.outcomes][1] == (3, "bad", reason)
    assert await Review.all().values_list("import_key", flat=True) == ["generic:g-1"]
    assert await Photo.all().values_list("source_url", flat=True) == ["https://cdn.example/1.jpg"]
