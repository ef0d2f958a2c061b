"""Does the domain stay free of Flask? Every module under points/ is read (not imported) and
its imports, those inside functions included, are checked against where it lives.

The web glue may import Flask: points/web/ (the pages, and points/web/edge/: the HTTP edge
the two doors share), points/api/ and the modules that build the app. Everything else takes
a session and plain values, so it never imports Flask, werkzeug, a Flask extension, or the
glue that wraps them. And the two doors never import each other, nor does the shared edge
import either door (so neither reaches the other through it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "points"

DOORS = ("points.web", "points.api")
# The HTTP edge both doors share (error handlers, the input boundary, security headers,
# guessing limits, scanning helpers): web glue, in neither door.
SHARED_EDGE = "points.web.edge"
GLUE_PACKAGES = DOORS
GLUE_MODULES = (
    "points",  # points/__init__.py: create_app
    "points.auth",
    "points.cli",
    "points.extensions",
    "points.i18n",
    "points.input_messages",
)
# What the domain may not import: Flask itself, any flask_* package and werkzeug (checked
# by name below), and the glue that wraps them.
FORBIDDEN = (*GLUE_PACKAGES, *(m for m in GLUE_MODULES if m != "points"))
# werkzeug's password hashing is a hashing library, not HTTP: points/people/passwords.py
# hashes with it, and that is the one part of werkzeug the domain may use.
ALLOWED = ("werkzeug.security",)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_glue(name: str) -> bool:
    return name in GLUE_MODULES or any(
        name == package or name.startswith(package + ".") for package in GLUE_PACKAGES
    )


def package_of(path: Path) -> str:
    """The package a module's relative imports start from."""
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the source, at any depth, relative ones
    resolved against `package`: `from points import auth` names `points` and `points.auth`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def is_forbidden(name: str) -> bool:
    if any(is_within(name, allowed) for allowed in ALLOWED):
        return False
    top = name.split(".")[0]
    if top in ("flask", "werkzeug") or top.startswith("flask_"):
        return True
    return any(name == glue or name.startswith(glue + ".") for glue in FORBIDDEN)


def domain_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not is_glue(module_name(p)))


def test_the_walk_sees_the_domain_and_leaves_out_the_glue():
    names = {module_name(p) for p in domain_modules()}
    assert {"points.policy", "points.checkin.judge", "points.models.base"} <= names
    assert not names & {"points", "points.auth", "points.web.checkin", "points.api.shop"}


def test_the_walk_reads_imports_inside_functions_and_relative_ones():
    source = (
        "def f():\n    from flask import g\n    from . import codes\n    from ..i18n import t\n"
    )
    names = [name for _, name in imports_in(source, "points.checkin")]
    assert {"flask.g", "points.checkin.codes", "points.i18n.t"} <= set(names)
    assert is_forbidden("flask.g") and is_forbidden("flask_login") and is_forbidden("points.i18n")
    assert is_forbidden("points.web.nav") and is_forbidden("points.web.edge.scanning")
    assert is_forbidden("points.web.edge.errors.status_for") and is_forbidden("werkzeug.exceptions")
    assert not is_forbidden("werkzeug.security.check_password_hash")
    assert not is_forbidden("flaskish") and not is_forbidden("points.checkin.codes")


def test_a_domain_module_importing_the_http_edge_is_caught():
    source = "from points.web.edge.errors import status_for\nfrom points.web.edge import guards\n"
    names = [name for _, name in imports_in(source, "points.cases")]
    assert [name for name in names if is_forbidden(name)] == [
        "points.web.edge.errors",
        "points.web.edge.errors.status_for",
        "points.web.edge",
        "points.web.edge.guards",
    ]


@pytest.mark.parametrize("path", domain_modules(), ids=module_name)
def test_a_domain_module_imports_neither_flask_nor_the_web_glue(path):
    found = imports_in(path.read_text(encoding="utf-8"), package_of(path))
    wrong = [f"line {line}: {name}" for line, name in found if is_forbidden(name)]
    assert not wrong, f"{module_name(path)} imports Flask or its glue: {wrong}"


def door_of(name: str) -> str | None:
    """The door a module belongs to; None for the shared edge and everything else."""
    if is_within(name, SHARED_EDGE):
        return None
    return next((door for door in DOORS if is_within(name, door)), None)


def glue_modules() -> list[Path]:
    """Every glue module but the app factory (points/__init__.py registers both doors)."""
    return sorted(
        p for p in PACKAGE.rglob("*.py") if is_glue(module_name(p)) and module_name(p) != "points"
    )


def test_the_door_check_tells_the_doors_apart():
    assert door_of("points.web.nav") == "points.web" and door_of("points.api") == "points.api"
    assert door_of("points.web.edge.scanning") is None and door_of("points.webhooks") is None


@pytest.mark.parametrize("path", glue_modules(), ids=module_name)
def test_a_door_never_imports_the_other_and_the_shared_glue_imports_neither(path):
    here = door_of(module_name(path))
    found = imports_in(path.read_text(encoding="utf-8"), package_of(path))
    wrong = [
        f"line {line}: {name}"
        for line, name in found
        if door_of(name) is not None and door_of(name) != here
    ]
    assert not wrong, f"{module_name(path)} reaches into a door not its own: {wrong}"
