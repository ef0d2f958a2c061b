"""Residents without a smartphone: can an admin give them a password, and find them by what
people actually know — a name, a phone, its last digits — never by an internal number?"""

from __future__ import annotations

from support.accounts import PASSWORD

from points.models import AuditEntry
from points.people import NewPerson, create_person


def _person(session, town, name, phone):
    return create_person(
        session, NewPerson(name=name, phone=phone, village_id=town.village_a.id, password=None)
    )


def test_an_admin_sets_a_password_shown_once_on_the_card_and_the_resident_logs_in(
    client, auth, town, session
):
    imported = _person(session, town, "罗建国", "13900008005")
    session.commit()
    auth.login(town.admin_a)
    answer = client.post(f"/admin/residents/{imported.id}/password", data={})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    page = answer.get_data(as_text=True)
    assert 'data-testid="shown-once"' in page and "罗建国" in page
    password = page.split('data-testid="password">')[1].split("<strong>")[1].split("<")[0]
    assert len(password) == 8 and password.isdigit()
    auth.logout()
    login = client.post("/login", data={"phone": "13900008005", "password": password})
    assert login.status_code == 302
    session.rollback()
    entry = session.query(AuditEntry).filter_by(action="person.password").one()
    assert password not in str(entry.before) + str(entry.after)


def test_a_typed_password_through_the_api_and_who_may_set_one(client, auth, town, session):
    url = f"/api/v1/residents/{town.resident_a.id}/password"
    done = client.post(url, json={"password": "654321"}, headers=auth.headers(town.admin_a))
    assert done.status_code == 200 and done.get_json() == {"password": "654321"}
    assert (
        client.post(
            "/api/v1/auth/token", json={"phone": town.resident_a.phone, "password": "654321"}
        ).status_code
        == 200
    )
    for who, status in (
        (town.staff_a, 403),  # grid workers act for people (代办), they don't set passwords
        (town.admin_b, 403),  # another village
        (town.resident_a2, 403),
    ):
        refused = client.post(url, json={}, headers=auth.headers(who))
        assert refused.status_code == status, (who.name, refused.get_json())
    own = client.post(
        f"/api/v1/residents/{town.admin_a.id}/password", json={}, headers=auth.headers(town.admin_a)
    )
    assert own.status_code == 403
    short = client.post(url, json={"password": "123"}, headers=auth.headers(town.admin_a))
    assert short.status_code == 422


def test_the_adjust_search_reads_digits_as_a_phone_ending_never_as_an_id(
    client, auth, town, session
):
    wanted = _person(session, town, "罗建国", "13900008005")
    other = _person(session, town, "罗梅", "13900006017")
    session.commit()
    auth.login(town.admin_a)
    by_ending = client.get("/admin/adjustments?resident=8005").get_data(as_text=True)
    assert 'data-testid="adjust-resident">罗建国' in by_ending
    by_phone = client.get("/admin/adjustments?resident=13900008005").get_data(as_text=True)
    assert 'data-testid="adjust-resident">罗建国' in by_phone
    by_id = client.get(f"/admin/adjustments?resident={other.id}")
    assert 'data-testid="adjust-resident">罗梅' not in by_id.get_data(as_text=True)
    by_name = client.get("/admin/adjustments?resident=罗梅").get_data(as_text=True)
    assert 'data-testid="adjust-resident">罗梅' in by_name
    both = client.get("/admin/adjustments?resident=罗").get_data(as_text=True)
    assert 'data-testid="choices"' in both and "罗建国" in both and "罗梅" in both
    assert f"resident_id={wanted.id}" in both
    outside = client.get("/admin/adjustments?resident=赵五")  # village B: not theirs
    assert outside.status_code == 404


def test_a_password_reset_ends_the_residents_old_sessions(client, auth, town, session, app):
    other = app.test_client()
    other.post("/login", data={"phone": town.resident_a.phone, "password": PASSWORD})
    assert other.get("/me").status_code == 200
    client.post(
        f"/api/v1/residents/{town.resident_a.id}/password",
        json={"password": "777777"},
        headers=auth.headers(town.admin_a),
    )
    assert other.get("/me").status_code == 302
