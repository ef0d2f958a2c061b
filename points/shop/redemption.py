"""Redemption (兑换): a state machine with one function per transition.

    pending ──approve──▶ approved ──fulfil──▶ fulfilled
       ├────reject───▶ rejected
       └────cancel───▶ cancelled

Each transition is one write transaction that locks the redemption row, checks the current
state against TRANSITIONS, acts, and writes an audit entry; anything else is
IllegalTransition (409). Locks are
always taken in one order — redemption, reward, accounts (id order), ledger head — so two
transitions never wait on each other in a circle on PostgreSQL.

A request holds the points (a pending ledger transfer) and reserves the stock; approve posts
the hold and issues a voucher; reject and cancel void the hold and put the stock back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from points import ledger, policy
from points.admin import audit
from points.clock import day_start_utc, this_month_start_utc
from points.db import DatabaseBusy, keep, write_transaction
from points.errors import (
    N_,
    DomainError,
    Forbidden,
    InvalidAmount,
    Msgid,
    NotFound,
    NotPending,
    ResidentSuspended,
    render,
)
from points.models import Redemption, Reward, Transfer, User, utcnow
from points.people import notices
from points.places import settings, village_place
from points.policy import Place
from points.shop import catalogue

MAX_QUANTITY = 99
VOUCHER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
VOUCHER_LENGTH = 8
LIVE_STATUSES = ("pending", "approved", "fulfilled")
STATUS_LABELS = {
    "pending": N_("待审核"),
    "approved": N_("已通过，待领取"),
    "fulfilled": N_("已领取"),
    "rejected": N_("未通过"),
    "cancelled": N_("已取消"),
}
# The state machine: action → (the state it starts from, the state it leads to).
TRANSITIONS = {
    "approve": ("pending", "approved"),
    "reject": ("pending", "rejected"),
    "cancel": ("pending", "cancelled"),
    "fulfil": ("approved", "fulfilled"),
}
ACTION_LABELS = {
    "approve": N_("审核通过"),
    "reject": N_("驳回"),
    "cancel": N_("取消"),
    "fulfil": N_("核销领取"),
}


# The columns a new request leaves empty.
_UNDECIDED = (
    "voucher_code",
    "decided_at",
    "decided_by",
    "fulfilled_at",
    "fulfilled_by",
    "cancelled_at",
)


# --- errors ----------------------------------------------------------------------------
class IllegalTransition(DomainError):
    code = "illegal_transition"
    category = "conflict"
    template = N_("兑换单 %(id)s 现在是「%(status)s」，不能%(action)s。")

    def __init__(self, redemption: Redemption, action: str) -> None:
        super().__init__(
            id=redemption.id,
            status=Msgid(STATUS_LABELS[redemption.status]),
            action=Msgid(ACTION_LABELS[action]),
        )
        self.status = redemption.status


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    template = N_("数量必须是 1 到 %(limit)s 之间的整数。")


class RewardUnavailable(DomainError):
    code = "reward_unavailable"
    category = "conflict"
    template = N_("「%(name)s」已下架，暂不能兑换。")


class MonthlyLimitReached(DomainError):
    code = "monthly_limit"
    category = "conflict"
    template = N_("本月兑换已达上限：%(what)s每人每月限 %(limit)s，本月已兑 %(used)s。")


class OtherVillageReward(Forbidden):
    code = "other_village"
    template = N_("「%(name)s」是别村的奖品，只供该村村民兑换。")


class OtherTownReward(Forbidden):
    code = "other_town"
    template = N_("「%(name)s」是别镇的奖品，只供该镇村民兑换。")


class UnknownVoucher(DomainError):
    code = "unknown_voucher"
    category = "not_found"
    template = N_("兑换码「%(code)s」不存在，请核对后再输入。")


class ReasonRequired(DomainError):
    code = "reason_required"
    template = N_("请填写驳回原因（不超过 200 个字）。")


# --- the state machine -------------------------------------------------------------------
def next_status(current: str, action: str) -> str | None:
    """The status `action` takes a redemption in `current` to, or None where there is no arrow."""
    start, end = TRANSITIONS[action]
    return end if current == start else None


def advance(redemption: Redemption, action: str) -> str:
    """The status `action` leads to from the redemption's; IllegalTransition where none."""
    status = next_status(redemption.status, action)
    if status is None:
        raise IllegalTransition(redemption, action)
    return status


# --- small pieces ------------------------------------------------------------------------
def check_quantity(quantity: object) -> int:
    """Return quantity if it is a whole number 1..MAX_QUANTITY (a form's '3' is fine)."""
    if isinstance(quantity, str) and quantity.strip().isdigit():
        quantity = int(quantity.strip())
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity(limit=MAX_QUANTITY)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidQuantity(limit=MAX_QUANTITY)
    return quantity


def new_voucher_code() -> str:
    return "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(VOUCHER_LENGTH))


def normalise_voucher(text: object) -> str | None:
    """Read a typed or scanned voucher: case-insensitive, O→0, I/L→1, spaces and dashes ignored."""
    code = str(text or "").strip().upper().replace(" ", "").replace("-", "")
    code = code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(code) != VOUCHER_LENGTH or any(ch not in VOUCHER_ALPHABET for ch in code):
        return None
    return code


def _locked(session: Session, redemption_id: int) -> Redemption:
    """Lock the redemption row (FOR UPDATE on PostgreSQL) and read it fresh."""
    redemption = session.scalar(
        select(Redemption)
        .where(Redemption.id == redemption_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if redemption is None:
        raise NotFound(what=f"兑换单 {redemption_id}")
    return redemption


def place_of_redemption(session: Session, redemption: Redemption) -> Place:
    return village_place(session, redemption.village_id)


def _ensure_admin_of(session: Session, actor: User, redemption: Redemption) -> Place:
    """Who may approve, reject or hand over: admins over its village, never their own."""
    place = place_of_redemption(session, redemption)
    policy.ensure_may_decide_redemption(actor, place, redemption.resident_id)
    return place


@dataclass(frozen=True)
class _Known:
    """What a decision read before its lock: the redemption's place (who may decide never
    changes with its state), its reward, its hold (a transfer is never altered) and who
    decides. Held here, the objects stay in the session's (weak) identity map."""

    place: Place
    reward: Reward
    hold: Transfer | None
    actor_id: int
    accounts: dict[int, ledger.LockedAccount] | None = None  # the hold's, read before the lock


def _before_deciding(session: Session, actor: User, redemption_id: int) -> _Known:
    found = session.get(Redemption, redemption_id)
    if found is None:
        raise NotFound(what=f"兑换单 {redemption_id}")
    place = _ensure_admin_of(session, actor, found)
    hold = session.get(Transfer, found.hold_transfer_id) if found.hold_transfer_id else None
    accounts = (
        ledger.read_accounts(session, hold.debit_account_id, hold.credit_account_id)
        if hold is not None and found.status == "pending"
        else None
    )
    return _Known(place, found.reward, hold, actor.id, accounts)


def _locked_with(session: Session, redemption_id: int, known: _Known) -> Redemption:
    """The redemption locked and read fresh, with the reward read before the lock."""
    redemption = _locked(session, redemption_id)
    set_committed_value(redemption, "reward", known.reward)
    return redemption


def _audit(
    session: Session,
    actor_id: int,
    action: str,
    r: Redemption,
    before: str,
    *,
    town_id: int | None = None,
) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        action=f"redemption.{action}",
        village_id=r.village_id,
        town_id=town_id,
        target_type="redemption",
        target_id=r.id,
        before={"status": before},
        after={
            "status": r.status,
            "reward_id": r.reward_id,
            "quantity": r.quantity,
            "points": r.points,
            "voucher_code": r.voucher_code,
            "reason": r.reason or None,
        },
    )


# --- transitions -------------------------------------------------------------------------
def request(session: Session, *, resident: User, reward_id: int, quantity: object) -> Redemption:
    """Ask for reward × quantity: hold the points and reserve the stock, or refuse.

    What needs no lock is read first: the reward as the resident saw it (its price, place and
    whether it is on offer), both accounts' ids and the village's monthly limit. Inside the
    lock: the stock (a guarded UPDATE), both accounts, the month's count (exact, since the
    resident's account is held), the new rows, and the ledger's hold with the chain head last.
    """
    quantity = check_quantity(quantity)
    if not resident.active:
        raise ResidentSuspended()
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise NotFound(what=f"奖品 {reward_id}")
    if reward.village_id is not None and reward.village_id != resident.village_id:
        raise OtherVillageReward(name=reward.name)
    if reward.town_id != resident.town_id:
        raise OtherTownReward(name=reward.name)
    if not reward.active:
        raise RewardUnavailable(name=reward.name)
    points = reward.points_cost * quantity
    if points > ledger.MAX_AMOUNT:
        raise InvalidAmount(limit=ledger.MAX_AMOUNT)
    account, sink = ledger.resident_and_village(
        session, resident.id, resident.village_id, "redeemed"
    )
    limit = settings.get(
        session, "monthly_redemption_limit", resident.village_id, town_id=resident.town_id
    )
    resident_id, village_id, town_id = resident.id, resident.village_id, resident.town_id
    with write_transaction(session):
        account_id = account.id if account else ledger.resident_account(session, resident_id).id
        if sink is None:  # the village's first redemption opens its account
            sink_id = ledger.village_account(session, village_id, "redeemed").id
            read = None
        else:
            sink_id, read = sink.id, {account_id: account, sink.id: sink}
        # Stock first (the reward row), then both accounts (the resident's, then the
        # village's): the lock order of every transition.
        catalogue.reserve_stock(session, reward, quantity)
        locked = None
        if read is None or _limited(reward, limit):
            # Holding the resident's account before counting makes the monthly count exact.
            locked = ledger.lock_accounts(session, account_id, sink_id)
            _check_monthly_limits(session, resident_id, reward, quantity, limit)
        redemption = Redemption(
            resident_id=resident_id,
            reward_id=reward.id,
            village_id=village_id,
            quantity=quantity,
            points=points,
            status="pending",
            reason="",
            created_at=utcnow(),
            # Every column given, so the answer needs no read after the commit.
            **dict.fromkeys(_UNDECIDED),
        )
        session.add(redemption)
        session.flush()
        catalogue.record_movement(
            session,
            reward.id,
            "reserve",
            -quantity,
            redemption_id=redemption.id,
            actor_id=resident_id,
        )
        _audit(session, resident_id, "request", redemption, "", town_id=town_id)
        hold = ledger.move(
            session,
            debit_id=account_id,
            credit_id=sink_id,
            amount=points,
            kind="redeem",
            memo=f"兑换 {reward.name} ×{quantity}",
            reference=f"redemption:{redemption.id}",
            actor_id=resident_id,
            pending=True,
            locked=locked,
            read=None if locked else read,
            new_reference=True,
        )
        redemption.hold_transfer_id = hold.id
        set_committed_value(redemption, "reward", reward)
        keep(session, redemption, reward)
    return redemption


def _limited(reward: Reward, limit: object) -> bool:
    return reward.monthly_limit is not None or limit is not None


def _check_monthly_limits(
    session: Session, resident_id: int, reward: Reward, quantity: int, limit: object
) -> None:
    """The reward's monthly limit per resident and the village's on requests (`limit`)."""
    if reward.monthly_limit is None and limit is None:
        return
    since = this_month_start_utc()
    mine = select(
        func.coalesce(func.sum(case((Redemption.reward_id == reward.id, Redemption.quantity))), 0),
        func.count(),
    ).where(
        Redemption.resident_id == resident_id,
        Redemption.status.in_(LIVE_STATUSES),
        Redemption.created_at >= since,
    )
    same_reward, requests = session.execute(mine).one()
    if reward.monthly_limit is not None and same_reward + quantity > reward.monthly_limit:
        raise MonthlyLimitReached(
            what=f"「{reward.name}」", limit=f"{reward.monthly_limit} 件", used=f"{same_reward} 件"
        )
    if limit is not None and requests + 1 > int(limit):
        raise MonthlyLimitReached(what="兑换申请", limit=f"{limit} 次", used=f"{requests} 次")


def approve(session: Session, *, actor: User, redemption_id: int) -> Redemption:
    """Post the hold and issue a voucher; only a pending request, never one's own."""
    known = _before_deciding(session, actor, redemption_id)
    place, actor_id = known.place, known.actor_id
    # A code no voucher has (read before the lock: a twin drawn meanwhile out of 32⁸ would
    # trip the unique index, and nothing would be written).
    code = new_voucher_code()
    while session.scalar(select(Redemption.id).where(Redemption.voucher_code == code)):
        code = new_voucher_code()
    with write_transaction(session):
        redemption = _locked_with(session, redemption_id, known)
        before, status = redemption.status, advance(redemption, "approve")
        redemption.voucher_code = code
        _decide(redemption, status, actor_id)
        notices.notify(
            session,
            redemption.resident_id,
            "redemption.approved",
            f"您兑换的「{redemption.reward.name}」×{redemption.quantity} 已审核通过，"
            f"兑换码 {code}，请到村积分超市出示兑换码领取。",
        )
        _audit(session, actor_id, "approve", redemption, before, town_id=place.town_id)
        # The ledger (its head) last.
        _resolve_hold(session, redemption, "approve", actor_id, read=known.accounts)
        keep(session, redemption, redemption.reward)
    return redemption


def reject(session: Session, *, actor: User, redemption_id: int, reason: object) -> Redemption:
    """Void the hold and put the stock back; a reason is required."""
    reason = str(reason or "").strip()
    known = _before_deciding(session, actor, redemption_id)
    place, actor_id = known.place, known.actor_id
    if not reason or len(reason) > 200:  # who asks comes before what they sent
        raise ReasonRequired()
    with write_transaction(session):
        redemption = _locked_with(session, redemption_id, known)
        before, status = redemption.status, advance(redemption, "reject")
        _release(session, redemption, actor_id)
        redemption.reason = reason
        _decide(redemption, status, actor_id)
        notices.notify(
            session,
            redemption.resident_id,
            "redemption.rejected",
            f"您兑换的「{redemption.reward.name}」×{redemption.quantity} 未通过：{reason}。"
            f"冻结的 {redemption.points} 积分已退回。",
        )
        _audit(session, actor_id, "reject", redemption, before, town_id=place.town_id)
        # The ledger (its head) last.
        _resolve_hold(session, redemption, "reject", actor_id, read=known.accounts)
        keep(session, redemption, redemption.reward)
    return redemption


def cancel(session: Session, *, resident: User, redemption_id: int) -> Redemption:
    """The resident withdraws their own pending request: hold voided, stock back."""
    with write_transaction(session):
        redemption = _locked(session, redemption_id)
        policy.ensure_may_cancel_redemption(resident, redemption.resident_id)
        before, status = redemption.status, advance(redemption, "cancel")
        _release(session, redemption, resident.id)
        redemption.status = status
        redemption.cancelled_at = utcnow()
        _audit(session, resident.id, "cancel", redemption, before)
        _resolve_hold(session, redemption, "cancel", resident.id)  # the ledger (its head) last
    return redemption


def fulfil(session: Session, *, actor: User, redemption_id: int) -> Redemption:
    """Record the hand-over of an approved redemption's goods: who and when."""
    known = _before_deciding(session, actor, redemption_id)
    place, actor_id = known.place, known.actor_id
    with write_transaction(session):
        redemption = _locked_with(session, redemption_id, known)
        before, status = redemption.status, advance(redemption, "fulfil")
        redemption.status = status
        redemption.fulfilled_at = utcnow()
        redemption.fulfilled_by = actor_id
        catalogue.record_movement(
            session,
            redemption.reward_id,
            "handover",
            -redemption.quantity,
            redemption_id=redemption.id,
            actor_id=actor_id,
        )
        _audit(session, actor_id, "fulfil", redemption, before, town_id=place.town_id)
        keep(session, redemption, redemption.reward)
    return redemption


def find_voucher(session: Session, code: object) -> Redemption:
    """The redemption a typed or scanned voucher code belongs to."""
    normal = normalise_voucher(code)
    redemption = (
        session.scalar(select(Redemption).where(Redemption.voucher_code == normal))
        if normal
        else None
    )
    if redemption is None:
        raise UnknownVoucher(code=str(code or "")[:20])
    return redemption


def fulfil_voucher(session: Session, *, actor: User, code: object) -> Redemption:
    """Hand over the goods for a voucher code (scanned or typed)."""
    found = find_voucher(session, code)
    # 403 before saying anything about its state.
    policy.ensure_may_decide_redemption(
        actor, place_of_redemption(session, found), found.resident_id
    )
    return fulfil(session, actor=actor, redemption_id=found.id)


def _resolve_hold(
    session: Session,
    redemption: Redemption,
    action: str,
    actor_id: int,
    *,
    read: dict[int, ledger.LockedAccount] | None = None,
) -> None:
    """Post (approve) or void (reject, cancel) the hold; a second resolution is refused.

    The redemption's row is locked and was pending, and only its transitions resolve its
    hold: so the hold is unresolved (UNIQUE(pending_id) stays the last guard). `read`: the
    hold's accounts as read before the lock."""
    resolve = ledger.post_pending if action == "approve" else ledger.void_pending
    try:
        resolve(
            session,
            redemption.hold_transfer_id,
            actor_id=actor_id,
            memo=f"redemption:{redemption.id}:{action}",
            read=read,
            unresolved=True,
        )
    except (NotPending, IntegrityError):
        raise IllegalTransition(redemption, action) from None


def _release(session: Session, redemption: Redemption, actor_id: int) -> None:
    catalogue.release_stock(session, redemption.reward, redemption.quantity)
    catalogue.record_movement(
        session,
        redemption.reward_id,
        "release",
        redemption.quantity,
        redemption_id=redemption.id,
        actor_id=actor_id,
    )


def _decide(redemption: Redemption, status: str, actor_id: int) -> None:
    redemption.status = status
    redemption.decided_at = utcnow()
    redemption.decided_by = actor_id


# --- many at once ---------------------------------------------------------------------------
@dataclass
class Outcome:
    """What happened to one item of a bulk action."""

    redemption_id: int
    ok: bool
    status: str | None = None
    voucher_code: str | None = None
    reason: str | None = None
    message: str | None = None


def approve_many(session: Session, *, actor: User, redemption_ids: list[int]) -> list[Outcome]:
    """Approve each request in its own transaction (committed one by one); report every
    item's real outcome, failures included — also when the database connection fails
    mid-way: the item is read back on a new connection to say whether it was committed."""
    outcomes = []
    for redemption_id in dict.fromkeys(redemption_ids):  # each id once, in the given order
        try:
            done = approve(session, actor=actor, redemption_id=redemption_id)
            outcome = Outcome(redemption_id, True, done.status, done.voucher_code)
        except DomainError as error:
            session.rollback()
            outcome = Outcome(redemption_id, False, reason=error.code, message=error.message)
        except DatabaseBusy:  # never got SQLite's writer: nothing was written
            session.rollback()
            outcome = Outcome(
                redemption_id,
                False,
                reason="database_busy",
                message=render(N_("系统繁忙，这一单没有通过，请稍后再试。")),
            )
        except DBAPIError:
            session.rollback()
            outcome = _outcome_after_lost_connection(session, redemption_id)
        outcomes.append(outcome)
    return outcomes


def _outcome_after_lost_connection(session: Session, redemption_id: int) -> Outcome:
    """What became of an item whose approval lost its database connection (read back on a
    new connection; "unknown" only if that fails too, three times)."""
    for _attempt in range(3):
        try:
            status, voucher = session.execute(
                select(Redemption.status, Redemption.voucher_code).where(
                    Redemption.id == redemption_id
                )
            ).one()
            session.rollback()
            break
        except DBAPIError:
            session.rollback()
    else:
        return Outcome(
            redemption_id,
            False,
            reason="outcome_unknown",
            message=render(N_("数据库连接中断，无法确认这一单是否已通过，请刷新审核队列查看。")),
        )
    if status == "approved":  # the commit went through before the connection broke
        return Outcome(redemption_id, True, status, voucher)
    return Outcome(
        redemption_id,
        False,
        status,
        reason="database_unavailable",
        message=render(N_("数据库连接中断，这一单没有通过，请稍后再试。")),
    )


# --- reading ------------------------------------------------------------------------------
def get_for(session: Session, viewer: User, redemption_id: int) -> Redemption:
    """A redemption its resident or an admin of its village may see."""
    redemption = session.get(Redemption, redemption_id)
    if redemption is None:
        raise NotFound(what=f"兑换单 {redemption_id}")
    policy.ensure_may_see_redemption(
        viewer, place_of_redemption(session, redemption), redemption.resident_id
    )
    return redemption


def queue(
    session: Session,
    *,
    actor: User,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    village_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Redemption]:
    """An admin's redemptions: pending first, then newest; filters by village, status and
    local date."""
    if village_id is not None:
        policy.ensure_may_see_reports(actor, village_place(session, village_id))
    else:
        policy.ensure_may_see_reports(actor, policy.scope_of(actor))
    query = select(Redemption).where(policy.within(actor, village=Redemption.village_id))
    if village_id is not None:
        query = query.where(Redemption.village_id == village_id)
    if status:
        query = query.where(Redemption.status == status)
    if date_from:
        query = query.where(Redemption.created_at >= day_start_utc(date_from))
    if date_to:
        query = query.where(Redemption.created_at < day_start_utc(date_to + timedelta(days=1)))
    pending_first = case((Redemption.status == "pending", 0), else_=1)
    query = query.order_by(pending_first, Redemption.created_at.desc(), Redemption.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def listing(session: Session, viewer: User, *, status: str | None = None, **queue_filters):
    """Redemptions as a reader sees them: admins their scope's queue, others their own."""
    if policy.is_admin(viewer):
        return queue(session, actor=viewer, status=status, **queue_filters)
    return mine(session, viewer.id, status=status)


def mine(
    session: Session, resident_id: int, *, status: str | None = None, limit: int = 100
) -> list[Redemption]:
    query = select(Redemption).where(Redemption.resident_id == resident_id)
    if status:
        query = query.where(Redemption.status == status)
    return list(session.scalars(query.order_by(Redemption.id.desc()).limit(limit)))
