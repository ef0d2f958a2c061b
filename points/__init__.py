"""平安积分 · Ping'an Points: a township's community-safety points scheme."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from points import config

    app.config.from_mapping(config.load(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    from points import api, auth, cli, db, i18n, web
    from points.extensions import csrf, limiter, migrate
    from points.extensions import db as sqla
    from points.people import passwords
    from points.web.edge import boundary, protection
    from points.web.edge import errors as edge_errors

    if app.config.get("PASSWORD_HASH_METHOD"):
        passwords.configure(app.config["PASSWORD_HASH_METHOD"])
    db.WRITER_WAIT = app.config["SQLITE_WRITE_WAIT"]  # one app per process
    boundary.init_url_map(app)
    sqla.init_app(app)
    migrate.init_app(app, sqla, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    api.init_app(app)
    web.init_app(app)
    edge_errors.init_app(app)
    boundary.init_app(app)
    protection.init_app(app)
    cli.init_app(app)
    return app
