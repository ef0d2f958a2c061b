"""The web's own protections on every answer: security headers and cookie flags.

A strict Content-Security-Policy (scripts only from this site's files, no inline script or
event handler), no framing, no MIME sniffing, referrers kept on this site; over https (the
request's, or `PREFERRED_URL_SCHEME=https` behind a proxy) HSTS and Secure cookies.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # A few style attributes (a meter's width) remain; scripts never run from them.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000"


class SessionOverHttps(SecureCookieSessionInterface):
    """The session cookie is Secure when the site or this request is https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or _served_over_https()


def _served_over_https() -> bool:
    return request.is_secure or current_app.config.get("PREFERRED_URL_SCHEME") == "https"


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if _served_over_https():
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def secure_cookies_over_https(response: Response) -> Response:
    """Over https, every cookie set so far (the remember-me one too) is Secure.

    Registered to run after every other after-request hook; the session cookie is set later
    still, by SessionOverHttps."""
    headers = response.headers
    if _served_over_https():
        cookies = headers.getlist("Set-Cookie")
        if cookies and any("; secure" not in c.lower() for c in cookies):
            headers.remove("Set-Cookie")
            for cookie in cookies:
                headers.add(
                    "Set-Cookie", cookie if "; secure" in cookie.lower() else cookie + "; Secure"
                )
    return response


def init_app(app: Flask) -> None:
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    app.session_interface = SessionOverHttps()
    app.after_request(add_security_headers)
    # after_request hooks run last-registered first: this one goes after Flask-Login's.
    app.after_request_funcs.setdefault(None, []).insert(0, secure_cookies_over_https)
