"""Control characters in record text (s21 tester8 #6): refused at input with the JSON error shape, and
written so that the archive package's case.xml is always well-formed XML."""

import json
import xml.etree.ElementTree as ET

import pytest
from records_cast import EVIDENCE, counts, photo

from sanxiang.archive.verify import metadata_xml

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field,value", [("title", "补充聊天记录\x0b导出"), ("source", "当事人\x00提供"),
                                         ("content", "进货单据\x01三张"), ("place", "经营\x1f场所"),
                                         # s23 tester8 #4: DEL, C1, line separator, bidi override and isolate
                                         ("title", "照片\x7f"), ("title", "照\x85片"), ("title", "照\u2028片"),
                                         ("title", "照片\u202egnp.exe"), ("content", "单据\u2067三张")])
def test_record_text_with_control_characters_is_refused(client, env, case, field, value):
    upload = photo(env.officer)
    client.force_login(env.officer)
    before = counts()
    refused = client.post("/api/v1/records/evidence", json.dumps({**EVIDENCE, "case_id": case.pk,
                                                                  "upload_id": upload.pk, field: value}),
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "control_characters", refused.content
    assert refused.json()["field"] == field and "控制字符" in refused.json()["message"]
    assert counts() == before


def test_tabs_and_line_ends_are_kept(client, env, case):
    client.force_login(env.officer)
    done = client.post("/api/v1/records/evidence", json.dumps({**EVIDENCE, "case_id": case.pk,
                                                               "upload_id": photo(env.officer).pk,
                                                               "content": "第一张\t单据\r\n第二张"}),
                       content_type="application/json")
    assert done.status_code == 201 and done.json()["content"] == "第一张\t单据\r\n第二张"


def test_case_xml_of_text_stored_before_the_rule_is_well_formed():
    text = metadata_xml({"format": "sanxiang-case-1", "records": [{"title": "微信聊天记录\x0b\x01导出]]><x>",
                                                                  "source": "当\x00事人"}]})
    root = ET.fromstring(text)
    titles = [e.text for e in root.iter("title")]
    assert titles == ["微信聊天记录\\u000b\\u0001导出]]><x>"] and root.find(".//source").text == "当\\u0000事人"


@pytest.mark.parametrize("url,body,field", [
    ("/api/v1/records/evidence", {"title": "照片\\ud800"}, "title"),
    ("/api/v1/documents/", {"kind": "inquiry_record", "inputs": {"interviewee": "王\\udc00五"}}, "inputs.interviewee"),
])
def test_a_lone_surrogate_is_a_400_in_the_json_shape_never_a_500(client, env, case, url, body, field):
    """`"\\ud800"` written in the JSON is half a character no UTF-8 encoder writes: refused by the body
    parser for every endpoint, naming the field, before anything is written (s22 tester8 #3)."""
    upload = photo(env.officer)
    client.force_login(env.officer)
    before = counts()
    fields = {**EVIDENCE, "case_id": case.pk, "upload_id": upload.pk}
    raw = json.dumps({**fields, **body}, ensure_ascii=False).replace("\\\\u", "\\u")  # the escape itself
    refused = client.post(url, raw.encode(), content_type="application/json")
    assert refused.status_code == 400 and refused["Content-Type"].startswith("application/json"), refused.content
    answer = refused.json()
    assert answer["code"] == "control_characters" and answer["field"] == field, answer
    assert "U+D" in answer["message"] and "代理码" in answer["message"]
    assert counts() == before


def test_the_text_rule_counts_a_lone_surrogate_as_a_control_character():
    from sanxiang.core.text import control_characters, xml_safe

    assert control_characters("王\ud800五") == ["U+D800"] and xml_safe("王\udfff五") == "王\\udfff五"
