"""Can a resident claim on the page, a grid worker approve it in the queue, the village see
it on the 公示 page and a neighbour object there?"""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from points.models import Case, Objection, Posting


def test_claim_queue_notice_and_objection_through_the_pages(client, auth, session, claims_town):
    town = claims_town
    auth.login(town.resident_a)
    form = client.get("/claims/new")
    assert form.status_code == 200 and "抢险救灾" in form.get_data(as_text=True)
    assert "露天焚烧" not in form.get_data(as_text=True)  # a deduction is not claimable
    photo = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(photo, "JPEG")
    sent = client.post(
        "/claims/new",
        data={
            "rule_code": "rescue",
            "title": "台风夜帮邻居转移",
            "photo": (io.BytesIO(photo.getvalue()), "p.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    assert "台风夜帮邻居转移" in client.get("/claims/mine").get_data(as_text=True)
    bad = client.post("/claims/new", data={"rule_code": "rescue", "title": ""})
    assert bad.status_code == 422
    auth.logout()

    auth.login(town.staff_a)
    queue = client.get("/admin/claims").get_data(as_text=True)
    assert "台风夜帮邻居转移" in queue and "张三丰" in queue
    case = session.scalar(select(Case))
    client.post(f"/admin/claims/{case.id}/approve")
    assert session.scalar(select(Case.status)) == "approved"
    auth.logout()

    public = client.get(f"/publicity?village_id={town.village_a.id}").get_data(as_text=True)
    assert "张*丰" in public and "张三丰" not in public and "抢险救灾" in public
    assert "提出异议" not in public  # not logged in

    auth.login(town.resident_a2)
    mine = client.get("/publicity").get_data(as_text=True)
    assert "提出异议" in mine
    posting = session.scalar(select(Posting))
    client.post(f"/publicity/{posting.id}/object", data={"reason": "那天没见到他"})
    assert session.scalar(select(Objection.reason)) == "那天没见到他"
    auth.logout()

    auth.login(town.admin_a)
    admin = client.get("/admin/claims").get_data(as_text=True)
    assert "那天没见到他" in admin
    objection = session.scalar(select(Objection))
    client.post(f"/admin/objections/{objection.id}/uphold", data={"reason": "查无此事"})
    session.expire_all()
    assert session.get(Posting, posting.id).status == "voided"


def test_a_resident_cannot_open_the_claims_queue(client, auth, claims_town):
    auth.login(claims_town.resident_a)
    assert client.get("/admin/claims").status_code == 403
