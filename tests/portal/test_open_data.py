"""Issue 10 §7, the portal's machine-readable side (decision 0071): a published decision's inclusion
proof checked with verifiers we did not write (tamperlog, sigstore) and refused once the text is
tampered with; open data (JSON, CSV with BOM), the 国家企业信用信息公示系统 export (xlsx, CSV), the
Atom feed and the embeddable list — every format parses, names no database id and shows a
withdrawn decision's notice without its text."""

import base64
import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from openpyxl import load_workbook
from sigstore._internal.merkle import verify_merkle_inclusion
from sigstore._internal.rekor.checkpoint import verify_checkpoint
from sigstore._internal.trust import Keyring
from sigstore.errors import VerificationError
from sigstore.models import TransparencyLogEntry
from sigstore_models.common.v1 import LogId, PublicKey, PublicKeyDetails
from sigstore_models.rekor.v1 import Checkpoint as NoteEnvelope
from sigstore_models.rekor.v1 import InclusionProof, KindVersion
from sigstore_models.rekor.v1 import TransparencyLogEntry as LogEntry
from tamperlog import merkle as tamperlog
from tamperlog.errors import ProofError

from sanxiang.access.actors import OPERATOR
from sanxiang.cases.decisions import Decision
from sanxiang.cases.kinds.inspection import do_create_inspection
from sanxiang.cases.models import Case, Inspection
from sanxiang.core.public_cache import cache
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.jobs.tasks import sign_checkpoint
from sanxiang.ledger import signing
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.portal import open as opendata
from sanxiang.publicity import actions as P
from sanxiang.publicity.models import PublicationVersion
from sanxiang.publicity.proofs import ACTION, ATTESTOR, OBJECT_TYPE
from sanxiang.publicity.testing import opened, party, staff

pytestmark = pytest.mark.django_db
ORG = "某某食品有限公司"


def publish(pub, editor, head, on="2026-03-10"):
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on=on)
    P.do_publish_publication(pub, actor=editor, on=on)
    pub.refresh_from_db()
    return pub


@pytest.fixture
def site():
    """株洲市场监管 (SAMR summary): a penalty of a natural person and one of a company, both published;
    a 双随机 inspection of the company with a normal result, published under its name."""
    seed_calendar(actor=OPERATOR, years=[2026])
    agency = T.agency("od-test", profile_key="zhuzhou-amr")
    editor, head, leader = staff(agency)
    company = party(agency, kind="org", name=ORG)
    obs = [opened(agency, fine="300000"),
           opened(agency, fine="300000", kind="org", the_party=company, on="2026-03-06")]
    for i, ob in enumerate(obs, start=1):  # opened() numbers the case on the instance only
        Case.objects.filter(pk=ob.case_id).update(number=f"株市监罚〔2026〕{i}号")
    pubs = [publish(ob.publication, editor, head) for ob in obs]
    unit = agency.units.first()
    inspectors = []
    for name in ("钱检查", "孙检查"):
        p = T.person(agency, unit=unit, name=name)
        T.certificate(p, categories=["行政检查"])
        inspectors.append(p)
    case = do_create_inspection(agency, unit=unit, source="random", cause="双随机抽查：食品经营", party=company,
                                handlers=inspectors, actor=OPERATOR, items=["进货查验"])
    import datetime as dt

    Inspection.objects.filter(case=case).update(result="normal", ended_on=dt.date(2026, 3, 20),
                                                started_on=dt.date(2026, 3, 20), conclusion="未发现问题")
    case.refresh_from_db()
    ob = P.open_for_decision(Decision(case=case, kind="inspection", table="inspection", action="finish",
                                      label="作出检查结论", obj=case, on=dt.date(2026, 3, 20)), actor=OPERATOR)
    random_pub = publish(ob.publication, editor, head, on="2026-03-25")
    sign_checkpoint.call()
    return {"agency": agency, "editor": editor, "head": head, "leader": leader, "person": pubs[0],
            "org": pubs[1], "company": company, "random": random_pub}


def url(site, pub, tail="proof.json"):
    return f"/gk/{site['agency'].code}/jueding/{opendata.public_number(pub)}/{tail}"


# ---- proofs ----------------------------------------------------------------------------------------

def keyring() -> Keyring:
    der = Ed25519PublicKey.from_public_bytes(signing.signer().ed25519.public).public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return Keyring([PublicKey(raw_bytes=base64.b64encode(der).decode(),
                              key_details=PublicKeyDetails.PKIX_ED25519)])


def sigstore_entry(proof: dict, body: bytes) -> TransparencyLogEntry:
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    root = base64.b64decode(proof["checkpoint"].split("\n")[2])
    inc = proof["inclusion"]
    return TransparencyLogEntry(LogEntry(
        log_index=str(inc["leaf_index"]), log_id=LogId(key_id=b64(signing.signer().ed25519.key_id)),
        kind_version=KindVersion(kind="sanxiang-ledger", version="1"), canonicalized_body=b64(body),
        inclusion_proof=InclusionProof(log_index=str(inc["leaf_index"]), tree_size=str(inc["tree_size"]),
                                       root_hash=b64(root), hashes=[b64(bytes.fromhex(h)) for h in inc["hashes"]],
                                       checkpoint=NoteEnvelope(envelope=proof["checkpoint"]))))


def tamperlog_check(proof: dict, body: bytes) -> None:
    root = base64.b64decode(proof["checkpoint"].split("\n")[2])
    inc = proof["inclusion"]
    tamperlog.verify_inclusion(inc["leaf_index"], inc["tree_size"], tamperlog.hash_leaf(body),
                               [bytes.fromhex(h) for h in inc["hashes"]], root)


def test_a_published_decision_is_proved_with_verifiers_we_did_not_write(client, site):
    pub = site["org"]
    response = client.get(url(site, pub))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert not response.cookies
    proof = response.json()
    raw = base64.b64decode(proof["content_base64"])
    # 1. the content hashes to the digest (what `sha256sum` prints), and it is what the portal shows
    assert hashlib.sha256(raw).hexdigest() == proof["content_sha256"]
    assert json.loads(raw) == proof["content"]
    shown = pub.shown()
    assert proof["content"]["text"] == shown.text and proof["content"]["summary"] == shown.summary
    assert proof["content"]["fields"] == shown.fields and proof["content"]["case"] == pub.obligation.case.number
    # 2. the entry holds the digest, names no person, account or database id
    body = base64.b64decode(proof["entry"]["base64"])
    entry = json.loads(body)
    assert entry["payload"]["content_sha256"] == proof["content_sha256"]
    assert entry["action"] == ACTION and entry["actor"] == ATTESTOR.username
    assert entry["object_id"] == proof["content_sha256"] and entry["index"] == proof["entry"]["index"]
    assert entry["object_type"] == OBJECT_TYPE and entry["state_digest"] == "" and entry["files"] == []
    assert set(entry["payload"]) == {"case", "content_sha256", "published_on", "version"}
    assert entry["payload"]["case"] == pub.obligation.case.number and entry["payload"]["version"] == 1
    assert hashlib.sha256(b"\x00" + body).hexdigest() == proof["entry"]["leaf_hash"]
    # 3. the inclusion proof and the checkpoint's signature, by two independent implementations
    tamperlog_check(proof, body)
    log_entry = sigstore_entry(proof, body)
    verify_merkle_inclusion(log_entry)
    verify_checkpoint(keyring(), log_entry)
    assert proof["verifier_key"] == signing.signer().ed25519.vkey
    assert proof["how_to_verify"].endswith(f"/gk/{site['agency'].code}/hexin/")


def test_a_tampered_text_fails_the_check(client, site):
    pub = site["person"]
    proof = client.get(url(site, pub)).json()
    body = base64.b64decode(proof["entry"]["base64"])
    # someone changes one character of the shown text: its digest no longer matches the entry's
    content = dict(proof["content"], text=proof["content"]["text"].replace("罚款", "警告", 1))
    from sanxiang.lib.canonical import canonical_bytes

    assert hashlib.sha256(canonical_bytes(content)).hexdigest() != json.loads(body)["payload"]["content_sha256"]
    # … and an entry rewritten to carry the new digest is not the one in the signed tree
    forged = body.replace(proof["content_sha256"].encode(), hashlib.sha256(canonical_bytes(content)).hexdigest().encode())
    with pytest.raises(ProofError):
        tamperlog_check(proof, forged)
    with pytest.raises(VerificationError):
        verify_merkle_inclusion(sigstore_entry(proof, forged))
    # the text changed in the database behind the actions: the portal has no proof to give for it
    PublicationVersion.objects.filter(pk=pub.shown().pk).update(text=pub.shown().text + "（改）")
    cache.clear()  # a change outside the actions: the public page cache keeps answers up to a minute
    gone = client.get(url(site, pub))
    assert gone.status_code == 404 and gone.json()["code"] == "not_attested"


def test_a_correction_is_attested_again_and_a_withdrawn_decision_gives_no_content(client, site):
    pub = site["person"]
    first = client.get(url(site, pub)).json()
    P.do_correct_publication(pub, reason="更正笔误", text=pub.current().original + "（已更正）", actor=site["editor"])
    P.do_submit_publication(pub, actor=site["editor"])
    P.do_approve_publication(pub, actor=site["leader"], on="2026-03-12")
    P.do_publish_publication(pub, actor=site["editor"], on="2026-03-12")
    pending = client.get(url(site, pub))  # signed every few seconds by the job: not yet covered
    assert pending.status_code == 503 and pending.json()["code"] == "no_checkpoint" and pending["Retry-After"]
    sign_checkpoint.call()
    second = client.get(url(site, pub)).json()
    assert second["content"]["version"] == 2 and second["entry"]["index"] > first["entry"]["index"]
    tamperlog_check(second, base64.b64decode(second["entry"]["base64"]))
    assert LedgerEntry.objects.filter(action=ACTION).count() == 4
    P.do_withdraw_publication(pub, reason="行政复议决定撤销原处罚决定", ground="revoked", actor=site["head"], on="2026-04-01")
    gone = client.get(url(site, pub))
    assert gone.status_code == 410
    data = gone.json()
    assert data["code"] == "withdrawn" and data["withdrawal_reason"] == "行政复议决定撤销原处罚决定"
    assert "content" not in data and "text" not in gone.content.decode()


def test_unknown_decisions_and_agencies_are_not_found(client, site):
    assert client.get(f"/gk/{site['agency'].code}/jueding/999999/proof.json").status_code == 404
    assert client.get("/gk/nobody/jueding/1/proof.json").status_code == 404
    assert client.get(f"/gk/{site['agency'].code}/data/decisions.xml").status_code == 404
    assert client.get(f"/gk/{site['agency'].code}/data/credit-other.csv").status_code == 404


def test_the_how_to_page_names_standard_tools(client, site):
    page = client.get(f"/gk/{site['agency'].code}/hexin/").content.decode()
    assert "sha256sum" in page and "tamperlog" in page and "golang.org/x/mod/sumdb/note" in page
    assert "<script" not in page


# ---- open data -------------------------------------------------------------------------------------

def withdraw(site):
    P.do_withdraw_publication(site["person"], reason="行政复议决定撤销原处罚决定", ground="revoked", actor=site["head"], on="2026-04-01")


def internal(site) -> list[str]:
    """Strings that must never appear: the original text, the unredacted name, accounts."""
    return ["张三丰", "13800138000", site["editor"].username, site["head"].username, "original", "made_by"]


def assert_no_internal_id(site, text: str):
    for leak in internal(site):
        assert leak not in text, leak
    if opendata._numbered():  # decision 0070's public numbers (merged with s21-portaldec): no key anywhere
        for pub in (site["person"], site["org"], site["random"]):
            assert f"/jueding/{pub.pk}/" not in text or opendata.public_number(pub) == pub.pk


def test_decisions_json_and_csv(client, site):
    withdraw(site)
    code = site["agency"].code
    response = client.get(f"/gk/{code}/data/decisions.json")
    assert response.status_code == 200 and not response.cookies
    text = response.content.decode()
    assert_no_internal_id(site, text)
    data = json.loads(text)
    rows = {r["case"]: r for r in data["decisions"]}
    assert set(rows) == {p.obligation.case.number for p in (site["person"], site["org"], site["random"])}
    assert all("id" not in r for r in data["decisions"])
    gone = rows[site["person"].obligation.case.number]
    assert gone["withdrawn"] and gone["withdrawal_reason"] == "行政复议决定撤销原处罚决定"
    assert "text" not in gone and "fields" not in gone and "summary" not in gone
    shown = rows[site["org"].obligation.case.number]
    assert shown["text"] == site["org"].shown().text and shown["summary"]["决定书文号"]
    assert shown["status"] == "已公示" and shown["fields"]["执法对象"] == ORG

    raw = client.get(f"/gk/{code}/data/decisions.csv")
    assert raw["Content-Type"] == "text/csv; charset=utf-8" and raw.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    header, lines = table[0], table[1:]
    assert header[:3] == ["编号", "执法机关", "案号"] and "公示内容" in header and "撤下理由" in header
    assert len(lines) == 3 and len(set(header)) == len(header)  # one name per column (audit10 observation 2)
    assert "公开字段：执法对象" in header and header.count("执法机关") == 1
    by_case = {line[2]: dict(zip(header, line)) for line in lines}
    assert by_case[site["person"].obligation.case.number]["公示内容"] == ""
    assert by_case[site["person"].obligation.case.number]["撤下理由"] == "行政复议决定撤销原处罚决定"
    assert "销售过期食品" in by_case[site["org"].obligation.case.number]["公示内容"]
    assert_no_internal_id(site, raw.content.decode("utf-8-sig"))


def test_downloads_are_saved_under_the_agencys_chinese_name(client, site):
    """tester10b #14: filename* names the agency and the content; the ASCII filename stays for old clients."""
    from urllib.parse import quote

    agency = site["agency"]
    code, name = agency.code, agency.name
    for path, saved in (("data/decisions.csv", f"{name}行政执法决定.csv"),
                        ("data/decisions.json", f"{name}行政执法决定.json"),
                        ("data/random-inspections.csv", f"{name}双随机抽查结果.csv"),
                        ("data/credit-penalties.xlsx", f"{name}行政处罚信息（信用公示系统格式）.xlsx"),
                        ("data/credit-inspections.csv", f"{name}抽查检查结果（信用公示系统格式）.csv")):
        header = client.get(f"/gk/{code}/{path}")["Content-Disposition"]
        assert f"filename*=UTF-8''{quote(saved)}" in header, (path, header)
        assert f'filename="{code}-' in header, (path, header)


def test_random_inspection_results_under_the_entitys_name(client, site):
    code = site["agency"].code
    data = client.get(f"/gk/{code}/data/random-inspections.json").json()
    assert [r["entity"] for r in data["inspections"]] == [ORG]
    row = data["inspections"][0]
    assert row["credit_code"] == site["company"].credit_code and row["type"] == "双随机抽查"
    assert row["result"] and row["inspected_on"] == "2026-03-20"
    table = list(csv.reader(io.StringIO(client.get(f"/gk/{code}/data/random-inspections.csv").content.decode("utf-8-sig"))))
    assert table[0][:4] == ["编号", "检查实施机关", "案号", "市场主体名称"] and table[1][3] == ORG


def test_credit_system_export(client, site):
    withdraw(site)
    code = site["agency"].code
    response = client.get(f"/gk/{code}/data/credit-penalties.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == opendata.CREDIT_PENALTY_COLUMNS
    assert len(rows) == 2  # the withdrawn penalty is off the system; the inspection is not a penalty
    line = dict(zip(rows[0], rows[1]))
    assert line["当事人名称"] == ORG and line["统一社会信用代码"] == site["company"].credit_code
    assert line["法定代表人（负责人、经营者）"] == "李四海" and line["作出行政处罚决定日期"] == "2026-03-06"
    # the 决定书 is not numbered here: the data column stays empty, never （未编号） (s23 defects10 #17)
    assert line["行政处罚决定书文号"] == "" and "罚款" in line["行政处罚内容"]
    assert_no_internal_id(site, json.dumps(rows, ensure_ascii=False))
    raw = client.get(f"/gk/{code}/data/credit-penalties.csv").content
    assert raw.startswith(b"\xef\xbb\xbf") and list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[0] == rows[0]
    sheet = load_workbook(io.BytesIO(client.get(f"/gk/{code}/data/credit-inspections.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == opendata.CREDIT_INSPECTION_COLUMNS and rows[1][0] == ORG and rows[1][3] == "双随机抽查"


def test_a_natural_persons_penalty_is_exported_under_the_redacted_name(client, site):
    rows = opendata.credit_penalties(site["agency"])
    person = next(r for r in rows if r[2] == "")  # no credit code: a natural person
    assert person[1].startswith("张某") and person[3] == ""
    assert "张三丰" not in json.dumps(rows, ensure_ascii=False)


# ---- feed and embed --------------------------------------------------------------------------------

def test_atom_feed(client, site):
    withdraw(site)
    response = client.get(f"/gk/{site['agency'].code}/feed.xml")
    assert response.status_code == 200 and "atom" in response["Content-Type"] and not response.cookies
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.content)
    assert root.find("a:title", ns).text.endswith("行政执法决定公开")
    entries = root.findall("a:entry", ns)
    assert len(entries) == 3
    titles = [e.find("a:title", ns).text for e in entries]
    assert any(t.startswith("［已撤下］") for t in titles)
    assert all(e.find("a:link", ns).get("href").startswith("http") for e in entries)
    text = response.content.decode()
    assert_no_internal_id(site, text)
    assert site["person"].shown().text not in text  # the withdrawn one: its notice, never its text


def test_a_withdrawal_updates_its_feed_entry_and_brings_it_back_to_the_top(client, site, monkeypatch):
    """defects10 (s22) #7: the entry kept its first publication day as <updated>, and an entry older than
    the newest 50 never came back — a reader never learnt of the withdrawal."""
    monkeypatch.setattr(opendata, "FEED_ROWS", 1)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    first = ET.fromstring(client.get(f"/gk/{site['agency'].code}/feed.xml").content).findall("a:entry", ns)
    assert len(first) == 1 and "［已撤下］" not in first[0].find("a:title", ns).text
    withdraw(site)  # the person's penalty, published 2026-03-10, withdrawn 2026-04-01
    cache.clear()
    entries = ET.fromstring(client.get(f"/gk/{site['agency'].code}/feed.xml").content).findall("a:entry", ns)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find("a:title", ns).text.startswith("［已撤下］")
    assert entry.find("a:updated", ns).text.startswith("2026-04-01")
    assert entry.find("a:published", ns).text.startswith("2026-03-10")


def test_embed_is_small_scriptless_and_frameable(client, site):
    response = client.get(f"/gk/{site['agency'].code}/embed/?rows=2")
    html = response.content.decode()
    assert response.status_code == 200 and "<script" not in html and len(re.findall(r"<li[ >]", html)) == 2
    assert "X-Frame-Options" not in response and "frame-ancestors *" in response["Content-Security-Policy"]
    assert len(response.content) < 8000 and not response.cookies
    assert_no_internal_id(site, html)
    assert client.get(f"/gk/{site['agency'].code}/embed/?rows=x").status_code == 200


def test_the_home_page_lists_the_channels_and_the_open_data(client, site):
    html = client.get(f"/gk/{site['agency'].code}/").content.decode()
    assert "开放数据与订阅" in html and "feed.xml" in html and "credit-penalties.xlsx" in html
    assert "政府网站" in html and "公示栏" in html  # 株洲's publicity.channels


def test_the_decision_page_section_links_the_proof_and_the_how_to(site):
    from django.template import Context, Template

    n = opendata.public_number(site["org"])
    html = Template("{% load portal_open %}{% decision_proof agency n %}").render(
        Context({"agency": site["agency"], "n": n}))
    assert "如何独立核验" in html and f"/gk/{site['agency'].code}/jueding/{n}/proof.json" in html
    assert f"/gk/{site['agency'].code}/hexin/" in html


def test_a_name_that_looks_like_a_formula_stays_text(client, site):
    from sanxiang.parties.models import Party

    Party.objects.filter(pk=site["company"].pk).update(name="=HYPERLINK(\"http://x\",\"点我\")")
    version = site["org"].shown()  # the credit export reads the name the shown version was redacted with
    version.context = {**version.context, "organization": {**version.context["organization"],
                                                           "name": "=HYPERLINK(\"http://x\",\"点我\")"}}
    version.save(update_fields=["context"])
    code = site["agency"].code
    sheet = load_workbook(io.BytesIO(client.get(f"/gk/{code}/data/credit-penalties.xlsx").content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in names
    assert all(cell.data_type == "s" for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2))
    raw = client.get(f"/gk/{code}/data/credit-inspections.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in raw and "\n=HYPERLINK" not in raw


def test_an_expired_decision_gives_no_content(client, site):
    from sanxiang.access.actors import JOBS

    pub = site["org"]
    P.do_expire_publication(pub, actor=JOBS, on=pub.expires_on)
    gone = client.get(url(site, pub))
    assert gone.status_code == 410 and gone.json()["code"] == "expired" and "content" not in gone.json()
    assert pub.shown().text not in gone.content.decode()
    row = next(r for r in client.get(f"/gk/{site['agency'].code}/data/decisions.json").json()["decisions"]
               if r["case"] == pub.obligation.case.number)
    assert row["expired"] and "text" not in row and row["notice"]


def test_the_credit_export_comes_from_the_shown_version_only(client):
    """defects10 (s22) #2: a profile without the SAMR summary (平罗商务) exported the live, unredacted 案由
    and the live party row; now every column is the shown version's, redacted as it is published."""
    from sanxiang.parties.models import Party

    seed_calendar(actor=OPERATOR, years=[2026])
    agency = T.agency("od-pl", profile_key="pingluo-commerce")
    editor, head, _ = staff(agency)
    company = party(agency, kind="org", name="平罗县某某商贸有限公司")
    ob = opened(agency, kind="org", the_party=company)
    assert ob is not None
    P.do_prepare_publication(ob.publication, edits=[{"op": "add", "text": "销售过期食品", "kind": "other",
                                                     "reason": "商业秘密"}], actor=editor)
    publish(ob.publication, editor, head)
    Party.objects.filter(pk=company.pk).update(name="改名后的公司", legal_representative="王五")
    rows = opendata.credit_penalties(agency)
    assert len(rows) == 1
    line = dict(zip(opendata.CREDIT_PENALTY_COLUMNS, rows[0]))
    assert line["违法行为类型"] == "［已隐去］"
    assert line["当事人名称"] == "平罗县某某商贸有限公司" and line["法定代表人（负责人、经营者）"] == "李四海"
    assert line["统一社会信用代码"] == company.credit_code
    raw = client.get(f"/gk/{agency.code}/data/credit-penalties.csv").content.decode("utf-8-sig")
    assert "销售过期食品" not in raw and "改名后" not in raw and "王五" not in raw


def test_generated_at_is_beijing_time_like_every_other_date(client, site):
    """defects10 (s22) #18: open data said `…+00:00` while every other date is Beijing time."""
    for path in ("data/decisions.json", "data/random-inspections.json"):
        data = json.loads(client.get(f"/gk/{site['agency'].code}/{path}").content)
        assert data["generated_at"].endswith("+08:00"), data["generated_at"]
