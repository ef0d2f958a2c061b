"""Can a resident read the village's rule book, and an admin publish a new version, on a page?"""

from __future__ import annotations

from points import rules


def _form(village_id, town_id, items, effective="2026-07-01"):
    data = {
        "village_id": village_id,
        "town_id": town_id,
        "rows": str(len(items)),
        "effective_from": effective,
        "adopted_on": "2026-06-20",
        "body": "村民代表大会",
        "votes_for": "52",
        "votes_against": "3",
        "votes_abstain": "1",
    }
    for n, item in enumerate(items):
        data.update({f"items-{n}-{key}": value for key, value in item.items()})
    return data


def test_the_public_page_shows_the_book_in_plain_words_with_its_adoption(client, town, book):
    page = client.get(f"/rules?village_id={town.village_a.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for words in (
        "巡防",
        "+10 分 / 次",
        "每人每周最多 3 次",
        "每户每月最多 3 次",
        "露天焚烧",
        "−10",
        "较复杂 +30",
        "村民代表大会通过",
        "赞成 41、反对 2、弃权 1",
        "自 2026-01-01 起施行",
    ):
        assert words in text, words
    assert 'data-version="town-1"' in text and 'data-version="town-2"' in text


def test_a_village_admin_publishes_additions_on_the_page_and_both_versions_are_shown(
    client, auth, session, town, book
):
    auth.login(town.admin_a)
    form = client.get(f"/admin/rules?village_id={town.village_a.id}")
    assert form.status_code == 200 and 'data-testid="publish-form"' in form.get_data(as_text=True)
    items = [
        {
            "code": "",
            "name": "门前三包",
            "kind": "earn",
            "points": "2",
            "unit": "event",
            "cap_per": "household",
            "cap_period": "month",
            "cap_times": "4",
        }
    ]
    done = client.post("/admin/rules", data=_form(town.village_a.id, town.town.id, items))
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    changed = [{**items[0], "code": "item1", "points": "3"}]
    again = client.post(
        "/admin/rules", data=_form(town.village_a.id, town.town.id, changed, "2026-08-01")
    )
    assert again.status_code == 302

    client.get("/logout")
    auth.login(town.resident_a)
    page = client.get(f"/rules?village_id={town.village_a.id}").get_data(as_text=True)
    assert "门前三包" in page and "+3 分 / 次" in page and "每户每月最多 4 次" in page
    assert 'data-version="village-1"' in page and 'data-version="village-2"' in page
    assert "赞成 52、反对 3、弃权 1" in page
    versions = rules.versions_of(session, "item1", village_id=town.village_a.id)
    assert [(v.version, v.points) for v in versions] == [(2, 3), (1, 2)]
    other = client.get(f"/rules?village_id={town.village_b.id}").get_data(as_text=True)
    assert "门前三包" not in other


def test_bad_input_on_the_publishing_page_is_a_note_not_an_error_page(client, auth, town, book):
    auth.login(town.admin_a)
    items = [{"name": "无分值的条款", "points": "", "unit": "event"}]
    answer = client.post("/admin/rules", data=_form(town.village_a.id, town.town.id, items))
    assert answer.status_code == 422
    assert "flash-error" in answer.get_data(as_text=True)
    no_date = _form(town.village_a.id, town.town.id, [{"name": "x", "points": "1"}], effective="")
    assert client.post("/admin/rules", data=no_date).status_code == 422


def test_a_village_admin_may_not_publish_the_town_book_or_another_villages(
    client, auth, town, book
):
    auth.login(town.admin_a)
    items = [{"name": "x", "points": "1"}]
    assert client.post("/admin/rules", data=_form("", town.town.id, items)).status_code == 403
    assert (
        client.post("/admin/rules", data=_form(town.village_b.id, town.town.id, items)).status_code
        == 403
    )


def test_the_villages_public_pages_link_to_its_rule_book(client, town, book):
    board = client.get(f"/leaderboard?town_id={town.town.id}&village_id={town.village_a.id}")
    assert f"/rules?village_id={town.village_a.id}" in board.get_data(as_text=True)
    ledger = client.get("/ledger").get_data(as_text=True)
    assert f"/rules?village_id={town.village_b.id}" in ledger
