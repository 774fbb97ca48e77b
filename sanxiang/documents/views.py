"""The 文书 section of the case page and its acts (generate, preview, issue), and the page where an
agency replaces its templates (文书模板)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from sanxiang.access.policy import can, restrict
from sanxiang.cases import pages as case_pages
from sanxiang.core.errors import NotFound, SanxiangError
from sanxiang.orgs.models import Agency

from . import actions, kinds, queries
from .models import DocumentKind, DocumentStatus, DocumentTemplate


class DocumentNotFound(NotFound, Http404):
    code = "document_not_found"
    default_message = "未找到该文书，或您无权查看。"


def inputs_form(spec: kinds.Spec, data=None, prefix=None):
    form = forms.Form(data, prefix=prefix)
    for item in spec.inputs:
        form.fields[item.name] = forms.CharField(label=item.label, required=False, help_text=item.help,
                                                 widget=forms.Textarea(attrs={"rows": 3}))
    return form


def section(request, case) -> dict:
    """What the case page's 文书 section shows to this user."""
    user = request.user
    documents = list(queries.documents_of(user, case))
    may_generate = can(user, "generate_documents", case)
    rows = [{"d": d, "may_issue": d.status == DocumentStatus.GENERATED and can(user, "issue", d)}
            for d in documents]
    newest = {}
    for d in documents:
        if d.status != DocumentStatus.FAILED:
            newest[d.kind] = d
    offers = []
    if may_generate:
        for spec in kinds.available_kinds(case):
            current = newest.get(spec.kind)
            if current is None or current.status == DocumentStatus.ISSUED:
                offers.append({"spec": spec, "replaces": current, "form": inputs_form(spec, prefix=spec.kind)})
    return {"rows": rows, "offers": offers, "pending": any(d.status == DocumentStatus.PENDING for d in documents)}


@login_required
def generate(request, pk, kind):
    case = case_pages.case_for(request.user, pk)
    if request.method != "POST":  # after the read: a stranger learns nothing; a reader goes to the case
        return redirect(f"{case_pages_url(case)}#case-documents")
    spec = kinds.SPECS.get(kind)
    if spec is None:
        raise DocumentNotFound("没有这种执法文书。")
    form = inputs_form(spec, request.POST, prefix=kind)
    form.is_valid()
    replaces = None
    if request.POST.get("replaces"):
        replaces = queries.document_for(request.user, request.POST["replaces"])
        if replaces is None:
            raise DocumentNotFound()
    try:
        document = actions.do_generate_document(case, kind, inputs=form.cleaned_data, replaces=replaces,
                                                actor=request.user)
    except SanxiangError as exc:
        messages.error(request, f"未能生成{spec.label}：{exc.message}")
    else:
        messages.success(request, f"已生成{document}，PDF 正在后台生成，稍后刷新即可预览。")
    return redirect(f"{case_pages_url(case)}#case-documents")


@login_required
def issue(request, pk):
    document = queries.document_for(request.user, pk)
    if document is None:
        raise DocumentNotFound()
    if request.method != "POST":
        return redirect(f"{case_pages_url(document.case)}#case-documents")
    try:
        actions.do_issue_document(document, actor=request.user)
    except SanxiangError as exc:
        messages.error(request, f"未能签发：{exc.message}")
    else:
        messages.success(request, f"已签发{document}。")
    return redirect(f"{case_pages_url(document.case)}#case-documents")


@login_required
def pdf(request, pk):
    document = queries.document_for(request.user, pk)
    if document is None or not document.pdf_path:
        raise DocumentNotFound("未找到该文书的 PDF（尚未生成，或您无权查看）。")
    return redirect("retrieval:record", "document", document.pk, "pdf")


def case_pages_url(case) -> str:
    from django.urls import reverse

    return reverse("cases:detail", args=[case.pk])


# ---- 文书模板 -----------------------------------------------------------------------------------

class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label="文书种类", choices=DocumentKind.choices)
    file = forms.FileField(label="模板文件（.docx，填充标记见说明）")
    reason = forms.CharField(label="更换原因", max_length=300)


def managed_agencies(user):
    """The agencies whose templates `user` replaces (their 管理员 or 单位领导; not the system
    administrator, who belongs to no agency)."""
    if not user.is_authenticated or user.is_superuser:
        return []
    agencies = restrict(Agency.objects.filter(role_assignments__user=user).distinct(), user)
    return [a for a in agencies if can(user, "manage_document_templates", a)]


@login_required
def templates(request):
    agencies = managed_agencies(request.user)
    if not agencies:
        raise DocumentNotFound("您无权管理文书模板。")
    agency = next((a for a in agencies if a.code == request.GET.get("agency")), agencies[0])
    form = TemplateForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            row = actions.do_upload_document_template(agency, form.cleaned_data["kind"],
                                                      form.cleaned_data["file"].read(), actor=request.user,
                                                      reason=form.cleaned_data["reason"])
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            messages.success(request, f"已启用{row}。")
            return redirect("documents:templates")
    elif request.method == "POST":
        status = 400
    versions = DocumentTemplate.objects.filter(agency=agency).select_related("uploaded_by").order_by("kind", "-version")
    return render(request, "documents/templates.html",
                  {"agency": agency, "form": form, "versions": versions, "kinds": DocumentKind.choices},
                  status=status)
