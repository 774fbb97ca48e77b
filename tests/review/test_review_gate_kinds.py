"""The gate on the other decisions: a 株洲 licence decided after a hearing needs a passed review
(审核范围 2）A、B) and follows the other-decisions track (材料 A—G, 意见 A—G); refused before, granted after."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from kinds_cast import make_kinds_env, new_kind_case, step  # noqa: E402

from sanxiang.cases import actions as C  # noqa: E402
from sanxiang.core.errors import NotPermitted, RuleViolation  # noqa: E402
from sanxiang.ledger.models import LedgerEntry  # noqa: E402
from sanxiang.review import procedure as P  # noqa: E402
from sanxiang.review.testing import all_points, sign_whole_chain  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

D = dt.date
LICENCE = get_table("licence_general")


@pytest.fixture(scope="module")
def zenv(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_kinds_env(profile_key="zhuzhou-amr")
        transaction.set_rollback(True)


def test_a_licence_after_a_hearing_is_granted_only_after_review(zenv, db):
    from sanxiang.records import catalogue, evidence

    case = new_kind_case(zenv, "licence", on=D(2026, 9, 1))
    step(zenv, LICENCE, case, "accept", D(2026, 9, 1))
    step(zenv, LICENCE, case, "start_review", D(2026, 9, 2))
    step(zenv, LICENCE, case, "order_hearing", D(2026, 9, 2))
    step(zenv, LICENCE, case, "notify_hearing", D(2026, 9, 3), hearing_on="2026-09-22")
    C.move_case(case, "hold_hearing", actor=zenv.reviewer, on=D(2026, 9, 22), record="听证已举行")
    for missing in catalogue.missing_recordings(case):
        evidence.do_explain_missing_recording(case, missing.occurrence.ref, reason="听证室未配备录像设备，全程书面记录",
                                              actor=zenv.officer)
    size = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation) as refused:
        step(zenv, LICENCE, case, "grant", D(2026, 9, 23))
    assert "法律、法规、规章规定应当听证的行政许可决定" in refused.value.message
    assert "明确审核范围 2）A" in refused.value.message and LedgerEntry.objects.count() == size
    case.refresh_from_db()
    materials = {c: "provided" for c in "ABCDEF"}  # G (其他材料) not applicable; E: the hearing record
    rnd = P.do_submit_review(case, materials=materials, actor=zenv.officer, on=D(2026, 9, 23))
    assert (rnd.review.track, rnd.review.track_label) == ("major", "重大行政执法决定法制审核")
    assert rnd.due == D(2026, 10, 14)  # 10 working days, 国庆 holidays skipped, 10-10 调休上班 counted
    rnd = P.do_assign_reviewer(rnd, reviewer=zenv.reviewer, actor=zenv.reviewer, on=D(2026, 9, 23))
    P.do_record_checklist(rnd, points=all_points(), actor=zenv.reviewer)
    assert "只能是" in pytest.raises(RuleViolation, P.do_record_opinion, rnd, kind="agree", text="同意",
                                     actor=zenv.reviewer, on=D(2026, 9, 24)).value.message
    P.do_record_opinion(rnd, kind="A", text="同意准予许可", actor=zenv.reviewer, on=D(2026, 9, 24))
    sign_whole_chain(rnd, head=zenv.head, on=D(2026, 9, 24))  # 株洲's 审核表 through 局长审批 (review/flow.py)
    case.refresh_from_db()
    assert step(zenv, LICENCE, case, "grant", D(2026, 9, 24)).status == "granted"


# ---- the later decisions: 变更、延续、撤销、注销许可 and the 处理决定 on seized goods -------------------------
# A catalogue rule may name them (condition part `decisions`); the gate asks `review_required` with the
# decision's own proposal (`proposal_of(case, decision=…)`) on every path, as for the first decision.

LATER_DECISIONS = [{"key": "licence_later_decisions", "label": "变更、延续、撤销、注销行政许可的决定",
                    "citation": "本局重大执法决定法制审核目录清单 第二条",
                    "condition": {"kinds": ["licence"],
                                  "decisions": ["change", "extension", "revocation", "deregistration"]}},
                   {"key": "seized_goods_disposal", "label": "对查封、扣押财物作出处理决定",
                    "citation": "本局重大执法决定法制审核目录清单 第三条",
                    "condition": {"kinds": ["coercion"], "decisions": ["disposal"]}}]


def _publish_later_decisions(agency, actor):
    from sanxiang.review.actions import do_adopt_catalogue_version
    from sanxiang.review.models import CatalogueVersion

    latest = CatalogueVersion.objects.filter(agency=agency).order_by("-version").first()
    rules = (latest.rules if latest else []) + LATER_DECISIONS
    return do_adopt_catalogue_version(agency, rules, effective_from="2026-09-01", reason="将许可后续决定和财物处理决定纳入审核",
                                      actor=actor)


def _pass_review(env, case, decision, day, *, materials=None, chain=True):
    rnd = P.do_submit_review(case, decision=decision, materials=materials or {c: "provided" for c in "ABCDEF"},
                             actor=env.officer, on=day)
    assert rnd.proposal["decision"] == decision
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.reviewer, on=day)
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind=P.track_of_case(case, rnd.proposal["kind"], day).agree, text="同意", actor=env.reviewer,
                        on=day)
    if chain:
        sign_whole_chain(rnd, head=env.head, on=day)
    case.refresh_from_db()
    return rnd


def _refused(call, *texts):
    size = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation) as refused:
        call()
    for text in texts:
        assert text in refused.value.message, refused.value.message
    assert LedgerEntry.objects.count() == size
    return refused.value


def test_licence_change_extension_revocation_and_deregistration_each_need_their_own_review(zenv, db):
    _publish_later_decisions(zenv.agency, zenv.reviewer)
    case = new_kind_case(zenv, "licence", on=D(2026, 9, 1))
    step(zenv, LICENCE, case, "accept", D(2026, 9, 1))
    step(zenv, LICENCE, case, "start_review", D(2026, 9, 2))
    step(zenv, LICENCE, case, "grant", D(2026, 9, 2))  # no hearing, no flag: the grant needs no review
    step(zenv, LICENCE, case, "issue_certificate", D(2026, 9, 3), valid_until="2026-12-31")
    rule = "变更、延续、撤销、注销行政许可的决定（本局重大执法决定法制审核目录清单 第二条）"
    _refused(lambda: step(zenv, LICENCE, case, "change_licence", D(2026, 9, 7)), rule, "尚未进行法制审核")
    _pass_review(zenv, case, "change", D(2026, 9, 7))
    assert step(zenv, LICENCE, case, "change_licence", D(2026, 9, 8)).licence_changes[-1]["on"] == "2026-09-08"
    # the agreed 变更 does not open the 延续: its own proposal, its own round
    step(zenv, LICENCE, case, "apply_extension", D(2026, 9, 14))
    _refused(lambda: step(zenv, LICENCE, case, "grant_extension", D(2026, 9, 15)), rule, "尚未进行法制审核")  # no round of the 延续 yet
    _refused(lambda: step(zenv, LICENCE, case, "refuse_extension", D(2026, 9, 15)), rule)
    _pass_review(zenv, case, "extension", D(2026, 9, 15))
    assert step(zenv, LICENCE, case, "grant_extension", D(2026, 9, 16)).licence_valid_until == D(2036, 9, 30)
    _refused(lambda: step(zenv, LICENCE, case, "revoke", D(2026, 9, 17)), rule)
    rnd = _pass_review(zenv, case, "revocation", D(2026, 9, 17))
    assert "changes_decision" in rnd.proposal["flags"]  # 撤销 changes the decision that granted it
    assert step(zenv, LICENCE, case, "revoke", D(2026, 9, 18)).status == "revoked"
    _refused(lambda: step(zenv, LICENCE, case, "deregister", D(2026, 9, 21)), rule)
    _pass_review(zenv, case, "deregistration", D(2026, 9, 21))
    assert step(zenv, LICENCE, case, "deregister", D(2026, 9, 22)).status == "deregistered"
    review = case.legal_reviews.get(decision_kind="licence")
    assert [r.proposal.get("decision") for r in review.rounds.order_by("number")] == [
        "change", "extension", "revocation", "deregistration"]


def test_a_later_decision_is_submitted_only_when_it_can_be_made(zenv, db):
    case = new_kind_case(zenv, "licence", on=D(2026, 9, 1))
    step(zenv, LICENCE, case, "accept", D(2026, 9, 1))
    materials = {c: "provided" for c in "ABCDEF"}
    _refused(lambda: P.do_submit_review(case, decision="revocation", materials=materials, actor=zenv.officer,
                                        on=D(2026, 9, 2)), "不能提交“撤销许可”决定的法制审核")
    _refused(lambda: P.do_submit_review(case, decision="disposal", materials=materials, actor=zenv.officer,
                                        on=D(2026, 9, 2)), "没有在执行中的查封、扣押")
    _refused(lambda: P.do_submit_review(case, decision="renewal", materials=materials, actor=zenv.officer,
                                        on=D(2026, 9, 2)), "未知的决定事项")


def test_the_catalogue_answers_a_later_decision_only_where_a_rule_names_it(zenv, db):
    from sanxiang.cases.review_gate import proposal_of, review_required

    case = new_kind_case(zenv, "licence", on=D(2026, 9, 1))
    # 株洲's seeded licence rules (hearing, public interest) do not reach a 延续 without them
    assert review_required(case, proposal_of(case, decision="extension"), on=D(2026, 9, 2)) == (False, [])
    _publish_later_decisions(zenv.agency, zenv.reviewer)
    required, rules = review_required(case, proposal_of(case, decision="extension"), on=D(2026, 9, 2))
    assert required and [r["key"] for r in rules] == ["licence_later_decisions"]
    assert review_required(case, proposal_of(case), on=D(2026, 9, 2)) == (False, [])  # the grant: not named


@pytest.fixture(scope="module")
def cenv(django_db_setup, django_db_blocker):
    from cases_cast import make_env

    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env()
        transaction.set_rollback(True)


def test_decisions_on_seized_goods_need_the_disposal_review(cenv, db):
    from coercion_cast import in_force, proposed

    from sanxiang.cases.kinds import coercion as K

    _publish_later_decisions(cenv.agency, cenv.reviewer)
    m = in_force(cenv, day=D(2026, 9, 1))
    first = m.items.get()
    rule = "对查封、扣押财物作出处理决定（本局重大执法决定法制审核目录清单 第三条）"
    _refused(lambda: K.do_decide_seized_item(first, outcome="returned", basis="与违法行为无关", on=D(2026, 9, 3),
                                             actor=cenv.head), rule)
    _refused(lambda: K.do_dispose_measure(m, outcome="destroy", note="食品安全法第一百二十四条，已变质", on=D(2026, 9, 3),
                                          actor=cenv.head), rule)
    materials = {m.code: "provided" for m in P.track_of_case(m.case, "coercion", D(2026, 9, 3)).materials}
    rnd = _pass_review(cenv, m.case, "disposal", D(2026, 9, 3), materials=materials, chain=False)
    assert rnd.review.decision_kind == "coercion" and rnd.proposal["kind"] == "coercion"
    K.do_decide_seized_item(first, outcome="returned", basis="与违法行为无关", on=D(2026, 9, 4), actor=cenv.head)
    first.refresh_from_db()
    assert first.disposal == "returned"
    sale = proposed(cenv, kind="seize", day=D(2026, 9, 7))
    K.do_approve_measure(sale, actor=cenv.head, on=D(2026, 9, 7))
    assert sale.case.pk != m.case.pk  # another case: its own review
    K.do_implement_measure(sale, actor=cenv.officer, on=D(2026, 9, 7), **__import__("coercion_cast").on_site(sale.case))
    _refused(lambda: K.move_measure(sale, "sell_item", actor=cenv.head, on=D(2026, 9, 8), item=sale.items.get().pk,
                                    method="auction", proceeds="300", ground="鲜活易腐"), rule)


def test_every_later_decision_move_carries_the_gate():
    """No path around: pages, API, CLI and imports all move through these tables, whose guards ask."""
    from sanxiang.cases.kinds import coercion as K
    from sanxiang.cases.kinds import licence as L

    licence = {t.action: t.guards for t in LICENCE.transitions}
    assert L.change_review_passed in licence["change_licence"]
    assert L.extension_review_passed in licence["grant_extension"]
    assert L.extension_review_passed in licence["refuse_extension"]
    assert L.revocation_review_passed in licence["revoke"]
    assert L.deregistration_review_passed in licence["deregister"]
    for t in K.MEASURE.transitions:
        if t.action in ("dispose", "decide_item", "sell_item"):
            assert K.disposal_review_passed in t.guards, t.action


def test_the_case_page_offers_the_review_of_a_later_decision_the_catalogue_requires(zenv, db, client):
    from django.urls import reverse

    case = new_kind_case(zenv, "licence", on=D(2026, 9, 1))
    step(zenv, LICENCE, case, "accept", D(2026, 9, 1))
    step(zenv, LICENCE, case, "start_review", D(2026, 9, 2))
    step(zenv, LICENCE, case, "grant", D(2026, 9, 2))
    step(zenv, LICENCE, case, "issue_certificate", D(2026, 9, 3), valid_until="2026-12-31")
    client.force_login(zenv.officer)
    page = reverse("cases:detail", args=[case.pk])
    seeded = client.get(page).content.decode()
    for decision in ("change", "revocation", "deregistration"):  # 株洲's seed: 5）F 改变原行政执法决定 (decision 0082)
        assert f"act-submit-review-{decision}" in seeded
    _publish_later_decisions(zenv.agency, zenv.reviewer)
    html = client.get(page).content.decode()
    for decision, label in (("change", "变更许可"), ("revocation", "撤销许可"), ("deregistration", "注销许可")):
        assert f"act-submit-review-{decision}" in html and f"提交“{label}”决定的法制审核" in html
    assert "act-submit-review-extension" not in html  # no extension applied for
    post = {"decision": "revocation", "note": "以欺骗手段取得许可", "on": "2026-09-07",
            **{f"material-{c}": "provided" for c in "ABCDEF"}, "material-G": "not_applicable"}
    client.post(reverse("review:submit", args=[case.pk]), post)
    rnd = P.latest_round_of(case, "licence")
    assert rnd.proposal["decision"] == "revocation" and rnd.submitted_on == D(2026, 9, 7)


def test_the_api_submits_a_later_decision_and_refuses_an_unknown_one(zenv, db, client):
    case = new_kind_case(zenv, "licence", on=D(2026, 9, 1))
    step(zenv, LICENCE, case, "accept", D(2026, 9, 1))
    step(zenv, LICENCE, case, "start_review", D(2026, 9, 2))
    step(zenv, LICENCE, case, "grant", D(2026, 9, 2))
    step(zenv, LICENCE, case, "issue_certificate", D(2026, 9, 3), valid_until="2026-12-31")
    client.force_login(zenv.officer)
    body = {"case": str(case.pk), "materials": {**{c: "provided" for c in "ABCDEF"}, "G": "not_applicable"},
            "on": "2026-09-07"}
    size = LedgerEntry.objects.count()
    refused = client.post("/api/v1/reviews/", {**body, "decision": "renewal"}, content_type="application/json")
    assert refused.status_code == 400 and "未知的决定事项" in refused.json()["message"]
    refused = client.post("/api/v1/reviews/", {**body, "decision": "extension"}, content_type="application/json")
    assert refused.status_code == 400 and "不能提交“延续许可”决定的法制审核" in refused.json()["message"]
    assert LedgerEntry.objects.count() == size
    made = client.post("/api/v1/reviews/", {**body, "decision": "change"}, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert P.latest_round_of(case, "licence").proposal["decision"] == "change"


# ---- no path around the gate: a submitted review binds the decision (tester9 findings 1, 2, 9) ------

def _pingluo_round(flags=("public_interest",)):
    from flow_cast import make_flow_env, submitted_round

    fe = make_flow_env("pingluo-commerce")  # Art.58 only: the flag is the whole reason for review
    rnd, day = submitted_round(fe, conclude={"penalties": ["fine"], "fine": "20000", "flags": list(flags)})
    return fe, rnd, day


def _revise(fe, case, flags):
    case.refresh_from_db()
    return C.do_revise_case_proposal(case, version=case.version, penalties=["fine"], fine="20000", flags=flags,
                                     actor=fe.env.officer)


def test_a_returned_review_is_not_escaped_by_dropping_the_flag(db):
    from flow_cast import opinion

    fe, rnd, day = _pingluo_round()
    opinion(fe, rnd, agree=False, day=day)
    case = rnd.review.case
    _revise(fe, case, [])  # allowed after the opinion: it reopens review, it does not end it
    case.refresh_from_db()
    refused = pytest.raises(RuleViolation, C.do_decide_case, case, actor=fe.env.head, on=day).value.message
    assert "已提交法制审核" in refused and "行政处罚法第五十八条" in refused and "须重新审核" in refused
    case.refresh_from_db()
    assert case.status != "decided"


def test_an_agreed_review_binds_the_decision_it_reviewed(db):
    from flow_cast import opinion

    fe, rnd, day = _pingluo_round()
    opinion(fe, rnd, agree=True, day=day)
    case = rnd.review.case
    _revise(fe, case, [])  # a different decision (flags) than the one agreed
    case.refresh_from_db()
    assert "须重新审核" in pytest.raises(RuleViolation, C.do_decide_case, case, actor=fe.env.head,
                                        on=day).value.message
    _revise(fe, case, ["public_interest"])  # back to exactly the agreed proposal
    case.refresh_from_db()
    assert C.do_decide_case(case, actor=fe.env.head, on=day).status == "decided"


def test_an_open_round_holds_the_proposal_and_only_a_head_withdraws_it(db):
    fe, rnd, day = _pingluo_round()
    case = rnd.review.case
    assert "须由承办机构负责人或单位领导撤回送审" in pytest.raises(RuleViolation, _revise, fe, case, []).value.message
    case.refresh_from_db()
    assert "法制审核尚未完成" in pytest.raises(RuleViolation, C.do_decide_case, case, actor=fe.env.head,
                                           on=day).value.message
    with pytest.raises((RuleViolation, NotPermitted)):
        P.do_withdraw_review(rnd, reason="拟改变处理意见", actor=fe.env.officer, on=day)  # the handler alone: no
    rnd.refresh_from_db()
    assert rnd.status == "in_review"
    size = LedgerEntry.objects.filter(action="withdraw_reviewround").count()
    P.do_withdraw_review(rnd, reason="经复核不属疑难复杂案件", actor=fe.env.head, on=day)
    assert LedgerEntry.objects.filter(action="withdraw_reviewround").count() == size + 1
    _revise(fe, case, [])  # withdrawn: the review no longer binds, and Art.58 no longer applies
    case.refresh_from_db()
    assert C.do_decide_case(case, actor=fe.env.head, on=day).status == "decided"


def _coercion_round(env, subject, day, **named):
    from sanxiang.review.testing import all_points, sign_whole_chain

    rnd = P.do_submit_review(subject.case, kind="coercion", materials={c: "provided" for c in "ABCDF"},
                             actor=env.officer, on=day, **named)
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.reviewer, on=day)
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind="A", text="同意", actor=env.reviewer, on=day)
    sign_whole_chain(rnd, head=env.head, on=day)
    return rnd


def test_a_coercion_review_covers_only_the_measure_it_names(db):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
    from cases_cast import make_env
    from coercion_cast import proposed

    from sanxiang.cases.kinds import coercion as K
    from sanxiang.cases.models import Case

    env = make_env(profile_key="zhuzhou-amr")
    day = D(2026, 9, 21)
    first = proposed(env, day=day)
    case = first.case
    Case.objects.filter(pk=case.pk).update(review_flags=["party_major_impact"])  # 株洲 审核范围: major impact
    rnd = _coercion_round(env, first, day)
    assert rnd.proposal["measure"]["id"] == first.pk and rnd.proposal["measure"]["kind"] == "seal"
    assert K.do_approve_measure(first, actor=env.head, on=day).status == "approved"
    second = proposed(env, case=case, kind="seize", day=day, items=3)
    refused = pytest.raises(RuleViolation, K.do_approve_measure, second, actor=env.head, on=day).value.message
    assert "尚未进行法制审核" in refused or "须重新审核" in refused
    third = proposed(env, case=case, day=day)
    assert "请指明" in pytest.raises(RuleViolation, P.do_submit_review, case, kind="coercion",
                                     materials={c: "provided" for c in "ABCDF"}, actor=env.officer,
                                     on=day).value.message  # two measures await approval
    _coercion_round(env, second, day, measure=second)
    assert K.do_approve_measure(second, actor=env.head, on=day).status == "approved"
    assert "法制审核" in pytest.raises(RuleViolation, K.do_approve_measure, third, actor=env.head,
                                       on=day).value.message


def test_sealing_preserved_goods_is_gated_like_any_coercion_decision(db):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
    from cases_cast import make_env
    from coercion_cast import in_force

    from sanxiang.cases.kinds import coercion as K
    from sanxiang.cases.models import Case, MeasureKind

    env = make_env(profile_key="zhuzhou-amr")
    day = D(2026, 9, 21)
    kept = in_force(env, kind=MeasureKind.PRESERVATION, day=day)
    Case.objects.filter(pk=kept.case.pk).update(review_flags=["party_major_impact"])
    refused = pytest.raises(RuleViolation, K.do_seal_or_seize_preserved, kept, kind="seize", reason="经检验不合格",
                            actor=env.head, on=day).value.message
    assert "法制审核" in refused
    assert "须写明查封或者扣押" in pytest.raises(RuleViolation, P.do_submit_review, kept.case, kind="coercion",
                                              materials={c: "provided" for c in "ABCDF"}, measure=kept,
                                              actor=env.officer, on=day).value.message
    _coercion_round(env, kept, day, measure=kept, measure_kind="seal")
    with pytest.raises(RuleViolation):  # the review was of 查封, not 扣押
        K.do_seal_or_seize_preserved(kept, kind="seize", reason="经检验不合格", actor=env.head, on=day)
    assert K.do_seal_or_seize_preserved(kept, kind="seal", reason="经检验不合格", actor=env.head,
                                        on=day).kind == "seal"
