"""The 行政强制 section of the case page (`cases/_coercion.html`) and its forms' pages.

Every write calls an act of `cases.kinds.coercion`; a measure's moves are offered as
`available(measure, user)` allows (so the page never offers what the act would refuse), and a
refusal is shown in Chinese on the form it came from, with what was typed kept.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core.errors import SanxiangError
from sanxiang.core.ids import row_by_id
from sanxiang.deadlines.actions import OPEN_STATES
from sanxiang.deadlines.queries import get_calendar, profile_key_of, warning_lead, warning_level
from sanxiang.workflow import available

from . import forms as F
from . import pages
from .kinds import coercion as K
from .models import CoerciveMeasure, Custody, MeasureKind, MeasureOutcome, ReleaseReason, SaleMethod

DATE = forms.DateInput(attrs={"type": "date"})
ITEM_MOVES = ("decide_item", "sell_item")  # offered while an item is left to decide (or to sell)
FLAGS = ("told_reason_basis_rights", "party_present", "video_recorded", "party_told", "party_consent")


def _item_text(i) -> str:
    return f"{i.name} {i.quantity.normalize():f}{i.unit}"


def _item_outcome_label(value) -> str:
    return "退还当事人（解除）" if value == K.RETURNED else MeasureOutcome(value).label


class MeasureMoveForm(F.TransitionForm):
    """A move of a measure, from its transition's params; structured inputs by name."""

    def __init__(self, transition, measure, *args, **kwargs):
        kwargs.setdefault("auto_id", f"m{measure.pk}_{transition.action}_%s")
        super().__init__(transition, *args, **kwargs)
        for name in self.fields:
            label, required = self.fields[name].label, self.fields[name].required
            if name == "certificate_numbers":
                handlers = [h for h in measure.case.handlers.select_related("person", "certificate")
                            if h.until is None]
                self.fields[name] = forms.MultipleChoiceField(
                    label=label, widget=forms.CheckboxSelectMultiple, initial=[h.certificate.number for h in handlers],
                    choices=[(h.certificate.number, f"{h.person.name}（{h.certificate.number}）") for h in handlers])
            elif name in FLAGS:
                self.fields[name] = forms.BooleanField(label=label, required=False)
            elif name == "days":
                self.fields[name] = forms.IntegerField(label=label, required=False, min_value=1,
                                                       help_text="不填为规则配置允许的最长延长期限。")
            elif name == "release_reason":
                self.fields[name] = forms.ChoiceField(label=label, choices=[
                    c for c in ReleaseReason.choices if c[0] != ReleaseReason.NOT_APPROVED])
            elif name == "outcome" and transition.action == "decide_item":
                self.fields[name] = forms.ChoiceField(label=label, choices=[
                    (o, _item_outcome_label(o)) for o in K.ITEM_OUTCOMES[measure.kind]])
            elif name == "outcome":
                self.fields[name] = forms.ChoiceField(label=label, choices=[
                    (o.value, o.label) for o in (MeasureOutcome(x) for x in K.OUTCOMES[measure.kind])])
            elif name == "item":
                left = [i for i in measure.items.all() if not i.disposal
                        and not (transition.action == "sell_item" and i.sold_on)]
                self.fields[name] = forms.ChoiceField(label=label, choices=[(str(i.pk), _item_text(i)) for i in left])
            elif name == "method":
                self.fields[name] = forms.ChoiceField(label=label, choices=SaleMethod.choices)
            elif name == "proceeds":
                self.fields[name] = forms.DecimalField(
                    label=label, min_value=0, decimal_places=2, max_digits=14,
                    widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
            elif name == "measure_kind":
                self.fields[name] = forms.ChoiceField(label=label, choices=[
                    (k.value, k.label) for k in (MeasureKind.SEAL, MeasureKind.SEIZE)])
            elif name in ("record", "testing"):
                self.fields[name] = forms.CharField(label=label, required=required, max_length=5000,
                                                    widget=forms.Textarea(attrs={"rows": 3}))

    def params(self) -> dict:
        out = super().params()
        for name in FLAGS:
            if name in self.fields:
                out[name] = bool(self.cleaned_data.get(name))
        return out


class ProposeForm(forms.Form):
    """提请采取行政强制措施."""

    kind = forms.ChoiceField(label="措施", choices=MeasureKind.choices)
    reason = forms.CharField(label="理由和依据", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label="日期", required=False, widget=DATE, help_text="不填为今天。")


class ItemForm(forms.Form):
    """清单的一项."""

    name = forms.CharField(label="名称", max_length=200)
    spec = forms.CharField(label="规格", max_length=200, required=False)
    quantity = forms.DecimalField(label="数量", min_value=0, decimal_places=3, max_digits=14,
                                  widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}))
    unit = forms.CharField(label="计量单位", max_length=20)
    place = forms.CharField(label="存放地点", max_length=300)
    custody = forms.ChoiceField(label="保管方式", choices=Custody.choices)
    custodian = forms.CharField(label="受托保管人", max_length=200, required=False)


class CustodyForm(forms.Form):
    """变更保管."""

    item = forms.ChoiceField(label="财物")
    place = forms.CharField(label="存放地点", max_length=300)
    custody = forms.ChoiceField(label="保管方式", choices=Custody.choices)
    custodian = forms.CharField(label="受托保管人", max_length=200, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(i.pk): i for i in items}
        self.fields["item"].choices = [(str(i.pk), _item_text(i)) for i in items]


def section(request, case) -> dict:
    """What `_coercion.html` shows to `request.user`: the case's measures, each with its deadlines,
    its 清单 and the forms of its allowed moves; the forms to propose one and to list goods."""
    user = request.user
    bound = getattr(request, "coercion_bound", {})
    measures = K.measures_of(case)
    today, calendar = timezone.localdate(), get_calendar()
    lead = warning_lead(profile_key_of(case.agency), today) if measures else None
    handles = any(h.person.user_id == user.pk for h in case.handlers.all() if h.until is None)
    may_change = can(user, "change", case)
    rows = []
    for m in measures:
        moves, refused = [], []
        items = list(m.items.all())
        undecided = [i for i in items if not i.disposal]
        for option in available(m, user):
            if option.action in ITEM_MOVES and not [i for i in undecided if not (option.action == "sell_item"
                                                                                 and i.sold_on)]:
                continue  # nothing left to decide or to sell
            if option.allowed:
                key = f"{m.pk}:{option.action}"
                moves.append({"option": option, "form": bound.get(key) or MeasureMoveForm(option.transition, m)})
            elif user.is_superuser or pages.roles_by_agency(user).get(case.agency_id, set()) & set(
                    option.transition.roles):
                refused.append(option)
        deadlines = [{"ob": ob, "level": warning_level(ob, today, lead=lead, calendar=calendar)
                      if ob.status in OPEN_STATES else None} for ob in m.deadlines]
        row = {"m": m, "moves": moves, "refused": refused, "deadlines": deadlines, "items": items,
               "lapsed": K.lapsed_on(m, today, m.deadlines)}
        if handles and may_change and m.status in K.LISTING:
            row["item_form"] = bound.get(f"{m.pk}:item") or ItemForm(auto_id=f"m{m.pk}_item_%s")
        if handles and may_change and m.status in K.IN_FORCE and items:
            row["custody_form"] = bound.get(f"{m.pk}:custody") or CustodyForm(items=items, auto_id=f"m{m.pk}_custody_%s")
        rows.append(row)
    propose = None
    if handles and may_change and case.status in K.PROPOSING_STATES:
        propose = bound.get("propose") or ProposeForm(auto_id="propose_%s")
    return {"measures": rows, "propose": propose}


# ---- the pages the forms post to ----------------------------------------------------------------

def _measure(case, measure_id) -> CoerciveMeasure:
    m = row_by_id(CoerciveMeasure.objects.filter(case_id=case.pk), measure_id)
    if m is None:
        raise pages.CaseNotFound("未找到该行政强制措施。")
    return m


def _handle(request, pk, key, make_form, perform, done):
    from .views import _render_case

    case = pages.case_for(request.user, pk)
    if request.method != "POST":
        return redirect("cases:detail", pk=case.pk)
    form = make_form(case)
    if form.is_valid():
        try:
            perform(case, form)
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            messages.success(request, done(case) if callable(done) else done)
            return redirect(reverse("cases:detail", args=[case.pk]) + "#case-coercion")
    else:
        status = 400
    request.coercion_bound = {key: form}
    case.refresh_from_db()
    return _render_case(request, case, {}, status)


@login_required
def measure_propose(request, pk):
    def perform(case, form):
        d = form.cleaned_data
        K.do_propose_measure(case, kind=d["kind"], reason=d["reason"], on=d["on"], actor=request.user)

    return _handle(request, pk, "propose", lambda case: ProposeForm(request.POST, auto_id="propose_%s"), perform,
                   "已提请采取行政强制措施，请登记清单并报负责人批准。")


@login_required
def measure_move(request, pk, measure_id, action):
    transition = next((t for t in K.MEASURE.transitions if t.action == action), None)
    if transition is None:
        raise pages.CaseNotFound("该措施没有这一操作。")

    def make(case):
        return MeasureMoveForm(transition, _measure(case, measure_id), request.POST)

    def perform(case, form):
        m = _measure(case, measure_id)
        m.status = request.POST.get("state") or m.status  # what the form was filled against: a stale tab conflicts
        K.move_measure(m, action, actor=request.user, **form.params())

    def done(case):
        m = _measure(case, measure_id)
        if action == "decide_item" and not m.items.filter(disposal="").exists():
            return f"已{transition.label}。清单的财物均已处理，请“{K.MEASURE.action_label('end_by_items')}”。"
        if action == "seal_or_seize":
            return f"已{transition.label}：{m.continued_as.get_kind_display()}措施已批准，请实施并送达决定书。"
        return f"已{transition.label}。"

    return _handle(request, pk, f"{measure_id}:{action}", make, perform, done)


@login_required
def measure_add_item(request, pk, measure_id):
    def perform(case, form):
        d = form.cleaned_data
        K.do_add_seized_item(_measure(case, measure_id), name=d["name"], spec=d["spec"], quantity=d["quantity"],
                             unit=d["unit"], place=d["place"], custody=d["custody"], custodian=d["custodian"],
                             actor=request.user)

    return _handle(request, pk, f"{measure_id}:item", lambda case: ItemForm(request.POST, auto_id=f"m{measure_id}_item_%s"),
                   perform, "已登记清单。")


@login_required
def measure_item_custody(request, pk, measure_id):
    def make(case):
        return CustodyForm(request.POST, items=_measure(case, measure_id).items.all(), auto_id=f"m{measure_id}_custody_%s")

    def perform(case, form):
        d = form.cleaned_data
        K.do_change_item_custody(form.items[d["item"]], place=d["place"], custody=d["custody"],
                                 custodian=d["custodian"], actor=request.user)

    return _handle(request, pk, f"{measure_id}:custody", make, perform, "已变更保管。")
