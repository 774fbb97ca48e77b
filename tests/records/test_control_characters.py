"""Control characters in record text (s21 tester8 #6): refused at input with the JSON error shape, and
written so that the archive package's case.xml is always well-formed XML."""

import json
import xml.etree.ElementTree as ET

import pytest
from records_cast import EVIDENCE, counts, photo

from sanxiang.archive.verify import metadata_xml

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field,value", [("title", "补充聊天记录\x0b导出"), ("source", "当事人\x00提供"),
                                         ("content", "进货单据\x01三张"), ("place", "经营\x1f场所")])
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
