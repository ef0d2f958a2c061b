"""Command line: `flask --app wsgi …` or `points …`."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from points import ledger
from points.errors import DomainError
from points.extensions import db
from points.models import Role, User
from points.people import NewPerson, create_person, village_by_code


def upgrade_schema() -> None:
    """Apply the migrations (creating the database on first use)."""
    from flask_migrate import upgrade

    upgrade()


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (migrations)."""
    upgrade_schema()
    click.echo("数据库已就绪 · database is up to date")


@click.command("create-admin")
@click.option("--phone", required=True)
@click.option("--password", required=True)
@click.option(
    "--role", type=click.Choice(["town_admin", "village_admin", "staff"]), default="town_admin"
)
@click.option("--village", "village_code", default=None, help="village code (not for town_admin)")
@click.option("--name", default="管理员")
@with_appcontext
def create_admin_command(phone, password, role, village_code, name) -> None:
    """Create a town admin, village admin or grid worker (staff)."""
    try:
        village_id = None
        if role != Role.TOWN_ADMIN:
            if not village_code:
                raise click.UsageError("--village is required for village_admin and staff")
            village_id = village_by_code(db.session, village_code).id
        user = create_person(
            db.session,
            NewPerson(name=name, phone=phone, village_id=village_id, role=role, password=password),
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created {role} #{user.id} {user.name} {user.phone}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="only when the database has no people yet")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Fill the database with a demo town (谷来镇-style)."""
    from points import demo

    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("已有数据，跳过演示数据 · database not empty, demo data skipped")
        return
    demo.seed(db.session)
    click.echo("演示数据已生成 · demo data created")


@click.command("demo-logins")
@with_appcontext
def demo_logins_command() -> None:
    """Print the demo accounts' logins."""
    from points import demo

    click.echo(demo.logins_text())


@click.command("verify-ledger")
@with_appcontext
def verify_ledger_command() -> None:
    """Recompute every balance and the hash chain; exit 1 on any discrepancy."""
    result = ledger.verify(db.session)
    if result.ok:
        click.echo(f"OK: {result.transfers} transfers, head {result.head_hash}")
        return
    click.echo(f"FAILED: {len(result.problems)} problem(s)", err=True)
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Write a consistent copy of the database to PATH (SQLite online backup or pg_dump)."""
    url = db.engine.url
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
        source.close()
    else:
        if not shutil.which("pg_dump"):
            raise click.ClickException("pg_dump is not installed")
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_dump", "--format=custom", "--file", str(target), plain], check=True)
    click.echo(f"backup written to {target}")


@click.command("import-residents")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_residents_command(path: str) -> None:
    """Import residents from a CSV (UTF-8 or GBK; 姓名,手机号,村编码,户号): all rows or none."""
    from points.importing import import_residents

    try:
        result = import_residents(db.session, None, Path(path).read_bytes())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if result.errors:
        for error in result.errors:
            click.echo(f"第 {error['row']} 行 row {error['row']}: {error['message']}", err=True)
        click.echo("没有导入任何村民 · nothing imported", err=True)
        sys.exit(1)
    click.echo(f"已导入 {result.created} 位村民 · imported {result.created} residents")


COMMANDS = [
    init_db_command,
    create_admin_command,
    seed_demo_command,
    demo_logins_command,
    verify_ledger_command,
    backup_command,
    import_residents_command,
]


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app():
    from points import create_app

    return create_app()


def main() -> None:
    """The `points` console script."""
    FlaskGroup(create_app=_create_app)(prog_name="points")
