"""Does the API serve a case's photos — a real picture, no EXIF — to exactly those the page
serves them to, and nothing of another case?"""

from __future__ import annotations

import io

from PIL import Image
from test_case_doors import _jpeg


def _report(client, headers, title: str) -> dict:
    made = client.post(
        "/api/v1/cases",
        data={"kind": "hazard", "title": title, "photos": [(io.BytesIO(_jpeg()), "a.jpg")]},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert made.status_code == 201, made.json
    return made.json


def test_the_reporter_gets_the_photo_as_a_real_picture_without_exif(
    client, auth, session, hazard_town
):
    t = hazard_town
    case = _report(client, auth.headers(t.resident_a), "路灯不亮")
    photo_id = case["photos"][0]
    answer = client.get(
        f"/api/v1/cases/{case['id']}/photos/{photo_id}", headers=auth.headers(t.resident_a)
    )
    assert answer.status_code == 200 and answer.mimetype == "image/webp"
    assert b"SecretCam" not in answer.data and b"location-leaking" not in answer.data
    with Image.open(io.BytesIO(answer.data)) as picture:
        picture.load()
        assert picture.format == "WEBP" and picture.size == (64, 48)
        assert not picture.getexif()
        assert "exif" not in picture.info


def test_the_photo_is_served_to_those_the_page_serves_it_to_and_to_no_one_else(
    client, auth, session, hazard_town
):
    t = hazard_town
    case = _report(client, auth.headers(t.resident_a), "井盖缺失")
    other = _report(client, auth.headers(t.resident_a2), "树枝压线")
    mine, theirs = case["photos"][0], other["photos"][0]
    url = f"/api/v1/cases/{case['id']}/photos/{mine}"
    for who, status in [
        (t.resident_a, 200),  # the reporter
        (t.staff_a, 200),  # the grid worker of its grid
        (t.admin_a, 200),  # the village admin
        (t.town_admin, 200),
        (t.resident_a2, 403),  # a neighbour
        (t.admin_b, 403),  # another village's admin
    ]:
        api = client.get(url, headers=auth.headers(who))
        auth.login(who)
        page = client.get(f"/cases/{case['id']}/photos/{mine}")
        assert (api.status_code, page.status_code) == (status, status), who.name
        auth.logout()
    assert client.get(url).status_code == 401
    staff = auth.headers(t.staff_a)
    wrong_case = client.get(f"/api/v1/cases/{case['id']}/photos/{theirs}", headers=staff)
    assert wrong_case.status_code == 404 and wrong_case.json["code"] == 404
    assert client.get(f"/api/v1/cases/99999/photos/{mine}", headers=staff).status_code == 404
    assert client.get(f"/api/v1/cases/{case['id']}/photos/99999", headers=staff).status_code == 404
    auth.login(t.staff_a)
    assert client.get(f"/cases/{case['id']}/photos/{theirs}").status_code == 404  # the page too


def test_the_photo_route_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json
    route = next(path for path in document["paths"] if path.endswith("/photos/{photo_id}"))
    answer = document["paths"][route]["get"]["responses"]["200"]
    assert "image/webp" in answer["content"]
