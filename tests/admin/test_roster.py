"""Can admins edit, suspend and reinstate people and reissue their cards?"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from points import places
from points.errors import Forbidden, OutsideVillage, PhoneTaken
from points.models import AuditEntry
from points.people import roster
from points.people.cards import card_token, read_card_code


def last_audit(session, action: str) -> AuditEntry:
    return session.scalar(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    )


def test_editing_records_before_and_after(session, town):
    roster.edit_person(
        session, town.admin_a, town.resident_a.id, name="张三峰", household_code="GL01-9"
    )
    entry = last_audit(session, "person.edit")
    assert entry.actor_id == town.admin_a.id
    assert entry.before == {"name": "张三丰", "household": "GL01-001"}
    assert entry.after == {"name": "张三峰", "household": "GL01-9"}


def test_editing_to_a_taken_phone_is_refused_and_changes_nothing(session, town):
    with pytest.raises(PhoneTaken):
        roster.edit_person(
            session, town.admin_a, town.resident_a.id, phone=town.resident_a2.phone, name="改名"
        )
    session.expire_all()
    assert town.resident_a.name == "张三丰"


def test_a_village_admin_cannot_touch_another_village_or_an_admin(session, town):
    with pytest.raises(OutsideVillage):
        roster.set_active(session, town.admin_a, town.resident_b.id, False)
    with pytest.raises(Forbidden):
        roster.edit_person(session, town.admin_a, town.admin_a.id, name="我")


def test_suspending_ends_the_residents_login_and_api_token(client, auth, session, town):
    token = auth.token(town.resident_a)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    roster.set_active(session, town.admin_a, town.resident_a.id, False)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert auth.login(town.resident_a).status_code == 401
    assert last_audit(session, "person.suspend").after == {"active": False}
    roster.set_active(session, town.admin_a, town.resident_a.id, True)
    assert auth.login(town.resident_a).status_code == 302


def test_suspending_logs_a_browser_session_out(client, auth, session, town):
    auth.login(town.resident_a)
    assert client.get("/me").status_code == 200
    roster.set_active(session, town.admin_a, town.resident_a.id, False)
    assert client.get("/me").status_code == 302


def test_an_admin_cannot_suspend_themselves(session, town):
    with pytest.raises(Forbidden):
        roster.set_active(session, town.town_admin, town.town_admin.id, False)


def test_reissuing_a_card_voids_the_old_one(app, session, town):
    secret = app.config["SECRET_KEY"]
    old = card_token(secret, town.resident_a)
    roster.reissue_card(session, town.admin_a, town.resident_a.id)
    new = card_token(secret, town.resident_a)
    assert old != new
    assert read_card_code(secret, old).card_version == 1
    assert read_card_code(secret, new).card_version == town.resident_a.card_version == 2
    assert last_audit(session, "card.reissue").before == {"card_version": 1}


def test_the_card_svg_endpoint_serves_the_current_card(client, auth, town):
    answer = client.get(
        f"/api/v1/residents/{town.resident_a.id}/card.svg", headers=auth.headers(town.admin_a)
    )
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml" and b"<svg" in answer.data


def test_admin_pages_create_edit_and_list_people(client, auth, session, town):
    auth.login(town.admin_a)
    answer = client.post(
        "/admin/residents/new",
        data={
            "name": "钱多多",
            "phone": "13812345678",
            "household": "GL01-050",
            "role": "resident",
        },
    )
    assert answer.status_code == 302
    roster_page = client.get("/admin/residents/").get_data(as_text=True)
    assert "钱多多" in roster_page and "赵五" not in roster_page
    bad = client.post("/admin/residents/new", data={"name": "钱多多", "phone": "123"})
    assert bad.status_code == 422 and "手机号格式不对" in bad.get_data(as_text=True)
    assert (
        client.post(
            "/admin/residents/new",
            data={"name": "管", "phone": "13812345679", "role": "village_admin"},
        ).status_code
        == 403
    )


def test_the_card_sheet_puts_eight_cards_on_a_sheet(client, auth, session, town, make_person):
    for n in range(10):
        make_person(town.village_a, name=f"村民{n}")
    auth.login(town.admin_a)
    page = client.get("/admin/residents/cards").get_data(as_text=True)
    # 2 residents of the town fixture + 10 = 12 active residents in 村A: two sheets, 8 + 4.
    assert page.count('class="sheet"') == 2
    assert page.count('data-testid="card"') == 12
    assert "赵五" not in page


def test_a_household_lives_in_the_grid_of_its_first_member_with_one(session, town, make_person):
    grid = places.create_grid(session, village_id=town.village_a.id, name="一组", code="G1")
    first = make_person(town.village_a, household="GL01-009", grid=grid)
    make_person(town.village_a, household="GL01-009")
    assert first.household.grid_id == grid.id
