"""The agency seal on an issued PDF, checked for the authenticity check (DA/T 70 真实性).

`seal_problem(pdf, certificate)` says in 中文 what is wrong, or returns "": the PDF must carry a
signature (电子印章) that pyHanko finds intact and valid with the agency's own certificate as the only
trust root (the certificate as stored when the seal was made: the seal is self-signed, so nothing
else can vouch for it), and the signed byte range must cover the whole file — bytes added after
sealing, even a well-formed incremental update, make the sealed document something else.
"""

from __future__ import annotations

import io
import logging

from sanxiang.core.event_loop import call_outside_event_loop

log = logging.getLogger(__name__)


def seal_problem(pdf: bytes, certificate_der: bytes) -> str:
    """pyHanko's validation runs its own event loop: `call_outside_event_loop`."""
    return call_outside_event_loop(_seal_problem, pdf, certificate_der)


def _seal_problem(pdf: bytes, certificate_der: bytes) -> str:
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 — any parse failure of an untrusted file is a failed check
        log.info("PDF with a seal could not be read", exc_info=True)
        return "无法读取（PDF 已损坏）"
    if not signatures:
        return "没有电子印章（签发时加盖的印章缺失）"
    try:
        root = x509.Certificate.load(certificate_der)
        context = ValidationContext(trust_roots=[root])
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:  # noqa: BLE001 — a malformed signature is a failed check, not a crash
        log.info("seal validation failed", exc_info=True)
        return "电子印章无法验证（签名数据已损坏）"
    if not status.intact:
        return "电子印章验证失败：盖章后文件内容被改动"
    if not (status.valid and status.trusted):
        return "电子印章验证失败：不是本机关的印章证书所盖"
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or len(signatures) > 1:
        return "电子印章未覆盖整个文件：盖章后又被追加了内容"
    return ""
