"""Does the city admin pick a town, then a village, on the admin pages, and reach each
level's settings, while town and village admins keep the pickers they had?"""

from __future__ import annotations

import re

import pytest

from points.places import settings

PICKER_PAGES = ["/admin/", "/admin/reports/", "/admin/settings", "/admin/residents/"]


def options(html: str, name: str) -> list[str]:
    """The labels of a select's options, in order."""
    found = re.search(rf'<select name="{name}">(.*?)</select>', html, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", found.group(1)) if found else []


def selected(html: str, name: str) -> str | None:
    found = re.search(rf'<select name="{name}">(.*?)</select>', html, re.S)
    chosen = re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", found.group(1))
    return chosen.group(1) if chosen else None


@pytest.mark.parametrize("path", PICKER_PAGES)
def test_the_city_admin_picks_a_town_then_one_of_its_villages(
    client, auth, town, other_town, city_admin, path
):
    auth.login(city_admin)

    whole_city = client.get(path).get_data(as_text=True)
    one_town = client.get(f"{path}?town_id={other_town.town.id}").get_data(as_text=True)
    one_village = client.get(f"{path}?village_id={other_town.village_d.id}").get_data(as_text=True)

    assert options(whole_city, "town_id") == ["全市", "谷来镇", "三界镇"]
    assert options(whole_city, "village_id") == ["全市", "谷来村", "马村", "三界村", "嶀浦村"]
    assert '<optgroup label="三界镇">' in whole_city
    assert selected(one_town, "town_id") == "三界镇"
    assert options(one_town, "village_id") == ["全镇", "三界村", "嶀浦村"]
    assert selected(one_village, "town_id") == "三界镇"
    assert selected(one_village, "village_id") == "嶀浦村"


def test_changing_the_town_leaves_the_village_of_the_town_before(
    client, auth, town, other_town, city_admin
):
    auth.login(city_admin)

    page = client.get(
        f"/admin/residents/?town_id={other_town.town.id}&village_id={town.village_a.id}"
    ).get_data(as_text=True)

    assert selected(page, "town_id") == "三界镇" and selected(page, "village_id") is None
    assert "钱六" in page and "周八" in page and "张三丰" not in page


def test_the_city_admin_lists_one_towns_residents(client, auth, town, other_town, city_admin):
    auth.login(city_admin)

    everyone = client.get("/admin/residents/").get_data(as_text=True)
    one_town = client.get(f"/admin/residents/?town_id={town.town.id}").get_data(as_text=True)

    assert "张三丰" in everyone and "钱六" in everyone
    assert "张三丰" in one_town and "赵五" in one_town and "钱六" not in one_town


def test_the_city_admin_sets_the_city_defaults_and_a_towns_own(
    client, auth, session, town, other_town, city_admin
):
    auth.login(city_admin)
    city_page = client.get("/admin/settings").get_data(as_text=True)
    assert "全市默认" in city_page

    saved = client.post("/admin/settings", data={"checkin_rotate_seconds": "40"})
    town_saved = client.post(
        f"/admin/settings?town_id={other_town.town.id}", data={"checkin_rotate_seconds": "20"}
    )

    assert saved.status_code == town_saved.status_code == 302
    assert settings.get(session, "checkin_rotate_seconds", town.village_a.id) == 40
    assert settings.get(session, "checkin_rotate_seconds", other_town.village_c.id) == 20
    town_page = client.get(f"/admin/settings?town_id={other_town.town.id}").get_data(as_text=True)
    assert "三界镇" in town_page and "全镇默认" in town_page
    assert 'name="checkin_rotate_seconds" inputmode="numeric" value="20"' in town_page
    # a value the town has not set of its own shows the city's as a hint, left blank
    assert 'name="checkin_opens_before_minutes" inputmode="numeric" value=""' in town_page


@pytest.mark.parametrize("path", PICKER_PAGES)
def test_a_town_admin_picks_only_their_villages_and_no_town(client, auth, town, other_town, path):
    auth.login(town.town_admin)

    page = client.get(path).get_data(as_text=True)

    assert options(page, "town_id") == []
    assert options(page, "village_id") == ["全镇", "谷来村", "马村"]


@pytest.mark.parametrize("path", PICKER_PAGES)
def test_a_village_admin_sees_no_picker(client, auth, town, other_town, path):
    auth.login(town.admin_a)

    page = client.get(path)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert options(html, "town_id") == [] and options(html, "village_id") == []


@pytest.mark.parametrize("path", PICKER_PAGES)
def test_a_town_admin_asking_for_another_town_is_refused(client, auth, town, other_town, path):
    auth.login(town.town_admin)

    assert client.get(f"{path}?town_id={other_town.town.id}").status_code == 403
