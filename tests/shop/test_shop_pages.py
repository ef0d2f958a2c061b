"""Do the shop's pages show residents and admins what they need, and act on their forms?"""

from __future__ import annotations

import io

from PIL import Image
from shop_helpers import available, snapshot, stock_of
from sqlalchemy import select

from points.models import Redemption, Reward
from points.shop import redemption


def test_the_catalogue_tells_a_logged_in_resident_what_they_can_afford(
    client, auth, town, give, make_reward
):
    give(town.resident_a, 60)
    make_reward(name="大米 5斤", cost=50)
    make_reward(name="食用油", cost=80)
    make_reward(name="马村大米", village=town.village_b)
    anonymous = client.get("/shop").get_data(as_text=True)
    assert "大米 5斤" in anonymous and "affordable" not in anonymous
    auth.login(town.resident_a)
    page = client.get("/shop").get_data(as_text=True)
    assert page.count('data-testid="affordable"') == 1
    assert "还差 20 分" in page
    assert "马村大米" not in page


def test_a_resident_redeems_with_a_quantity_and_sees_it_pending(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    soap = make_reward(name="香皂", cost=10, stock=5)
    auth.login(town.resident_a)
    answer = client.post(f"/shop/rewards/{soap.id}", data={"quantity": "3"})
    assert answer.status_code == 302
    page = client.get("/shop/mine").get_data(as_text=True)
    assert "香皂 ×3" in page and "待审核" in page
    assert available(session, town.resident_a) == 70
    assert stock_of(session, soap.id) == 2


def test_my_redemptions_show_the_reason_the_voucher_and_an_unread_count(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    first = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    second = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    code = redemption.approve(session, actor=town.admin_a, redemption_id=first.id).voucher_code
    redemption.reject(session, actor=town.admin_a, redemption_id=second.id, reason="重复申请")
    auth.login(town.resident_a)
    page = client.get("/shop/mine").get_data(as_text=True)
    assert f'data-testid="voucher-code">{code}<' in page
    assert "<svg" in page
    assert "未通过原因：重复申请" in page
    assert 'data-testid="unread-notices">2<' in page
    assert "您有 2 条新消息" in client.get("/shop").get_data(as_text=True)
    client.post("/shop/notices/read")
    assert "新消息" not in client.get("/shop").get_data(as_text=True)


def test_a_resident_cancels_from_their_page(session, client, auth, town, give, make_reward):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=2)
    auth.login(town.resident_a)
    client.post(f"/shop/mine/{made.id}/cancel")
    assert available(session, town.resident_a) == 100
    assert session.get(Redemption, made.id).status == "cancelled"


def test_the_queue_lists_pending_first_and_filters_by_status_and_date(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    older = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    newer = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    redemption.approve(session, actor=town.admin_a, redemption_id=newer.id)
    auth.login(town.admin_a)
    page = client.get("/admin/shop/queue").get_data(as_text=True)
    assert page.index(f'data-redemption-id="{older.id}"') < page.index(
        f'data-redemption-id="{newer.id}"'
    )
    approved = client.get("/admin/shop/queue?status=approved").get_data(as_text=True)
    assert f'data-redemption-id="{newer.id}"' in approved
    assert f'data-redemption-id="{older.id}"' not in approved
    none = client.get("/admin/shop/queue?from=2020-01-01&to=2020-01-31").get_data(as_text=True)
    assert 'data-testid="queue-item"' not in none


def test_approve_and_reject_from_the_queue(session, client, auth, town, give, make_reward):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    one = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    two = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    auth.login(town.admin_a)
    client.post(f"/admin/shop/queue/{one.id}/approve")
    client.post(f"/admin/shop/queue/{two.id}/reject", data={"reason": "不在本村"})
    session.commit()
    assert session.get(Redemption, one.id).status == "approved"
    assert session.get(Redemption, two.id).reason == "不在本村"


def test_bulk_approve_page_shows_each_items_outcome(session, client, auth, town, give, make_reward):
    give(town.resident_a, 100)
    give(town.admin_a, 100)
    rice = make_reward(cost=10)
    good = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    own = redemption.request(session, resident=town.admin_a, reward_id=rice.id, quantity=1)
    auth.login(town.admin_a)
    page = client.post("/admin/shop/queue/bulk-approve", data={"ids": [own.id, good.id]})
    text = page.get_data(as_text=True)
    assert "成功 1 单，失败 1 单" in text
    assert f'data-redemption-id="{own.id}" data-ok="no"' in text
    assert "不能审核或核销自己的兑换申请" in text
    assert f'data-redemption-id="{good.id}" data-ok="yes"' in text


def test_the_handover_page_fulfils_a_typed_code_with_o_for_zero_and_refuses_a_wrong_one(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    code = redemption.approve(session, actor=town.admin_a, redemption_id=made.id).voucher_code
    auth.login(town.admin_a)
    before = snapshot(session)
    wrong = client.post("/admin/shop/handover", data={"code": "ZZZZ-ZZZZ"})
    assert wrong.status_code == 404
    assert "兑换码「ZZZZ-ZZZZ」不存在" in wrong.get_data(as_text=True)
    assert snapshot(session) == before
    typed = code.lower().replace("0", "o").replace("1", "i")
    page = client.post("/admin/shop/handover", data={"code": typed})
    assert page.status_code == 200
    assert 'data-testid="handover-done"' in page.get_data(as_text=True)
    again = client.post("/admin/shop/handover", data={"code": code})
    assert again.status_code == 409
    assert "已领取" in again.get_data(as_text=True)


def test_an_admin_adds_a_reward_with_a_picture_and_restocks_it(session, client, auth, town):
    picture = io.BytesIO()
    Image.new("RGB", (300, 300), (30, 120, 200)).save(picture, "PNG")
    auth.login(town.admin_a)
    answer = client.post(
        "/admin/shop/rewards",
        data={
            "name": "洗衣液",
            "points_cost": "40",
            "stock": "5",
            "village_id": str(town.village_a.id),
            "active": "on",
            "image": (io.BytesIO(picture.getvalue()), "soap.png"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    reward = session.scalar(select(Reward).where(Reward.name == "洗衣液"))
    assert reward.image_path and reward.stock == 5
    assert client.get(f"/shop/images/{reward.image_path}").status_code == 200
    client.post(
        f"/admin/shop/rewards/{reward.id}", data={"action": "restock", "quantity": "7", "note": ""}
    )
    assert stock_of(session, reward.id) == 12
    page = client.get(f"/admin/shop/rewards/{reward.id}").get_data(as_text=True)
    assert page.count('data-testid="movement"') == 2


def test_admin_shop_pages_refuse_residents_and_other_villages(
    session, client, auth, town, make_reward
):
    rice_b = make_reward(village=town.village_b)
    auth.login(town.resident_a)
    assert client.get("/admin/shop/queue").status_code == 403
    auth.logout()
    auth.login(town.admin_a)
    before = snapshot(session)
    answer = client.post(
        f"/admin/shop/rewards/{rice_b.id}", data={"action": "restock", "quantity": "5"}
    )
    assert answer.status_code == 403
    assert client.get(f"/admin/shop/rewards/{rice_b.id}").status_code == 403
    assert snapshot(session) == before
