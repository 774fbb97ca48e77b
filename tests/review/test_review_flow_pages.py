"""The pages of the review's disagreement, consultation and inquiries (issue 9 §3–§4) through
Django's client: 乌鲁木齐人社's returned round is negotiated by the handling unit and then, the
negotiation failing, decided by the leaders with both opinions side by side — and the decision
counts for the gate; a 株洲 reviewer consults an outside 法律顾问 (time-limited access, the answer on
the consultation's page) and records an inquiry of the party. Every form calls its `do_*` action;
a refused form comes back with what was typed, the Chinese message beside the field and the
refusal's status, nothing written; those who may not act are told who does."""

import re

import pytest
from django.db import transaction
from flow_cast import make_flow_env, opinion, submitted_round

from sanxiang.cases import actions as C
from sanxiang.core.errors import RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.models import ReviewRound
from sanxiang.review.models_flow import Consultation, LeadershipDecision, Negotiation, ReviewInquiry

PUBLIC_INTEREST = {"penalties": ["warning", "fine"], "fine": "20000", "flags": ["public_interest"]}


def _fe(profile, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_flow_env(profile)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def hrss(django_db_setup, django_db_blocker):
    yield from _fe("urumqi-gxq-hrss", django_db_blocker)


@pytest.fixture(scope="module")
def zz(django_db_setup, django_db_blocker):
    yield from _fe("zhuzhou-amr", django_db_blocker)


def text(response) -> str:
    return response.content.decode()


def box(html: str, ident: str) -> str:
    """The <details id=ident> of a page (its form), or ""."""
    found = re.search(rf'<details[^>]*id="{ident}".*?</details>', html, re.S)
    return found.group(0) if found else ""


def written(*models):
    return (LedgerEntry.objects.count(), *[m.objects.count() for m in models])


def test_hrss_negotiates_then_the_leaders_decide_with_both_opinions_side_by_side(hrss, client, db):
    env = hrss.env
    rnd, day = submitted_round(hrss, conclude=PUBLIC_INTEREST)
    rnd = opinion(hrss, rnd, agree=False, day=day)
    url = f"/review/rounds/{rnd.pk}/"

    client.force_login(env.leader)
    page = text(client.get(url))
    assert box(page, "round-leadership") == ""  # not before a failed negotiation
    assert "记录局领导研究决定：须先协商沟通" in page

    client.force_login(env.head)  # the handling unit
    page = text(client.get(url))
    assert "记录审核意见协商沟通" in box(page, "round-negotiate") and "记录局领导研究决定：须先协商沟通" in page
    before = written(Negotiation)
    refused = client.post(f"{url}negotiate/", {"participants": "赵科长", "agreed": "no", "text": "承办机构坚持原意见。"})
    assert refused.status_code == 400 and written(Negotiation) == before
    form = box(text(refused), "round-negotiate")
    assert "至少 2 人" in form and ">赵科长</textarea>" in form and "承办机构坚持原意见。" in form
    assert 'value="no" checked' in form
    done = client.post(f"{url}negotiate/", {"participants": "赵科长、钱审核", "agreed": "no", "text": "仍不一致。"})
    assert done.status_code == 302
    row = Negotiation.objects.get(round=rnd)
    assert row.participants == ["赵科长", "钱审核"] and row.agreed is False
    assert box(text(client.get(url)), "round-leadership") == ""  # the head does not record the leaders' decision

    client.force_login(env.leader)
    page = text(client.get(url))
    assert "协商沟通" in page and "未达成一致" in page and "赵科长、钱审核" in page
    form = box(page, "round-leadership")
    assert "承办机构意见" in form and "法制审核机构意见" in form and 'id="round-two-opinions"' in form
    assert "事实不清，建议补充调查。" in form  # the review's opinion, offered for the leaders
    assert all(f'name="deciders" value="{leader.pk}"' in form for leader in hrss.leaders)
    assert all(f'name="decider-position-{leader.pk}"' in form for leader in hrss.leaders)
    first, second = hrss.leaders[0].pk, hrss.leaders[1].pk
    asked = {"handling_opinion": "承办机构认为事实清楚，证据确凿。", "review_opinion": "审核机构认为证据不足。",
             "deciders": [env.head.pk], "outcome": "as_proposed", "text": "按拟作出的决定作出。",
             f"decider-position-{first}": "agree", f"decider-text-{first}": "证据已能相互印证。",
             f"decider-position-{second}": "disagree", f"decider-text-{second}": "应补充调取台账。"}
    before = written(LeadershipDecision)
    refused = client.post(f"{url}leadership/", asked)
    assert refused.status_code == 400 and written(LeadershipDecision) == before
    form = box(text(refused), "round-leadership")
    assert "负责人（单位领导）" in form and "承办机构认为事实清楚，证据确凿。" in form
    assert '<option value="as_proposed" selected>' in form
    # the leaders' positions are kept as typed; a decision against them is refused
    assert "证据已能相互印证。" in form and '<option value="disagree" selected>' in form
    against = client.post(f"{url}leadership/", {**asked, "deciders": [first, second]})
    assert against.status_code == 400 and "研究决定与参加研究的负责人的意见不一致" in text(against)
    assert written(LeadershipDecision) == before
    with pytest.raises(RuleViolation):
        C.do_decide_case(rnd.review.case, actor=env.head, on=day)  # the review said no, nothing decided yet
    assert client.post(f"{url}leadership/", {**asked, "deciders": [first, second],
                                              f"decider-position-{second}": "agree"}).status_code == 302
    row = LeadershipDecision.objects.get(round=rnd)
    assert row.outcome == "as_proposed" and [d["user"] for d in row.deciders] == [first, second]
    assert [(d["position"], d["text"]) for d in row.deciders] == [("agree", "证据已能相互印证。"),
                                                                  ("agree", "应补充调取台账。")]
    history = text(client.get(url))
    assert "局领导研究决定" in history and "按承办机构拟作出的决定作出" in history
    assert "<td>承办机构认为事实清楚，证据确凿。</td><td>审核机构认为证据不足。</td>" in history
    assert "（同意拟作出的决定：证据已能相互印证。）" in history  # each leader's position on the page
    case_page = text(client.get(f"/cases/{rnd.review.case.pk}/"))
    assert "审核机构认为证据不足。" in case_page  # the case page's section shows the rounds' history
    C.do_decide_case(rnd.review.case, actor=env.head, on=day)  # the leaders' decision counts for the gate


def test_a_zhuzhou_reviewer_consults_a_lawyer_and_inquires(zz, client, db):
    env = zz.env
    rnd, day = submitted_round(zz, today=True)
    url = f"/review/rounds/{rnd.pk}/"
    lawyer = zz.outsider_user

    client.force_login(env.officer)
    page = text(client.get(url))
    assert box(page, "round-consult") == "" and "法制审核征求意见、记录审核调查：由本轮的审核人员办理" in page
    before = written(Consultation)
    refused = client.post(f"{url}consult/", {"expertise": "法律顾问", "name": "周律师", "question": "裁量是否适当？"})
    assert refused.status_code == 403 and written(Consultation) == before
    assert "只有本轮的审核人员" in text(refused)  # said on top: the officer has no such form

    client.force_login(env.reviewer)
    form = box(text(client.get(url)), "round-consult")
    assert all(f'<option value="{e}"' in form for e in ("公职律师", "法律顾问", "行业专家"))
    late = rnd.due.replace(year=rnd.due.year + 1).isoformat()
    asked = {"expertise": "法律顾问", "name": "周律师", "organisation": "某某律师事务所", "user": lawyer.username,
             "access_until": late, "question": "本案裁量是否适当？"}
    refused = client.post(f"{url}consult/", asked)
    assert refused.status_code == 400 and written(Consultation) == before
    form = box(text(refused), "round-consult")
    assert "不能超过本轮审核的期限" in form and 'value="周律师"' in form and "本案裁量是否适当？" in form
    assert '<option value="法律顾问" selected>' in form
    refused = client.post(f"{url}consult/", {**asked, "access_until": "", "user": "nobody-such"})
    assert refused.status_code == 400 and "没有登录名为“nobody-such”的账号" in box(text(refused), "round-consult")
    assert client.post(f"{url}consult/", {**asked, "access_until": ""}).status_code == 302
    row = Consultation.objects.get(round=rnd)
    assert row.grant is not None and row.access_until == rnd.due
    page = text(client.get(url))
    assert "征求意见" in page and "周律师" in page and "尚未回复" in page and f"/review/consultations/{row.pk}/" in page

    client.force_login(lawyer)  # the consulted lawyer answers on the consultation's page, not the round's
    assert client.get(url).status_code == 404
    page = text(client.get(f"/review/consultations/{row.pk}/"))
    assert "本案裁量是否适当？" in page and 'id="consultation-answer"' in page and "返回审核轮次" not in page
    refused = client.post(f"/review/consultations/{row.pk}/", {"opinion": "", "on": "2020-01-01"})
    assert refused.status_code == 400 and "请填写意见" in text(refused) and 'value="2020-01-01"' in text(refused)
    assert client.post(f"/review/consultations/{row.pk}/", {"opinion": "裁量适当。"}).status_code == 302
    row.refresh_from_db()
    assert row.opinion == "裁量适当。" and row.opinion_on is not None
    other = make_flow_env("zhuzhou-amr").env.officer
    client.force_login(other)
    assert client.get(f"/review/consultations/{row.pk}/").status_code == 404  # another agency

    client.force_login(env.reviewer)
    form = box(text(client.get(url)), "round-inquiry")
    assert "向当事人了解情况、听取陈述申辩" in form and "会同承办机构调查取证" in form
    before = written(ReviewInquiry)
    refused = client.post(f"{url}inquiry/", {"kind": "", "persons": "当事人张三", "content": "询问进货来源。"})
    assert refused.status_code == 400 and written(ReviewInquiry) == before
    form = box(text(refused), "round-inquiry")
    assert "请选择调查方式" in form and 'value="当事人张三"' in form and "询问进货来源。" in form
    assert client.post(f"{url}inquiry/", {"kind": "inquiry", "persons": "当事人张三",
                                          "content": "询问进货来源。"}).status_code == 302
    assert "审核调查" in text(client.get(url)) and ReviewInquiry.objects.filter(round=rnd).count() == 1


def test_a_refused_form_keeps_what_was_typed(zz, client, db):
    """The case page's submission and the round's opinion: status 400, the words kept, the message
    beside the field."""
    env = zz.env
    rnd, day = submitted_round(zz, today=True)
    client.force_login(env.reviewer)
    refused = client.post(f"/review/rounds/{rnd.pk}/opinion/", {"opinion_kind": "agree", "text": "事实清楚，同意。"})
    assert refused.status_code == 400
    form = box(text(refused), "round-opinion")
    assert "尚未记录以下审核要点" in form and ">事实清楚，同意。</textarea>" in form
    assert ReviewRound.objects.get(pk=rnd.pk).status == "in_review"

    from cases_cast import reach

    from sanxiang.workflow import get_table

    case, _ = reach(env, get_table("penalty_general"), "concluded")
    client.force_login(env.officer)
    refused = client.post(f"/review/cases/{case.pk}/submit/", {"material-report": "provided", "note": "请审核（补正后）"})
    assert refused.status_code == 400 and not ReviewRound.objects.filter(review__case=case).exists()
    section = text(refused)
    form = box(section, "act-submit-review")
    assert "送审材料不齐全" in form and ">请审核（补正后）</textarea>" in form
    assert 'name="material-report" value="provided" checked' in form


def test_a_coordination_agency_negotiates_then_discusses_and_its_reviewer_does_not_inquire(django_db_blocker, client,
                                                                                          db):
    """乌鲁木齐市场监管: 协商 first, then (failing) 集体讨论 — no 局领导研究决定; 书面审核为主: no inquiry form."""
    amr = make_flow_env("urumqi-gxq-amr")
    env = amr.env
    rnd, day = submitted_round(amr, today=True)
    client.force_login(env.reviewer)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert box(page, "round-inquiry") == "" and "以书面审核为主，不向当事人调查" in page
    assert '<option value="政府法律顾问"' in box(page, "round-consult")
    rnd = opinion(amr, rnd, agree=False, day=day)
    client.force_login(env.leader)
    assert box(text(client.get(f"/review/rounds/{rnd.pk}/")), "round-discuss") == ""  # not before 协商
    client.force_login(env.head)
    assert client.post(f"/review/rounds/{rnd.pk}/negotiate/", {"participants": "赵科长\n钱审核", "agreed": "no",
                                                               "text": "未达成一致。"}).status_code == 302
    client.force_login(env.leader)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "存在重大分歧" in box(page, "round-discuss") and box(page, "round-leadership") == ""


def test_a_further_extension_is_decided_by_collective_discussion_on_the_round_page(zz, client, db):
    """株洲's penalty track: the first extension by the leader; a further one needs 负责人集体讨论 (decision
    0057), recorded with the extension from the round page's form — a refused form keeps what was typed."""
    from sanxiang.deadlines.models import ObligationExtension

    env = zz.env
    rnd, day = submitted_round(zz, today=True)
    url = f"/review/rounds/{rnd.pk}/"
    client.force_login(env.reviewer)
    form = box(text(client.get(url)), "round-extend")
    assert "延长审核期限" in form and "round-extend-discussion" not in form  # the first needs no discussion
    first = {"count": "3", "approver": str(env.leader.pk), "reason": "需要鉴定"}
    assert client.post(f"{url}extend/", first).status_code == 302
    form = box(text(client.get(url)), "round-extend")
    assert 'id="round-extend-discussion"' in form
    assert all(f'name="discussion-position-{u.pk}"' in form for u in zz.leaders)
    before = written(ObligationExtension)
    again = {"count": "2", "approver": str(env.leader.pk), "reason": "仍需时间"}
    refused = client.post(f"{url}extend/", again)
    assert refused.status_code == 400 and written(ObligationExtension) == before
    assert "须经负责人集体讨论决定" in box(text(refused), "round-extend")
    a, b, c = zz.leaders
    against = {**again, "discussion_held_on": str(day), "discussion_minutes": "局务会议：不同意再延期。",
               "discussion_attendees": [str(a.pk), str(b.pk), str(c.pk)],
               f"discussion-position-{a.pk}": "agree", f"discussion-text-{a.pk}": "案情复杂，同意延期。",
               f"discussion-position-{b.pk}": "disagree", f"discussion-position-{c.pk}": "disagree"}
    refused = client.post(f"{url}extend/", against)
    form = box(text(refused), "round-extend")
    assert refused.status_code == 400 and written(ObligationExtension) == before
    assert "集体讨论未同意延期" in form and "局务会议：不同意再延期。" in form and "案情复杂，同意延期。" in form
    assert '<option value="disagree" selected>' in form and f'value="{c.pk}" checked' in form
    agreed = {**against, "discussion_minutes": "局务会议：同意延长 2 个工作日。",
              f"discussion-position-{b.pk}": "agree"}
    assert client.post(f"{url}extend/", agreed).status_code == 302
    rnd.refresh_from_db()
    assert "经" in rnd.extension_reason and "负责人集体讨论决定" in rnd.extension_reason
    entry = LedgerEntry.objects.filter(action="extend_review").order_by("-index").first()
    assert "局务会议：同意延长 2 个工作日。" in entry.entry and "案情复杂，同意延期。" in entry.entry
