"""Signed strings for QR codes: short, URL-safe, verifiable without the database."""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, Signer


class BadToken(Exception):
    """The token was not made by us (forged or damaged)."""


def sign(secret: str, salt: str, payload: str) -> str:
    return Signer(secret, salt=salt, digest_method=hashlib.sha256).sign(payload).decode()


def unsign(secret: str, salt: str, token: str) -> str:
    """The payload of a token we signed, or BadToken."""
    try:
        signer = Signer(secret, salt=salt, digest_method=hashlib.sha256)
        return signer.unsign(token.strip()).decode()
    except (BadSignature, UnicodeError) as exc:
        raise BadToken(str(exc)) from exc
