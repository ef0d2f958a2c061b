"""Do cases (claims and hazard reports), notices and objections match a plain model under
random operations, with the ledger verified and the held points equal to the open notices
after every step?"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from case_helpers import ITEMS, shanghai
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from support.books import assert_books_agree, posted

from points import rules
from points.cases import claims, hazards, machine, publicity
from points.models import Grid

SETTINGS = settings(
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
RULES = {"rescue": (20, 3), "wallet": (5, 0)}  # code → (points, publicity days)
HAZARD = {  # 10 to the first reporter, 1 to a later one (武汉), on notice 3 days
    "code": "hazard",
    "name": "隐患排查",
    "unit": "report",
    "points": 10,
    "first_reporter_only": True,
    "later_reporter_points": 1,
    "publicity_days": 3,
}
HAZARD_POINTS = {
    "verify": ("verified", 10),
    "duplicate": ("duplicate", 1),
    "reject": ("rejected", 0),
}


def _adopt_hazard_item(session, town):
    rules.publish(
        session,
        None,
        town_id=town.town.id,
        adoption=rules.Adoption(
            effective_from=date(2026, 6, 1),
            adopted_on=date(2026, 5, 20),
            body="村民代表大会",
            votes_for=40,
            votes_against=0,
            votes_abstain=1,
        ),
        items=[*ITEMS, HAZARD],
    )
    session.commit()


def test_claims_and_notices_match_a_model(session, claims_town, make_person):
    town = claims_town
    _adopt_hazard_item(session, town)
    grid = session.scalar(select(Grid).where(Grid.code == "G1"))
    clock = {"now": shanghai(2026, 12, 1, 9, 0)}
    serial = count()

    class NoticeMachine(RuleBasedStateMachine):
        @initialize()
        def people(self):
            n = next(serial)
            self.residents = [
                make_person(town.village_a, name=f"申报人{n}{i}", grid=grid) for i in range(3)
            ]
            self.cases: dict[int, dict] = {}  # id → {status, who, code}
            self.hazards: dict[int, dict] = {}  # id → {status, who}
            self.postings: dict[int, dict] = {}  # id → {status, who, points, ends_at, case}
            self.objections: dict[int, dict] = {}  # id → {status, posting}
            self.objected: set[tuple[int, int]] = set()
            self.credited = [0, 0, 0]

        @rule(who=st.integers(0, 2), code=st.sampled_from(sorted(RULES)))
        def claim(self, who, code):
            case = claims.submit(
                session,
                claimant=self.residents[who],
                rule_code=code,
                title="好事",
                now=clock["now"],
            )
            self.cases[case.id] = {"status": "submitted", "who": who, "code": code}

        def _pick(self, table, i):
            return sorted(table)[i % len(table)] if table else None

        @rule(i=st.integers(0, 50), by_admin=st.booleans())
        def approve(self, i, by_admin):
            case_id = self._pick(self.cases, i)
            if case_id is None:
                return
            known = self.cases[case_id]
            actor = town.admin_a if by_admin else town.staff_a
            if known["status"] != "submitted":
                with pytest.raises(claims.IllegalTransition):
                    claims.approve(session, actor=actor, case_id=case_id, now=clock["now"])
                return
            done = claims.approve(session, actor=actor, case_id=case_id, now=clock["now"])
            known["status"] = "approved"
            points, days = RULES[known["code"]]
            assert done.posting.points == points
            if days == 0:
                assert done.posting.status == "posted"
                self.credited[known["who"]] += points
            else:
                self.postings[done.posting.id] = {
                    "status": "open",
                    "who": known["who"],
                    "points": points,
                    "ends_at": done.posting.ends_at,
                }

        @rule(i=st.integers(0, 50))
        def reject(self, i):
            case_id = self._pick(self.cases, i)
            if case_id is None:
                return
            known = self.cases[case_id]
            if known["status"] != "submitted":
                with pytest.raises(claims.IllegalTransition):
                    claims.reject(session, actor=town.admin_a, case_id=case_id, reason="不符")
                return
            claims.reject(session, actor=town.admin_a, case_id=case_id, reason="不符")
            known["status"] = "rejected"

        @rule(who=st.integers(0, 2))
        def report_hazard(self, who):
            case = hazards.report(
                session,
                reporter=self.residents[who],
                title="路灯不亮",
                photos=["p.webp"],
                now=clock["now"],
            )
            self.hazards[case.id] = {"status": "submitted", "who": who}

        @rule(
            i=st.integers(0, 50), how=st.sampled_from(sorted(HAZARD_POINTS)), j=st.integers(0, 50)
        )
        def handle_hazard(self, i, how, j):
            waiting = {k: v for k, v in self.hazards.items() if v["status"] == "submitted"}
            # A duplicate is marked on a report still waiting (the illegal ones: by the others).
            case_id = self._pick(waiting if how == "duplicate" else self.hazards, i)
            if case_id is None:
                return
            known = self.hazards[case_id]
            actor = town.staff_a  # the grid's worker (never a reporter here)
            if how == "duplicate":
                firsts = [k for k, v in self.hazards.items() if v["status"] == "verified"]
                if not firsts:
                    return
                original = firsts[j % len(firsts)]
                call = lambda: hazards.mark_duplicate(  # noqa: E731
                    session, actor=actor, case_id=case_id, duplicate_of=original, now=clock["now"]
                )
            elif how == "verify":
                call = lambda: hazards.verify(  # noqa: E731
                    session, actor=actor, case_id=case_id, now=clock["now"]
                )
            else:
                call = lambda: hazards.reject(  # noqa: E731
                    session, actor=actor, case_id=case_id, reason="不实", now=clock["now"]
                )
            if known["status"] != "submitted":
                with pytest.raises(machine.CaseMoveRefused):
                    call()
                return
            done = call()
            known["status"], points = HAZARD_POINTS[how]
            assert done.case.status == known["status"]
            if points:
                assert done.posting.points == points
                self.postings[done.posting.id] = {
                    "status": "open",
                    "who": known["who"],
                    "points": points,
                    "ends_at": done.posting.ends_at,
                }
            else:
                assert done.posting is None

        @rule(i=st.integers(0, 50), who=st.integers(0, 2))
        def object_to(self, i, who):
            posting_id = self._pick(self.postings, i)
            if posting_id is None:
                return
            known = self.postings[posting_id]
            who = (known["who"] + 1 + who % 2) % 3  # a neighbour (own postings: tested apart)
            objector = self.residents[who]
            call = lambda: publicity.object_to(  # noqa: E731
                session, actor=objector, posting_id=posting_id, reason="有疑问", now=clock["now"]
            )
            if known["status"] != "open" or known["ends_at"] <= clock["now"]:
                with pytest.raises(publicity.PostingClosed):
                    call()
            elif (posting_id, who) in self.objected:
                with pytest.raises(publicity.AlreadyObjected):
                    call()
            else:
                made = call()
                self.objected.add((posting_id, who))
                self.objections[made.id] = {"status": "open", "posting": posting_id}

        @rule(i=st.integers(0, 50), uphold=st.booleans())
        def decide(self, i, uphold):
            objection_id = self._pick(self.objections, i)
            if objection_id is None:
                return
            known = self.objections[objection_id]
            posting = self.postings[known["posting"]]
            action = publicity.uphold if uphold else publicity.dismiss
            legal = known["status"] == "open" and (posting["status"] == "open" or not uphold)
            if not legal:
                with pytest.raises(publicity.ObjectionDecided):
                    action(session, actor=town.admin_a, objection_id=objection_id, now=clock["now"])
                return
            action(session, actor=town.admin_a, objection_id=objection_id, now=clock["now"])
            if uphold:
                posting["status"] = "voided"
                for other in self.objections.values():
                    if other["posting"] == known["posting"] and other["status"] == "open":
                        other["status"] = "upheld"
            else:
                known["status"] = "dismissed"

        @rule(hours=st.sampled_from([1, 24, 80]))
        def time_passes_and_tick_runs(self, hours):
            clock["now"] += timedelta(hours=hours)
            publicity.post_due(session, clock["now"])
            for posting_id, known in self.postings.items():
                blocked = any(
                    o["posting"] == posting_id and o["status"] == "open"
                    for o in self.objections.values()
                )
                if known["status"] == "open" and known["ends_at"] <= clock["now"] and not blocked:
                    known["status"] = "posted"
                    self.credited[known["who"]] += known["points"]

        @invariant()
        def books_agree(self):
            assert_books_agree(session)
            for i, person in enumerate(self.residents):
                assert posted(session, person) == self.credited[i]

    run_state_machine_as_test(NoticeMachine, settings=SETTINGS)
