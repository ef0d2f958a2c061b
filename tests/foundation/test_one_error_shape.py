"""Every refusal with a reason code says it the same way: top-level `reason` = `errors.reason`."""

from __future__ import annotations


def test_an_unknown_place_and_an_out_of_range_id_carry_their_reason_in_both_places(client):
    for path in (
        "/api/v1/leaderboard?scope=village&village_id=9223372036854775808",  # the boundary
        "/api/v1/leaderboard?scope=village&village_id=999999",  # a domain refusal: unknown place
    ):
        answer = client.get(path)
        body = answer.get_json()
        assert 400 <= answer.status_code < 500, (path, answer.status_code)
        assert body["reason"], (path, body)
        assert body["errors"]["reason"] == body["reason"], (path, body)
