"""Does the /rewards and /redemptions API keep the contract, the scope and Idempotency-Key?"""

from __future__ import annotations

import io

import qrcode
from PIL import Image
from pyzbar.pyzbar import decode
from shop_helpers import available, snapshot

from points.shop import redemption


def test_the_public_catalogue_lists_active_rewards_with_the_contract_fields(
    client, town, make_reward
):
    make_reward(name="大米 5斤", cost=50, stock=10)
    make_reward(name="旧毛巾", cost=5, active=False)
    answer = client.get("/api/v1/rewards")
    assert answer.status_code == 200
    [rice] = answer.get_json()
    assert {"id", "name", "description", "points_cost", "stock", "village_id", "active"} <= set(
        rice
    )
    assert (rice["name"], rice["points_cost"], rice["stock"]) == ("大米 5斤", 50, 10)


def test_a_resident_sees_their_villages_and_town_wide_rewards_only(client, auth, town, make_reward):
    make_reward(name="谷来大米")
    make_reward(name="马村大米", village=town.village_b)
    make_reward(name="全镇毛巾", village=None)
    answer = client.get("/api/v1/rewards", headers=auth.headers(town.resident_b))
    assert sorted(r["name"] for r in answer.get_json()) == ["全镇毛巾", "马村大米"]


def test_an_admin_adds_and_restocks_a_reward_and_the_movements_are_published(client, auth, town):
    headers = auth.headers(town.admin_a)
    made = client.post(
        "/api/v1/rewards",
        json={"name": "洗衣液", "points_cost": 40, "stock": 6, "monthly_limit": 2},
        headers=headers,
    )
    assert made.status_code == 201
    reward = made.get_json()
    assert reward["village_id"] == town.village_a.id
    restocked = client.post(
        f"/api/v1/rewards/{reward['id']}/restock", json={"quantity": 4}, headers=headers
    )
    assert restocked.get_json()["stock"] == 10
    moves = client.get("/api/v1/stock-movements", headers=headers).get_json()
    assert [(m["kind"], m["quantity"]) for m in moves] == [("restock", 4), ("restock", 6)]
    other = client.get("/api/v1/stock-movements", headers=auth.headers(town.admin_b)).get_json()
    assert other == []


def test_a_correction_cannot_take_more_stock_than_is_on_the_shelf(client, auth, town, session):
    headers = auth.headers(town.admin_a)
    reward = client.post(
        "/api/v1/rewards", json={"name": "毛巾", "points_cost": 10, "stock": 2}, headers=headers
    ).get_json()
    before = snapshot(session)
    answer = client.post(
        f"/api/v1/rewards/{reward['id']}/restock", json={"quantity": -3}, headers=headers
    )
    assert answer.status_code == 409
    assert snapshot(session) == before


def test_an_uploaded_image_is_reencoded_and_served(app, client, auth, town, make_reward):
    rice = make_reward()
    picture = io.BytesIO()
    Image.new("RGB", (1600, 900), (250, 220, 120)).save(picture, "JPEG")
    answer = client.post(
        f"/api/v1/rewards/{rice.id}/image",
        data={"file": (io.BytesIO(picture.getvalue()), "rice.jpg")},
        headers=auth.headers(town.admin_a),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200
    url = answer.get_json()["image_url"]
    served = client.get(url)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "WEBP"
    assert max(image.size) == 1024


def test_a_redemption_request_answers_201_pending_with_the_points_held(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 120)
    rice = make_reward(cost=50)
    answer = client.post(
        "/api/v1/redemptions",
        json={"reward_id": rice.id, "quantity": 2},
        headers=auth.headers(town.resident_a),
    )
    assert answer.status_code == 201
    body = answer.get_json()
    assert (body["status"], body["points"], body["quantity"]) == ("pending", 100, 2)
    assert available(session, town.resident_a) == 20


def test_the_same_idempotency_key_replays_the_first_answer_and_holds_once(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 200)
    rice = make_reward(cost=50)
    headers = auth.headers(town.resident_a, **{"Idempotency-Key": "phone-retry-1"})
    first = client.post(
        "/api/v1/redemptions", json={"reward_id": rice.id, "quantity": 1}, headers=headers
    )
    again = client.post(
        "/api/v1/redemptions", json={"reward_id": rice.id, "quantity": 1}, headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert available(session, town.resident_a) == 150
    other = client.post(
        "/api/v1/redemptions", json={"reward_id": rice.id, "quantity": 2}, headers=headers
    )
    assert other.status_code == 409
    assert available(session, town.resident_a) == 150


def test_approve_returns_the_voucher_whose_qr_decodes_to_it(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    rice = make_reward(cost=50)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    answer = client.post(
        f"/api/v1/redemptions/{made.id}/approve", headers=auth.headers(town.admin_a)
    )
    assert answer.status_code == 200
    code = answer.get_json()["voucher_code"]
    assert answer.get_json()["status"] == "approved"
    # The SVG is drawn from the same data: a PNG from qrcode's PIL factory checks the content.
    svg = client.get(
        f"/api/v1/redemptions/{made.id}/voucher.svg", headers=auth.headers(town.resident_a)
    )
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    png = qrcode.make(code).get_image()
    assert decode(png)[0].data.decode() == code


def test_listing_redemptions_is_scoped_admins_their_village_residents_their_own(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    give(town.resident_a2, 100)
    give(town.resident_b, 100)
    towel = make_reward(name="毛巾", cost=10, village=None)
    for person in (town.resident_a, town.resident_a2, town.resident_b):
        redemption.request(session, resident=person, reward_id=towel.id, quantity=1)

    def residents(user, query=""):
        answer = client.get(f"/api/v1/redemptions{query}", headers=auth.headers(user))
        return sorted(r["resident_id"] for r in answer.get_json())

    assert residents(town.admin_a) == sorted([town.resident_a.id, town.resident_a2.id])
    assert residents(town.admin_b) == [town.resident_b.id]
    assert residents(town.resident_a) == [town.resident_a.id]
    assert len(residents(town.town_admin)) == 3
    assert residents(town.admin_a, "?status=approved") == []
    theirs = client.get(
        f"/api/v1/redemptions/{redemption.mine(session, town.resident_b.id)[0].id}",
        headers=auth.headers(town.resident_a),
    )
    assert theirs.status_code == 403


def test_a_village_admin_gets_403_for_another_villages_redemption(
    session, client, auth, town, give, make_reward
):
    give(town.resident_b, 100)
    rice_b = make_reward(cost=10, village=town.village_b)
    made = redemption.request(session, resident=town.resident_b, reward_id=rice_b.id, quantity=1)
    headers = auth.headers(town.admin_a)
    before = snapshot(session)
    for action, body in (("approve", None), ("reject", {"reason": "不行"}), ("fulfil", {})):
        answer = client.post(f"/api/v1/redemptions/{made.id}/{action}", json=body, headers=headers)
        assert answer.status_code == 403
    assert snapshot(session) == before


def test_a_resident_cannot_approve_and_cannot_cancel_someone_elses_request(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a2, 100)
    rice = make_reward(cost=10)
    made = redemption.request(session, resident=town.resident_a2, reward_id=rice.id, quantity=1)
    headers = auth.headers(town.resident_a)
    before = snapshot(session)
    assert client.post(f"/api/v1/redemptions/{made.id}/approve", headers=headers).status_code == 403
    assert client.post(f"/api/v1/redemptions/{made.id}/cancel", headers=headers).status_code == 403
    assert snapshot(session) == before


def test_an_illegal_transition_answers_409_with_a_clear_message(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    headers = auth.headers(town.admin_a)
    client.post(f"/api/v1/redemptions/{made.id}/approve", headers=headers)
    again = client.post(f"/api/v1/redemptions/{made.id}/approve", headers=headers)
    assert again.status_code == 409
    body = again.get_json()
    assert body["reason"] == "illegal_transition"
    assert "已通过" in body["message"] and "不能审核通过" in body["message"]


def test_fulfil_by_a_typed_voucher_and_a_wrong_voucher_on_the_path(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    code = redemption.approve(session, actor=town.admin_a, redemption_id=made.id).voucher_code
    headers = auth.headers(town.admin_a)
    wrong = client.post(
        f"/api/v1/redemptions/{made.id}/fulfil", json={"voucher_code": "ZZZZZZZZ"}, headers=headers
    )
    assert wrong.status_code == 422
    done = client.post(
        "/api/v1/vouchers/fulfil", json={"voucher_code": code.lower()}, headers=headers
    )
    assert done.status_code == 200
    assert done.get_json()["status"] == "fulfilled"
    assert done.get_json()["fulfilled_by"] == town.admin_a.id


def test_bulk_approve_over_the_api_reports_each_item(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    good = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    gone = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    redemption.cancel(session, resident=town.resident_a, redemption_id=gone.id)
    answer = client.post(
        "/api/v1/redemptions/bulk-approve",
        json={"ids": [gone.id, good.id]},
        headers=auth.headers(town.admin_a),
    )
    body = answer.get_json()
    assert (body["approved"], body["failed"]) == (1, 1)
    assert [(r["redemption_id"], r["ok"]) for r in body["results"]] == [
        (gone.id, False),
        (good.id, True),
    ]
    assert "已取消" in body["results"][0]["message"]


def test_notices_arrive_on_approve_and_reject_and_can_be_marked_read(
    session, client, auth, town, give, make_reward
):
    give(town.resident_a, 100)
    rice = make_reward(cost=10)
    first = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    second = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    redemption.approve(session, actor=town.admin_a, redemption_id=first.id)
    redemption.reject(session, actor=town.admin_a, redemption_id=second.id, reason="库存核对中")
    headers = auth.headers(town.resident_a)
    mine = client.get("/api/v1/me/notices", headers=headers).get_json()
    assert mine["unread"] == 2
    assert any("库存核对中" in n["message"] for n in mine["notices"])
    assert client.post("/api/v1/me/notices/read", json={}, headers=headers).get_json() == {
        "marked": 2
    }
    assert client.get("/api/v1/me/notices", headers=headers).get_json()["unread"] == 0
    assert (
        client.get("/api/v1/me/notices", headers=auth.headers(town.resident_b)).get_json()[
            "notices"
        ]
        == []
    )
