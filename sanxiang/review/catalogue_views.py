"""法制审核目录清单 pages: an agency's catalogue in force and its history, one version with what it
changed, the legal office's new-version editor and xlsx import, the export, and "does this
proposal need review?". The actions check the law and the rights; these pages only ask."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core.errors import SanxiangError

from . import catalogue_queries as Q
from .actions import changes_summary, do_adopt_catalogue_version, do_import_catalogue_version
from .catalogue_xlsx import MAX_BYTES, XLSX_TYPE, export_version
from .conditions import VALUE_LABELS
from .determination import agency_field, check_agency, level_of

AMOUNT_HELP = "元；不设下限的一方填 0，两项都留空表示不按数额"


class PageNotFound(Q.CatalogueNotFound, Http404):
    pass


def _agency(user, code):
    try:
        return Q.agency_for(user, code)
    except Q.CatalogueNotFound:
        raise PageNotFound() from None


def _manager(user, agency) -> bool:
    return can(user, "manage_review_catalogue", agency)


def _choices(vocabulary: str, only=None):
    return [(k, v) for k, v in VALUE_LABELS[vocabulary].items() if only is None or k in only]


def _many(label, vocabulary, help_text=""):
    return forms.MultipleChoiceField(label=label, choices=_choices(vocabulary), required=False,
                                     widget=forms.CheckboxSelectMultiple, help_text=help_text)


def _amount(label):
    return forms.IntegerField(label=label, required=False, min_value=0, help_text=AMOUNT_HELP)


class RuleForm(forms.Form):
    """One line of the catalogue: what it is called, its basis, and when it applies (every part
    that is filled in must hold; within a part any one value will do)."""

    key = forms.CharField(label="规则编号", max_length=64, help_text="小写英文字母开头的字母、数字和下划线，在本目录中唯一")
    label = forms.CharField(label="情形", max_length=200)
    citation = forms.CharField(label="依据", max_length=300)
    kinds = _many("决定种类", "kind")
    decisions = _many("决定事项", "decision")
    procedures = _many("程序", "procedure")
    party_kinds = _many("当事人类别", "party_kind")
    penalties_any = _many("处罚种类（任一）", "penalty")
    fine_person = _amount("罚款数额下限（自然人）")
    fine_org = _amount("罚款数额下限（组织）")
    confiscation_person = _amount("没收金额下限（自然人）")
    confiscation_org = _amount("没收金额下限（组织）")
    hearing_in = _many("听证", "hearing")
    flags_any = _many("情形标记（任一）", "flag")
    levels = _many("执法层级", "level")
    fields = forms.CharField(label="执法领域", required=False, max_length=300,
                             help_text="如 市场监督管理；多个用“；”分隔；留空表示不限")

    def rule(self) -> dict:
        d = self.cleaned_data
        condition = {part: d[part] for part in ("kinds", "decisions", "procedures", "party_kinds", "penalties_any",
                                                "hearing_in", "flags_any", "levels") if d.get(part)}
        for part, prefix, label in (("fine_at_least", "fine", "罚款数额"),
                                    ("confiscation_at_least", "confiscation", "没收金额")):
            person, org = d.get(f"{prefix}_person"), d.get(f"{prefix}_org")
            if (person is None) != (org is None):
                raise forms.ValidationError(f"规则“{d.get('label', '')}”：{label}下限须同时填写自然人和组织（不设下限的一方填 0）。")
            if person is not None:
                condition[part] = {"person": person, "org": org}
        fields = [f.strip() for f in (d.get("fields") or "").replace(";", "；").split("；") if f.strip()]
        if fields:
            condition["fields"] = fields
        return {"key": d["key"].strip(), "label": d["label"].strip(), "citation": d["citation"].strip(),
                "condition": condition}


RuleFormSet = forms.formset_factory(RuleForm, extra=2, can_delete=True, max_num=500, validate_max=True)


def _initial(rule: dict) -> dict:
    c = rule["condition"]
    out = {"key": rule["key"], "label": rule["label"], "citation": rule["citation"],
           "fields": "；".join(c.get("fields", []))}
    for part in ("kinds", "decisions", "procedures", "party_kinds", "penalties_any", "hearing_in", "flags_any",
                 "levels"):
        out[part] = c.get(part, [])
    for part, prefix in (("fine_at_least", "fine"), ("confiscation_at_least", "confiscation")):
        if part in c:
            out[f"{prefix}_person"], out[f"{prefix}_org"] = c[part]["person"], c[part]["org"]
    return out


class PublishForm(forms.Form):
    reason = forms.CharField(label="发布原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：局务会议审议修订审核目录（将记入留痕）")
    effective_from = forms.DateField(label="施行日期", widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text="不得早于现行版本的施行日期")


class ImportForm(PublishForm):
    file = forms.FileField(label="Excel 工作簿（.xlsx）", help_text="请使用本页导出的格式：每行一条规则，列名为中文")


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label="决定种类", choices=_choices("kind"))
    procedure = forms.ChoiceField(label="程序", required=False,
                                  choices=[("", "未写明（仅限依法只能适用普通程序的）")] + _choices("procedure"),
                                  help_text="可以适用简易程序（行政处罚法第五十一条）的处罚须写明程序。")
    party_kind = forms.ChoiceField(label="当事人类别", required=False, choices=[("", "未定")] + _choices("party_kind"))
    penalties = forms.MultipleChoiceField(label="拟处罚种类", required=False, widget=forms.CheckboxSelectMultiple,
                                          choices=_choices("penalty", only=set(VALUE_LABELS["penalty"]) - {"confiscation"}))
    fine = forms.DecimalField(label="罚款数额（元）", required=False, min_value=0, max_digits=14, decimal_places=2)
    confiscation_value = forms.DecimalField(label="没收金额（元）", required=False, min_value=0, max_digits=14,
                                            decimal_places=2)
    hearing = forms.ChoiceField(label="听证", choices=_choices("hearing"))
    flags = forms.MultipleChoiceField(label="情形", required=False, widget=forms.CheckboxSelectMultiple,
                                      choices=_choices("flag"))
    level = forms.ChoiceField(label="执法层级", required=False, choices=[("", "本机关的层级")] + _choices("level"))
    field = forms.CharField(label="执法领域", required=False, max_length=64, help_text="留空为本机关的执法领域")
    on = forms.DateField(label="决定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                         help_text="留空为今天；按该日施行的版本回答")

    def proposal(self) -> dict:
        d = self.cleaned_data
        out = {"kind": d["kind"], "penalties": d["penalties"], "hearing": d["hearing"], "flags": d["flags"]}
        for name in ("procedure", "party_kind", "level", "field"):
            if d.get(name):
                out[name] = d[name].strip()
        for name in ("fine", "confiscation_value"):
            if d.get(name) is not None:
                out[name] = d[name]
        return out


@login_required
def index(request):
    agencies = Q.readable_agencies(request.user)
    if len(agencies) == 1:
        return redirect("review-catalogue:agency", code=agencies[0].code)
    return render(request, "review/catalogue_index.html", {"agencies": agencies})


@login_required
def agency_page(request, code):
    agency = _agency(request.user, code)
    current = Q.in_force(agency)
    versions = Q.versions(agency)
    return render(request, "review/catalogue_agency.html", {
        "agency": agency, "current": current, "versions": versions, "manager": _manager(request.user, agency),
        "rules": Q.shown_rules(current.rules) if current else [],
        "upcoming": [v for v in versions if current is None or v.version > current.version],
    })


@login_required
def version_page(request, code, version):
    agency = _agency(request.user, code)
    try:
        row = Q.version_of(agency, version)
        against_number = request.GET.get("with")
        against = (Q.version_of(agency, int(against_number)) if against_number and against_number.isdigit()
                   else next((v for v in Q.versions(agency) if v.version < row.version), None))
    except Q.CatalogueNotFound:
        raise PageNotFound() from None
    return render(request, "review/catalogue_version.html", {
        "agency": agency, "row": row, "rules": Q.shown_rules(row.rules), "against": against,
        "diff": Q.shown_changes(against, row) if against else None,
        "others": [v for v in Q.versions(agency) if v.version != row.version],
    })


@login_required
def export_page(request, code, version):
    agency = _agency(request.user, code)
    try:
        row = Q.version_of(agency, version)
    except Q.CatalogueNotFound:
        raise PageNotFound() from None
    response = HttpResponse(export_version(row), content_type=XLSX_TYPE)
    name = f"{agency.name}法制审核目录清单第{row.version}版.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _publish_initial(current):
    today = timezone.localdate()
    start = current.effective_from if current and current.effective_from and current.effective_from > today else today
    return {"effective_from": start}


@login_required
def edit_page(request, code):
    agency = _agency(request.user, code)
    if not _manager(request.user, agency):
        raise PermissionDenied("只有本机关的法制审核人员或单位领导可以发布法制审核目录清单。")
    latest = next(iter(Q.versions(agency)), None)
    if request.method == "POST":
        publish, rules = PublishForm(request.POST), RuleFormSet(request.POST, prefix="rule")
        if publish.is_valid() and rules.is_valid():
            try:
                made = [f.rule() for f in rules.forms
                        if f.cleaned_data and f.cleaned_data.get("key") and not f.cleaned_data.get("DELETE")]
                row = do_adopt_catalogue_version(agency, made, effective_from=publish.cleaned_data["effective_from"],
                                                 reason=publish.cleaned_data["reason"], actor=request.user)
            except forms.ValidationError as exc:
                publish.add_error(None, exc)
            except SanxiangError as exc:
                exc.show_on(publish)
            else:
                messages.success(request, f"已发布审核目录第{row.version}版，自 {row.effective_from:%Y-%m-%d} 起施行。")
                return redirect("review-catalogue:version", code=agency.code, version=row.version)
        status = 400
    else:
        publish = PublishForm(initial=_publish_initial(latest))
        rules = RuleFormSet(prefix="rule", initial=[_initial(r) for r in latest.rules] if latest else None)
        status = 200
    return render(request, "review/catalogue_edit.html", {"agency": agency, "latest": latest, "publish": publish,
                                                          "rules": rules}, status=status)


@login_required
def import_page(request, code):
    agency = _agency(request.user, code)
    if not _manager(request.user, agency):
        raise PermissionDenied("只有本机关的法制审核人员或单位领导可以导入法制审核目录清单。")
    latest = next(iter(Q.versions(agency)), None)
    problems, status = [], 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                row = do_import_catalogue_version(agency, form.cleaned_data["file"].read(MAX_BYTES + 1),
                                                  effective_from=form.cleaned_data["effective_from"],
                                                  reason=form.cleaned_data["reason"], actor=request.user)
            except SanxiangError as exc:
                exc.show_on(form)
                problems = exc.reasons if len(exc.reasons) > 1 else []
            else:
                messages.success(request, f"已导入并发布审核目录第{row.version}版（{len(row.rules)} 条规则）。"
                                          f"{changes_summary(row)}")
                return redirect("review-catalogue:version", code=agency.code, version=row.version)
        status = 400
    else:
        form = ImportForm(initial=_publish_initial(latest))
    return render(request, "review/catalogue_import.html", {"agency": agency, "form": form, "problems": problems},
                  status=status)


@login_required
def check_page(request, code):
    from sanxiang.deadlines.queries import profile_key_of

    agency = _agency(request.user, code)
    form = CheckForm(request.GET if "kind" in request.GET else None)
    answer, status = None, 200
    if form.is_bound:
        if form.is_valid():
            try:
                answer = check_agency(agency, form.proposal(), form.cleaned_data.get("on"))
            except SanxiangError as exc:
                # pages say words: the CLI's and the API's "procedure：general …" names the field by its key
                exc.message = exc.message.replace("（procedure：general 普通程序或 simplified 简易程序）",
                                                  "（请选择普通程序或简易程序）")
                exc.show_on(form)
        if answer is None:
            status = 400
    today = timezone.localdate()
    level = level_of(profile_key_of(agency), today)
    return render(request, "review/catalogue_check.html", {
        "agency": agency, "form": form, "answer": answer,
        "own_level": VALUE_LABELS["level"].get(level, "未规定") if level else "未规定",
        "own_field": agency_field(agency) or "未确定（本机关有多个或没有业务领域）",
    }, status=status)
