"""The officer's pages with many open cases: "the case page and the workbench with 200 cases render
in a constant number of queries" (issue 7 §5).

    .venv/bin/python bench/bench_case_pages.py       (env BENCH_OPEN_CASES, default 200)

Works in its own fresh database (see fresh.py). Opens cases through the actions up to 调查中 (create,
party, two handlers, verify, file, investigate), first `FEW` then `BENCH_OPEN_CASES` in all, and at
each size renders, as the lead handler, the workbench (/), the case list (/cases/) and one case page,
and as the unit head the workbench (its 待我审批 panel asks each waiting case's guards). Prints one
JSON line:

- queries_<page>_<n>: SQL statements of one render with n open cases — equal at both sizes means
  constant (`constant_queries` lists the pages for which it holds);
- ms_<page>_<n>: median render time in the Django test client, and ratio_<page>_<n> its ratio to
  the minimal view (/healthz: no login, one query) measured in the same process just before.
"""

import json
import os
import statistics
import time

OPEN_CASES = int(os.environ.get("BENCH_OPEN_CASES", 200))
FEW = 10
REPEAT = 15

from fresh import drop  # noqa: E402, I001  (a fresh installation, Django set up: first)

from case_lifecycle import CLUE_ON, day, make_cast  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from sanxiang.cases import actions as C  # noqa: E402


def open_case(cast):
    case = C.do_create_case(cast.agency, unit=cast.unit, source="report", cause="销售超过保质期的食品",
                            category="行政处罚", clue_on=CLUE_ON, actor=cast.officer)
    C.do_add_case_party(case, cast.party, actor=cast.officer)
    C.do_assign_case_handler(case, cast.first, lead=True, on=CLUE_ON, actor=cast.head)
    C.do_assign_case_handler(case, cast.second, on=CLUE_ON, actor=cast.head)
    C.do_verify_case(case, actor=cast.officer, on=day(1))
    C.do_file_case(case, actor=cast.head, on=day(2))
    C.do_investigate_case(case, actor=cast.officer, on=day(3))
    return case


def median_ms(client, url):
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def measure(cast, first_case, size, result):
    officer, head, anonymous = Client(), Client(), Client()
    officer.force_login(cast.officer)
    head.force_login(cast.head)
    pages = {"workbench": (officer, "/"), "case_list": (officer, "/cases/"),
             "case_page": (officer, f"/cases/{first_case.pk}/"), "head_workbench": (head, "/")}
    for client, url in pages.values():  # warm: templates, sessions, caches
        client.get(url)
    anchor = median_ms(anonymous, "/healthz")
    result[f"ms_anchor_{size}"] = round(anchor, 2)
    for name, (client, url) in pages.items():
        result[f"queries_{name}_{size}"] = queries(client, url)
        ms = median_ms(client, url)
        result[f"ms_{name}_{size}"] = round(ms, 1)
        result[f"ratio_{name}_{size}"] = round(ms / anchor, 1)
    return list(pages)


def main():
    call_command("migrate", verbosity=0)
    setup_test_environment()  # the test client's host, as in the test suite
    cast = make_cast("bench-pages")
    result = {"bench": "case_pages", "database": connection.vendor, "open_cases": OPEN_CASES, "few": FEW}
    first = open_case(cast)
    for _ in range(FEW - 1):
        open_case(cast)
    names = measure(cast, first, FEW, result)
    t = time.perf_counter()
    for _ in range(OPEN_CASES - FEW):
        open_case(cast)
    result["open_seconds"] = round(time.perf_counter() - t, 1)
    measure(cast, first, OPEN_CASES, result)
    result["constant_queries"] = [name for name in names
                                  if result[f"queries_{name}_{FEW}"] == result[f"queries_{name}_{OPEN_CASES}"]]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    finally:
        drop()
