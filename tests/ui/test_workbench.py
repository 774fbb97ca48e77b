"""The workbench (工作台): every role gets counts, warnings and shortcuts from the panels the apps
register; the legal-review deadline reaches the reviewers; supervisors and the system
administrator see which agency each warning belongs to; the page costs a constant number of queries."""

import datetime as dt
import pathlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import do_open_obligation
from sanxiang.deadlines.models import CalendarYear, Obligation

pytestmark = pytest.mark.django_db

SEEDS = ["urumqi-gxq-amr", "zhuzhou-amr", "pingluo-commerce", "urumqi-gxq-hrss", "quanzhou-licheng-amr"]
PREFIX = {"urumqi-gxq-amr": "urumqi-amr", "zhuzhou-amr": "zhuzhou", "pingluo-commerce": "pingluo",
          "urumqi-gxq-hrss": "urumqi-hrss", "quanzhou-licheng-amr": "quanzhou"}
SANXIANG = pathlib.Path(__file__).resolve().parents[2] / "sanxiang"


def workbench(login, username):
    page = login(username).get(reverse("home")).content.decode()
    header = page.split('id="workbench"')[1].split('<div class="card"')[0]
    return page, header


def test_every_role_has_a_workbench_with_counts_and_shortcuts(demo, login):
    for suffix in ("officer", "reviewer", "head", "leader", "records", "publicity", "admin"):
        page, header = workbench(login, f"zhuzhou-{suffix}")
        assert 'class="counts"' in header, suffix
        assert re.search(r'class="count-n">\d+</span> (时限待办|临期|逾期)', header), suffix
        assert "快捷入口" in header, suffix
    # An officer is no longer shown only their own details: their unit's deadlines are on top.
    page, header = workbench(login, "zhuzhou-officer")
    assert page.index('id="unit-queue"') < page.index('id="my-person"')
    assert "公示行政处罚决定（演示）" in page


def test_the_legal_review_deadline_reaches_the_reviewers_of_every_agency(demo, login):
    for code in SEEDS:
        review = Obligation.objects.get(object_type="demo", object_id=f"{code}-3")
        page, header = workbench(login, f"{PREFIX[code]}-reviewer")
        queue = page.split('id="unit-queue"')[1].split("</table>")[0]
        assert "重大执法决定法制审核（演示）" in queue, code
        assert review.unit_name and review.unit_name.split("（")[0] in queue, code
        assert re.search(r'class="count-n">[1-9]\d*</span> 时限待办', header), code


def test_supervisor_sees_the_supervised_agencies_warnings_in_one_place(demo, login):
    page, header = workbench(login, "urumqi-justice-supervisor")
    card = page.split('id="supervised-warnings"')[1].split("</table>")[0]
    overdue = Obligation.objects.filter(agency__in=["urumqi-gxq-amr", "urumqi-gxq-hrss"],
                                        due__lt=timezone.localdate(),
                                        status__in=[Obligation.OPEN, Obligation.OVERDUE],  # demo cases met some
                                        bearer=Obligation.AGENCY)  # a party's passed period is 已届满, not a warning
    assert overdue.count() >= 2
    for name in ("乌鲁木齐高新区（新市区）市场监督管理局", "高新区（新市区）人力资源和社会保障局"):
        assert name in card
    assert card.count("已逾期") == overdue.count()
    assert "株洲市市场监督管理局" not in card  # not supervised by this body
    assert re.search(r'class="count-n">[1-9]\d*</span> 逾期', header)
    supervised = page.split('id="supervised"')[1].split("</div>")[0]
    assert "乌鲁木齐高新区（新市区）市场监督管理局" in supervised


def test_system_administrator_lists_name_the_agency_of_each_item(demo, login):
    page, _ = workbench(login, "sysadmin")
    escalated = page.split('id="escalated"')[1].split("</table>")[0]
    assert "<th>执法主体</th>" in escalated
    for code in SEEDS:
        ob = Obligation.objects.get(object_type="demo", object_id=f"{code}-2")
        assert ob.due < timezone.localdate()
    for name in ("株洲市市场监督管理局", "平罗县商务和投资促进局", "泉州市鲤城区市场监督管理局"):
        assert name in escalated
    expiry = page.split('id="admin-warnings"')[1].split("</ul>")[0]
    assert '<span class="badge">株洲市市场监督管理局</span>' in expiry
    # An agency's own administrator sees one agency: no agency column needed.
    page, _ = workbench(login, "zhuzhou-admin")
    assert "<th>执法主体</th>" not in page.split('id="escalated"')[1].split("</table>")[0]


def _open(n, agency="zhuzhou-amr", unit_name="执法一大队"):
    today = timezone.localdate()
    for i in range(n):
        do_open_obligation(object_type="test", object_id=f"q-{agency}-{i}", agency=agency, kind="测试时限",
                           start=today - dt.timedelta(days=3 * i), count=5 + i % 7, unit="workdays",
                           unit_name=unit_name, leader="分管领导", actor=OPERATOR)


@pytest.mark.parametrize("username", ["zhuzhou-head", "zhuzhou-leader", "zhuzhou-reviewer",
                                      "zhuzhou-justice-supervisor", "sysadmin"])
def test_home_page_queries_do_not_grow_with_obligations(demo, login, username):
    client = login(username)
    client.get(reverse("home"))  # warm caches (calendar, profiles)
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("home")).status_code == 200
    _open(20)
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("home")).content.decode()
    if username in ("zhuzhou-head", "zhuzhou-leader", "sysadmin"):
        assert "测试时限" in page
    assert len(after.captured_queries) <= len(before.captured_queries), (
        len(before.captured_queries), len(after.captured_queries))


def test_core_knows_no_app_and_apps_register_their_own_menu(demo, login, client):
    # The login (accounts.py) still asks orgs for TOTP and login events until accounts move out.
    for name in ("views.py", "context_processors.py", "hooks.py", "apps.py", "urls.py"):
        path = SANXIANG / "core" / name
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"sanxiang\.(orgs|deadlines|profiles)|from \.\.(orgs|deadlines|profiles)", source), path
    anonymous = client.get(reverse("home")).content.decode().split("<nav>")[1].split("</nav>")[0]
    assert "时限计算" in anonymous and "执法证查询" in anonymous and "规则配置" not in anonymous
    officer = login("zhuzhou-officer").get(reverse("home")).content.decode().split("<nav>")[1].split("</nav>")[0]
    for label, url in (("工作台", "home"), ("执法主体", "agency-list"), ("规则配置", "profiles:list"),
                       ("节假日日历", "deadline-calendar"), ("时限计算", "deadline-calculator")):
        assert f'href="{reverse(url)}">{label}</a>' in officer
    adviser = login("zhuzhou-adviser").get(reverse("home")).content.decode().split("<nav>")[1].split("</nav>")[0]
    assert "执法主体" not in adviser


def test_templates_and_views_use_url_names_not_paths():
    offenders = []
    for path in SANXIANG.rglob("*"):
        if path.suffix not in (".html", ".py") or path.name == "500.html":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r'(href|action|hx-get|hx-post)="/[a-z]', r'redirect\(f?"/', r'f"/(agencies|people|units|'
                                                                                    r'profiles|deadlines|roles)/'):
            offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []


def test_calendar_warning_tells_each_role_what_it_can_do(demo, login, visible):
    # This year's calendar not official: the warning shows on the leader's and the sysadmin's page.
    CalendarYear.objects.filter(year=timezone.localdate().year).update(official=False)
    leader = visible(login("zhuzhou-leader").get(reverse("home")).content.decode())
    assert "请联系系统管理员录入" in leader
    assert "sanxiang calendar" not in leader and "docs/" not in leader
    page = login("sysadmin").get(reverse("home")).content.decode()
    card = page.split('id="calendar-warnings"')[1].split("</div>")[0]
    assert "「节假日日历」页面录入" in card and f'href="{reverse("deadline-calendar")}"' in card
    assert "sanxiang calendar" not in card
    calendar = visible(login("sysadmin").get(reverse("deadline-calendar")).content.decode())
    assert "docs/" not in calendar and '"holidays"' in calendar


def test_a_deadline_on_a_case_names_and_links_the_case(demo, login):
    """s17 #19: 「案卷归档期限 30 日 …已逾期」 says which case; /archive/ marks the overdue one."""
    from sanxiang.archive import actions as A
    from sanxiang.cases.models import Case

    case = (Case.objects.filter(agency__code="urumqi-gxq-amr", status="closed", archived_file__isnull=True)
            .exclude(number="").first())
    assert case is not None
    Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk), kind=A.ARCHIVE_LIMIT).delete()
    A.do_open_archive_obligation(case, ended_on=timezone.localdate() - dt.timedelta(days=90), actor=OPERATOR)
    page, _ = workbench(login, "urumqi-amr-records")
    assert f'案卷归档期限 <a href="/cases/{case.pk}/">{case.number}</a>' in page
    archive = login("urumqi-amr-records").get("/archive/").content.decode()
    row = archive.split(case.number, 1)[1].split("</tr>", 1)[0]
    assert "已逾期" in row


def test_the_heads_waiting_list_asks_the_access_policy_once_per_move_not_per_case(demo, monkeypatch):
    """待我审批 asked the workflow engine every move of every waiting case, and the access policy each time
    (407 queries for zhuzhou-head's home page, stop 24). Now only the approval moves are asked, and the
    policy once per move for all the rows: the same list, and — the guards aside (each case's own checks,
    asked per case as before) — the same number of queries for one case as for all of them."""
    from django.contrib.auth import get_user_model

    from sanxiang.access import policy
    from sanxiang.cases import pages
    from sanxiang.cases.queries import waiting_for_head
    from sanxiang.cases.workflows import approval_moves
    from sanxiang.workflow import engine

    head = get_user_model().objects.get(username="zhuzhou-head")
    moves = approval_moves()
    rows = list(waiting_for_head(head).order_by("created_at", "id"))
    assert len(rows) >= 5
    # the list as it was made: every move of each case asked one by one, then the approval moves kept
    expected = [(case.pk, [o.label for o in engine.available(case, head)
                           if o.allowed and o.action in moves.get(case.status, ())]) for case in rows]
    expected = [(pk, labels) for pk, labels in expected if labels]
    assert expected
    per_case, per_move = [], []
    monkeypatch.setattr(engine, "_permitted", lambda *args: per_case.append(args) or True)
    batched = policy.permitted_pks
    monkeypatch.setattr(policy, "permitted_pks", lambda user, action, objs: per_move.append(action) or
                        batched(user, action, objs))
    waiting = pages.awaiting_head(head)
    assert [(w["case"].pk, w["actions"][:len(labels)]) for w, (_, labels) in zip(waiting, expected)] == expected
    assert per_case == []  # never the policy per case and move
    assert sorted(per_move) == sorted({action for case in rows for action in moves.get(case.status, ())})

    monkeypatch.setattr(engine, "_refused", lambda *args: False)  # the guards: per case, each case's own checks
    with CaptureQueriesContext(connection) as one:
        assert len(pages.awaiting_head(head, limit=1)) >= 1
    with CaptureQueriesContext(connection) as every:
        assert len(pages.awaiting_head(head, limit=len(rows))) >= len(expected)
    # one case or all: the same queries, but for the policy asked of each further move (its roles, its rows)
    more_moves = len(set(per_move)) - len({action for action in moves.get(rows[0].status, ())})
    assert len(every.captured_queries) <= len(one.captured_queries) + 2 * more_moves, (
        len(one.captured_queries), len(every.captured_queries), more_moves)
