"""The audit log in plain words: each action as a sentence, people and things by name, the
before/after as labelled fields — for the admins who read it, not for the code that wrote it.

Returns msgids and plain values; the page translates them (translate at the edge).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.errors import N_
from points.models import AuditEntry, Case, Event, Grid, Household, Reward, Town, User, Village

SENTENCES = {
    "person.create": N_("%(actor)s 登记了 %(target)s"),
    "person.edit": N_("%(actor)s 修改了 %(target)s 的资料"),
    "person.suspend": N_("%(actor)s 停用了 %(target)s 的账号"),
    "person.reinstate": N_("%(actor)s 恢复了 %(target)s 的账号"),
    "person.password": N_("%(actor)s 为 %(target)s 设置了登录密码"),
    "card.reissue": N_("%(actor)s 为 %(target)s 补办了积分卡"),
    "residents.import": N_("%(actor)s 导入了一批村民"),
    "points.adjust": N_("%(actor)s 给 %(target)s 加减分"),
    "checkin.reverse": N_("%(actor)s 撤销了一次签到（%(target)s）"),
    "settings.update": N_("%(actor)s 修改了设置"),
    "calendar.update": N_("%(actor)s 修改了节假日安排（%(target)s）"),
    "village.create": N_("%(actor)s 新建了村 %(target)s"),
    "town.create": N_("%(actor)s 新建了镇 %(target)s"),
    "town.update": N_("%(actor)s 修改了镇 %(target)s"),
    "grid.create": N_("%(actor)s 新建了网格 %(target)s"),
    "grid.staff": N_("%(actor)s 为网格 %(target)s 分配了网格员"),
    "event.create": N_("%(actor)s 创建了活动 %(target)s"),
    "event.update": N_("%(actor)s 修改了活动 %(target)s"),
    "event.publish": N_("%(actor)s 发布了活动 %(target)s"),
    "event.close": N_("%(actor)s 结束了活动 %(target)s"),
    "event.cancel": N_("%(actor)s 取消了活动 %(target)s"),
    "event.regenerate_key": N_("%(actor)s 更换了活动 %(target)s 的二维码"),
    "category.points": N_("%(actor)s 修改了活动类别的分值"),
    "reward.create": N_("%(actor)s 上架了奖品 %(target)s"),
    "reward.update": N_("%(actor)s 修改了奖品 %(target)s"),
    "reward.restock": N_("%(actor)s 给奖品 %(target)s 入库"),
    "reward.correction": N_("%(actor)s 更正了奖品 %(target)s 的库存"),
    "redemption.request": N_("%(actor)s 申请兑换（%(target)s）"),
    "redemption.approve": N_("%(actor)s 通过了兑换申请（%(target)s）"),
    "redemption.reject": N_("%(actor)s 驳回了兑换申请（%(target)s）"),
    "redemption.cancel": N_("%(actor)s 取消了兑换申请（%(target)s）"),
    "redemption.fulfil": N_("%(actor)s 核销了兑换（%(target)s）"),
    "proxy.start": N_("%(actor)s 开始为 %(target)s 代办"),
    "proxy.redeem": N_("%(actor)s 为 %(target)s 代办兑换"),
    "proxy.end": N_("%(actor)s 结束为 %(target)s 代办"),
    "proxy.claim": N_("%(actor)s 为 %(target)s 代办申报"),
    "visit.record": N_("%(actor)s 记录了对 %(target)s 户的家访"),
    "list_appeal.file": N_("%(actor)s 申请更正或撤下公开名单上的一条（%(target)s）"),
    "list_appeal.uphold": N_("%(actor)s 采纳申请，撤下了公开名单上的一条（%(target)s）"),
    "list_appeal.dismiss": N_("%(actor)s 未采纳公开名单申请（%(target)s）"),
    "household.item": N_("%(actor)s 给家庭 %(target)s 记入家庭条款积分"),
    "hazard.report": N_("%(actor)s 报告了隐患 %(target)s"),
    "hazard.verify": N_("%(actor)s 核实了隐患 %(target)s"),
    "hazard.reject": N_("%(actor)s 不予采纳隐患 %(target)s"),
    "hazard.duplicate": N_("%(actor)s 将隐患 %(target)s 标为重复"),
    "hazard.assign": N_("%(actor)s 交办了隐患 %(target)s"),
    "hazard.fix": N_("%(actor)s 登记了隐患 %(target)s 的整改"),
    "hazard.close": N_("%(actor)s 办结了隐患 %(target)s"),
    "hazard.rate": N_("%(actor)s 评价了隐患 %(target)s 的整改"),
    "dispute.record": N_("%(actor)s 登记了矛盾纠纷 %(target)s"),
    "dispute.mediate": N_("%(actor)s 开始调解纠纷 %(target)s"),
    "dispute.resolve": N_("%(actor)s 登记纠纷 %(target)s 调解成功"),
    "dispute.fail": N_("%(actor)s 登记纠纷 %(target)s 调解未成"),
    "dispute.hand_on": N_("%(actor)s 移交了纠纷 %(target)s"),
    "dispute.follow_up": N_("%(actor)s 回访了纠纷 %(target)s"),
}
UNKNOWN_SENTENCE = N_("%(actor)s：%(action)s（%(target)s）")

FIELDS = {
    "name": N_("姓名"),
    "phone": N_("手机号"),
    "household": N_("户号"),
    "active": N_("账号可用"),
    "leaderboard_opt_out": N_("不上排行榜"),
    "card_version": N_("卡版本"),
    "password": N_("密码"),
    "amount": N_("积分"),
    "reason": N_("原因"),
    "rule": N_("规则"),
    "status": N_("状态"),
    "points": N_("积分"),
    "quantity": N_("数量"),
    "voucher_code": N_("兑换码"),
    "reward_id": N_("奖品"),
    "stock": N_("库存"),
    "title": N_("标题"),
    "points_cost": N_("所需积分"),
    "code": N_("编码"),
    "grid_id": N_("网格"),
    "village_id": N_("村"),
    "role": N_("角色"),
    "created": N_("新增人数"),
    "staff_ids": N_("网格员"),
    "reward": N_("奖品"),
    "until": N_("有效至"),
    "why": N_("结束原因"),
    "case": N_("申报编号"),
    "member": N_("确认的成员"),
    "confirmation": N_("确认方式"),
    "hazard_found": N_("发现隐患"),
    "dispute_found": N_("发现纠纷"),
}
VALUES = {True: N_("是"), False: N_("否"), None: "—"}
WORDS = {
    "done": N_("办完"),
    "logout": N_("退出登录"),
    "expired": N_("超过 10 分钟"),
    "card": N_("扫积分卡"),
    "in_person": N_("当面确认"),
}


@dataclass(frozen=True)
class Field:
    label: str  # msgid, or the raw key when unknown
    before: str
    after: str


@dataclass(frozen=True)
class Line:
    entry: AuditEntry
    sentence: str  # msgid
    actor: str
    target: str
    fields: list[Field]


def _plain(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return VALUES[value]
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return WORDS.get(value, str(value)) if isinstance(value, str) else str(value)


def fields_of(before: Any, after: Any) -> list[Field]:
    """The changed (or recorded) fields, labelled, with readable values."""
    before = before if isinstance(before, dict) else ({} if before is None else {"": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"": after})
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Field(
            FIELDS.get(key, key),
            _plain(before.get(key)) if key in before else "",
            _plain(after.get(key)) if key in after else "",
        )
        for key in keys
    ]


_TARGETS = {
    "user": User.name,
    "event": Event.title,
    "reward": Reward.name,
    "village": Village.name,
    "town": Town.name,
    "grid": Grid.name,
    "household": Household.code,
    "case": Case.title,
}


def _target_names(session: Session, entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for kind, column in _TARGETS.items():
        ids = [int(e.target_id) for e in entries if e.target_type == kind and e.target_id.isdigit()]
        if ids:
            model = column.class_
            for i, name in session.execute(select(model.id, column).where(model.id.in_(ids))):
                names[(kind, str(i))] = name
    return names


def lines(session: Session, rows: list[tuple[AuditEntry, str | None]]) -> list[Line]:
    """Audit rows (entry, actor name) as sentences with named targets and labelled fields."""
    names = _target_names(session, [entry for entry, _ in rows])
    rewards = [
        e.after["reward_id"]
        for e, _ in rows
        if e.target_type == "redemption" and isinstance(e.after, dict) and e.after.get("reward_id")
    ]
    if rewards:
        for i, name in session.execute(
            select(Reward.id, Reward.name).where(Reward.id.in_(rewards))
        ):
            names[("reward", str(i))] = name
    found = []
    for entry, actor in rows:
        target = names.get((entry.target_type, entry.target_id))
        if entry.target_type == "redemption" and isinstance(entry.after, dict):
            target = names.get(("reward", str(entry.after.get("reward_id"))), target)
        if target is None:
            target = f"#{entry.target_id}" if entry.target_id else ""
        found.append(
            Line(
                entry=entry,
                sentence=SENTENCES.get(entry.action, UNKNOWN_SENTENCE),
                actor=actor or "",
                target=target,
                fields=fields_of(entry.before, entry.after),
            )
        )
    return found
