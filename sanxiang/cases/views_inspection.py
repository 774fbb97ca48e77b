"""Pages of 双随机抽查: the draws a head, a leader or the legal office may see, the form that runs a draw
(entity list, qualified inspectors, count or ratio, seed) and a draw's page with its result, the inspections it
opened and how anyone can repeat it. The permission and the law are in `kinds/inspection.py`."""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sanxiang.access.policy import current_roles, restrict
from sanxiang.core.errors import SanxiangError
from sanxiang.core.ids import row_by_id

from .forms import DATE
from .kinds.inspection import CATEGORY, DRAW_METHOD, do_draw_random_inspections, may_draw, replay_draw
from .models import RandomDraw


def draw_agencies(user) -> list:
    """The agencies in which `user` may organise a draw."""
    from sanxiang.orgs.models import Agency

    if not user.is_authenticated:
        return []
    ids = set(current_roles(user).values_list("agency_id", flat=True))
    found = Agency.objects.all() if user.is_superuser else Agency.objects.filter(pk__in=ids)
    return [a for a in found.order_by("name") if may_draw(user, a)]


class DrawForm(forms.Form):
    """双随机抽取."""

    unit = forms.ChoiceField(label="承办机构")
    plan = forms.ChoiceField(label="依据的年度抽查计划", required=False,
                             help_text="本年度已通过的计划；规则配置要求依据计划抽取的（如株洲），必须选择。")
    cause = forms.CharField(label="抽查事项（抽查计划或任务）", max_length=300,
                            help_text="如：2026 年第二季度食品经营者双随机抽查。")
    items = forms.CharField(label="检查事项清单", required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="每行一项，抽中的每户都按此清单检查；不填的，检查时再列明。")
    parties = forms.MultipleChoiceField(label="抽查对象名录", widget=forms.CheckboxSelectMultiple,
                                        help_text="勾选本次纳入抽取范围的市场主体。")
    people = forms.MultipleChoiceField(label="执法检查人员名录", required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text="只列今天持有效行政检查执法证的人员；都不勾选的，全部纳入名录。")
    objects = forms.IntegerField(label="抽取户数", required=False, min_value=1, max_value=100000)
    ratio = forms.DecimalField(label="或：抽查比例（%）", required=False, min_value=0, max_value=100, decimal_places=2,
                               help_text="填写户数的，以户数为准；按比例的，向上取整。")
    inspectors = forms.IntegerField(label="每户检查人员数", initial=2, min_value=1, max_value=20)
    planned_on = forms.DateField(label="计划检查日期", required=False, widget=DATE, help_text="不填为今天。")
    seed = forms.CharField(label="随机种子", required=False, max_length=64,
                           help_text="不填由系统随机生成并公布；任何人可用公布的种子和名录复核抽取结果。")

    def __init__(self, *args, agencies=(), **kwargs):
        from sanxiang.orgs.guards import can_enforce
        from sanxiang.orgs.models import Person, PersonKind, Unit
        from sanxiang.parties.models import Party

        super().__init__(*args, **kwargs)
        several = len(agencies) > 1
        units = list(Unit.objects.filter(agency__in=agencies).select_related("agency").order_by("agency__name", "name"))
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [(str(u.pk), f"{u.agency.name} {u.name}" if several else u.name) for u in units]
        from .models import InspectionPlan

        plans = list(InspectionPlan.objects.filter(case__agency__in=agencies, case__status="plan_adopted",
                                                   year=timezone.localdate().year).select_related("case"))
        self.plans = {str(p.pk): p for p in plans}
        self.fields["plan"].choices = [("", "（不依据计划）")] + [(str(p.pk), p.title) for p in plans]
        parties = list(Party.objects.filter(agency__in=agencies).exclude(kind="person").order_by("name", "id")[:2000])
        self.parties = {str(p.pk): p for p in parties}
        self.fields["parties"].choices = [(str(p.pk), p.name) for p in parties]
        today = timezone.localdate()
        people = [p for p in Person.objects.filter(agency__in=agencies).exclude(kind=PersonKind.AUXILIARY)
                  .select_related("unit").order_by("name", "id") if can_enforce(p, CATEGORY, today).ok]
        self.people = {str(p.pk): p for p in people}
        self.fields["people"].choices = [(str(p.pk), f"{p.name}（{p.unit.name}）" if p.unit else p.name)
                                         for p in people]


@login_required
def draw_list(request):
    """双随机抽取记录."""
    found = list(restrict(RandomDraw.objects.select_related("agency", "unit"), request.user)[:200])
    if not found and not draw_agencies(request.user):
        raise PermissionDenied("您没有可查看的双随机抽取记录。")
    return render(request, "cases/draw_list.html", {"draws": found, "may_draw": bool(draw_agencies(request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def draw_create(request):
    """组织双随机抽取: the draw opens one inspection per entity drawn."""
    agencies = draw_agencies(request.user)
    if not agencies:
        raise PermissionDenied("只有科室负责人、单位领导或法制审核人员可以组织双随机抽取。")
    form = DrawForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            unit = form.units[data["unit"]]
            people = [form.people[i] for i in data["people"]] or None
            try:
                draw = do_draw_random_inspections(
                    unit.agency, unit=unit, cause=data["cause"], items=data["items"],
                    parties=[form.parties[i] for i in data["parties"]], objects=data["objects"],
                    ratio=data["ratio"], people=people, inspectors=data["inspectors"],
                    planned_on=data["planned_on"], seed=data["seed"] or None, actor=request.user,
                    plan=form.plans.get(data["plan"]))
            except SanxiangError as exc:
                exc.show_on(form)
                status = exc.status
            else:
                messages.success(request, f"已抽取 {draw.objects_drawn} 户，并登记了相应的行政检查。")
                return redirect("cases:draw-detail", pk=draw.pk)
    return render(request, "cases/form.html", {"title": "组织双随机抽取", "form": form, "submit": "抽取"},
                  status=status)


def _sha(seed, round_, i) -> str:
    return hashlib.sha256(f"{seed}:{round_}:{i}".encode()).hexdigest()


@login_required
def draw_detail(request, pk):
    """A draw: its result by name, the inspections it opened, and the replay (复核)."""
    from sanxiang.orgs.models import Person
    from sanxiang.parties.models import Party

    draw = row_by_id(restrict(RandomDraw.objects.select_related("agency", "unit"), request.user), pk)
    if draw is None:
        raise Http404("未找到该双随机抽取记录，或您无权查看。")
    parties = {p.pk: p for p in Party.objects.filter(pk__in=draw.party_pool)}
    people = {p.pk: p for p in Person.objects.filter(pk__in=draw.person_pool)}
    inspections = {}
    for ins in draw.inspections.select_related("case").prefetch_related("case__case_parties"):
        link = next(iter(ins.case.case_parties.all()), None)
        if link is not None:
            inspections[link.party_id] = ins
    rows = [{"party": parties.get(r["party"]), "people": [people.get(i) for i in r["people"]],
             "inspection": inspections.get(r["party"])} for r in draw.result]
    chosen = {r["party"] for r in draw.result}
    ranking = sorted(({"number": i, "party": parties.get(i), "hash": _sha(draw.seed, "objects", i),
                       "chosen": i in chosen} for i in draw.party_pool), key=lambda r: (r["hash"], r["number"]))
    return render(request, "cases/draw_detail.html", {
        "draw": draw, "rows": rows, "ranking": ranking, "replays": replay_draw(draw),
        "standard_method": draw.method == DRAW_METHOD,
        "people_pool": [people.get(i) for i in draw.person_pool]})
