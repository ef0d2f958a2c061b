"""Domain errors, named in the scheme's words.

Each error carries a reason `code` (stable, for API clients and tests), a `category` the edge
turns into an HTTP status, and a message template (the msgid is Chinese, the scheme's first
language) rendered in the reader's language when it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar


def N_(message: str) -> str:
    """Mark a message for translation; it is translated when shown."""
    return message


class Msgid(str):
    """A Chinese msgid passed as a parameter: translated with the template when shown."""


_translator: Callable[[str], str] = str


def use_translator(translator: Callable[[str], str]) -> None:
    """Say how msgids are translated when shown (the web glue passes the reader's language)."""
    global _translator
    _translator = translator


def render(template: str, **params: Any) -> str:
    """A msgid in the reader's language with its parameters filled in (Msgid ones translated)."""
    text = _translator(template)
    if not params:
        return text
    return text % {k: render(v) if isinstance(v, Msgid) else v for k, v in params.items()}


# Refusals a page shows as its own error page (403, 404) rather than as a note on a form.
REFUSALS = ("forbidden", "not_found")


class DomainError(Exception):
    code: ClassVar[str] = "error"
    category: ClassVar[str] = "invalid"  # invalid | conflict | not_found | forbidden | gone
    template: ClassVar[str] = N_("操作未能完成。")

    def __init__(self, template: str | None = None, **params: Any) -> None:
        if template is not None:
            self.template = template
        self.params = params
        super().__init__(self.template % params if params else self.template)

    @property
    def message(self) -> str:
        """Return the message in the reader's language (outside a request: Chinese)."""
        return render(self.template, **self.params)


# --- input ----------------------------------------------------------------------------
class InvalidInput(DomainError):
    code = "invalid"
    template = N_("输入有误：%(detail)s")


class InvalidAmount(DomainError):
    code = "invalid_amount"
    template = N_("积分数必须是 1 到 %(limit)s 之间的整数。")


# --- ledger ---------------------------------------------------------------------------
class InsufficientPoints(DomainError):
    code = "insufficient_points"
    category = "conflict"
    template = N_("可用积分不足：需要 %(needed)s 分，可用 %(available)s 分。")


class DuplicateReference(DomainError):
    code = "duplicate_reference"
    category = "conflict"
    template = N_("这笔积分已经记过账了（%(reference)s）。")


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    category = "conflict"
    template = N_("同一个请求编号（Idempotency-Key）已用于另一份内容。")


class UnknownAccount(DomainError):
    code = "unknown_account"
    category = "not_found"
    template = N_("找不到积分账户 %(account_id)s。")


class NotPending(DomainError):
    code = "not_pending"
    category = "conflict"
    template = N_("这笔冻结积分已经处理过了。")


class NotReversible(DomainError):
    code = "not_reversible"
    category = "conflict"
    template = N_("第 %(transfer_id)s 笔转账不能冲正（冻结中或本身就是冲正）。")


# --- people ---------------------------------------------------------------------------
class NotFound(DomainError):
    code = "not_found"
    category = "not_found"
    template = N_("找不到%(what)s。")


class Forbidden(DomainError):
    code = "forbidden"
    category = "forbidden"
    template = N_("您没有权限进行这项操作。")


class OutsideVillage(Forbidden):
    code = "other_village"
    template = N_("这不是您所在村的数据，无权查看或修改。")


class SelfAdjustment(Forbidden):
    code = "self_adjustment"
    template = N_("不能给自己加分或扣分。")


class PhoneTaken(DomainError):
    code = "phone_taken"
    category = "conflict"
    template = N_("手机号 %(phone)s 已被登记。")


class ResidentSuspended(DomainError):
    code = "suspended"
    category = "forbidden"
    template = N_("该账号已停用，请联系村委会。")
