"""Each village's points issued and redeemed per local month, rolled up from the transfers.

The dashboards' series used to sum the transfers of each month in a query of its own (some
sixty queries a page, each scanning a month of a city's ledger). Now a reader first rolls up
the transfers written since the mark — transfer ids commit in order (the chain head is held
to the commit), so nothing is skipped — then reads a dozen rows per village. Issued is net:
points out of the issuance account less deductions and reversals back into it; redeemed is
what the redeemed sink took in; holds count once posted. The residents' net (posted points
into their accounts less out of them) gives what they hold, per village, without a pass over
every resident's account.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from points.clock import local_time
from points.db import write_transaction
from points.models import Account, LedgerMonth, RollupMark, Transfer
from points.places import in_place
from points.policy import Place

MARK = "ledger_months"
POSTED = ("single", "post")
CHUNK = 50_000


def month_of(moment) -> str:
    """The local (Asia/Shanghai) month of a stored UTC time, as "YYYY-MM"."""
    return local_time(moment, "%Y-%m")


def catch_up(session: Session) -> int:
    """Roll up the transfers written since the mark; return how many were read."""
    marks = RollupMark.__table__
    head = session.scalar(select(func.max(Transfer.id))) or 0
    mark = session.scalar(select(marks.c.last_id).where(marks.c.name == MARK)) or 0
    if head <= mark:
        return 0
    with write_transaction(session):
        # The mark row is the rollup's lock: two readers catching up never count twice.
        found = session.execute(
            select(marks.c.last_id).where(marks.c.name == MARK).with_for_update()
        ).first()
        if found is None:
            session.execute(insert(marks).values(name=MARK, last_id=0))
            mark = 0
        else:
            mark = found.last_id
        sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        columns = Transfer.__table__.columns
        debit, credit = aliased(Account), aliased(Account)
        # Read up to the newest transfer now visible: every lower id committed before it.
        upto = session.scalar(select(func.max(columns.id))) or 0
        rows = session.execute(
            select(
                columns.created_at,
                columns.amount,
                debit.village_id.label("debit_village"),
                debit.kind.label("debit_kind"),
                credit.village_id.label("credit_village"),
                credit.kind.label("credit_kind"),
            )
            .join(debit, debit.id == columns.debit_account_id)
            .join(credit, credit.id == columns.credit_account_id)
            .where(columns.id > mark, columns.id <= upto, columns.phase.in_(POSTED))
            .order_by(columns.id)
            .execution_options(yield_per=CHUNK)
        )
        for t in rows:
            month = month_of(t.created_at)
            if t.debit_kind == "issuance":
                sums[(t.debit_village, month)][0] += t.amount
            elif t.debit_kind == "resident":
                sums[(t.debit_village, month)][2] -= t.amount
            if t.credit_kind == "issuance":
                sums[(t.credit_village, month)][0] -= t.amount
            elif t.credit_kind == "redeemed":
                sums[(t.credit_village, month)][1] += t.amount
            elif t.credit_kind == "resident":
                sums[(t.credit_village, month)][2] += t.amount
        if sums:
            session.execute(
                _add_month(session.get_bind().dialect.name),
                [
                    {"village_id": v, "month": m, "issued": i, "redeemed": r, "residents_net": n}
                    for (v, m), (i, r, n) in sums.items()
                ],
            )
        session.execute(update(marks).where(marks.c.name == MARK).values(last_id=upto))
    return max(0, upto - mark)


def _add_month(dialect: str):
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_for(LedgerMonth)
    return statement.on_conflict_do_update(
        index_elements=["village_id", "month"],
        set_={
            "issued": LedgerMonth.issued + statement.excluded.issued,
            "redeemed": LedgerMonth.redeemed + statement.excluded.redeemed,
            "residents_net": LedgerMonth.residents_net + statement.excluded.residents_net,
        },
    )


def by_month(session: Session, place: Place, first: str, last: str) -> dict[str, tuple[int, int]]:
    """{month: (issued, redeemed)} of a place for months first..last ("YYYY-MM")."""
    rows = session.execute(
        select(LedgerMonth.month, func.sum(LedgerMonth.issued), func.sum(LedgerMonth.redeemed))
        .where(
            LedgerMonth.month >= first,
            LedgerMonth.month <= last,
            in_place(LedgerMonth.village_id, place),
        )
        .group_by(LedgerMonth.month)
    )
    return {month: (int(issued), int(redeemed)) for month, issued, redeemed in rows}


def held_by_residents(session: Session, place: Place) -> int:
    """The points residents of a place hold (posted), from the rollup: every transfer into a
    resident's account less every one out of it, summed over the months (an account never
    changes village, so this is their accounts' balances, without reading the accounts)."""
    held = session.scalar(
        select(func.coalesce(func.sum(LedgerMonth.residents_net), 0)).where(
            in_place(LedgerMonth.village_id, place)
        )
    )
    return int(held or 0)
