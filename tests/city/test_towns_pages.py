"""Can the city admin see, open and name the towns, and is everyone else kept out?"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from points import places
from points.models import AuditEntry, EventCategory


def categories_of(session, town_id: int) -> int:
    query = select(func.count()).select_from(EventCategory)
    return session.scalar(query.where(EventCategory.town_id == town_id))


def test_the_city_admin_sees_every_town_with_its_figures(
    client, auth, town, other_town, city_admin, check_in
):
    check_in(town.resident_a, 10)
    check_in(other_town.resident_c, 7)
    check_in(other_town.resident_d, 5)
    auth.login(city_admin)

    page = client.get("/admin/towns/")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "谷来镇" in text and "三界镇" in text
    assert "香榧币" in text and "三界分" in text
    assert f'data-town-id="{other_town.town.id}"' in text
    row = text.split(f'data-town-id="{other_town.town.id}"')[1].split("</tr>")[0]
    assert 'data-figure="participants">2<' in row
    assert 'data-figure="checkins">2<' in row
    assert 'data-figure="issued">12<' in row
    assert 'data-figure="outstanding">12<' in row


def test_the_towns_page_links_to_registering_a_town_admin_in_that_town(
    client, auth, town, other_town, city_admin
):
    auth.login(city_admin)
    text = client.get("/admin/towns/").get_data(as_text=True)
    assert f"/admin/residents/new?role=town_admin&amp;town_id={other_town.town.id}" in text

    form = client.get(f"/admin/residents/new?role=town_admin&town_id={other_town.town.id}")

    html = form.get_data(as_text=True)
    assert '<option value="town_admin" selected>' in html
    assert f'<option value="{other_town.town.id}" selected>三界镇</option>' in html


def test_the_city_admin_opens_a_town_that_starts_with_the_default_categories(
    client, auth, session, town, city_admin
):
    auth.login(city_admin)

    answer = client.post(
        "/admin/towns/",
        data={
            "name": "甘霖镇",
            "code": "GLN",
            "points_name": "甘霖豆",
            "scheme_name": "甘霖平安分",
        },
    )

    assert answer.status_code == 302
    made = places.town_by_code(session, "GLN")
    assert (made.name, made.points_name) == ("甘霖镇", "甘霖豆")
    assert places.scheme_of(session, made).name == "甘霖平安分"
    assert categories_of(session, made.id) == categories_of(session, town.town.id) > 0
    assert "甘霖镇" in client.get("/admin/towns/").get_data(as_text=True)


def test_opening_a_town_with_a_code_already_taken_says_so_and_adds_nothing(
    client, auth, session, town, city_admin
):
    auth.login(city_admin)

    answer = client.post("/admin/towns/", data={"name": "又一个谷来镇", "code": "GL"})

    assert answer.status_code == 422
    assert "GL" in answer.get_data(as_text=True) and "已被使用" in answer.get_data(as_text=True)
    assert [t.name for t in places.towns(session)] == ["谷来镇"]


def test_the_api_opens_a_town_with_its_categories_as_the_page_does(
    client, auth, session, town, city_admin
):
    answer = client.post(
        "/api/v1/towns",
        json={"name": "长乐镇", "code": "CL", "scheme_name": "长乐积分"},
        headers=auth.headers(city_admin),
    )

    assert answer.status_code == 201
    body = answer.get_json()
    assert (body["points_name"], body["scheme_name"]) == ("积分", "长乐积分")
    assert categories_of(session, body["id"]) == categories_of(session, town.town.id) > 0


def test_renaming_a_towns_points_shows_the_new_name_on_its_pages(
    client, auth, session, town, other_town, city_admin
):
    auth.login(city_admin)
    answer = client.post(
        f"/admin/towns/{town.town.id}",
        data={"name": "谷来镇", "points_name": "平安豆", "scheme_name": "谷来平安积分"},
    )
    assert answer.status_code == 302
    auth.logout()

    auth.login(town.resident_a)
    page = client.get("/me").get_data(as_text=True)

    assert "平安豆" in page and "香榧币" not in page
    assert "谷来平安积分" in page
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "town.update"))
    assert entry.before["points_name"] == "香榧币" and entry.after["points_name"] == "平安豆"
    assert entry.after["scheme_name"] == "谷来平安积分"


def test_a_town_admin_names_their_own_towns_points_on_the_page_and_in_the_api(
    client, auth, session, town, other_town
):
    headers = auth.headers(town.town_admin)
    auth.login(town.town_admin)
    assert (
        client.get("/admin/towns/mine").headers["Location"].endswith(f"/admin/towns/{town.town.id}")
    )
    form = client.get(f"/admin/towns/{town.town.id}").get_data(as_text=True)
    assert 'value="香榧币"' in form and 'value="平安积分"' in form

    answer = client.post(f"/admin/towns/{town.town.id}", data={"points_name": "榧子币"})

    assert answer.status_code == 302
    listed = {t["code"]: t for t in client.get("/api/v1/towns").get_json()}
    assert listed["GL"]["points_name"] == "榧子币"
    assert listed["GL"]["scheme_name"] == "平安积分"
    patched = client.patch(
        f"/api/v1/towns/{town.town.id}",
        json={"scheme_name": "香榧积分"},
        headers=headers,
    )
    assert patched.status_code == 200
    assert patched.get_json()["scheme_name"] == "香榧积分"
    form = client.get(f"/admin/towns/{town.town.id}").get_data(as_text=True)
    assert 'value="香榧积分"' in form and 'value="榧子币"' in form


def test_a_town_admin_may_not_rename_another_town_by_page_or_api(
    client, auth, session, town, other_town
):
    api = client.patch(
        f"/api/v1/towns/{other_town.town.id}",
        json={"points_name": "偷来的币"},
        headers=auth.headers(town.town_admin),
    )
    auth.login(town.town_admin)
    page = client.post(f"/admin/towns/{other_town.town.id}", data={"points_name": "偷来的币"})

    assert page.status_code == 403 and api.status_code == 403
    assert client.get(f"/admin/towns/{other_town.town.id}").status_code == 403
    session.expire_all()
    assert places.get_town(session, other_town.town.id).points_name == "三界分"


CITY_PAGES = [
    ("get", "/admin/towns/"),
    ("post", "/admin/towns/"),
    ("get", "/api/v1/towns/figures"),
    ("post", "/api/v1/towns"),
]


@pytest.mark.parametrize(("method", "path"), CITY_PAGES)
@pytest.mark.parametrize("who", ["town_admin", "admin_a", "resident_a"])
def test_only_the_city_admin_opens_the_city_pages(client, auth, session, town, who, method, path):
    person = getattr(town, who)
    body = {"name": "新镇", "code": "XZ"}
    if path.startswith("/api/"):
        answer = getattr(client, method)(path, json=body, headers=auth.headers(person))
    else:
        auth.login(person)
        answer = getattr(client, method)(path, data=body)

    assert answer.status_code == 403
    assert [t.code for t in places.towns(session)] == ["GL"]


def test_the_city_tabs_show_only_to_those_who_may_open_them(client, auth, town, city_admin):
    auth.login(city_admin)
    city_tabs = client.get("/admin/").get_data(as_text=True)
    auth.logout()
    auth.login(town.town_admin)
    town_tabs = client.get("/admin/").get_data(as_text=True)
    auth.logout()
    auth.login(town.admin_a)
    village_tabs = client.get("/admin/").get_data(as_text=True)

    assert 'href="/admin/towns/"' in city_tabs and 'href="/admin/towns/mine"' not in city_tabs
    assert 'href="/admin/towns/mine"' in town_tabs and 'href="/admin/towns/"' not in town_tabs
    assert "/admin/towns" not in village_tabs
