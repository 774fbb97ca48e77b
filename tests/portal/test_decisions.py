"""行政执法决定公开 on the portal (issue 10 §3, §7, §9; decision 0070): what the feed may carry (finding 3 of
the issue-10 test: withdrawn, expired and superseded text never), the public number, the list and
decision pages, the index following publish / correct / withdraw / expire, the search page and API —
two-character queries (罚款, 张某) on both databases — and the refusals in Chinese."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory

from sanxiang.access.actors import JOBS, OPERATOR
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.portal import decisions as D
from sanxiang.portal.models import DecisionNumber
from sanxiang.publicity import actions as P
from sanxiang.publicity.queries import published_decision, published_decisions
from sanxiang.publicity.testing import opened, staff
from sanxiang.search import engine
from sanxiang.search.models import SearchEntry

pytestmark = pytest.mark.django_db
API = "/api/v1/public/decisions/search"


@pytest.fixture
def cal():
    seed_calendar(actor=OPERATOR, years=[2026, 2027])


@pytest.fixture
def zz(cal):
    agency = T.agency(code="gk-zz", profile_key="zhuzhou-amr")
    return (agency, *staff(agency))


def walk(pub, editor, head, on="2026-03-10", **prep):
    P.do_prepare_publication(pub, actor=editor, **prep)
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on=on)
    return P.do_publish_publication(pub, actor=head, on=on)


def published(agency, editor, head, on="2026-03-10", decided="2026-03-05", **kw):
    ob = opened(agency, on=decided, **kw)
    walk(ob.publication, editor, head, on=on)
    ob.publication.refresh_from_db()
    return ob.publication


def found(q, **kw):
    return [e.ref for e in engine.search(q, **kw).entries]


# ---- the feed's contract (finding 3) -------------------------------------------------------------

def test_withdrawn_and_expired_carry_the_notice_only(zz):
    """ported from tester10 test_t10_a::test_withdrawn_and_expired_keep_text_in_portal_feed"""
    agency, editor, head, leader = zz
    pub = published(agency, editor, head)
    live = published_decisions(agency)[0]
    assert live["text"] and live["fields"] and live["summary"] and live["notice"] is None
    P.do_withdraw_publication(pub, reason="复议决定撤销", ground="revoked", actor=head, on="2026-04-01")
    shown = published_decisions(agency)[0]
    assert shown["withdrawn"] and shown["status"] == "withdrawn"
    assert not shown["text"] and shown["fields"] == {} and shown["summary"] == {}
    assert shown["notice"] == {"kind": "withdrawn", "label": "已撤下", "reason": "复议决定撤销", "on": "2026-04-01"}
    assert "张某" not in repr(shown) and "罚款" not in repr(shown)  # nothing of the decision but the notice

    other = published(agency, editor, head)
    P.do_expire_publication(other, actor=JOBS, on=other.expires_on)
    expired = published_decision(agency, DecisionNumber.objects.get(publication=other).number)
    assert expired["expired"] and expired["notice"]["kind"] == "expired"
    assert not expired["text"] and expired["fields"] == {} and expired["summary"] == {}


def test_correction_history_lists_versions_without_their_text(zz):
    """ported from tester10 test_t10_a::test_correction_history_keeps_leaked_text"""
    agency, editor, head, leader = zz
    ob = opened(agency, on="2026-03-05")
    pub = ob.publication
    walk(pub, editor, head)
    # a correction (the facts completed) publishes a witness's name the detectors cannot know ...
    orig = pub.current().original + "\n附：证人路人乙钱多多作证。"
    P.do_correct_publication(pub, reason="补充证人证言", text=orig, actor=editor)
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on="2026-03-11")
    P.do_publish_publication(pub, actor=head, on="2026-03-11")
    assert "钱多多" in published_decisions(agency)[0]["text"]
    # ... and the next correction masks it
    start = pub.current().text.index("钱多多")
    P.do_correct_publication(pub, reason="误将证人姓名公开", actor=editor)
    P.do_prepare_publication(pub, edits=[{"op": "add", "start": start, "end": start + 3, "kind": "person",
                                          "reason": "证人"}], actor=editor)
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on="2026-03-12")
    P.do_publish_publication(pub, actor=head, on="2026-03-12")
    shown = published_decisions(agency)[0]
    assert "钱多多" not in shown["text"]
    assert "钱多多" not in repr(shown), "the corrected leak stays public"
    assert shown["history"] == [
        {"number": 1, "published_on": "2026-03-10", "correction_reason": ""},
        {"number": 2, "published_on": "2026-03-11", "correction_reason": "补充证人证言"},
        {"number": 3, "published_on": "2026-03-12", "correction_reason": "误将证人姓名公开"}]
    assert not found("钱多多") and found("证人")  # the index holds the corrected words only


def test_drafts_never_appear_and_the_feed_has_no_database_id(zz):
    agency, editor, head, leader = zz
    opened(agency, on="2026-03-05")  # a draft
    pub = published(agency, editor, head)
    rows = published_decisions(agency)
    assert len(rows) == 1 and "id" not in rows[0]
    number = DecisionNumber.objects.get(publication=pub).number
    assert rows[0]["number"] == number == 1
    assert published_decision(agency, number)["case"] == pub.obligation.case.number
    assert published_decision("gk-other", number) is None and published_decision(agency, 99) is None


def test_public_numbers_run_per_agency_in_order_of_publication(zz):
    agency, editor, head, leader = zz
    other = T.agency(code="gk-zz2", profile_key="zhuzhou-amr")
    e2, h2, _ = staff(other)
    a1, b1, a2 = published(agency, editor, head), published(other, e2, h2), published(agency, editor, head)
    assert [DecisionNumber.objects.get(publication=p).number for p in (a1, b1, a2)] == [1, 1, 2]


# ---- the index follows the publication ------------------------------------------------------------

def test_publish_indexes_correct_reindexes_withdraw_leaves_the_notice(zz):
    agency, editor, head, leader = zz
    pub = published(agency, editor, head)
    assert found("罚款", agency_id=agency.pk) == ["jueding:gk-zz:1"]
    assert found("张某", agency_id=agency.pk, kind="penalty") == ["jueding:gk-zz:1"]
    assert not found("张三丰")  # the index holds the published (redacted) text only
    assert not found("张某", kind="licence")
    P.do_correct_publication(pub, reason="罚款金额写错", actor=editor,
                             text=pub.current().original.replace("1,000.00", "2,000.00"))
    assert found("1,000.00") and not found("2,000.00")  # the shown version stays indexed until the correction is out
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on="2026-03-11")
    P.do_publish_publication(pub, actor=head, on="2026-03-11")
    assert found("2,000.00") and not found("1,000.00")
    P.do_withdraw_publication(pub, reason="行政复议决定撤销", ground="revoked", actor=head)
    # the text is out of the index; the notice is found by its title and words, never silently gone (0078)
    assert not found("罚款") and not found("2,000.00") and SearchEntry.objects.count() == 1
    assert found("复议", agency_id=agency.pk) == ["jueding:gk-zz:1"]
    hits, _ = D.search("复议", agency=agency, f=D.filters_of(RequestFactory().get("/"))[0])
    assert hits[0]["withdrawn"] and hits[0]["excerpt"].startswith("该行政执法决定") and "撤下" in hits[0]["excerpt"]
    assert "行政复议决定撤销" in hits[0]["excerpt"]


def test_expiry_removes_from_the_index(zz):
    agency, editor, head, leader = zz
    pub = published(agency, editor, head)
    P.do_expire_publication(pub, actor=JOBS, on=pub.expires_on)
    assert not found("罚款")


def test_a_withdrawn_decision_is_found_by_its_number_with_its_notice_an_expired_one_is_not(zz):
    """defects10 (s22) #8: a search that would have found a withdrawn decision answered 没有找到; it now shows
    the notice (by its title or case number — never by the words no longer public). A decision whose display
    period ended leaves the search: an entry naming the party would keep showing what the law stops showing
    (the lead's ruling, s22); its page still answers with the notice."""
    agency, editor, head, leader = zz
    gone, old = published(agency, editor, head), published(agency, editor, head)
    P.do_withdraw_publication(gone, reason="行政复议决定撤销原处罚决定", ground="revoked", actor=head, on="2026-04-01")
    P.do_expire_publication(old, actor=JOBS, on=old.expires_on)
    c = Client()
    title = SearchEntry.objects.get().title
    (hit,) = c.get(API, {"q": title.split()[-1]}).json()["results"]
    assert hit["withdrawn"] and hit["url"].endswith(f"/jueding/{gone.public_number.number}/")
    assert "行政复议决定撤销原处罚决定" in hit["excerpt"]
    html = c.get("/gk/search/", {"q": title.split()[-1]}).content.decode()
    assert "已撤下" in html and "没有找到" not in html
    assert c.get(API, {"q": "张某"}).json()["results"] == []  # the withdrawn words are not searchable
    assert not SearchEntry.objects.filter(ref__endswith=f":{old.public_number.number}").exists()
    assert c.get(f"/gk/{agency.code}/jueding/{old.public_number.number}/").status_code in (200, 410)


def test_reindex_rebuilds_the_entries_and_numbers_older_publications(zz, capsys):
    agency, editor, head, leader = zz
    live, gone = published(agency, editor, head), published(agency, editor, head)
    P.do_withdraw_publication(gone, reason="撤销", ground="revoked", actor=head)
    SearchEntry.objects.all().delete()  # an index lost (or built before the portal numbered decisions)
    DecisionNumber.objects.filter(publication=live).delete()
    engine.index(agency=agency, kind="penalty", published_on=dt.date(2026, 3, 1), ref="jueding:gk-zz:77",
                 title="stale", summary="罚款")
    call_command("search", "reindex")
    out = capsys.readouterr().out
    assert "1 件已编入" in out and "已撤下的 1 件只留撤下公告" in out  # defects10 s23 #14: the notice counted
    refs = found("罚款")
    assert refs == [f"jueding:gk-zz:{DecisionNumber.objects.get(publication=live).number}"]
    assert DecisionNumber.objects.get(publication=live).number == 3  # never reuses a number


# ---- pages -------------------------------------------------------------------------------------------

def visible(html):
    return re.sub(r"<[^>]+>", " ", html)


def test_the_list_and_the_decision_page(zz):
    agency, editor, head, leader = zz
    opened(agency, on="2026-03-05")  # a draft first: the publication's id is not its public number
    pub = published(agency, editor, head)
    assert pub.pk != 1 or DecisionNumber.objects.get(publication=pub).number == 1
    c = Client()
    r = c.get(f"/gk/{agency.code}/jueding/")
    html = r.content.decode()
    assert r.status_code == 200 and not r.cookies and "<script" not in html
    assert f'href="/gk/{agency.code}/jueding/1/"' in html and pub.obligation.case.number in html
    r = c.get(f"/gk/{agency.code}/jueding/1/")
    html = r.content.decode()
    assert r.status_code == 200 and 'property="og:title"' in html and "<script" not in html
    text = visible(html)
    assert text.index("行政处罚信息摘要") < text.index("决定内容")  # the SAMR summary in front of the text
    assert "决定书文号" in text and "张某" in text and "张三丰" not in text and "13800138000" not in text
    assert "版本记录" in text and "第 1 版" in text
    for path in (f"/gk/{agency.code}/jueding/", f"/gk/{agency.code}/jueding/1/", "/gk/search/?q=罚款"):
        page = c.get(path).content.decode()
        for href in re.findall(r'(?:href|action)="([^"]*)"', page):  # no number but the public one, a page
            rest = re.sub(r"/jueding/\d+/", "/jueding/N/", href)
            assert not [seg for seg in re.split(r"[/?&=]", rest) if seg.isdigit()], (path, href)
            assert href.startswith(("/gk/", "/static/", "?", settings.PUBLIC_URL + "/gk/")), (path, href)


def test_the_decision_page_links_the_partys_correction_and_early_stop_page(zz):
    """tester10b #1: a party reading its decision on the portal reaches 申请更正 / 申请提前停止公示 from it."""
    agency, editor, head, leader = zz
    published(agency, editor, head)
    html = Client().get(f"/gk/{agency.code}/jueding/1/").content.decode()
    assert f'href="/gk/{agency.code}/jiuzheng/"' in html
    assert "申请更正、申请提前停止公示或查询办理结果" in visible(html)


def test_the_withdrawn_decision_page_shows_the_notice_not_the_text(zz):
    agency, editor, head, leader = zz
    pub = published(agency, editor, head)
    P.do_withdraw_publication(pub, reason="该行政处罚决定已被行政复议机关撤销", ground="revoked", actor=head, on="2026-04-02")
    text = visible(Client().get(f"/gk/{agency.code}/jueding/1/").content.decode())
    assert "已撤下" in text and "该行政处罚决定已被行政复议机关撤销" in text and "2026-04-02" in text
    assert "决定内容" not in text and "决定书文号" not in text and "张某" not in text
    assert "已撤下" in visible(Client().get(f"/gk/{agency.code}/jueding/").content.decode())


def test_a_rendered_decision_page_reads_the_ledger_size_only_and_follows_the_next_entry(zz, django_assert_num_queries):
    """Decision 0078: with a cookie the public page cache never answers and the page is rendered every time —
    from the agency, the decision and the decision's part of the page kept until the next ledger entry, so a
    repeat costs one query (the ledger's size); the next action shows at once, the day after too."""
    agency, editor, head, leader = zz
    pub = published(agency, editor, head)
    url = f"/gk/{agency.code}/jueding/1/"
    c = Client()
    c.cookies["visitor"] = "1"
    first = c.get(url).content.decode()
    assert "决定内容" in visible(first)
    with django_assert_num_queries(1):
        again = c.get(url)
    assert again.status_code == 200 and again.content.decode() == first
    P.do_withdraw_publication(pub, reason="该行政处罚决定已被行政复议机关撤销", ground="revoked", actor=head, on="2026-04-02")
    text = visible(c.get(url).content.decode())
    assert "已撤下" in text and "该行政处罚决定已被行政复议机关撤销" in text and "决定内容" not in text


def test_list_filters_and_pages(zz):
    agency, editor, head, leader = zz
    for _ in range(3):
        published(agency, editor, head)
    base = f"/gk/{agency.code}/jueding/"
    c = Client()
    assert c.get(base + "?kind=penalty").content.decode().count("/jueding/") >= 3
    assert "暂无" in c.get(base + "?kind=licence").content.decode()
    assert "暂无" in c.get(base + "?from=2026-03-11").content.decode()
    assert "jueding/3/" in c.get(base + "?from=2026-03-10&to=2026-03-10").content.decode()
    html = c.get(base + "?from=2026-13-01&kind=nosuch").content.decode()
    assert "起始日期应为日期" in html and "没有这一执法类别" in html
    from sanxiang.portal import decisions as D

    D.PAGE, old = 2, D.PAGE
    try:
        first = c.get(base).content.decode()
        assert "下一页" in first and "jueding/3/" in first and "jueding/1/" not in first
        second = c.get(base + "?page=2").content.decode()
        assert "jueding/1/" in second and "上一页" in second and "下一页" not in second
    finally:
        D.PAGE = old


def test_unknown_numbers_and_other_agencies_are_not_found(zz):
    agency, editor, head, leader = zz
    published(agency, editor, head)
    other = T.agency(code="gk-zz3", profile_key="zhuzhou-amr")
    c = Client()
    assert c.get(f"/gk/{agency.code}/jueding/2/").status_code == 404
    assert c.get(f"/gk/{other.code}/jueding/1/").status_code == 404
    draft = opened(agency, on="2026-03-05")
    assert draft.publication.public_version is None
    assert c.get(f"/gk/{agency.code}/jueding/2/").status_code == 404


# ---- search page and API -------------------------------------------------------------------------

def test_the_search_page_finds_two_character_words_and_keeps_a_refused_query(zz):
    agency, editor, head, leader = zz
    published(agency, editor, head)
    c = Client()
    for q in ("罚款", "张某"):
        for path in (f"/gk/search/?q={q}", f"/gk/{agency.code}/search/?q={q}", f"/gk/search/?q={q}&agency=gk-zz"):
            html = c.get(path).content.decode()
            assert f'href="/gk/{agency.code}/jueding/1/"' in html, (path, q)
    assert "没有找到" in c.get("/gk/search/?q=张某&kind=licence").content.decode()
    for q, message in (("", "请输入要查找的文字"), ("罚" * 51, "检索词过长"), ('"*^:() -+', "没有可查找的文字"),
                       ("罚", "请至少输入两个字")):
        r = c.get("/gk/search/", {"q": q})
        html = r.content.decode()
        assert r.status_code == 400 and message in html, q
        assert f'value="{q}"' in html.replace("&quot;", '"'), q  # the query kept in the box
    assert "未找到该机关" in c.get("/gk/search/?q=罚款&agency=nosuch").content.decode()
    assert c.get("/gk/search/").status_code == 200  # the empty form, nothing asked


def test_the_api_answers_results_and_the_error_shape(zz):
    agency, editor, head, leader = zz
    published(agency, editor, head)
    c = Client()
    body = c.get(API, {"q": "罚款", "agency": agency.code, "kind": "penalty", "from": "2026-03-01"}).json()
    assert body["more"] is False and body["page"] == 1
    (hit,) = body["results"]
    assert hit["agency"] == agency.code and hit["number"] == 1 and hit["url"].endswith(f"/gk/{agency.code}/jueding/1/")
    assert hit["kind"] == "行政处罚" and "id" not in hit
    assert c.get(API, {"q": "张某", "to": "2026-03-09"}).json()["results"] == []
    for q, message in (("", "请输入要查找的文字"), ("罚" * 51, "检索词过长"), ("+-*()", "没有可查找的文字")):
        r = c.get(API, {"q": q})
        assert r.status_code == 400 and r.json()["code"] == "bad_query" and message in r.json()["message"], q
        assert r.json()["field"] == "q"
    assert c.get(API, {"q": "罚款", "agency": "nosuch"}).status_code == 404
    assert c.get(API, {"q": "罚款", "kind": "nosuch"}).json()["code"] == "bad_kind"
    assert c.get(API, {"q": "罚款", "from": "x"}).status_code == 422


def test_a_decision_taken_down_shows_the_notice_and_leaves_the_index(cal):
    """乌鲁木齐: may take down after a year (公示满期撤下 by a head, with its reason): the notice, no text."""
    agency = T.agency(code="gk-wlmq", profile_key="urumqi-gxq-amr")
    editor, head, leader = staff(agency)
    pub = published(agency, editor, head, fine="300000", decided="2025-03-05", on="2025-03-10")
    assert found("罚款", agency_id=agency.pk)
    P.do_take_down_publication(pub, reason="公示满一年，依规定撤下", actor=head, on="2026-03-11")
    row = published_decision(agency, 1)
    # a head's take-down, not the display period's end (decision 0094)
    assert row["taken_down"] and not row["expired"] and not row["text"] and row["fields"] == {} and row["summary"] == {}
    label = "已公示满1年，经发布部门负责人决定从公示载体上撤下"
    assert row["notice"] == {"kind": "taken_down", "label": label, "reason": "公示满一年，依规定撤下", "on": "2026-03-11"}
    assert not found("罚款", agency_id=agency.pk)
    text = visible(Client().get(f"/gk/{agency.code}/jueding/1/").content.decode())
    assert label in text and "公示满一年，依规定撤下" in text and "决定内容" not in text and "公示期满" not in text


def test_operator_words_are_refused_on_the_page_and_in_the_api(zz):
    """defects10 (s22) #9: `OR` alone answered 「没有找到“OR”」, `罚款 OR 警告` nothing although 罚款 alone finds it."""
    c = Client()
    for q, message in (("OR", "没有可查找的文字"), ("ＯＲ", "没有可查找的文字"), ("NEAR(", "没有可查找的文字"),
                       ("罚款 OR 警告", "多个词用空格分开，须同时出现")):
        r = c.get(API, {"q": q})
        assert r.status_code == 400 and r.json()["code"] == "bad_query" and message in r.json()["message"], q
        page = c.get("/gk/search/", {"q": q})
        assert page.status_code == 400 and message in page.content.decode(), q


def test_labour_inspection_is_named_as_the_decisions_name_it(zz):
    """defects10 (s22) #11: the kind filter offered 「行政监察」 (an abolished, different institution)."""
    from sanxiang.portal.decisions import KIND_NAMES

    assert KIND_NAMES["labour_inspection"] == "劳动保障监察" and KIND_NAMES["penalty"] == "行政处罚"
    html = Client().get("/gk/search/").content.decode()
    assert '<option value="labour_inspection"' in html and "劳动保障监察" in html and "行政监察" not in html
