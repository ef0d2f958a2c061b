"""Reading what a shop test asserts on: points, stock, and everything a refusal must not touch."""

from __future__ import annotations

from sqlalchemy import func, select

from points import ledger
from points.models import (
    Account,
    AuditEntry,
    Notice,
    Redemption,
    Reward,
    StockMovement,
    Transfer,
    User,
)


def available(session, user: User) -> int:
    session.commit()  # end the read transaction: see what other connections committed
    return ledger.resident_account(session, user.id).available


def balance(session, user: User) -> int:
    session.commit()  # end the read transaction: see what other connections committed
    return ledger.resident_account(session, user.id).balance


def stock_of(session, reward_id: int) -> int | None:
    session.commit()  # end the read transaction: see what other connections committed
    return session.get(Reward, reward_id).stock


def snapshot(session) -> dict:
    """Everything a refused operation must leave as it was."""
    session.commit()  # end the read transaction: see what other connections committed
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return {
        "redemptions": [
            (r.id, r.status, r.voucher_code, r.reason, r.decided_by, r.fulfilled_by)
            for r in session.scalars(select(Redemption).order_by(Redemption.id))
        ],
        "accounts": [
            (a.id, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending)
            for a in session.scalars(select(Account).order_by(Account.id))
        ],
        "stock": [
            (r.id, r.stock, r.active, r.image_path)
            for r in session.scalars(select(Reward).order_by(Reward.id))
        ],
        "transfers": count(Transfer),
        "movements": count(StockMovement),
        "audit": count(AuditEntry),
        "notices": count(Notice),
        "rewards": count(Reward),
    }


def keep_artifact(name: str, data: bytes) -> None:
    """Keep a screenshot under test-artifacts/ (git-ignored), as the root conftest does."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
