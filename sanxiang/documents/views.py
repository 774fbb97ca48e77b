"""The 文书 section of the case page and its acts (generate, preview, issue), and the page where an
agency replaces its templates (文书模板)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from sanxiang.access.policy import can, restrict
from sanxiang.cases import pages as case_pages
from sanxiang.core.errors import NotFound, SanxiangError
from sanxiang.orgs.marks import Confidentiality
from sanxiang.orgs.models import Agency

from . import actions, kinds, paper, queries
from .models import DocumentKind, DocumentSignature, DocumentStatus, DocumentTemplate, PaperOriginal


class DocumentNotFound(NotFound, Http404):
    code = "document_not_found"
    default_message = "未找到该文书，或您无权查看。"


def measure_label(measure) -> str:
    names = "、".join(item.name for item in measure.items.order_by("id")[:3])
    from sanxiang.cases.kinds.coercion import status_label

    return f"{measure.get_kind_display()}（{status_label(measure)}，{measure.proposed_on:%Y-%m-%d}）{names}"


def inputs_form(spec: kinds.Spec, data=None, prefix=None, case=None):
    form = forms.Form(data, prefix=prefix)
    if spec.measure is not None and case is not None:
        form.fields["measure"] = forms.ChoiceField(
            label="行政强制措施", choices=[(m.pk, measure_label(m)) for m in kinds.measures_for(case, spec)])
    for item in spec.inputs:
        widget = (forms.TextInput(attrs={"type": "datetime-local"}) if item.datetime
                  else forms.Textarea(attrs={"rows": 3}))
        form.fields[item.name] = forms.CharField(label=item.label, required=False, help_text=item.help, widget=widget)
    return form


def section(request, case) -> dict:
    """What the case page's 文书 section shows to this user."""
    user = request.user
    documents = list(queries.documents_of(user, case))
    may_generate = can(user, "generate_documents", case)
    signed = set(DocumentSignature.objects.filter(document__in=documents).values_list("document_id", flat=True))
    corrected_by = {d.replaces_id: d for d in documents if d.replaces_id and d.status != DocumentStatus.FAILED}
    rows = [{"d": d, "may_issue": d.status == DocumentStatus.GENERATED and can(user, "issue", d),
             "corrected_by": corrected_by.get(d.pk), "order_superseded": actions.superseded_order(d),
             "signed": d.pk in signed, "refused": bool(d.fields.get("party_refusal")),
             "unsigned": (kinds.SPECS[d.kind].signable and d.status != DocumentStatus.ISSUED
                          and bool(actions.signature_problem(d))),
             "may_sign": (may_generate and kinds.SPECS[d.kind].signable and d.pk not in signed
                          and d.status in (DocumentStatus.PENDING, DocumentStatus.GENERATED))}
            for d in documents]
    newest = {}
    for d in documents:
        if d.status != DocumentStatus.FAILED:
            newest[d.kind] = d
    offers = []
    archived = actions._archived(case)
    if may_generate:
        for spec in kinds.available_kinds(case):
            current = newest.get(spec.kind)
            replaces = None if spec.repeatable else current
            if not (spec.repeatable or current is None or current.status == DocumentStatus.ISSUED):
                continue
            # Only what the action takes: on an archived file a supplement, never a correction or a form.
            if archived and (replaces is not None or spec.kind in kinds.ARCHIVE_KINDS):
                continue
            if actions.ended_refusal(case, spec, replaces):
                continue
            offers.append({"spec": spec, "replaces": replaces, "form": inputs_form(spec, prefix=spec.kind, case=case),
                           "unavailable": actions.prerequisite_refusal(case, spec)})
    papers = list(restrict(PaperOriginal.objects.filter(case=case), user, "view").order_by("written_on", "id"))
    return {"rows": rows, "offers": offers, "archived": archived, "pending": any(d.status == DocumentStatus.PENDING for d in documents),
            "papers": papers, "paper_form": paper_form(user, case) if may_generate else None}


class PaperForm(forms.Form):
    """登记纸质原件: a document made on paper, by its scan (uploaded first, like evidence)."""

    kind = forms.ChoiceField(label="文书种类")
    number = forms.CharField(label="文号（纸质文书有文号的）", max_length=100, required=False)
    written_on = forms.DateField(label="成文日期", widget=forms.DateInput(attrs={"type": "date"}))
    signers = forms.CharField(label="签名人", max_length=300, help_text="如：执法人员王某、李某，当事人张某")
    kept_at = forms.CharField(label="纸质原件的保存位置", max_length=300, help_text="如：执法科档案柜 3 号")
    upload = forms.ChoiceField(label="扫描件（本人已上传完成的 PDF 或图片）")
    supplement_reason = forms.CharField(label="归档后补充原因（仅已归档的案件填写）", max_length=300, required=False)
    # 保密标识 (s23 tester8 #9): a scanned 笔录 or 送达回证 often holds a person's ID number and address
    confidentiality = forms.ChoiceField(
        label="保密标识", required=False,
        choices=[("", "与案件相同（不低于内容相同的记录）"), *Confidentiality.choices],
        help_text="扫描件含当事人、证人的身份证号码、住址等的，请选择个人隐私")


def paper_form(user, case, data=None) -> PaperForm:
    from sanxiang.records.views import upload_label

    form = PaperForm(data, prefix="paper")
    form.fields["kind"].choices = paper.kinds_for(case)
    form.fields["upload"].choices = [(str(u.pk), upload_label(u)) for u in
                                     paper_uploads(user, case.agency)[:50]]
    return form


def paper_uploads(user, agency):
    from sanxiang.records.queries import usable_uploads

    return usable_uploads(user, agency).filter(media_type__in=list(paper.SCAN_TYPES))


@login_required
def register_paper(request, pk):
    case = case_pages.case_for(request.user, pk)
    if request.method != "POST":
        return redirect(f"{case_pages_url(case)}#case-documents")
    form = paper_form(request.user, case, request.POST)
    if not form.is_valid():
        from sanxiang.core.errors import join_reasons

        messages.error(request, "未能登记纸质原件：" + join_reasons(
            f"{form.fields[f].label}：{e}" if f in form.fields else e for f, errs in form.errors.items() for e in errs))
        return redirect(f"{case_pages_url(case)}#case-documents")
    from sanxiang.records.queries import upload_for

    data = form.cleaned_data
    try:
        row = paper.do_register_paper_original(
            case, upload_for(request.user, data["upload"]), kind=data["kind"], number=data["number"],
            written_on=data["written_on"], signers=data["signers"], kept_at=data["kept_at"], actor=request.user,
            supplement_reason=data["supplement_reason"], confidentiality=data["confidentiality"])
    except SanxiangError as exc:
        messages.error(request, f"未能登记纸质原件：{exc.message}")
    else:
        messages.success(request, f"已登记{row}，其扫描件已留痕，计入案卷。")
    return redirect(f"{case_pages_url(case)}#case-documents")


@login_required
def generate(request, pk, kind):
    case = case_pages.case_for(request.user, pk)
    if request.method != "POST":  # after the read: a stranger learns nothing; a reader goes to the case
        return redirect(f"{case_pages_url(case)}#case-documents")
    spec = kinds.SPECS.get(kind)
    if spec is None:
        raise DocumentNotFound("没有这种执法文书。")
    form = inputs_form(spec, request.POST, prefix=kind, case=case)
    form.is_valid()
    measure = request.POST.get(f"{kind}-measure") or None
    replaces = None
    if request.POST.get("replaces"):
        replaces = queries.document_for(request.user, request.POST["replaces"])
        if replaces is None:
            raise DocumentNotFound()
    try:
        inputs = {k: v for k, v in form.cleaned_data.items() if k != "measure"}
        document = actions.do_generate_document(case, kind, inputs=inputs, replaces=replaces, measure=measure,
                                                supplement_reason=request.POST.get("supplement_reason", ""),
                                                correction_reason=request.POST.get("correction_reason", ""),
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


def png_from_data_url(value) -> bytes:
    """The PNG bytes of a canvas's data URL (the action checks they are a PNG)."""
    import base64
    import binascii

    prefix = "data:image/png;base64,"
    if not isinstance(value, str) or not value.startswith(prefix):
        return b""
    try:
        return base64.b64decode(value[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        return b""


@login_required
def sign(request, pk):
    """手写签名 on a phone or tablet: two canvases (signature.js), the party's name."""
    document = queries.document_for(request.user, pk)
    if document is None:
        raise DocumentNotFound()
    if not can(request.user, "generate_documents", document.case) or not kinds.SPECS[document.kind].signable:
        raise DocumentNotFound("您无权为该文书签名，或该文书不需要签名。")
    from .signers import signer_label, signer_name

    party_name, status = signer_name(document), 200
    refusal, refused = {}, request.method == "POST" and request.POST.get("refused") == "1"
    person = request.user.people.filter(agency_id=document.case.agency_id).first()
    officer_name = person.name if person else request.user.get_full_name() or request.user.username
    # a pad for each other officer the document names: each signs (行政处罚法 第四十二条)
    others = [(n, name) for n, name in enumerate(actions.named_officers(document)) if name != officer_name]
    if request.method == "POST":
        party_name = request.POST.get("party_name", "")
        officer_pngs = {name: png_from_data_url(request.POST.get(f"officer_png_{n}")) for n, name in others}
        officer_pngs = {name: png for name, png in officer_pngs.items() if png}
        try:
            if refused:
                refusal = {k: request.POST.get(k, "") for k in ("reason", "refused_on", "witnesses")}
                refusal["recorded"] = request.POST.get("recorded") == "1"
                actions.do_note_signature_refusal(
                    document, officer_png=png_from_data_url(request.POST.get("officer_png")), party_name=party_name,
                    officer_pngs=officer_pngs, actor=request.user, **refusal)
            else:
                actions.do_sign_document(document, officer_png=png_from_data_url(request.POST.get("officer_png")),
                                         party_png=png_from_data_url(request.POST.get("party_png")),
                                         party_name=party_name, officer_pngs=officer_pngs, actor=request.user)
        except SanxiangError as exc:
            messages.error(request, f"未能{'注明拒绝签名' if refused else '签名'}：{exc.message}")
            status = exc.status
        else:
            messages.success(request, f"已{'注明当事人拒绝签名' if refused else '签名'}：{document}，PDF 正在后台重新生成。")
            return redirect(f"{case_pages_url(document.case)}#case-documents")
    return render(request, "documents/sign.html", {
        "document": document, "party_name": party_name, "signer": signer_label(document.kind), "refusal": refusal, "refusal_open": refused,
        "is_receipt": document.kind == DocumentKind.SERVICE_RECEIPT,
        "officer_name": officer_name, "other_officers": others},
        status=status)


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

class DeactivateForm(forms.Form):
    reason = forms.CharField(label="停用原因", max_length=300)


@login_required
def deactivate_template(request, pk):
    """停用 an agency's template version (with the reason, ledgered)."""
    agencies = managed_agencies(request.user)
    template = DocumentTemplate.objects.filter(pk=pk if str(pk).isdigit() else 0,
                                               agency__in=agencies).select_related("agency").first()
    if template is None:
        raise DocumentNotFound("未找到该模板版本，或您无权管理。")
    if request.method == "POST":
        try:
            actions.do_deactivate_document_template(template, reason=request.POST.get("reason", ""),
                                                    actor=request.user)
        except SanxiangError as exc:
            messages.error(request, f"未能停用：{exc.message}")
        else:
            messages.success(request, f"已停用{template}。")
    return redirect(f"{reverse('documents:templates')}?agency={template.agency.code}")


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
    versions = DocumentTemplate.objects.filter(agency=agency).select_related("uploaded_by", "deactivated_by").order_by("kind", "-version")
    return render(request, "documents/templates.html",
                  {"agency": agency, "form": form, "versions": versions, "kinds": DocumentKind.choices,
                   "deactivate_form": DeactivateForm()},
                  status=status)
