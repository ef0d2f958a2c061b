"""Are the city's measures — fix rate, 调处率, 成功率 — computed from the cases for a grid, a
village, a town and the city, shown on the dashboard and exported?"""

from __future__ import annotations

import io

from openpyxl import load_workbook

from points.cases import disputes, hazards, measures
from points.policy import Place


def _hazard(session, t, who, grid=None):
    return hazards.report(
        session, reporter=who, title="隐患", photos=["p.webp"], grid_id=grid.id if grid else None
    )


def _scene(session, t):
    """Three hazards (one fixed, one verified, one rejected) and four disputes (one resolved,
    one failed, one mediating, one handed on) in village A; nothing in village B."""
    fixed = _hazard(session, t, t.resident_a)
    hazards.verify(session, actor=t.staff_a, case_id=fixed.id)
    hazards.assign(session, actor=t.staff_a, case_id=fixed.id, department="镇城建办")
    hazards.fix(session, actor=t.staff_a, case_id=fixed.id, photos=["f.webp"])
    verified = _hazard(session, t, t.resident_a2, grid=t.other_grid)
    hazards.verify(session, actor=t.admin_a, case_id=verified.id)
    rejected = _hazard(session, t, t.resident_a)
    hazards.reject(session, actor=t.staff_a, case_id=rejected.id, reason="不是隐患")
    made = [
        disputes.record(session, actor=t.staff_a, title="纠纷", parties="欧阳甲 139")
        for _ in range(4)
    ]
    for case in made[:3]:
        disputes.mediate(session, actor=t.staff_a, case_id=case.id)
    disputes.resolve(session, actor=t.staff_a, case_id=made[0].id, photos=["a.webp"], tier="一般")
    disputes.fail(session, actor=t.staff_a, case_id=made[1].id, reason="未成")
    disputes.hand_on(session, actor=t.staff_a, case_id=made[3].id, reason="移交")


def test_the_measures_of_a_grid_a_village_a_town_and_the_city(session, hazard_town):
    t = hazard_town
    _scene(session, t)
    village = measures.measure(session, t.place_a)
    assert (
        village.hazards_reported,
        village.hazards_verified,
        village.hazards_fixed,
        village.hazards_overdue,
    ) == (3, 2, 1, 0)
    assert village.fix_rate == 0.5
    assert (village.disputes_found, village.disputes_mediated, village.disputes_resolved) == (
        4,
        3,
        1,
    )
    assert village.mediation_rate == 0.75 and village.success_rate == round(1 / 3, 4)
    assert measures.measure(session, t.place) == village  # the town holds only village A's
    assert measures.measure(session, Place()).disputes_found == 4
    assert measures.measure(session, t.place_b).fix_rate is None  # nothing to divide
    grids = {m.name: m for m in measures.breakdown(session, t.place_a)}
    assert grids["一网格"].hazards_reported == 2 and grids["二网格"].hazards_reported == 1
    villages = {m.name: m for m in measures.breakdown(session, t.place)}
    assert villages["谷来村"].disputes_found == 4 and villages["马村"].disputes_found == 0


def test_the_dashboard_shows_the_measures_and_the_cases_export_in_both_formats(
    client, auth, session, hazard_town
):
    t = hazard_town
    _scene(session, t)
    auth.login(t.admin_a)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="case-measures"' in page and "75.0%" in page and "50.0%" in page
    csv = client.get(f"/api/v1/reports/cases.csv?village_id={t.village_a.id}")
    assert csv.status_code == 200
    text = csv.data.decode("utf-8-sig")
    assert text.count("\n") == 1 + 7 and "已整改" in text and "调解成功" in text
    assert "欧阳甲" not in text  # no parties exported
    xlsx = client.get(f"/api/v1/reports/cases.xlsx?village_id={t.village_a.id}")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 8
