"""Issue 10's third exploratory test (defects10 of session 23, decision 0086), the fixes of fix10a: an editor's
masked words found in any written form (spaces, full width, separators, invisible characters) in a correction,
the fields and the summary; names with invisible characters and the given name alone; ..."""

import pytest
from publication_cast import published_blob, walk

from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.redaction import find_words, holds_words, redact
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db

WORDS = "销售过期食品"
VARIANTS = ["销售过期食 品", "销售　过期食品", "销\u200b售过期食品", "销售·过期食品", "销售过期\u00ad食品"]


def _masked(agency):
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    P.do_prepare_publication(pub, edits=[{"op": "add", "text": WORDS, "kind": "other", "reason": "商业秘密"}],
                             actor=editor)
    return pub, editor, head


def _leaks(blob: str) -> bool:
    return holds_words(blob, WORDS)


# ---- #2: a correction typed anew, with a space or another written form of the masked words --------------

@pytest.mark.parametrize("variant", VARIANTS)
def test_a_correction_with_the_masked_words_in_another_form_is_masked(cal, variant):
    pub, editor, head = _masked(T.agency(profile_key="zhuzhou-amr"))
    walk(pub, editor, head)
    text = pub.current().original + f"\n补充：当事人{variant}的事实清楚。"
    row = P.do_correct_publication(pub, reason="补充案由", text=text, actor=editor)
    assert variant not in row.text and not _leaks(published_blob(row))
    assert row.text.count("［已隐去］") >= 2 and row.unplaced == []
    walk(pub, editor, head, on="2026-03-12")
    assert not _leaks(published_blob(pub.shown()))


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_field_edit_with_the_masked_words_in_another_form_is_masked(cal, variant):
    pub, editor, _ = _masked(T.agency(profile_key="zhuzhou-amr"))
    row = P.do_prepare_publication(pub, field_edits=[{"part": "summary", "name": "违法行为类型", "value": variant,
                                                      "reason": "按更正"}], actor=editor)
    assert row.summary["违法行为类型"] == "［已隐去］"
    row = P.do_prepare_publication(pub, field_edits=[{"part": "fields", "name": "执法结论",
                                                      "value": f"当事人{variant}，罚款1,000.00元", "reason": "按更正"}],
                                   actor=editor)
    assert not _leaks(published_blob(row))


def test_the_refusal_compares_the_folded_words():
    assert holds_words("案由：销售过期食 品", WORDS) and holds_words("ＡＢ　c", "abc")
    assert not holds_words("销售食品", WORDS) and not holds_words("x", "  ")
    text = "甲销售过期食\u200b品乙"
    assert [text[s:e] for s, e in find_words(text, WORDS)] == ["销售过期食\u200b品"]


# ---- #15: zero-width characters inside a known name; the given name alone -------------------------------

def test_a_name_with_invisible_characters_and_the_given_name_alone_are_masked():
    context = {"kind": "person", "persons": [
        {"role": "party", "name": "王小明", "phone": "13912345678"}, {"role": "witness", "name": "欧阳娜娜"}]}
    text = "当事人王\u200b小明，王\ufeff小明，欧阳娜\u200d娜称，小明称，娜娜说，电话139\u200b1234\u200b5678。"
    assert redact(text, context).text == "当事人王某，王某，欧阳某称，王某称，欧阳某说，电话［电话已隐去］。"


# ---- #0a: the portal's party checks count apart from staff logins; the client behind a trusted proxy ---------

def _lookup(client, agency, n, **meta):
    return client.post(f"/api/v1/party-requests/public/{agency.code}/lookup",
                       {"number": f"立〔2099〕{n:04d}号", "code": "ABCD-EFGH"}, content_type="application/json", **meta)


def test_wrong_codes_do_not_lock_staff_logins_from_the_same_address(cal, client, settings):
    settings.PORTAL_THROTTLE_ADDRESS_LIMIT = 4
    agency = T.agency(profile_key="zhuzhou-amr")
    _, head, _ = staff(agency)
    head.set_password("sanxiang-demo-2025")
    head.save()
    answers = [_lookup(client, agency, n, REMOTE_ADDR="10.9.0.1").status_code for n in range(6)]
    assert answers[:4] == [400] * 4 and answers[4:] == [429, 429]
    login = client.post("/login/", {"username": head.username, "password": "sanxiang-demo-2025"},
                        REMOTE_ADDR="10.9.0.1")
    assert login.status_code == 302
    # another client of the portal is not locked out by the first one
    assert _lookup(client, agency, 1, REMOTE_ADDR="10.9.0.2").status_code == 400


def test_behind_a_trusted_proxy_each_client_counts_apart_and_a_forged_header_is_not_believed(cal, client, settings):
    settings.PORTAL_THROTTLE_ADDRESS_LIMIT = 2
    agency = T.agency(profile_key="zhuzhou-amr")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # not configured: the header is ignored, every request through the proxy is the proxy's
    settings.TRUSTED_PROXIES = frozenset()
    assert [_lookup(client, agency, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **proxy).status_code
            for n in range(3)] == [400, 400, 429]
    # configured: the address the proxy saw (the right-most one not a proxy) — a client's own entry is not
    settings.TRUSTED_PROXIES = frozenset({"127.0.0.1"})
    guesser = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5", **proxy}
    assert [_lookup(client, agency, n, **guesser).status_code for n in range(3)] == [400, 400, 429]
    assert _lookup(client, agency, 9, HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.5", **proxy).status_code == 429
    assert _lookup(client, agency, 9, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 400
    # a client that is not the proxy cannot choose its address with the header
    assert _lookup(client, agency, 9, HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="203.0.113.5").status_code \
        == 429


# ---- #3: field edits accumulate through the API as on the page; replaced only when asked --------------------

def test_api_field_edits_accumulate_and_replace_only_when_asked(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    client.force_login(editor)
    url = f"/api/v1/publications/{pub.pk}/prepare"

    def prepare(body):
        answer = client.post(url, body, content_type="application/json")
        assert answer.status_code == 200, answer.content
        return answer.json()["versions"][-1]

    generated = prepare({})["summary"]["处罚内容"]
    prepare({"field_edits": [{"part": "summary", "name": "处罚内容", "value": "罚款800.00元", "reason": "依更正"}]})
    v = prepare({"field_edits": [{"part": "summary", "name": "违法行为类型", "value": "销售变质食品", "reason": "依更正"}]})
    assert v["summary"]["处罚内容"] == "罚款800.00元" and v["summary"]["违法行为类型"] == "销售变质食品"
    assert {e["name"] for e in v["field_edits"]} == {"处罚内容", "违法行为类型"}
    v = prepare({"field_edits": [{"part": "summary", "name": "处罚内容", "value": "罚款900.00元", "reason": "再更正"}]})
    assert v["summary"]["处罚内容"] == "罚款900.00元" and len(v["field_edits"]) == 2
    # the page's form adds to what the API made
    client.post(f"/publicity/publications/{pub.pk}/edit-field/", {"name": "fields:执法结论", "value": "罚款900.00元",
                                                                 "reason": "依更正"})
    assert len(pub.current().field_edits) == 3
    v = prepare({"field_edits": [], "replace_field_edits": True})
    assert v["field_edits"] == [] and v["summary"]["处罚内容"] == generated


# ---- #7: a decision not recorded as revoked is withdrawn only by a head, with a ground ------------------------

def test_withdrawing_a_decision_not_revoked_needs_a_head_and_a_ground(cal, client):
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.publicity.models import Publication

    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    walk(pub, editor, head)
    url = f"/api/v1/publications/{pub.pk}/withdraw"
    client.force_login(editor)
    refused = client.post(url, {"reason": "该行政强制决定已被依法解除"}, content_type="application/json")
    assert refused.status_code == 400 and "发布部门负责人" in refused.json()["message"]
    assert "withdraw" not in client.get(f"/api/v1/publications/{pub.pk}").json()["actions"]
    client.force_login(head)
    refused = client.post(url, {"reason": "该决定已被撤销"}, content_type="application/json")
    assert refused.status_code == 400 and "撤下事由" in refused.json()["message"] and "revoked" in refused.json()["message"]
    assert Publication.objects.get(pk=pub.pk).status == "published"
    done = client.post(url, {"reason": "该决定已被行政复议机关撤销", "ground": "revoked"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    entry = LedgerEntry.objects.filter(action="withdraw_publication").get()
    assert '"ground"' in entry.entry and "revoked" in entry.entry


def test_a_decision_recorded_as_revoked_is_withdrawn_by_the_editor(cal):
    from sanxiang.publicity.models import Publication

    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    walk(pub, editor, head)
    Publication.objects.filter(pk=pub.pk).update(revoked=True)  # as mark_revoked does on a recorded 撤销
    done = P.do_withdraw_publication(Publication.objects.get(pk=pub.pk), reason="该决定已被撤销", actor=editor)
    assert done.status == "withdrawn"


# ---- #12: an unparsable body is refused without another endpoint's example -----------------------------------

def test_an_unparsable_body_names_no_unrelated_example(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    client.force_login(editor)
    for url, body, kind in ((f"/api/v1/publications/{pub.pk}/prepare", "not json", "application/json"),
                            (f"/api/v1/party-requests/public/{agency.code}/lookup", "number=1&code=2",
                             "application/x-www-form-urlencoded")):
        answer = client.post(url, body, content_type=kind)
        assert answer.status_code == 400 and answer.json()["code"] == "invalid_request", answer.content
        assert "2026-09-01" not in answer.json()["message"] and "JSON 对象" in answer.json()["message"]


# ---- #16: the feed's <updated> is the moment the change was recorded, not 09:00 of its day ---------------------

def test_two_changes_of_one_day_give_the_feed_entry_two_updated_moments(cal, client):
    import xml.etree.ElementTree as ET

    from django.core.cache import cache

    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    walk(pub, editor, head)
    ns = {"a": "http://www.w3.org/2005/Atom"}

    def updated():
        cache.clear()
        entries = ET.fromstring(client.get(f"/gk/{agency.code}/feed.xml").content).findall("a:entry", ns)
        assert len(entries) == 1
        return entries[0].find("a:updated", ns).text

    stamps = []
    for n in (1, 2):
        P.do_correct_publication(pub, reason=f"第{n}次更正", actor=editor)
        walk(pub, editor, head, on="2026-03-12")
        stamps.append(updated())
    assert stamps[0].startswith("2026-03-12") and stamps[1].startswith("2026-03-12")
    assert stamps[0] != stamps[1] and "T09:00:00" not in stamps[1]
