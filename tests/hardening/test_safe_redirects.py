"""Does every `next=` stay on this site, read the way a browser reads it?"""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest

from points.web.edge.boundary import safe_next

SITE = "http://localhost/"
# Values that leave the site once a browser has read them (tabs/newlines dropped, backslash
# as slash, controls trimmed), or that put a header break into Location.
LEAVING = [
    "//evil.example.com",
    "/\t/evil.example.com",
    "/\\evil.example.com",
    "\\/evil.example.com",
    "\\\\evil.example.com",
    "/\\/evil.example.com",
    " //evil.example.com",
    "/\r\n/evil.example.com",
    "/\r\nSet-Cookie: x=1",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "https://evil.example.com/",
    "http:/evil.example.com",
    "evil.example.com",
    "\x00/evil",
    "",
]
# Through HTTP: a NUL never gets that far (the boundary refuses it), and "" means no next.
LEAVING_BY_HTTP = [value for value in LEAVING if value and "\x00" not in value]
STAYING = ["/me", "/shop/mine?status=pending", "/admin/shop/queue?village_id=2#x", "/%2F/evil"]


def _browser_reads(location: str) -> str:
    """Where a browser goes for this Location on our site (WHATWG's clean-up, roughly)."""
    cleaned = location.strip(" \x00").replace("\t", "").replace("\n", "").replace("\r", "")
    return urljoin(SITE, cleaned.replace("\\", "/"))


@pytest.mark.parametrize("value", LEAVING)
def test_the_helper_refuses_a_value_that_leaves_the_site(value):
    assert safe_next(value) is None


@pytest.mark.parametrize("value", STAYING)
def test_the_helper_keeps_a_path_of_this_site(value):
    assert safe_next(value) == value


def _assert_stays(answer) -> None:
    assert answer.status_code in (302, 303), answer.status_code
    location = answer.headers["Location"]
    assert "\r" not in location and "\n" not in location
    assert urlsplit(_browser_reads(location)).netloc == "localhost", location


@pytest.mark.parametrize("value", LEAVING_BY_HTTP)
def test_the_language_switch_never_sends_the_reader_away(client, value):
    _assert_stays(client.get(f"/lang/zh?next={quote(value, safe='')}"))


def test_the_language_switch_goes_back_to_the_page_it_came_from(client):
    answer = client.get("/lang/en?next=/shop")
    assert answer.headers["Location"] == "/shop"


@pytest.mark.parametrize("value", LEAVING_BY_HTTP)
def test_logging_in_never_sends_the_resident_away(client, town, value):
    answer = client.post(
        f"/login?next={quote(value, safe='')}",
        data={"phone": town.resident_a.phone, "password": "secret123"},
    )
    _assert_stays(answer)
    assert answer.headers["Location"] == "/me"


def test_logging_in_goes_on_to_the_page_asked_for(client, town):
    answer = client.post(
        "/login", data={"phone": town.resident_a.phone, "password": "secret123", "next": "/shop"}
    )
    assert answer.headers["Location"] == "/shop"


@pytest.mark.parametrize("value", ["/\t/evil.example.com", "/\\evil.example.com", "//x.example"])
def test_reading_notices_and_the_admin_queue_never_send_anyone_away(client, auth, town, value):
    auth.login(town.resident_a)
    _assert_stays(client.post("/shop/notices/read", data={"next": value}))
    auth.logout()
    auth.login(town.admin_a)
    _assert_stays(client.post("/admin/shop/queue/bulk-approve", data={"next": value}))
