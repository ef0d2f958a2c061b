"""Fixtures for the leaderboard: a ledger helper that moves points at chosen moments, and a
city of two towns with grids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from points import checkin as checkin_use_case
from points import ledger, places
from points.checkin.categories import ensure_categories
from points.db import write_transaction
from points.models import Checkin, Event, EventCategory, User, utcnow


@dataclass
class Points:
    """Award, deduct, redeem and check in through the real ledger, at an explicit `at`."""

    session: Session

    def _accounts(self, user: User, kind: str) -> tuple[int, int]:
        mine = ledger.resident_account(self.session, user.id).id
        village = ledger.village_account(self.session, user.village_id, kind).id
        return mine, village

    def award(self, user: User, amount: int, at: datetime | None = None, kind: str = "award"):
        with write_transaction(self.session):
            mine, issuance = self._accounts(user, "issuance")
            return ledger.transfer(
                self.session, debit_id=issuance, credit_id=mine, amount=amount, kind=kind, now=at
            )

    def deduct(self, user: User, amount: int, at: datetime | None = None, kind: str = "adjust"):
        with write_transaction(self.session):
            mine, issuance = self._accounts(user, "issuance")
            return ledger.transfer(
                self.session, debit_id=mine, credit_id=issuance, amount=amount, kind=kind, now=at
            )

    def redeem(self, user: User, amount: int, at: datetime | None = None, pending=False):
        with write_transaction(self.session):
            mine, sink = self._accounts(user, "redeemed")
            return ledger.transfer(
                self.session,
                debit_id=mine,
                credit_id=sink,
                amount=amount,
                kind="redeem",
                now=at,
                pending=pending,
            )

    def checkin(
        self, user: User, category: str = "patrol", at: datetime | None = None, points: int = 10
    ) -> Checkin:
        """An event of the category and the resident's check-in with its award, as one write."""
        at = at or utcnow()
        with write_transaction(self.session):
            ensure_categories(self.session, user.town_id)
            category_id = self.session.scalar(
                select(EventCategory.id).where(
                    EventCategory.code == category, EventCategory.town_id == user.town_id
                )
            )
            event = Event(
                title=f"{category} {at:%Y-%m-%d %H:%M:%S.%f}",
                category_id=category_id,
                town_id=user.town_id,
                village_id=user.village_id,
                starts_at=at - timedelta(hours=1),
                ends_at=at + timedelta(hours=1),
                checkin_opens_at=at - timedelta(hours=1),
                checkin_closes_at=at + timedelta(hours=1),
                points=points,
            )
            self.session.add(event)
            self.session.flush()
            event_id = event.id
        done = checkin_use_case.award(
            self.session,
            event_id=event_id,
            resident=user,
            method="self",
            at=at.replace(tzinfo=UTC).timestamp(),
            recorded_at=at,
        )
        return self.session.get(Checkin, done.id)


@pytest.fixture
def points(session) -> Points:
    return Points(session)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def save_artifact(name: str, data: bytes) -> Path:
    """Keep a screenshot under test-artifacts/, as the root conftest's save_artifact does."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


@dataclass
class TwoTowns:
    """The `town` fixture's 谷来镇 (谷来村 now with two grids, 马村) beside a second town."""

    town: object  # the root conftest's Town: its villages, admins and residents
    other_town: object  # 崇仁镇
    other_village: object  # 崇仁村
    grid_1: object  # 谷来村 一组网格, micro-grid 张家弄
    grid_2: object  # 谷来村 二组网格
    in_grid_1: User  # 陈一鸣, household GL01-010
    in_grid_1b: User  # 林二
    in_grid_2: User  # 周三娃, household GL01-010 too
    far: User  # 孙四海 of 崇仁村


@pytest.fixture
def two_towns(session, town, make_person) -> TwoTowns:
    other = places.create_town(session, name="崇仁镇", code="CR", points_name="平安币")
    far_village = places.create_village(session, town_id=other.id, name="崇仁村", code="CR01")
    grid_1 = places.create_grid(
        session, village_id=town.village_a.id, name="一组网格", code="G1", micro_grid="张家弄"
    )
    grid_2 = places.create_grid(session, village_id=town.village_a.id, name="二组网格", code="G2")
    village = town.village_a
    return TwoTowns(
        town=town,
        other_town=other,
        other_village=far_village,
        grid_1=grid_1,
        grid_2=grid_2,
        in_grid_1=make_person(village, name="陈一鸣", household="GL01-010", grid=grid_1),
        in_grid_1b=make_person(village, name="林二", grid=grid_1),
        in_grid_2=make_person(village, name="周三娃", household="GL01-010", grid=grid_2),
        far=make_person(far_village, name="孙四海"),
    )
