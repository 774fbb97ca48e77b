"""The party's demo rows (decision 0072), after the publications demo: for each seed market-supervision
agency with published penalty decisions, the 公示查询码 printed on the first one's 决定书 (or its 公示告知书)
shown here, so the portal's /gk/<agency>/jiuzheng/ can be tried with the code on the paper, a correction request answered (refused, with reasons and
remedies), one pending, and an early stop on application checked and approved by the head where the
profile's minimum period has passed (else the application is left pending or not made, and said so).
Through the actions; safe to re-run (an agency with requests is left alone)."""

from __future__ import annotations


def printed_code(pub, head) -> str:
    """The code the party holds: the one printed on the case's 决定书 (made by the documents demo before this
    one) — never a fresh one, which would kill it (s23 defects10 #1); none printed yet: the 公示告知书 made
    now prints one (the decision documents made later print the same, decision 0078)."""
    from sanxiang.core.errors import SanxiangError

    from . import notices
    from . import requests as R

    code = notices.printed_code(pub)
    if not code:
        try:
            notices.do_make_publicity_notice(pub, actor=head, keep_code=True)
        except SanxiangError:
            return R.issue_party_code(pub, actor=head)
        code = notices.printed_code(pub)
    return code


def load(stdout):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sanxiang.core.errors import SanxiangError
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.orgs.models import Agency

    from . import requests as R
    from .models import Publication, PublicationStatus
    from .party_models import CorrectionRequest

    users = get_user_model().objects
    today, lines = timezone.localdate(), []
    for spec in AGENCIES:
        agency = Agency.objects.filter(code=spec["code"]).first()
        if agency is None or CorrectionRequest.objects.filter(agency=agency).exists():
            continue
        editor = users.filter(username=f"{spec['prefix']}-publicity").first()
        head = users.filter(username=f"{spec['prefix']}-head").first()
        shown = list(Publication.objects.filter(agency=agency, obligation__kind_label="处罚", status__in=(
            PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED)).select_related("obligation__case")
            .order_by("id"))
        if editor is None or head is None or not shown:
            continue
        first = shown[0]
        code = printed_code(first, head)
        answered = R.do_request_correction(first, content="公示的当事人住所地有误，应为登记的住所。", contact="0731-00000000",
                                           on=first.published_on)
        R.do_answer_correction(answered, accept=False, answer="经核实，公示内容与送达的行政处罚决定书一致，住所已按规定隐去详细地址。",
                               remedies=R.REMEDIES_DEFAULT, actor=editor, on=first.published_on)
        R.do_request_correction(first, content="罚款数额与决定书不一致，请核实。", contact="0731-00000001")
        lines.append(f"当事人申请（{agency.name}）：案号 {first.obligation.case.number}，公示查询码 {R.format_code(code)}"
                     f"（公开门户 /gk/{agency.code}/jiuzheng/）；更正申请已答复 1 件、待答复 1 件")
        rules = None
        for pub in shown[1:] + shown[:1]:
            rules = R.early_stop_rules(pub, today)
            if rules["failures"]:
                continue
            try:
                stop = R.do_apply_early_stop(pub, statement="已缴清罚款，已整改并消除影响，未再受同类处罚，未列入严重违法失信名单。",
                                             contact="0731-00000002", on=today)
                R.do_check_early_stop(stop, checks={c["code"]: (True, "经核实符合（演示）") for c in stop.checks},
                                      actor=editor)
                R.do_decide_early_stop(stop, approve=True, reasons="当事人已履行处罚决定并消除不良影响，符合提前停止公示条件。",
                                       actor=head, on=today)
                lines.append(f"  提前停止公示：{pub.obligation.case.number} 已批准并停止公示（{stop.number}）")
            except SanxiangError as exc:
                lines.append(f"  提前停止公示未演示：{exc.message}")
            break
        else:
            if rules and rules["conditions"]:
                lines.append(f"  提前停止公示未演示：{rules['failures'][0]}")
    del stdout
    return lines
