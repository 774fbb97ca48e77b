"""docx → PDF with LibreOffice headless (`soffice --convert-to pdf`), in the job runner only.

Each conversion gets its own LibreOffice profile (`-env:UserInstallation`) in a temporary
directory: two conversions sharing one would wait on its lock, or fail. The profile is removed
with the directory. About a second of CPU for a page once LibreOffice is warm on disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

TIMEOUT_SECONDS = 120


class RenderError(Exception):
    """The conversion failed (the message is for people, in 中文)."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise RenderError("未安装 LibreOffice（soffice），无法生成 PDF：请安装 libreoffice-writer-nogui。")
    scratch = settings.DATA_DIR / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="render-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(docx)
        command = [program, f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", work, str(source)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, cwd=work,
                                  env={**os.environ, "HOME": work})
        except subprocess.TimeoutExpired:
            raise RenderError(f"LibreOffice 转换超时（{TIMEOUT_SECONDS} 秒）。") from None
        result = Path(work) / "document.pdf"
        if done.returncode != 0 or not result.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
            raise RenderError(f"LibreOffice 转换失败（退出码 {done.returncode}）：{detail}")
        return result.read_bytes()
