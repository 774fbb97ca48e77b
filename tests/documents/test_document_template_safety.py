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
