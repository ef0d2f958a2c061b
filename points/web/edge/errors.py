"""Where domain errors become HTTP, for the pages and the API alike: JSON for API callers, a
friendly page for browsers.

Part of the HTTP edge the two doors share (points/web/edge/), beside `boundary` (the input
boundary, safe redirects), `protection` (security headers, cookie flags), `guards` (guessing
limits) and `scanning` (a check-in code's URL and QR payload, scan limits).
Flask lives in them; no domain module imports them."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from points.db import RETRY_AFTER, DatabaseBusy
from points.errors import N_, DomainError
from points.extensions import db
from points.i18n import translate
from points.input_messages import first_problem, localize_errors

log = logging.getLogger(__name__)

STATUS_FOR_CATEGORY = {
    "invalid": 422,
    "conflict": 409,
    "not_found": 404,
    "forbidden": 403,
    "gone": 410,
    "rate": 429,
    "busy": 503,
}

# Chinese msgids for the HTTP errors a page or API caller can meet.
HTTP_MESSAGES = {
    400: N_("请求格式不对。"),
    401: N_("请先登录。"),
    403: N_("您没有权限进行这项操作。"),
    404: N_("页面或数据不存在。"),
    405: N_("不支持这种请求方式。"),
    409: N_("与当前状态冲突，请刷新后再试。"),
    413: N_("上传的文件太大。"),
    415: N_("不支持这种内容格式。"),
    422: N_("输入有误，请检查后再提交。"),
    429: N_("操作太频繁，请稍后再试。"),
    500: N_("系统出错了，我们会尽快处理。"),
    503: N_("系统繁忙，请稍后再试。"),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def error_response(status: int, message: str, errors: dict | None = None, reason: str = ""):
    """Answer an error in the caller's form: the JSON error shape or the error page.

    One shape: a refusal with a stable reason code carries it twice, as `reason` at the top
    level and as `errors.reason`, whichever way the caller here passed it.
    """
    name = _status_name(status)
    said = errors.get("reason") if isinstance(errors, dict) else None
    if not reason and isinstance(said, str):
        reason = said
    if reason and said is None:
        # (A request field named `reason` keeps its own messages under errors.reason.)
        errors = {"reason": reason, **(errors or {})}
    if wants_json():
        body = {"code": status, "status": name, "message": message, "errors": errors or {}}
        if reason:
            body["reason"] = reason
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, errors=errors), status


def _status_name(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES

    return HTTP_STATUS_CODES.get(status, "Error")


def message_for_status(status: int) -> str:
    return translate(HTTP_MESSAGES.get(status, HTTP_MESSAGES[500]))


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error: the API's answer, and a page's when it shows the
    form again with the error as a note (so both doors answer alike)."""
    return STATUS_FOR_CATEGORY.get(error.category, 400)


def handle_domain_error(error: DomainError):
    db.session.rollback()
    status = status_for(error)
    # A refused transition also says the state it found (e.g. {"status": "approved"}).
    errors = {"reason": error.code, **getattr(error, "details", {})}
    body, code = error_response(status, error.message, errors, reason=error.code)
    response = make_response(body, code)
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    message = data.get("message") or message_for_status(status)
    errors = data.get("errors") or data.get("messages")
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "form", "files", "headers"}:
        # {"json": {"amount": [...]}} → {"amount": [...]}; a bare list ("Invalid JSON body.")
        # stays under its location.
        flat = {}
        for location, part in errors.items():
            if isinstance(part, dict):
                flat.update(part)
            else:
                flat[location] = part
        errors = flat or errors
    if errors:
        errors = localize_errors(errors)
        problem = first_problem(errors)
        if problem and not data.get("message"):
            field, said = problem
            if field.split(".")[0] in ("_schema", "json", "query", "form", "files", "headers"):
                field = ""  # not a field of the caller's: say just the problem
            message = translate(N_("输入有误：%(field)s %(problem)s"), field=field, problem=said)
    body, code = error_response(status, message, errors)
    response = make_response(body)
    headers = dict(data.get("headers") or {})
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    for key, value in headers.items():
        response.headers[key] = value
    return response, code


def handle_database_error(error: SQLAlchemyError):
    db.session.rollback()
    if isinstance(error, IntegrityError):
        # A constraint the use case did not turn into a domain error: the request clashed with
        # what is stored, and retrying it unchanged won't help (a 503 would invite that).
        log.warning("integrity error answered as 409: %s", error.orig)
        return error_response(
            409, message_for_status(409), {"reason": "conflict"}, reason="conflict"
        )
    if isinstance(error, DataError):
        # A value the column can't hold (a number out of range, say): the input is wrong,
        # and a retry would fail the same way.
        log.warning("data error answered as 422: %s", error.orig)
        message = translate(N_("数字或日期超出范围。"))
        return error_response(422, message, {"reason": "out_of_range"})
    log.warning("database error answered as 503: %s", error)
    return _busy()


def _busy(error: Exception | None = None):
    """503 with Retry-After: the database could not take the request now (a lock held too
    long, a lost connection); the same request may succeed shortly."""
    db.session.rollback()
    body, code = error_response(503, message_for_status(503), reason="database_busy")
    response = make_response(body, code)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def handle_unexpected(error: Exception):
    log.exception("unhandled error")
    db.session.rollback()
    return error_response(500, message_for_status(500))


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(SQLAlchemyError, handle_database_error)
    app.register_error_handler(DatabaseBusy, _busy)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
