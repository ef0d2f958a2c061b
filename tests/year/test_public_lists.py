"""Public lists: masked names, a posting period, appeals that take an entry down at once."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine
from sqlalchemy import select
from year_helpers import shanghai, village_with_expiry

from points import ledger, rules
from points.board.leaderboard import set_opt_out
from points.cases import claims
from points.db import write_transaction
from points.models import AuditEntry, Posting
from points.places import settings
from points.policy import Place
from points.posting import appeals

BOOK = [
    {"code": "rescue", "name": "见义勇为", "points": 50},
    {"code": "burning", "name": "露天焚烧", "kind": "deduct", "points": 10},
    {"code": "found", "name": "拾金不昧", "points": 5, "unit": "case", "publicity_days": 5},
]
AWARDED = shanghai(2026, 6, 1, 10)


def _scene(session, town, make_person, *, black: bool = False):
    village = village_with_expiry(session, town, None, name="公示村")
    place = Place(town.town.id, village.id)
    with write_transaction(session):
        settings.put(session, "posting_days", 10, place)
        if black:
            settings.put(session, "black_list_enabled", True, place)
    rules.publish(
        session,
        None,
        town_id=town.town.id,
        adoption=rules.Adoption(effective_from=date(2026, 1, 1), body="村民代表大会"),
        items=BOOK,
    )
    hero = make_person(village, name="欧阳娜娜", household="G1")
    culprit = make_person(village, name="张三丰", household="G2")
    for person, code in ((hero, "rescue"), (culprit, "rescue"), (culprit, "burning")):
        rule = rules.rule_for(session, code, town_id=town.town.id)
        rules.award(session, rule_id=rule.id, resident_id=person.id, memo=code, at=AWARDED)
    session.commit()
    return village, hero, culprit


def test_lists_show_masked_names_and_drop_entries_after_the_posting_period(
    session, town, make_person, client
):
    village, hero, _culprit = _scene(session, town, make_person, black=True)
    red = f"/api/v1/lists/red?village_id={village.id}"
    with time_machine.travel(AWARDED + timedelta(days=9), tick=False):
        listed = client.get(red).get_json()
        black = client.get(f"/api/v1/lists/black?village_id={village.id}").get_json()
        pages = [
            client.get(f"/lists?list=red&village_id={village.id}").get_data(as_text=True),
            client.get(f"/lists?list=black&village_id={village.id}").get_data(as_text=True),
        ]
    assert sorted(row["display_name"] for row in listed) == ["张*丰", "欧**娜"]
    assert [(row["display_name"], row["points"]) for row in black] == [("张*丰", 10)]
    for text in [*pages, str(listed), str(black)]:
        assert "欧阳娜娜" not in text and "张三丰" not in text
    assert "欧**娜" in pages[0] and "张*丰" in pages[1]
    # 公示 and the leaderboards, page and API: masked too; an upheld appeal takes a notice down.
    case = claims.submit(session, claimant=hero, rule_code="found", title="拾到钱包", now=AWARDED)
    claims.approve(session, actor=town.town_admin, case_id=case.id, now=AWARDED)
    with time_machine.travel(AWARDED + timedelta(days=1), tick=False):
        public = [
            client.get(f"/publicity?village_id={village.id}").get_data(as_text=True),
            str(client.get(f"/api/v1/publicity?village_id={village.id}").get_json()),
            client.get(f"/leaderboard?village_id={village.id}&period=year").get_data(as_text=True),
            str(
                client.get(
                    f"/api/v1/leaderboard?scope=village&village_id={village.id}&period=year"
                    "&kind=residents"
                ).get_json()
            ),
        ]
        for text in public:
            assert "欧阳娜娜" not in text and "张三丰" not in text
            assert "欧**娜" in text
        posting = session.scalar(select(Posting.id).where(Posting.case_id == case.id))
        appeal = appeals.file(
            session, hero, list_name="publicity", entry=f"p{posting}", request="remove", reason="私"
        )
        appeals.decide(session, town.town_admin, appeal.id, decision="uphold")
        assert client.get(f"/api/v1/publicity?village_id={village.id}").get_json() == []
    with time_machine.travel(AWARDED + timedelta(days=10, hours=1), tick=False):
        assert client.get(red).get_json() == []
        assert "欧**娜" not in client.get(f"/lists?village_id={village.id}").get_data(as_text=True)


def test_the_black_list_is_off_unless_the_town_enables_it_and_opt_out_works_on_every_list(
    session, town, make_person, client
):
    village, hero, _culprit = _scene(session, town, make_person)
    with time_machine.travel(AWARDED + timedelta(days=1), tick=False):
        assert client.get(f"/api/v1/lists/black?village_id={village.id}").status_code == 404
        set_opt_out(session, hero.id, True)
        names = [
            r["display_name"]
            for r in client.get(f"/api/v1/lists/red?village_id={village.id}").get_json()
        ]
        board = client.get(
            f"/api/v1/leaderboard?scope=village&village_id={village.id}&period=year"
        ).get_json()
    assert names == ["张*丰"]
    assert [row["display_name"] for row in board] == ["张*丰"]


def test_an_upheld_appeal_takes_the_entry_off_the_public_lists_at_once(
    session, town, make_person, client, auth
):
    village, hero, culprit = _scene(session, town, make_person)
    with time_machine.travel(AWARDED + timedelta(days=1), tick=False):
        red = f"/api/v1/lists/red?village_id={village.id}"
        entry = next(
            r["entry"] for r in client.get(red).get_json() if r["display_name"] == "欧**娜"
        )
        appeal = {"list": "red", "entry": entry, "request": "remove", "reason": "不愿公开"}
        assert (
            client.post("/api/v1/appeals", json=appeal, headers=auth.headers(culprit)).status_code
            == 403
        )
        filed = client.post("/api/v1/appeals", json=appeal, headers=auth.headers(hero))
        assert filed.status_code == 201
        again = client.post("/api/v1/appeals", json=appeal, headers=auth.headers(hero))
        assert again.status_code == 409 and again.get_json()["reason"] == "appeal_open"
        assert "欧**娜" in str(client.get(red).get_json())  # still up while it waits
        decide = f"/api/v1/appeals/{filed.get_json()['id']}/decision"
        assert (
            client.post(decide, json={"decision": "uphold"}, headers=auth.headers(hero)).status_code
            == 403
        )
        upheld = client.post(
            decide,
            json={"decision": "uphold", "note": "核实"},
            headers=auth.headers(town.town_admin),
        )
        assert upheld.status_code == 200 and upheld.get_json()["status"] == "upheld"
        assert "欧**娜" not in str(client.get(red).get_json())
        twice = client.post(
            decide, json={"decision": "dismiss"}, headers=auth.headers(town.town_admin)
        )
        assert twice.status_code == 409 and twice.get_json()["errors"]["status"] == "upheld"

        # The leaderboard: the named resident appeals through the page, the admin upholds there.
        board = f"/api/v1/leaderboard?scope=village&village_id={village.id}&period=year"
        assert "张*丰" in str(client.get(board).get_json())
        auth.login(culprit)
        mine = client.get("/lists/appeal").get_data(as_text=True)
        assert f'value="r{culprit.id}"' in mine
        page = client.post(
            "/lists/appeal",
            data={
                "list": "board",
                "entry": f"r{culprit.id}",
                "request": "correct",
                "reason": "分数有误",
            },
        )
        assert page.status_code == 302
        auth.logout()
        auth.login(town.town_admin)
        queue = client.get("/admin/appeals").get_data(as_text=True)
        assert "分数有误" in queue
        appeal_id = int(queue.split('data-appeal-id="')[1].split('"')[0])
        assert (
            client.post(f"/admin/appeals/{appeal_id}/uphold", data={"note": ""}).status_code == 302
        )
        assert "张*丰" not in str(client.get(board).get_json())
    actions = set(
        session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("list_appeal.%")))
    )
    assert actions == {"list_appeal.file", "list_appeal.uphold"}
    assert ledger.verify(session).ok
