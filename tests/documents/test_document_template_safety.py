"""An agency's own 文书模板 is text the platform runs: it renders in Jinja's sandbox, is refused at
upload when it reaches for Python's internals, and must keep what the kind requires (s18 tester,
defects 1 and 8). No LibreOffice here: the checks are on the filled Word file."""

import io
import os

import docx
import pytest
from django.utils import timezone
from documents_cast import decided_case

from sanxiang import storage
from sanxiang.core.errors import RuleViolation
from sanxiang.documents import actions as D
from sanxiang.documents.models import Document, DocumentTemplate
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

# The tester's payload: the working directory and the worker's PID, the first step to os.popen.
PAYLOADS = ["{{ cycler.__init__.__globals__.os.getcwd() }}", "{{ lipsum.__globals__['os'].getpid() }}",
            "{{ cause|attr('__class__') }}", "{{ ''.__class__.__mro__ }}"]


def _with_text(template: bytes, text: str) -> bytes:
    document = docx.Document(io.BytesIO(template))
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _refused(call, *args, **kwargs) -> str:
    """The refusal's message; and nothing was written (no template, no document, no ledger entry)."""
    counts = (DocumentTemplate.objects.count(), Document.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    assert (DocumentTemplate.objects.count(), Document.objects.count(), LedgerEntry.objects.count()) == counts
    return caught.value.message


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_template_reaching_for_python_internals_is_refused_at_upload(env, payload):
    data = _with_text(D.packaged_template("filing_approval"), f"本局格式 {payload}")
    message = _refused(D.do_upload_document_template, env.agency, "filing_approval", data, reason="本局格式",
                       actor=env.leader)
    assert "内部属性" in message
    assert os.getcwd() not in message and str(os.getpid()) not in message


def test_a_template_stored_before_the_sandbox_does_not_run_at_generation(env):
    """A version uploaded before the check (stored as it was) is refused when filled, never executed."""
    data = _with_text(D.packaged_template("filing_approval"), "【" + "|".join(PAYLOADS[:2]) + "】")
    stored = storage.put(io.BytesIO(data))
    DocumentTemplate.objects.create(agency=env.agency, kind="filing_approval", version=1, file_path=stored.path,
                                    sha256=stored.sha256, sm3=stored.sm3, size=stored.size,
                                    uploaded_at=timezone.now(), reason="s18 之前上传")
    case = decided_case(env, "filed")
    message = _refused(D.do_generate_document, case, "filing_approval", actor=env.officer)
    assert "内部属性" in message and os.getcwd() not in message


def test_the_national_templates_fill_in_the_sandbox(env):
    """Every shipped template still renders (the sandbox refuses nothing they use)."""
    from sanxiang.documents import fill, kinds

    for kind in kinds.SPECS:
        filled = fill.fill(D.packaged_template(kind), kinds.sample_context(kind))
        assert docx.Document(io.BytesIO(filled)).paragraphs, kind


def _without(template: bytes, *texts: str) -> bytes:
    """The template with `texts` taken out of every run (the tags are one run each in the national files)."""
    document = docx.Document(io.BytesIO(template))
    paragraphs = list(document.paragraphs)
    paragraphs += [p for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for paragraph in paragraphs:
        for run in paragraph.runs:
            for text in texts:
                run.text = run.text.replace(text, "")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_inquiry_template_without_number_signatures_or_notices_is_refused_naming_them(env):
    """The tester's nosig.docx: a 询问笔录 with no 文号, no signature blocks, nothing told or shown."""
    tags = ["{{ number }}", "{{ officer_signature }}", "{{ party_signature }}", "{{ told }}",
            "{{ certificates_shown }}"]
    data = _without(D.packaged_template("inquiry_record"), *tags)
    message = _refused(D.do_upload_document_template, env.agency, "inquiry_record", data, reason="本局格式",
                       actor=env.leader)
    for named in ("文书编号（文号）", "执法人员签名", "当事人（被询问人）签名", "告知事项", "出示的执法证件"):
        assert named in message, named
    # One missing: only that one is named.
    message = _refused(D.do_upload_document_template, env.agency, "inquiry_record",
                       _without(D.packaged_template("inquiry_record"), "{{ told }}"), reason="本局格式",
                       actor=env.leader)
    assert "告知事项" in message and "签名" not in message


def test_a_decision_template_must_keep_the_remedy_notice(env):
    decision = D.packaged_template("penalty_decision")
    data = _without(decision, "申请行政复议", "提起行政诉讼")
    message = _refused(D.do_upload_document_template, env.agency, "penalty_decision", data, reason="本局格式",
                       actor=env.leader)
    assert "申请行政复议的途径和期限" in message and "提起行政诉讼的途径和期限" in message
    kept = D.do_upload_document_template(env.agency, "penalty_decision", _with_text(decision, "本局自定格式"),
                                         reason="本局格式", actor=env.leader)
    assert kept.version == 1


INQUIRY_TAGS = ["{{ number }}", "{{ officer_signature }}", "{{ party_signature }}", "{{ told }}",
                "{{ certificates_shown }}"]


@pytest.mark.parametrize("hidden", ["{% if false %}" + "".join(INQUIRY_TAGS) + "{% endif %}",
                                    "{% set n = number %}{% set o = officer_signature %}{% set p = party_signature %}"
                                    "{% set t = told %}{% set c = certificates_shown %}",
                                    "".join(tag.replace(" }}", "[:0] }}") for tag in INQUIRY_TAGS)])
def test_required_names_read_but_not_rendered_are_refused(env, hidden):
    """The tester's iffalse.docx, setonly2.docx and trimmed.docx: the names are read, nothing is printed."""
    data = _with_text(_without(D.packaged_template("inquiry_record"), *INQUIRY_TAGS), hidden)
    message = _refused(D.do_upload_document_template, env.agency, "inquiry_record", data, reason="本局格式",
                       actor=env.leader)
    for named in ("文书编号（文号）", "执法人员签名", "当事人（被询问人）签名", "告知事项", "出示的执法证件"):
        assert named in message, named


def test_a_remedy_notice_in_a_dead_branch_is_refused(env):
    """The tester's ifremedy.docx: the 复议/诉讼 sentence kept, but never printed."""
    data = _with_text(_without(D.packaged_template("penalty_decision"), "申请行政复议", "提起行政诉讼"),
                      "{% if false %}可以依法申请行政复议，也可以依法提起行政诉讼。{% endif %}")
    message = _refused(D.do_upload_document_template, env.agency, "penalty_decision", data, reason="本局格式",
                       actor=env.leader)
    assert "申请行政复议的途径和期限" in message and "提起行政诉讼的途径和期限" in message


def test_every_national_template_keeps_what_it_requires():
    from sanxiang.documents import kinds, required

    for kind in kinds.SPECS:
        assert required.missing(kind, D.packaged_template(kind)) == [], kind



@pytest.mark.parametrize("method", ["save('{path}')", "replace_zipname('docProps/app.xml', '{path}')"])
def test_a_signature_image_does_not_open_the_document_to_the_template(tmp_path, method):
    """The signatures are docxtpl images carrying the live document (`.tpl`): a template reaching
    through them to `save` or `replace_zipname` writes or reads server files (s18 re-test, 1). The
    upload's sample has no images, so the check is at the fill that signs."""
    from PIL import Image

    from sanxiang.documents import fill, kinds

    target = tmp_path / "written.docx"
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(png, format="PNG")
    payload = _with_text(D.packaged_template("inquiry_record"),
                         "{{ officer_signature.tpl." + method.format(path=target) + " }}")
    with pytest.raises(RuleViolation) as caught:
        fill.fill(payload, kinds.sample_context("inquiry_record"), images={"officer_signature": png.getvalue()})
    assert caught.value.code == "template_unsafe"
    assert not target.exists()


# s19 (issue 8): filling is bounded — nested loops, a huge repetition or power are refused, quickly.
ENDLESS = ["{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}",
           "{{ '重复' * 100000000 }}", "{{ 9 ** 99999999 }}",
           "{% for i in range(100000) %}{% for j in range(100000) %}{% for k in range(100000) %}{% endfor %}"
           "{% endfor %}{% endfor %}",
           # s20 (tester8 #3): loops over a string built once counted nothing per step; text doubled by `~`
           # or grown by a method was never counted at all — the child process's kill and memory limit hold.
           '{% set s = "x" * 1000 %}{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}{% endfor %}',
           '{% set s = "ab" * 500000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}',
           '{% set s = "x" * 1000000 %}{% set s = s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s %}'
           '{% set s = s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s %}{{ s|length }}',
           '{% set s = "x" * 1000000 %}{{ s.replace("x", s)|length }}']


@pytest.mark.parametrize("payload", ENDLESS)
def test_a_template_that_would_render_for_ever_is_refused_within_its_time(env, settings, payload):
    import time

    settings.DOCUMENT_FILL_SECONDS = 0.5
    data = _with_text(D.packaged_template("filing_approval"), f"本局格式 {payload}")
    started = time.monotonic()
    with pytest.raises(RuleViolation) as caught:
        D.do_upload_document_template(env.agency, "filing_approval", data, reason="本局格式", actor=env.leader)
    assert time.monotonic() - started < 30  # endless without the bound; 30 s leaves room for a loaded machine
    assert caught.value.code == "template_too_slow" and "循环或运算过多" in caught.value.message
    assert not DocumentTemplate.objects.filter(agency=env.agency).exists()
    # …and one stored before the bound (or under a longer one) is refused when a document is generated.
    stored = storage.put(io.BytesIO(data))
    DocumentTemplate.objects.create(agency=env.agency, kind="filing_approval", version=1, file_path=stored.path,
                                    sha256=stored.sha256, sm3=stored.sm3, size=stored.size,
                                    uploaded_at=timezone.now(), reason="限时之前上传")
    case = decided_case(env, "filed")
    started = time.monotonic()
    assert "循环或运算过多" in _refused(D.do_generate_document, case, "filing_approval", actor=env.officer)
    assert time.monotonic() - started < 30  # endless without the bound; 30 s leaves room for a loaded machine


def test_the_operator_rechecks_every_stored_agency_template_and_deactivates_those_failing_today(env, settings):
    """s19 (issue 8): versions stored before a check existed are checked again (`sanxiang documents
    recheck`); each that fails today's checks is deactivated with the reason, ledgered; the passing stay."""
    import json
    from io import StringIO

    from django.core.management import call_command

    settings.DOCUMENT_FILL_SECONDS = 0.5
    good = D.do_upload_document_template(env.agency, "inquiry_record", D.packaged_template("inquiry_record"),
                                         reason="本局格式", actor=env.leader)

    def stored_before(kind, text):
        stored = storage.put(io.BytesIO(_with_text(D.packaged_template(kind), text)))
        return DocumentTemplate.objects.create(agency=env.agency, kind=kind, version=1, file_path=stored.path,
                                               sha256=stored.sha256, sm3=stored.sm3, size=stored.size,
                                               uploaded_at=timezone.now(), reason="检查之前上传")

    unsafe = stored_before("filing_approval", PAYLOADS[0])
    endless = stored_before("penalty_decision", ENDLESS[0])
    out = StringIO()
    call_command("documents", "recheck", stdout=out)
    text = out.getvalue()
    assert "重新检查了 3 个启用中的机关文书模板，2 个未通过并已停用" in text, text
    for row, why in ((unsafe, "内部属性"), (endless, "循环或运算过多")):
        row.refresh_from_db()
        assert not row.active and why in row.deactivation_reason and "重新检查未通过" in row.deactivation_reason
        entry = LedgerEntry.objects.get(action="deactivate_document_template", object_id=str(row.pk))
        assert json.loads(entry.entry)["payload"]["recheck"] is True
    good.refresh_from_db()
    assert good.active
    case = decided_case(env, "filed")  # the national template is used meanwhile
    assert D.do_generate_document(case, "filing_approval", actor=env.officer).template.agency_id is None
    out = StringIO()
    call_command("documents", "recheck", stdout=out)  # again: nothing more to do
    assert "重新检查了 1 个启用中的机关文书模板，0 个未通过并已停用。" in out.getvalue()


def test_a_template_whose_file_cannot_be_read_now_is_reported_not_deactivated(env, monkeypatch):
    """s20 (tester8 #23): a storage fault during `sanxiang documents recheck` is not a verdict on the
    template: it is named on stderr, the command exits 1, the version stays active, nothing is ledgered."""
    from io import StringIO

    from django.core.management import call_command

    row = D.do_upload_document_template(env.agency, "inquiry_record", D.packaged_template("inquiry_record"),
                                        reason="本局格式", actor=env.leader)
    entries = LedgerEntry.objects.filter(action="deactivate_document_template").count()

    def unreachable(path):
        raise storage.StorageError("对象存储暂时无法访问")

    monkeypatch.setattr(D.storage, "open_file", unreachable)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("documents", "recheck", stdout=out, stderr=err)
    assert exited.value.code == 1
    assert "未能检查" in err.getvalue() and "对象存储暂时无法访问" in err.getvalue() and "未停用" in err.getvalue()
    row.refresh_from_db()
    assert row.active
    assert LedgerEntry.objects.filter(action="deactivate_document_template").count() == entries
