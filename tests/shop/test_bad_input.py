"""Does bad input get a clear 4xx (or form error) and write nothing?"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from shop_helpers import snapshot

from points.shop import catalogue, redemption


@pytest.fixture
def shop(session, town, give, make_reward):
    give(town.resident_a, 500)
    rice = make_reward(cost=50, stock=10)
    return rice


def test_a_bad_quantity_is_refused_with_422_and_nothing_written(session, client, auth, town, shop):
    headers = auth.headers(town.resident_a)
    before = snapshot(session)
    for quantity in (0, -1, "x", "1", 1.5, 10**9, None, True):
        answer = client.post(
            "/api/v1/redemptions",
            json={"reward_id": shop.id, "quantity": quantity},
            headers=headers,
        )
        assert answer.status_code == 422, quantity
        assert "quantity" in answer.get_json()["errors"], quantity
    assert snapshot(session) == before


def test_a_bad_quantity_on_the_redeem_page_shows_a_form_error(session, client, auth, town, shop):
    auth.login(town.resident_a)
    before = snapshot(session)
    for quantity in (0, -1, "x", "", str(10**9)):
        answer = client.post(f"/shop/rewards/{shop.id}", data={"quantity": quantity})
        assert answer.status_code == 422, quantity
        assert "数量必须是 1 到 99 之间的整数" in answer.get_data(as_text=True)
    assert snapshot(session) == before


def test_redeeming_more_points_than_the_ledger_allows_is_refused(
    session, client, auth, town, make_reward
):
    gold = make_reward(name="金条", cost=catalogue.MAX_COST, stock=None)
    before = snapshot(session)
    answer = client.post(
        "/api/v1/redemptions",
        json={"reward_id": gold.id, "quantity": redemption.MAX_QUANTITY},
        headers=auth.headers(town.resident_a),
    )
    assert answer.status_code == 422
    assert snapshot(session) == before


def test_an_inactive_reward_cannot_be_redeemed(session, client, auth, town, give, make_reward):
    give(town.resident_a, 500)
    gone = make_reward(name="旧毛巾", cost=10, active=False)
    before = snapshot(session)
    answer = client.post(
        "/api/v1/redemptions",
        json={"reward_id": gone.id, "quantity": 1},
        headers=auth.headers(town.resident_a),
    )
    assert answer.status_code == 409
    assert answer.get_json()["reason"] == "reward_unavailable"
    assert snapshot(session) == before
    assert client.get(f"/shop/rewards/{gone.id}").status_code == 404


def test_another_villages_reward_cannot_be_redeemed(session, client, auth, town, make_reward, give):
    give(town.resident_b, 500)
    rice_a = make_reward(cost=10)
    before = snapshot(session)
    answer = client.post(
        "/api/v1/redemptions",
        json={"reward_id": rice_a.id, "quantity": 1},
        headers=auth.headers(town.resident_b),
    )
    assert answer.status_code == 403
    assert answer.get_json()["reason"] == "other_village"
    assert snapshot(session) == before


UNKNOWN = [
    ("post", "/api/v1/redemptions", {"reward_id": 987654, "quantity": 1}, "resident_a"),
    ("get", "/api/v1/redemptions/987654", None, "admin_a"),
    ("post", "/api/v1/redemptions/987654/approve", None, "admin_a"),
    ("post", "/api/v1/redemptions/987654/reject", {"reason": "无"}, "admin_a"),
    ("post", "/api/v1/redemptions/987654/fulfil", {}, "admin_a"),
    ("post", "/api/v1/redemptions/987654/cancel", None, "resident_a"),
    ("post", "/api/v1/vouchers/fulfil", {"voucher_code": "ZZZZZZZZ"}, "admin_a"),
    ("get", "/api/v1/rewards/987654", None, "admin_a"),
    ("post", "/api/v1/rewards/987654/restock", {"quantity": 3}, "admin_a"),
]


def test_unknown_ids_answer_404_and_write_nothing(session, client, auth, town, shop):
    headers = {who: auth.headers(getattr(town, who)) for who in ("resident_a", "admin_a")}
    before = snapshot(session)
    for method, path, body, who in UNKNOWN:
        answer = getattr(client, method)(path, json=body, headers=headers[who])
        assert answer.status_code == 404, path
        assert answer.get_json()["message"]
    assert snapshot(session) == before


def test_a_reject_without_a_reason_is_refused(session, client, auth, town, shop):
    made = redemption.request(session, resident=town.resident_a, reward_id=shop.id, quantity=1)
    headers = auth.headers(town.admin_a)
    before = snapshot(session)
    for body in ({}, {"reason": ""}, {"reason": "x" * 201}):
        answer = client.post(f"/api/v1/redemptions/{made.id}/reject", json=body, headers=headers)
        assert answer.status_code == 422
    auth.login(town.admin_a)
    client.post(f"/admin/shop/queue/{made.id}/reject", data={"reason": "  "})
    assert snapshot(session) == before


def png_bytes(size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"<script>alert(1)</script>", "rice.png"),  # not an image, whatever its name
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "rice.png"),  # a PNG header with nothing behind it
        (gif_bytes(), "rice.gif"),  # an image, but not a type we take
        (b"", "empty.jpg"),
        ("oversized", "big.png"),
    ],
    ids=["script", "truncated-png", "gif", "empty", "oversized"],
)
def test_a_bad_upload_is_refused_and_nothing_is_stored(
    app, session, client, auth, town, shop, content, filename
):
    if content == "oversized":
        app.config["UPLOAD_MAX_BYTES"] = 1000
        content = png_bytes((400, 400)) + b"\0" * 2000
    before = snapshot(session)
    answer = client.post(
        f"/api/v1/rewards/{shop.id}/image",
        data={"file": (io.BytesIO(content), filename)},
        headers=auth.headers(town.admin_a),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert answer.get_json()["reason"] == "bad_image"
    auth.login(town.admin_a)
    page = client.post(
        "/admin/shop/rewards",
        data={
            "name": "新奖品",
            "points_cost": "10",
            "village_id": str(town.village_a.id),
            "active": "on",
            "image": (io.BytesIO(content), filename),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    assert "图片无法使用" in page.get_data(as_text=True)
    assert snapshot(session) == before
    folder = catalogue.image_folder(app.instance_path)
    assert not folder.exists() or not any(folder.iterdir())


def test_a_bad_reward_form_is_refused_with_a_form_error(session, client, auth, town):
    auth.login(town.admin_a)
    before = snapshot(session)
    for form in (
        {"name": "", "points_cost": "10"},
        {"name": "大米", "points_cost": "abc"},
        {"name": "大米", "points_cost": "0"},
        {"name": "大米", "points_cost": "10", "stock": "-3"},
        {"name": "大米", "points_cost": "10", "monthly_limit": "x"},
    ):
        page = client.post(
            "/admin/shop/rewards", data={**form, "village_id": str(town.village_a.id)}
        )
        assert page.status_code == 422, form
        assert 'class="flash flash-error"' in page.get_data(as_text=True)
    assert snapshot(session) == before


def test_a_village_admin_cannot_add_a_town_wide_or_another_villages_reward(
    session, client, auth, town
):
    headers = auth.headers(town.admin_a)
    before = snapshot(session)
    for village_id in (None, town.village_b.id):
        answer = client.post(
            "/api/v1/rewards",
            json={"name": "毛巾", "points_cost": 10, "village_id": village_id},
            headers=headers,
        )
        assert answer.status_code == 403
    assert snapshot(session) == before
