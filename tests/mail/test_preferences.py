from __future__ import annotations

import httpx
import pytest

from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.outbox import unsubscribe_url
from tests.conftest import csrf_from


async def link(settings: Settings, customer: Customer) -> str:
    return (await unsubscribe_url(settings, customer)).removeprefix(settings.base_url)


@pytest.mark.parametrize("content", ["form", "multipart"])
async def test_it_unsubscribes_with_one_click_and_no_session(
    client: httpx.AsyncClient, settings: Settings, dana: Customer, content: str
) -> None:
    body = {"List-Unsubscribe": "One-Click"}
    if content == "form":
        response = await client.post(await link(settings, dana), data=body)
    else:
        response = await client.post(
            await link(settings, dana), files={"List-Unsubscribe": (None, "One-Click")}
        )
    assert response.status_code == 200
    await dana.refresh_from_db()
    assert dana.unsubscribed_at is not None and not dana.accepts("thanks")


async def test_it_refuses_a_one_click_post_without_the_rfc_8058_body(
    client: httpx.AsyncClient, settings: Settings, dana: Customer
) -> None:
    response = await client.post(await link(settings, dana), data={"something": "else"})
    assert response.status_code == 400
    await dana.refresh_from_db()
    assert dana.unsubscribed_at is None


@pytest.mark.parametrize("token", ["not-a-token", "MQ.forged-signature"])
async def test_it_shows_a_plain_404_for_a_bad_link(
    client: httpx.AsyncClient, dana: Customer, token: str
) -> None:
    for response in (
        await client.get(f"/u/{token}"),
        await client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"}),
    ):
        assert response.status_code == 404
        assert "We could not find that page" in response.text
        assert "dana" not in response.text.lower()


async def test_it_shows_an_accessible_preference_page(
    client: httpx.AsyncClient, settings: Settings, dana: Customer
) -> None:
    page = await client.get(await link(settings, dana))
    assert page.status_code == 200
    assert "<fieldset>" in page.text and "<legend>" in page.text
    for kind in ("review_requests", "thanks", "offers", "surveys"):
        assert f'<label for="kind-{kind}">' in page.text
    assert page.text.count(" checked") == 4


@pytest.mark.parametrize(
    ("chosen", "opt_outs", "unsubscribed"),
    [
        (["thanks"], ["review_requests", "offers", "surveys"], False),
        (["review_requests", "thanks", "offers", "surveys"], [], False),
        ([], ["review_requests", "thanks", "offers", "surveys"], True),
    ],
)
async def test_it_saves_the_kinds_of_mail_a_customer_chooses(
    client: httpx.AsyncClient,
    settings: Settings,
    dana: Customer,
    chosen: list[str],
    opt_outs: list[str],
    unsubscribed: bool,
) -> None:
    token = await csrf_from(client, await link(settings, dana))
    response = await client.post(
        f"{await link(settings, dana)}/preferences", data={"csrf_token": token, "kind": chosen}
    )
    assert response.status_code == 200
    assert "Your choices are saved" in response.text
    await dana.refresh_from_db()
    assert sorted(dana.mail_opt_outs) == sorted(opt_outs)
    assert (dana.unsubscribed_at is not None) is unsubscribed


async def test_choosing_some_mail_again_resubscribes(
    client: httpx.AsyncClient, settings: Settings, dana: Customer
) -> None:
    await client.post(await link(settings, dana), data={"List-Unsubscribe": "One-Click"})
    token = await csrf_from(client, await link(settings, dana))
    await client.post(
        f"{await link(settings, dana)}/preferences", data={"csrf_token": token, "kind": ["offers"]}
    )
    await dana.refresh_from_db()
    assert dana.unsubscribed_at is None and dana.accepts("offers") and not dana.accepts("thanks")


async def test_the_preference_form_needs_its_csrf_token(
    client: httpx.AsyncClient, settings: Settings, dana: Customer
) -> None:
    response = await client.post(f"{await link(settings, dana)}/preferences", data={"kind": []})
    assert response.status_code == 403
