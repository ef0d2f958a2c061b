"""The year's settings on both doors: expiry, refusing awards over budget, posting."""

from __future__ import annotations

import pytest

from points.places import settings


@pytest.mark.parametrize(
    "form",
    [
        {"expiry_mode": "year_end", "expiry_date": "13-45"},
        {"expiry_mode": "rolling", "expiry_months": "0"},
        {"expiry_mode": "sometimes"},
        {"posting_days": "0"},
        {"household_base_points": "-5"},
    ],
)
def test_the_settings_page_refuses_a_bad_value_and_keeps_the_old_one(
    session, town, client, auth, form
):
    auth.login(town.admin_a)
    page = client.post(f"/admin/settings?village_id={town.village_a.id}", data=form)
    assert page.status_code == 422 and "不正确" in page.get_data(as_text=True)
    assert settings.overrides(session, town.place_a) == {}


def test_the_settings_page_and_the_api_store_expiry_and_the_budget_switch(
    session, town, client, auth
):
    auth.login(town.admin_a)
    page = client.post(
        f"/admin/settings?village_id={town.village_a.id}",
        data={
            "expiry_mode": "year_end",
            "expiry_date": "3-31",
            "refuse_awards_over_budget": "1",
            "black_list_enabled": "",
            "posting_days": "15",
        },
    )
    assert page.status_code == 302
    session.expire_all()
    assert settings.overrides(session, town.place_a) == {
        "expiry": {"mode": "year_end", "date": "03-31"},
        "refuse_awards_over_budget": True,
        "posting_days": 15,
    }
    shown = client.get(f"/admin/settings?village_id={town.village_a.id}").get_data(as_text=True)
    assert 'value="03-31"' in shown

    auth.logout()
    api = f"/api/v1/settings?village_id={town.village_b.id}"
    headers = auth.headers(town.admin_b)
    for bad in (
        {"expiry": {"mode": "rolling", "months": 500}},
        {"expiry": {"mode": "sometimes"}},
        {"refuse_awards_over_budget": "perhaps"},
        {"posting_days": 0},
    ):
        answer = client.put(api, json=bad, headers=headers)
        assert answer.status_code == 422, bad
    done = client.put(
        api,
        json={"expiry": {"mode": "rolling", "months": 12}, "refuse_awards_over_budget": True},
        headers=headers,
    )
    assert done.status_code == 200
    body = done.get_json()
    assert body["expiry"] == {"mode": "rolling", "months": 12}
    assert body["refuse_awards_over_budget"] is True
    assert client.put(api, json={"expiry": None}, headers=headers).get_json()["expiry"] == {
        "mode": "none"
    }
