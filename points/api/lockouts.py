"""DELETE /people/<id>/lockout: an admin lifts a person's login lockout."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from points import policy
from points.auth import require
from points.extensions import db
from points.people import attempts

blp = Blueprint("api_lockouts", __name__, description="Login lockouts (admins)")


@blp.route("/people/<int:person_id>/lockout", methods=["DELETE"])
@require(policy.ensure_admin)
@blp.response(204)
def lift_lockout(person_id):
    """Let a person who typed too many wrong passwords log in again now."""
    attempts.lift_lockout(db.session, current_user, person_id)
