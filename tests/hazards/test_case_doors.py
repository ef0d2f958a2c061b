"""Do the API and the pages take hazard reports and disputes through their moves — with the
photos' EXIF gone and a dispute's parties never in any public answer?"""

from __future__ import annotations

import io
import json

from PIL import Image
from sqlalchemy import select
from support.books import assert_books_agree

from points.cases import photos
from points.models import Case, CasePhoto

PARTY, PARTY_PHONE = "欧阳纠纷", "13766665555"


def _text(answer) -> str:
    """What an answer says, as a reader sees it (JSON with its characters, not escapes)."""
    if answer.is_json:
        return json.dumps(answer.get_json(), ensure_ascii=False)
    return answer.get_data(as_text=True)


def _jpeg(colour=(200, 40, 40)) -> bytes:
    """A phone photo that says where and with what it was taken."""
    picture = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "location-leaking-software"  # Software
    gps = {1: "N", 2: (29.0, 36.0, 1.0), 3: "E", 4: (120.0, 49.0, 2.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes())
    assert b"SecretCam" in out.getvalue()
    return out.getvalue()


def test_a_hazard_goes_through_the_api_and_its_photos_keep_no_exif(
    app, client, auth, session, hazard_town
):
    t = hazard_town
    resident, staff = auth.headers(t.resident_a), auth.headers(t.staff_a)
    made = client.post(
        "/api/v1/cases",
        data={
            "kind": "hazard",
            "title": "池塘护栏缺失",
            "place_text": "村东池塘",
            "photos": [(io.BytesIO(_jpeg()), "a.jpg"), (io.BytesIO(_jpeg((0, 0, 90))), "b.jpg")],
        },
        headers=resident,
        content_type="multipart/form-data",
    )
    assert made.status_code == 201, made.json
    case_id = made.json["id"]
    assert made.json["status"] == "submitted" and len(made.json["photos"]) == 2
    assert made.json["lat"] is None  # no position unless the reporter gives one
    for name in session.scalars(select(CasePhoto.name)):
        stored = photos.photo_path(app.instance_path, name).read_bytes()
        assert b"SecretCam" not in stored and b"location-leaking" not in stored
        with Image.open(io.BytesIO(stored)) as image:
            assert not image.getexif()

    assert client.post(f"/api/v1/cases/{case_id}/verify", headers=resident).status_code == 403
    verified = client.post(f"/api/v1/cases/{case_id}/verify", headers=staff)
    assert verified.status_code == 200, verified.json
    assert verified.json["award"]["points"] == 10 and verified.json["posting"]["status"] == "open"
    again = client.post(f"/api/v1/cases/{case_id}/reject", json={"reason": "x"}, headers=staff)
    assert again.status_code == 409
    assert again.json["reason"] == "illegal_transition"
    assert again.json["errors"]["status"] == "verified"

    assert (
        client.post(
            f"/api/v1/cases/{case_id}/assign", json={"department": "镇水利站"}, headers=staff
        ).status_code
        == 200
    )
    fixed = client.post(
        f"/api/v1/cases/{case_id}/fix",
        data={"photos": [(io.BytesIO(_jpeg()), "fix.jpg")]},
        headers=staff,
        content_type="multipart/form-data",
    )
    assert fixed.status_code == 200, fixed.json
    rated = client.post(
        f"/api/v1/cases/{case_id}/rate", json={"rating": 4, "comment": "好"}, headers=resident
    )
    assert (rated.status_code, rated.json["status"], rated.json["rating"]) == (200, "closed", 4)
    mine = client.get("/api/v1/cases", headers=resident).json
    assert [c["id"] for c in mine] == [case_id]
    bad = client.post("/api/v1/cases", data={"kind": "hazard", "title": "无照片"}, headers=resident)
    assert bad.status_code == 422
    assert client.get("/api/v1/cases").status_code == 401
    auth.login(t.admin_a)
    log = client.get("/admin/audit").get_data(as_text=True)
    assert (
        "张网格 核实了隐患 池塘护栏缺失" in log and "张三丰 评价了隐患 池塘护栏缺失 的整改" in log
    )
    assert_books_agree(session)


PUBLIC_PAGES = ["/", "/publicity?village_id={v}", "/leaderboard", "/ledger", "/rules", "/events"]


def test_a_disputes_parties_are_in_no_public_page_or_answer(client, auth, session, hazard_town):
    t = hazard_town
    staff = auth.headers(t.staff_a)
    made = client.post(
        "/api/v1/cases",
        json={
            "kind": "dispute",
            "title": "邻里漏水纠纷",
            "parties": [{"name": PARTY, "phone": PARTY_PHONE}, {"name": "李对方"}],
        },
        headers=staff,
    )
    assert made.status_code == 201, made.json
    case_id = made.json["id"]
    assert made.json["parties"][0] == {"name": PARTY, "phone": PARTY_PHONE}
    mediating = client.post(
        f"/api/v1/cases/{case_id}/mediate", json={"mediators": [t.resident_a.id]}, headers=staff
    )
    assert mediating.status_code == 200, mediating.json
    resolved = client.post(
        f"/api/v1/cases/{case_id}/resolve",
        data={"tier": "一般", "photos": [(io.BytesIO(_jpeg()), "agreement.jpg")]},
        headers=staff,
        content_type="multipart/form-data",
    )
    assert resolved.status_code == 200, resolved.json
    assert [p["status"] for p in resolved.json["postings"]] == ["open"]

    resident = auth.headers(t.resident_a)
    assert client.get(f"/api/v1/cases/{case_id}", headers=resident).status_code == 403
    answers = {
        "api publicity": client.get(f"/api/v1/publicity?village_id={t.village_a.id}"),
        "api my cases": client.get("/api/v1/cases", headers=resident),
        "api my claims": client.get("/api/v1/claims", headers=resident),
        "api leaderboard": client.get("/api/v1/leaderboard"),
    }
    for path in PUBLIC_PAGES:
        answers[path] = client.get(path.format(v=t.village_a.id))
    auth.login(t.resident_a)
    for path in ("/me", "/hazards/mine", "/publicity"):
        answers["resident " + path] = client.get(path)
    assert client.get(f"/grid/cases/{case_id}/follow-up").status_code == 405
    for name, answer in answers.items():
        text = _text(answer)
        assert answer.status_code == 200, name
        assert PARTY not in text and PARTY_PHONE not in text, name
    assert "矛盾调解" in _text(answers["api publicity"])  # the mediator's notice


def test_pages_take_a_report_verify_it_record_a_dispute_and_list_the_overdue(
    client, auth, session, hazard_town
):
    t = hazard_town
    auth.login(t.resident_a)
    form = client.get("/hazards/new").get_data(as_text=True)
    assert 'accept="image/*"' in form and "capture=" in form and "一网格" in form
    sent = client.post(
        "/hazards/new",
        data={
            "title": "路灯不亮",
            "place_text": "文化礼堂门口",
            "grid_id": str(t.grid.id),
            "photos": (io.BytesIO(_jpeg()), "p.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    assert "路灯不亮" in client.get("/hazards/mine").get_data(as_text=True)
    refused = client.post("/hazards/new", data={"title": "没有照片"})
    assert refused.status_code == 422
    case = session.scalar(select(Case))
    assert client.post(f"/grid/cases/{case.id}/verify").status_code == 403
    auth.logout()

    auth.login(t.staff_a)
    queue = client.get("/grid/cases").get_data(as_text=True)
    assert "路灯不亮" in queue and "张三丰" in queue
    assert client.post(f"/grid/cases/{case.id}/verify").status_code == 302
    again = client.post(f"/grid/cases/{case.id}/verify")
    assert again.status_code == 409  # the page says so, as the API does
    session.expire_all()
    assert session.get(Case, case.id).status == "verified"
    recorded = client.post(
        "/grid/disputes/new",
        data={"title": "土地流转纠纷", "parties": f"{PARTY} {PARTY_PHONE}\n李对方"},
    )
    assert recorded.status_code == 302
    assert PARTY in client.get("/grid/cases").get_data(as_text=True)
    auth.logout()

    auth.login(t.admin_a)
    assert client.get("/admin/cases/overdue").status_code == 200
    auth.logout()
    auth.login(t.resident_a)
    assert client.get("/admin/cases/overdue").status_code == 403
    assert client.get("/grid/cases").status_code == 403
