"""docx → PDF with LibreOffice headless (`soffice --convert-to pdf`), in the job runner only.

Each conversion gets its own LibreOffice profile (`-env:UserInstallation`) in a temporary
directory: two conversions sharing one would wait on its lock, or fail. The profile is removed
with the directory. Starting LibreOffice costs a few seconds; then about a second of CPU for a
page, so `to_pdfs` converts several documents in one start.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

TIMEOUT_SECONDS = 120
# PDF/A-2b (ISO 19005-2): the long-term archival PDF that DA/T 70's 可用性 and GB/T 18894 ask of
# 版式文件 — fonts embedded, no external content; the seal's incremental signature keeps it PDF/A-2b.
PDF_A_2 = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'

SECONDS_PER_EXTRA_DOCUMENT = 30


class RenderError(Exception):
    """The conversion failed (the message is for people, in 中文)."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes:
    result = to_pdfs([docx])[0]
    if isinstance(result, RenderError):
        raise result
    return result


def to_pdfs(docxs: list[bytes]) -> list[bytes | RenderError]:
    """Several documents in one LibreOffice start (`--convert-to pdf a.docx b.docx …`): starting
    LibreOffice costs more than converting a page. One result per document, in order: its PDF, or
    the RenderError of that document alone (a batch that cannot run fails every document)."""
    if not docxs:
        return []
    program = soffice()
    if program is None:
        return [RenderError("未安装 LibreOffice（soffice），无法生成 PDF：请安装 libreoffice-writer-nogui。")] * len(docxs)
    scratch = settings.DATA_DIR / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    timeout = TIMEOUT_SECONDS + SECONDS_PER_EXTRA_DOCUMENT * (len(docxs) - 1)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="render-") as work:
        sources = [Path(work) / f"document-{n}.docx" for n in range(len(docxs))]
        for source, docx in zip(sources, docxs, strict=True):
            source.write_bytes(docx)
        command = [program, f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                   "--convert-to", PDF_A_2, "--outdir", work, *map(str, sources)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, cwd=work,
                                  env={**os.environ, "HOME": work})
        except subprocess.TimeoutExpired:
            return [RenderError(f"LibreOffice 转换超时（{timeout} 秒）。")] * len(docxs)
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
        results: list[bytes | RenderError] = []
        for source in sources:
            pdf = source.with_suffix(".pdf")
            results.append(pdf.read_bytes() if pdf.exists() else
                           RenderError(f"LibreOffice 转换失败（退出码 {done.returncode}）：{detail}"))
        return results
