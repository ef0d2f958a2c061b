"""Do the city's figures add up: each town's the sum of its villages', the city's of its towns'?"""

from __future__ import annotations

import pytest

from points.admin import dashboard
from points.policy import Place

FIGURES = ("residents", "participants", "events", "checkins", "issued", "redeemed", "outstanding")


@pytest.fixture
def busy_city(town, other_town, check_in, redeem, give):
    """Both towns at work: check-ins in every village, points handed out and redeemed."""
    check_in(town.resident_a, 10)
    check_in(town.resident_a, 6, title="反诈宣传")
    check_in(town.resident_a2, 10)
    check_in(town.resident_b, 8)
    check_in(other_town.resident_c, 7)
    check_in(other_town.resident_c2, 7)
    check_in(other_town.resident_d, 5)
    give(other_town.resident_d, 40)
    redeem(town.resident_a, town.admin_a, 12)
    redeem(other_town.resident_d, other_town.town_admin, 30)
    return town, other_town


def village_sums(session, town_id: int, villages) -> dict:
    """A town's figures added up from its villages' dashboards."""
    boards = [dashboard.build(session, Place(town_id, v.id)) for v in villages]
    return {
        "residents": sum(b.residents for b in boards),
        "participants": sum(b.year.participants for b in boards),
        "events": sum(b.year.events for b in boards),
        "checkins": sum(b.year.checkins for b in boards),
        "issued": sum(b.year.issued for b in boards),
        "redeemed": sum(b.year.redeemed for b in boards),
        "outstanding": sum(b.outstanding for b in boards),
    }


def test_each_towns_figures_are_the_sums_of_its_villages_dashboards(session, busy_city):
    town, other_town = busy_city

    rolled = {f.town_id: f for f in dashboard.town_rollup(session)}

    for here, villages in (
        (town.town, (town.village_a, town.village_b)),
        (other_town.town, (other_town.village_c, other_town.village_d)),
    ):
        figures = rolled[here.id]
        assert {name: getattr(figures, name) for name in FIGURES} == village_sums(
            session, here.id, villages
        )
    assert rolled[town.town.id].checkins == 4 and rolled[other_town.town.id].checkins == 3
    assert rolled[other_town.town.id].redeemed == 30
    assert rolled[other_town.town.id].points_name == "三界分"


def test_the_city_dashboard_is_the_sum_of_its_towns(session, busy_city):
    whole = dashboard.build(session, Place())
    rolled = dashboard.town_rollup(session)

    assert whole.residents == sum(f.residents for f in rolled)
    assert whole.year.checkins == sum(f.checkins for f in rolled)
    assert whole.year.participants == sum(f.participants for f in rolled)
    assert whole.year.issued == sum(f.issued for f in rolled)
    assert whole.year.redeemed == sum(f.redeemed for f in rolled)
    assert whole.outstanding == sum(f.outstanding for f in rolled)


def test_the_city_dashboard_page_shows_each_towns_row(client, auth, busy_city, city_admin):
    town, other_town = busy_city
    auth.login(city_admin)

    page = client.get("/admin/").get_data(as_text=True)

    for here in (town.town, other_town.town):
        assert f'data-town-id="{here.id}"' in page
    row = page.split(f'data-town-id="{town.town.id}"')[1].split("</tr>")[0]
    assert 'data-figure="checkins">4<' in row and 'data-figure="redeemed">12<' in row
    assert 'data-testid="residents">6<' in page  # the whole city's: 3 in each town
    one_town = client.get(f"/admin/?town_id={town.town.id}").get_data(as_text=True)
    assert "data-town-id" not in one_town


def test_the_figures_api_answers_the_city_admin_what_the_page_shows(
    client, auth, session, busy_city, city_admin
):
    answer = client.get("/api/v1/towns/figures", headers=auth.headers(city_admin))

    assert answer.status_code == 200
    rolled = dashboard.town_rollup(session)
    assert answer.get_json() == [
        {"town_id": f.town_id, "name": f.name, "points_name": f.points_name}
        | {name: getattr(f, name) for name in FIGURES}
        for f in rolled
    ]


def test_the_figures_api_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    operation = spec["paths"]["/api/v1/towns/figures"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array"
    name = schema["items"]["$ref"].rsplit("/", 1)[-1]
    assert set(FIGURES) <= set(spec["components"]["schemas"][name]["properties"])
