"""Does the API take claims, decide them, show the 公示 publicly and take objections?"""

from __future__ import annotations

import io

import time_machine
from PIL import Image
from support.books import assert_books_agree, posted

from points.cases import photos
from points.clock import utcnow


def _jpeg_with_exif() -> bytes:
    picture = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "location-leaking-software"  # Software
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_claim_goes_through_the_api_from_claim_to_notice_to_objection(
    client, auth, session, claims_town
):
    town = claims_town
    made = client.post(
        "/api/v1/claims",
        json={"rule_code": "rescue", "title": "帮邻居转移物资", "description": "7月台风"},
        headers=auth.headers(town.resident_a),
    )
    assert made.status_code == 201, made.json
    claim = made.json
    assert claim["status"] == "submitted"

    refused = client.post(
        f"/api/v1/claims/{claim['id']}/approve", json={}, headers=auth.headers(town.resident_a2)
    )
    assert refused.status_code == 403

    approved = client.post(
        f"/api/v1/claims/{claim['id']}/approve", json={}, headers=auth.headers(town.staff_a)
    )
    assert approved.status_code == 200, approved.json
    assert approved.json["award"]["points"] == 20
    assert approved.json["posting"]["status"] == "open"

    again = client.post(
        f"/api/v1/claims/{claim['id']}/reject",
        json={"reason": "重复"},
        headers=auth.headers(town.admin_a),
    )
    assert again.status_code == 409
    assert again.json["reason"] == "illegal_transition"
    assert again.json["errors"]["status"] == "approved"

    board = client.get(f"/api/v1/publicity?village_id={town.village_a.id}")  # no login
    assert board.status_code == 200
    [row] = board.json
    assert row["display_name"] == "张*丰" and row["points"] == 20 and row["rule"] == "抢险救灾"
    assert "张三丰" not in board.get_data(as_text=True)

    objected = client.post(
        f"/api/v1/publicity/{row['id']}/objections",
        json={"reason": "那天他不在村里"},
        headers=auth.headers(town.resident_a2),
    )
    assert objected.status_code == 201, objected.json
    twice = client.post(
        f"/api/v1/publicity/{row['id']}/objections",
        json={"reason": "再提一次"},
        headers=auth.headers(town.resident_a2),
    )
    assert twice.status_code == 409
    outsider = client.post(
        f"/api/v1/publicity/{row['id']}/objections",
        json={"reason": "x"},
        headers=auth.headers(town.resident_b),
    )
    assert outsider.status_code == 403

    queue = client.get("/api/v1/objections", headers=auth.headers(town.admin_a))
    assert [o["id"] for o in queue.json] == [objected.json["id"]]
    dismissed = client.post(
        f"/api/v1/objections/{objected.json['id']}/dismiss",
        json={"reason": "已核实有抢险记录"},
        headers=auth.headers(town.admin_a),
    )
    assert dismissed.status_code == 200 and dismissed.json["status"] == "dismissed"
    upheld = client.post(
        f"/api/v1/objections/{objected.json['id']}/uphold",
        json={},
        headers=auth.headers(town.admin_a),
    )
    assert upheld.status_code == 409 and upheld.json["errors"]["status"] == "dismissed"

    with time_machine.travel(approved.json["posting"]["ends_at"], tick=False):
        from points.cases import publicity

        assert publicity.post_due(session, utcnow()) == 1
    assert posted(session, town.resident_a) == 20
    assert_books_agree(session)


def test_a_claim_refused_for_bad_input_writes_nothing(client, auth, claims_town):
    town = claims_town
    for body, status in [
        ({"rule_code": "nope", "title": "x"}, 422),
        ({"rule_code": "rescue", "title": ""}, 422),
        ({"rule_code": "volunteer", "title": "x", "units": 99}, 422),
        ({"title": "x"}, 422),
    ]:
        answer = client.post("/api/v1/claims", json=body, headers=auth.headers(town.resident_a))
        assert answer.status_code == status, (body, answer.json)
    mine = client.get("/api/v1/claims", headers=auth.headers(town.resident_a))
    assert mine.json == []


def test_a_claims_photo_is_re_encoded_without_its_exif(client, auth, claims_town, app):
    town = claims_town
    sent = _jpeg_with_exif()
    assert b"SecretCam" in sent
    made = client.post(
        "/api/v1/claims",
        data={"rule_code": "rescue", "title": "抢险", "photo": (io.BytesIO(sent), "a.jpg")},
        headers=auth.headers(town.resident_a),
        content_type="multipart/form-data",
    )
    assert made.status_code == 201, made.json
    assert made.json["photo"] is True
    stored = list((photos.photo_path(app.instance_path, "x").parent).glob("*.webp"))
    assert stored
    newest = max(stored, key=lambda p: p.stat().st_mtime)
    data = newest.read_bytes()
    assert b"SecretCam" not in data and b"location-leaking" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert image.size == (64, 48)


def test_a_photo_with_too_many_pixels_is_refused_before_decoding(client, auth, claims_town):
    town = claims_town
    big = io.BytesIO()
    Image.new("1", (8000, 6000)).save(big, "PNG")  # 48 megapixels, a small file
    answer = client.post(
        "/api/v1/claims",
        data={
            "rule_code": "rescue",
            "title": "抢险",
            "photo": (io.BytesIO(big.getvalue()), "b.png"),
        },
        headers=auth.headers(town.resident_a),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422 and answer.json["reason"] == "bad_photo"
