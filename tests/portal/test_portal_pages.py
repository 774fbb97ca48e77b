"""The public portal /gk/: every page without login and without a session (no cookie set; the same
answer for a logged-in visitor), share meta, what it shows and — the leak test — no internal id or key anywhere."""

import re

import pytest
from django.test import Client

from sanxiang.disclosure.actions import do_save_disclosure_item
from sanxiang.disclosure.models import Section
from sanxiang.disclosure.testing import MATTER
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import PersonKind
from sanxiang.workflow.tables import get_table

pytestmark = pytest.mark.django_db

PUBLIC_LINK = re.compile(r'^(/gk/|/public/certificate/|/static/|https?://)')


def pages(c):
    code, ins = c.a.code, c.ins.code
    base = f"/gk/{code}/"
    return ["/gk/", base, base + "jigou/", base + "renyuan/", base + "renyuan/?q=王", base + "shixiang/",
            base + "zhinan/", base + "zhinan/XK-001/", base + "choucha/", base + "gongshipai/", base + "gongshika/",
            base + "liucheng/", base + "liucheng/chufa/", base + "liucheng/jiancha/", base + "liucheng/fazhishenhe/",
            base + "yinxiang/", base + "shenhe/", base + "jiancha/", base + f"jiancha/{ins}/",
            base + "shixiang/lishi/", base + "shixiang/lishi/1/", base + "jihua/", base + "jizhun/", base + "nianbao/",
            base + "jizhun/lishi/", base + "shenhe/lishi/"]


def visible(html: str) -> str:
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_page_is_public_sessionless_and_shareable(pcast):
    for path in pages(pcast):
        r = Client().get(path)
        assert r.status_code == 200, path
        assert not r.cookies, path  # no session, no CSRF cookie
        html = r.content.decode()
        assert '<meta name="description" content="' in html and 'property="og:title"' in html, path
        assert "<script" not in html, path  # works without JavaScript


def test_a_logged_in_visitor_sees_the_same_public_page(pcast):
    c = Client()
    c.force_login(pcast.officer)
    path = f"/gk/{pcast.a.code}/renyuan/"
    assert c.get(path).content == Client().get(path).content


def test_no_internal_id_or_key_appears(pcast):
    """Links go to public addresses only; no database id, account, internal state or table key, no
    party identifier beyond its name."""
    from sanxiang.cases.models import CaseStatus

    keys = {t for t in ("penalty_general", "penalty_simplified", "inspection_general", "review_round",
                        "random_items", "publicity_editor", "agency_leader")}
    keys |= {s.value for s in CaseStatus if len(s.value) > 5}  # "planned", "inspecting", …
    secrets = {pcast.officer.username, pcast.party.credit_code, "13800138000", "孙某", "system:"}
    internal = re.compile(r'/(cases|people|parties|agencies|units|certificates|disclosure|review|records|api)/\d*')
    for path in pages(pcast):
        html = Client().get(path).content.decode()
        for href in re.findall(r'(?:href|action|src)="([^"]*)"', html):
            assert PUBLIC_LINK.match(href), (path, href)
            assert not internal.search(href.replace("/public/certificate/", "")), (path, href)
        text = visible(html)
        for word in keys | secrets:
            assert not re.search(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", text), (path, word)
        for href in re.findall(r'(?:href|action)="([^"]*)"', html):  # no numeric id in any address
            numbers = [seg for seg in re.split(r"[/?&=]", href.split("/lishi/")[0]) if seg.isdigit()]
            assert not numbers, (path, href)


def test_the_officer_list_is_searchable_and_lists_only_usable_enforcement_certificates(pcast):
    base = f"/gk/{pcast.a.code}/renyuan/"
    text = visible(Client().get(base).content.decode())
    assert "王执法" in text and "GK0000001" in text and "李执法" in text and "测试区" in text
    assert "周过期" not in text and "吴协管" not in text  # expired, auxiliary
    found = visible(Client().get(base + "?q=GK0000002").content.decode())
    assert "李执法" in found and "王执法" not in found
    assert "过长" in Client().get(base + "?q=" + "王" * 41).content.decode()


def test_heads_and_reviewers_with_a_certificate_are_listed_and_carded(pcast):
    """A 科室负责人 or 法制审核人员 who holds a valid 行政执法证 may lead an inspection and show it: the public
    list and the 公示卡 carry it like an officer's (tester10b #7)."""
    head = T.person(pcast.a, unit=pcast.unit, name="赵科长", kind=PersonKind.HEAD)
    T.certificate(head, "GK0000005", categories=["行政处罚"], area="测试区")
    reviewer = T.person(pcast.a, name="钱审核", kind=PersonKind.REVIEWER)
    T.certificate(reviewer, "GK0000006", categories=["行政检查"], area="测试区")
    text = visible(Client().get(f"/gk/{pcast.a.code}/renyuan/?q=GK000000").content.decode())
    assert "赵科长" in text and "GK0000005" in text and "钱审核" in text and "GK0000006" in text
    assert "吴协管" not in text and "周过期" not in text
    cards = Client().get(f"/gk/{pcast.a.code}/gongshika/").content.decode()
    assert cards.count('class="pcard"') == 4 and "/public/certificate/GK0000006/" in cards and "赵科长" in cards


def test_the_inspection_code_page_shows_who_why_and_the_basis(pcast):
    r = Client().get(f"/gk/{pcast.a.code}/jiancha/{pcast.ins.code}/")
    text = visible(r.content.decode())
    for shown in ("王执法", "GK0000001", "李执法", "GK0000002", "食品经营日常监督检查", "计划检查", "进货查验",
                  MATTER["name"], MATTER["basis"], pcast.case.number, "待检查"):
        assert shown in text, shown
    assert "<svg" in r.content.decode()  # the QR, made on the server
    assert Client().get(f"/gk/{pcast.a.code}/jiancha/{pcast.ins.code.lower()}/").status_code == 200


def test_an_inspection_code_of_another_agency_or_unknown_is_not_found(pcast):
    assert Client().get(f"/gk/{pcast.b.code}/jiancha/{pcast.ins.code}/").status_code == 404
    r = Client().get(f"/gk/{pcast.a.code}/jiancha/?code=NOSUCHCODE")
    assert r.status_code == 404 and "未查到" in r.content.decode()
    r = Client().get(f"/gk/{pcast.a.code}/jiancha/?code={pcast.ins.code}")
    assert r.status_code == 302 and r["Location"].endswith(f"/jiancha/{pcast.ins.code}/")
    # tester10b #17: typed in groups as read off a phone or a printed sheet, with spaces or dashes
    code = pcast.ins.code
    for typed in (" ".join(code[i:i + 4] for i in range(0, len(code), 4)),
                  "-".join(code[i:i + 4] for i in range(0, len(code), 4)).lower()):
        r = Client().get(f"/gk/{pcast.a.code}/jiancha/", {"code": typed})
        assert r.status_code == 302 and r["Location"].endswith(f"/jiancha/{code}/"), typed


def test_the_portal_shows_the_current_version_and_the_history_with_reasons(pcast):
    do_save_disclosure_item(pcast.a, Section.MATTERS, {**MATTER, "code": "CF-001", "name": "某处罚事项",
                                                      "category": "行政处罚"},
                            reason="新法施行，增加处罚事项", cause="law", actor=pcast.officer_editor)
    base = f"/gk/{pcast.a.code}/shixiang/"
    assert "某处罚事项" in Client().get(base).content.decode()
    history = visible(Client().get(base + "lishi/").content.decode())
    assert "第 2 版" in history and "新法施行，增加处罚事项" in history and "法律、法规、规章变化" in history
    old = Client().get(base + "lishi/1/").content.decode()
    assert "历史版本" in old and "某处罚事项" not in old
    assert Client().get(base + "lishi/9/").status_code == 404


def test_the_review_catalogue_and_the_av_list_show_their_versions_and_reasons(pcast):
    """tester10b #8: the 法制审核目录清单 has an 调整记录 (each version: date in force, reason, what changed);
    the 音像记录事项清单 says which rule it comes from, since when, with its citation."""
    from django.utils import timezone

    from sanxiang.access.actors import OPERATOR
    from sanxiang.orgs.models import Role
    from sanxiang.review import actions as R

    first = R.do_seed_catalogue(pcast.a, actor=OPERATOR)
    own = [{"key": "large_fine", "label": "大额罚款", "citation": "本局目录第三项",
            "condition": {"kinds": ["penalty"], "fine_at_least": {"person": 10000, "org": 100000}}}]
    R.do_adopt_catalogue_version(pcast.a, own, effective_from=timezone.localdate(), reason="局务会议修订目录",
                                 actor=T.member(pcast.a, Role.REVIEWER))
    base = f"/gk/{pcast.a.code}/shenhe/"
    assert f'href="{base}lishi/"' in Client().get(base).content.decode()
    text = re.sub(r"\s+", " ", visible(Client().get(base + "lishi/").content.decode()))
    assert f"第 {first.version + 1} 版 现行" in text and f"第 {first.version} 版" in text
    assert "局务会议修订目录" in text and first.reason in text and "增加：大额罚款" in text
    av = visible(Client().get(f"/gk/{pcast.a.code}/yinxiang/").content.decode())
    assert "依据和调整记录" in av and "应全程音像记录的执法活动" in av and "现行" in av


def test_flowcharts_are_generated_from_the_transition_tables(pcast):
    text = visible(Client().get(f"/gk/{pcast.a.code}/liucheng/jiancha/").content.decode())
    table = get_table("inspection_general")
    for label in table.states.values():
        assert label in text
    for t in table.transitions:
        assert t.label in text
    assert Client().get(f"/gk/{pcast.a.code}/liucheng/laodong/").status_code == 404  # not this agency's
    assert Client().get(f"/gk/{pcast.a.code}/liucheng/penalty_general/").status_code == 404  # no table keys


def test_boards_and_cards_print_with_the_certificate_qr(pcast):
    cards = Client().get(f"/gk/{pcast.a.code}/gongshika/").content.decode()
    assert cards.count('class="pcard"') == 2 and "/public/certificate/GK0000001/" in cards
    boards = visible(Client().get(f"/gk/{pcast.a.code}/gongshipai/").content.decode())
    for word in ("综合受理窗口", "王执法", "在岗", "办理进度查询", "咨询服务", "投诉举报"):
        assert word in boards


def test_the_home_page_links_the_decisions_and_their_search(pcast):
    html = Client().get(f"/gk/{pcast.a.code}/").content.decode()
    assert "事前公开" in html and "事中公示" in html and "事后公开" in html
    assert f'href="/gk/{pcast.a.code}/jueding/"' in html and f'href="/gk/{pcast.a.code}/search/"' in html
    # tester10b #1: the party's correction / early-stop page is linked from the agency home (事后公开)
    after = html[html.index("事后公开"):]
    assert f'href="/gk/{pcast.a.code}/jiuzheng/"' in after and "当事人申请更正、提前停止公示" in after


def test_unknown_agencies_and_sections_are_not_found(pcast):
    for path in ("/gk/no-such-agency/", f"/gk/{pcast.a.code}/nosuch/", f"/gk/{pcast.a.code}/zhinan/NO-1/"):
        assert Client().get(path).status_code == 404, path


def test_the_case_page_links_the_inspection_to_its_public_code_page(pcast):
    c = Client()
    c.force_login(pcast.officer)
    page = c.get(f"/cases/{pcast.case.pk}/").content.decode()
    assert f'href="/gk/{pcast.a.code}/jiancha/{pcast.ins.code}/"' in page
