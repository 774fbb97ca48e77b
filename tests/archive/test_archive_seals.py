"""The agency seal in the authenticity check (DA/T 70 真实性): a PDF sealed by the documents' signer
is validated with pyHanko against the agency's certificate as stored; a flipped byte inside the
signed range, bytes appended after sealing, a later incremental update, a missing seal and another
agency's seal all fail, each saying what (issue 8 §5). No LibreOffice: a one-page PDF is sealed."""

import asyncio
import io
import types
from concurrent.futures import ThreadPoolExecutor

import pytest
from pdfs import blank_pdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from sanxiang.archive.seals import seal_problem
from sanxiang.documents import signing

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic


@pytest.fixture(scope="module")
def agencies(tmp_path_factory):
    return types.SimpleNamespace(code="SEAL-A", name="测试市市场监督管理局"), \
        types.SimpleNamespace(code="SEAL-B", name="另一市市场监督管理局")


@pytest.fixture
def sealer(settings, tmp_path_factory):
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "seal-keys"  # one key per agency for the module
    return signing.PyHankoSigner()




def test_a_sealed_pdf_passes_with_its_agencys_certificate(sealer, agencies):
    own, _ = agencies
    sealed = sealer.seal(blank_pdf(), agency=own, reason="签发")
    assert seal_problem(sealed, sealer.stored_certificate(own)) == ""


def test_sealing_and_checking_work_inside_a_running_event_loop(sealer, agencies):
    """pyHanko runs its own event loop: called where one already runs (an async caller; a worker process that
    drove Playwright — the s22 proof's failure of the 公示告知书's issue) it must still seal and check."""
    own, _ = agencies

    async def inside_a_loop():
        sealed = sealer.seal(blank_pdf(), agency=own, reason="签发")
        return seal_problem(sealed, sealer.stored_certificate(own))

    # in a thread of its own: this one may already run a loop (Playwright), where asyncio.run itself refuses
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result() == ""


def test_one_flipped_byte_inside_the_signed_range_fails(sealer, agencies):
    own, _ = agencies
    sealed = sealer.seal(blank_pdf(), agency=own, reason="签发")
    at = sealed.index(b"/MediaBox") + 2  # in the page dictionary, before the signature: signed bytes
    flipped = sealed[:at] + bytes([sealed[at] ^ 0x01]) + sealed[at + 1:]
    assert seal_problem(flipped, sealer.stored_certificate(own)) == "电子印章验证失败：盖章后文件内容被改动"


def test_bytes_appended_after_sealing_fail(sealer, agencies):
    own, _ = agencies
    sealed = sealer.seal(blank_pdf(), agency=own, reason="签发")
    assert seal_problem(sealed + b"\n% appended\n", sealer.stored_certificate(own)) == \
        "电子印章未覆盖整个文件：盖章后又被追加了内容"


def test_a_well_formed_incremental_update_after_sealing_fails(sealer, agencies):
    own, _ = agencies
    sealed = sealer.seal(blank_pdf(), agency=own, reason="签发")
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.set_info(generic.DictionaryObject({generic.pdf_name("/Title"): generic.TextStringObject("改过")}))
    out = io.BytesIO()
    writer.write(out)
    assert seal_problem(out.getvalue(), sealer.stored_certificate(own)) == "电子印章未覆盖整个文件：盖章后又被追加了内容"


def test_a_missing_seal_and_another_agencys_seal_fail(sealer, agencies):
    own, other = agencies
    assert seal_problem(blank_pdf(), sealer.certificate(own)) == "没有电子印章（签发时加盖的印章缺失）"
    foreign = sealer.seal(blank_pdf(), agency=other, reason="签发")
    assert seal_problem(foreign, sealer.certificate(own)) == "电子印章验证失败：不是本机关的印章证书所盖"
    assert seal_problem(b"%PDF-1.7 not really", sealer.certificate(own)) == "无法读取（PDF 已损坏）"
