"""/admin/contributors: moderators see the public profiles and take one down; agents may not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from hub.reviews.models import Review

from hub.advocacy.models import Award
from hub.catalog.models import Customer, Product
from hub.community.models import Answer, Question
from hub.community.profiles import ADMIN_PAGE
from hub.staff.models import AuditEntry, StaffUser
from tests.community.conftest import NOW
from tests.conftest import csrf_from

Login = Callable[[StaffUser], Awaitable[httpx.Response]]


@pytest.fixture
async def gil(tent: Product, question: Question) -> Customer:
    """Gil shows a public profile: two published reviews, an answer voted helpful, a badge."""
    gil = await Customer.create(
        email="gil@example.net", name="Gil Buyer", profile_name="Gil the Camper", profile_opt_in_at=NOW
    )
    for rating in (5, 4):
        await Review.create(
            product=tent,
            customer=gil,
            rating=rating,
            body="Fine",
            status="published",
            submitted_at=NOW,
            published_at=NOW,
        )
    await Answer.create(
        question=question, customer=gil, body="Yes", status="published", published_at=NOW, helpful_count=3
    )
    await Award.create(customer=gil, badge="helpful_answerer")
    return gil


async def test_bob_the_agent_may_not_see_the_profiles(
    client: httpx.AsyncClient, login: Login, bob: StaffUser, gil: Customer
) -> None:
    await login(bob)
    assert (await client.get("/admin/contributors")).status_code == 403


async def test_carol_sees_public_profiles_only_with_their_figures(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, gil: Customer
) -> None:
    await Customer.create(email="private@example.net", profile_name="Hidden Hal")  # never opted in
    await Customer.create(
        email="erased@example.net", profile_name="Gone Gwen", profile_opt_in_at=NOW, erased_at=NOW
    )
    await login(carol)
    page = await client.get("/admin/contributors")
    assert page.status_code == 200
    assert "Gil the Camper" in page.text and "gil@example.net" in page.text
    assert "Hidden Hal" not in page.text and "Gone Gwen" not in page.text
    row = page.text.split(f'id="contributor-{gil.id}"')[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]]
    assert cells == ["2", "1", "3"]  # reviews, answers, helpful votes
    assert "helpful answerer" in row
    assert 'href="/admin/contributors"' in page.text  # in the navigation


async def test_carol_takes_a_profile_down_everywhere_at_once(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, gil: Customer
) -> None:
    assert (await client.get(f"/contributors/{gil.id}")).status_code == 200
    assert [item["name"] for item in (await client.get("/api/v1/contributors")).json()["items"]] == [
        "Gil the Camper"
    ]
    await login(carol)
    token = await csrf_from(client, "/admin/contributors")
    swapped = await client.post(
        f"/admin/contributors/{gil.id}/withdraw", data={"csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200 and "was taken down" in swapped.text
    await gil.refresh_from_db()
    assert (gil.profile_opt_in_at, gil.profile_name) == (None, "")
    assert (await client.get(f"/contributors/{gil.id}")).status_code == 404
    assert (await client.get("/api/v1/contributors")).json()["items"] == []
    entry = await AuditEntry.get(action="profile.withdraw", target_id=str(gil.id))
    assert entry.actor_label == carol.email and "Gil" not in str(entry.detail)
    assert await Review.filter(customer=gil, status="published").count() == 2  # the reviews stay


async def test_without_htmx_the_list_comes_back_with_a_notice(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, gil: Customer
) -> None:
    await login(carol)
    token = await csrf_from(client, "/admin/contributors")
    done = await client.post(f"/admin/contributors/{gil.id}/withdraw", data={"csrf_token": token})
    assert done.status_code == 303
    page = await client.get(done.headers["location"])
    assert f"The profile of customer {gil.id} was taken down." in page.text
    assert "Gil the Camper" not in page.text


async def test_a_withdrawal_without_the_csrf_token_or_of_no_profile_changes_nothing(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, gil: Customer
) -> None:
    await login(carol)
    assert (await client.post(f"/admin/contributors/{gil.id}/withdraw", data={})).status_code == 403
    token = await csrf_from(client, "/admin/contributors")
    private = await Customer.create(email="private@example.net")
    missing = await client.post(f"/admin/contributors/{private.id}/withdraw", data={"csrf_token": token})
    assert missing.status_code == 404
    await gil.refresh_from_db()
    assert gil.profile_opt_in_at is not None and not await AuditEntry.exists(action="profile.withdraw")


async def test_the_list_pages_newest_first(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, db: str
) -> None:
    await Customer.bulk_create(
        [
            Customer(
                email=f"c{n}@example.net",
                profile_name=f"Camper {n}",
                profile_opt_in_at=NOW - timedelta(minutes=n),
            )
            for n in range(ADMIN_PAGE + 1)
        ]
    )
    await login(carol)
    first = await client.get("/admin/contributors")
    assert "Camper 0<" in first.text and f"Camper {ADMIN_PAGE - 1}<" in first.text
    assert f"Camper {ADMIN_PAGE}<" not in first.text and "?page=2" in first.text
    second = await client.get("/admin/contributors?page=2")
    assert f"Camper {ADMIN_PAGE}<" in second.text and "Camper 0<" not in second.text
    assert "?page=3" not in second.text
    for bad in ("x", "0", "²", "9" * 30):  # refused, naming the field
        refused = await client.get(f"/admin/contributors?page={bad}")
        assert refused.status_code == 422 and "<strong>page</strong>: must be a whole number" in refused.text


async def test_names_are_shown_as_text(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, db: str
) -> None:
    odd = await Customer.create(
        email="odd@example.net", profile_name='Al "the <b>Bold</b>"', profile_opt_in_at=NOW
    )
    await login(carol)
    page = (await client.get("/admin/contributors")).text
    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
    assert 'hx-confirm="Take down the public profile “Al &#34;the &lt;b&gt;Bold&lt;/b&gt;&#34;”?"' in page
    assert f'id="contributor-{odd.id}"' in page
