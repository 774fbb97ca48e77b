"""Public witnessing API (联署接口): witnesses deliver cosignatures; anyone reads them."""

from django.http import HttpResponse
from ninja import Router, Schema

from sanxiang.api.errors import ErrorOut, error_responses
from sanxiang.core.errors import NotFound

from . import served

router = Router(tags=["witness"])

_TEXT = {"content": {"text/plain": {"schema": {"type": "string"}}}}


class AcceptedOut(Schema):
    accepted: int
    tree_size: int
    witnesses: list[str]


class CheckpointCosigners(Schema):
    tree_size: int
    root_hash: str
    cosigners: int
    witnesses: list[str]


class StatusOut(Schema):
    trusted: int
    latest: CheckpointCosigners | None
    latest_cosigned: CheckpointCosigners | None
    summary: str


@router.post("/cosignatures", response={200: AcceptedOut, **error_responses(400, 403, 404)},
             summary="见证方送达联署（C2SP 签名笔记：检查点加联署行）",
             openapi_extra={"requestBody": {"required": True, **_TEXT}})
def post_cosignatures(request):
    """A witness delivers the checkpoint it co-signed (the checkpoint text, a blank line, signature
    lines with its tlog-cosignature/v1 line). Kept only when the line verifies under a witness this
    deployment registered and the checkpoint is one it signed; no login: the signature authenticates."""
    kept = served.accept(request.body.decode("utf-8", "replace"))
    return {"accepted": len(kept), "tree_size": kept[0].tree_size, "witnesses": [c.witness.label for c in kept]}


@router.get("/checkpoint", summary="最近一个已被见证方联署的检查点（text/plain）",
            response={404: ErrorOut}, openapi_extra={"responses": {200: {"description": "签名笔记", **_TEXT}}})
def get_cosigned_checkpoint(request):
    """The largest checkpoint a trusted witness co-signed, with every cosignature line."""
    checkpoint = served.latest_cosigned()
    if checkpoint is None:
        raise NotFound("还没有检查点被见证方联署", code="no_cosigned_checkpoint")
    return HttpResponse(served.with_cosignatures(checkpoint.note, checkpoint),
                        content_type="text/plain; charset=utf-8")


@router.get("/status", response=StatusOut, summary="见证联署情况")
def get_status(request):
    """How many trusted witnesses co-signed the latest checkpoint, and the latest co-signed one."""
    info = served.summary()
    return {**info, "summary": served.summary_line(info)}
