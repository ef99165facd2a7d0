"""A store page on another origin embeds every form of the widget, fed with script in every field.

The page (served from a second port, with no CSP of its own, as many stores have) loads
widget.js (reviews with its Questions tab and lightbox, badge, carousel, gallery,
contributors), inlines the JSON-LD in a ``<script type="application/ld+json">`` and the
no-JS fragment as a server-side include, and frames the fragment. Each customer-controlled
field holds a payload that sets ``window.__pwned`` (and opens a dialog): live markup in
rows stored before text was cleaned once, the issue's entity-encoded form through the
pipeline, and ``javascript:``/``data:`` links in products and photos. Nothing may run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from hub.photos.models import Photo
from hub.reviews.models import Reply, Review
from playwright.sync_api import Browser, Dialog, Page, expect

from hub.catalog.models import Customer, Product
from hub.community.models import Answer, Question
from hub.config import Settings
from hub.intake.submit import submit_review
from hub.reviews.aggregates import refresh_rating
from tests.widget.servers import Sites, chromium, hub_and_store

pytestmark = pytest.mark.browser

SKU = "tent-2p"
HOST = "[data-feedback-hub=reviews]"
NOW = datetime.now(UTC).replace(microsecond=0)
# Links in an element's attributes that would run script (or a page of the attacker's) when followed.
BAD_LINKS_JS = """(() => {
  const found = [];
  const walk = (root) => root.querySelectorAll("*").forEach((el) => {
    for (const name of ["href", "src", "action", "formaction", "srcdoc"]) {
      const value = el.getAttribute(name);
      const safe = value === null || /^(https?:|[?#]|$)/i.test(value.trim());
      if (!safe) found.push(`${el.tagName} ${name}=${value}`);
    }
    for (const attr of el.attributes) if (/^on/i.test(attr.name)) found.push(el.tagName + " " + attr.name);
    if (el.shadowRoot) walk(el.shadowRoot);
  });
  walk(document);
  return found;
})()"""


def svg(field: str) -> str:
    return f"</script><svg onload=\"__pwned='{field}';alert(1)\">"


def img(field: str) -> str:
    return f'"><img src=x onerror="__pwned=\'{field}\';alert(2)">'


def entities(field: str) -> str:
    """The issue's title: markup written as entities, which the old cleaner decoded after it ran."""
    return f"Love it &lt;/script&gt;&lt;svg onload=__pwned='{field}'&gt;"


SCRIPT_LINK = "javascript:__pwned='link';alert(3)"


async def seed(settings: Settings, store: str) -> None:
    """A tent whose name and links carry script; reviews, a reply, photos, a contributor and a
    question with an answer, each field with a payload."""
    tent = await Product.create(
        external_id=SKU,
        name=f"Trail Tent {svg('product name')}",
        url=SCRIPT_LINK,
        image_url="data:image/svg+xml,<svg onload=alert(4)>",
    )
    writer = await Customer.create(
        email="mallory@example.com",
        name=img("customer name"),
        profile_opt_in_at=NOW,
        profile_name=svg("profile name")[:80],
    )
    await submit_review(
        settings,
        product=tent,
        rating=5,
        title=entities("title"),
        body=f"Warm and dry. {entities('body')}",
        display_name=entities("name")[:80],
        source="import",
        import_key="test:entities",
        submitted_at=NOW,
    )
    for number, payload in enumerate((svg, img), start=1):
        review = await Review.create(
            product=tent,
            customer=writer,
            rating=4,
            title=payload("old title"),
            body=payload("old body"),
            display_name=payload("old name")[:80],
            status="published",
            submitted_at=NOW,
            published_at=NOW,
            has_photos=True,
            source="import",
            import_key=f"test:old-{number}",
        )
        await Reply.create(review=review, body=payload("reply"), is_public=True)
        await Photo.create(
            review=review,
            product=tent,
            customer=writer,
            status="approved",
            web_name="tent.webp",
            thumb_name="tent-t.webp",
            width=400,
            height=300,
            feature_consent_at=NOW,
        )
        await Photo.create(
            review=review,
            product=tent,
            customer=writer,
            status="approved",
            source_url=SCRIPT_LINK,
            feature_consent_at=NOW,
        )
    question = await Question.create(
        product=tent,
        asker_email="eve@example.com",
        asker_name=svg("asker")[:80],
        body=img("question"),
        status="published",
        published_at=NOW,
    )
    await Answer.create(
        question=question,
        customer=writer,
        body=svg("answer"),
        display_name=img("answerer")[:80],
        status="published",
        published_at=NOW,
    )
    await refresh_rating(tent.id)


def store_page(hub: str) -> bytes:
    """The product page as a store builds it: JSON-LD and fragment included on the server."""
    jsonld = httpx.get(f"{hub}/widget/products/{SKU}/jsonld").text
    fragment = httpx.get(f"{hub}/widget/products/{SKU}").text
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trail Tent</title>
<script>window.__storeRan = true;</script>
<script type="application/ld+json">{jsonld}</script>
<script src="{hub}/widget.js" async></script>
</head><body>
<div data-feedback-hub="badge" data-product="{SKU}"></div>
<div data-feedback-hub="carousel" data-product="{SKU}"></div>
<div id="reviews" data-feedback-hub="reviews" data-product="{SKU}"></div>
<div data-feedback-hub="gallery" data-product="{SKU}"></div>
<div data-feedback-hub="contributors"></div>
<section id="included">{fragment}</section>
<iframe id="framed" title="Reviews" src="{hub}/widget/products/{SKU}?frame=true" width="600" height="900">
</iframe>
</body></html>""".encode()


@pytest.fixture
def sites(settings: Settings, database_url: str) -> Iterator[Sites[None]]:
    with hub_and_store(settings, database_url, seed, store_page) as served:
        yield served


@pytest.fixture
def browser(sites: Sites[None]) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _everything_drawn(page: Page) -> None:
    expect(page.locator(f"{HOST} .rv")).to_have_count(3)
    expect(page.locator("[data-feedback-hub=badge] .bd")).to_have_count(1)
    expect(page.locator("[data-feedback-hub=carousel] [aria-roledescription=slide]")).not_to_have_count(0)
    page.locator(f"{HOST} .ph button").first.click()
    expect(page.locator(f"{HOST} [role=dialog] img")).to_have_count(1)
    page.keyboard.press("Escape")
    page.locator(f"{HOST} [role=tab]").nth(1).click()
    expect(page.locator(f"{HOST} .qs > li")).to_have_count(1)
    for kind, item in (("gallery", ".gl li"), ("contributors", ".cts > li")):
        page.locator(f"[data-feedback-hub={kind}]").scroll_into_view_if_needed()
        expect(page.locator(f"[data-feedback-hub={kind}] {item}")).not_to_have_count(0)
    expect(page.locator("#included .fh-review")).to_have_count(3)
    expect(page.frame_locator("#framed").locator(".fh-review")).to_have_count(3)


def test_no_customer_text_or_link_runs_script_anywhere_the_widget_lands(
    browser: Browser, sites: Sites[None]
) -> None:
    page = browser.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(sites.store + "/demo/store/tent-2p")  # waits for the load event: the frame too
    framed = next(frame for frame in page.frames if "frame=true" in frame.url)
    assert page.evaluate("window.__storeRan") is True  # the page runs its own script
    assert (page.evaluate("window.__pwned"), framed.evaluate("window.__pwned"), dialogs) == (None, None, [])
    _everything_drawn(page)
    assert (page.evaluate("window.__pwned"), framed.evaluate("window.__pwned"), dialogs) == (None, None, [])
    assert page.evaluate(BAD_LINKS_JS) == [] and framed.evaluate(BAD_LINKS_JS) == []
    markup = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)")
    assert svg("old title") in [review["name"] for review in markup["review"]]  # the text is intact
    assert "url" not in markup and "image" not in markup
    assert page.evaluate("document.querySelectorAll('svg, img[src=x]').length") == 0


def test_the_payloads_do_run_when_put_into_a_page_unescaped(browser: Browser, sites: Sites[None]) -> None:
    """The control: the same strings, pasted raw into a page, do run in this browser."""
    page = browser.new_page()
    for payload in (svg("control"), img("control")):
        page.set_content(f"<p>{payload}</p>")
        page.wait_for_function("window.__pwned === 'control'")
    page.set_content(f'<a id="link" href="{SCRIPT_LINK}">x</a>')
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.click("#link")
    page.wait_for_function("window.__pwned === 'link'")
