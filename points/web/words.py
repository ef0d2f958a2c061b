"""Texts the scheme stored in Chinese when it wrote them (notices, ledger memos), shown in the
reader's language: each known shape is read back into its msgid and parameters.

The names inside (a reward, a reason) stay as typed; anything of unknown shape is shown as is.
"""

from __future__ import annotations

import re

from flask import Flask

from points.errors import N_
from points.i18n import translate

SHAPES = [
    (re.compile(r"^初始库存$"), N_("初始库存")),
    (
        re.compile(r"^兑换 (?P<name>.+) ×(?P<n>\d+)$"),
        N_("兑换 %(name)s ×%(n)s"),
    ),
    (
        re.compile(
            r"^您兑换的「(?P<name>.+)」×(?P<n>\d+) 已审核通过，兑换码 (?P<code>\w+)，"
            r"请到村积分超市出示兑换码领取。$"
        ),
        N_(
            "您兑换的「%(name)s」×%(n)s 已审核通过，兑换码 %(code)s，请到村积分超市出示兑换码领取。"
        ),
    ),
    (
        re.compile(
            r"^您兑换的「(?P<name>.+)」×(?P<n>\d+) 未通过：(?P<reason>.*)。"
            r"冻结的 (?P<points>\d+) 积分已退回。$",
            re.S,
        ),
        N_("您兑换的「%(name)s」×%(n)s 未通过：%(reason)s。冻结的 %(points)s 积分已退回。"),
    ),
]


def in_reader_language(text: str | None) -> str:
    """A stored notice or memo in the reader's language, where its shape is known."""
    if not text:
        return ""
    for pattern, msgid in SHAPES:
        found = pattern.match(text)
        if found:
            return translate(msgid, **found.groupdict())
    return text


def init_app(app: Flask) -> None:
    app.jinja_env.filters["in_reader_language"] = in_reader_language
