"""marshmallow's and webargs' English validation messages, said in the reader's language.

The schemas keep marshmallow's defaults; at error time each message is matched to a Chinese
msgid (with its numbers as params) and translated, so an API caller reads "不是有效的整数。"
by default and the English catalogue's wording with `Accept-Language: en`. A message with no
entry here (say, a validator's own Chinese text) is passed through `translate` unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from points.errors import N_
from points.i18n import current_language, translate

# (pattern of marshmallow's English message, Chinese msgid with the same named params)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), msgid)
    for p, msgid in [
        (r"Missing data for required field\.", N_("此项必填。")),
        (r"Field may not be null\.", N_("此项不能为空。")),
        (r"Unknown field\.", N_("不认识的字段。")),
        (r"Invalid input type\.", N_("内容格式不对，应为 JSON 对象。")),
        (r"Invalid JSON body\.", N_("请求内容不是有效的 JSON。")),
        (r"Invalid type\.", N_("类型不对。")),
        (r"Invalid value\.", N_("取值不对。")),
        (r"Invalid input\.", N_("取值不对。")),
        (r"Not a valid integer\.", N_("应为整数。")),
        (r"Not a valid number\.", N_("应为数字。")),
        (r"Number too large\.", N_("数字太大。")),
        (r"Special numeric values \(nan or infinity\) are not permitted\.", N_("应为数字。")),
        (r"Not a valid string\.", N_("应为文字。")),
        (r"Not a valid utf-8 string\.", N_("文字编码不对（应为 UTF-8）。")),
        (r"Not a valid boolean\.", N_("应为是或否（true/false）。")),
        (
            r"Not a valid (?:naive |aware )?datetime\.",
            N_("应为日期时间，例如 2025-03-01T08:00:00。"),
        ),
        (r"Not a valid date\.", N_("应为日期，例如 2025-03-01。")),
        (r"Not a valid time\.", N_("应为时间，例如 08:00。")),
        (r'".*" cannot be formatted as a \w+\.', N_("日期或时间格式不对。")),
        (r"Not a valid list\.", N_("应为列表。")),
        (r"Not a valid mapping type\.", N_("应为 JSON 对象。")),
        (r"Not a valid email address\.", N_("邮箱地址格式不对。")),
        (r"Not a valid URL\.", N_("网址格式不对。")),
        (r"Not a valid UUID\.", N_("编号格式不对。")),
        (r"String does not match expected pattern\.", N_("格式不对。")),
        (r"Must be one of: (?P<choices>.*)\.", N_("应为以下之一：%(choices)s。")),
        (
            r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.",
            N_("长度应为 %(min)s 到 %(max)s 个字。"),
        ),
        (r"Shorter than minimum length (?P<min>\d+)\.", N_("不能少于 %(min)s 个字。")),
        (r"Longer than maximum length (?P<max>\d+)\.", N_("不能超过 %(max)s 个字。")),
        (r"Length must be (?P<equal>\d+)\.", N_("长度应为 %(equal)s。")),
        (
            r"Must be greater than or equal to (?P<min>\S+) "
            r"and less than or equal to (?P<max>\S+)\.",
            N_("应在 %(min)s 到 %(max)s 之间。"),
        ),
        (r"Must be greater than or equal to (?P<min>\S+)\.", N_("不能小于 %(min)s。")),
        (r"Must be less than or equal to (?P<max>\S+)\.", N_("不能大于 %(max)s。")),
        (r"Must be greater than (?P<min>\S+)\.", N_("应大于 %(min)s。")),
        (r"Must be less than (?P<max>\S+)\.", N_("应小于 %(max)s。")),
    ]
]


def localize(message: str) -> str:
    """Say one validation message in the current language."""
    for pattern, msgid in _PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            # An English reader before the catalogue has this entry gets marshmallow's English.
            if current_language() != "zh" and translate(msgid) == msgid:
                return message
            return translate(msgid, **match.groupdict())
    return translate(message)


def localize_errors(errors: Any) -> Any:
    """Localize every message in a (nested) marshmallow error structure."""
    if isinstance(errors, str):
        return localize(errors)
    if isinstance(errors, dict):
        return {key: localize_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [localize_errors(value) for value in errors]
    return errors


def first_problem(errors: Any, path: str = "") -> tuple[str, str] | None:
    """Return (field path, message) of the first message in an error structure."""
    if isinstance(errors, str):
        return path, errors
    if isinstance(errors, dict):
        for key, value in errors.items():
            found = first_problem(value, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(errors, list | tuple):
        for value in errors:
            found = first_problem(value, path)
            if found:
                return found
    return None
