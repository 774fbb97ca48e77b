"""Pages of the 年度双随机抽查计划 (kinds/inspection_plan.py): the agency's plans, drafting one (items one a line,
the seven published fields separated by “|”), and a plan's page — its items, state and review, with the forms
its state allows: 修改 (draft), 送法制审核 with the track's materials, 退回修改, 通过计划. A refused form is shown
again as typed, with the reason. The law and the permissions are in the actions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sanxiang.access.policy import can, current_roles, restrict
from sanxiang.core.errors import SanxiangError
from sanxiang.core.ids import row_by_id

from .kinds import inspection_plan as IP
from .models import CaseStatus, InspectionPlan

ITEMS_HELP = ("每行一项，依次填写：" + "|".join(IP.FIELD_LABELS.values()) + "，用“|”分隔。"
              "例：本局|《产品质量法》第十五条|辖区工业产品生产企业|产品质量|5%|现场检查|每年一次")


def _text_of(items) -> str:
    return "\n".join("|".join(item[k] for k in IP.FIELD_LABELS) for item in items)


def plan_agencies(user) -> list:
    from sanxiang.orgs.models import Agency

    if not user.is_authenticated:
        return []
    ids = set(current_roles(user).values_list("agency_id", flat=True))
    return [a for a in Agency.objects.filter(pk__in=ids).order_by("name") if can(user, "manage_inspection_plans", a)]


class PlanForm(forms.Form):
    unit = forms.ChoiceField(label="制定科室")
    year = forms.IntegerField(label="计划年度")
    title = forms.CharField(label="计划名称", required=False, max_length=200, help_text="不填按年度和科室生成。")
    items = forms.CharField(label="抽查事项", max_length=30000, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=ITEMS_HELP)

    def __init__(self, *args, agencies=(), **kwargs):
        from sanxiang.orgs.models import Unit

        super().__init__(*args, **kwargs)
        units = list(Unit.objects.filter(agency__in=agencies).select_related("agency").order_by("agency__name", "name"))
        self.units = {str(u.pk): u for u in units}
        several = len(agencies) > 1
        self.fields["unit"].choices = [(str(u.pk), f"{u.agency.name} {u.name}" if several else u.name) for u in units]
        self.fields["year"].initial = timezone.localdate().year


class EditForm(forms.Form):
    title = forms.CharField(label="计划名称", max_length=200)
    items = forms.CharField(label="抽查事项", max_length=30000, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=ITEMS_HELP)


class SubmitForm(forms.Form):
    materials = forms.MultipleChoiceField(label="送审材料（已提交的）", required=False,
                                          widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="送审说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, track=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.track = track
        self.fields["materials"].choices = [(m.code, f"{m.code}. {m.label}" + ("（选填）" if m.optional else ""))
                                            for m in (track.materials if track else ())]


@login_required
def plan_list(request):
    """年度抽查计划."""
    found = list(restrict(InspectionPlan.objects.select_related("case", "case__agency", "case__unit"),
                          request.user)[:200])
    agencies = plan_agencies(request.user)
    if not found and not agencies:
        raise PermissionDenied("您没有可查看的年度抽查计划。")
    return render(request, "cases/plan_list.html", {"plans": found, "may_draft": bool(agencies)})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    """起草年度抽查计划."""
    agencies = plan_agencies(request.user)
    if not agencies:
        raise PermissionDenied("只有执法人员或科室负责人可以起草年度抽查计划。")
    form = PlanForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            unit = form.units[data["unit"]]
            try:
                plan = IP.do_create_inspection_plan(unit.agency, unit=unit, year=data["year"], items=data["items"],
                                                    title=data["title"], actor=request.user)
            except SanxiangError as exc:
                exc.show_on(form)
                status = exc.status
            else:
                messages.success(request, f"已起草“{plan.title}”。")
                return redirect("cases:plan-detail", pk=plan.pk)
    return render(request, "cases/form.html", {"title": "起草年度抽查计划", "form": form, "submit": "保存"},
                  status=status)


def _track(plan):
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.review.tracks import track_for

    return track_for(profile_key_of(plan.case.agency), IP.KIND, timezone.localdate())


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk):
    """A plan: items, state, its review's rounds; the forms its state allows (each act checks again)."""
    from sanxiang.cases.review_gate import proposal_of, review_required
    from sanxiang.review.models import ReviewRound

    plan = row_by_id(restrict(InspectionPlan.objects.select_related("case", "case__agency", "case__unit"),
                              request.user), pk)
    if plan is None:
        raise Http404("未找到该年度抽查计划，或您无权查看。")
    case = plan.case
    track = _track(plan)
    edit = EditForm(initial={"title": plan.title, "items": _text_of(plan.items)})
    submit = SubmitForm(track=track)
    status, act = 200, request.POST.get("act", "")
    if request.method == "POST":
        status = 400
        try:
            if act == "edit":
                edit = EditForm(request.POST)
                if edit.is_valid():
                    IP.do_edit_inspection_plan(plan, items=edit.cleaned_data["items"], title=edit.cleaned_data["title"],
                                               actor=request.user)
                    messages.success(request, "已保存计划的修改。")
                    return redirect("cases:plan-detail", pk=plan.pk)
            elif act == "submit":
                submit = SubmitForm(request.POST, track=track)
                if submit.is_valid():
                    chosen = set(submit.cleaned_data["materials"])
                    materials = {m.code: ("provided" if m.code in chosen else "not_applicable")
                                 for m in (track.materials if track else ()) if m.code in chosen or m.optional}
                    IP.do_submit_inspection_plan(plan, materials=materials, note=submit.cleaned_data["note"],
                                                 actor=request.user)
                    messages.success(request, "计划已送法制审核。")
                    return redirect("cases:plan-detail", pk=plan.pk)
            elif act == "revise":
                IP.do_revise_inspection_plan(plan, actor=request.user)
                messages.success(request, "计划已退回起草，可以修改后重新送审。")
                return redirect("cases:plan-detail", pk=plan.pk)
            elif act == "adopt":
                IP.do_adopt_inspection_plan(plan, actor=request.user)
                messages.success(request, "计划已通过。")
                return redirect("cases:plan-detail", pk=plan.pk)
            else:
                messages.error(request, "未知的操作。")
        except SanxiangError as exc:
            target = edit if act == "edit" else submit if act == "submit" else None
            if target is not None:
                exc.show_on(target)
            else:
                messages.error(request, exc.message)
            status = exc.status
        plan.refresh_from_db()
        case.refresh_from_db()
    required, rules = review_required(case, proposal_of(case))
    rounds = list(ReviewRound.objects.filter(review__case=case).order_by("number"))
    due = IP.plan_due(case.agency, plan.year)
    return render(request, "cases/plan_detail.html", {
        "plan": plan, "case": case, "labels": IP.FIELD_LABELS, "edit": edit, "submit": submit, "track": track,
        "required": required, "rules": rules, "rounds": rounds, "due": due,
        "late": bool(due and (plan.adopted_on or timezone.localdate()) >= due),
        "draft": case.status == CaseStatus.PLAN_DRAFT, "submitted": case.status == CaseStatus.PLAN_SUBMITTED,
        "adopted": case.status == CaseStatus.PLAN_ADOPTED, "may_change": can(request.user, "change", plan),
    }, status=status)
