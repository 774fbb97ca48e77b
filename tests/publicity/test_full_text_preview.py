"""The staff preview marks the spans inside the 决定书's full text, as in the 原文 (brief left10d #1, decision 0094):
each masked span highlighted with its kind, reason and origin; the editor adds a span by words found there and
lifts one at its place there with a reason; nothing masked reaches the portal."""

import re

import pytest
from publication_cast import walk
from test_full_text_hides_party_code import WITNESS, cal, hrss_with_decision  # noqa: F401 (cal: a fixture)

from sanxiang.publicity import actions as P

pytestmark = pytest.mark.django_db
HOTLINE = "本机关公开的监督电话0991-2345678。"


def _full_text_original(page: str) -> str:
    return re.search(r'<pre class="preview" id="full-text-original">(.*?)</pre>', page, re.S).group(1)


def test_the_preview_highlights_the_spans_of_the_full_text_and_the_editor_adds_and_lifts_them(cal, client):  # noqa: F811
    agency, editor, head, pub = hrss_with_decision([WITNESS, HOTLINE])
    row = P.do_prepare_publication(pub, actor=editor)
    kinds = {(row.full_text_original[s["start"]:s["end"]], s["kind"], s["origin"]) for s in row.full_text_spans}
    assert ("张三丰", "person", "context") in kinds and ("13800138000", "phone", "context") in kinds
    assert ("0991-2345678", "phone", "detector") in kinds
    assert "查询码" not in row.full_text_original  # the party's code sentence is cut before anything (decision 0093)

    client.force_login(editor)
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    marked = _full_text_original(page)
    assert re.search(r'<mark title="[^"：]*：[^"]*（案件已知人员）→ 张某">张三丰</mark>', marked)
    assert re.search(r'<mark title="电话号码：[^"]*（自动识别）→ ［电话已隐去］">0991-2345678</mark>', marked)
    assert "李强" in marked and "<mark" not in marked.split("李强")[0][-10:]  # not known to the case: not marked yet
    assert 'id="full-text-spans"' in page and 'name="in" value="full_text"' in page

    # add: words found only in the full text, on the page as for the 原文
    done = client.post(f"/publicity/publications/{pub.pk}/add-span/", {"fragment": "李强", "kind": "person",
                                                                        "reason": "证人姓名"})
    assert done.status_code == 302
    marked = _full_text_original(client.get(f"/publicity/publications/{pub.pk}/").content.decode())
    assert re.search(r'<mark title="[^"：]*：证人姓名（编辑增加）→ 李某">李强</mark>', marked)

    # lift: the agency's own published hotline, at its place in the full text, with a reason
    row = pub.current()
    hot = next(s for s in row.full_text_spans if row.full_text_original[s["start"]:s["end"]] == "0991-2345678")
    refused = client.post(f"/publicity/publications/{pub.pk}/dismiss-span/",
                          {"in": "full_text", "start": hot["start"], "end": hot["end"], "reason": ""})
    assert refused.status_code == 400 and "须写明理由" in refused.content.decode()
    wrong = client.post(f"/publicity/publications/{pub.pk}/dismiss-span/",
                        {"in": "full_text", "start": 0, "end": 99999, "reason": "x"})
    assert wrong.status_code == 400 and "决定书全文中的起止位置不对" in wrong.content.decode()
    done = client.post(f"/publicity/publications/{pub.pk}/dismiss-span/",
                       {"in": "full_text", "start": hot["start"], "end": hot["end"], "reason": "本机关公开的监督电话"})
    assert done.status_code == 302
    row = pub.current()
    assert "0991-2345678" in row.full_text and "13800138000" not in row.full_text
    assert [d["dismissal_reason"] for d in row.full_text_dismissed] == ["本机关公开的监督电话"]
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert "全文中已取消隐去" in page and "0991-2345678</mark>" not in _full_text_original(page)
    assert "李强</mark>" in _full_text_original(page)  # the earlier span is kept by the later save

    # kept by a correction, and nothing masked on the portal
    walk(pub, editor, head)
    pub.refresh_from_db()
    body = client.get(f"/gk/{agency.code}/jueding/1/").content.decode()
    assert "0991-2345678" in body
    for masked in ("李强", "张三丰", "13800138000", "110105198001010011"):
        assert masked not in body
    P.do_correct_publication(pub, reason="复核", actor=editor)
    row = pub.current()
    assert "李强" not in row.full_text and "0991-2345678" in row.full_text
    assert any(s["origin"] == "editor" for s in row.full_text_spans)


def test_the_api_shows_the_full_texts_spans_and_takes_a_dismissal_there(cal, client):  # noqa: F811
    agency, editor, head, pub = hrss_with_decision([HOTLINE])
    P.do_prepare_publication(pub, actor=editor)
    client.force_login(editor)
    out = client.get(f"/api/v1/publications/{pub.pk}").json()["versions"][-1]
    hot = next(s for s in out["full_text_spans"] if s["kind"] == "phone" and s["origin"] == "detector")
    assert out["full_text_original"][hot["start"]:hot["end"]] == "0991-2345678"
    edits = [*out["edits"], {"op": "dismiss", "in": "full_text", "start": hot["start"], "end": hot["end"],
                             "reason": "本机关公开的监督电话"}]
    done = client.post(f"/api/v1/publications/{pub.pk}/prepare", {"edits": edits}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert "0991-2345678" in pub.current().full_text
    bad = client.post(f"/api/v1/publications/{pub.pk}/prepare",
                      {"edits": [{"op": "add", "in": "full_text", "text": "监督电话", "reason": "x"}]},
                      content_type="application/json")
    assert bad.status_code == 400 and "按文字增加" in bad.json()["message"]
