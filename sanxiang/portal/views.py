"""公开门户 pages: public, session-less (no login, no cookie, nothing read from a session), one set per
agency under /gk/<agency code>/. They work without JavaScript and on a phone, carry title and
description meta for sharing, and show only what is published: names and public numbers (事项编码,
证号, 案号, 检查码, version numbers), never a database id or an internal key.
"""

from __future__ import annotations

import functools

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sanxiang.core.public import public_url
from sanxiang.disclosure import queries as DQ
from sanxiang.disclosure.models import Section
from sanxiang.disclosure.schema import fields_of, shown
from sanxiang.publicity.scope import decision_name

from . import flowcharts, queries

SECTION_SLUGS = {  # public address of each 事前公开 section
    Section.AGENCY: "jigou", Section.MATTERS: "shixiang", Section.GUIDES: "zhinan",
    Section.RANDOM_ITEMS: "choucha", Section.WINDOWS: "gongshipai", Section.BENCHMARKS: "jizhun",
}
SLUG_SECTIONS = {v: k for k, v in SECTION_SLUGS.items()}


def _title(item: dict) -> str:
    return item.get("name") or item.get("content") or item.get("window") or item["code"]


def _items(sec, row) -> list[dict]:
    def title(i):  # a benchmark's violation has one row per level: the level names the row
        return f"{_title(i)}（{i['level']}）" if sec == Section.BENCHMARKS and i.get("level") else _title(i)

    return [{"code": i["code"], "title": title(i), "rows": shown(sec, i), "data": i} for i in row.content["items"]]


def _agency(code, at: tuple | None = None):
    from .decisions import kept

    agency = kept(("agency", str(code)), lambda: queries.agency(code), at)
    if agency is None:
        raise Http404("未找到该机关。")
    return agency


def _page(request, template, agency, title, description, context=None, status=200):
    ctx = {"agency": agency, "page_title": title, "description": description, "frame": _frame(agency.code if agency else ""),
           "canonical": public_url(request.path), "nav": nav(agency) if agency else []}
    ctx.update(context or {})
    # Rendered without the request: no context processor runs, so nothing reads the session or the
    # user (the navigation's would) — the answer is the same for every visitor, logged in or not.
    response = HttpResponse(render_to_string(template, ctx), status=status)
    response["Cache-Control"] = "public, max-age=60"
    return response


@functools.lru_cache(maxsize=512)
def _frame(code: str) -> dict:
    """The addresses portal/base.html links to — the style sheets, the portal's and the agency's home —
    which depend only on the agency's code: made once per code and process, not by template tags on every
    page (decision 0078). Read only: shared."""
    from django.templatetags.static import static

    return {"site_css": static("core/site.css"), "portal_css": static("portal/portal.css"),
            "index": reverse("portal:index"), "home": reverse("portal:home", args=[code]) if code else ""}


def nav(agency) -> list[dict]:
    """Every section of the agency's portal, in the order of the issue: before, during enforcement (its
    addresses depend only on the agency's code: reversed once per code and process, decision 0078)."""
    return list(_nav(agency.code))  # read only: the items are shared


@functools.lru_cache(maxsize=512)
def _nav(code: str) -> tuple:
    items = [
        {"label": "机构职能", "url": reverse("portal:section", args=[code, "jigou"]), "group": "事前公开"},
        {"label": "执法人员", "url": reverse("portal:officers", args=[code]), "group": "事前公开"},
        {"label": "执法事项清单", "url": reverse("portal:section", args=[code, "shixiang"]), "group": "事前公开"},
        {"label": "服务指南", "url": reverse("portal:section", args=[code, "zhinan"]), "group": "事前公开"},
        {"label": "随机抽查事项", "url": reverse("portal:section", args=[code, "choucha"]), "group": "事前公开"},
        {"label": "年度抽查计划", "url": reverse("portal:plans", args=[code]), "group": "事前公开"},
        {"label": "行政处罚裁量基准", "url": reverse("portal:section", args=[code, "jizhun"]), "group": "事前公开"},
        {"label": "执法流程图", "url": reverse("portal:flowcharts", args=[code]), "group": "事前公开"},
        {"label": "音像记录事项清单", "url": reverse("portal:av", args=[code]), "group": "事前公开"},
        {"label": "法制审核目录清单", "url": reverse("portal:review", args=[code]), "group": "事前公开"},
        {"label": "岗位信息公示牌", "url": reverse("portal:section", args=[code, "gongshipai"]), "group": "事中公示"},
        {"label": "执法人员公示卡", "url": reverse("portal:cards", args=[code]), "group": "事中公示"},
        {"label": "执法证件查询", "url": reverse("public-certificate"), "group": "事中公示"},
        {"label": "检查码查询（扫码入企）", "url": reverse("portal:inspection-lookup", args=[code]), "group": "事中公示"},
    ]
    # 事后公开 (行政执法决定公开): the decisions the publicity app published (decisions.py, decision 0070).
    try:
        items.append({"label": "行政执法决定公开", "url": reverse("portal:decisions", args=[code]), "group": "事后公开"})
        items.append({"label": "执法决定检索", "url": reverse("portal:agency-search", args=[code]), "group": "事后公开"})
    except NoReverseMatch:
        pass
    items.append({"label": "行政执法统计年报", "url": reverse("portal:annual", args=[code]), "group": "事后公开"})
    # The party's own page (§5, decision 0072): reachable from the portal, not only from the 告知书's address.
    items.append({"label": "当事人申请更正、提前停止公示", "url": reverse("portal:party", args=[code]),
                  "group": "事后公开"})
    return tuple(items)


def index(request):
    return _page(request, "portal/index.html", None, "行政执法公示", "各行政执法机关的事前公开、事中公示信息。",
                 {"agencies": queries.agencies()})


def home(request, agency):
    agency = _agency(agency)
    current = DQ.public_all_current(agency)
    groups = {}
    for item in nav(agency):
        groups.setdefault(item["group"], []).append(item)
    info = current.get(Section.AGENCY)
    return _page(request, "portal/home.html", agency, f"{agency.name}行政执法公示",
                 f"{agency.name}的机构职能、执法人员、执法事项、服务指南、流程图与事中公示信息。",
                 {"groups": groups, "info": info.content if info else None})


def section(request, agency, slug):
    agency = _agency(agency)
    if slug not in SLUG_SECTIONS:
        raise Http404("未找到该栏目。")
    sec = SLUG_SECTIONS[slug]
    row = DQ.public_current(agency, sec)
    label = Section(sec).label
    context = {"section": sec, "section_label": label, "slug": slug, "row": row,
               "fields": fields_of(sec)}
    if row is not None:
        if sec == Section.AGENCY:
            context["record"] = shown(sec, row.content)
        else:
            context["items"] = _items(sec, row)
    template = "portal/windows.html" if sec == Section.WINDOWS else "portal/section.html"
    if sec == Section.WINDOWS and row is not None:
        for item in context["items"]:
            number = item["data"].get("certificate")
            if number:
                url = public_url(reverse("public-certificate-number", args=[number]))
                item["qr"] = segno.make(url, error="m").svg_inline(scale=3)
                item["qr_url"] = url
    return _page(request, template, agency, f"{label} · {agency.name}",
                 f"{agency.name}公开的{label}（第{row.version}版）。" if row else f"{agency.name}的{label}。", context)


def guide(request, agency, code):
    """One 服务指南 (or any list item) on its own page, to print or share."""
    agency = _agency(agency)
    item = DQ.public_item(agency, Section.GUIDES, code)
    if item is None:
        raise Http404("未找到该服务指南。")
    return _page(request, "portal/guide.html", agency, f"{item['name']}服务指南 · {agency.name}",
                 f"{agency.name}：{item['name']}的依据、条件、材料、流程与时限。",
                 {"item": item, "rows": shown(Section.GUIDES, item)})


def guide_file(request, agency, sha256):
    """A 示范文本 or 常见错误示例 of a 服务指南, as a download: only a file a published version of the agency's
    服务指南 names; the bytes never change under their SHA-256, so caches may keep them. `?name=` (the
    portal's link carries it) picks the name the material shows the file under, when a published version
    gives it that name — the same bytes on two materials keep their own names (s25 tester10 #6). Always an
    attachment with the type checked on upload (never sniffed, never shown inline in the portal's origin)."""
    from urllib.parse import quote

    from django.http import FileResponse

    from sanxiang import storage
    from sanxiang.disclosure.actions import published_guide_file
    from sanxiang.disclosure.files import EXTENSIONS

    agency = _agency(agency)
    name = request.GET.get("name")
    desc = published_guide_file(agency, sha256, name if isinstance(name, str) else None)
    if desc is None:
        raise Http404("未找到该文件。")
    try:
        fh = storage.open_file(desc["path"])
    except storage.StorageError:
        raise Http404("该文件暂时无法提供。") from None
    response = FileResponse(fh, content_type=desc["media_type"])
    ascii_name = f"sample-{sha256[:12]}{EXTENSIONS.get(desc['media_type'], '')}"
    response["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                       f"filename*=UTF-8''{quote(desc['name'])}")
    response["Content-Length"] = str(desc["size"])
    response["Cache-Control"] = "public, max-age=86400"
    response["ETag"] = f'"{sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def history(request, agency, slug):
    agency = _agency(agency)
    if slug not in SLUG_SECTIONS:
        raise Http404("未找到该栏目。")
    sec = SLUG_SECTIONS[slug]
    label = Section(sec).label
    return _page(request, "portal/history.html", agency, f"{label}调整记录 · {agency.name}",
                 f"{agency.name}{label}的历次版本及调整原因。",
                 {"versions": DQ.public_history(agency, sec), "section_label": label, "slug": slug})


def version(request, agency, slug, number):
    agency = _agency(agency)
    if slug not in SLUG_SECTIONS:
        raise Http404("未找到该栏目。")
    sec = SLUG_SECTIONS[slug]
    row = DQ.public_version(agency, sec, number)
    if row is None:
        raise Http404("未找到该版本。")
    label = Section(sec).label
    context = {"section": sec, "section_label": label, "slug": slug, "row": row, "old": True}
    if sec == Section.AGENCY:
        context["record"] = shown(sec, row.content)
    else:
        context["items"] = _items(sec, row)
    return _page(request, "portal/section.html", agency, f"{label}（第{row.version}版） · {agency.name}",
                 f"{agency.name}{label}第{row.version}版。", context)


def officers(request, agency):
    agency = _agency(agency)
    q = request.GET.get("q", "").strip()
    too_long = len(q) > queries.SEARCH_MAX
    rows = [] if too_long else queries.officers(agency, timezone.localdate(), q)
    return _page(request, "portal/officers.html", agency, f"执法人员清单 · {agency.name}",
                 f"{agency.name}持有效行政执法证件的执法人员：姓名、证号、执法类别、执法区域。",
                 {"rows": rows, "q": q, "too_long": too_long, "max": queries.SEARCH_MAX})


def cards(request, agency):
    """执法人员公示卡: one printable card per officer with the QR code of the certificate check."""
    agency = _agency(agency)
    rows = queries.officers(agency, timezone.localdate())
    for row in rows:
        row["url"] = public_url(reverse("public-certificate-number", args=[row["number"]]))
        row["qr"] = segno.make(row["url"], error="m").svg_inline(scale=3)
    return _page(request, "portal/cards.html", agency, f"执法人员公示卡 · {agency.name}",
                 f"{agency.name}执法人员公示卡（可打印）。", {"rows": rows})


def flowchart_list(request, agency):
    agency = _agency(agency)
    return _page(request, "portal/flowcharts.html", agency, f"执法流程图 · {agency.name}",
                 f"{agency.name}的行政执法流程图，由系统的状态流转表生成。",
                 {"charts": flowcharts.charts_for(agency)})


def flowchart(request, agency, slug):
    agency = _agency(agency)
    name = flowcharts.table_name(agency, slug)
    if name is None:
        raise Http404("未找到该流程图。")
    label, steps = flowcharts.steps(name)
    return _page(request, "portal/flowchart.html", agency, f"{label}流程图 · {agency.name}",
                 f"{agency.name}{label}的办理步骤、执行人和时限。", {"label": label, "steps": steps})


AV_NAMES = ("records.av_full_recording_acts", "records.av_dispute_prone_acts", "records.av_gradual_acts")


def _av_sources(agency, today):
    """Where the 音像记录事项清单 comes from and since when (tester10b #8): per profile value, every version
    that can apply — its dates, its citation, the one in force marked; a change of the profile shows here."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key_of(agency))
    rows = []
    for name in AV_NAMES:
        current = profile.entry(name, on=today)
        for e in profile.own_versions(name) or [current]:
            rows.append({"label": e.spec.label, "from": e.effective_from, "to": e.effective_to,
                         "citation": profile.cite(e), "current": e == current,
                         "values": "；".join(str(v) for v in e.value or []) or "（未规定）"})
    return rows


def av_list(request, agency):
    from sanxiang.records.catalogue import catalogue

    agency = _agency(agency)
    cat = catalogue(agency)
    entries = [{"label": e.label, "tier": e.tier_label, "phrases": e.phrases} for e in cat.entries.values()]
    return _page(request, "portal/av.html", agency, f"音像记录事项清单 · {agency.name}",
                 f"{agency.name}应当或宜全程音像记录的执法活动。",
                 {"entries": entries, "principles": cat.principles,
                  "sources": _av_sources(agency, timezone.localdate())})


def review_catalogue(request, agency):
    from sanxiang.review.catalogue_queries import in_force, shown_rules

    agency = _agency(agency)
    row = in_force(agency)
    rules = [{"label": r["label"], "citation": r["citation"], "condition": r["condition"]}
             for r in shown_rules(row.rules)] if row else []
    return _page(request, "portal/review.html", agency, f"重大执法决定法制审核目录清单 · {agency.name}",
                 f"{agency.name}作出哪些执法决定前须经法制审核。", {"row": row, "rules": rules})


def review_history(request, agency):
    """法制审核目录清单 · 调整记录 (tester10b #8): every version with its date in force, its reason and what it
    changed against the version before (added, removed, changed items)."""
    from sanxiang.review.catalogue_queries import in_force, shown_changes
    from sanxiang.review.models import CatalogueVersion

    agency = _agency(agency)
    current = in_force(agency)
    rows, before = [], None
    for v in CatalogueVersion.objects.filter(agency=agency).order_by("version"):
        diff = shown_changes(before, v) if before is not None else None
        rows.append({"version": v.version, "effective_from": v.effective_from, "made_on": timezone.localtime(v.made_at).date(),
                     "origin": v.get_origin_display(), "reason": v.reason,
                     "current": current is not None and v.pk == current.pk,
                     "pending": bool(v.effective_from and v.effective_from > timezone.localdate()),
                     "added": [r["label"] for r in diff["added"]] if diff else [],
                     "removed": [r["label"] for r in diff["removed"]] if diff else [],
                     "changed": [b["label"] for _a, b in diff["changed"]] if diff else []})
        before = v
    rows.reverse()
    return _page(request, "portal/review_history.html", agency, f"重大执法决定法制审核目录清单调整记录 · {agency.name}",
                 f"{agency.name}法制审核目录清单的各版本、施行日期和调整原因。", {"rows": rows})


def inspection_lookup(request, agency):
    """检查码查询: the enterprise types the code it was shown (when it cannot scan it)."""
    agency = _agency(agency)
    code = request.GET.get("code", "").strip()
    if code:
        found = queries.inspection(agency, code)
        if found is not None:
            return redirect("portal:inspection", agency.code, found.code)
    return _page(request, "portal/inspection_lookup.html", agency, f"检查码查询 · {agency.name}",
                 f"输入{agency.name}检查人员出示的检查码，查看检查人员、事由和依据。",
                 {"code": code, "not_found": bool(code)}, status=404 if code else 200)


def _cap(yearly_cap, agency, on):
    """The profile's yearly cap per enterprise (国办发〔2024〕54号), None when it sets none or has no value."""
    try:
        return yearly_cap(agency, on)
    except Exception:  # a profile without the value publishes no cap
        return None


def inspection(request, agency, code):
    """扫码入企 (国办发〔2024〕54号, rules-2026.md §3): who inspects, why, on what basis."""
    from sanxiang.cases.kinds.inspection import yearly_cap
    from sanxiang.cases.models import CaseStatus, InspectionSource
    from sanxiang.publicity.public_text import inspection_cause, inspection_items

    agency = _agency(agency)
    ins = queries.inspection(agency, code)
    if ins is None:
        return _page(request, "portal/inspection_lookup.html", agency, f"检查码查询 · {agency.name}",
                     "未查到该检查码。", {"code": code, "not_found": True}, status=404)
    case = ins.case
    today = timezone.localdate()
    matters = DQ.public_current(agency, Section.MATTERS)
    basis = [m for m in (matters.content["items"] if matters else []) if m.get("category") == case.category]
    random_items = DQ.public_current(agency, Section.RANDOM_ITEMS) if ins.source == InspectionSource.RANDOM else None
    info = DQ.public_current(agency, Section.AGENCY)
    url = public_url(reverse("portal:inspection", args=[agency.code, ins.code]))
    people = queries.inspectors(case)
    for p in people:
        p["url"] = reverse("public-certificate-number", args=[p["number"]])
    return _page(request, "portal/inspection.html", agency, f"行政检查 {case.number} · {agency.name}",
                 f"{agency.name}行政检查：检查人员、检查事由和依据。", {
                     "ins": ins, "case": case, "status": CaseStatus(case.status).label,
                     "cause": inspection_cause(ins),  # guarded at display (s25 defects10d #1)
                     "items": inspection_items(ins),  # so are the items checked (decision 0101)
                     "source": InspectionSource(ins.source).label, "people": people, "basis": basis,
                     "random_items": random_items.content["items"] if random_items else [],
                     "cap": _cap(yearly_cap, agency, ins.planned_on or today), "info": info.content if info else None,
                     "qr": segno.make(url, error="m").svg_inline(scale=4), "url": url,
                 })


# ---- 事后公开: 行政执法决定 (decisions.py, decision 0070) --------------------------------------------

def _query_string(q: str, f: dict, page: int) -> str:
    from urllib.parse import urlencode

    params = {"q": q, "kind": f["kind"], "from": f["from"].isoformat() if f["from"] else "",
              "to": f["to"].isoformat() if f["to"] else "", "page": page}
    return "?" + urlencode({k: v for k, v in params.items() if v})


def decision_list(request, agency):
    """行政执法决定公开: the agency's published decisions, newest first, a page at a time, by kind and date."""
    from . import decisions as D

    at = D.stamp()  # the date and the ledger's size, read once for the page's kept values (decision 0078)
    agency = _agency(agency, at)
    f, problems = D.filters_of(request)

    def body():
        rows, more = ([], False) if problems else D.decision_rows(agency, f, at)
        return render_to_string("portal/_decisions_body.html", {
            "agency": agency, "rows": rows, "f": f, "problems": problems, "kinds": D.agency_kinds(agency, at),
            "prev": _query_string("", f, f["page"] - 1) if f["page"] > 1 else "",
            "next": _query_string("", f, f["page"] + 1) if more else ""})

    # The list's part of the page depends only on the agency, the filters and the kept rows: rendered once per
    # ledger entry and day and kept (as the decision page's, decision 0078); a page with a refused filter is
    # rendered each time (its words are the visitor's). The page around it is rendered for every request.
    key = ("list-body", agency.code, f["kind"], str(f["from"] or ""), str(f["to"] or ""), f["page"])
    return _page(request, "portal/base.html", agency, f"行政执法决定公开 · {agency.name}",
                 f"{agency.name}依法公开的行政执法决定（处罚、许可、强制、检查等），含撤下说明和更正记录。",
                 {"body": body() if problems else D.kept(key, body, at)})


def decision(request, agency, number):
    """One published decision: the SAMR summary in front of the text, the fields, the versions — or the
    notice of its withdrawal or end of display instead of the text."""
    from . import decisions as D

    at = D.stamp()  # the date and the ledger's size, read once for the page's kept values (decision 0078)
    agency = _agency(agency, at)
    row = D.decision(agency, number, at)
    title = f"{decision_name(row['kind'], row.get('decision', ''))} {row['case']}".strip()
    if row["notice"]:
        description = f"{agency.name}：该行政执法决定的公示信息{row['notice']['label']}。"
    else:
        content = row["summary"].get("处罚内容") or row["fields"].get("执法结论") or row["decision"]
        description = f"{agency.name}{row['decision']}（{row['published_on']}公开）：{content}"[:160]
    # The decision's part of the page depends only on the agency's and the decision's kept rows: rendered
    # once per ledger entry and day and kept beside them (decision 0078); the page around it is rendered
    # for every request.
    body = D.kept(("decision-body", agency.code, str(number)), lambda: render_to_string(
        "portal/_decision_body.html", {"agency": agency, "row": row, "title": title}), at)
    return _page(request, "portal/base.html", agency, f"{title} · {agency.name}", description,
                 {"row": row, "title": title, "body": body})


def _search(request, agency, at: tuple | None = None):
    from . import decisions as D

    at = at or D.stamp()  # one date and ledger-size read for the page's kept values (decision 0094)
    q = request.GET.get("q", "")
    f, problems = D.filters_of(request)
    chosen = agency
    if agency is None and request.GET.get("agency", "").strip():
        code = request.GET["agency"].strip()
        chosen = D.kept(("agency", code), lambda: queries.agency(code), at)
        if chosen is None:
            problems.append("未找到该机关。")
    asked = "q" in request.GET
    where = agency.name if agency else "各机关"

    def body(rows, more):
        base = {"agency": agency, "q": q, "f": f, "problems": problems, "kinds": D.agency_kinds(agency, at),
                "rows": rows, "asked": asked,
                "agencies": [] if agency else D.kept(("agencies",), lambda: list(queries.agencies()), at),
                "chosen": chosen, "scoped": agency,
                "prev": _query_string(q, f, f["page"] - 1) if f["page"] > 1 and asked else "",
                "next": _query_string(q, f, f["page"] + 1) if more else ""}
        if agency is None and chosen is not None:
            for key in ("prev", "next"):
                if base[key]:
                    base[key] += "&agency=" + chosen.code
        return render_to_string("portal/_search_body.html", base)

    # The search's part of the page — its results — depends only on the query, the filters and the index: kept
    # until the next ledger entry (every change of the index is an action that appends one; decision 0094).
    # A refused query or filter is rendered each time (its words are the visitor's) and answered 400.
    text = None
    if not problems:
        key = ("search-body", agency.code if agency else "", chosen.code if chosen else "", q if asked else None,
               f["kind"], str(f["from"] or ""), str(f["to"] or ""), f["page"])
        try:
            text = D.kept(key, lambda: body(*(D.search(q, agency=chosen, f=f, at=at) if asked else ([], False))), at)
        except D.SearchQueryError as exc:
            problems.append(str(exc))
    if text is None:
        text = body([], False)
    status = 400 if asked and problems else 200
    return _page(request, "portal/base.html", agency, f"执法决定检索 · {where}",
                 f"按关键词、执法类别和日期检索{where}依法公开的行政执法决定。", {"body": text}, status=status)


def search(request):
    """执法决定检索 across agencies (?agency= narrows it)."""
    return _search(request, None)


def agency_search(request, agency):
    from . import decisions as D

    at = D.stamp()
    return _search(request, _agency(agency, at), at)
