"""Is a scanned event code good at this moment? `judge_code` on plain values: the code, the
event's facts, the server clock and the rotation period — no database, no app."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from points.checkin import codes
from points.checkin.judge import EventFacts, judge_code, read_event_code
from points.checkin.refusals import CheckinRefused
from points.clock import timestamp

ROTATE = 30
OPENS = datetime(2026, 5, 1, 1, 0)
CLOSES = datetime(2026, 5, 1, 3, 0)
# A moment well inside the window, 10 s into its rotation step.
NOW = timestamp(OPENS) + 3600 + 10
STEP = int(NOW // ROTATE)

EVENT = EventFacts(
    id=7,
    title="夜间治安巡防",
    points=10,
    town_id=1,
    village_id=10,
    village_name="村A",
    status="published",
    checkin_opens_at=OPENS,
    checkin_closes_at=CLOSES,
    capacity=None,
    qr_mode="rotating",
    qr_key_version=2,
)
POSTER_EVENT = replace(EVENT, qr_mode="static")


def rotating(step: int = STEP, *, event: EventFacts = EVENT, version: int | None = None):
    key = event.qr_key_version if version is None else version
    return codes.EventCode(event.id, "rotating", step, key)


def static(step: int = 0, *, event: EventFacts = POSTER_EVENT):
    return codes.EventCode(event.id, "static", step, event.qr_key_version)


def judged(code, event=EVENT, moment=NOW, rotate=ROTATE, expected_event_id=None) -> str:
    """'ok', or the reason code of the refusal."""
    try:
        judge_code(code, event, moment, rotate, expected_event_id)
    except CheckinRefused as refusal:
        return refusal.code
    return "ok"


EARLY, LATE = timestamp(OPENS) - 60, timestamp(CLOSES) + 60
DRAFT, CANCELLED, CLOSED = (replace(EVENT, status=s) for s in ("draft", "cancelled", "closed"))
POSTER = {"event": POSTER_EVENT}


def shown_at(moment: float) -> codes.EventCode:
    """The rotating code the screen showed at `moment`."""
    return rotating(int(moment // ROTATE))


# (case, code, what else differs from EVENT at NOW, "ok" or the refusal's reason code)
CASES = [
    ("the current step", rotating(STEP), {}, "ok"),
    ("the previous step", rotating(STEP - 1), {}, "ok"),
    ("two steps old", rotating(STEP - 2), {}, "expired"),
    ("an hour old", rotating(STEP - 120), {}, "expired"),
    ("the next step, from the future", rotating(STEP + 1), {}, "invalid"),
    ("a code for no event", rotating(), {"event": None}, "invalid"),
    ("another event's code at this event", rotating(), {"expected_event_id": 8}, "other_event"),
    ("this event's code at this event", rotating(), {"expected_event_id": 7}, "ok"),
    ("a code from before the key was regenerated", rotating(version=1), {}, "revoked"),
    ("a poster code of a rotating event", static(event=EVENT), {}, "revoked"),
    ("a rotating code of a poster event", rotating(event=POSTER_EVENT), POSTER, "revoked"),
    ("a poster code", static(), POSTER, "ok"),
    ("a poster code with a step", static(1), POSTER, "invalid"),
    ("a fresh code before the window opens", shown_at(EARLY), {"moment": EARLY}, "too_early"),
    ("a fresh code after the window closes", shown_at(LATE), {"moment": LATE}, "too_late"),
    ("a poster code after the window closes", static(), {**POSTER, "moment": LATE}, "too_late"),
    ("a fresh code of a draft", rotating(), {"event": DRAFT}, "not_published"),
    ("a fresh code of a cancelled event", rotating(), {"event": CANCELLED}, "cancelled"),
    ("a fresh code of a closed event", rotating(), {"event": CLOSED}, "closed"),
]


@pytest.mark.parametrize(
    ("code", "given", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_code_is_judged_by_its_event_its_step_and_the_window(code, given, expected):  # fmt: skip
    assert judged(code, **given) == expected


def test_the_previous_step_holds_until_the_current_step_ends():
    last_moment_of_step = (STEP + 1) * ROTATE - 0.001
    first_moment_after = (STEP + 1) * ROTATE
    assert judged(rotating(STEP - 1), moment=last_moment_of_step) == "ok"
    assert judged(rotating(STEP - 1), moment=first_moment_after) == "expired"
    assert judged(rotating(STEP), moment=first_moment_after) == "ok"


def test_steps_are_counted_in_the_rotation_period_given():
    slow_step = int(NOW // 60)
    assert judged(rotating(slow_step), rotate=60) == "ok"
    assert judged(rotating(slow_step - 1), rotate=60) == "ok"
    assert judged(rotating(slow_step - 1), rotate=ROTATE) == "expired"  # 30 s steps: long gone


def test_the_code_is_judged_before_the_window():
    assert judged(rotating(STEP - 2), event=CLOSED) == "expired"
    assert judged(rotating(version=1), event=CLOSED) == "revoked"


def test_the_other_event_refusal_names_the_event_the_code_belongs_to():
    with pytest.raises(CheckinRefused) as refused:
        judge_code(rotating(), EVENT, NOW, ROTATE, expected_event_id=8)
    assert refused.value.params == {"title": "夜间治安巡防"}


def test_a_code_signed_with_another_secret_is_invalid():
    forged = codes.make_event_code("not-our-secret", rotating())
    with pytest.raises(CheckinRefused) as refused:
        read_event_code("our-secret", forged)
    assert refused.value.code == "invalid"
    assert read_event_code("our-secret", codes.make_event_code("our-secret", rotating())) == (
        rotating()
    )
