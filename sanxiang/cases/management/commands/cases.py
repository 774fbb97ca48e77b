"""`sanxiang cases list [--agency KEY] [--state STATE] [--json]`: the cases, for scripts."""

import json

from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.management.subcommands import SubcommandCommand


class Command(SubcommandCommand):
    help = "案件：list [--agency KEY] [--state STATE] [--json]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, title="子命令")
        listing = sub.add_parser("list", help="列出案件（案号、执法机关、种类、状态）")
        listing.add_argument("--agency", metavar="KEY", help="只列出该执法机关（代码）的案件")
        listing.add_argument("--state", metavar="STATE", help="只列出该状态的案件，例如 closed")
        listing.add_argument("--json", action="store_true", help="以 JSON 数组输出（每个案件一个对象）")

    def do_list(self, options):
        from django.db.models import F

        from sanxiang.cases.models import Case, CaseStatus
        from sanxiang.orgs.models import Agency

        # Filed cases by number, then clues not yet numbered: the same order on SQLite and PostgreSQL.
        cases = Case.objects.order_by("agency__code", F("number_year").asc(nulls_last=True),
                                      F("number_seq").asc(nulls_last=True), "id")
        if options["agency"]:
            if not Agency.objects.filter(code=options["agency"]).exists():
                raise NotFound(f"没有代码为“{options['agency']}”的执法机关。")
            cases = cases.filter(agency__code=options["agency"])
        if options["state"]:
            if options["state"] not in CaseStatus.values:
                raise RuleViolation(f"没有“{options['state']}”这个案件状态；可用的状态：{', '.join(CaseStatus.values)}")
            cases = cases.filter(status=options["state"])
        rows = cases.values_list("number", "agency__code", "kind", "status").iterator(chunk_size=2000)
        try:
            self._write(rows, options)
        finally:
            # `| head` leaves: the rows' cursor is closed now, while the database is still open (Django
            # closes the connections before the BrokenPipeError reaches the CLI), not at exit.
            rows.close()

    def _write(self, rows, options):
        from sanxiang.cases.models import CaseStatus

        if options["json"]:
            self.stdout.write("[", ending="")
            for i, (number, agency, kind, state) in enumerate(rows):
                item = {"number": number or None, "agency": agency, "kind": kind, "state": state}
                self.stdout.write(("," if i else "") + json.dumps(item, ensure_ascii=False), ending="")
            self.stdout.write("]")
            return
        labels = dict(CaseStatus.choices)
        for number, agency, kind, state in rows:
            self.stdout.write(f"{number or '（未立案）'}\t{agency}\t{kind}\t{labels.get(state, state)}")
