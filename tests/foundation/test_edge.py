"""Does every failure reach an API caller as SPEC's JSON error, never a 500 page?"""

from __future__ import annotations

from sqlalchemy import text

from points.extensions import db


def test_an_unknown_api_path_is_a_json_404(client, error_shape):
    assert "不存在" in error_shape(client.get("/api/v1/no-such-thing"), 404)["message"]


def test_a_wrong_method_is_a_json_405(client, error_shape):
    error_shape(client.delete("/api/v1/villages"), 405)


def test_a_constraint_the_code_did_not_foresee_is_a_409_not_a_500(make_app, town, error_shape):
    def clash():
        db.session.execute(
            text(
                "INSERT INTO villages (name, code, created_at) VALUES ('重', 'GL01', '2025-01-01')"
            )
        )
        db.session.commit()
        return {}

    app = make_app()
    app.add_url_rule("/api/v1/test-clash", "test_clash", clash, methods=["POST"])
    client = app.test_client()
    body = error_shape(client.post("/api/v1/test-clash"), 409)
    assert body["errors"] == {"reason": "conflict"}
    assert client.get("/api/v1/villages").status_code == 200  # the session was rolled back
