"""Reads of documents, filtered in SQL by the access policy (as the case is read)."""

from __future__ import annotations

from sanxiang.access.policy import restrict

from .models import Document


def documents_of(user, case):
    return restrict(Document.objects.filter(case=case).select_related("template", "replaces", "issued_by"),
                    user).order_by("created_at", "id")


def document_for(user, pk) -> Document | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return restrict(Document.objects.select_related("case", "case__agency", "template", "replaces"),
                    user).filter(pk=pk).first()
