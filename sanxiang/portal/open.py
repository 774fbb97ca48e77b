"""开放数据、信用公示导出、订阅与嵌入 (issue 10 §7; decision 0071): the portal's machine-readable side.

Public and session-less like the rest of `/gk/` (nothing read from the request but the address):

* `/gk/<a>/jueding/<n>/proof.json` — a published decision's inclusion proof (publicity/proofs.py);
* `/gk/<a>/data/decisions.json|csv` — published decisions, the shown version's public fields; withdrawn
  and expired ones with their notice only;
* `/gk/<a>/data/random-inspections.json|csv` — 双随机抽查结果 published under the entity's name;
* `/gk/<a>/data/credit-penalties.csv|xlsx`, `/gk/<a>/data/credit-inspections.csv|xlsx` — the same
  in the columns of the 国家企业信用信息公示系统 (行政处罚信息, 抽查检查结果);
* `/gk/<a>/feed.xml` (Atom) and `/gk/<a>/embed/` (an iframe-able list for a portal column or an
  e-screen, no JavaScript).

Never in any of them: a database id, an account, the original (unredacted) text, a natural person's
identifiers. CSV is UTF-8 with a BOM (Excel opens it as UTF-8).
"""

from __future__ import annotations

import csv
import io
import json

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.clickjacking import xframe_options_exempt

from sanxiang.core.public import download_disposition, public_url
from sanxiang.publicity.queries import STOPPED_EARLY

from . import queries

SHOWN = ("published", "corrected")  # PublicationStatus values whose text the portal shows
EMBED_ROWS = 10
FEED_ROWS = 50


def _agency(code):
    agency = queries.agency(code)
    if agency is None:
        raise Http404("未找到该机关。")
    return agency


# ---- the decision's public number ----------------------------------------------------------------

def _numbered() -> bool:
    """Whether decision 0070's public numbers exist (portal.DecisionNumber, `pub.public_number`)."""
    from sanxiang.publicity.models import Publication

    return any(getattr(f, "related_name", None) == "public_number" for f in Publication._meta.related_objects)


def public_number(pub) -> int:
    """The number `n` of `/gk/<agency>/jueding/<n>/`: the per-agency public number of decision 0070
    (`DecisionNumber`, given at the first publication). Without it (this branch alone) the
    publication's key stands in — the lead's merge with s21-portaldec makes it the public number."""
    numbered = getattr(pub, "public_number", None) if _numbered() else None
    return numbered.number if numbered is not None else pub.pk


def publication_at(agency, n: int):
    from sanxiang.publicity.models import Publication

    rows = Publication.objects.filter(agency=agency, public_version__isnull=False).select_related(
        "agency", "obligation__case")
    return rows.filter(public_number__number=n).first() if _numbered() else rows.filter(pk=n).first()


def decision_url(agency_code: str, n: int) -> str:
    try:
        return public_url(reverse("portal:decision", args=[agency_code, n]))
    except NoReverseMatch:
        return ""


# ---- 1. proof.json -------------------------------------------------------------------------------

def proof(request, agency, n):
    from sanxiang.publicity.proofs import Unavailable, proof_of

    agency = _agency(agency)
    pub = publication_at(agency, n)
    if pub is None:
        return JsonResponse({"code": "not_found", "message": "未找到该决定信息。", "field": None, "reasons": []}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    try:
        data = proof_of(pub)
    except Unavailable as gone:
        status = {"withdrawn": 410, "expired": 410, "pending": 503, "no_checkpoint": 503}.get(gone.code, 404)
        # the API's one error shape {code, message, field, reasons}, with the notice's own keys
        response = JsonResponse({"code": gone.code, "message": gone.message, "field": None, "reasons": [],
                                 **gone.extra}, status=status,
                                json_dumps_params={"ensure_ascii": False})
        if "retry_after" in gone.extra:
            response["Retry-After"] = str(gone.extra["retry_after"])
        return response
    data = {"decision": decision_url(agency.code, n),
            "how_to_verify": public_url(reverse("portal:verify-howto", args=[agency.code])), **data}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Cache-Control"] = "public, max-age=30"
    return response


def verify_howto(request, agency):
    """如何独立核验 — the steps of docs/ledger.md, for citizens (no JavaScript)."""
    from .views import _page

    agency = _agency(agency)
    return _page(request, "portal/verify_howto.html", agency, "如何独立核验公示的行政执法决定",
                 "用 sha256sum 和不由本系统编写的 RFC 6962 验证程序核对一条公示决定确实记入了签名账本。",
                 {"checkpoint_url": public_url("/api/v1/ledger/checkpoint"),
                  "vkey_note": "验签公钥请从机关公布的渠道（政府网站公告、纸质公告）取得，不要只信任本页。"})


# ---- 2. open data --------------------------------------------------------------------------------

def _publications(agency, limit: int | None = None):
    """(row of published_decisions(), Publication) pairs of `agency`, newest first; the newest `limit`
    read by the database when the function pages (decision 0070's `limit=`), else cut here."""
    import inspect

    from sanxiang.publicity.models import Publication
    from sanxiang.publicity.queries import published_decisions

    if limit is not None and "limit" in inspect.signature(published_decisions).parameters:
        rows = published_decisions(agency, limit=limit)
    else:
        rows = published_decisions(agency)[:limit]
    found = Publication.objects.filter(agency=agency).select_related("agency", "obligation__case")
    if rows and "id" not in rows[0]:  # decision 0070: rows carry the public number, not the key
        by = {p.public_number.number: p for p in found.filter(public_number__number__in=[r["number"] for r in rows])
              .select_related("public_number")}
        return [(r, by[r["number"]]) for r in rows if r["number"] in by]
    pubs = found.in_bulk([r["id"] for r in rows])
    return [(r, pubs[r["id"]]) for r in rows if r["id"] in pubs]


def _status_label(value: str) -> str:
    from sanxiang.publicity.models import PublicationStatus

    try:
        return PublicationStatus(value).label
    except ValueError:
        return value


def decision_record(row: dict, pub) -> dict:
    """One decision in the open data: the shown version's public fields; withdrawn or expired ones
    keep their notice (reason, day) and lose text, fields and summary."""
    shown = row.get("status") in SHOWN
    record = {
        "number": public_number(pub), "url": decision_url(row["agency"], public_number(pub)),
        "agency": row["agency_name"], "case": row["case"], "kind": row["kind"], "decision": row["decision"],
        "decided_on": row["decided_on"], "published_on": row["published_on"],
        "status": (row.get("notice") or {}).get("label") if row.get("stopped_early") or row.get("taken_down")
        else _status_label(row["status"]),
        "version": row.get("version"), "withdrawn": bool(row.get("withdrawn")), "expired": bool(row.get("expired")),
        "stopped_early": bool(row.get("stopped_early")), "taken_down": bool(row.get("taken_down")),
    }
    if shown:
        record.update({"fields": dict(row.get("fields") or {}), "summary": dict(row.get("summary") or {}),
                       "text": row.get("text") or "", "expires_on": row.get("expires_on")})
        if row.get("full_text"):  # the 决定书's full text where published (decision 0087)
            record["full_text"] = row["full_text"]
    if row.get("withdrawn"):
        record.update({"withdrawal_reason": row.get("withdrawal_reason") or "", "withdrawn_on": row.get("withdrawn_on")})
    if row.get("expired"):
        record["notice"] = "公示期满，已停止公示。"
    elif row.get("stopped_early"):  # the party's application granted (s24 defects10 #5): not 公示期满
        record["notice"] = f"{STOPPED_EARLY}。{(row.get('notice') or {}).get('reason') or ''}".strip()
    elif row.get("taken_down"):  # a head's take-down after the "may take down" period (decision 0094): not 公示期满
        notice = row.get("notice") or {}
        record.update({"notice": f"{notice.get('label')}。{notice.get('reason') or ''}".strip(),
                       "taken_down_on": notice.get("on"), "taken_down_reason": notice.get("reason") or ""})
    return record


def _generated() -> str:
    """When the file was made, in the installation's time zone (Beijing) like every other date here."""
    return timezone.localtime().isoformat(timespec="seconds")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A spreadsheet cell: None as empty, and text that a spreadsheet would run as a formula (a party
    registered as "=HYPERLINK(…)") kept as text with a leading apostrophe (OWASP CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(rows: list[list], filename: str, name: str) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # BOM: Excel reads the file as UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[_cell(v) for v in r] for r in rows])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = download_disposition(filename, name)
    response["Cache-Control"] = "public, max-age=60"
    return response


def _json(data, filename: str, name: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = download_disposition(filename, name, inline=True)
    response["Cache-Control"] = "public, max-age=60"
    return response


DECISION_COLUMNS = [("编号", "number"), ("执法机关", "agency"), ("案号", "case"), ("执法类别", "kind"),
                    ("决定", "decision"), ("决定日期", "decided_on"), ("公示日期", "published_on"),
                    ("公示状态", "status"), ("版本", "version")]


def decisions_data(request, agency, fmt):
    agency = _agency(agency)
    records = [decision_record(r, p) for r, p in _publications(agency)]
    generated = _generated()
    if fmt == "json":
        return _json({"agency": agency.name, "generated_at": generated, "decisions": records},
                     f"{agency.code}-decisions.json", f"{agency.name}行政执法决定.json")
    field_names = _union(r.get("fields", {}) for r in records)
    summary_names = _union(r.get("summary", {}) for r in records)
    # one name per column: the profile's published fields (执法机关, 执法类别 … again) under 「公开字段：」, as the
    # summary's under 「摘要：」 (audit10 observation 2, decision 0103); the JSON keeps them apart by nesting
    header = [c for c, _ in DECISION_COLUMNS] + [f"公开字段：{n}" for n in field_names] + [
        f"摘要：{n}" for n in summary_names] + [
        "公示内容", "撤下日期", "撤下理由", "页面地址"]
    lines = [header]
    for r in records:
        lines.append([r.get(k) for _, k in DECISION_COLUMNS]
                     + [r.get("fields", {}).get(n, "") for n in field_names]
                     + [r.get("summary", {}).get(n, "") for n in summary_names]
                     + [r.get("text", ""), r.get("withdrawn_on") or r.get("taken_down_on"),
                        r.get("withdrawal_reason") or r.get("taken_down_reason", ""), r["url"]])
    return _csv(lines, f"{agency.code}-decisions.csv", f"{agency.name}行政执法决定.csv")


def _union(dicts) -> list[str]:
    names: list[str] = []
    for d in dicts:
        names.extend(k for k in d if k not in names)
    return names


def _inspection(pub):
    case = pub.obligation.case
    return getattr(case, "inspection", None) if pub.obligation.kind_label == "检查" else None


def _org(pub):
    """The case's first registered party that is an organisation or an individual business (its
    registered facts are public, as the credit publicity system shows them), or None."""
    from sanxiang.publicity.scope import parties_of

    return next((p for p in parties_of(pub.obligation.case) if p.kind in ("org", "individual_business")), None)


def random_records(agency) -> list[dict]:
    """双随机抽查结果 published under the entity's name (shown ones only: a withdrawn result is not
    the entity's record any more)."""
    out = []
    for row, pub in _publications(agency):
        inspection = _inspection(pub)
        if inspection is None or inspection.source != "random" or row.get("status") not in SHOWN:
            continue
        org = _org(pub)
        out.append({
            "number": public_number(pub), "agency": row["agency_name"], "case": row["case"],
            "entity": org.name if org else (row.get("fields") or {}).get("执法对象", ""),
            "credit_code": org.credit_code if org else "",
            "type": inspection.get_source_display(), "inspected_on": (inspection.ended_on or inspection.started_on
                                                                       or inspection.planned_on).isoformat(),
            "result": inspection.get_result_display() if inspection.result else "",
            "conclusion": (row.get("fields") or {}).get("执法结论", ""), "published_on": row["published_on"],
            "url": decision_url(row["agency"], public_number(pub)),
        })
    return out


RANDOM_COLUMNS = [("编号", "number"), ("检查实施机关", "agency"), ("案号", "case"), ("市场主体名称", "entity"),
                  ("统一社会信用代码", "credit_code"), ("检查类型", "type"), ("检查日期", "inspected_on"),
                  ("检查结果", "result"), ("结论", "conclusion"), ("公示日期", "published_on"), ("页面地址", "url")]


def random_data(request, agency, fmt):
    agency = _agency(agency)
    records = random_records(agency)
    if fmt == "json":
        return _json({"agency": agency.name, "generated_at": _generated(),
                      "inspections": records}, f"{agency.code}-random-inspections.json",
                     f"{agency.name}双随机抽查结果.json")
    return _csv([[c for c, _ in RANDOM_COLUMNS]] + [[r[k] for _, k in RANDOM_COLUMNS] for r in records],
                f"{agency.code}-random-inspections.csv", f"{agency.name}双随机抽查结果.csv")


# ---- 3. 国家企业信用信息公示系统 columns ------------------------------------------------------------

# 行政处罚信息: 总局令第45号第4条's summary (文号, 当事人基本情况, 违法行为类型, 处罚内容, 机关名称和日期;
# legal-rules.md §4a, VERIFIED) in the labels the system displays, with the party's registered
# facts (名称, 统一社会信用代码, 法定代表人/负责人/经营者) — decision 0071 gives the sources.
CREDIT_PENALTY_COLUMNS = ["行政处罚决定书文号", "当事人名称", "统一社会信用代码", "法定代表人（负责人、经营者）",
                          "违法行为类型", "行政处罚内容", "作出行政处罚决定机关名称", "作出行政处罚决定日期", "公示日期",
                          "公示截止日期"]
# 抽查检查结果 (the system's 抽查检查信息 tab): 检查实施机关, 类型, 日期, 结果.
CREDIT_INSPECTION_COLUMNS = ["市场主体名称", "统一社会信用代码", "检查实施机关", "类型", "日期", "结果"]


def credit_penalties(agency) -> list[list]:
    """Shown penalty decisions (withdrawn and expired ones are off the system too); a 不予行政处罚决定 is no
    行政处罚信息 and has no row here (decision 0098)."""
    rows = []
    for row, pub in _publications(agency):
        if row.get("kind") != "处罚" or row.get("status") not in SHOWN:
            continue
        if pub.obligation.no_penalty:  # 不予行政处罚决定: no 行政处罚信息 (行政处罚法第二条; decision 0098)
            continue
        summary, fields = row.get("summary") or {}, row.get("fields") or {}
        name, code, person = _credit_party(pub)
        if not name:  # a natural person: the redacted name only (张某), no number
            name, code, person = fields.get("执法对象") or summary.get("当事人基本情况", ""), "", ""
        number = summary.get("决定书文号", "")
        number = "" if number.strip() in ("", "（未编号）") else number  # a data column: no placeholder (s23 #17)
        rows.append([number, name, code, person,
                     summary.get("违法行为类型") or _text_line(row.get("text") or "", "案由"),
                     summary.get("处罚内容") or fields.get("执法结论", ""), row["agency_name"], row["decided_on"],
                     row["published_on"], row.get("expires_on") or ""])
    return rows


def _text_line(text: str, label: str) -> str:
    """The value of the published (redacted) text's line `label：…`, or ""."""
    for line in text.splitlines():
        if line.startswith(f"{label}：") or line.startswith(f"{label}:"):
            return line[len(label) + 1:].strip()
    return ""


def _credit_party(pub) -> tuple[str, str, str]:
    """(名称, 统一社会信用代码, 法定代表人/负责人/经营者) of the organisation the shown version was redacted
    with, as that version publishes them: from the version's own context (not the live party row), each
    value redacted as the version's fields are (the editor's masked words, a masked role) — decision 0080.
    ("", "", "") when the version concerns no organisation."""
    from sanxiang.publicity.actions import _policy, mask_value

    version = pub.shown()
    context = (version.context or {}) if version is not None else {}
    org = context.get("organization")
    if not org or context.get("kind") not in ("org", "individual_business"):
        return "", "", ""
    edits = list(version.edits or []) + [u for u in version.unplaced or [] if u.get("op") == "add" and u.get("text")]
    policy = _policy(pub.obligation)
    role = "operator" if context["kind"] == "individual_business" else "legal_representative"
    person = next((p["name"] for p in context.get("persons") or [] if p.get("role") == role), "")
    return tuple(mask_value(v, context, policy, edits) if v else "" for v in
                 (org.get("name") or "", org.get("uscc") or "", person))


def credit_inspections(agency) -> list[list]:
    return [[r["entity"], r["credit_code"], r["agency"], r["type"], r["inspected_on"], r["result"]]
            for r in random_records(agency)]


def _xlsx(header: list[str], rows: list[list], title: str, filename: str, name: str) -> HttpResponse:
    from openpyxl import Workbook

    from sanxiang.core.sheets import append_text_row

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for r in rows:  # a party's name as text, never a formula (s22 tester8 #4)
        append_text_row(sheet, [_cell(v) for v in r])
    for i, column in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = max(12, len(column) * 2 + 2)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = download_disposition(filename, name)
    return response


def credit_export(request, agency, which, fmt):
    agency = _agency(agency)
    if which == "penalties":
        header, rows, title = CREDIT_PENALTY_COLUMNS, credit_penalties(agency), "行政处罚信息"
    else:
        header, rows, title = CREDIT_INSPECTION_COLUMNS, credit_inspections(agency), "抽查检查结果"
    ascii_name, name = f"{agency.code}-credit-{which}.{fmt}", f"{agency.name}{title}（信用公示系统格式）.{fmt}"
    if fmt == "xlsx":
        return _xlsx(header, rows, title, ascii_name, name)
    return _csv([header] + rows, ascii_name, name)


# ---- 4. feed and embed ---------------------------------------------------------------------------

def _changed_on(pub) -> str | None:
    """The day a published decision last changed in public: its first publication, a correction published,
    its withdrawal, take-down, early stop or expiry (ISO day)."""
    numbered = getattr(pub, "public_number", None) if _numbered() else None
    days = [pub.published_on.isoformat() if pub.published_on else None,
            *((numbered.published or {}).values() if numbered is not None else ())]
    if pub.status in ("withdrawn", "expired"):
        days.append((pub.withdrawn_on or pub.expires_on).isoformat() if (pub.withdrawn_on or pub.expires_on) else None)
    days = [d for d in days if d]
    return max(days) if days else None


def _recently_changed(agency, limit: int):
    """(row, Publication) of the `limit` decisions of `agency` changed last (a withdrawal or an expiry
    counts as a change, so an old decision's notice reaches the feed), newest change first."""
    from sanxiang.publicity.models import Publication
    from sanxiang.publicity.queries import _public_dict, _public_rows

    columns = ["status", "published_on", "withdrawn_on", "expires_on"]
    light = Publication.objects.filter(agency=agency, public_version__isnull=False)
    if _numbered():
        light = light.select_related("public_number")
        columns += ["public_number__published"]
    light = light.only(*columns)
    newest = sorted(light, key=lambda p: (_changed_on(p) or "", p.pk), reverse=True)[:limit]
    by = {p.pk: p for p in _public_rows().filter(pk__in=[p.pk for p in newest])}
    return [(_public_dict(by[p.pk]), by[p.pk]) for p in newest if p.pk in by]


# The acts that change what the portal shows of a decision (their ledger names: `<action>_publication`).
PUBLIC_CHANGES = ("publish_publication", "publish_correction_publication", "withdraw_publication",
                  "take_down_publication", "expire_publication", "stop_early_publication")


def _recorded_at(pubs) -> dict:
    """Publication pk → when its last public change was recorded (the ledger entry's moment), one query."""
    from django.db.models import Max

    from sanxiang.ledger.models import LedgerEntry

    if not pubs:
        return {}
    rows = (LedgerEntry.objects.filter(object_type=pubs[0].ledger_type(), object_id__in=[str(p.pk) for p in pubs],
                                       action__in=PUBLIC_CHANGES)
            .values("object_id").annotate(at=Max("created_at")))
    return {int(r["object_id"]): r["at"] for r in rows}


def latest(agency, limit: int, *, by_change: bool = False) -> list[dict]:
    """The newest published decisions for the feed and the embed: title, link, day, summary line and
    `updated` (the day it last changed in public). `by_change`: the decisions changed last (the feed),
    else the newest published (the embed)."""
    out = []
    rows = _recently_changed(agency, limit) if by_change else _publications(agency, limit)
    moments = _recorded_at([pub for _, pub in rows]) if by_change else {}
    for row, pub in rows:
        record = decision_record(row, pub)
        fields = record.get("fields", {})
        if record["withdrawn"]:
            line = f"已撤下：{record.get('withdrawal_reason', '')}"
        elif record["expired"] or record["stopped_early"] or record["taken_down"]:
            line = record["notice"]
        else:
            line = "；".join(f"{k}：{v}" for k, v in fields.items() if v and k != "案件事实")
        kind = "不予处罚" if pub.obligation.no_penalty else record["kind"]  # no penalty imposed (decision 0098)
        out.append({"title": f"{kind}｜{record['case']}｜{record['decision']}", "url": record["url"]
                    or public_url(reverse("portal:home", args=[agency.code])), "day": record["published_on"],
                    "line": line, "withdrawn": record["withdrawn"], "updated": _changed_on(pub) or record["published_on"],
                    "recorded_at": moments.get(pub.pk)})
    return out


class DecisionFeed(Feed):
    """行政执法决定公开 as Atom, for WeChat, portal columns and readers (django.contrib.syndication)."""

    feed_type = Atom1Feed

    def get_object(self, request, agency):
        return _agency(agency)

    def title(self, agency):
        return f"{agency.name}行政执法决定公开"

    def link(self, agency):
        return public_url(reverse("portal:home", args=[agency.code]))

    def feed_url(self, agency):
        return public_url(reverse("portal:feed", args=[agency.code]))

    def subtitle(self, agency):
        return f"{agency.name}公示的行政执法决定（已脱敏），最新在前。"

    def items(self, agency):
        return latest(agency, FEED_ROWS, by_change=True)

    def item_title(self, item):
        return ("［已撤下］" if item["withdrawn"] else "") + item["title"]

    def item_description(self, item):
        return item["line"]

    def item_link(self, item):
        return item["url"]

    def item_guid(self, item):
        return item["url"] + "#" + (item["day"] or "")

    def item_pubdate(self, item):
        import datetime as dt

        day = dt.date.fromisoformat(item["day"]) if item["day"] else timezone.localdate()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))

    def item_updateddate(self, item):
        """The last public change (a correction, withdrawal or expiry; decision 0080): a reader keyed on the
        entry's id learns that it changed."""
        import datetime as dt

        if not item.get("updated"):
            return self.item_pubdate(item)
        day = dt.date.fromisoformat(item["updated"])
        if item.get("recorded_at"):  # the day of the change at the moment it was recorded (defects10 s23 #16):
            # two changes of one day differ; an act dated back keeps its day
            moment = timezone.localtime(item["recorded_at"])
            return moment if moment.date() == day else timezone.make_aware(dt.datetime.combine(day, moment.time()))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


feed = DecisionFeed()

EMBED_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
             "frame-ancestors *")


@xframe_options_exempt
def embed(request, agency):
    """An iframe for a government portal's column or an e-screen: the newest decisions, no JavaScript;
    `?rows=` 1–20 (default 10). Links open the portal in a new window."""
    agency = _agency(agency)
    try:
        rows = min(20, max(1, int(request.GET.get("rows", EMBED_ROWS))))
    except ValueError:
        rows = EMBED_ROWS
    html = render_to_string("portal/embed.html", {
        "agency": agency, "items": latest(agency, rows),
        "home": public_url(reverse("portal:home", args=[agency.code])),
        "feed": public_url(reverse("portal:feed", args=[agency.code]))})
    response = HttpResponse(html)
    response["Content-Security-Policy"] = EMBED_CSP
    response["Cache-Control"] = "public, max-age=60"
    return response


def channels(agency) -> dict:
    """The publicity channels the agency's profile names (`publicity.channels`, with its citation)."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key_of(agency))
    entry = profile.entry("publicity.channels", on=timezone.localdate())
    return {"names": list(entry.value or []), "citation": profile.cite(entry)}  # the document's title, not its file


def links(agency) -> list[dict]:
    """开放数据与订阅 on the agency's home: every machine-readable address of this module."""
    code = agency.code

    def at(name, *args):
        return reverse(name, args=[code, *args])

    return [
        {"label": "行政执法决定（JSON）", "url": at("portal:data-decisions", "json")},
        {"label": "行政执法决定（CSV，Excel 可直接打开）", "url": at("portal:data-decisions", "csv")},
        {"label": "双随机抽查结果（JSON）", "url": at("portal:data-random", "json")},
        {"label": "双随机抽查结果（CSV）", "url": at("portal:data-random", "csv")},
        {"label": "国家企业信用信息公示系统格式：行政处罚信息（xlsx）", "url": at("portal:credit", "penalties", "xlsx")},
        {"label": "国家企业信用信息公示系统格式：行政处罚信息（CSV）", "url": at("portal:credit", "penalties", "csv")},
        {"label": "国家企业信用信息公示系统格式：抽查检查结果（xlsx）", "url": at("portal:credit", "inspections", "xlsx")},
        {"label": "国家企业信用信息公示系统格式：抽查检查结果（CSV）", "url": at("portal:credit", "inspections", "csv")},
        {"label": "订阅（Atom）", "url": at("portal:feed")},
        {"label": "嵌入栏目（供门户网站专栏、电子显示屏使用）", "url": at("portal:embed")},
        {"label": "如何独立核验公示的决定", "url": at("portal:verify-howto")},
    ]
