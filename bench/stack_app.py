"""The benchmark's second baseline: the app's framework stack doing one insert.

`bench/bare_app.py` measures one row written by the thinnest Flask endpoint. This one puts
in front of the same single insert the layers every write of the app goes through, and
nothing of the app itself: a bearer token signed with itsdangerous and loaded by
Flask-Login's request loader (one ORM `get` of the person), a flask-smorest blueprint
whose marshmallow schemas parse the JSON body and dump the answer, and the insert through
the SQLAlchemy ORM session and its commit. Served by the same gunicorn as the app
(`gunicorn bench.stack_app:app`), on SQLite (STACK_DB, a path: WAL, synchronous=NORMAL,
BEGIN IMMEDIATE for a write, as the app) or PostgreSQL (STACK_DATABASE_URL).

Its ratio to the bare insert is the ceiling of any write served through this stack: the
bench prints it beside the app's writes, so a missed target shows how much of the gap is
the stack's own and how much the app's.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import marshmallow as ma
from flask import Flask, request
from flask_login import LoginManager, current_user
from flask_smorest import Api, Blueprint
from flask_sqlalchemy import SQLAlchemy
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import DateTime, ForeignKey, Integer, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SECRET = os.environ.get("STACK_SECRET", "stack-bench")  # the bench and the server agree
PG_URL = os.environ.get("STACK_DATABASE_URL", "")
PATH = os.environ.get("STACK_DB", "/tmp/stack.sqlite3")


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Person(db.Model):
    """A person with a bearer token, as wide as a row a login usually loads."""

    __tablename__ = "stack_people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="resident")
    village_id: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC))

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


class Note(db.Model):
    __tablename__ = "stack_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("stack_people.id"))
    words: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class NoteIn(ma.Schema):
    words = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class NoteOut(ma.Schema):
    id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    words = ma.fields.String()
    created_at = ma.fields.DateTime()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(SECRET, salt="stack-token")


def token_for(person_id: int) -> str:
    return _serializer().dumps({"u": person_id, "v": 1})


@event.listens_for(Engine, "connect")
def _pragmas(dbapi_connection, _record) -> None:
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    from flask import has_request_context

    writing = has_request_context() and request.method == "POST"
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


blp = Blueprint("stack", __name__)


@blp.route("/stack/notes", methods=["POST"])
@blp.arguments(NoteIn)
@blp.response(201, NoteOut)
def add_note(body):
    if not current_user.is_authenticated:
        return {"message": "login"}, 401
    note = Note(person_id=current_user.id, words=body["words"], created_at=datetime.now(UTC))
    db.session.add(note)
    db.session.commit()
    return note


def create_app(url: str = "") -> Flask:
    """The app (gunicorn: `bench.stack_app:create_app()`), on `url` or the environment's."""
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=url or PG_URL or f"sqlite:///{PATH}",
        API_TITLE="stack",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        SECRET_KEY=SECRET,
    )
    db.init_app(app)
    logins = LoginManager(app)

    @logins.request_loader
    def _from_bearer(req):
        header = req.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            return None
        try:
            data = _serializer().loads(header[7:].strip(), max_age=86400)
        except BadSignature:
            return None
        person = db.session.get(Person, data.get("u"))
        if person is None or person.token_version != data.get("v") or not person.active:
            return None
        return person

    Api(app).register_blueprint(blp)

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    return app


def prepare(url: str, people: int) -> list[str]:
    """Make the tables and `people` persons; their bearer tokens. The bench runs it in a
    process of its own (its engine events are not the app's)."""
    app = create_app(url)
    with app.app_context():
        db.create_all()
        db.session.add_all(
            Person(name=f"村民{n:05d}", phone=f"137{n:08d}", village_id=1)
            for n in range(1, people + 1)
        )
        db.session.commit()
        ids = [p for (p,) in db.session.query(Person.id).order_by(Person.id)]
        db.session.remove()
        db.engine.dispose()
    return [token_for(p) for p in ids]


if __name__ == "__main__":  # python -m bench.stack_app URL PEOPLE: print their tokens
    import json
    import sys

    print(json.dumps(prepare(sys.argv[1], int(sys.argv[2]))))
