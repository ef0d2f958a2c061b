"""Passwords: hashed with scrypt (tests and the demo may choose a faster method)."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

_method = "scrypt"


def configure(method: str | None) -> None:
    """Choose the hashing method for new hashes (create_app passes PASSWORD_HASH_METHOD)."""
    global _method
    _method = method or "scrypt"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method)


def password_matches(user, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)
