"""Languages: Simplified Chinese by default, English on request."""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale, gettext

from points.errors import render, use_translator
from points.extensions import babel

LANGUAGES = ("zh", "en")


def select_locale() -> str:
    """Choose the reader's language: their switch, then the API's Accept-Language, then zh."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.path.startswith("/api/"):
        best = request.accept_languages.best_match(LANGUAGES, default="zh")
        return best or "zh"
    return "zh"


def _gettext(template: str) -> str:
    return gettext(template) if has_request_context() else template


def translate(template: str, **params: object) -> str:
    """Translate a Chinese msgid into the current language and fill in its params."""
    return render(template, **params)


def current_language() -> str:
    return str(get_locale() or "zh")


def init_app(app: Flask) -> None:
    use_translator(_gettext)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories="translations",
    )

    @app.context_processor
    def language_context() -> dict:
        return {"current_language": current_language, "LANGUAGES": LANGUAGES}
