"""The `sanxiang` console command for operators.

Every subcommand is a Django management command of one of the apps, so it honours the same
environment configuration (DATABASE_URL, SANXIANG_DATA_DIR, ...) as the web server.
"""

import os
import sys

OPERATOR_COMMANDS = {
    "serve": "serve the web application (default 127.0.0.1:8000)",
    "demo": "load the demo data of the five seed agencies and print the logins",
    "verify": "verify the ledger, checkpoints, objects and files",
    "checkpoint": "sign a ledger checkpoint now",
    "deadline": "compute a legal deadline with its explanation",
    "profiles": "list | show KEY | diff A B | validate",
    "calendar": "show YEAR | import FILE | status",
    "migrate": "create or update the database schema",
    "createadmin": "create a system administrator account",
    "token": "create USERNAME [--days N] [--label TEXT] | list [USERNAME] | revoke ID_OR_PREFIX",
    "backup": "backup DIR: database, ledger and files",
    "restore": "restore DIR into an empty installation",
}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    if not argv or argv[0] in ("-h", "--help", "help"):
        print("用法: sanxiang <命令> [参数]\n")
        for name, text in OPERATOR_COMMANDS.items():
            print(f"  {name:<12} {text}")
        print("\n其它 Django 管理命令也可用，例如 sanxiang shell。")
        return 0
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sanxiang", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
