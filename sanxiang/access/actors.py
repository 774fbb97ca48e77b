"""Actors that are not people: the platform acting by itself, and the operator's console.

Actions take `actor=` explicitly; `None` is refused. A system actor may do what a system
administrator may, and is named in the ledger as itself (never as an anonymous "system").
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    """系统 — the job runner, the operator's console, the demo loader or a migration."""

    username: str
    label: str

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    is_anonymous = False
    pk = None
    id = None

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.label

    def __str__(self) -> str:
        return self.username


JOBS = SystemActor("system:jobs", "系统定时任务")
OPERATOR = SystemActor("system:cli", "运维命令行")
DEMO = SystemActor("system:demo", "演示数据")
MIGRATION = SystemActor("system:migrate", "数据迁移")


def is_system_actor(actor) -> bool:
    return isinstance(actor, SystemActor)


@dataclass(frozen=True)
class Visitor:
    """访问者 — someone not logged in (e.g. a failed login): named in the ledger, granted nothing."""

    username: str = "anonymous"
    label: str = "未登录的访问者"

    is_authenticated = False
    is_active = False
    is_superuser = False
    is_staff = False
    is_anonymous = True
    pk = None
    id = None

    def __str__(self) -> str:
        return self.username


VISITOR = Visitor()
