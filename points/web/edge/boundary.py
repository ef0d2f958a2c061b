"""The input boundary: every value from a path, query, form or JSON body is checked here
before any view (and so the database) sees it.

What passes: integers both databases hold (ids and amounts fit PostgreSQL's `integer`),
text without NUL bytes, other control characters or lone surrogates, values of a sane
length, JSON of a bounded size and depth, dates between the years 1900 and 2999. What does
not is refused with a 4xx in the caller's form (the JSON error shape or the error page),
never a 500 from the driver or a 503 that invites a retry that can never succeed.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request
from flask_smorest.arguments import ArgumentsMixin
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from points.errors import N_
from points.i18n import translate

INT_MAX = 2**31 - 1  # the narrowest integer column (PostgreSQL `integer`)
BIG_MAX = 2**63 - 1  # the widest (SQLite's INTEGER, PostgreSQL `bigint`)
MAX_VALUE_CHARS = 20_000  # one query or form value
MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32
MAX_NUMBER_CHARS = 40
YEARS = (1900, 2999)

# NUL and the other C0 controls but tab, LF and CR; DEL; lone UTF-16 surrogates.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_DIGITS = re.compile(r"[+-]?\d+")


class BoundaryRefusal(HTTPException):
    """A value refused at the boundary: 422 (or 413 for a body too large), with a reason."""

    def __init__(self, message: str, reason: str, status: int = 422, field: str = "") -> None:
        super().__init__(description=message)
        self.code = status
        errors = {"reason": reason}
        if field:
            errors[field] = [message]
        self.data = {"message": message, "errors": errors}


def _refuse(msgid: str, reason: str, field: str = "", status: int = 422, **params) -> None:
    raise BoundaryRefusal(translate(msgid, **params), reason, status, field)


class BoundedInt(IntegerConverter):
    """`<int:id>` in a path: an id the databases can hold, else the page does not exist (404)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str):
        if len(value) > MAX_NUMBER_CHARS:
            from werkzeug.routing import ValidationError

            raise ValidationError()
        return super().to_python(value)


# --- text -------------------------------------------------------------------------------
def check_text(value: str, field: str = "") -> None:
    if _BAD_CHARS.search(value):
        _refuse(N_("输入里有不允许的控制字符。"), "bad_characters", field)
    if len(value) > MAX_VALUE_CHARS:
        _refuse(
            N_("输入太长了（最多 %(limit)s 个字符）。"), "too_long", field, limit=MAX_VALUE_CHARS
        )


def check_number_text(value: str, field: str = "") -> None:
    """A value made of digits only: refuse what no integer column holds."""
    if _DIGITS.fullmatch(value) and (len(value) > MAX_NUMBER_CHARS or abs(int(value)) > BIG_MAX):
        _refuse(N_("数字超出范围。"), "out_of_range", field)


def _check_multidict(values) -> None:
    for key, value in values.items(multi=True):
        check_text(key if isinstance(key, str) else "")  # a multipart part may have no name
        if isinstance(value, str):
            check_text(value, key)
            check_number_text(value, key)


# --- JSON ---------------------------------------------------------------------------------
class _TooDeep(ValueError):
    pass


class _OutOfRange(ValueError):
    pass


def _json_depth_ok(raw: bytes) -> bool:
    """Scan the nesting depth without recursion (json.loads would overflow the stack)."""
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _parse_int(text: str) -> int:
    # Only what no column holds is refused here; the API's schemas and BoundaryParser
    # narrow to each field's range (with the field's own message) after parsing.
    if len(text) > MAX_NUMBER_CHARS or abs(int(text)) > BIG_MAX:
        raise _OutOfRange(text)
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _OutOfRange(text)
    return value


def _reject_constant(name: str):
    raise _OutOfRange(name)


def _walk_json(value: Any, path: str = "") -> None:
    if isinstance(value, str):
        check_text(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path)
            _walk_json(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk_json(item, f"{path}.{index}" if path else str(index))


def check_json_body() -> None:
    raw = request.get_data(cache=True)
    if not raw:
        return
    if len(raw) > MAX_JSON_BYTES:
        _refuse(
            N_("请求内容太大（最多 %(limit)s KB）。"),
            "too_large",
            status=413,
            limit=MAX_JSON_BYTES // 1024,
        )
    if not _json_depth_ok(raw):
        _refuse(N_("JSON 嵌套太深（最多 %(limit)s 层）。"), "too_deep", limit=MAX_JSON_DEPTH)
    try:
        data = json.loads(
            raw,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_reject_constant,
        )
    except _OutOfRange:
        _refuse(N_("数字超出范围。"), "out_of_range")
    except (ValueError, RecursionError):
        return  # not JSON at all: the parser answers 400 "Invalid JSON body." as before
    _walk_json(data)
    request._cached_json = (data, data)


def check_request() -> None:
    """Refuse a request whose query, form or JSON body holds a value no view should see."""
    _check_multidict(request.args)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            check_json_body()
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            _check_multidict(request.form)
            for key, upload in request.files.items(multi=True):
                check_text(key)
                check_text(upload.filename or "", key)


# --- values after parsing (dates, integers of the API's schemas) -----------------------
def _sane(value: Any, field: str) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > INT_MAX:
            _refuse(N_("数字超出范围。"), "out_of_range", field)
    elif isinstance(value, datetime):
        if not YEARS[0] <= value.year <= YEARS[1]:
            _refuse(N_("日期超出范围。"), "out_of_range", field)
        if value.tzinfo is not None:
            try:
                value.astimezone(UTC)
            except OverflowError:
                _refuse(N_("日期超出范围。"), "out_of_range", field)
    elif isinstance(value, date):
        if not YEARS[0] <= value.year <= YEARS[1]:
            _refuse(N_("日期超出范围。"), "out_of_range", field)
    elif isinstance(value, str):
        check_text(value, field)
    elif isinstance(value, dict):
        for key, item in value.items():
            _sane(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list | tuple | set):
        for index, item in enumerate(value):
            _sane(item, f"{field}.{index}" if field else str(index))


class BoundaryParser(FlaskParser):
    """webargs' parser, then the boundary's ranges over what it parsed (every API schema)."""

    def parse(self, argmap, req=None, **kwargs):
        data = super().parse(argmap, req, **kwargs)
        _sane(data, "")
        return data


def _overflow(error: OverflowError):
    """A date or number that overflowed in Python or the driver: the input was out of range."""
    from points.extensions import db
    from points.web.edge.errors import error_response

    db.session.rollback()
    message = translate(N_("数字或日期超出范围。"))
    return error_response(422, message, {"reason": "out_of_range"})


# Every API blueprint parses its arguments through the boundary's parser (set before the
# blueprint modules are imported: flask-smorest binds the parser when a view is decorated).
ArgumentsMixin.ARGUMENTS_PARSER = BoundaryParser()


def init_url_map(app: Flask) -> None:
    """Bound `<int:…>` path values (call before any blueprint is registered)."""
    app.url_map.converters["int"] = BoundedInt


def init_app(app: Flask) -> None:
    app.before_request(check_request)
    app.register_error_handler(OverflowError, _overflow)


# --- where a redirect may go ------------------------------------------------------------
_URL_CONTROLS = re.compile("[\x00-\x1f\x7f]")


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path of this site, as a browser would read it; else None.

    Browsers drop tabs and newlines anywhere in a URL, trim spaces and controls at its ends,
    and read a backslash as a slash, so `/\\t/evil`, `/\\evil` and ` //evil` all leave the
    site: the check runs on what the browser will see, and any control character refuses
    the value outright (a CR/LF must never reach a Location header).
    """
    if not target or _URL_CONTROLS.search(target) or len(target) > 2000:
        return None
    seen = target.strip(" ").replace("\\", "/")
    if not seen.startswith("/") or seen.startswith("//"):
        return None
    parts = urlsplit(seen)
    if parts.scheme or parts.netloc:
        return None
    return seen
