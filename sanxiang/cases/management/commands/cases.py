"""`sanxiang cases list [--agency KEY] [--state STATE] [--json]`: the cases, for scripts — each with its id
(for `/api/v1/cases/{id}`), number, agency (code and name), kind, state, cause and parties."""

import json

from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.management.subcommands import SubcommandCommand


class Command(SubcommandCommand):
    help = "案件：list [--agency KEY] [--state STATE] [--json]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, title="子命令")
        listing = sub.add_parser("list", help="列出案件（编号、案号、执法机关、种类、状态）")
        listing.add_argument("--agency", metavar="KEY", help="只列出该执法机关（代码或名称）的案件")
        listing.add_argument("--state", metavar="STATE", help="只列出该状态的案件，例如 closed")
        listing.add_argument("--json", action="store_true", help="以 JSON 数组输出（每个案件一个对象）")

    def do_list(self, options):
        from django.db.models import F

        from sanxiang.cases.models import Case, CaseStatus
        from sanxiang.orgs.models import Agency

        # Filed cases by number, then clues not yet numbered: the same order on SQLite and PostgreSQL.
        cases = Case.objects.order_by("agency__code", F("number_year").asc(nulls_last=True),
                                      F("number_seq").asc(nulls_last=True), "id")
        if options["agency"]:  # the code, or the name the text output shows (s24 tester8 #2)
            agency = (Agency.objects.filter(code=options["agency"]).first()
                      or Agency.objects.filter(name=options["agency"]).first())
            if agency is None:
                codes = "；".join(f"{code}（{name}）" for code, name in
                                 Agency.objects.order_by("code").values_list("code", "name"))
                raise NotFound(f"没有代码或名称为“{options['agency']}”的执法机关。可用的执法机关：{codes or '无'}")
            cases = cases.filter(agency=agency)
        if options["state"]:
            if options["state"] not in CaseStatus.values:
                raise RuleViolation(f"没有“{options['state']}”这个案件状态；可用的状态：{', '.join(CaseStatus.values)}")
            cases = cases.filter(status=options["state"])
        rows = cases.values_list("id", "number", "agency__code", "agency__name", "kind", "status",
                                 "cause").iterator(chunk_size=2000)
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
            for i, ((pk, number, code, name, kind, state, cause), parties) in enumerate(_with_parties(rows)):
                item = {"id": pk, "number": number or None, "agency": code, "agency_name": name, "kind": kind,
                        "state": state, "cause": cause, "parties": parties}
                self.stdout.write(("," if i else "") + json.dumps(item, ensure_ascii=False), ending="")
            self.stdout.write("]")
            return
        labels = dict(CaseStatus.choices)
        for pk, number, _code, name, kind, state, _cause in rows:
            self.stdout.write(f"{pk}\t{number or '（未立案）'}\t{name}\t{kind}\t{labels.get(state, state)}")


def _with_parties(rows, size=500):
    """(row, [party names]) for each row, the parties looked up once per `size` rows."""
    from itertools import islice

    from sanxiang.cases.models import CaseParty

    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        names: dict[int, list[str]] = {}
        for case_id, name in (CaseParty.objects.filter(case_id__in=[r[0] for r in chunk])
                              .order_by("id").values_list("case_id", "party__name")):
            names.setdefault(case_id, []).append(name)
        for row in chunk:
            yield row, names.get(row[0], [])
