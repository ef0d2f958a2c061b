"""Test people: passwords, phone numbers, logging in through the page or the API."""

from __future__ import annotations

from itertools import count

from points.models import User

PASSWORD = "secret123"
# Tests hash with a cheap method: scrypt's cost is the point in production, not here.
FAST_HASH = "pbkdf2:sha256:1000"

_phones = count(10_000_000)


def new_phone() -> str:
    """A mobile number no other test person has."""
    return f"137{next(_phones):08d}"


class AuthActions:
    """Log in through the page or get an API token, as a test user."""

    def __init__(self, client):
        self._client = client

    def login(self, user: User, password: str = PASSWORD):
        return self._client.post("/login", data={"phone": user.phone, "password": password})

    def logout(self):
        return self._client.post("/logout")

    def token(self, user: User, password: str = PASSWORD) -> str:
        answer = self._client.post(
            "/api/v1/auth/token", json={"phone": user.phone, "password": password}
        )
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["token"]

    def headers(self, user: User, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token(user)}", **extra}
