"""Lots: what is left of each credit a resident received, spent oldest first.

Derived from the ledger's history alone (nothing stored): every posted credit to a
resident's account opens a lot dated when it was posted; every debit takes from the oldest
lots first — a pending hold reserves what it takes (a void gives it back to the same lots,
a post makes it spent), and reversing a credit takes from that credit's own lot first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from points.models import Transfer


@dataclass
class Lot:
    transfer_id: int
    earned_at: datetime  # stored UTC
    amount: int
    left: int  # neither spent nor held
    held: int = 0  # reserved by pending holds (never expired)


@dataclass(frozen=True, slots=True)
class Move:
    """One transfer as the lots see it."""

    id: int
    created_at: datetime
    debit: int
    credit: int
    amount: int
    kind: str
    phase: str
    pending_id: int | None = None
    reference: str | None = None


@dataclass
class Lots:
    account_id: int
    lots: list[Lot] = field(default_factory=list)
    taken: dict[int, list[tuple[Lot, int]]] = field(default_factory=dict)  # hold id → takes

    @property
    def left(self) -> int:
        return sum(lot.left for lot in self.lots)

    def apply(self, move: Move) -> None:
        """Follow one transfer touching the account (in chain order)."""
        if move.credit == self.account_id:
            if move.phase in ("single", "post"):
                lot = Lot(move.id, move.created_at, move.amount, move.amount)
                self.lots.append(lot)
                self.lots.sort(key=lambda x: (x.earned_at, x.transfer_id))
            return
        if move.debit != self.account_id:
            return
        if move.phase == "pending":
            takes = self._take(move.amount, first=None)
            for lot, n in takes:
                lot.held += n
            self.taken[move.id] = takes
        elif move.phase in ("post", "void"):
            for lot, n in self.taken.pop(move.pending_id, []):
                lot.held -= n
                if move.phase == "void":
                    lot.left += n
        else:
            first = None
            if move.kind == "reverse" and (move.reference or "").startswith("reverse:"):
                first = int(move.reference.split(":", 1)[1])
            self._take(move.amount, first=first)

    def _take(self, amount: int, *, first: int | None) -> list[tuple[Lot, int]]:
        order = sorted(self.lots, key=lambda lot: lot.transfer_id != first)
        takes = []
        for lot in order:
            if amount <= 0:
                break
            n = min(lot.left, amount)
            if n:
                lot.left -= n
                amount -= n
                takes.append((lot, n))
        return takes


def from_moves(account_id: int, moves: Iterable[Move]) -> Lots:
    lots = Lots(account_id)
    for move in moves:
        lots.apply(move)
    return lots


def of_account(session: Session, account_id: int) -> Lots:
    """The account's lots as the ledger's history (this transaction's view) leaves them."""
    rows = session.execute(
        select(
            Transfer.id,
            Transfer.created_at,
            Transfer.debit_account_id,
            Transfer.credit_account_id,
            Transfer.amount,
            Transfer.kind,
            Transfer.phase,
            Transfer.pending_id,
            Transfer.reference,
        )
        .where(
            or_(
                Transfer.debit_account_id == account_id,
                Transfer.credit_account_id == account_id,
            )
        )
        .order_by(Transfer.id)
    )
    return from_moves(account_id, (Move(*row) for row in rows))
