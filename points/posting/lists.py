"""The red list (红榜: good deeds awarded under the rule book) and the black list (黑榜:
deductions under it, only where the village's `black_list_enabled` is on).

An entry is one transfer (entry key 't<transfer id>'): a posted award under a rule, not a
check-in (those make the leaderboards), or a deduction under a rule. Shown within the
village's posting period, masked, without the opted-out and the taken-down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from points.clock import local, utcnow
from points.errors import N_, DomainError
from points.models import Account, EarnedTotal, Posting, RuleVersion, Transfer, User
from points.posting.period import black_list_on, cutoffs, mask_name, removed

LISTS = ("red", "black")


class BlackListOff(DomainError):
    code = "black_list_off"
    category = "not_found"
    template = N_("本村没有开启黑榜。")


@dataclass(frozen=True)
class Entry:
    entry: str
    list: str
    display_name: str
    rule: str
    points: int
    day: date
    at: datetime
    subject_id: int  # never shown: lets the named resident appeal
    village_id: int


_resident = aliased(Account)
_other = aliased(Account)
_hold = aliased(Transfer)


def _query(list_name: str, village_id: int, since: datetime):
    rule_id = func.coalesce(Transfer.rule_id, _hold.rule_id)
    version_id = func.coalesce(Transfer.rule_version_id, _hold.rule_version_id)
    red = list_name == "red"
    mine = Transfer.credit_account_id if red else Transfer.debit_account_id
    theirs = Transfer.debit_account_id if red else Transfer.credit_account_id
    if red:
        kinds = and_(
            Transfer.kind.in_(("award", "adjust")),
            Transfer.phase.in_(("single", "post")),
            or_(Transfer.reference.is_(None), ~Transfer.reference.like("checkin:%")),
        )
    else:
        kinds = and_(Transfer.kind == "adjust", Transfer.phase == "single")
    columns = (Transfer.id, Transfer.created_at, Transfer.amount, User.id, User.name)
    return (
        select(*columns, RuleVersion.name_zh)
        .join(_resident, _resident.id == mine)
        .join(_other, _other.id == theirs)
        .join(User, User.id == _resident.user_id)
        .outerjoin(_hold, _hold.id == Transfer.pending_id)
        .join(RuleVersion, RuleVersion.id == version_id)
        .where(
            kinds,
            rule_id.is_not(None),
            _resident.kind == "resident",
            _other.kind == "issuance",
            User.village_id == village_id,
            User.leaderboard_opt_out.is_(False),
            Transfer.created_at >= since,
        )
        .order_by(Transfer.id.desc())
        .limit(500)
    )


def entries(
    session: Session, list_name: str, village_id: int, now: datetime | None = None
) -> list[Entry]:
    """A village's red or black list as the public sees it now (newest first)."""
    if list_name not in LISTS:
        raise DomainError(N_("没有这个名单。"))
    if list_name == "black" and not black_list_on(session, village_id):
        raise BlackListOff()
    moment = now or utcnow()
    since = cutoffs(session, [village_id], moment)[village_id]
    rows = session.execute(_query(list_name, village_id, since)).all()
    gone = removed(session, list_name, (f"t{row[0]}" for row in rows))
    return [
        Entry(
            entry=f"t{tid}",
            list=list_name,
            display_name=mask_name(name),
            rule=rule,
            points=int(amount),
            day=local(at).date(),
            at=at,
            subject_id=uid,
            village_id=village_id,
        )
        for tid, at, amount, uid, name, rule in rows
        if f"t{tid}" not in gone
    ]


def public_row(entry: Entry) -> dict:
    """What the public pages and the API show of an entry (no ids of people)."""
    return {
        "entry": entry.entry,
        "display_name": entry.display_name,
        "rule": entry.rule,
        "points": entry.points,
        "date": entry.day,
    }


def naming(session: Session, person: User, now: datetime | None = None) -> list[dict]:
    """The public entries that name a resident now, for their appeal page: their leaderboard
    row, their red (and black) list rows and their running 公示 notices."""
    if person.village_id is None or person.leaderboard_opt_out:
        return []
    moment = now or utcnow()
    found: list[dict] = []
    year = f"y{local(moment).year}"
    earned = session.scalar(
        select(EarnedTotal.points).where(
            EarnedTotal.resident_id == person.id, EarnedTotal.period == year
        )
    )
    if earned and earned > 0 and not removed(session, "board", [f"r{person.id}"]):
        found.append({"list": "board", "entry": f"r{person.id}", "rule": "", "points": earned})
    names = ["red"] + (["black"] if black_list_on(session, person.village_id) else [])
    for name in names:
        for entry in entries(session, name, person.village_id, moment):
            if entry.subject_id == person.id:
                found.append(
                    {"list": name, "entry": entry.entry, "rule": entry.rule, "points": entry.points}
                )
    running = session.execute(
        select(Posting.id, Posting.rule_name, Posting.points).where(
            Posting.resident_id == person.id, Posting.status == "open", Posting.ends_at > moment
        )
    ).all()
    gone = removed(session, "publicity", (f"p{row.id}" for row in running))
    found.extend(
        {"list": "publicity", "entry": f"p{row.id}", "rule": row.rule_name, "points": row.points}
        for row in running
        if f"p{row.id}" not in gone
    )
    return found
