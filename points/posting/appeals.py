"""Appeals against entries of public lists (更正或撤下申请).

A resident named in an entry — a leaderboard row ('board', 'r<resident>'), a red or black
list row ('red'/'black', 't<transfer>') or a 公示 notice ('publicity', 'p<posting>') — asks
for it to be corrected or taken down, with a reason. An admin over the entry's village
decides: upholding takes the entry off every public page at once (the lists leave out
entries with an upheld appeal); dismissing leaves it. open → upheld | dismissed, moved only
under the appeal's row lock; both steps are in the audit log and the resident is told.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import policy
from points.admin import audit
from points.clock import utcnow
from points.db import write_transaction
from points.errors import N_, DomainError, Msgid, NotFound
from points.models import Account, ListAppeal, Posting, Transfer, User
from points.models.lists import APPEAL_REQUESTS, PUBLIC_LISTS
from points.people import notices
from points.policy import Place

MAX_REASON = 500
STATUS_LABELS = {"open": N_("待处理"), "upheld": N_("已撤下"), "dismissed": N_("未采纳")}
REQUEST_LABELS = {"correct": N_("更正"), "remove": N_("撤下")}
LIST_LABELS = {
    "board": N_("排行榜"),
    "red": N_("红榜"),
    "black": N_("黑榜"),
    "publicity": N_("公示"),
}
DECISIONS = ("uphold", "dismiss")


class AppealDecided(DomainError):
    code = "illegal_transition"
    category = "conflict"
    template = N_("这条申请已经处理过了（%(status)s）。")

    def __init__(self, appeal: ListAppeal) -> None:
        super().__init__(status=Msgid(STATUS_LABELS[appeal.status]))
        self.details = {"status": appeal.status}


class AppealOpen(DomainError):
    code = "appeal_open"
    category = "conflict"
    template = N_("您对这一条的申请还在处理中。")


class AlreadyRemoved(DomainError):
    code = "already_removed"
    category = "conflict"
    template = N_("这一条已经撤下了。")


class BadAppeal(DomainError):
    code = "bad_appeal"
    template = N_("申请不完整：%(detail)s")


def _clean(value: object, allowed: tuple[str, ...], what: str) -> str:
    text = str(value or "").strip()
    if text not in allowed:
        raise BadAppeal(detail=f"{what}: {' / '.join(allowed)}")
    return text


def clean_reason(reason: object) -> str:
    text = str(reason or "").strip()
    if not text or len(text) > MAX_REASON:
        raise BadAppeal(detail=Msgid(N_("请写明理由（不超过 500 个字）")))
    return text


def subject_of(session: Session, list_name: str, entry: str) -> tuple[int, Place]:
    """The resident an entry names and the entry's place; NotFound for no such entry."""
    kind, digits = (entry or " ")[0], (entry or "")[1:]
    if not digits.isdigit() or len(digits) > 12:
        raise NotFound(what=N_("这一条"))
    number = int(digits)
    user_id = None
    if list_name == "board" and kind == "r":
        user_id = number
    elif list_name in ("red", "black") and kind == "t":
        transfer = session.get(Transfer, number)
        if transfer is not None:
            side = transfer.credit_account_id if list_name == "red" else transfer.debit_account_id
            user_id = session.scalar(
                select(Account.user_id).where(Account.id == side, Account.kind == "resident")
            )
    elif list_name == "publicity" and kind == "p":
        user_id = session.scalar(select(Posting.resident_id).where(Posting.id == number))
    person = session.get(User, user_id) if user_id is not None else None
    if person is None or person.village_id is None:
        raise NotFound(what=N_("这一条"))
    return person.id, Place(person.town_id, person.village_id)


def file(
    session: Session,
    actor: User,
    *,
    list_name: object,
    entry: object,
    request: object,
    reason: object,
    now: datetime | None = None,
) -> ListAppeal:
    """The named resident asks for an entry to be corrected or taken down."""
    list_name = _clean(list_name, PUBLIC_LISTS, "list")
    wanted = _clean(request, APPEAL_REQUESTS, "request")
    entry = str(entry or "").strip()
    subject_id, place = subject_of(session, list_name, entry)
    policy.ensure_may_appeal_entry(actor, subject_id)
    text = clean_reason(reason)
    with write_transaction(session):
        # The subject's row serialises their appeals (SQLite: the write lock already does).
        session.execute(select(User.id).where(User.id == subject_id).with_for_update())
        earlier = session.scalars(
            select(ListAppeal.status).where(ListAppeal.list == list_name, ListAppeal.entry == entry)
        ).all()
        if "upheld" in earlier:
            raise AlreadyRemoved()
        if "open" in earlier:
            raise AppealOpen()
        appeal = ListAppeal(
            list=list_name,
            entry=entry,
            subject_id=subject_id,
            town_id=place.town_id,
            village_id=place.village_id,
            request=wanted,
            reason=text,
            status="open",
            created_at=now or utcnow(),
        )
        session.add(appeal)
        session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action="list_appeal.file",
            town_id=place.town_id,
            village_id=place.village_id,
            target_type="list_appeal",
            target_id=appeal.id,
            after={"list": list_name, "entry": entry, "request": wanted, "reason": text},
        )
    return appeal


def decide(
    session: Session,
    actor: User,
    appeal_id: int,
    *,
    decision: object,
    note: object = "",
    now: datetime | None = None,
) -> ListAppeal:
    """Uphold (the entry leaves every public list at once) or dismiss an open appeal."""
    decision = _clean(decision, DECISIONS, "decision")
    text = str(note or "").strip()
    if len(text) > MAX_REASON:
        raise BadAppeal(detail=Msgid(N_("说明不超过 500 个字")))
    with write_transaction(session):
        appeal = session.scalar(
            select(ListAppeal)
            .where(ListAppeal.id == appeal_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if appeal is None:
            raise NotFound(what=N_("这条申请"))
        policy.ensure_may_decide_appeal(actor, Place(appeal.town_id, appeal.village_id))
        if appeal.status != "open":
            raise AppealDecided(appeal)
        status = "upheld" if decision == "uphold" else "dismissed"
        appeal.status, appeal.decided_by = status, actor.id
        appeal.decided_at, appeal.note = now or utcnow(), text
        audit.record(
            session,
            actor_id=actor.id,
            action=f"list_appeal.{decision}",
            town_id=appeal.town_id,
            village_id=appeal.village_id,
            target_type="list_appeal",
            target_id=appeal.id,
            before={"status": "open"},
            after={"status": status, "list": appeal.list, "entry": appeal.entry, "note": text},
        )
        outcome = "已从公开名单撤下" if status == "upheld" else "经核实未予采纳"
        notices.notify(
            session,
            appeal.subject_id,
            f"list_appeal.{status}",
            f"您对公开名单的更正/撤下申请{outcome}。{text}".strip(),
        )
        session.flush()
    return appeal


def waiting(session: Session, actor: User, village_id: int | None = None) -> list[ListAppeal]:
    """Open appeals in the admin's reach, oldest first."""
    policy.ensure_admin(actor)
    query = (
        select(ListAppeal)
        .where(ListAppeal.status == "open")
        .where(policy.within(actor, village=ListAppeal.village_id, town=ListAppeal.town_id))
        .order_by(ListAppeal.id)
    )
    if village_id is not None:
        query = query.where(ListAppeal.village_id == village_id)
    return list(session.scalars(query))


def mine(session: Session, actor: User) -> list[ListAppeal]:
    return list(
        session.scalars(
            select(ListAppeal)
            .where(ListAppeal.subject_id == actor.id)
            .order_by(ListAppeal.id.desc())
            .limit(50)
        )
    )


def as_dict(appeal: ListAppeal) -> dict:
    return {
        "id": appeal.id,
        "list": appeal.list,
        "entry": appeal.entry,
        "request": appeal.request,
        "reason": appeal.reason,
        "status": appeal.status,
        "village_id": appeal.village_id,
        "note": appeal.note,
        "created_at": appeal.created_at,
        "decided_at": appeal.decided_at,
    }
