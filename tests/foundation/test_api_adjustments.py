"""Does POST /adjustments refuse bad input cleanly and honour Idempotency-Key under races?"""

from __future__ import annotations

import pytest
from support.races import race_in_app

from points import ledger

URL = "/api/v1/adjustments"


@pytest.fixture
def funded_town(session, town, give):
    give(town.resident_a, 100)
    return town


BAD_BODIES = {
    "zero": ({"amount": 0, "reason": "巡防"}, 422, "不能为 0"),
    "deduction beyond the balance": ({"amount": -101, "reason": "扣分"}, 409, "可用积分不足"),
    "a word for an amount": ({"amount": "x", "reason": "巡防"}, 422, "应为整数"),
    "a fraction": ({"amount": 1.5, "reason": "巡防"}, 422, "应为整数"),
    "a number in a string": ({"amount": "5", "reason": "巡防"}, 422, "应为整数"),
    "ten to the fifteenth": ({"amount": 10**15, "reason": "巡防"}, 422, "1000000"),
    "a huge deduction": ({"amount": -(10**15), "reason": "巡防"}, 422, "1000000"),
    "no amount": ({"reason": "巡防"}, 422, "此项必填"),
    "no reason": ({"amount": 5}, 422, "此项必填"),
    "an empty reason": ({"amount": 5, "reason": ""}, 422, "reason"),
    "a blank reason": ({"amount": 5, "reason": "   "}, 422, "请填写加分或扣分的原因"),
    "a reason of 201 characters": ({"amount": 5, "reason": "巡" * 201}, 422, "200"),
    "a null amount": ({"amount": None, "reason": "巡防"}, 422, "不能为空"),
    "a boolean amount": ({"amount": True, "reason": "巡防"}, 422, "应为整数"),
    "an unknown field": ({"amount": 5, "reason": "巡防", "extra": 1}, 422, "不认识的字段"),
}


@pytest.mark.parametrize("case", BAD_BODIES, ids=list(BAD_BODIES))
def test_bad_adjustments_are_refused_with_a_clear_message_and_nothing_written(
    client, auth, session, funded_town, error_shape, state, case
):
    body, status, words = BAD_BODIES[case]
    if "resident_id" not in body:
        body = {"resident_id": funded_town.resident_a.id, **body}
    headers = auth.headers(funded_town.admin_a)
    before = state(session)
    answer = client.post(URL, json=body, headers=headers)
    error = error_shape(answer, status)
    assert words in error["message"] + str(error["errors"]), error
    assert state(session) == before


def test_an_unknown_resident_is_404_and_nothing_is_written(
    client, auth, session, funded_town, error_shape, state
):
    before = state(session)
    answer = client.post(
        URL,
        json={"resident_id": 999_999, "amount": 5, "reason": "巡防"},
        headers=auth.headers(funded_town.admin_a),
    )
    assert "找不到" in error_shape(answer, 404)["message"]
    assert state(session) == before


def test_an_admin_cannot_adjust_their_own_points(
    client, auth, session, funded_town, error_shape, state
):
    before = state(session)
    answer = client.post(
        URL,
        json={"resident_id": funded_town.admin_a.id, "amount": 50, "reason": "自己加分"},
        headers=auth.headers(funded_town.admin_a),
    )
    assert error_shape(answer, 403)["errors"]["reason"] == "self_adjustment"
    assert state(session) == before


@pytest.mark.parametrize(
    "raw",
    ["not json", "[1, 2]", "null", '"text"'],
    ids=["not json", "a list", "null", "a string"],
)
def test_a_body_that_is_not_a_json_object_is_refused_cleanly(
    client, auth, session, funded_town, error_shape, state, raw
):
    before = state(session)
    answer = client.post(
        URL,
        data=raw,
        headers={**auth.headers(funded_town.admin_a), "Content-Type": "application/json"},
    )
    assert answer.status_code in (400, 422)
    error_shape(answer, answer.status_code)
    assert state(session) == before


def test_an_award_and_a_deduction_move_the_balance(client, auth, session, funded_town):
    headers = auth.headers(funded_town.admin_a)
    up = client.post(
        URL,
        json={"resident_id": funded_town.resident_a.id, "amount": 30, "reason": "夜间巡防"},
        headers=headers,
    )
    assert up.status_code == 201, up.get_json()
    assert (up.get_json()["balance"], up.get_json()["reason"]) == (130, "夜间巡防")
    down = client.post(
        URL,
        json={"resident_id": funded_town.resident_a.id, "amount": -130, "reason": "违规扣分"},
        headers=headers,
    )
    assert down.status_code == 201, down.get_json()
    assert (down.get_json()["balance"], down.get_json()["available"]) == (0, 0)
    assert ledger.verify(session).ok


# --- validation messages in the caller's language ---------------------------------------
def test_validation_messages_are_chinese_by_default(client, auth, funded_town):
    headers = auth.headers(funded_town.admin_a)
    resident = funded_town.resident_a.id
    not_a_number = client.post(
        URL, json={"resident_id": resident, "amount": "x", "reason": "巡防"}, headers=headers
    ).get_json()
    assert not_a_number["errors"] == {"amount": ["应为整数。"]}
    assert not_a_number["message"] == "输入有误：amount 应为整数。"
    no_reason = client.post(URL, json={"resident_id": resident, "amount": 5}, headers=headers)
    assert no_reason.get_json()["errors"] == {"reason": ["此项必填。"]}
    for body in (not_a_number, no_reason.get_json()):
        assert "Not a valid" not in str(body) and "Missing data" not in str(body)


def test_validation_messages_follow_an_english_reader(client, auth, funded_town):
    answer = client.post(
        URL,
        json={"resident_id": funded_town.resident_a.id, "amount": 10**15, "reason": "x"},
        headers={**auth.headers(funded_town.admin_a), "Accept-Language": "en"},
    )
    amount_error = answer.get_json()["errors"]["amount"][0]
    assert "1000000" in amount_error
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in amount_error), amount_error


# --- Idempotency-Key --------------------------------------------------------------------
def test_ten_requests_with_one_idempotency_key_at_once_make_one_transfer(
    app, client, auth, session, funded_town
):
    headers = auth.headers(funded_town.admin_a, **{"Idempotency-Key": "patrol-2025-03-01"})
    body = {"resident_id": funded_town.resident_a.id, "amount": 25, "reason": "夜间巡防"}
    before = ledger.head(session)[0]
    session.commit()

    def send(_i: int):
        answer = app.test_client().post(URL, json=body, headers=headers)
        return answer.status_code, answer.get_json()

    answers = race_in_app(app, 10, send, timeout=120)
    assert all(isinstance(a, tuple) and a[0] == 201 for a in answers), answers
    assert len({a[1]["transfer_id"] for a in answers}) == 1
    session.expire_all()
    assert ledger.head(session)[0] == before + 1
    assert ledger.resident_account(session, funded_town.resident_a.id).balance == 125
    assert ledger.verify(session).ok


def test_one_idempotency_key_with_another_body_is_refused_409(
    client, auth, session, funded_town, error_shape, state
):
    headers = auth.headers(funded_town.admin_a, **{"Idempotency-Key": "k-1"})
    body = {"resident_id": funded_town.resident_a.id, "amount": 25, "reason": "夜间巡防"}
    first = client.post(URL, json=body, headers=headers)
    assert first.status_code == 201
    replay = client.post(URL, json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.get_json() == first.get_json()
    assert replay.headers.get("Idempotent-Replayed") == "true"
    before = state(session)
    other = client.post(URL, json={**body, "amount": 26}, headers=headers)
    assert error_shape(other, 409)["errors"]["reason"] == "idempotency_conflict"
    assert state(session) == before


def test_a_refused_request_does_not_use_up_its_idempotency_key(client, auth, session, funded_town):
    headers = auth.headers(funded_town.admin_a, **{"Idempotency-Key": "k-2"})
    body = {"resident_id": funded_town.resident_a.id, "amount": -500, "reason": "扣分"}
    assert client.post(URL, json=body, headers=headers).status_code == 409
    fixed = client.post(URL, json={**body, "amount": -50}, headers=headers)
    assert fixed.status_code == 201, fixed.get_json()
