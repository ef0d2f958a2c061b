"""Command line: `flask --app wsgi …` or `points …`."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from points import ledger, places
from points.errors import DomainError
from points.extensions import db
from points.models import Role, User
from points.people import NewPerson, create_person


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
    "--role",
    type=click.Choice(["city_admin", "town_admin", "village_admin", "staff"]),
    default="town_admin",
)
@click.option("--village", "village_code", default=None, help="village code (village roles)")
@click.option("--town", "town_code", default=None, help="town code (town_admin)")
@click.option("--name", default="管理员")
@click.option("--city-name", default="本市", help="the city's name, if it does not exist yet")
@with_appcontext
def create_admin_command(phone, password, role, village_code, town_code, name, city_name) -> None:
    """Create a city admin, town admin, village admin or grid worker (staff)."""
    try:
        village_id = town_id = None
        if role in (Role.VILLAGE_ADMIN, Role.STAFF):
            if not village_code:
                raise click.UsageError("--village is required for village_admin and staff")
            village_id = places.village_by_code(db.session, village_code).id
        elif role == Role.TOWN_ADMIN:
            town_id = _town_for(town_code)
        elif places.the_city(db.session) is None:
            places.create_city(db.session, name=city_name, code="CITY")
        user = create_person(
            db.session,
            NewPerson(
                name=name,
                phone=phone,
                village_id=village_id,
                town_id=town_id,
                role=role,
                password=password,
            ),
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created {role} #{user.id} {user.name} {user.phone}")


def _town_for(code: str | None) -> int:
    if code:
        return places.town_by_code(db.session, code).id
    towns = places.towns(db.session)
    if len(towns) != 1:
        raise click.UsageError("--town is required (there is more than one town, or none)")
    return towns[0].id


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="only when the database has no people yet")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Fill the database with a demo city: 嵊州市 with two towns (谷来镇, 甘霖镇)."""
    from points import demo

    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("已有数据，跳过演示数据 · database not empty, demo data skipped")
        return
    demo.seed(db.session)
    from points.demo import cases as demo_cases

    demo_cases.write_photos(current_app.instance_path)
    click.echo("演示数据已生成 · demo data created")


@click.command("demo-logins")
@with_appcontext
def demo_logins_command() -> None:
    """Print the demo accounts' logins."""
    from points import demo

    click.echo(demo.logins_text())


@click.command("verify-ledger")
@click.option(
    "--full", is_flag=True, help="Re-read every transfer, not only those since the checkpoint."
)
@with_appcontext
def verify_ledger_command(full: bool) -> None:
    """Check the hash chain and every balance from the sealed checkpoint of the last clean
    run (or from the genesis: --full, or no checkpoint yet); exit 1 on any discrepancy."""
    began = time.perf_counter()
    result = ledger.verify(db.session, secret=current_app.config["SECRET_KEY"], full=full)
    took = time.perf_counter() - began
    if result.ok:
        click.echo(
            f"OK: {result.transfers} transfers, head {result.head_hash} "
            f"({result.checked} checked since transfer {result.since}, {took:.2f} s)"
        )
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
        _backup_sqlite(url.database, target)
    else:
        _backup_postgres(url, target)
    click.echo(f"backup written to {target}")


def _backup_sqlite(database: str | None, target: Path) -> None:
    """Copy a live SQLite database with its online backup API (safe while others write)."""
    if not database or not Path(database).exists():
        raise click.ClickException(f"no SQLite database at {database}")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)
    finally:
        dest.close()
        source.close()


def _backup_postgres(url, target: Path) -> None:
    """Run pg_dump (custom format); say plainly why it failed, e.g. a version mismatch."""
    if not shutil.which("pg_dump"):
        raise click.ClickException(
            "pg_dump is not installed (Debian: apt-get install postgresql-client)"
        )
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(target), plain],
        capture_output=True,
        text=True,
    )
    if done.returncode == 0:
        return
    target.unlink(missing_ok=True)  # never leave a half-written backup that looks whole
    detail = done.stderr.strip()
    if url.password:
        detail = detail.replace(str(url.password), "***")
    if "version mismatch" in detail:
        raise click.ClickException(
            "pg_dump is older than the PostgreSQL server; install the postgresql-client "
            f"matching the server's major version. pg_dump said: {detail}"
        )
    raise click.ClickException(f"pg_dump failed (exit {done.returncode}): {detail}")


@click.command("import-residents")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_residents_command(path: str) -> None:
    """Import residents from a CSV (UTF-8 or GBK; 姓名,手机号,村编码,户号): all rows or none."""
    from points.people.importing import import_residents

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


@click.command("expire-points")
@click.option("--dry-run", is_flag=True, help="print what would expire, change nothing")
@with_appcontext
def expire_points_command(dry_run: bool) -> None:
    """Expire unspent points past their last day (villages with expiry on); idempotent."""
    from points.models import Village
    from points.year import settlement

    done = settlement.run(db.session, dry_run=dry_run)
    names = dict(db.session.execute(select(Village.id, Village.name)).all())
    per_village: dict[int, list] = {}
    for expired in done:
        per_village.setdefault(expired.village_id, []).append(expired)
    head = "将到期（演练，未写入）· would expire" if dry_run else "已到期 · expired"
    for village_id, rows in sorted(per_village.items()):
        points = sum(row.points for row in rows)
        click.echo(
            f"{head}: {names.get(village_id, village_id)}  {len(rows)} 人 residents  "
            f"{points} 分 points"
        )
    total = sum(row.points for row in done)
    click.echo(f"合计 total: {len(done)} 人 residents, {total} 分 points")


@click.command("tick")
@click.option("--job", default=None, help="run only this job")
@with_appcontext
def tick_command(job: str | None) -> None:
    """Do the work that has come due (postings after 公示, …); idempotent, run every minute."""
    from points import tick
    from points.clock import utcnow

    if job is not None and job not in tick.JOBS:
        raise click.UsageError(f"unknown job {job!r}; jobs: {', '.join(tick.JOBS)}")
    for name, done in tick.run(db.session, utcnow(), only=job).items():
        click.echo(f"{name}: {done}")


COMMANDS = [
    init_db_command,
    create_admin_command,
    seed_demo_command,
    demo_logins_command,
    verify_ledger_command,
    backup_command,
    import_residents_command,
    expire_points_command,
    tick_command,
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
