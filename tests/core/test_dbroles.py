"""Database roles (数据库角色): the application role cannot lift the append-only guard on PostgreSQL.

The PostgreSQL test creates a real login role, gives it the grants of `sanxiang dbroles --apply`
(run as the owner, like the test database's own user) and then, connected as that role, tries
every way around the guard — and runs a normal action through the `sanxiang` command.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from sanxiang.core import dbroles
from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.ledger.models import Checkpoint, LedgerEntry, MerkleNode

SANXIANG = str(Path(sys.executable).parent / "sanxiang")


def test_schema_commands_use_the_owner_url_and_the_others_do_not():
    owner = "postgres://sanxiang_owner@db/sanxiang"
    for command in ("migrate", "restore", "dbroles", "flush"):
        env = {"DATABASE_URL": "postgres://sanxiang_app@db/sanxiang", dbroles.OWNER_URL_ENV: owner}
        assert dbroles.use_owner_connection(command, env) and env["DATABASE_URL"] == owner
    for command in ("serve", "worker", "demo", "verify", "checkpoint", "shell"):
        env = {"DATABASE_URL": "postgres://sanxiang_app@db/sanxiang", dbroles.OWNER_URL_ENV: owner}
        assert not dbroles.use_owner_connection(command, env)
        assert env["DATABASE_URL"] == "postgres://sanxiang_app@db/sanxiang"
    env = {"DATABASE_URL": "postgres://one@db/sanxiang"}
    assert not dbroles.use_owner_connection("migrate", env) and env["DATABASE_URL"] == "postgres://one@db/sanxiang"


@pytest.mark.django_db
def test_the_command_speaks_for_its_database(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("dbroles", "--app-role", "bad name; DROP TABLE x")
    assert exit_info.value.code == 1
    if connection.vendor == "sqlite":
        assert "只适用于 PostgreSQL" in capsys.readouterr().err
        return
    assert "角色名“bad name; DROP TABLE x”不合规" in capsys.readouterr().err
    call_command("dbroles", "--app-role", "sanxiang_app_not_created")
    out = capsys.readouterr().out
    assert "-- 注意：数据库角色“sanxiang_app_not_created”不存在" in out
    assert 'REVOKE UPDATE, DELETE ON "ledger_ledgerentry", "ledger_merklenode", "ledger_checkpoint"' in out
    with pytest.raises(SystemExit):
        call_command("dbroles", "--app-role", "sanxiang_app_not_created", "--apply")
    assert "拒绝授权" in capsys.readouterr().err


def _as(role: str) -> str:
    db = connection.settings_dict
    return f"postgres://{role}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _sqlstate(url: str, sql: str) -> str | None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(sql)
        except psycopg.Error as exc:
            return exc.sqlstate
    return None


def _sanxiang(url, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANXIANG_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=url, SANXIANG_DATA_DIR=str(settings.DATA_DIR), PYTHONIOENCODING="utf-8")
    return subprocess.run([SANXIANG, *args], env=env, capture_output=True, text=True, timeout=300)


BYPASSES = {
    "UPDATE entries": "UPDATE ledger_ledgerentry SET action = 'forged'",
    "DELETE entries": "DELETE FROM ledger_ledgerentry",
    "TRUNCATE entries": "TRUNCATE ledger_ledgerentry CASCADE",
    "UPDATE nodes": "UPDATE ledger_merklenode SET hash = repeat('0', 64)",
    "DELETE nodes": "DELETE FROM ledger_merklenode",
    "TRUNCATE nodes": "TRUNCATE ledger_merklenode",
    "UPDATE checkpoints": "UPDATE ledger_checkpoint SET tree_size = 1000000000",
    "DELETE checkpoints": "DELETE FROM ledger_checkpoint",
    "TRUNCATE checkpoints": "TRUNCATE ledger_checkpoint",
    "DISABLE TRIGGER": "ALTER TABLE ledger_ledgerentry DISABLE TRIGGER USER",
    "DROP TRIGGER": "DROP TRIGGER ledger_ledgerentry_append_only ON ledger_ledgerentry",
    "CREATE TRIGGER": "CREATE TRIGGER sneak BEFORE INSERT ON ledger_ledgerentry "
                      "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "REPLACE FUNCTION": "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger "
                        "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
    "ALTER FUNCTION": "ALTER FUNCTION ledger_refuse_change() RENAME TO harmless",
    "DROP FUNCTION": "DROP FUNCTION ledger_refuse_change() CASCADE",
    "DROP TABLE": "DROP TABLE ledger_checkpoint",
    "RENAME TABLE": "ALTER TABLE ledger_checkpoint RENAME TO ledger_checkpoint_old",
    "TAKE OWNERSHIP": "ALTER TABLE ledger_ledgerentry OWNER TO CURRENT_USER",
    "replica mode": "SET session_replication_role = replica",
    "CREATE TABLE": "CREATE TABLE ledger_unlock (reason text)",
    "forge migrations": "DELETE FROM django_migrations",
}


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_application_role_cannot_bypass_the_guard_but_can_work():
    role = f"sx_app_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        user = get_user_model().objects.create_user("roles-owner-side", password="x" * 12)
        for i in range(3):
            do_post_announcement(f"公告 {i}", actor=user)
        do_take_checkpoint(actor=user)
        call_command("dbroles", "--app-role", role, "--apply", stdout=open(os.devnull, "w"))
        counts = (LedgerEntry.objects.count(), MerkleNode.objects.count(), Checkpoint.objects.count())
        app = _as(role)

        refused = {name: _sqlstate(app, sql) for name, sql in BYPASSES.items()}
        # 42501: insufficient privilege — refused by the grants, before any trigger is asked.
        assert refused == {name: "42501" for name in BYPASSES}
        assert (LedgerEntry.objects.count(), MerkleNode.objects.count(), Checkpoint.objects.count()) == counts

        flushed = _sanxiang(app, "flush", "--noinput")
        assert flushed.returncode != 0 and LedgerEntry.objects.count() == counts[0]

        # The platform's own work, as that role: an action through the ORM that appends to the
        # ledger, a checkpoint, and verify.
        made = _sanxiang(app, "createadmin", "roles-admin", "--password", "a-long-admin-password")
        assert made.returncode == 0, made.stderr
        assert LedgerEntry.objects.count() > counts[0]
        assert LedgerEntry.objects.filter(actor="system:cli").exists()
        signed = _sanxiang(app, "checkpoint")
        assert signed.returncode == 0, signed.stderr
        checked = _sanxiang(app, "verify")
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_unsafe_application_role_is_refused():
    role = f"sx_bad_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN CREATEROLE')
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    try:
        found = dbroles.problems(connection, role)
        assert any("CREATEROLE" in p for p in found)
        with pytest.raises(dbroles.RoleError, match="拒绝授权"):
            dbroles.apply(connection, role)
        found = dbroles.problems(connection, owner)
        assert any("就是表的所有者" in p for p in found) and any("超级用户" in p for p in found)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgresql
def test_migrate_runs_as_the_owner_and_leaves_the_application_role_its_grants(tmp_path):
    """The configuration of docs/operations.md: DATABASE_URL names the application role,
    SANXIANG_OWNER_DATABASE_URL the owner; `sanxiang migrate` creates the tables as the owner and
    grants the application role (SANXIANG_DB_APP_ROLE) what it needs, nothing more."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    server = os.environ["DATABASE_URL"]
    suffix = secrets.token_hex(4)
    role, db = f"sx_app_{suffix}", f"sx_roles_{suffix}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    owner_url = urlunsplit(urlsplit(server)._replace(path="/" + db))
    parts = urlsplit(owner_url)
    app_url = urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANXIANG_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=app_url, SANXIANG_OWNER_DATABASE_URL=owner_url, SANXIANG_DB_APP_ROLE=role,
               SANXIANG_DATA_DIR=str(tmp_path / "data"), PYTHONIOENCODING="utf-8")

    def run(*args):
        return subprocess.run([SANXIANG, *args], env=env, capture_output=True, text=True, timeout=600)

    try:
        migrated = run("migrate", "--verbosity", "0")
        assert migrated.returncode == 0, migrated.stderr
        with psycopg.connect(owner_url) as conn:
            owners = {r[0] for r in conn.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")}
            assert owners == {urlsplit(server).username}

            def may(table, privilege):
                return conn.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege]).fetchone()[0]

            assert [may("ledger_ledgerentry", p) for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")] == [
                True, True, False, False, False]
            assert [may("auth_user", p) for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")] == [
                True, True, True, True, False]
            assert [may("django_migrations", p) for p in ("SELECT", "INSERT")] == [True, False]
        made = run("createadmin", "roles-admin", "--password", "a-long-admin-password")
        assert made.returncode == 0, made.stderr
        checked = run("verify")
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')
