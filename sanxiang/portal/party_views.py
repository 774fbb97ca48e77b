"""The party's pages on the portal (issue 10 §5; decision 0072): 申请更正 and 提前停止公示 without an account.

The party identifies with the case number (案号 or 决定书文号) and the 公示查询码 printed on the 公示告知书
(`publicity.requests.identify`): a wrong pair gets one message that does not say which part was wrong,
and attempts are counted like logins. The forms post (the code never goes into an address, a log or the
page cache); the answers are rendered with `Cache-Control: no-store`. There is no session and no cookie,
so there is nothing for a forged cross-site request to ride on: the forms are exempt from the CSRF
cookie check (the pair in the body is the only authority, decision 0072).
"""

from __future__ import annotations

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sanxiang.accounts.throttle import client_address
from sanxiang.core.errors import RuleViolation
from sanxiang.publicity import requests as R

from .views import _agency, _page

FORMS = {"correct": "申请更正", "lookup": "查询办理结果", "stop": "申请提前停止公示"}


def _private(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _form(request, agency, *, act, values=None, errors=None, message="", result=None, status=200):
    title = FORMS.get(act, "申请更正")
    page = _page(request, "portal/party.html", agency, f"{title} · {agency.name}",
                 f"当事人凭案号和公示查询码向{agency.name}申请更正公示信息、申请提前停止公示，或查询办理结果。",
                 {"act": act, "values": values or {}, "errors": errors or {}, "message": message, "result": result,
                  "forms": FORMS}, status=status)
    return _private(page) if request.method == "POST" else page


@csrf_exempt
@require_http_methods(["GET", "POST"])
def party(request, agency):
    """/gk/<agency>/jiuzheng/: the three forms (申请更正, 申请提前停止公示, 查询办理结果) on one page."""
    agency = _agency(agency)
    act = request.GET.get("act", "correct") if request.method == "GET" else request.POST.get("act", "correct")
    if act not in FORMS:
        act = "correct"
    if request.method == "GET":
        return _form(request, agency, act=act)
    values = {k: (request.POST.get(k) or "").strip() for k in ("number", "code", "content", "contact", "statement")}
    values["code"] = ""  # never echoed back
    errors = {}
    if not values["number"]:
        errors["number"] = "请输入案号或决定书文号。"
    elif len(values["number"]) > 80:
        errors["number"] = "案号或决定书文号最多 80 个字符。"
    if not (request.POST.get("code") or "").strip():
        errors["code"] = "请输入公示告知书上的公示查询码。"
    if errors:
        return _form(request, agency, act=act, values=values, errors=errors, status=400)
    try:
        pub = R.identify(agency, values["number"], request.POST.get("code", ""),
                         address=client_address(request))
    except R.Throttled as exc:
        return _form(request, agency, act=act, values=values, message=exc.message, status=429)
    if pub is None:
        return _form(request, agency, act=act, values=values, message=R.WRONG_PAIR, status=400)
    try:
        if act == "correct":
            req = R.do_request_correction(pub, content=values["content"], contact=values["contact"])
            message = f"已收到您的更正申请（受理编号 {req.number}），本机关将于 {req.due:%Y年%-m月%-d日} 前核实并答复。"
        elif act == "stop":
            req = R.do_apply_early_stop(pub, statement=values["statement"], contact=values["contact"])
            message = f"已收到您的提前停止公示申请（受理编号 {req.number}），本机关将于 {req.due:%Y年%-m月%-d日} 前答复。"
        else:
            message = ""
    except RuleViolation as exc:
        field = exc.field if exc.field in ("content", "contact", "statement") else "number"
        return _form(request, agency, act=act, values=values, errors={field: exc.message}, status=400)
    return _form(request, agency, act=act, values={"number": values["number"]}, message=message,
                 result=R.party_view(pub))
