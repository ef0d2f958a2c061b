"""Does the command line do what an operator types: init-db, create-admin, seed-demo, backup?"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from points import ledger
from points.models import Grid, Role, Town, User, grid_staff

ROOT = Path(__file__).resolve().parents[2]


def flask_cli(*args: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi …` as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_init_db_creates_the_schema_on_a_fresh_sqlite_file_and_can_run_again(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "INSTANCE_PATH": str(tmp_path)}
    for _ in range(2):
        done = flask_cli("init-db", env=env)
        assert done.returncode == 0, done.stderr
        assert "数据库已就绪" in done.stdout
    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert {"accounts", "transfers", "ledger_head", "users", "villages"} <= tables
        assert "transfers_no_update" in tables and "transfers_no_delete" in tables
        assert conn.execute("SELECT last_id FROM ledger_head").fetchone() == (0,)


def test_init_db_on_a_migrated_database_changes_nothing(runner, session, town):
    before = session.scalar(select(func.count()).select_from(User))
    session.commit()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(User)) == before


@pytest.mark.parametrize(
    "role,village", [("town_admin", None), ("village_admin", "GL01"), ("staff", "MC03")]
)
def test_create_admin_makes_each_role_who_can_then_log_in(
    runner, client, session, town, role, village
):
    args = ["create-admin", "--phone", "13911110000", "--password", "strong-pass", "--role", role]
    args += ["--village", village] if village else []
    result = runner.invoke(args=[*args, "--name", "新管理员"])
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.phone == "13911110000"))
    assert (user.role, user.name) == (role, "新管理员")
    expected_village = {"GL01": town.village_a.id, "MC03": town.village_b.id}.get(village)
    assert user.village_id == expected_village
    token = client.post(
        "/api/v1/auth/token", json={"phone": "13911110000", "password": "strong-pass"}
    )
    assert token.get_json()["role"] == role


@pytest.mark.parametrize(
    "args,words",
    [
        (["--role", "village_admin", "--village", "NOPE"], "找不到村编码 NOPE"),
        (["--role", "staff"], "--village is required"),
        (["--role", "king"], "Invalid value"),
    ],
    ids=["unknown village", "staff without a village", "unknown role"],
)
def test_create_admin_refuses_bad_input_cleanly(runner, session, town, args, words):
    before = session.scalar(select(func.count()).select_from(User))
    session.commit()
    result = runner.invoke(
        args=["create-admin", "--phone", "13911110001", "--password", "strong-pass", *args]
    )
    assert result.exit_code != 0
    assert words in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_create_admin_refuses_a_phone_already_taken(runner, session, town):
    result = runner.invoke(
        args=["create-admin", "--phone", town.admin_a.phone, "--password", "strong-pass"]
    )
    assert result.exit_code == 1
    assert "已被登记" in result.output + result.stderr


def test_seed_demo_if_empty_skips_a_database_with_people(runner, session, town):
    before = ledger.head(session)
    session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "跳过" in result.output
    assert ledger.head(session) == before


@pytest.mark.slow
def test_seed_demo_fills_an_empty_database_once_with_a_city_of_two_towns_and_the_ledger_verifies(
    runner, session
):
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "演示数据已生成" in first.output
    roles = Counter(session.scalars(select(User.role)))
    assert roles[Role.CITY_ADMIN] == 1 and roles[Role.TOWN_ADMIN] == 2
    assert roles[Role.VILLAGE_ADMIN] == 6 and roles[Role.RESIDENT] == 120
    assert session.scalar(select(func.count()).select_from(Town)) == 2
    grids = session.scalar(select(func.count()).select_from(Grid))
    assert grids >= 12  # 2–3 a village
    served = session.scalar(select(func.count(func.distinct(grid_staff.c.grid_id))))
    assert served == grids  # every grid has its grid worker
    transfers, head_hash = ledger.head(session)
    assert transfers > 0
    session.commit()
    second = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "跳过" in second.output
    assert ledger.head(session) == (transfers, head_hash)
    verified = runner.invoke(args=["verify-ledger"])
    assert verified.exit_code == 0, verified.output + verified.stderr
    assert f"OK: {transfers} transfers" in verified.output


def test_demo_logins_prints_the_city_admin_and_each_towns_logins(runner):
    result = runner.invoke(args=["demo-logins"])
    assert result.exit_code == 0, result.output
    for words in ("市管理员", "13600000000", "谷来镇", "香榧币", "13900000000", "甘霖镇", "平安币"):
        assert words in result.output
    assert result.output.count("村民 residents（60 位）") == 2


def test_verify_ledger_passes_on_a_sound_ledger(runner, session, town, give):
    give(town.resident_a, 10)
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 0
    assert result.output.startswith("OK: 1 transfers, head ")


# --- backup -----------------------------------------------------------------------------
def test_backup_writes_a_copy_that_opens_and_verifies(
    runner, session, town, give, db_url, tmp_path
):
    give(town.resident_a, 10)
    give(town.resident_b, 20)
    session.commit()
    target = tmp_path / "backups" / "points-backup.bin"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output + result.stderr
    assert target.exists() and target.stat().st_size > 0
    if make_url(db_url).get_backend_name() == "sqlite":
        copy_url = f"sqlite:///{target}"
    else:
        copy_url = restore_postgres_backup(db_url, target)
    copy = create_engine(copy_url)
    try:
        with copy.connect() as conn:
            assert conn.execute(text("SELECT last_id FROM ledger_head")).scalar_one() == 2
            balances = conn.execute(
                text("SELECT sum(credits_posted - debits_posted) FROM accounts")
            ).scalar_one()
            assert balances == 0
        from sqlalchemy.orm import Session

        with Session(copy) as other:
            assert ledger.verify(other).ok
    finally:
        copy.dispose()
        if make_url(db_url).get_backend_name() != "sqlite":
            drop_database(db_url, make_url(copy_url).database)


def restore_postgres_backup(db_url: str, dump: Path) -> str:
    """pg_restore a custom-format dump into a new database; return its URL."""
    assert dump.read_bytes()[:5] == b"PGDMP"
    url = make_url(db_url)
    name = f"{url.database}_restored"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    target = url.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--dbname", target, str(dump)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(db_url: str, name: str) -> None:
    admin = create_engine(make_url(db_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="postgresql-client is not installed")
def test_backup_says_plainly_when_pg_dump_fails(tmp_path, db_url):
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("pg_dump is for PostgreSQL")
    missing = url.set(database="no_such_database_here").render_as_string(hide_password=False)
    target = tmp_path / "never.dump"
    done = flask_cli(
        "backup",
        str(target),
        env={"DATABASE_URL": missing, "INSTANCE_PATH": str(tmp_path)},
    )
    assert done.returncode == 1
    assert "pg_dump failed" in done.stderr and "no_such_database_here" in done.stderr
    assert "Traceback" not in done.stderr
    assert not target.exists()


def test_backup_of_a_missing_sqlite_file_is_a_clean_error_not_an_empty_copy(tmp_path):
    target = tmp_path / "copy.sqlite3"
    done = flask_cli(
        "backup",
        str(target),
        env={
            "DATABASE_URL": f"sqlite:///{tmp_path / 'missing.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
        },
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no SQLite database" in done.stderr
    assert not target.exists() and not (tmp_path / "missing.sqlite3").exists()
