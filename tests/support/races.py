"""Races: start many calls at the same instant and collect what each one got."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def race(calls: list[Callable[[], T]], *, timeout: float = 60) -> list[T | BaseException]:
    """Run every call in its own thread, released together by a barrier.

    Returns each call's result, or the exception it raised, in the order given.
    """
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T | BaseException:
        barrier.wait(timeout=timeout)
        try:
            return call()
        except BaseException as error:  # the race's outcome, to be asserted on
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls, timeout=timeout))


def race_same(call: Callable[[int], T], times: int, **options) -> list[T | BaseException]:
    """Run `call(i)` for i in range(times), all released together."""
    return race([lambda i=i: call(i) for i in range(times)], **options)


def race_in_app(app, times: int, work: Callable[[int], T], **options) -> list[T | BaseException]:
    """Run `work(i)` for i in range(times) at once, each in its own app context — so with
    its own database session and connection, as concurrent requests have."""
    from points.extensions import db

    def call(i: int) -> T:
        with app.app_context():
            try:
                return work(i)
            finally:
                db.session.remove()

    return race_same(call, times, **options)
