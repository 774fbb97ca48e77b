"""Forms for agency administrators (管理员): units, people, certificates, trainings, qualifications, roles.

Each view finds its object through `queries`, parses the form and calls one action with
actor=request.user. The action decides (permission and law); `action_form` turns its errors into
the re-rendered form: 400 for bad input, 403 for permission, nothing written either way.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sanxiang.core.errors import Conflict, SanxiangError

from . import actions as A
from . import forms as F
from . import queries
from .errors import OrgsError, OrgsPermissionDenied
from .models import Agency, Certificate, Person, RoleAssignment, Unit


def admin_form(view):
    """Login required, GET/POST only; a row outside the user's view (queries.for_change) is a Chinese 403 page."""

    @login_required
    @require_http_methods(["GET", "POST"])
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except OrgsPermissionDenied as exc:
            return render(request, "orgs/action_form.html", {"title": "无权操作", "error": exc.message, "back": "/"},
                          status=403)

    return wrapper


def action_form(request, form_class, *, agency, title, subject, back, perform, done, form_kwargs=None,
                initial=None, button="保存"):
    """GET shows the form; POST calls `perform(cleaned_data)` (one action) and redirects to `done(result)`.

    `done(result)` gives (url, message). Only administrators of `agency` (as the actions define them)
    see the form; everyone else gets 403. Errors of the action are shown as they are worded.
    """
    allowed = A.is_agency_admin(request.user, agency)
    form_kwargs = form_kwargs or {}
    error, status = None, 200
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                result = perform(form.cleaned_data)
            except OrgsPermissionDenied as exc:
                error, status = exc.message, 403
            except OrgsError as exc:
                error, status = exc.message, 400
            except Conflict as exc:
                error, status = exc.message, 409
            except SanxiangError as exc:
                error, status = exc.message, exc.status
            except ValidationError as exc:
                error, status = "；".join(exc.messages), 400
            else:
                url, message = done(result)
                messages.success(request, message)
                return redirect(url)
        elif allowed:
            error, status = "请更正下列错误后再提交。", 400
    else:
        form = form_class(initial=initial, **form_kwargs)
    if not allowed and status != 403:
        error, status = OrgsPermissionDenied().message, 403
    return render(request, "orgs/action_form.html", {
        "title": title, "subject": subject, "back": back, "form": form, "error": error, "button": button,
        "show_form": allowed and status != 403,
    }, status=status)


def _agency_back(agency):
    return reverse("agency-detail", args=[agency.code])


def _person_back(person):
    return reverse("person-detail", args=[person.pk])


# ---- agency: units, people, roles ---------------------------------------------------------------

@admin_form
def unit_create(request, code):
    agency = queries.for_change(request.user, Agency, code=code)
    return action_form(
        request, F.UnitForm, agency=agency, title="新增科室", subject=agency.name, back=_agency_back(agency),
        form_kwargs={"user": request.user, "agency": agency}, initial={"parent": request.GET.get("parent")},
        perform=lambda d: A.do_create_unit(agency, d["name"], kind=d["kind"] or None, parent=d["parent"],
                                           equipment_group=d["equipment_group"], actor=request.user),
        done=lambda unit: (reverse("unit-detail", args=[unit.pk]), f"已新增科室“{unit.name}”。"),
    )


@admin_form
def unit_overseer(request, pk):
    """设置分管领导 (the 分管领导 sign-off steps of the review accept only that leader)."""
    unit = queries.for_change(request.user, Unit, pk=pk)
    return action_form(
        request, F.OverseerForm, agency=unit.agency, title="设置分管领导", subject=unit.name,
        back=reverse("unit-detail", args=[unit.pk]), form_kwargs={"user": request.user, "agency": unit.agency},
        initial={"leader": unit.overseen_by_id},
        perform=lambda d: A.do_set_unit_overseer(unit, d["leader"], actor=request.user),
        done=lambda u: (reverse("unit-detail", args=[u.pk]),
                        f"已设置“{u.name}”的分管领导：{u.overseen_by.name if u.overseen_by_id else '未设置'}。"),
    )


@admin_form
def person_create(request, code):
    agency = queries.for_change(request.user, Agency, code=code)
    return action_form(
        request, F.PersonForm, agency=agency, title="新增人员", subject=agency.name, back=_agency_back(agency),
        form_kwargs={"user": request.user, "agency": agency}, initial={"unit": request.GET.get("unit")},
        perform=lambda d: A.do_create_person(agency, d["name"], kind=d["kind"], unit=d["unit"],
                                             position=d["position"], remit=d["remit"], actor=request.user),
        done=lambda person: (_person_back(person), f"已新增人员“{person.name}”。"),
    )


@admin_form
def role_assign(request, code):
    agency = queries.for_change(request.user, Agency, code=code)
    return action_form(
        request, F.RoleForm, agency=agency, title="分配角色", subject=agency.name, back=_agency_back(agency),
        form_kwargs={"user": request.user, "agency": agency}, initial={"account": request.GET.get("account")},
        perform=lambda d: A.do_assign_role(d["account"], agency, d["role"], unit=d["unit"],
                                           valid_from=d["valid_from"], valid_to=d["valid_to"], scope=d["scope"],
                                           actor=request.user),
        done=lambda r: (_agency_back(agency) + "#roles",
                        f"已为 {r.user.username} 分配角色“{r.get_role_display()}”。"),
    )


@admin_form
def role_revoke(request, pk):
    assignment = queries.for_change(request.user, RoleAssignment, pk=pk)
    agency = assignment.agency
    subject = f"{agency.name} · {assignment.user.username} · {assignment.get_role_display()}"
    return action_form(
        request, F.RevokeRoleForm, agency=agency, title="撤销角色", subject=subject, back=_agency_back(agency),
        button="撤销角色",
        perform=lambda d: A.do_revoke_role(assignment, reason=d["reason"], actor=request.user),
        done=lambda r: (_agency_back(agency) + "#roles",
                        f"已撤销 {r.user.username} 的角色“{r.get_role_display()}”。"),
    )


# ---- person: certificates, trainings, qualifications --------------------------------------------

def _person(request, pk) -> Person:
    return queries.for_change(request.user, Person, pk=pk)


@admin_form
def certificate_issue(request, pk):
    person = _person(request, pk)
    return action_form(
        request, F.CertificateForm, agency=person.agency, title="发放证件", back=_person_back(person),
        subject=f"{person.name}（{person.get_kind_display()}）· {person.agency.name}",
        form_kwargs={"person": person}, button="发证",
        perform=lambda d: A.do_issue_certificate(
            person, d["number"], kind=d["kind"] or None, categories=d["categories"], valid_from=d["valid_from"],
            valid_to=d["valid_to"], area=d["area"], issuing_authority=d["issuing_authority"], actor=request.user),
        done=lambda cert: (_person_back(person), f"已发放{cert.get_kind_display()} {cert.number}。"),
    )


# op in the URL -> (action, page title, button)
CERTIFICATE_CHANGES = {
    "suspend": (A.do_suspend_certificate, "暂扣证件", "暂扣"),
    "revoke": (A.do_revoke_certificate, "吊销证件", "吊销"),
    "reinstate": (A.do_reinstate_certificate, "恢复证件（解除暂扣）", "恢复"),
}


@admin_form
def certificate_change(request, pk, op):
    pk = int(pk)
    action, title, button = CERTIFICATE_CHANGES[op]
    cert = queries.for_change(request.user, Certificate, pk=pk)
    person = cert.person
    return action_form(
        request, F.CertificateStatusForm, agency=person.agency, title=title, back=_person_back(person),
        subject=f"{cert.get_kind_display()} {cert.number} · {person.name} · 当前状态：{cert.get_status_display()}",
        button=button,
        perform=lambda d: action(cert, reason=d["reason"], actor=request.user),
        done=lambda c: (_person_back(person), f"证件 {c.number} 现为“{c.get_status_display()}”。"),
    )


@admin_form
def training_add(request, pk):
    person = _person(request, pk)
    return action_form(
        request, F.TrainingForm, agency=person.agency, title="添加培训/考试记录", back=_person_back(person),
        subject=f"{person.name} · {person.agency.name}",
        perform=lambda d: A.do_add_training(person, d["title"], date=d["date"], kind=d["kind"],
                                            hours=d["hours"] or 0, score=d["score"], passed=d["passed"],
                                            actor=request.user),
        done=lambda t: (_person_back(person), f"已添加“{t.title}”。"),
    )


@admin_form
def qualification_add(request, pk):
    person = _person(request, pk)
    return action_form(
        request, F.QualificationForm, agency=person.agency, title="添加法律职业资格", back=_person_back(person),
        subject=f"{person.name} · {person.agency.name}",
        perform=lambda d: A.do_add_qualification(person, d["number"], d["obtained_on"], actor=request.user),
        done=lambda q: (_person_back(person), f"已添加法律职业资格 {q.number}。"),
    )
