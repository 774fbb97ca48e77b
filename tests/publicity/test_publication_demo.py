"""The demo's publications: every seed agency's decisions opened their obligations with redacted
drafts, and the publicity demo moved some through each state with the agencies' own people; every
publicity row matches its last ledger entry (what `sanxiang verify` checks)."""

import pytest

from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs.demo import AGENCIES
from sanxiang.publicity.models import Publication, PublicationObligation, PublicationVersion
from sanxiang.publicity.queries import published_decisions

pytestmark = pytest.mark.django_db


def test_each_agency_has_obligations_in_every_state(demo):
    for spec in AGENCIES:
        obs = PublicationObligation.objects.filter(agency__code=spec["code"])
        assert {"open", "published", "withheld"} <= set(obs.values_list("status", flat=True)), spec["code"]
        assert obs.filter(deferred_until__isnull=False).exists()
        states = set(Publication.objects.filter(agency__code=spec["code"]).values_list("status", flat=True))
        assert {"draft", "submitted", "approved", "published", "corrected", "withdrawn"} <= states, spec["code"]
        shown = published_decisions(spec["code"])
        assert shown and any(row["withdrawn"] and row["withdrawal_reason"] for row in shown)


def test_the_published_texts_carry_no_known_name(demo):
    from sanxiang.publicity.actions import case_context

    for pub in Publication.objects.filter(public_version__isnull=False).select_related("obligation__case"):
        names = [p["name"] for p in case_context(pub.obligation.case)["persons"]
                 if p["role"] not in ("legal_representative", "operator")]
        text = pub.shown().text + str(pub.shown().fields)
        assert not [n for n in names if n in text], pub


def test_every_publicity_row_matches_its_last_ledger_entry(demo):
    for model in (PublicationObligation, Publication, PublicationVersion):
        for row in model.objects.all():
            last = LedgerEntry.objects.filter(object_type=row.ledger_type(), object_id=str(row.pk)).order_by(
                "-index").first()
            assert last is not None and last.state_digest == row.ledger_digest(), (model.__name__, row.pk)


def test_the_demo_indexes_its_published_decisions_and_numbers_them(demo):
    """The demo publishes through the actions: the portal's listener numbered and indexed each decision
    on show, kept the withdrawn ones as their notice only (decision 0078) and left the ended ones out."""
    from sanxiang.portal.indexing import ref_of
    from sanxiang.portal.models import DecisionNumber
    from sanxiang.search.models import SearchEntry

    numbered = DecisionNumber.objects.select_related("publication", "agency")
    assert numbered.count() == Publication.objects.filter(public_version__isnull=False).count()
    refs = set(SearchEntry.objects.values_list("ref", flat=True))
    for row in numbered:
        live = row.publication.status != "expired"
        assert (ref_of(row.agency.code, row.number) in refs) == live, row.publication
        if row.publication.status == "withdrawn":
            words = SearchEntry.objects.get(ref=ref_of(row.agency.code, row.number)).summary
            assert words.startswith("【已撤下】") and row.publication.withdrawal_reason in words


def test_the_demo_withdrawal_notices_name_the_decisions_kind(demo):
    """defects10 (s22) #12: every demo withdrawal said 「该行政处罚决定…」, also for a 行政强制 decision."""
    from sanxiang.publicity.scope import kind_name

    withdrawn = Publication.objects.filter(status="withdrawn").select_related("obligation")
    assert withdrawn.exists()
    for pub in withdrawn:
        assert pub.withdrawal_reason.startswith(f"该{kind_name(pub.obligation.kind_label)}决定"), pub.withdrawal_reason


def test_the_hrss_penalty_is_published_with_its_issued_decisions_full_text(demo, client):
    """乌鲁木齐人社's profile requires the full text of a 普通程序 penalty's 决定书 (seed 003): the demo issues the
    决定书 before publishing, so its portal page shows the redacted full text (audit10 GAP 1)."""
    from sanxiang.portal.models import DecisionNumber
    from sanxiang.publicity.actions import decision_document, summary_warnings

    pub = Publication.objects.get(agency__code="urumqi-gxq-hrss", obligation__case__kind="penalty",
                                  obligation__case__procedure="general", public_version__isnull=False)
    doc = decision_document(pub.obligation.case)
    assert doc is not None and doc.status == "issued"
    shown = pub.shown()
    assert shown.full_text_from == doc.number and "未按规定建立职工名册" in shown.full_text
    assert not [w for w in summary_warnings(shown) if "全文" in w]
    number = DecisionNumber.objects.get(publication=pub).number
    page = client.get(f"/gk/urumqi-gxq-hrss/jueding/{number}/").content.decode()
    assert "行政处罚决定书全文" in page and doc.number in page and "依据该条例第三十三条予以处罚" in page
    assert "新疆北庭建筑劳务有限公司" in page  # the organisation is a registered fact, kept
    for person in ("李强",):  # the party's people (its legal representative here) are masked
        assert person not in page and "李某" in page


def test_the_demo_editors_span_leaves_the_violation_type_shown(demo, client):
    """The demo editor masks the party's own figure (货值金额), not the 案由: every demo summary and credit-export row
    shows its 违法行为类型 (audit10 observation 1)."""
    spans = 0
    for pub in Publication.objects.filter(public_version__isnull=False):
        version = pub.shown()
        assert "［已隐去］" not in (version.summary or {}).get("违法行为类型", ""), pub
        spans += sum(s["origin"] == "editor" for s in version.spans)
        for span in version.spans:
            if span["origin"] == "editor":
                assert version.original[span["start"]:span["end"]].startswith("货值金额")
    assert spans
    for spec in AGENCIES:
        body = client.get(f"/gk/{spec['code']}/data/credit-penalties.csv").content.decode("utf-8-sig")
        assert "已隐去" not in body and body.count("\n") > 1, spec["code"]


def test_a_cause_published_as_a_fact_drops_its_source_marker(demo):
    """人社's 案件事实 falls back to the cause (a 责令改正 records no 违法事实): published without 「（投诉）」 (audit10
    observation 4), as the 违法行为类型 and the 公示告知书 say it."""
    from sanxiang.publicity.actions import violation_type

    assert violation_type("涉嫌销售过期食品（投诉）") == "销售过期食品"
    assert violation_type("转办交办：涉嫌违法延长工作时间") == "违法延长工作时间"
    pub = Publication.objects.get(agency__code="urumqi-gxq-hrss", obligation__case__cause="未按规定支付加班费（投诉）")
    assert pub.public_version and pub.shown().fields["案件事实"] == "未按规定支付加班费"
    for version in PublicationVersion.objects.filter(publication__agency__code="urumqi-gxq-hrss"):
        facts = (version.fields or {}).get("案件事实", "")
        assert not facts.endswith(("（投诉）", "（举报）", "（检查发现）")), facts


def test_the_demos_seizures_of_preserved_goods_have_their_obligation(demo):
    """defects10g #5: the 扣押 decided on a 先行登记保存 (乌鲁木齐市场监管、株洲、泉州 立〔2026〕0006号) opens its 行政强制
    obligation — the new measure's, with the profile's deadline (泉州: 7 working days) — and the preservation none."""
    from sanxiang.cases.models import CoerciveMeasure
    from sanxiang.deadlines.engine import compute_due
    from sanxiang.deadlines.queries import get_calendar
    from sanxiang.publicity.scope import OTHER, SHORT

    seized = CoerciveMeasure.objects.filter(preserved_from__isnull=False).select_related("case__agency")
    assert {m.case.agency.code for m in seized} >= {"urumqi-gxq-amr", "zhuzhou-amr", "quanzhou-licheng-amr"}
    for m in seized:
        assert not PublicationObligation.objects.filter(
            decision_key__startswith=f"{m.ledger_type()}:{m.preserved_from_id}:").exists(), m
        [ob] = PublicationObligation.objects.filter(decision_key__startswith=f"{m.ledger_type()}:{m.pk}:")
        assert ob.decision == "coercive_measure.seal_or_seize" and ob.kind_label == "强制" and ob.case_id == m.case_id
        rule, count = (SHORT, 7) if m.case.agency.code == "quanzhou-licheng-amr" else (OTHER, 20)
        assert (ob.rule, ob.count, ob.unit, ob.decided_on) == (rule, count, "workdays", m.approved_on), m
        assert ob.obligation.due == compute_due(m.approved_on, count, "workdays", calendar=get_calendar()).due
