"""The two doors to each use case, as a browser and an API client walk through them.

`Doors` is one actor logged in at both: a browser session for the pages and a bearer token
for the API. Each action below has a `*_page` and an `*_api` function taking the doors, the
thing acted on and its spot (see support.world), and answering the door's last response;
`outcome` reads that response as "done" or the kind of refusal.

Where a page does its work through the API (the card scanner's script, the reports page's
download links), its door follows the page the way a browser would: load the page, then
call what it points at with the session (and the CSRF token the page carries).
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from points.clock import local_time
from points.models import Event, EventCategory, Redemption, Reward, User, utcnow
from points.people.cards import card_token
from support.accounts import AuthActions
from support.world import Spot, World


class Doors:
    """The actor at both doors: a browser session for pages, a bearer token for the API."""

    def __init__(self, app: Flask, world: World, actor: User) -> None:
        self.world = world
        self.actor = actor
        self.page = app.test_client()
        assert AuthActions(self.page).login(actor).status_code == 302
        self.api = app.test_client()
        self.headers = AuthActions(self.api).headers(actor)

    def call(self, method: str, url: str, **options) -> TestResponse:
        """Call the API with the actor's token."""
        return self.api.open(url, method=method, headers=self.headers, **options)

    def outcome(self, door: str, response: TestResponse) -> str:
        return outcome(self.page if door == "page" else self.api, response)


def outcome(client: FlaskClient, response: TestResponse) -> str:
    """ "done", or the refusal's status; a page that said done but flashed an error did not."""
    status = response.status_code
    if response.request.path.startswith("/api/"):
        if status < 300:
            return "done"
        body = response.get_json()
        if "created" not in body:  # the import answers its rows' errors in its own shape
            assert body["code"] == status and {"status", "message", "errors"} <= set(body), body
        return str(status)
    if status == 302 and "/login" in response.location:
        return "sent to login"
    if status in (200, 302):
        with client.session_transaction() as kept:
            flashed = kept.pop("_flashes", [])
        if any(category == "error" for category, _ in flashed) or (
            b'class="flash flash-error"' in response.data
        ):
            return f"{status} with an error note"
        return "done"
    return str(status)


def shows(text: str, response: TestResponse) -> bool:
    """The answer shows `text` (a page's HTML, the API's JSON, a CSV or an SVG)."""
    if response.status_code != 200:
        return False
    if response.is_json:
        return text in str(response.get_json())
    return text in response.get_data(as_text=True)


# --- people ------------------------------------------------------------------------------------
def register_page(d: Doors, phone: str, spot: Spot) -> TestResponse:
    return d.page.post(
        "/admin/residents/new",
        data={
            "name": "新登记村民",
            "phone": phone,
            "role": "resident",
            "village_id": spot.village.id,
            "grid_id": spot.grid.id if spot.grid else "",
        },
    )


def register_api(d: Doors, phone: str, spot: Spot) -> TestResponse:
    body = {"name": "新登记村民", "phone": phone, "village_id": spot.village.id}
    if spot.grid:
        body["grid_id"] = spot.grid.id
    return d.call("POST", "/api/v1/residents", json=body)


def edit_page(d: Doors, who: User, spot: Spot, **changes) -> TestResponse:
    return d.page.post(f"/admin/residents/{who.id}", data=changes)


def edit_api(d: Doors, who: User, spot: Spot, **changes) -> TestResponse:
    return d.call("PATCH", f"/api/v1/residents/{who.id}", json=changes)


def suspend_page(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/residents/{who.id}/suspend")


def suspend_api(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/residents/{who.id}/suspend")


def residents_csv(phone: str, spot: Spot) -> dict:
    text = f"姓名,手机号,村编码,户号\n导入的村民,{phone},{spot.village.code},\n"
    return {"file": (io.BytesIO(text.encode()), "residents.csv")}


def import_page(d: Doors, phone: str, spot: Spot) -> TestResponse:
    return d.page.post("/admin/residents/import", data=residents_csv(phone, spot))


def import_api(d: Doors, phone: str, spot: Spot) -> TestResponse:
    return d.call("POST", "/api/v1/residents/import", data=residents_csv(phone, spot))


def card_page(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.page.get(f"/admin/residents/cards?ids={who.id}")


def card_api(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.call("GET", f"/api/v1/residents/{who.id}/card.svg")


def adjust_page(d: Doors, who: User, spot: Spot, amount: int = 5) -> TestResponse:
    return d.page.post(
        "/admin/adjustments",
        data={"resident_id": who.id, "amount": str(amount), "reason": "见义勇为"},
    )


def adjust_api(d: Doors, who: User, spot: Spot, amount: int = 5) -> TestResponse:
    return d.call(
        "POST",
        "/api/v1/adjustments",
        json={"resident_id": who.id, "amount": amount, "reason": "见义勇为"},
    )


def report_page(d: Doors, who: User, spot: Spot) -> TestResponse:
    """The reports page for the spot's village, then its residents CSV link (with the session)."""
    page = d.page.get(f"/admin/reports/?village_id={spot.village.id}")
    if page.status_code != 200:
        return page
    link = re.search(r'href="(/api/v1/reports/residents\.csv[^"]*)"', page.get_data(as_text=True))
    return d.page.get(link.group(1).replace("&amp;", "&"))


def report_api(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.call("GET", f"/api/v1/reports/residents.csv?village_id={spot.village.id}")


# --- events and check-ins ----------------------------------------------------------------------
def _tomorrow() -> tuple:
    start = utcnow() + timedelta(days=1)
    return start, start + timedelta(hours=2)


def create_event_page(d: Doors, title: str, spot: Spot, hours: int = 2) -> TestResponse:
    patrol = d.world.session.scalar(
        select(EventCategory.id).where(
            EventCategory.town_id == spot.town.id, EventCategory.code == "patrol"
        )
    )
    starts, _ = _tomorrow()
    return d.page.post(
        "/events/new",
        data={
            "title": title,
            "category_id": patrol,
            "village_id": spot.village.id,
            "starts_at": local_time(starts, "%Y-%m-%dT%H:%M"),
            "ends_at": local_time(starts + timedelta(hours=hours), "%Y-%m-%dT%H:%M"),
            "qr_mode": "rotating",
            "status": "published",
        },
    )


def create_event_api(d: Doors, title: str, spot: Spot, hours: int = 2) -> TestResponse:
    starts, _ = _tomorrow()
    return d.call(
        "POST",
        "/api/v1/events",
        json={
            "title": title,
            "category": "patrol",
            "village_id": spot.village.id,
            "starts_at": starts.isoformat() + "Z",
            "ends_at": (starts + timedelta(hours=hours)).isoformat() + "Z",
        },
    )


def _card_of(d: Doors, resident: User) -> str:
    return card_token(d.page.application.config["SECRET_KEY"], resident)


def card_checkin_page(d: Doors, target: tuple[Event, User], spot: Spot) -> TestResponse:
    """The scanner page, then what its script posts for a scanned card (with the session)."""
    event, resident = target
    scanner = d.page.get(f"/events/{event.id}/scan")
    if scanner.status_code != 200:
        return scanner
    html = scanner.get_data(as_text=True)
    post_url = re.search(r'data-post-url="([^"]+)"', html).group(1)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]*)"', html).group(1)
    return d.page.post(
        post_url,
        json={"card_token": _card_of(d, resident)},
        headers={"X-CSRFToken": csrf, "Idempotency-Key": f"scan-{resident.id}"},
    )


def card_checkin_api(d: Doors, target: tuple[Event, User], spot: Spot) -> TestResponse:
    event, resident = target
    body = {"card_token": _card_of(d, resident)}
    return d.call("POST", f"/api/v1/events/{event.id}/checkins", json=body)


def manual_checkin_page(d: Doors, target: tuple[Event, User], spot: Spot) -> TestResponse:
    event, resident = target
    return d.page.post(f"/events/{event.id}/manual", data={"resident_id": resident.id})


def manual_checkin_api(d: Doors, target: tuple[Event, User], spot: Spot) -> TestResponse:
    event, resident = target
    return d.call("POST", f"/api/v1/events/{event.id}/checkins", json={"resident_id": resident.id})


def reverse_page(d: Doors, checkin_id: int, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/checkins/{checkin_id}/reverse", data={"reason": "签到有误"})


def reverse_api(d: Doors, checkin_id: int, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/checkins/{checkin_id}/reverse", json={"reason": "签到有误"})


# --- the points supermarket ------------------------------------------------------------------
def request_page(d: Doors, reward: Reward, spot: Spot, quantity: int = 1) -> TestResponse:
    return d.page.post(f"/shop/rewards/{reward.id}", data={"quantity": str(quantity)})


def request_api(d: Doors, reward: Reward, spot: Spot, quantity: int = 1) -> TestResponse:
    body = {"reward_id": reward.id, "quantity": quantity}
    return d.call("POST", "/api/v1/redemptions", json=body)


def approve_page(d: Doors, made: Redemption, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/shop/queue/{made.id}/approve")


def approve_api(d: Doors, made: Redemption, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/redemptions/{made.id}/approve")


def reject_page(d: Doors, made: Redemption, spot: Spot, reason: str = "库存不足") -> TestResponse:
    return d.page.post(f"/admin/shop/queue/{made.id}/reject", data={"reason": reason})


def reject_api(d: Doors, made: Redemption, spot: Spot, reason: str = "库存不足") -> TestResponse:
    return d.call("POST", f"/api/v1/redemptions/{made.id}/reject", json={"reason": reason})


def fulfil_page(d: Doors, made: Redemption, spot: Spot) -> TestResponse:
    """The hand-over page, with the voucher code the resident shows."""
    return d.page.post("/admin/shop/handover", data={"code": made.voucher_code})


def fulfil_api(d: Doors, made: Redemption, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/redemptions/{made.id}/fulfil", json={})


def cancel_page(d: Doors, made: Redemption, spot: Spot) -> TestResponse:
    return d.page.post(f"/shop/mine/{made.id}/cancel")


def cancel_api(d: Doors, made: Redemption, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/redemptions/{made.id}/cancel")


def reward_page(d: Doors, reward: Reward, spot: Spot) -> TestResponse:
    return d.page.get(f"/shop/rewards/{reward.id}")


def reward_api(d: Doors, reward: Reward, spot: Spot) -> TestResponse:
    return d.call("GET", f"/api/v1/rewards/{reward.id}")


# --- the rule book -------------------------------------------------------------------------
RULE_MEETING = {"date": "2026-06-01", "body": "村民代表大会", "votes_for": 30, "votes_against": 0}


def publish_rules_page(d: Doors, name: str, spot: Spot) -> TestResponse:
    """Publish a village's additions through the admin page's form."""
    return d.page.post(
        "/admin/rules",
        data={
            "village_id": spot.village.id,
            "town_id": spot.town.id,
            "rows": "1",
            "effective_from": "2026-06-01",
            "adopted_on": RULE_MEETING["date"],
            "body": RULE_MEETING["body"],
            "votes_for": "30",
            "votes_against": "0",
            "items-0-code": "extra",
            "items-0-name": name,
            "items-0-kind": "earn",
            "items-0-points": "3",
            "items-0-unit": "event",
        },
    )


def publish_rules_api(d: Doors, name: str, spot: Spot) -> TestResponse:
    return d.call(
        "POST",
        "/api/v1/rule-books",
        json={
            "village_id": spot.village.id,
            "effective_from": "2026-06-01",
            "adopted": RULE_MEETING,
            "items": [{"code": "extra", "name": name, "points": 3}],
        },
    )
