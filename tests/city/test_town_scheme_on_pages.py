"""Does every page of a town show that town's scheme and count points in its own name?"""

from __future__ import annotations

from points import places
from points.shop import catalogue


def header(page) -> str:
    """The top bar's brand: the scheme's name, the town and the name of its points."""
    text = page.get_data(as_text=True)
    return text.split('data-testid="scheme"')[1].split("</a>")[0]


def test_the_header_names_each_towns_own_scheme_and_points(client, auth, town, other_town):
    auth.login(town.resident_a)
    home = header(client.get("/me"))
    auth.logout()
    auth.login(other_town.resident_c)
    other = header(client.get("/me"))

    assert "谷来镇" in home and "香榧币" in home and "三界" not in home
    assert "三界镇" in other and "三界分" in other and "香榧币" not in other


def test_my_points_counts_in_the_towns_points(client, auth, town, give):
    give(town.resident_a, 83)
    auth.login(town.resident_a)

    page = client.get("/me").get_data(as_text=True)

    assert '"balance">83</span><span class="unit">香榧币</span>' in page


def test_the_catalogue_prices_rewards_in_the_towns_points(client, auth, session, town):
    catalogue.create_reward(
        session,
        actor=town.admin_a,
        fields=catalogue.RewardFields(
            name="菜籽油", points_cost=40, stock=None, village_id=town.village_a.id
        ),
    )
    auth.login(town.resident_a)

    page = client.get("/shop").get_data(as_text=True)

    assert "<strong>40</strong> 香榧币" in page


def test_a_scheme_renamed_in_the_towns_settings_heads_its_pages(client, auth, session, town):
    places.update_town(session, town.town_admin, town.town.id, scheme_name="香榧平安积分")
    auth.login(town.resident_a)

    page = client.get("/me").get_data(as_text=True)

    assert "香榧平安积分" in header(client.get("/me"))
    assert "<title>我的积分 · 谷来镇香榧平安积分</title>" in page


def test_with_one_town_a_visitor_sees_that_towns_scheme(client, town):
    assert "香榧币" in header(client.get("/"))
    assert "town-pick" not in client.get("/").get_data(as_text=True)  # nothing to pick


def test_a_visitor_picks_a_town_and_its_pages_remember_it(client, session, town, other_town):
    catalogue.create_reward(
        session,
        actor=other_town.admin_c,
        fields=catalogue.RewardFields(
            name="三界茶叶", points_cost=30, stock=None, village_id=other_town.village_c.id
        ),
    )
    catalogue.create_reward(
        session,
        actor=town.admin_a,
        fields=catalogue.RewardFields(
            name="谷来香榧", points_cost=50, stock=None, village_id=town.village_a.id
        ),
    )
    whole_city = client.get("/shop")
    assert "三界镇" not in header(whole_city)
    assert '/shop?town=SJ"' in whole_city.get_data(as_text=True)

    picked = client.get("/shop?town=SJ")
    later = client.get("/shop")

    for page in (picked, later):
        text = page.get_data(as_text=True)
        assert "三界镇" in header(page) and "三界分" in header(page)
        assert "三界茶叶" in text and "谷来香榧" not in text
        assert "<strong>30</strong> 三界分" in text
    back = client.get("/?town=")
    assert "三界镇" not in header(back)


def test_a_town_that_does_not_exist_is_not_picked(client, town, other_town):
    page = client.get("/?town=NOPE")

    assert page.status_code == 200
    assert "三界镇" not in header(page) and "谷来镇" not in header(page)


def test_the_city_admin_picks_a_town_and_a_town_admin_always_sees_their_own(
    client, auth, town, other_town, city_admin
):
    auth.login(city_admin)
    assert "三界镇" in header(client.get("/admin/towns/?town=SJ"))
    assert "三界镇" in header(client.get("/admin/"))
    auth.logout()
    auth.login(town.town_admin)

    asked_for_another = client.get("/admin/?town=SJ")

    assert "谷来镇" in header(asked_for_another) and "三界镇" not in header(asked_for_another)


def test_the_english_pages_call_plain_points_points(client, session, town, other_town):
    places.update_town(session, other_town.town_admin, other_town.town.id, points_name="")
    client.get("/lang/en")

    page = client.get("/?town=SJ")

    assert "三界镇 · Points" in header(page)
    assert "Ping&#39;an Points" in header(page)
