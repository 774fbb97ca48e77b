"""The `sanxiang` console command for operators.

Every subcommand is a Django management command of one of the apps, so it honours the same
environment configuration (DATABASE_URL, SANXIANG_DATA_DIR, ...) as the web server.

What every command shares lives here, once: the data directory and its keys are prepared for
the commands that create an installation (`migrate`, `serve`, `demo`); Sanxiang's own
commands refuse to run on a database that `sanxiang migrate` has not brought up to date;
`migrate` then seeds the holiday calendar and the agencies' review catalogues; operator errors
end with a message and exit code 1, never a traceback; and output piped into `head` ends quietly.
"""

import gc
import os
import sys

OPERATOR_COMMANDS = {
    "serve": "serve the web application (default 127.0.0.1:8000) with the job worker beside it",
    "worker": "run the scheduled jobs and queued tasks until stopped",
    "demo": "load the demo data of the five seed agencies and print the logins (--archive: then archive one case of each)",
    "verify": "verify the ledger, checkpoints, objects and files [--full] [--key VKEY --checkpoint FILE]",
    "checkpoint": "sign a ledger checkpoint now; --vkey prints the verifier keys",
    "witness": "add URL --vkey VKEY | remove LOG | run | list | vkey | trust VKEY: witness (co-sign) ledgers' checkpoints",
    "deadline": "compute a legal deadline with its explanation",
    "profiles": "list | show KEY | diff A B | validate",
    "calendar": "show YEAR | import FILE | status",
    "workflow": "list | diagram [NAME] [--format mermaid] | docs: the transition tables",
    "migrate": "create or update the database schema (and seed the holiday calendar)",
    "createadmin": "create a system administrator account",
    "token": "create USERNAME [--days N] [--label TEXT] | list [USERNAME] | revoke ID_OR_PREFIX",
    "backup": "backup DIR: database, ledger and files",
    "restore": "restore DIR into an empty installation",
    "dbroles": "--app-role NAME [--apply]: PostgreSQL grants of the application role (run as the owner)",
    "archive": "export CASE_NUMBER --out FILE.zip | verify FILE.zip [--key VKEY]: the case's BagIt archive package",
    "cases": "list [--agency KEY] [--state STATE] --json: cases for scripts",
    "documents": "recheck: check every active agency document template again, deactivating those that fail",
    "review": "check --profile KEY [--on DATE] --json < PROPOSAL.json: does a decision need 法制审核, and why",
    "annual-report": "AGENCY YEAR (--pdf FILE.pdf | --xlsx FILE.xlsx): export an agency's 行政执法统计年报",
    "search": "reindex: rebuild the public search's entries of the published decisions (withdrawn: their notice only; expired: out)",
    "redact": "--context PARTY.json [--profile KEY] [--json] < decision.txt: 脱敏 (redact personal data before publication)",
}

# Commands that create or fill the data directory: they prepare it (directory, keys) first.
# (`restore` prepares it itself, once the backup has passed its checks.)
PREPARES_DATA_DIR = {"migrate", "serve", "demo"}
# Sanxiang commands that run without a migrated database (every other one needs it).
WITHOUT_DATABASE = {"migrate", "restore", "profiles", "flush", "redact"}
# Subcommands that work offline, on files alone (an archive or a court verifying a package).
OFFLINE_SUBCOMMANDS = {("archive", "verify"), ("review", "check")}
# The operator's commands that still run Django's system checks: the server (a misconfiguration shows
# before anyone is served). The others skip them: the checks import every URL and API module, about
# half of the start-up of a `sanxiang verify`; developers run them with `sanxiang check`.
RUN_SYSTEM_CHECKS = {"serve"}
SKIP_SYSTEM_CHECKS = {"migrate"}  # Django's own command, run by every installation and restore

NOT_MIGRATED = "数据库尚未初始化：请先运行 `sanxiang migrate` 初始化数据库。"


class OperatorError(Exception):
    """A refusal the operator can act on: printed as is, exit code 1."""


# argparse's messages in Chinese, for every command (Django's CommandParser is an ArgumentParser):
# a wrong argument still ends with the usage and exit code 2, said in the operator's language.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "%(prog)s: error: %(message)s\n": "%(prog)s：参数错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r（应为 %(type)s）",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须给出其中之一",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "ignored explicit argument %r": "该选项不接受值：%r",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的子命令 %(parser_name)r（可选：%(choices)s）",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助并退出",
}


def _argparse_in_chinese() -> None:
    """The one place the CLI's argument errors are put in Chinese (exit code 2 stays argparse's)."""
    import argparse

    argparse._ = lambda message: ARGPARSE_ZH.get(message, message)
    name_of = getattr(argparse._get_action_name, "__wrapped__", argparse._get_action_name)

    def action_name(action):  # a missing subcommand is named by its choices, not by its dest ("sub")
        if isinstance(action, argparse._SubParsersAction) and action.metavar is None:
            return f"子命令（{'|'.join(action.choices)}）"
        return name_of(action)

    action_name.__wrapped__ = name_of
    argparse._get_action_name = action_name
    argparse.ngettext = lambda singular, plural, n: ("需要 %s 个值" if singular == "expected %s argument"
                                                     else "选项冲突：%s")


# Django's options every command takes: Sanxiang's own commands keep them working (the CLI passes
# --skip-checks) but do not list them in their usage — English help an operator has no use for.
DJANGO_BASE_OPTIONS = {"--version", "--verbosity", "--settings", "--pythonpath", "--traceback", "--no-color",
                       "--force-color", "--skip-checks"}


def _command_errors_in_chinese() -> None:
    """The one place Django's CommandError is said the operator's way: 「错误：…」 and its exit code (not
    "CommandError: …"); Sanxiang's commands list only their own options in their usage."""
    from django.core.management.base import BaseCommand, CommandError, SystemCheckError

    if getattr(BaseCommand.execute, "sanxiang_cli", False):
        return
    execute, create_parser = BaseCommand.execute, BaseCommand.create_parser

    def execute_said_in_chinese(self, *args, **options):
        try:
            return execute(self, *args, **options)
        except CommandError as exc:
            if (isinstance(exc, SystemCheckError) or options.get("traceback")
                    or not getattr(self, "_called_from_command_line", False)):  # call_command: the caller's
                raise
            sys.stderr.write(f"错误：{exc}\n")
            sys.exit(exc.returncode)

    def create_parser_without_django_options(self, prog_name, subcommand, **kwargs):
        import argparse

        parser = create_parser(self, prog_name, subcommand, **kwargs)
        if type(self).__module__.startswith("sanxiang."):
            for action in parser._actions:
                if DJANGO_BASE_OPTIONS & set(action.option_strings):
                    action.help = argparse.SUPPRESS
        return parser

    execute_said_in_chinese.sanxiang_cli = True
    BaseCommand.execute = execute_said_in_chinese
    BaseCommand.create_parser = create_parser_without_django_options


def main(argv=None):
    # No garbage collection while Django and the apps are imported: the collector would walk the
    # growing heap again and again, and what the imports make stays alive anyway. It is switched back
    # on before the command runs (_run), with the start-up heap frozen out of its way: together
    # ≈ 45 % of a `sanxiang verify`'s CPU, measured (docs/how-to.md "Test time").
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()  # every way out (help, a refusal, an unknown command), also when called in a process that goes on


def _main(argv):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    _argparse_in_chinese()
    _command_errors_in_chinese()
    try:
        if not argv or argv[0] in ("-h", "--help", "help"):
            print("用法：sanxiang <命令> [参数]\n")
            for name, text in OPERATOR_COMMANDS.items():
                print(f"  {name:<12} {text}")
            print("\n其它 Django 管理命令也可用，例如 sanxiang shell。")
            return 0
        return _run(argv)
    except OperatorError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    except BrokenPipeError:
        # The reader (`| head`) has gone: drop the rest of the output, including what the
        # interpreter would flush at exit, instead of printing a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _run(argv) -> int:
    import django
    from django.core.exceptions import ImproperlyConfigured

    from sanxiang.core.datadir import DataDirError
    from sanxiang.core.dbroles import RoleError, use_owner_connection

    command = argv[0]
    asks_help = any(arg in ("-h", "--help") for arg in argv[1:])
    use_owner_connection(command)
    try:
        django.setup()
        if not asks_help:
            if command != "restore":
                from sanxiang.core.backup import unfinished_restore_message

                if unfinished := unfinished_restore_message():
                    raise OperatorError(unfinished)
            if _needs_database(command) and tuple(argv[:2]) not in OFFLINE_SUBCOMMANDS:
                _require_migrated_database()
            if command in PREPARES_DATA_DIR:
                from sanxiang.core.datadir import prepare

                prepare()
            elif command == "restore":
                from sanxiang.core.datadir import make_directory

                make_directory()  # where SQLite can open the (still empty) database
    except (ImproperlyConfigured, DataDirError) as exc:
        raise OperatorError(str(exc)) from exc
    if unknown := _unknown_command(command):
        sys.stderr.write(unknown)
        return 2

    from django.core.management import execute_from_command_line

    from sanxiang.ledger.signing import SigningKeyError

    _collect_garbage_from_here()
    try:
        execute_from_command_line(["sanxiang", *_without_developer_checks(argv, asks_help)])
    except (SigningKeyError, RoleError) as exc:
        raise OperatorError(str(exc)) from exc
    if command == "migrate" and not asks_help:
        _seed_calendar(quiet=_verbosity(argv) == 0)
        _backfill_bearers(quiet=_verbosity(argv) == 0)
        _seed_review_catalogues(quiet=_verbosity(argv) == 0)
    return 0


def _collect_garbage_from_here() -> None:
    """The collector back on for the command itself, with what start-up imported moved out of its way
    (`gc.freeze`: modules, classes and settings live as long as the process; the collector need not
    walk them on every full collection). docs/how-to.md "Test time"."""
    gc.freeze()
    gc.enable()


def _unknown_command(command: str) -> str:
    """Django's "Unknown command" in Chinese (an argument error: exit 2), with the nearest name."""
    import difflib

    from django.core.management import get_commands

    if command.startswith("-") or command in get_commands():  # --version: Django's own
        return ""
    near = difflib.get_close_matches(command, list(OPERATOR_COMMANDS) + sorted(get_commands()), n=1)
    hint = f"（是否想用 {near[0]}？）" if near else ""
    return f"sanxiang：参数错误：未知命令 '{command}'{hint}。运行 sanxiang help 查看可用命令。\n"


def _without_developer_checks(argv: list[str], asks_help: bool) -> list[str]:
    from django.core.management import get_commands, load_command_class

    command, app = argv[0], get_commands().get(argv[0], "")
    operators = app.startswith("sanxiang.") or command in SKIP_SYSTEM_CHECKS
    if asks_help or command in RUN_SYSTEM_CHECKS or not operators:
        return argv
    if not load_command_class(app, command).requires_system_checks:
        return argv
    return [command, "--skip-checks", *argv[1:]]


def _needs_database(command: str) -> bool:
    from django.core.management import get_commands

    app = get_commands().get(command, "")
    return app.startswith("sanxiang.") and command not in WITHOUT_DATABASE


def _unapplied_migrations() -> int:
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from sanxiang.core.datadir import _sqlite_path

    sqlite_path = _sqlite_path(settings)
    if sqlite_path is not None and not sqlite_path.exists():
        return -1  # never connect here: SQLite would create an empty database file
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _require_migrated_database() -> None:
    from django.db.utils import Error

    try:
        pending = _unapplied_migrations()
    except Error as exc:
        raise OperatorError(f"无法连接数据库：{str(exc).strip()}") from exc
    if pending == -1:
        raise OperatorError(NOT_MIGRATED)
    if pending:
        from django.db import connection
        from django.db.migrations.recorder import MigrationRecorder

        if not MigrationRecorder(connection).has_table():
            raise OperatorError(NOT_MIGRATED)
        raise OperatorError(f"数据库结构不是最新的（还有 {pending} 个迁移未执行）：请先运行 `sanxiang migrate`。")


def _verbosity(argv) -> int:
    for i, arg in enumerate(argv):
        if arg.startswith("--verbosity="):
            return int(arg.split("=", 1)[1])
        if arg in ("-v", "--verbosity") and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("-v") and arg[2:].isdigit():
            return int(arg[2:])
    return 1


def _seed_calendar(*, quiet: bool) -> None:
    """A fresh installation computes right deadlines: seed the years chinesecalendar knows."""
    if _unapplied_migrations() != 0:
        return  # migrated backwards to an older state: leave the data alone
    from sanxiang.access.actors import MIGRATION
    from sanxiang.deadlines.actions import SEED_YEARS, seed_calendar

    done = seed_calendar(actor=MIGRATION)
    if not quiet:
        changed = sum(1 for _, c in done if c)
        print(f"节假日日历：{SEED_YEARS[0]}–{SEED_YEARS[-1]} 年已就绪（本次更新 {changed} 个年度）")


def _seed_review_catalogues(*, quiet: bool) -> None:
    """Agencies without a 法制审核目录清单 get the one their rule profile gives (ledgered)."""
    if _unapplied_migrations() != 0:
        return
    from sanxiang.access.actors import MIGRATION
    from sanxiang.review.actions import seed_catalogues

    made = seed_catalogues(actor=MIGRATION)
    if made and not quiet:
        first = sum(1 for row in made if row.version == 1)
        if first:
            print(f"法制审核目录清单：已按规则配置为 {first} 个机关生成第1版")
        if len(made) > first:
            print(f"法制审核目录清单：已按更正后的规则配置为 {len(made) - first} 个机关发布新版本（自今日起施行）")


def _backfill_bearers(*, quiet: bool) -> None:
    """Obligations opened before the bearer existed: the party's periods become the party's (ledgered)."""
    if _unapplied_migrations() != 0:
        return
    from sanxiang.access.actors import MIGRATION
    from sanxiang.deadlines.backfill import backfill_bearers

    changed = backfill_bearers(actor=MIGRATION)
    if changed and not quiet:
        print(f"期限承担方：{len(changed)} 个当事人的期间已补记为当事人承担")


if __name__ == "__main__":
    sys.exit(main())
