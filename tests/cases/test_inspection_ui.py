"""行政检查 through the pages and the API: the opening form and its refusals, the case page's section,
the party dossier, and the API with the one error shape — nothing written on refusal."""

import pytest
from cases_cast import D0
from django.test import Client

from sanxiang.cases.models import Case, Inspection
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import PersonKind

pytestmark = pytest.mark.django_db
API = "/api/v1/inspections/"


@pytest.fixture(scope="module")
def ienv(env, django_db_blocker):
    with django_db_blocker.unblock():
        for p in (env.p1, env.p2):
            T.certificate(p, categories=["行政检查"])
        env.aux = T.person(env.agency, kind=PersonKind.AUXILIARY, unit=env.unit, name="吴协管")
    return env


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def counts():
    return Case.objects.count(), Inspection.objects.count(), LedgerEntry.objects.count()


def test_the_form_refuses_an_auxiliary_inspector_then_opens_the_inspection(ienv):
    env, c = ienv, client_for(ienv.officer)
    form = {"unit": env.unit.pk, "source": "random", "cause": "双随机抽查：食品经营", "party": env.org_party.pk,
            "handlers": [env.p1.pk, env.aux.pk], "planned_on": str(D0)}
    before = counts()
    assert env.aux.name not in c.get("/cases/inspections/new/").content.decode()  # never offered (defect 10)
    r = c.post("/cases/inspections/new/", form)
    assert r.status_code == 400 and 'class="error"' in r.content.decode()  # a forged choice is refused too
    assert counts() == before
    r = c.post("/cases/inspections/new/", {**form, "handlers": [env.p1.pk, env.p2.pk]})
    assert r.status_code == 302
    case = Case.objects.get(pk=int(r["Location"].rstrip("/").split("/")[-1]))
    page = c.get(r["Location"]).content.decode()
    assert "行政检查" in page and case.inspection.code in page and "双随机抽查" in page and "处罚内容" not in page
    assert "实施检查" in page  # the move offered to the inspector
    dossier = c.get(f"/parties/{env.org_party.pk}/").content.decode()
    assert "inspections-of-party" in dossier and "双随机抽查：食品经营" in dossier


def test_the_api_opens_moves_and_reads_an_inspection_with_the_error_shape(ienv):
    env, c = ienv, client_for(ienv.officer)
    body = {"agency": env.agency.code, "unit_id": env.unit.pk, "source": "complaint", "cause": "投诉举报核查",
            "party_id": env.org_party.pk, "handler_ids": [env.p1.pk], "planned_on": str(D0)}
    before = counts()
    r = c.post(API, body, content_type="application/json")
    assert r.status_code == 400 and set(r.json()) >= {"code", "message", "field", "reasons"}
    assert "两名以上" in r.json()["message"] and counts() == before
    r = c.post(API, {**body, "handler_ids": [env.p1.pk, env.p2.pk]}, content_type="application/json")
    assert r.status_code == 201, r.content
    case_id = r.json()["case_id"]
    assert r.json()["status_label"] == "待检查" and r.json()["source"] == "complaint"
    moves = "/api/v1/cases/%d/actions/" % case_id
    assert c.post(moves + "start_inspection", {"on": str(D0)}, content_type="application/json").status_code == 200
    r = c.post(moves + "record_inspection_result", {"on": str(D0), "result": "normal", "items": ["营业执照"],
                                                    "conclusion": "未发现问题"}, content_type="application/json")
    assert r.status_code == 400 and "尚未记录现场检查" in r.json()["message"]
    case = Case.objects.get(pk=case_id)
    numbers = [h.certificate.number for h in case.handlers.all()]
    r = c.post(f"/cases/{case_id}/on-site-acts/",
               {"place": "经营场所", "certificate_numbers": numbers, "told_reason_basis_rights": "on",
                "video_recorded": "on", "date": str(D0)})
    assert r.status_code == 302
    r = c.post(moves + "record_inspection_result", {"on": str(D0), "result": "normal", "items": ["营业执照"],
                                                    "conclusion": "未发现问题"}, content_type="application/json")
    assert r.status_code == 200, r.content
    got = c.get(f"{API}{case_id}").json()
    assert (got["result"], got["items"], got["ended_on"]) == ("normal", ["营业执照"], str(D0))
    assert [i["case_id"] for i in c.get(f"{API}?party_id={env.org_party.pk}").json()] == [case_id]
    outsider = client_for(env.outsider)
    assert outsider.get(f"{API}{case_id}").status_code == 404
    r = outsider.post(API, body, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"]


def test_the_api_draws_by_a_seed_and_reports_that_the_draw_replays(ienv):
    env, c = ienv, client_for(ienv.head)
    body = {"agency": env.agency.code, "unit_id": env.unit.pk, "cause": "双随机抽查", "objects": 1,
            "party_ids": [env.org_party.pk, env.person_party.pk], "person_ids": [env.p1.pk, env.p2.pk, env.aux.pk],
            "planned_on": str(D0), "seed": "公开的种子"}
    before = counts()
    r = c.post(API + "draws", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "people" and counts() == before
    r = c.post(API + "draws", {**body, "person_ids": [env.p1.pk, env.p2.pk]}, content_type="application/json")
    assert r.status_code == 201, r.content
    got = c.get(API + "draws/%d" % r.json()["id"]).json()
    assert got["reproducible"] and got["seed"] == "公开的种子" and len(got["case_ids"]) == 1
    assert got["result"][0]["people"] == sorted([env.p1.pk, env.p2.pk])
    assert client_for(env.outsider).get(API + "draws/%d" % got["id"]).status_code == 404


# ---- 双随机抽查 page and 重复检查预警 on the pages ------------------------------------------------------

DRAWS = "/cases/inspections/draws/"


def test_a_head_runs_a_draw_on_its_page_sees_names_and_how_to_replay_it(ienv):
    from sanxiang.access.actors import OPERATOR
    from sanxiang.cases.models import RandomDraw
    from sanxiang.parties.actions import do_register_party

    env, c = ienv, client_for(ienv.head)
    third = do_register_party(env.agency, kind="org", name="某某超市有限公司", credit_code="911101056000000000",
                              legal_representative="郑某", actor=OPERATOR)
    page = c.get(DRAWS + "new/").content.decode()
    assert "组织双随机抽取" in page and "某某超市有限公司" in page and env.p1.name in page
    assert env.aux.name not in page  # auxiliary staff never enter the inspector list
    form = {"unit": env.unit.pk, "cause": "2026 年食品经营者双随机抽查", "items": "营业执照公示\n进货查验记录",
            "parties": [env.org_party.pk, third.pk], "people": [env.p1.pk, env.p2.pk], "objects": 3,
            "inspectors": 2, "planned_on": str(D0), "seed": "第二季度-公开种子"}
    before = counts()
    r = c.post(DRAWS + "new/", form)
    assert r.status_code == 400 and "抽取对象数须在 1 至 2 之间" in r.content.decode() and counts() == before
    r = c.post(DRAWS + "new/", {**form, "objects": "", "ratio": "50"})
    assert r.status_code == 302, r.content.decode()[:2000]
    draw = RandomDraw.objects.get(seed="第二季度-公开种子")
    assert draw.objects_drawn == 1
    page = c.get(r["Location"]).content.decode()
    assert "结果与记录一致" in page and "第二季度-公开种子" in page and "sha256sum" in page
    ins = draw.inspections.select_related("case").get()
    assert ins.case.number in page and env.p1.name in page and env.p2.name in page
    assert ins.items == ["营业执照公示", "进货查验记录"]
    assert "2026 年食品经营者双随机抽查" in c.get(DRAWS).content.decode()
    assert "双随机抽查" in c.get("/").content.decode()  # the menu and the home panel


def test_an_inspector_cannot_draw_and_an_outsider_cannot_read_a_draw(ienv):
    from sanxiang.cases.kinds.inspection import do_draw_random_inspections

    env = ienv
    officer = client_for(env.officer)
    assert officer.get(DRAWS + "new/").status_code == 403
    before = counts()
    r = officer.post(DRAWS + "new/", {"unit": env.unit.pk, "cause": "抽查", "parties": [env.org_party.pk],
                                      "objects": 1, "inspectors": 2})
    assert r.status_code == 403 and counts() == before
    draw = do_draw_random_inspections(env.agency, unit=env.unit, cause="抽查", parties=[env.org_party], objects=1,
                                      people=[env.p1, env.p2], planned_on=D0, actor=env.head)
    assert officer.get(f"{DRAWS}{draw.pk}/").status_code == 200  # the unit's officers read it
    assert client_for(env.outsider).get(f"{DRAWS}{draw.pk}/").status_code == 404
    assert client_for(env.head).get(f"{DRAWS}abc/").status_code == 404


def test_a_repeated_inspection_is_warned_on_opening_the_case_page_the_dossier_the_api_and_the_home_panel(ienv):
    import datetime as dt

    from sanxiang.cases.kinds import inspection as I

    env, c = ienv, client_for(ienv.officer)
    earlier = I.do_create_inspection(env.agency, unit=env.unit, source="complaint", cause="投诉举报核查",
                                     party=env.org_party, handlers=[env.p1, env.p2], planned_on=D0, actor=env.officer)
    I.do_start_inspection(earlier, on=D0, actor=env.officer)
    form = {"unit": env.unit.pk, "source": "planned", "cause": "年度计划检查", "party": env.org_party.pk,
            "handlers": [env.p1.pk, env.p2.pk], "planned_on": str(D0 + dt.timedelta(days=30))}
    r = c.post("/cases/inspections/new/", form, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "重复检查预警" in page and "inspection-warnings" in page  # message + section
    case_id = r.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    got = c.get(f"{API}{case_id}").json()
    assert got["warnings"] and "重复检查预警" in got["warnings"][0]
    # the dossier and the panel warn once the second inspection has taken place (defect 17)
    assert "inspection-warnings-of-party" not in c.get(f"/parties/{env.org_party.pk}/").content.decode()
    I.do_start_inspection(Case.objects.get(pk=case_id), on=D0 + dt.timedelta(days=30), actor=env.officer)
    assert "inspection-warnings-of-party" in c.get(f"/parties/{env.org_party.pk}/").content.decode()
    home = client_for(env.head).get("/").content.decode()
    assert "repeated-inspections" in home and env.org_party.name in home


def test_the_repeated_inspection_panel_reads_in_a_constant_number_of_queries(ienv):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanxiang.access.actors import OPERATOR
    from sanxiang.cases.kinds import inspection as I
    from sanxiang.parties.actions import do_register_party

    env = ienv

    def twice(party):
        for on in (D0, D0 + dt.timedelta(days=20)):
            case = I.do_create_inspection(env.agency, unit=env.unit, source="planned", cause="计划检查", party=party,
                                          handlers=[env.p1, env.p2], planned_on=on, actor=env.officer)
            I.do_start_inspection(case, on=on, actor=env.officer)

    def measured():
        with CaptureQueriesContext(connection) as queries:
            rows = I.repeated_inspections(env.head)
        return len(rows), len(queries)

    twice(env.org_party)
    one = measured()
    for code in ("911101056000000013", "911101056000000026"):
        twice(do_register_party(env.agency, kind="org", name=f"企业{code[-3:]}", credit_code=code,
                                legal_representative="郑某", actor=OPERATOR))
    three = measured()
    assert one[0] == 1 and three[0] == 3 and three[1] == one[1], (one, three)


def test_a_planned_inspection_that_has_not_happened_is_neither_counted_nor_the_latest(ienv):
    """Defect 17: only an inspection that took place (started) counts for 重复检查/未扫码 warnings and is
    shown as the party's 最近检查; one only planned for a later day is not."""
    import datetime as dt

    from sanxiang.cases.kinds import inspection as I

    env = ienv
    done = I.do_create_inspection(env.agency, unit=env.unit, source="planned", cause="计划检查", party=env.org_party,
                                  handlers=[env.p1, env.p2], planned_on=D0, actor=env.officer)
    I.do_start_inspection(done, on=D0, actor=env.officer, code_scanned="not_scanned")
    planned = I.do_create_inspection(env.agency, unit=env.unit, source="planned", cause="计划检查",
                                     party=env.org_party, handlers=[env.p1, env.p2],
                                     planned_on=D0 + dt.timedelta(days=20), actor=env.officer)
    assert planned.inspection_warnings  # planning a second within the window is warned (the first took place)
    assert I.repeated_inspections(env.head) == []  # one inspection took place: nothing repeated
    third = I.do_create_inspection(env.agency, unit=env.unit, source="planned", cause="计划检查",
                                   party=env.org_party, handlers=[env.p1, env.p2],
                                   planned_on=D0 + dt.timedelta(days=10), actor=env.officer)
    warned = [w for w in third.inspection_warnings if w.startswith("重复检查预警")]
    assert warned and "已有 1 次检查（2026-09-01）" in warned[0]  # the planned one is not counted
    home = client_for(env.head).get("/").content.decode()
    assert "2026-09-21" not in home
