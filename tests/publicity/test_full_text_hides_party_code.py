"""Issue 10's fourth exploratory test (defects10 of session 24, decision 0093): the 决定书's full text must not
publish the party's 公示查询码, and the editor masks words found only in the full text — each a user-visible
behaviour that failed before its fix."""

import pytest
from publication_cast import DECISION_PARAGRAPHS, issued_decision, walk

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db

CODE = "HVFU-GY9T"
CODE_SENTENCE = (f"本决定将依法向社会公示。当事人可以凭案号和公示查询码 {CODE} 在 http://127.0.0.1:8000/gk/x/jiuzheng/ "
                 "查询公示情况、申请更正。")
WITNESS = "二、证据及采信理由：劳动合同、工资支付记录、证人李强证言。"


@pytest.fixture
def cal():
    seed_calendar(actor=OPERATOR, years=[2026, 2027])




def hrss_with_decision(paragraphs):
    agency = T.agency(profile_key="urumqi-gxq-hrss")  # the full text is required: loaded without the editor
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    doc = issued_decision(pub.obligation.case, [*DECISION_PARAGRAPHS, *paragraphs])
    doc.fields = {**(doc.fields or {}), "context": {"query_code": CODE, "query_url": "http://127.0.0.1:8000/gk/x/jiuzheng/"}}
    doc.save(update_fields=["fields"])
    return agency, editor, head, pub


# ---- #1 CRITICAL: the 公示查询码 printed on the 决定书 is not published with its full text ------------------------

def test_the_full_text_leaves_out_the_party_code_sentence_everywhere_it_is_published(cal, client):
    agency, editor, head, pub = hrss_with_decision([CODE_SENTENCE])
    row = P.do_prepare_publication(pub, actor=editor)
    assert "第二十六条" in row.full_text and "本决定将依法向社会公示。" in row.full_text
    assert CODE not in row.full_text and "查询码" not in row.full_text
    walk(pub, editor, head)
    for url in (f"/gk/{agency.code}/jueding/1/", f"/gk/{agency.code}/data/decisions.json",
                f"/gk/{agency.code}/jueding/1/proof.json"):
        body = client.get(url).content.decode()
        assert CODE not in body and "HVFUGY9T" not in body, url


def test_a_live_code_typed_into_anything_public_is_refused_and_an_old_version_is_not_published(cal):
    agency, editor, head, pub = hrss_with_decision([])
    P.do_prepare_publication(pub, actor=editor)
    walk(pub, editor, head)
    pub.refresh_from_db()
    with pytest.raises(RuleViolation, match="公示查询码"):  # in any written form
        P.do_correct_publication(pub, reason="补充", text="当事人凭查询码 hvfu gy9t 查询。", actor=editor)
    # a version saved before the fix (its full text still holding the code) is approved but not published
    pub.refresh_from_db()
    P.do_correct_publication(pub, reason="补充", actor=editor)
    pub.refresh_from_db()
    P.do_submit_publication(pub, actor=editor)
    pub.refresh_from_db()
    P.do_approve_publication(pub, actor=head)
    pub.refresh_from_db()
    row = pub.current()
    type(row).objects.filter(pk=row.pk).update(full_text=row.full_text + CODE_SENTENCE)
    with pytest.raises(RuleViolation, match="公示查询码"):
        P.do_publish_publication(pub, actor=head)
    pub.refresh_from_db()
    assert pub.public_version == 1  # the first version stays shown


# ---- #6 HIGH: words found only in the 决定书's full text can be masked by the editor ------------------------------

def test_the_editor_masks_a_witness_named_only_in_the_full_text(cal, client):
    agency, editor, head, pub = hrss_with_decision([WITNESS])
    assert "李强" in P.do_prepare_publication(pub, actor=editor).full_text  # not a name the case knows
    assert "李强" not in pub.current().original
    row = P.do_prepare_publication(pub, edits=[{"op": "add", "text": "李强", "kind": "other", "reason": "证人姓名"}],
                                   actor=editor)
    assert "李强" not in row.full_text and "证人" in row.full_text
    # kept by a later save (the page re-sends the version's edits) and by a correction
    P.do_prepare_publication(pub, edits=row.edits, actor=editor)
    assert "李强" not in pub.current().full_text
    walk(pub, editor, head)
    pub.refresh_from_db()
    P.do_correct_publication(pub, reason="复核", actor=editor)
    assert "李强" not in pub.current().full_text
    body = client.get(f"/gk/{agency.code}/jueding/1/").content.decode()
    assert "李强" not in body
    with pytest.raises(RuleViolation, match="原文和其他公开内容.*王五"):
        P.do_prepare_publication(pub, edits=[{"op": "add", "text": "王五", "kind": "other", "reason": "x"}],
                                 actor=editor)


def test_the_staff_page_adds_a_span_on_words_of_the_full_text(cal, client):
    agency, editor, head, pub = hrss_with_decision([WITNESS])
    P.do_prepare_publication(pub, actor=editor)
    client.force_login(editor)
    client.post(f"/publicity/publications/{pub.pk}/add-span/", {"fragment": "李强", "kind": "other", "reason": "证人姓名"})
    pub.refresh_from_db()
    assert "李强" not in pub.current().full_text


# ---- #3 LOW: the search title names the 案号 where the decision has no 文号 yet ----------------------------------

def test_the_search_title_names_the_case_number_not_the_placeholder(cal):
    from sanxiang.search.models import SearchEntry

    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    assert pub.current().summary["决定书文号"] == "（未编号）"
    walk(pub, editor, head)
    title = SearchEntry.objects.get(agency=agency).title
    assert "未编号" not in title and title.startswith(f"{agency.name}行政处罚决定")


# ---- #2 LOW: the full text asked for but not loaded (no issued 决定书) is told, not silent ------------------------

def test_the_editor_and_approver_are_told_when_the_wanted_full_text_is_absent(cal, client):
    agency = T.agency(profile_key="urumqi-gxq-amr")  # encouraged
    editor, _, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    row = P.do_prepare_publication(pub, full_text=True, actor=editor)
    assert row.full_text == "" and any("附行政处罚决定书全文" in w for w in P.summary_warnings(row))
    client.force_login(editor)
    assert "尚无已签发的行政处罚决定书" in client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    issued_decision(pub.obligation.case, DECISION_PARAGRAPHS, number="乌高市监处罚〔2026〕1号")
    assert not P.summary_warnings(P.do_prepare_publication(pub, actor=editor))


# ---- #5 LOW: a decision stopped early on the party's application is not labelled 公示期满 --------------------------

def test_an_early_stop_is_told_as_such_not_as_the_period_over(client):
    import datetime as dt

    from sanxiang.publicity import requests as R
    from sanxiang.publicity.queries import published_decisions

    agency = T.agency(profile_key="zhuzhou-amr")
    seed_calendar(actor=OPERATOR, years=[2026, 2027])
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    walk(pub, editor, head, on="2026-03-10")
    pub.refresh_from_db()
    day = dt.date(2026, 9, 15)
    req = R.do_apply_early_stop(pub, statement="已缴清罚款，已消除影响", contact="13900000000", on=day)
    R.do_check_early_stop(req, checks={c["code"]: (True, "已核实") for c in req.checks}, actor=editor)
    R.do_decide_early_stop(req, approve=True, reasons="当事人已履行义务并消除影响", actor=head, on=day)
    row = published_decisions(agency)[0]
    assert (row["expired"], row["stopped_early"], row["text"]) == (False, True, "")
    assert row["notice"]["label"] == "经当事人申请，已提前停止公示"
    page = client.get(f"/gk/{agency.code}/jueding/1/").content.decode()
    assert "提前停止公示" in page and "公示期满" not in page
    record = next(r for r in client.get(f"/gk/{agency.code}/data/decisions.json").json()["decisions"])
    assert record["stopped_early"] and not record["expired"] and "公示期满" not in str(record)


# ---- #4 LOW: the demo's goods-name span is not put on a labour-inspection decision --------------------------------

def test_the_demo_masks_no_labour_decisions_cause_as_a_goods_name(demo):
    from sanxiang.publicity.models import Publication

    hrss = Publication.objects.filter(agency__code__endswith="-hrss").exclude(public_version=None)
    assert hrss.exists()
    for pub in hrss:
        assert not any("商品名称" in (e.get("reason") or "") for v in pub.versions.all() for e in v.edits)
        assert "［已隐去］" not in (pub.current().fields or {}).get("案件事实", "")


# ---- #8 LOW: `sanxiang redact` with a malformed PARTY.json answers in Chinese, with the place ----------------------

def test_redact_cli_says_where_the_party_file_is_broken_in_chinese(tmp_path, monkeypatch, capsys):
    import io
    import sys

    from django.core.management import call_command

    path = tmp_path / "bad.json"
    path.write_text("{\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("abc"))
    with pytest.raises(SystemExit):
        call_command("redact", "--context", str(path), "--profile", "zhuzhou-amr")
    err = capsys.readouterr().err
    assert "第 2 行第 1 列" in err and "Expecting" not in err and "not valid" not in err


# ---- #7 LOW: a 公示告知书 made on or after the due day does not promise a day already past -----------------------

def test_the_notice_says_when_it_will_publish_truthfully(cal):
    import datetime as dt
    from unittest import mock

    from sanxiang.publicity.notices import notice_values

    agency = T.agency(profile_key="quanzhou-licheng-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    ob = pub.obligation
    due = f"{ob.due:%Y年%-m月%-d日}"
    with mock.patch("django.utils.timezone.localdate", return_value=ob.due - dt.timedelta(days=1)):
        assert notice_values(ob.case, pub)["publish_by"] == f"本机关将于{due}前公示"
    with mock.patch("django.utils.timezone.localdate", return_value=ob.due + dt.timedelta(days=1)):
        assert notice_values(ob.case, pub)["publish_by"] == f"本机关应于{due}前公示，将尽快公示"
    walk(pub, editor, head)
    pub.refresh_from_db()
    assert notice_values(ob.case, pub)["publish_by"].startswith("本机关已于")
