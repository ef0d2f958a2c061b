"""Each role's daily path: where they land, what /me tells a resident, and admin pages that
say things in plain words."""

from __future__ import annotations

from points.admin import adjustments
from points.shop import redemption


def test_each_role_lands_on_its_first_tab(client, auth, town):
    for person, landing in (
        (town.resident_a, "/me"),
        (town.staff_a, "/events/manage"),
        (town.admin_a, "/admin/"),
        (town.town_admin, "/admin/"),
    ):
        answer = auth.login(person)
        assert answer.headers["Location"].endswith(landing), (person.name, answer.headers)
        auth.logout()


def test_a_phone_shows_four_tabs_for_each_role(client, auth, town):
    page = client.get("/").get_data(as_text=True)
    tabs = page.split('data-testid="tabbar"')[1].split("</nav>")[0]
    assert tabs.count("<a ") == 4 and "排行榜" in tabs
    auth.login(town.staff_a)
    tabs = client.get("/me").get_data(as_text=True).split('data-testid="tabbar"')[1]
    tabs = tabs.split("</nav>")[0]
    assert tabs.count("<a ") == 4 and "我的活动" in tabs and "家访" in tabs


def test_a_resident_sees_an_approved_redemption_and_the_unread_badge_on_me(
    client, auth, town, session, give, make_reward
):
    give(town.resident_a, 100)
    reward = make_reward(name="毛巾", cost=30)
    asked = redemption.request(session, resident=town.resident_a, reward_id=reward.id, quantity=1)
    redemption.approve(session, actor=town.admin_a, redemption_id=asked.id)
    auth.login(town.resident_a)
    me = client.get("/me").get_data(as_text=True)
    assert 'data-testid="me-notices"' in me and "毛巾" in me
    assert 'data-testid="unread-badge">1<' in me
    client.post("/shop/notices/read", data={"next": "/me"})
    again = client.get("/me").get_data(as_text=True)
    assert 'data-testid="me-notices"' not in again and "unread-badge" not in again


def test_a_reward_out_of_reach_offers_events_instead_of_a_redeem_button(
    client, auth, town, give, make_reward
):
    give(town.resident_a, 20)
    reward = make_reward(cost=72)
    auth.login(town.resident_a)
    page = client.get(f"/shop/rewards/{reward.id}").get_data(as_text=True)
    assert "还差 52 分" in page and "看近期活动" in page
    assert 'data-testid="redeem"' not in page
    give(town.resident_a, 60)
    assert 'data-testid="redeem"' in client.get(f"/shop/rewards/{reward.id}").get_data(as_text=True)


def test_the_audit_log_reads_as_sentences_with_names_and_fields(client, auth, town, session):
    adjustments.adjust(
        session, actor=town.admin_a, resident_id=town.resident_a.id, amount=10, reason="见义勇为"
    )
    auth.login(town.admin_a)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "谷来书记 给 张三丰 加减分" in page
    assert "\\u" not in page and "points.adjust</td>" not in page
    assert "原因" in page and "见义勇为" in page
    recent = client.get("/admin/adjustments").get_data(as_text=True)
    assert 'data-testid="adjusted-resident">张三丰<' in recent


def test_checkin_reversal_searches_and_pages(client, auth, town, session, make_event, make_person):
    from points import checkin

    people = [make_person(town.village_a, name=f"村民{i:02d}") for i in range(35)]
    event = make_event(title="消防演练")
    for person in people:
        checkin.check_in_manually(
            session, event_id=event.id, resident_id=person.id, actor=town.admin_a
        )
    auth.login(town.admin_a)
    first = client.get("/admin/checkins").get_data(as_text=True)
    assert first.count("/reverse") == 30 and 'data-testid="next-page"' in first
    second = client.get("/admin/checkins?page=2").get_data(as_text=True)
    assert second.count("/reverse") == 5
    found = client.get("/admin/checkins?q=村民07").get_data(as_text=True)
    assert found.count("/reverse") == 1 and "村民07" in found


def test_low_stock_names_the_village_and_the_home_page_counts_residents_only(
    client, auth, town, make_reward
):
    make_reward(name="牙膏", stock=0)
    make_reward(name="牙膏", stock=0, village=town.village_b)
    auth.login(town.town_admin)
    board = client.get("/admin/").get_data(as_text=True)
    low = board.split('data-testid="low-stock">')[1].split("</ul>")[0]
    assert "牙膏 · 谷来村" in low and "牙膏 · 马村" in low and low.count("牙膏") == 2
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="residents">3<' in home  # the six officials are not villagers
