"""The queued task that renders documents (生成执法文书 PDF): enqueued when a document is
generated, run by `sanxiang worker` (which `make run` starts beside the server)."""

from __future__ import annotations

from django_tasks import task

from sanxiang.access.actors import JOBS

BATCH = 20


@task()
def render_documents() -> dict:
    """生成执法文书 PDF: the documents still 待生成, oldest first, up to BATCH converted in one
    LibreOffice start and each stored in its own transaction (a killed run leaves each document
    rendered or still pending)."""
    from .actions import do_render_documents
    from .models import Document, DocumentStatus

    done = failed = 0
    for result in do_render_documents(list(Document.objects.filter(status=DocumentStatus.PENDING).order_by("id")[:BATCH]),
                                      actor=JOBS):
        done += result.status == DocumentStatus.GENERATED
        failed += result.status == DocumentStatus.FAILED
    summary = f"生成 {done} 份执法文书 PDF" + (f"，{failed} 份失败" if failed else "") if done or failed else ""
    return {"done": done + failed, "summary": summary, "failed": failed}
