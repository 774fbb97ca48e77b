"""PostgreSQL roles (数据库角色): the owner migrates, the application role only runs the platform.

The append-only triggers stop every role that does not own the ledger's tables; an owner can
drop or disable them. So on PostgreSQL the platform runs (`sanxiang serve`, `sanxiang worker`)
as an *application role* that owns nothing and holds only the grants below, while the *owner
role* — which creates the tables — is used by `migrate`, `restore` and `dbroles` alone:

- every table: SELECT, INSERT, UPDATE, DELETE (no TRUNCATE, REFERENCES or TRIGGER);
- the append-only tables (`sanxiang.ledger.guard.APPEND_ONLY_TABLES`): SELECT and INSERT only;
- `django_migrations`: SELECT only; sequences: USAGE and SELECT; the schema: USAGE, no CREATE;
- default privileges, so the tables of later migrations are reachable too (re-applied after
  every `migrate` when `SANXIANG_DB_APP_ROLE` is set, which takes UPDATE/DELETE off new
  append-only tables again).

Without ownership the role cannot ALTER, DISABLE or DROP a trigger, replace the trigger
function, drop a table or `flush`; without superuser it cannot `SET session_replication_role`.
See docs/operations.md, "Database roles".
"""

from __future__ import annotations

import os
import re

OWNER_URL_ENV = "SANXIANG_OWNER_DATABASE_URL"
# The commands that change the schema run as the owner when an owner URL is configured.
OWNER_COMMANDS = frozenset({"migrate", "restore", "dbroles", "flush"})
READ_ONLY_TABLES = ("django_migrations",)
ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class RoleError(Exception):
    """The roles cannot be set up as asked: the message says why, in Chinese."""


def use_owner_connection(command: str, environ=None) -> bool:
    """Before Django starts: schema-changing commands connect with the owner URL, if one is set."""
    environ = os.environ if environ is None else environ
    owner_url = environ.get(OWNER_URL_ENV, "").strip()
    if command in OWNER_COMMANDS and owner_url:
        environ["DATABASE_URL"] = owner_url
        return True
    return False


def _quoted(name: str) -> str:
    if not ROLE_NAME.match(name or ""):
        raise RoleError(f"角色名“{name}”不合规：只能由字母、数字和下划线组成，且不以数字开头（最长 63 个字符）。")
    return f'"{name}"'


def _require_postgresql(connection) -> None:
    if connection.vendor != "postgresql":
        raise RoleError("数据库角色只适用于 PostgreSQL。SQLite 数据库是一个文件：能写这个文件的人就能改动账本，"
                        "防删改靠 sanxiang verify、检查点和见证方（见 docs/ledger.md “Append-only”）。")


def _scalar(cursor, sql, params=()):
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return row[0] if row else None


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def statements(connection, app_role: str) -> list[str]:
    """The SQL that gives `app_role` exactly what the platform needs, run as the owner."""
    from sanxiang.ledger.guard import APPEND_ONLY_TABLES

    _require_postgresql(connection)
    app = _quoted(app_role)
    with connection.cursor() as cursor:
        schema = _quoted(_scalar(cursor, "SELECT current_schema()"))
        owner = _quoted(_scalar(cursor, "SELECT current_user"))
        tables = set(_tables(cursor))
    append_only = ", ".join(f'"{t}"' for t in APPEND_ONLY_TABLES if t in tables)
    read_only = ", ".join(f'"{t}"' for t in READ_ONLY_TABLES if t in tables)
    sql = [
        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {app}",
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]
    if read_only:
        sql.append(f"REVOKE INSERT, UPDATE, DELETE ON {read_only} FROM {app}")
    if append_only:
        sql.append(f"REVOKE UPDATE, DELETE ON {append_only} FROM {app}")
    return sql


def problems(connection, app_role: str) -> list[str]:
    """Why `app_role` could still bypass the guard, or why the grants would not take (empty: none)."""
    _require_postgresql(connection)
    _quoted(app_role)
    found = []
    with connection.cursor() as cursor:
        owner = _scalar(cursor, "SELECT current_user")
        cursor.execute("SELECT rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role])
        row = cursor.fetchone()
        if row is None:
            return [f"数据库角色“{app_role}”不存在：请先创建，例如 CREATE ROLE {app_role} LOGIN PASSWORD '…';"]
        superuser, createrole, bypassrls = row
        if app_role == owner:
            found.append(f"应用角色“{app_role}”就是表的所有者：所有者可以删除或停用触发器，须另建一个应用角色。")
        if superuser:
            found.append(f"应用角色“{app_role}”是超级用户：超级用户不受任何权限约束。")
        if createrole:
            found.append(f"应用角色“{app_role}”有 CREATEROLE 权限：它可以把所有者角色授予自己。")
        if bypassrls:
            found.append(f"应用角色“{app_role}”有 BYPASSRLS 权限，应用不需要。")
        if app_role != owner and not superuser and _scalar(
                cursor, "SELECT pg_has_role(%s, %s, 'MEMBER')", [app_role, owner]):
            found.append(f"应用角色“{app_role}”是所有者角色“{owner}”的成员，因而拥有所有者的全部权限。")
        cursor.execute("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = current_schema() "
                       "AND tableowner <> %s ORDER BY tablename", [owner])
        for table, table_owner in cursor.fetchall():
            if table_owner == app_role:
                found.append(f"应用角色“{app_role}”拥有表 {table}：请以所有者身份执行 ALTER TABLE {table} OWNER TO {owner};")
            else:
                found.append(f"表 {table} 的所有者是“{table_owner}”而不是当前角色“{owner}”：请以表的所有者运行本命令。")
        cursor.execute("SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       "WHERE n.nspname = current_schema() AND pg_get_userbyid(p.proowner) = %s", [app_role])
        for (function,) in cursor.fetchall():
            found.append(f"应用角色“{app_role}”拥有函数 {function}()：它可以改写防删改触发器的函数。")
    return found


def apply(connection, app_role: str) -> dict:
    """Check `app_role`, run the grants in one transaction; returns what the role may do now."""
    from django.db import transaction

    from sanxiang.ledger.guard import APPEND_ONLY_TABLES

    found = problems(connection, app_role)
    if found:
        raise RoleError("拒绝授权，应用角色不安全：\n" + "\n".join(f"- {p}" for p in found))
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for sql in statements(connection, app_role):
            cursor.execute(sql)
        tables = _tables(cursor)
        writable = [t for t in tables
                    if _scalar(cursor, "SELECT has_table_privilege(%s, %s, 'UPDATE')", [app_role, t])]
    return {"tables": len(tables), "writable": len(writable),
            "append_only": [t for t in APPEND_ONLY_TABLES if t in tables]}


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: keep the application role's grants right for the tables just created."""
    from django.conf import settings
    from django.db import connections

    app_role = getattr(settings, "DATABASE_APP_ROLE", "")
    connection = connections[using]
    if app_role and connection.vendor == "postgresql":
        apply(connection, app_role)
